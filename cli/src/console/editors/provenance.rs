//! The provenance editors every kind shares (authors, review, sources, change notes, the original
//! a translation follows) and the contact links of a checklist step or a note, picked from the
//! folder's contacts by name so a trainer never types an id.

use maud::{html, Markup};
use serde_json::Value;

use super::{choice_of, input, item_buttons, labelled_list, number, text, textarea};
use fieldref_core::content::PackInfo;

/// What an editor offers to pick from besides the pack's settings.
pub struct Choices {
    pub info: PackInfo,
    /// The folder's contacts as `(id, title)`, by title.
    pub contacts: Vec<(String, String)>,
    /// Every document as `(kind, id, title)`: originals a translation may follow.
    pub documents: Vec<(String, String, String)>,
    /// Today in the pack's time zone (`YYYY-MM-DD`), what the validator judges dates against:
    /// a new change note is dated with it.
    pub today: String,
}

/// Who wrote and reviewed the document, its sources, its change notes and, for a translation,
/// its original. Required on checklists and notes, optional on contacts.
pub fn editor(doc: &Value, choices: &Choices) -> Markup {
    let kind = text(doc, "kind");
    let id = text(doc, "id");
    let originals: Vec<(&str, &str)> = choices
        .documents
        .iter()
        .filter(|(k, other, _)| k == kind && other != id)
        .map(|(_, id, title)| (id.as_str(), title.as_str()))
        .collect();
    let sources = items(doc, "sources");
    let changes = items(doc, "changes");
    html! {
        fieldset #provenance {
            legend {
                "Authors, review and sources"
                @if kind == "contact" { " (optional for a contact)" }
            }
            (labelled_list(doc, "authors", "Authors", "Author", "author"))
            div.row {
                (input("Reviewed by", "reviewed_by", text(doc, "reviewed_by"), "optional", Some("name and role")))
                (input("Reviewed on", "reviewed_at", text(doc, "reviewed_at"), "optional", Some("YYYY-MM-DD")))
                (input("Next review due", "review_due", text(doc, "review_due"), "optional", Some("YYYY-MM-DD, after the review")))
            }
            fieldset.list-block {
                legend { "Sources" }
                div data-list="sources" { @for source in &sources { (source_item(source)) } }
                template data-template="sources" { (source_item(&Value::Null)) }
                button type="button" data-action="add" data-target="sources" { "Add source" }
            }
            fieldset.list-block {
                legend { "Change notes (one per revision)" }
                div data-list="changes" { @for change in &changes { (change_item(change)) } }
                template data-template="changes" { (change_item(&Value::Null)) }
                div.row {
                    button type="button" data-action="add" data-target="changes" { "Add change note" }
                    button type="button" data-action="new-revision" data-today=(choices.today) {
                        "New revision"
                    }
                    span.hint { "New revision: raises the revision, dates the edit today and adds its change note." }
                }
            }
            @if kind != "contact" || doc.get("translation_of").is_some() { div.row {
                (choice_of("Translation of", "translation_of", text(doc, "translation_of"), &originals, "not a translation"))
                (input("Original's revision translated", "translation_revision", &number(doc, "translation_revision"), "int", Some("with Translation of")))
            } }
        }
    }
}

