//! Rules on a document's provenance: who wrote and reviewed it, when, from what sources, and
//! what each revision changed. An officer is told "Reviewed by ... on ..., sources ...", so those
//! must be there and must be true of the calendar.

use chrono::NaiveDate;

use super::model::{DocKind, Document};
use super::problem::Problem;
use super::source::Located;

const DATE_FORMAT: &str = "%Y-%m-%d";

/// Parses a `YYYY-MM-DD` field, reporting a malformed one; `today` (when the caller trusts a
/// clock) also rejects a date that has not happened yet.
pub(crate) fn date(
    at: &Located<'_>,
    block: Option<(&str, usize)>,
    field: &str,
    value: &str,
    today: Option<NaiveDate>,
    problems: &mut Vec<Problem>,
) -> Option<NaiveDate> {
    let Ok(parsed) = NaiveDate::parse_from_str(value, DATE_FORMAT) else {
        problems.push(at.problem_in(
            block,
            field,
            Some(value),
            &format!("`{value}` is not a date (expected YYYY-MM-DD)"),
        ));
        return None;
    };
    if let Some(today) = today.filter(|today| parsed > *today) {
        problems.push(at.problem_in(
            block,
            field,
            Some(value),
            &format!("{value} is in the future (today is {today})"),
        ));
    }
    Some(parsed)
}

/// Provenance is required on checklists and notes (what officers act on); on contacts, whatever
/// is given is checked the same way.
pub(crate) fn provenance(
    doc: &Document,
    at: &Located<'_>,
    today: Option<NaiveDate>,
    problems: &mut Vec<Problem>,
) {
    let p = &doc.provenance;
    let required = matches!(doc.kind(), DocKind::Checklist | DocKind::Note);
    let kind = doc.kind();
    if p.authors.iter().all(|a| a.trim().is_empty()) {
        if required {
            problems.push(at.problem(
                "authors",
                None,
                &format!("missing: a {kind} names at least one author"),
            ));
        }
    } else if p.authors.iter().any(|a| a.trim().is_empty()) {
        problems.push(at.problem("authors", None, "an author must not be empty"));
    }
    match p.reviewed_by.as_deref().map(str::trim) {
        Some("") => problems.push(at.problem("reviewed_by", None, "must not be empty")),
        None if required => problems.push(at.problem(
            "reviewed_by",
            None,
            &format!("missing: a {kind} names who reviewed it"),
        )),
        _ => {}
    }
    let reviewed_at = match &p.reviewed_at {
        Some(value) => date(at, None, "reviewed_at", value, today, problems),
        None => {
            if required || p.reviewed_by.is_some() {
                problems.push(at.problem(
                    "reviewed_at",
                    None,
                    "missing: the date of the last review (YYYY-MM-DD)",
                ));
            }
            None
        }
    };
    match &p.review_due {
        Some(value) => {
            let due = date(at, None, "review_due", value, None, problems);
            if let (Some(due), Some(reviewed)) = (due, reviewed_at) {
                if due <= reviewed {
                    problems.push(at.problem(
                        "review_due",
                        Some(value),
                        &format!("{due} is not after reviewed_at {reviewed}"),
                    ));
                }
            }
            if let (Some(due), Some(today)) = (due, today) {
                if due < today {
                    let days = (today - due).num_days();
                    problems.push(
                        at.problem(
                            "review_due",
                            Some(value),
                            &format!("review overdue: was due {due}, {days} day(s) ago"),
                        )
                        .warning(),
                    );
                }
            }
        }
        None if required => problems.push(at.problem(
            "review_due",
            None,
            "missing: the date the next review is due (YYYY-MM-DD)",
        )),
        None => {}
    }
    sources(doc, at, required, problems);
    translation(doc, at, problems);
    changes(doc, at, today, problems);
}

fn sources(doc: &Document, at: &Located<'_>, required: bool, problems: &mut Vec<Problem>) {
    let sources = &doc.provenance.sources;
    if sources.is_empty() && required {
        problems.push(at.problem(
            "sources",
            None,
            &format!(
                "missing: a {} cites at least one source ([[sources]] with a title and a url or publication)",
                doc.kind()
            ),
        ));
    }
    for (i, source) in sources.iter().enumerate() {
        let block = Some(("[[sources]]", i));
        if source.title.trim().is_empty() {
            problems.push(at.problem_in(
                block,
                &format!("sources[{i}].title"),
                None,
                "must not be empty",
            ));
        }
        let url = source
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let publication = source
            .publication
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if url.is_none() && publication.is_none() {
            problems.push(at.problem_in(
                block,
                &format!("sources[{i}].title"),
                None,
                "a source needs a url or a publication to be found again",
            ));
        }
        if let Some(url) = url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                problems.push(at.problem_in(
                    block,
                    &format!("sources[{i}].url"),
                    Some(url),
                    "expected an http:// or https:// address",
                ));
            }
        }
    }
}

fn translation(doc: &Document, at: &Located<'_>, problems: &mut Vec<Problem>) {
    let p = &doc.provenance;
    match (&p.translation_of, p.translation_revision) {
        (Some(original), _) if original == &doc.id => problems.push(at.problem(
            "translation_of",
            Some(original),
            "a document cannot be a translation of itself",
        )),
        (Some(original), None) => problems.push(at.problem(
            "translation_revision",
            None,
            &format!("missing: the revision of `{original}` this translation matches"),
        )),
        (None, Some(_)) => problems.push(at.problem(
            "translation_revision",
            None,
            "given without translation_of: whose revision is it?",
        )),
        (Some(_), Some(0)) => {
            problems.push(at.problem("translation_revision", None, "revisions start at 1"))
        }
        _ => {}
    }
}

fn changes(
    doc: &Document,
    at: &Located<'_>,
    today: Option<NaiveDate>,
    problems: &mut Vec<Problem>,
) {
    let changes = &doc.provenance.changes;
    let mut seen = std::collections::BTreeSet::new();
    for (i, change) in changes.iter().enumerate() {
        let block = Some(("[[changes]]", i));
        let field = |name: &str| format!("changes[{i}].{name}");
        if change.revision == 0 || change.revision > doc.revision {
            problems.push(at.problem_in(
                block,
                &field("revision"),
                None,
                &format!(
                    "revision {} is not between 1 and the document's revision {}",
                    change.revision, doc.revision
                ),
            ));
        }
        if !seen.insert(change.revision) {
            problems.push(at.problem_in(
                block,
                &field("revision"),
                None,
                &format!("revision {} has two change notes", change.revision),
            ));
        }
        date(at, block, &field("date"), &change.date, today, problems);
        if change.note.trim().is_empty() {
            problems.push(at.problem_in(block, &field("note"), None, "must not be empty"));
        }
    }
    if doc.revision > 1 && !seen.contains(&doc.revision) {
        problems.push(at.problem(
            "changes",
            None,
            &format!(
                "missing: revision {} needs a [[changes]] entry saying what changed",
                doc.revision
            ),
        ));
    }
}
