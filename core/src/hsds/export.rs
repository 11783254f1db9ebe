//! `export-hsds`: the pack's public contacts as one HSDS 3.x `service_list` page, so partners can
//! check what the department shows. Only what a community partner may see goes out: officers-only
//! contacts are left out and withheld or officers-only locations carry no address or point.
//! FieldRef fields HSDS has no place for ride in a `fieldref` object on each service, so
//! importing an export gives back the same contacts.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::config::HsdsConfig;
use super::error::HsdsError;
use super::model::{
    Address, Attribute, FieldRefExtension, Language, Location, Organization, PageOut, Phone,
    Schedule, Service, ServiceArea, ServiceAtLocation, TaxonomyTerm,
};
use super::schedule;
use super::FIELDREF_TAXONOMY;
use crate::content::{
    languages, Audience, Document, LocationVisibility, Pack, PhoneKind, SourceTree,
};

/// What an export wrote and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub services: usize,
    /// Officers-only contacts, not exported.
    pub left_out: Vec<String>,
    /// Contact id and what of it could not be written.
    pub notes: Vec<(String, String)>,
}

/// Exports the pack folder `dir` to the file `out`.
pub fn export_dir(dir: &Path, out: &Path) -> Result<ExportReport, HsdsError> {
    let tree = SourceTree::read_dir(dir).map_err(|problems| HsdsError::PackInvalid {
        dir: dir.to_owned(),
        problems,
    })?;
    let pack = tree.compile().map_err(|problems| HsdsError::PackInvalid {
        dir: dir.to_owned(),
        problems,
    })?;
    let pack_toml = dir.join("pack.toml");
    let config =
        HsdsConfig::from_pack_toml(tree.pack_toml.as_ref().map_or("", |f| f.text.as_str()))
            .map_err(|message| HsdsError::Config {
                path: pack_toml,
                message,
            })?;
    let (page, report) = export_pack(&pack, &config);
    let mut text = serde_json::to_string_pretty(&page).unwrap_or_default();
    text.push('\n');
    std::fs::write(out, text).map_err(|e| HsdsError::io(out, e))?;
    Ok(report)
}

/// The public contacts of `pack` as a single complete `service_list` page.
pub fn export_pack(pack: &Pack, config: &HsdsConfig) -> (PageOut<Service>, ExportReport) {
    let mut report = ExportReport {
        left_out: pack
            .documents
            .iter()
            .filter(|d| d.as_contact().is_some() && d.audience != Audience::Public)
            .map(|d| d.id.clone())
            .collect(),
        ..ExportReport::default()
    };
    // The same projection the public release is built with.
    let public = pack.for_audience(Audience::Public);
    let mut services = Vec::new();
    for doc in public.documents.iter().filter(|d| d.as_contact().is_some()) {
        services.push(service(doc, config, &mut report));
    }
    report.services = services.len();
    let page = PageOut {
        total_items: services.len(),
        total_pages: 1,
        page_number: 1,
        size: services.len(),
        first_page: true,
        last_page: true,
        empty: services.is_empty(),
        contents: services,
    };
    (page, report)
}

/// A UUID (version 8, name-based on SHA-256) for a FieldRef name: the same name always gives the
/// same id, so partners see stable records from one export to the next.
fn uuid_for(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit() && !c.is_ascii_uppercase()
            }
        })
}

/// The HSDS id of a contact: the publisher's own for an imported one, else derived from the id.
fn service_id(doc: &Document) -> String {
    doc.id
        .strip_prefix("contact-hsds-")
        .filter(|rest| is_uuid(rest))
        .map_or_else(|| uuid_for(&format!("fieldref:{}", doc.id)), str::to_owned)
}

