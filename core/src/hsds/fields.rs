//! The contact fields that take more than a copy: phones and their languages, the contact's
//! languages, the address and point of a location, hours, and the texts (summary, body,
//! eligibility, service area). Each says in `notes` what it had to leave out.

use chrono::NaiveDate;

use super::convert::Context;
use super::model::{Location, Phone as HsdsPhone, Service, ServiceAtLocation};
use super::schedule;
use crate::content::{check_phone_number, languages, Phone, PhoneKind};

/// Service, pairing and location phones (the organization's when there are none), one FieldRef
/// line per language the line is answered in.
pub(super) fn phones(
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
pub(super) fn contact_languages(
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
pub(super) fn place(
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
pub(super) fn hours(
    service: &Service,
    pairing: Option<&ServiceAtLocation>,
    location: Option<&Location>,
    cx: &Context<'_>,
    notes: &mut Vec<String>,
) -> Option<String> {
    let own_hours = service.fieldref.as_ref().and_then(|e| e.hours.as_deref());
    let Some(schedules) = [
        pairing.map(|p| p.schedules.as_slice()),
        Some(service.schedules.as_slice()),
        location.map(|l| l.schedules.as_slice()),
    ]
    .into_iter()
    .flatten()
    .find(|s| !s.is_empty()) else {
        // A FieldRef export leaves out schedules HSDS cannot express (week of month, `PH off`)
        // and keeps the hours only in its extension.
        return own_hours
            .filter(|h| crate::hours::Hours::parse(h).is_ok())
            .map(str::to_owned);
    };
    let converted = schedule::to_opening_hours(schedules, cx.today);
    notes.extend(converted.notes);
    let derived = converted.hours?;
    match own_hours {
        Some(own) if schedule::same_week(own, &derived) => Some(own.to_owned()),
        _ => Some(derived),
    }
}

pub(super) fn summary_of(description: &str, title: &str, organization: &str) -> String {
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
pub(super) fn body_of(
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

pub(super) fn eligibility(service: &Service) -> Option<String> {
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

pub(super) fn service_area(service: &Service) -> Option<String> {
    let names: Vec<&str> = service
        .service_areas
        .iter()
        .filter_map(|a| a.name.as_deref().or(a.description.as_deref()))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join("; "))
}

pub(super) fn is_date(text: &str) -> bool {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

pub(super) fn date_part(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    is_date(date).then(|| date.to_owned())
}

/// The service's address, else the organization's; only something that looks like one.
pub(super) fn email(service: &Service) -> Option<String> {
    service
        .email
        .clone()
        .or_else(|| service.organization.as_ref().and_then(|o| o.email.clone()))
        .filter(|e| {
            e.split_once('@')
                .is_some_and(|(u, h)| !u.is_empty() && h.contains('.'))
        })
}

/// The service's page, else the organization's website; http(s) only.
pub(super) fn url(service: &Service) -> Option<String> {
    service
        .url
        .clone()
        .or_else(|| {
            service
                .organization
                .as_ref()
                .and_then(|o| o.website.clone())
        })
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}
