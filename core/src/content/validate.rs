//! The rules a document must meet before it can be built into a pack. Each rule reports one
//! [`Problem`] pointing at the offending field; the rules never stop at the first problem so a
//! trainer fixes a whole file in one pass.

use chrono::NaiveDate;

use super::model::{Checklist, Details, Document, LocationVisibility, PackInfo, Phone, PhoneKind};
use super::problem::Problem;
use super::source::Located;
use super::{claims, languages, review};

pub(crate) fn pack_info(info: &PackInfo, at: &Located<'_>, problems: &mut Vec<Problem>) {
    if !is_valid_id(&info.id) {
        problems.push(at.problem(
            "id",
            Some(&info.id),
            "expected lowercase letters, digits and dashes",
        ));
    }
    if info.title.trim().is_empty() {
        problems.push(at.problem("title", None, "must not be empty"));
    }
    if !is_valid_id(&info.channel) {
        problems.push(at.problem(
            "channel",
            None,
            "expected lowercase letters, digits and dashes",
        ));
    }
    match super::zones::lookup(&info.timezone) {
        super::zones::Zone::Built(_) => {}
        super::zones::Zone::NotBuilt => problems.push(at.problem(
            "timezone",
            Some(&info.timezone),
            &format!(
                "time zone `{}` is not in this build ({}): apps built this way would refuse \
                 the pack; build with a CHRONO_TZ_TIMEZONE_FILTER that includes it",
                info.timezone,
                super::zones::built_zones()
            ),
        )),
        super::zones::Zone::Unknown => problems.push(at.problem(
            "timezone",
            Some(&info.timezone),
            &format!(
                "unknown time zone `{}` (expected an IANA name like America/Chicago)",
                info.timezone
            ),
        )),
    }
    for line in &info.synonyms {
        let terms = line.split('=').filter(|t| !t.trim().is_empty()).count();
        if terms < 2 {
            problems.push(at.problem(
                "synonyms",
                Some(line),
                &format!("`{line}` needs at least two terms separated by `=`"),
            ));
        }
    }
}

