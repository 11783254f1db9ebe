//! The text of a new document of each kind: valid as written (so the checks start green), with
//! the pack's first category or service type, for the trainer to replace.

use anyhow::{bail, Result};
use fieldref_core::content::PackInfo;

use super::documents::is_plain_id;

pub fn new_document(kind: &str, id: &str, today: &str, info: &PackInfo) -> Result<String> {
    if !is_plain_id(id) {
        bail!("`{id}`: an id is lowercase letters, digits and dashes");
    }
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
    Ok(match kind {
        "checklist" => format!(
            "{}category = \"{category}\"\n\n[[sections]]\ntitle = \"On arrival\"\n\n[[sections.steps]]\ntext = \"First step.\"\n+++\n\nBackground for officers.\n",
            head("checklist", "New checklist")
        ),
        "note" => format!(
            "{}category = \"{category}\"\ndo = [\"Something to do.\"]\ndont = [\"Something to avoid.\"]\n+++\n\nThe note.\n",
            head("note", "New note")
        ),
        "contact" => format!(
            "{}organization = \"Organization\"\nservices = [\"Service\"]\nservice_types = [\"{service}\"]\nphones = [\n  {{ number = \"507-555-0100\", type = \"voice\" }},\n]\nlanguages = [\"en\"]\n+++\n\nWhat they do and how to reach them.\n",
            head("contact", "New contact")
        ),
        other => bail!("unknown kind `{other}`: expected checklist, note or contact"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_new_document_passes_the_validator() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let mut tree = fieldref_core::content::SourceTree::read_dir(&dir).expect("bundled");
        let info = tree.compile().expect("valid").info;
        for kind in ["checklist", "note", "contact"] {
            let id = format!("{kind}-console-new");
            let text = new_document(kind, &id, "2026-12-01", &info).expect("template");
            tree.documents.push(fieldref_core::content::SourceFile {
                path: format!("{id}.md"),
                text,
            });
        }
        let pack = tree.compile().expect("new documents are valid");
        assert!(pack.documents.iter().any(|d| d.id == "contact-console-new"));
        assert!(new_document("recipe", "x", "2026-12-01", &info).is_err());
    }
}
