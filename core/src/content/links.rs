//! Rules across documents: what one document says about another must hold. A step's call button
//! must reach a contact that exists and speaks the language the step relies on; a translation
//! must name its original and keep up with it; and one phone number must reach one organization,
//! or an officer who taps "call" can reach the wrong service.

use std::collections::HashMap;

use super::model::{Audience, Document};
use super::problem::Problem;
use super::source::Located;

/// Runs every cross-document rule over a pack's documents, each with where it came from.
pub(crate) fn check(documents: &[(&Document, &Located<'_>)], problems: &mut Vec<Problem>) {
    let by_id: HashMap<&str, &Document> =
        documents.iter().map(|(d, _)| (d.id.as_str(), *d)).collect();
    for (doc, at) in documents {
        contact_links(doc, at, &by_id, problems);
        translation(doc, at, &by_id, problems);
    }
    shared_numbers(documents, problems);
}

/// One linked contact id, where it is written, and the language the link relies on.
struct Link<'a> {
    id: &'a str,
    field: String,
    block: Option<(&'static str, usize)>,
    requires_language: Option<&'a str>,
}

fn links_of(doc: &Document) -> Vec<Link<'_>> {
    let mut links = Vec::new();
    match &doc.details {
        super::Details::Checklist(checklist) => {
            let mut nth = 0;
            for (s, section) in checklist.sections.iter().enumerate() {
                for (i, step) in section.steps.iter().enumerate() {
                    for id in &step.contacts {
                        links.push(Link {
                            id,
                            field: format!("sections[{s}].steps[{i}].contacts"),
                            block: Some(("[[sections.steps]]", nth)),
                            requires_language: step.requires_language.as_deref(),
                        });
                    }
                    nth += 1;
                }
            }
        }
        super::Details::Note(note) => {
            for id in &note.contacts {
                links.push(Link {
                    id,
                    field: "contacts".to_owned(),
                    block: None,
                    requires_language: None,
                });
            }
        }
        super::Details::Contact(_) => {}
    }
    links
}

fn contact_links(
    doc: &Document,
    at: &Located<'_>,
    by_id: &HashMap<&str, &Document>,
    problems: &mut Vec<Problem>,
) {
    for link in links_of(doc) {
        let problem = |message: String| {
            at.problem_in(
                link.block,
                &link.field,
                Some(&format!("\"{}\"", link.id)),
                &message,
            )
        };
        let Some(target) = by_id.get(link.id) else {
            problems.push(problem(format!(
                "dangling link: there is no contact `{}`",
                link.id
            )));
            continue;
        };
        let Some(contact) = target.as_contact() else {
            problems.push(problem(format!(
                "`{}` is a {}, not a contact",
                link.id,
                target.kind()
            )));
            continue;
        };
        if doc.audience == Audience::Public && target.audience == Audience::Officers {
            problems.push(problem(format!(
                "`{}` is for officers only; a public document cannot link it (the public release would have a dead call button)",
                link.id
            )));
        }
        if let Some(language) = link.requires_language {
            let wanted = primary(language);
            let offered = contact
                .languages
                .iter()
                .chain(contact.phones.iter().filter_map(|p| p.language.as_ref()))
                .any(|tag| primary(tag) == wanted);
            if !offered {
                problems.push(at.problem_in(
                    link.block,
                    &link.field.replace(".contacts", ".requires_language"),
                    None,
                    &format!(
                        "requires_language `{language}` not met: `{}` does not list it in languages",
                        link.id
                    ),
                ));
            }
        }
    }
}

fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

fn translation(
    doc: &Document,
    at: &Located<'_>,
    by_id: &HashMap<&str, &Document>,
    problems: &mut Vec<Problem>,
) {
    let Some(original_id) = doc.provenance.translation_of.as_deref() else {
        return;
    };
    if original_id == doc.id {
        return; // reported with the document's own fields
    }
    let Some(original) = by_id.get(original_id) else {
        problems.push(at.problem(
            "translation_of",
            Some(original_id),
            &format!("dangling link: there is no document `{original_id}`"),
        ));
        return;
    };
    if original.kind() != doc.kind() {
        problems.push(at.problem(
            "translation_of",
            Some(original_id),
            &format!(
                "`{original_id}` is a {}; a {} translates a {}",
                original.kind(),
                doc.kind(),
                doc.kind()
            ),
        ));
        return;
    }
    if doc.audience == Audience::Public && original.audience == Audience::Officers {
        problems.push(at.problem(
            "translation_of",
            Some(original_id),
            &format!("`{original_id}` is for officers only; its translation must be too"),
        ));
    }
    if original.provenance.translation_of.is_some() {
        problems.push(at.problem(
            "translation_of",
            Some(original_id),
            &format!("`{original_id}` is itself a translation: name the original"),
        ));
    }
    let Some(matched) = doc.provenance.translation_revision else {
        return;
    };
    if matched > original.revision {
        problems.push(at.problem(
            "translation_revision",
            None,
            &format!(
                "{matched} is ahead of `{original_id}`, which is at revision {}",
                original.revision
            ),
        ));
    } else if matched < original.revision {
        let what_changed = original
            .provenance
            .changes
            .iter()
            .filter(|c| c.revision > matched)
            .max_by_key(|c| c.revision)
            .map(|c| format!(" (latest: \"{}\")", c.note))
            .unwrap_or_default();
        problems.push(
            at.problem(
                "translation_revision",
                None,
                &format!(
                    "translation behind its original: `{original_id}` is at revision {}, this translation matches {matched}{what_changed}",
                    original.revision
                ),
            )
            .warning(),
        );
    }
}

/// The digits that identify a line: a leading country code 1 dropped, so `+1 507-555-0117` and
/// `(507) 555-0117` are the same number. `None` for N11 codes and 988, which route to whoever
/// serves the caller's area and belong to no one organization.
fn line_key(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() <= 3 {
        return None;
    }
    let national = number.trim_start().starts_with('+') && !digits.starts_with('1');
    match digits.strip_prefix('1') {
        Some(rest) if !national && digits.len() == 11 => Some(rest.to_owned()),
        _ => Some(digits),
    }
}

fn organization_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn shared_numbers(documents: &[(&Document, &Located<'_>)], problems: &mut Vec<Problem>) {
    // Line → (organization key, organization as written, path of the first document).
    let mut owners: HashMap<String, (String, &str, &str)> = HashMap::new();
    for (doc, at) in documents {
        let Some(contact) = doc.as_contact() else {
            continue;
        };
        let organization = organization_key(&contact.organization);
        let mut reported = Vec::new();
        for (i, phone) in contact.phones.iter().enumerate() {
            let Some(key) = line_key(&phone.number) else {
                continue;
            };
            match owners.get(&key) {
                None => {
                    owners.insert(
                        key,
                        (organization.clone(), &contact.organization, at.path()),
                    );
                }
                Some((owner, written, path)) if *owner != organization => {
                    if reported.contains(&key) {
                        continue;
                    }
                    problems.push(at.problem(
                        &format!("phones[{i}].number"),
                        Some(&phone.number),
                        &format!(
                            "shared number: `{}` also belongs to {written} ({path}); one number must reach one organization",
                            phone.number
                        ),
                    ));
                    reported.push(key);
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_their_digits() {
        assert_eq!(line_key("+1 (507) 555-0117"), line_key("507-555-0117"));
        assert_eq!(line_key("988"), None);
        assert_eq!(line_key("711"), None);
        assert_ne!(line_key("507-555-0117"), line_key("612-555-0117"));
        assert_eq!(line_key("+44 1234 234567").as_deref(), Some("441234234567"));
    }
}
