//! What a contact's words claim against what its data says: "24/7" in the text with hours that
//! close, or "Somali spoken" with no `so` in `languages` (so the language filter cannot find it).
//! Both are warnings: the text may be right and the data wrong, or the other way round, and a
//! trainer has to decide which.

use chrono::{NaiveDate, NaiveDateTime};

use super::model::{Contact, Document};
use super::problem::Problem;
use super::source::Located;
use crate::hours::Hours;

/// Common names of the languages Port Alder's partners serve, and the tags that satisfy each.
/// Names are matched as whole words with their capital, so "mam" in a sentence or a lowercase
/// "french fries" does not count.
const LANGUAGE_NAMES: &[(&str, &[&str])] = &[
    ("Spanish", &["es"]),
    ("Somali", &["so"]),
    ("Hmong", &["hmn", "mww", "hnj"]),
    ("Vietnamese", &["vi"]),
    ("Arabic", &["ar"]),
    ("Russian", &["ru"]),
    ("Ukrainian", &["uk"]),
    ("Karen", &["kar", "ksw", "pwo"]),
    ("Oromo", &["om", "gaz"]),
    ("Amharic", &["am"]),
    ("Tigrinya", &["ti"]),
    ("Kurdish", &["ku", "ckb", "kmr", "sdh"]),
    ("Dari", &["prs", "fa"]),
    ("Farsi", &["fa", "prs"]),
    ("Persian", &["fa", "prs"]),
    ("Pashto", &["ps", "pbt", "pbu"]),
    ("French", &["fr"]),
    ("Haitian Creole", &["ht"]),
    ("Mandarin", &["zh", "cmn"]),
    ("Cantonese", &["zh", "yue"]),
    ("Chinese", &["zh", "cmn", "yue"]),
    ("K'iche'", &["quc"]),
    ("K’iche’", &["quc"]),
    ("Mam", &["mam"]),
    ("Nepali", &["ne", "npi"]),
    ("Swahili", &["sw", "swh"]),
    ("Burmese", &["my"]),
    ("Lao", &["lo"]),
    ("Khmer", &["km"]),
    ("Tagalog", &["tl", "fil"]),
    ("Korean", &["ko"]),
    ("Portuguese", &["pt"]),
    ("Punjabi", &["pa"]),
    ("Hindi", &["hi"]),
    ("Urdu", &["ur"]),
    ("Bosnian", &["bs"]),
    ("Polish", &["pl"]),
    ("Ojibwe", &["oj", "oji", "ojb", "ciw"]),
    ("ASL", &["ase"]),
    ("American Sign Language", &["ase"]),
];

/// Checks a contact's text against its languages and its hours.
pub(crate) fn contact(
    doc: &Document,
    contact: &Contact,
    at: &Located<'_>,
    today: Option<NaiveDate>,
    problems: &mut Vec<Problem>,
) {
    named_languages(doc, contact, at, problems);
    if let Some(hours) = &contact.hours {
        if claims_round_the_clock(doc) {
            if let Some(gap) = first_gap(hours, today) {
                problems.push(
                    at.problem(
                        "hours",
                        Some(hours),
                        &format!("the text says 24/7 but `{hours}` leaves a gap: closed {gap}"),
                    )
                    .warning(),
                );
            }
        }
    }
}

fn named_languages(
    doc: &Document,
    contact: &Contact,
    at: &Located<'_>,
    problems: &mut Vec<Problem>,
) {
    let listed: Vec<String> = contact
        .languages
        .iter()
        .chain(contact.phones.iter().filter_map(|p| p.language.as_ref()))
        .map(|tag| primary(tag))
        .collect();
    let services = contact.services.join("\n");
    let texts = [
        ("summary", doc.summary.as_str()),
        ("services", services.as_str()),
        ("body", doc.body.as_str()),
    ];
    let mut reported: Vec<&str> = Vec::new();
    for (name, tags) in LANGUAGE_NAMES {
        if tags.iter().any(|t| listed.iter().any(|l| l == t)) || reported.contains(&tags[0]) {
            continue;
        }
        if let Some((field, _)) = texts.iter().find(|(_, text)| names_word(text, name)) {
            reported.push(tags[0]);
            problems.push(
                at.problem(
                    "languages",
                    None,
                    &format!(
                        "the {field} names {name} but languages does not list `{}`",
                        tags[0]
                    ),
                )
                .warning(),
            );
        }
    }
}

fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

/// Whether `text` has `name` as a whole word (letters around it do not count).
fn names_word(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// "24/7", "24-hour", "open 24 hours", "24 hours a day" in the title, summary, tags or body;
/// not "within 24 hours" (a response time, not opening hours).
fn claims_round_the_clock(doc: &Document) -> bool {
    let texts = [doc.title.as_str(), doc.summary.as_str(), doc.body.as_str()];
    let tagged = doc.tags.iter().any(|t| {
        let t = t.to_lowercase();
        t == "24/7" || t == "24-hour" || t == "24 hours"
    });
    tagged
        || texts.iter().any(|text| {
            let lower = text.to_lowercase();
            lower.contains("24/7")
                || lower.contains("24-hour")
                || lower.match_indices("24 hours").any(|(start, _)| {
                    let before = lower[..start].trim_end();
                    let word = before
                        .rsplit(|c: char| !c.is_alphanumeric())
                        .next()
                        .unwrap_or("");
                    !matches!(
                        word,
                        "within"
                            | "in"
                            | "after"
                            | "next"
                            | "than"
                            | "every"
                            | "last"
                            | "first"
                            | "for"
                            | "past"
                            | "the"
                    )
                })
        })
}

/// The first closed stretch in the year from `today` (a fixed Monday when no clock is trusted),
/// as "Mon 2026-01-05 00:00-08:00". Seasonal rules count: a 24/7 line that closes in summer has
/// a gap.
fn first_gap(hours: &str, today: Option<NaiveDate>) -> Option<String> {
    let hours = Hours::parse(hours).ok()?;
    let start: NaiveDateTime = today
        .unwrap_or(NaiveDate::from_ymd_opt(2026, 1, 5)?)
        .and_hms_opt(0, 0, 0)?;
    let (from, to) = hours.first_closed(start, 366)?;
    let to_text = if to.date() == from.date() {
        to.format("%H:%M").to_string()
    } else {
        to.format("%a %Y-%m-%d %H:%M").to_string()
    };
    Some(format!("{}-{to_text}", from.format("%a %Y-%m-%d %H:%M")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_found_where_hours_leave_one() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30);
        assert_eq!(
            first_gap("Mo-Fr 17:00-08:00; Sa,Su 00:00-24:00", monday).as_deref(),
            // Sunday's hours end at midnight; Monday's open at 17:00.
            Some("Mon 2026-11-30 00:00-17:00")
        );
        assert_eq!(first_gap("24/7", monday), None);
        assert_eq!(first_gap("Mo-Su 00:00-24:00", monday), None);
        // Open every night, but only in winter: a gap in spring.
        assert!(first_gap("Nov-Mar Mo-Su 00:00-24:00", monday)
            .is_some_and(|g| g.contains("2027-04-01")));
    }

    #[test]
    fn language_names_are_whole_capitalised_words() {
        assert!(names_word("Staff speak Somali and Oromo.", "Somali"));
        assert!(!names_word("Somaliland", "Somali"));
        assert!(!names_word("ask ma'am or mam", "Mam"));
        assert!(names_word("Mam and K'iche' speakers", "K'iche'"));
    }
}