pub(crate) fn document(
    doc: &Document,
    at: &Located<'_>,
    info: &PackInfo,
    today: Option<NaiveDate>,
    problems: &mut Vec<Problem>,
) {
    if !is_valid_id(&doc.id) {
        problems.push(at.problem(
            "id",
            Some(&doc.id),
            "expected 1-80 lowercase letters, digits and dashes",
        ));
    }
    for (field, value) in [("title", &doc.title), ("summary", &doc.summary)] {
        if value.trim().is_empty() {
            problems.push(at.problem(field, None, "must not be empty"));
        }
    }
    review::date(at, None, "updated_at", &doc.updated_at, today, problems);
    review::provenance(doc, at, today, problems);
    if !languages::is_valid_tag(&doc.language) {
        problems.push(language_problem(at, "language", &doc.language));
    }
    if let Some(category) = doc.category() {
        if !info.categories.iter().any(|c| c == category) {
            problems.push(at.problem(
                "category",
                Some(category),
                &format!("unknown category `{category}` (pack.toml lists the allowed ones)"),
            ));
        }
    }
    match &doc.details {
        Details::Checklist(checklist) => {
            scene_words(&checklist.scene_words, at, problems);
            if checklist.sections.is_empty() {
                problems.push(at.problem(
                    "sections",
                    None,
                    "a checklist needs at least one section",
                ));
            }
            for (s, section) in checklist.sections.iter().enumerate() {
                if section.title.trim().is_empty() {
                    problems.push(at.problem(
                        &format!("sections[{s}].title"),
                        None,
                        "must not be empty",
                    ));
                }
                if section.steps.is_empty() {
                    problems.push(at.problem(
                        &format!("sections[{s}].steps"),
                        Some(&section.title),
                        "a section needs at least one step",
                    ));
                }
                for (i, step) in section.steps.iter().enumerate() {
                    if step.text.trim().is_empty() {
                        problems.push(at.problem(
                            &format!("sections[{s}].steps[{i}].text"),
                            None,
                            "must not be empty",
                        ));
                    }
                }
            }
            step_links(checklist, at, problems);
        }
        Details::Note(note) => {
            for id in &note.contacts {
                if !is_valid_id(id) {
                    problems.push(at.problem(
                        "contacts",
                        Some(id),
                        &format!("`{id}` is not a document id"),
                    ));
                }
            }
        }
        Details::Contact(contact) => {
            if let Some(verified_at) = &contact.verified_at {
                review::date(at, None, "verified_at", verified_at, today, problems);
            }
            claims::contact(doc, contact, at, today, problems);
            if contact.organization.trim().is_empty() {
                problems.push(at.problem("organization", None, "must not be empty"));
            }
            if contact.services.is_empty() {
                problems.push(at.problem("services", None, "list at least one service"));
            }
            if contact.service_types.is_empty() {
                problems.push(at.problem("service_types", None, "list at least one service type"));
            }
            for service_type in &contact.service_types {
                if !info.service_types.iter().any(|t| t == service_type) {
                    problems.push(at.problem(
                        "service_types",
                        Some(service_type),
                        &format!("unknown service type `{service_type}` (pack.toml lists the allowed ones)"),
                    ));
                }
            }
            if contact.phones.is_empty() {
                problems.push(at.problem("phones", None, "list at least one phone"));
            }
            for (i, phone) in contact.phones.iter().enumerate() {
                phone_problems(phone, i, at, problems);
            }
            if let Some(email) = &contact.email {
                let ok = email
                    .split_once('@')
                    .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
                if !ok {
                    problems.push(at.problem(
                        "email",
                        Some(email),
                        &format!("`{email}` is not an email address"),
                    ));
                }
            }
            if let Some(url) = &contact.url {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    problems.push(at.problem(
                        "url",
                        Some(url),
                        "expected an http:// or https:// address",
                    ));
                }
            }
            match (contact.latitude, contact.longitude) {
                (Some(lat), Some(lon)) => {
                    if !(-90.0..=90.0).contains(&lat) {
                        problems.push(at.problem(
                            "latitude",
                            None,
                            &format!("{lat} is outside -90..90"),
                        ));
                    }
                    if !(-180.0..=180.0).contains(&lon) {
                        problems.push(at.problem(
                            "longitude",
                            None,
                            &format!("{lon} is outside -180..180"),
                        ));
                    }
                }
                (Some(_), None) => {
                    problems.push(at.problem("longitude", None, "missing: latitude is given"))
                }
                (None, Some(_)) => {
                    problems.push(at.problem("latitude", None, "missing: longitude is given"))
                }
                (None, None) => {}
            }
            if contact.location_visibility == LocationVisibility::Withheld
                && (contact.address.is_some() || contact.latitude.is_some())
            {
                problems.push(at.problem(
                    "location_visibility",
                    None,
                    "a withheld location must not carry an address or coordinates",
                ));
            }
            if let Some(hours) = &contact.hours {
                if let Err(e) = crate::hours::Hours::parse(hours) {
                    problems.push(at.problem(
                        "hours",
                        Some(hours),
                        &format!("`{hours}` is not valid opening_hours syntax ({e})"),
                    ));
                }
            }
            if contact.languages.is_empty() {
                problems.push(at.problem("languages", None, "list at least one language"));
            }
            for tag in &contact.languages {
                if !languages::is_valid_tag(tag) {
                    problems.push(language_problem(at, "languages", tag));
                }
            }
        }
    }
}

/// A step's links are well formed; whether they lead anywhere is checked across the pack.
fn step_links(checklist: &Checklist, at: &Located<'_>, problems: &mut Vec<Problem>) {
    let steps = checklist
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, section)| {
            section
                .steps
                .iter()
                .enumerate()
                .map(move |(i, step)| (s, i, step))
        });
    for (nth, (s, i, step)) in steps.enumerate() {
        let block = Some(("[[sections.steps]]", nth));
        for id in &step.contacts {
            if !is_valid_id(id) {
                problems.push(at.problem_in(
                    block,
                    &format!("sections[{s}].steps[{i}].contacts"),
                    Some(id),
                    &format!("`{id}` is not a document id"),
                ));
            }
        }
        if let Some(tag) = &step.requires_language {
            let field = format!("sections[{s}].steps[{i}].requires_language");
            if !languages::is_valid_tag(tag) {
                problems.push(at.problem_in(
                    block,
                    &field,
                    Some(tag),
                    &format!("`{tag}` is not a BCP 47 language tag (e.g. en, es, so, ase)"),
                ));
            } else if step.contacts.is_empty() {
                problems.push(at.problem_in(
                    block,
                    &field,
                    None,
                    "requires_language needs contacts on the same step to check",
                ));
            }
        }
    }
}