fn items(doc: &Value, key: &str) -> Vec<Value> {
    doc.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn src(item: &Value) -> String {
    item.get("_src").map(|v| v.to_string()).unwrap_or_default()
}

fn source_item(source: &Value) -> Markup {
    html! {
        div.item.source data-item data-src=(src(source)) {
            div.item-head {
                h4.item-title data-base="Source" { "Source" }
                (item_buttons("source"))
            }
            (input("Source title", "title", text(source, "title"), "text", None))
            div.row {
                (input("Source web address", "url", text(source, "url"), "optional", Some("http:// or https://")))
                (input("Source publication", "publication", text(source, "publication"), "optional", Some("publisher and year, journal; a url, a publication or both")))
            }
        }
    }
}

fn change_item(change: &Value) -> Markup {
    html! {
        div.item.change data-item data-src=(src(change)) {
            div.item-head {
                h4.item-title data-base="Change note" { "Change note" }
                (item_buttons("change note"))
            }
            div.row {
                (input("Change revision", "revision", &number(change, "revision"), "int", None))
                (input("Change date", "date", text(change, "date"), "text", Some("YYYY-MM-DD")))
            }
            (textarea("What changed", "note", text(change, "note"), "text", 2))
        }
    }
}

/// The `contacts` links of a step or a note: one row per link, each a choice among the folder's
/// contacts shown by name. A new row starts unchosen; the checks name it until one is picked.
/// Its "add" button takes the page's one [`contact_link_template`].
/// `extra` goes beside the add button (a step's required language, which only links need).
pub fn contact_links(holder: &Value, field: &str, choices: &Choices, extra: Markup) -> Markup {
    let links: Vec<&str> = holder
        .get(field)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    html! {
        fieldset.list-block.links {
            legend { "Linked contacts" }
            div data-list=(field) data-scalar {
                @for id in &links { (contact_link(id, choices)) }
            }
            div.row {
                button type="button" data-action="add" data-target=(field) { "Add contact link" }
                (extra)
            }
        }
    }
}

/// The new row of every contact link list on the page (one copy, not one per step).
pub fn contact_link_template(choices: &Choices) -> Markup {
    html! { template data-template="contacts" data-shared { (contact_link("", choices)) } }
}

fn contact_link(id: &str, choices: &Choices) -> Markup {
    let known = id.is_empty() || choices.contacts.iter().any(|(c, _)| c == id);
    html! {
        div.item.scalar data-item {
            label.field.inline {
                span.label { "Linked contact" }
                select aria-label="Linked contact" data-field="value" data-type="text" {
                    option value="" selected[id.is_empty()] { "Choose a contact…" }
                    @if !known { option value=(id) selected { (id) " (not in this folder)" } }
                    @for (contact, title) in &choices.contacts {
                        option value=(contact) selected[contact == id] { (title) " (" (contact) ")" }
                    }
                }
            }
            (item_buttons("contact link"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn choices() -> Choices {
        Choices {
            info: fieldref_core::content::PackInfo::empty(),
            contacts: vec![
                ("contact-deaf".into(), "Deaf Services Center".into()),
                ("contact-line".into(), "Language Line".into()),
            ],
            documents: vec![
                (
                    "checklist".into(),
                    "checklist-en".into(),
                    "English original".into(),
                ),
                ("note".into(), "note-other".into(), "A note".into()),
            ],
            today: "2026-12-01".into(),
        }
    }

    #[test]
    fn links_are_chosen_by_name_and_an_unknown_id_is_kept_and_named() {
        let step = json!({ "contacts": ["contact-line", "contact-gone"] });
        let html = contact_links(&step, "contacts", &choices(), html! {}).into_string();
        assert!(html.contains(
            r#"<option value="contact-line" selected>Language Line (contact-line)</option>"#
        ));
        assert!(html.contains(
            r#"<option value="contact-gone" selected>contact-gone (not in this folder)</option>"#
        ));
        assert_eq!(html.matches(r#"aria-label="Linked contact""#).count(), 2);
        assert!(
            !html.contains("<template"),
            "the new row comes from the page's one template"
        );
        let template = contact_link_template(&choices()).into_string();
        assert!(template.contains(r#"<option value="" selected>Choose a contact…</option>"#));
    }

    #[test]
    fn the_provenance_editor_shows_each_field_with_its_label_and_source() {
        let doc = json!({
            "kind": "checklist", "id": "checklist-es", "authors": ["Unit"],
            "reviewed_by": "Sgt. A", "translation_of": "checklist-en",
            "sources": [{ "_src": 0, "title": "Guide", "url": "https://example.org" }],
            "changes": [{ "_src": 0, "revision": 1, "date": "2026-10-01", "note": "First." }],
        });
        let html = editor(&doc, &choices()).into_string();
        for label in [
            "Author",
            "Reviewed by",
            "Reviewed on",
            "Next review due",
            "Source title",
            "Source web address",
            "Source publication",
            "Change revision",
            "Change date",
            "What changed",
            "Translation of",
            "Original's revision translated",
        ] {
            assert!(
                html.contains(&format!(r#"aria-label="{label}""#)),
                "{label}"
            );
        }
        assert!(
            html.contains(r#"data-item data-src="0""#),
            "items say where they came from"
        );
        assert!(html.contains(r#"value="Sgt. A""#));
        assert!(html.contains(r#"data-today="2026-12-01""#));
        // Only originals of the same kind are offered.
        assert!(html.contains(r#"<option value="checklist-en" selected>"#));
        assert!(!html.contains("note-other"));
        // A contact without a translation gets no translation fields.
        let contact = editor(&json!({ "kind": "contact", "id": "contact-x" }), &choices());
        assert!(!contact.into_string().contains("Translation of"));
    }
}
