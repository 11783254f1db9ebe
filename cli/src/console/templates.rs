//! The text of a new document of each kind, with the pack's first category or service type for
//! the trainer to replace. A new contact is valid as written; a new checklist or note carries its
//! provenance fields empty on purpose, so the checks name at once what guidance needs before it
//! can be published (authors, reviewer, sources) instead of a placeholder passing for a citation.

use anyhow::{bail, Result};
use fieldref_core::content::PackInfo;

use super::documents::is_plain_id;

/// The new document, dated `at` where the pack is (the validator's "today"): a server's clock
/// in UTC is already tomorrow there every evening, and the document would be "in the future".
pub fn new_document(
    kind: &str,
    id: &str,
    at: chrono::DateTime<chrono::Utc>,
    info: &PackInfo,
) -> Result<String> {
    if !is_plain_id(id) {
        bail!("`{id}`: an id is lowercase letters, digits and dashes");
    }
    let today = &fieldref_core::content::date_in(&info.timezone, at).to_string();
    let category = info
        .categories
        .first()
        .map(String::as_str)
        .unwrap_or("general");
    let service = info
        .service_types
        .first()
        .map(String::as_str)
        .unwrap_or("community-center");
    let head = |kind: &str, title: &str| {
        format!(
            "+++\nid = \"{id}\"\nkind = \"{kind}\"\ntitle = \"{title}\"\nsummary = \"One or two sentences shown under the title.\"\nrevision = 1\nupdated_at = \"{today}\"\n"
        )
    };
    let due = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_months(chrono::Months::new(12)))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let provenance = format!(
        "authors = []\nreviewed_by = \"\"\nreviewed_at = \"{today}\"\nreview_due = \"{due}\"\n"
    );
    let sources = "\n# The sources this guidance follows: add one [[sources]] table per source.\n[[sources]]\ntitle = \"\"\nurl = \"\"\n";
    Ok(match kind {
        "checklist" => format!(
            "{}{provenance}category = \"{category}\"\n{sources}\n[[sections]]\ntitle = \"On arrival\"\n\n[[sections.steps]]\ntext = \"First step.\"\n+++\n\nBackground for officers.\n",
            head("checklist", "New checklist")
        ),
        "note" => format!(
            "{}{provenance}category = \"{category}\"\ndo = [\"Something to do.\"]\ndont = [\"Something to avoid.\"]\n{sources}+++\n\nThe note.\n",
            head("note", "New note")
        ),
        "contact" => format!(
            "{}organization = \"Organization\"\nservices = [\"Service\"]\nservice_types = [\"{service}\"]\nphones = [\n  {{ number = \"555-555-0100\", type = \"voice\" }},\n]\nlanguages = [\"en\"]\n+++\n\nWhat they do and how to reach them.\n",
            head("contact", "New contact")
        ),
        other => bail!("unknown kind `{other}`: expected checklist, note or contact"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noon(day: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z"))
            .expect("instant")
            .to_utc()
    }

    /// At 03:00 UTC it is still the evening before in Port Alder (America/Chicago): the new
    /// document is dated that day, as the validator counts it, not the server's UTC date.
    #[test]
    fn a_new_document_is_dated_where_the_pack_is() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let info = fieldref_core::content::SourceTree::read_dir(&dir)
            .expect("bundled")
            .compile()
            .expect("valid")
            .info;
        assert_eq!(info.timezone, "America/Chicago");
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T03:00:00Z")
            .expect("instant")
            .to_utc();
        let text = new_document("note", "note-late", at, &info).expect("template");
        assert!(text.contains("updated_at = \"2026-12-06\""), "{text}");
        assert!(text.contains("reviewed_at = \"2026-12-06\""), "{text}");
    }

    #[test]
    fn a_new_contact_is_valid_and_new_guidance_asks_for_its_provenance() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let mut tree = fieldref_core::content::SourceTree::read_dir(&dir).expect("bundled");
        let info = tree.compile().expect("valid").info;
        for kind in ["checklist", "note", "contact"] {
            let id = format!("{kind}-console-new");
            let text = new_document(kind, &id, noon("2026-12-01"), &info).expect("template");
            tree.documents.push(fieldref_core::content::SourceFile {
                path: format!("{id}.md"),
                text,
            });
        }
        let problems = match tree.compile() {
            Ok(_) => panic!("a new checklist or note without provenance must not pass"),
            Err(problems) => problems,
        };
        // Only what a trainer must supply is reported: who wrote and reviewed it, and its sources.
        let mut named: Vec<(String, String)> = problems
            .iter()
            .map(|p| (p.path.clone(), p.field.clone()))
            .collect();
        named.sort();
        named.dedup();
        let mut expected = Vec::new();
        for path in ["checklist-console-new.md", "note-console-new.md"] {
            for field in ["authors", "reviewed_by", "sources[0].title"] {
                expected.push((path.to_owned(), field.to_owned()));
            }
        }
        expected.sort();
        assert_eq!(named, expected, "{problems:?}");
        assert!(new_document("recipe", "x", noon("2026-12-01"), &info).is_err());
    }
}
