//! One HSDS service (with its organization, locations, phones, languages and schedules) to
//! FieldRef contact documents: one per location it is offered at (one when it has none). What
//! cannot be carried over is said in the contact's notes; a service that cannot make a usable
//! contact (no callable number, no service type) is skipped with the reason.

use chrono::NaiveDate;

use super::config::HsdsConfig;
use super::model::{Location, Phone as HsdsPhone, Service, ServiceAtLocation};
use super::schedule;
use super::FIELDREF_TAXONOMY;
use crate::content::{
    check_phone_number, languages, Audience, Contact, Details, Document, LocationVisibility,
    PackInfo, Phone, PhoneKind,
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
    let withheld_by_type = service_types
        .iter()
        .any(|t| cx.config.sensitive_service_types.contains(t));
    let confidential = location.is_some_and(is_confidential);
    let visibility = if confidential || withheld_by_type {
        notes.push(format!(
            "location withheld ({}): no address or coordinates kept",
            if confidential {
                "the publisher marks it confidential"
            } else {
                "a sensitive service type"
            }
        ));
        LocationVisibility::Withheld
    } else {
        match ext.map(|e| e.location_visibility.as_str()) {
            Some("officers") => LocationVisibility::Officers,
            Some("withheld") => LocationVisibility::Withheld,
            _ => LocationVisibility::Public,
        }
    };
    let public_location = location.filter(|_| visibility != LocationVisibility::Withheld);
    let mut extension_lines = Vec::new();
    let phones = phones(service, pairing, &mut notes, &mut extension_lines);
    if phones.is_empty() {
        return Err("no callable phone number".to_owned());
    }
    let languages = contact_languages(service, location, &phones, cx, &mut notes)?;
    let (address, latitude, longitude) = match public_location {
        Some(location) => place(location, &mut notes),
        None => (None, None, None),
    };
    let hours = hours(service, pairing, location, cx, &mut notes);
    let description = service
        .description
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let summary = match ext {
        Some(e) if !e.summary.trim().is_empty() => e.summary.clone(),
        _ => summary_of(&description, &title, &organization),
    };
    let body = if ext.is_some() {
        description
    } else {
        body_of(service, &description, public_location, &extension_lines)
    };
    let updated_at = ext
        .map(|e| e.updated_at.clone())
        .filter(|d| is_date(d))
        .or_else(|| service.assured_date.as_deref().and_then(date_part))
        .or_else(|| service.last_modified.as_deref().and_then(date_part))
        .unwrap_or_default();
    let contact = Contact {
        organization,
        services: ext
            .map(|e| e.services.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| vec![title.clone()]),
        service_types,
        phones,
        email: service
            .email
            .clone()
            .or_else(|| service.organization.as_ref().and_then(|o| o.email.clone()))
            .filter(|e| {
                e.split_once('@')
                    .is_some_and(|(u, h)| !u.is_empty() && h.contains('.'))
            }),
        url: service
            .url
            .clone()
            .or_else(|| {
                service
                    .organization
                    .as_ref()
                    .and_then(|o| o.website.clone())
            })
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        address,
        neighborhood: ext
            .and_then(|e| e.neighborhood.clone())
            .filter(|_| visibility != LocationVisibility::Withheld),
        latitude,
        longitude,
        location_visibility: visibility,
        hours,
        languages,
        eligibility: eligibility(service),
        service_area: service_area(service),
    };
    let document = Document {
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
        details: Details::Contact(contact),
    };
    Ok((document, notes))
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

/// Service, pairing and location phones (the organization's when there are none), one FieldRef
/// line per language the line is answered in.
fn phones(
    service: &Service,
    pairing: Option<&ServiceAtLocation>,
    notes: &mut Vec<String>,
    extension_lines: &mut Vec<String>,
) -> Vec<Phone> {
    let hotlines = service
        .fieldref
        .as_ref()
        .map(|e| e.hotlines.as_slice())
        .unwrap_or(&[]);
    let mut sources: Vec<&HsdsPhone> = service.phones.iter().collect();
    if let Some(pairing) = pairing {
        sources.extend(pairing.phones.iter());
        if let Some(location) = &pairing.location {
            sources.extend(location.phones.iter());
        }
    }
    if sources.is_empty() {
        if let Some(org) = &service.organization {
            sources.extend(org.phones.iter());
        }
    }
    let mut out: Vec<Phone> = Vec::new();
    for phone in sources {
        let number = phone.number.trim().trim_matches('"').trim().to_owned();
        if let Err(message) = check_phone_number(&number) {
            notes.push(format!("phone {}: left out: {message}", phone.id));
            continue;
        }
        let kind = match phone
            .kind
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("") | Some("voice") | Some("cell") => {
                if hotlines.contains(&number) {
                    PhoneKind::Hotline
                } else {
                    PhoneKind::Voice
                }
            }
            Some("text") | Some("sms") => PhoneKind::Text,
            Some("textphone") | Some("tty") => PhoneKind::Tty,
            Some(other) => {
                notes.push(format!(
                    "phone {number}: type `{other}` cannot be called; left out"
                ));
                continue;
            }
        };
        if let Some(extension) = phone.extension {
            let line = format!("Extension {extension} on {number}.");
            if !extension_lines.contains(&line) {
                notes.push(format!(
                    "phone {number}: extension {extension} written in the description"
                ));
                extension_lines.push(line);
            }
        }
        let tags: Vec<Option<String>> = {
            let tags: Vec<Option<String>> = phone
                .languages
                .iter()
                .filter_map(|l| language_tag(l.code.as_deref(), l.name.as_deref()))
                .map(Some)
                .collect();
            if tags.is_empty() {
                vec![None]
            } else {
                tags
            }
        };
        for language in tags {
            let line = Phone {
                number: number.clone(),
                kind,
                language,
            };
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

/// The service's languages; else the location's; else those its phones are answered in.
fn contact_languages(
    service: &Service,
    location: Option<&Location>,
    phones: &[Phone],
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    fn add(tags: &mut Vec<String>, tag: String) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for language in &service.languages {
        match language_tag(language.code.as_deref(), language.name.as_deref()) {
            Some(tag) => add(&mut tags, tag),
            None => notes.push(format!(
                "language {} ({}) is not a language tag; left out",
                language.code.as_deref().unwrap_or(""),
                language.name.as_deref().unwrap_or("")
            )),
        }
    }
    if tags.is_empty() {
        for language in location.into_iter().flat_map(|l| l.languages.iter()) {
            if let Some(tag) = language_tag(language.code.as_deref(), language.name.as_deref()) {
                add(&mut tags, tag);
            }
        }
    }
    if tags.is_empty() {
        for tag in phones.iter().filter_map(|p| p.language.clone()) {
            add(&mut tags, tag);
        }
    }
    if tags.is_empty() {
        if cx.config.default_languages.is_empty() {
            return Err("no language listed ([hsds] default_languages in pack.toml)".to_owned());
        }
        notes.push("no language listed: given [hsds] default_languages".to_owned());
        tags = cx.config.default_languages.clone();
    }
    Ok(tags)
}

/// A BCP 47 tag from an HSDS language (`code` is ISO 639-1 or 639-3; `name` as a fallback).
fn language_tag(code: Option<&str>, name: Option<&str>) -> Option<String> {
    const THREE_TO_TWO: &[(&str, &str)] = &[
        ("eng", "en"),
        ("spa", "es"),
        ("som", "so"),
        ("vie", "vi"),
        ("ara", "ar"),
        ("zho", "zh"),
        ("chi", "zh"),
        ("rus", "ru"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("amh", "am"),
        ("orm", "om"),
        ("nep", "ne"),
        ("urd", "ur"),
        ("pol", "pl"),
        ("slk", "sk"),
        ("slo", "sk"),
    ];
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) {
        let lower = code.to_ascii_lowercase();
        if let Some((_, two)) = THREE_TO_TWO.iter().find(|(three, _)| *three == lower) {
            return Some((*two).to_owned());
        }
        if languages::is_valid_tag(code) {
            return Some(code.to_owned());
        }
    }
    name.and_then(languages::resolve)
}

/// The address (never of a withheld location: the caller does not ask) and valid coordinates.
fn place(
    location: &Location,
    notes: &mut Vec<String>,
) -> (Option<String>, Option<f64>, Option<f64>) {
    let chosen = location
        .addresses
        .iter()
        .find(|a| a.address_type.eq_ignore_ascii_case("physical"))
        .or(location.addresses.first());
    let address = chosen.map(|a| {
        let state = format!("{} {}", a.state_province.trim(), a.postal_code.trim());
        [
            a.address_1.trim(),
            a.address_2.as_deref().unwrap_or("").trim(),
            a.city.trim(),
            state.trim(),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    });
    let address = address.filter(|a| !a.is_empty());
    let (latitude, longitude) = match (location.latitude, location.longitude) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            (Some(lat), Some(lon))
        }
        (None, None) => (None, None),
        (lat, lon) => {
            notes.push(format!(
                "location {}: coordinates ({}, {}) are not a point on Earth; left out",
                location.id,
                lat.map_or("none".to_owned(), |v| v.to_string()),
                lon.map_or("none".to_owned(), |v| v.to_string())
            ));
            (None, None)
        }
    };
    (address, latitude, longitude)
}

/// The pairing's schedules, else the service's, else the location's. An export's own hours text
/// is kept when it means the same week (it keeps `PH off` and the trainer's wording).
fn hours(
    service: &Service,
    pairing: Option<&ServiceAtLocation>,
    location: Option<&Location>,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Option<String> {
    let schedules = [
        pairing.map(|p| p.schedules.as_slice()),
        Some(service.schedules.as_slice()),
        location.map(|l| l.schedules.as_slice()),
    ]
    .into_iter()
    .flatten()
    .find(|s| !s.is_empty())?;
    let converted = schedule::to_opening_hours(schedules, cx.today);
    notes.extend(converted.notes);
    let derived = converted.hours?;
    match service.fieldref.as_ref().and_then(|e| e.hours.as_deref()) {
        Some(own) if schedule::same_week(own, &derived) => Some(own.to_owned()),
        _ => Some(derived),
    }
}

fn summary_of(description: &str, title: &str, organization: &str) -> String {
    let first = description
        .split_inclusive(". ")
        .next()
        .unwrap_or("")
        .trim();
    if first.is_empty() {
        return if title == organization {
            title.to_owned()
        } else {
            format!("{title} ({organization})")
        };
    }
    if first.chars().count() <= 240 {
        return first.to_owned();
    }
    let cut: String = first.chars().take(240).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// The description, then what an officer needs before sending someone: alerts, how to apply,
/// fees, interpretation, access, extensions.
fn body_of(
    service: &Service,
    description: &str,
    location: Option<&Location>,
    extension_lines: &[String],
) -> String {
    let mut parts = vec![description.to_owned()];
    let mut add = |label: &str, text: Option<&str>| {
        if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
            parts.push(format!("{label}: {text}"));
        }
    };
    add("Alert", service.alert.as_deref());
    add("How to apply", service.application_process.as_deref());
    add("Fees", service.fees_description.as_deref());
    add("Interpretation", service.interpretation_services.as_deref());
    for access in location.into_iter().flat_map(|l| l.accessibility.iter()) {
        add("Accessibility", access.description.as_deref());
    }
    parts.extend(extension_lines.iter().cloned());
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn eligibility(service: &Service) -> Option<String> {
    let text = service
        .eligibility_description
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let ages = match (service.minimum_age, service.maximum_age) {
        (Some(min), Some(max)) => Some(format!("ages {min} to {max}")),
        (Some(min), None) => Some(format!("ages {min} and over")),
        (None, Some(max)) => Some(format!("ages up to {max}")),
        (None, None) => None,
    };
    match (text, ages) {
        (Some(text), Some(ages)) => Some(format!("{text} ({ages})")),
        (Some(text), None) => Some(text.to_owned()),
        (None, Some(ages)) => {
            let mut chars = ages.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
        }
        (None, None) => None,
    }
}

fn service_area(service: &Service) -> Option<String> {
    let names: Vec<&str> = service
        .service_areas
        .iter()
        .filter_map(|a| a.name.as_deref().or(a.description.as_deref()))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join("; "))
}

fn is_date(text: &str) -> bool {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

fn date_part(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    is_date(date).then(|| date.to_owned())
}