fn service(doc: &Document, config: &HsdsConfig, report: &mut ExportReport) -> Service {
    let Some(contact) = doc.as_contact() else {
        return Service::default();
    };
    let id = service_id(doc);
    let scoped = |what: &str| uuid_for(&format!("fieldref:{}:{what}", doc.id));
    let language = |tag: &str, what: &str| Language {
        id: scoped(&format!("{what}:language:{tag}")),
        name: Some(languages::display_name(tag)),
        code: Some(tag.to_owned()),
    };
    let phones = contact
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| Phone {
            id: scoped(&format!("phone:{i}")),
            number: p.number.clone(),
            extension: None,
            kind: Some(
                match p.kind {
                    PhoneKind::Voice | PhoneKind::Hotline => "voice",
                    PhoneKind::Text => "text",
                    PhoneKind::Tty => "textphone",
                }
                .to_owned(),
            ),
            description: None,
            languages: p
                .language
                .iter()
                .map(|tag| language(tag, &format!("phone:{i}")))
                .collect(),
        })
        .collect();
    let schedules = match contact.hours.as_deref().map(schedule::to_schedules) {
        None => Vec::new(),
        Some(Ok(openings)) => openings
            .into_iter()
            .enumerate()
            .map(|(i, (byday, opens, closes))| Schedule {
                id: scoped(&format!("schedule:{i}")),
                freq: Some("WEEKLY".to_owned()),
                byday: Some(byday),
                opens_at: Some(schedule::hsds_time(opens)),
                closes_at: Some(schedule::hsds_time(closes)),
                ..Schedule::default()
            })
            .collect(),
        Some(Err(reason)) => {
            report
                .notes
                .push((doc.id.clone(), format!("hours not written: {reason}")));
            Vec::new()
        }
    };
    let attributes = contact
        .service_types
        .iter()
        .map(|t| {
            let term = uuid_for(&format!("fieldref-service-type:{t}"));
            Attribute {
                id: scoped(&format!("service-type:{t}")),
                link_id: Some(id.clone()),
                taxonomy_term_id: Some(term.clone()),
                link_type: Some("service".to_owned()),
                link_entity: Some("service".to_owned()),
                value: None,
                taxonomy_term: Some(TaxonomyTerm {
                    id: term,
                    code: Some(t.clone()),
                    name: t.clone(),
                    description: format!("FieldRef service type `{t}`"),
                    taxonomy: Some(FIELDREF_TAXONOMY.to_owned()),
                }),
            }
        })
        .collect();
    let located = contact.address.is_some() || contact.latitude.is_some();
    let service_at_locations = if located {
        let location_id = scoped("location");
        vec![ServiceAtLocation {
            id: scoped("service-at-location"),
            service_id: Some(id.clone()),
            location_id: Some(location_id.clone()),
            location: Some(Location {
                id: location_id.clone(),
                location_type: Some("physical".to_owned()),
                latitude: contact.latitude,
                longitude: contact.longitude,
                addresses: contact
                    .address
                    .iter()
                    .map(|a| address(a, &scoped("address"), &location_id, config))
                    .collect(),
                ..Location::default()
            }),
            ..ServiceAtLocation::default()
        }]
    } else {
        Vec::new()
    };
    let visibility = match contact.location_visibility {
        LocationVisibility::Public => "public",
        LocationVisibility::Officers => "officers",
        LocationVisibility::Withheld => "withheld",
    };
    Service {
        id: id.clone(),
        organization_id: Some(uuid_for(&format!(
            "fieldref-organization:{}",
            contact.organization
        ))),
        name: doc.title.clone(),
        description: (!doc.body.is_empty()).then(|| doc.body.clone()),
        url: contact.url.clone(),
        email: contact.email.clone(),
        status: Some("active".to_owned()),
        eligibility_description: contact.eligibility.clone(),
        assured_date: Some(
            contact
                .verified_at
                .clone()
                .unwrap_or_else(|| doc.updated_at.clone()),
        ),
        phones,
        schedules,
        service_areas: contact
            .service_area
            .iter()
            .map(|area| ServiceArea {
                id: scoped("service-area"),
                name: Some(area.clone()),
                description: None,
            })
            .collect(),
        service_at_locations,
        languages: contact
            .languages
            .iter()
            .map(|t| language(t, "service"))
            .collect(),
        organization: Some(Organization {
            id: uuid_for(&format!("fieldref-organization:{}", contact.organization)),
            name: contact.organization.clone(),
            ..Organization::default()
        }),
        attributes,
        fieldref: Some(FieldRefExtension {
            id: doc.id.clone(),
            summary: doc.summary.clone(),
            revision: doc.revision,
            updated_at: doc.updated_at.clone(),
            language: doc.language.clone(),
            tags: doc.tags.clone(),
            services: contact.services.clone(),
            neighborhood: contact.neighborhood.clone(),
            hotlines: contact
                .phones
                .iter()
                .filter(|p| p.kind == PhoneKind::Hotline)
                .map(|p| p.number.clone())
                .collect(),
            hours: contact.hours.clone(),
            location_visibility: visibility.to_owned(),
            provenance: doc.provenance.clone(),
        }),
        ..Service::default()
    }
}

/// `street, city[, ST 55901]` into HSDS address parts; the importer joins them back the same way.
fn address(text: &str, id: &str, location_id: &str, config: &HsdsConfig) -> Address {
    let parts: Vec<&str> = text.split(", ").collect();
    let (state, postal, rest) = match parts.split_last() {
        Some((last, rest)) if rest.len() >= 2 && is_state_postal(last) => {
            let (state, postal) = last.split_once(' ').unwrap_or((last, ""));
            (state.to_owned(), postal.to_owned(), rest)
        }
        _ => (String::new(), String::new(), parts.as_slice()),
    };
    let (city, street) = match rest.split_last() {
        Some((city, street)) if !street.is_empty() => ((*city).to_owned(), street.join(", ")),
        _ => (String::new(), rest.join(", ")),
    };
    Address {
        id: id.to_owned(),
        location_id: Some(location_id.to_owned()),
        address_1: street,
        address_2: None,
        city,
        region: None,
        state_province: state,
        postal_code: postal,
        country: config.country().to_owned(),
        address_type: "physical".to_owned(),
    }
}

/// `MN 55901` or `MN 55901-1234`.
fn is_state_postal(text: &str) -> bool {
    let Some((state, postal)) = text.split_once(' ') else {
        return false;
    };
    state.len() == 2
        && state.chars().all(|c| c.is_ascii_uppercase())
        && (postal.len() == 5 || postal.len() == 10)
        && postal.chars().all(|c| c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = uuid_for("fieldref:contact-a");
        assert_eq!(a, uuid_for("fieldref:contact-a"));
        assert_ne!(a, uuid_for("fieldref:contact-b"));
        assert!(is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "8", "version 8");
    }

    #[test]
    fn addresses_split_into_hsds_parts() {
        let config = HsdsConfig::default();
        let plain = address("300 Railyard Road, Port Alder", "a", "l", &config);
        assert_eq!(
            (
                plain.address_1.as_str(),
                plain.city.as_str(),
                plain.state_province.as_str()
            ),
            ("300 Railyard Road", "Port Alder", "")
        );
        let full = address(
            "Suite 2, 1 Dock St, Port Alder, MN 55901",
            "a",
            "l",
            &config,
        );
        assert_eq!(
            (
                full.address_1.as_str(),
                full.city.as_str(),
                full.state_province.as_str(),
                full.postal_code.as_str(),
                full.country.as_str()
            ),
            ("Suite 2, 1 Dock St", "Port Alder", "MN", "55901", "US")
        );
    }
}