fn language_problem(at: &Located<'_>, field: &str, tag: &str) -> Problem {
    at.problem(
        field,
        Some(tag),
        &format!("`{tag}` is not a BCP 47 language tag (e.g. en, es, so, ase)"),
    )
}

fn phone_problems(phone: &Phone, i: usize, at: &Located<'_>, problems: &mut Vec<Problem>) {
    let field = format!("phones[{i}].number");
    let short_code = phone.kind == PhoneKind::Text && is_sms_short_code(&phone.number);
    if let Err(message) = check_phone_number(&phone.number) {
        if !short_code {
            problems.push(at.problem(&field, Some(&phone.number), &message));
        }
    }
    if let Some(tag) = &phone.language {
        if !languages::is_valid_tag(tag) {
            problems.push(language_problem(at, &format!("phones[{i}].language"), tag));
        }
    }
}

/// A US SMS short code (5 or 6 digits, e.g. the Veterans Crisis Line's 838255): valid only as a
/// `text` line, since nobody can dial it.
fn is_sms_short_code(number: &str) -> bool {
    let number = number.trim();
    (5..=6).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
}

/// North American numbers: 7 or 10 digits (11 with a leading 1), or a 3-digit service code
/// (911-style N11 codes and 988). A number written with a leading `+` and a country code other
/// than 1 is an international one (E.164: 8 to 15 digits), as directory data from partners
/// abroad (and the HSDS examples) carry them.
pub fn check_phone_number(number: &str) -> Result<(), String> {
    if let Some(bad) = number
        .chars()
        .find(|c| !(c.is_ascii_digit() || " -().+".contains(*c)))
    {
        return Err(format!(
            "`{number}` has `{bad}`: only digits, spaces and - ( ) . + are allowed"
        ));
    }
    let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
    let international = number.trim_start().starts_with('+') && !digits.starts_with('1');
    if international {
        return if (8..=15).contains(&digits.len()) {
            Ok(())
        } else {
            Err(format!(
                "`{number}` has {} digits: an international number has 8 to 15",
                digits.len()
            ))
        };
    }
    let ok = match digits.len() {
        3 => digits == "988" || (digits.ends_with("11") && digits != "011"),
        7 | 10 => true,
        11 => digits.starts_with('1'),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{number}` has {} digits: expected 7, 10, 11 with a leading 1, or a 3-digit code like 988",
            digits.len()
        ))
    }
}

pub(crate) fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// Most scene words a checklist may list: beyond this the field stops saying what the scene is.
pub const MAX_SCENE_WORDS: usize = 40;
const MAX_WORDS_PER_SCENE_ENTRY: usize = 5;

/// Scene words are short, distinct descriptions of the scene, a few dozen at most.
fn scene_words(entries: &[String], at: &Located<'_>, problems: &mut Vec<Problem>) {
    if entries.len() > MAX_SCENE_WORDS {
        problems.push(at.problem(
            "scene_words",
            None,
            &format!(
                "{} entries; at most {MAX_SCENE_WORDS} (keep the words officers really use)",
                entries.len()
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("scene_words[{i}]");
        let words = entry.split_whitespace().count();
        if words == 0 {
            problems.push(at.problem(&field, None, "must not be empty"));
        } else if words > MAX_WORDS_PER_SCENE_ENTRY {
            problems.push(at.problem(
                &field,
                Some(entry),
                &format!("`{entry}` has {words} words; at most {MAX_WORDS_PER_SCENE_ENTRY}"),
            ));
        }
        if !seen.insert(entry.trim().to_lowercase()) {
            problems.push(at.problem(&field, Some(entry), &format!("`{entry}` is listed twice")));
        }
    }
}
