//! One HSDS service (with its organization, locations, phones, languages and schedules) to
//! FieldRef contact documents: one per location it is offered at (one when it has none). What
//! cannot be carried over is said in the contact's notes; a service that cannot make a usable
//! contact (no callable number, no service type) is skipped with the reason.

use chrono::NaiveDate;

use super::config::HsdsConfig;
use super::fields;
use super::model::{Location, Service, ServiceAtLocation};
use super::FIELDREF_TAXONOMY;
use crate::content::{
    languages, Audience, Contact, Details, Document, LocationVisibility, PackInfo,
};

/// A contact made from a service, or why none was.
#[derive(Debug, Clone)]
pub enum Outcome {
    Contact {
        /// `updated_at` is empty when the publisher gave no date.
        document: Box<Document>,
        notes: Vec<String>,
    },
    Skipped {
        id: String,
        reason: String,
    },
}

/// Everything convert needs besides the record.
pub struct Context<'a> {
    pub info: &'a PackInfo,
    pub config: &'a HsdsConfig,
    pub today: NaiveDate,
}

pub fn convert(service: &Service, cx: &Context<'_>) -> Vec<Outcome> {
    let pairings: Vec<Option<&ServiceAtLocation>> = if service.service_at_locations.is_empty() {
        vec![None]
    } else {
        service.service_at_locations.iter().map(Some).collect()
    };
    let several = pairings.len() > 1;
    pairings
        .into_iter()
        .map(|pairing| {
            let id = contact_id(service, pairing.filter(|_| several));
            match contact(service, pairing, cx) {
                Ok((mut document, notes)) => {
                    document.id = id;
                    Outcome::Contact {
                        document: Box::new(document),
                        notes,
                    }
                }
                Err(reason) => Outcome::Skipped { id, reason },
            }
        })
        .collect()
}

/// `contact-hsds-<service id>` (plus a short location suffix when the service is offered at
/// several): derived from HSDS ids only, so a re-import finds the same file whatever was renamed.
/// An export's own id comes back as it was.
fn contact_id(service: &Service, pairing: Option<&ServiceAtLocation>) -> String {
    if let Some(ext) = &service.fieldref {
        if pairing.is_none() && crate::content::is_valid_id(&ext.id) {
            return ext.id.clone();
        }
    }
    let mut id = format!("contact-hsds-{}", slug(&service.id));
    if let Some(pairing) = pairing {
        let place = pairing
            .location
            .as_ref()
            .map_or(pairing.id.as_str(), |l| l.id.as_str());
        let short: String = slug(place).chars().take(8).collect();
        id.truncate(80 - short.len() - 1);
        id = format!("{}-{short}", id.trim_end_matches('-'));
    }
    id.truncate(80);
    id.trim_end_matches('-').to_owned()
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

type Converted = (Document, Vec<String>);

fn contact(
    service: &Service,
    pairing: Option<&ServiceAtLocation>,
    cx: &Context<'_>,
) -> Result<Converted, String> {
    let mut notes = Vec::new();
    let ext = service.fieldref.as_ref();
    let status = service.status.as_deref().unwrap_or("active").to_lowercase();
    if status == "inactive" || status == "defunct" {
        return Err(format!("status is {status}"));
    }
    let title = service.name.trim().to_owned();
    if title.is_empty() {
        return Err("the service has no name".to_owned());
    }
    let organization = service
        .organization
        .as_ref()
        .map(|o| o.name.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| title.clone());
    let location = pairing.and_then(|p| p.location.as_ref());
    let service_types = service_types(service, pairing, cx, &mut notes)?;
    let visibility = visibility(service, location, &service_types, cx, &mut notes);
    let public_location = location.filter(|_| visibility != LocationVisibility::Withheld);
    let mut extension_lines = Vec::new();
    let phones = fields::phones(service, pairing, &mut notes, &mut extension_lines);
    if phones.is_empty() {
        return Err("no callable phone number".to_owned());
    }
    let languages = fields::contact_languages(service, location, &phones, cx, &mut notes)?;
    let (address, latitude, longitude) = match public_location {
        Some(location) => fields::place(location, &mut notes),
        None => (None, None, None),
    };
    let contact = Contact {
        services: ext
            .map(|e| e.services.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| vec![title.clone()]),
        service_types,
        phones,
        email: fields::email(service),
        url: fields::url(service),
        address,
        neighborhood: ext
            .and_then(|e| e.neighborhood.clone())
            .filter(|_| visibility != LocationVisibility::Withheld),
        latitude,
        longitude,
        location_visibility: visibility,
        hours: fields::hours(service, pairing, location, cx, &mut notes),
        languages,
        eligibility: fields::eligibility(service),
        service_area: fields::service_area(service),
        verified_at: service.assured_date.as_deref().and_then(fields::date_part),
        organization,
    };
    let document = document(service, title, public_location, &extension_lines, contact);
    Ok((document, notes))
}

/// The document around a contact: its texts and dates (an export's own where it carries them).
fn document(
    service: &Service,
    title: String,
    public_location: Option<&Location>,
    extension_lines: &[String],
    contact: Contact,
) -> Document {
    let ext = service.fieldref.as_ref();
    let description = service
        .description
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let summary = match ext {
        Some(e) if !e.summary.trim().is_empty() => e.summary.clone(),
        _ => fields::summary_of(&description, &title, &contact.organization),
    };
    let body = if ext.is_some() {
        description
    } else {
        fields::body_of(service, &description, public_location, extension_lines)
    };
    let updated_at = ext
        .map(|e| e.updated_at.clone())
        .filter(|d| fields::is_date(d))
        .or_else(|| service.assured_date.as_deref().and_then(fields::date_part))
        .or_else(|| service.last_modified.as_deref().and_then(fields::date_part))
        .unwrap_or_default();
    Document {
        id: String::new(),
        title,
        summary,
        revision: ext.map_or(1, |e| e.revision.max(1)),
        updated_at,
        language: ext
            .map(|e| e.language.clone())
            .filter(|l| languages::is_valid_tag(l))
            .unwrap_or_else(|| "en".to_owned()),
        tags: ext.map(|e| e.tags.clone()).unwrap_or_default(),
        audience: Audience::Public,
        body,
        provenance: ext.map(|e| e.provenance.clone()).unwrap_or_default(),
        details: Details::Contact(contact),
    }
}

/// Withheld when the publisher marks the location confidential or a service type is sensitive;
/// otherwise what an export says, else public.
fn visibility(
    service: &Service,
    location: Option<&Location>,
    service_types: &[String],
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> LocationVisibility {
    let sensitive = service_types
        .iter()
        .any(|t| cx.config.sensitive_service_types.contains(t));
    let confidential = location.is_some_and(is_confidential);
    if confidential || sensitive {
        notes.push(format!(
            "location withheld ({}): no address or coordinates kept",
            if confidential {
                "the publisher marks it confidential"
            } else {
                "a sensitive service type"
            }
        ));
        return LocationVisibility::Withheld;
    }
    match service
        .fieldref
        .as_ref()
        .map(|e| e.location_visibility.as_str())
    {
        Some("officers") => LocationVisibility::Officers,
        Some("withheld") => LocationVisibility::Withheld,
        _ => LocationVisibility::Public,
    }
}

/// A location is confidential when the publisher says so: `confidential: true`, an attribute
/// whose taxonomy term is `confidential`, or an address line reading "confidential".
fn is_confidential(location: &Location) -> bool {
    location.confidential == Some(true)
        || location.attributes.iter().any(|a| {
            a.taxonomy_term.as_ref().is_some_and(|t| {
                t.code
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case("confidential"))
                    || t.name.eq_ignore_ascii_case("confidential")
            })
        })
        || location
            .addresses
            .iter()
            .any(|a| a.address_1.to_ascii_lowercase().contains("confidential"))
}

fn service_types(
    service: &Service,
    pairing: Option<&ServiceAtLocation>,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let mut types: Vec<String> = Vec::new();
    let attributes = service
        .attributes
        .iter()
        .chain(pairing.into_iter().flat_map(|p| p.attributes.iter()));
    for term in attributes.filter_map(|a| a.taxonomy_term.as_ref()) {
        let own = (term.taxonomy.as_deref() == Some(FIELDREF_TAXONOMY))
            .then_some(term.code.as_deref())
            .flatten()
            .filter(|c| cx.info.service_types.iter().any(|t| t == c));
        let mapped: Vec<String> = match (
            cx.config.types_for_term(term.code.as_deref(), &term.name),
            own,
        ) {
            (Some(found), _) => found.to_vec(),
            (None, Some(code)) => vec![code.to_owned()],
            (None, None) => {
                notes.push(format!(
                    "taxonomy term `{}` ({}) maps to no service type; add it to [hsds.taxonomy]",
                    term.code.as_deref().unwrap_or(""),
                    term.name
                ));
                continue;
            }
        };
        for t in mapped {
            if !types.contains(&t) {
                types.push(t);
            }
        }
    }
    if types.is_empty() {
        if cx.config.default_service_types.is_empty() {
            return Err(
                "no taxonomy term maps to a service type ([hsds.taxonomy] in pack.toml)".to_owned(),
            );
        }
        notes.push("no taxonomy term maps: given [hsds] default_service_types".to_owned());
        types = cx.config.default_service_types.clone();
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hsds::model::{Attribute, Language, Phone as HsdsPhone, TaxonomyTerm};

    fn info() -> PackInfo {
        PackInfo {
            id: "p".to_owned(),
            title: "P".to_owned(),
            channel: "p".to_owned(),
            timezone: "America/Chicago".to_owned(),
            categories: Vec::new(),
            service_types: vec!["food".to_owned(), "shelter".to_owned()],
            synonyms: Vec::new(),
            stale_after_months: crate::content::DEFAULT_STALE_AFTER_MONTHS,
            audience: Audience::Public,
        }
    }

    fn service() -> Service {
        Service {
            id: "Svc 42/A".to_owned(),
            name: "Night Pantry".to_owned(),
            description: Some("Hot meals at night. Walk in.".to_owned()),
            phones: vec![HsdsPhone {
                id: "ph".to_owned(),
                number: "507-555-0142".to_owned(),
                kind: Some("voice".to_owned()),
                languages: vec![
                    Language {
                        id: "l1".to_owned(),
                        code: Some("spa".to_owned()),
                        name: None,
                    },
                    Language {
                        id: "l2".to_owned(),
                        code: None,
                        name: Some("Somali".to_owned()),
                    },
                ],
                ..HsdsPhone::default()
            }],
            attributes: vec![Attribute {
                id: "a".to_owned(),
                taxonomy_term: Some(TaxonomyTerm {
                    id: "t".to_owned(),
                    code: Some("BD-1800".to_owned()),
                    name: "Food Pantries".to_owned(),
                    ..TaxonomyTerm::default()
                }),
                ..Attribute::default()
            }],
            ..Service::default()
        }
    }

    fn run(service: &Service, config: &HsdsConfig) -> Vec<Outcome> {
        let info = info();
        let cx = Context {
            info: &info,
            config,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"),
        };
        convert(service, &cx)
    }

    fn mapped() -> HsdsConfig {
        let mut config = HsdsConfig::default();
        config
            .taxonomy
            .insert("food pantries".to_owned(), vec!["food".to_owned()]);
        config
    }

    #[test]
    fn a_line_answered_in_two_languages_becomes_two_lines_and_the_term_maps_by_name() {
        let outcomes = run(&service(), &mapped());
        let Outcome::Contact { document, .. } = &outcomes[0] else {
            panic!("{outcomes:?}")
        };
        assert_eq!(document.id, "contact-hsds-svc-42-a");
        assert_eq!(document.summary, "Hot meals at night.");
        let contact = document.as_contact().expect("contact");
        assert_eq!(contact.service_types, vec!["food"]);
        let languages: Vec<_> = contact.phones.iter().map(|p| p.language.clone()).collect();
        assert_eq!(
            languages,
            vec![Some("es".to_owned()), Some("so".to_owned())]
        );
        assert_eq!(contact.languages, vec!["es", "so"], "from its phones");
    }

    #[test]
    fn what_makes_no_usable_contact_is_skipped_with_the_reason() {
        let unmapped = run(&service(), &HsdsConfig::default());
        assert!(
            matches!(&unmapped[0], Outcome::Skipped { reason, .. } if reason.contains("[hsds.taxonomy]"))
        );
        let mut defunct = service();
        defunct.status = Some("defunct".to_owned());
        assert!(
            matches!(&run(&defunct, &mapped())[0], Outcome::Skipped { reason, .. } if reason == "status is defunct")
        );
        let mut fax_only = service();
        fax_only.phones[0].kind = Some("fax".to_owned());
        assert!(
            matches!(&run(&fax_only, &mapped())[0], Outcome::Skipped { reason, .. } if reason.contains("phone"))
        );
    }

    #[test]
    fn a_service_at_several_locations_makes_one_contact_each_with_stable_ids() {
        let mut several = service();
        several.service_at_locations = ["loc-one-1111", "loc-two-2222"]
            .iter()
            .map(|id| ServiceAtLocation {
                id: format!("sal-{id}"),
                location: Some(Location {
                    id: (*id).to_owned(),
                    ..Location::default()
                }),
                ..ServiceAtLocation::default()
            })
            .collect();
        let ids: Vec<String> = run(&several, &mapped())
            .iter()
            .map(|o| match o {
                Outcome::Contact { document, .. } => document.id.clone(),
                Outcome::Skipped { id, .. } => id.clone(),
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                "contact-hsds-svc-42-a-loc-one",
                "contact-hsds-svc-42-a-loc-two"
            ]
        );
    }
}
