//! The editors, one per kind, as HTML forms filled from the editor JSON ([`super::edit`]). The
//! markup describes the data (`data-field`, `data-list`, `data-item`, `data-src`) and the
//! console's script turns the form back into that JSON; lists (sections, steps, phones, do and
//! don't, authors, sources, change notes, contact links) get add, remove and move buttons that
//! work from the keyboard.

use maud::{html, Markup};
use serde_json::Value;

mod provenance;

pub use provenance::Choices;

fn text<'a>(doc: &'a Value, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn csv(doc: &Value, key: &str) -> String {
    doc.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

fn number(doc: &Value, key: &str) -> String {
    doc.get(key)
        .map(|v| v.to_string())
        .filter(|v| v != "null")
        .unwrap_or_default()
}

/// A labelled one-line input. `kind` is the collection type (`text`, `optional`, `csv`, `int`,
/// `number`).
fn input(label: &str, field: &str, value: &str, kind: &str, hint: Option<&str>) -> Markup {
    html! {
        div.field {
            label.field {
                span.label { (label) }
                input type="text" aria-label=(label) data-field=(field) data-type=(kind) value=(value) autocomplete="off";
            }
            @if let Some(hint) = hint { span.hint { (hint) } }
        }
    }
}

fn textarea(label: &str, field: &str, value: &str, kind: &str, rows: u32) -> Markup {
    html! {
        label.field {
            span.label { (label) }
            textarea aria-label=(label) data-field=(field) data-type=(kind) rows=(rows) { (value) }
        }
    }
}

fn select(label: &str, field: &str, value: &str, options: &[&str]) -> Markup {
    choice(label, field, value, options, None)
}

/// A select among `(value, label)` options whose field may be absent: the empty choice, shown as
/// `none`, leaves the file without the field.
fn choice_of(
    label: &str,
    field: &str,
    value: &str,
    options: &[(&str, &str)],
    none: &str,
) -> Markup {
    let known = value.is_empty() || options.iter().any(|(v, _)| *v == value);
    html! {
        label.field {
            span.label { (label) }
            select aria-label=(label) data-field=(field) data-type="optional" {
                option value="" selected[value.is_empty()] { (none) }
                @if !known { option value=(value) selected { (value) " (not in this folder)" } }
                @for (v, text) in options {
                    option value=(v) selected[*v == value] { (text) " (" (v) ")" }
                }
            }
        }
    }
}

/// A select whose field may be absent from the file: an empty value shows `default` and leaves
/// the file without the field.
fn choice(
    label: &str,
    field: &str,
    value: &str,
    options: &[&str],
    default: Option<&str>,
) -> Markup {
    let known = options.contains(&value) || (value.is_empty() && default.is_some());
    let kind = if default.is_some() {
        "optional"
    } else {
        "text"
    };
    html! {
        label.field {
            span.label { (label) }
            select aria-label=(label) data-field=(field) data-type=(kind) {
                @if let Some(default) = default {
                    option value="" selected[value.is_empty()] { (default) " (default)" }
                }
                @if !known { option value=(value) selected { (value) " (not allowed)" } }
                @for option in options {
                    option value=(option) selected[*option == value] { (option) }
                }
            }
        }
    }
}

/// Move up, move down and remove buttons for one list item.
fn item_buttons(what: &str) -> Markup {
    html! {
        span.item-buttons {
            button type="button" data-action="up" aria-label={ "Move " (what) " up" } { "↑" }
            button type="button" data-action="down" aria-label={ "Move " (what) " down" } { "↓" }
            button type="button" data-action="remove" aria-label={ "Remove " (what) } { "Remove" }
        }
    }
}

/// The fields every document has.
pub fn common(doc: &Value) -> Markup {
    html! {
        fieldset {
            legend { "Document" }
            (input("Id", "id", text(doc, "id"), "text", Some("lowercase letters, digits and dashes")))
            (input("Title", "title", text(doc, "title"), "text", None))
            (textarea("Summary", "summary", text(doc, "summary"), "text", 2))
            div.row {
                (input("Revision", "revision", &number(doc, "revision"), "int", None))
                (input("Updated", "updated_at", text(doc, "updated_at"), "text", Some("YYYY-MM-DD")))
                (input("Language", "language", text(doc, "language"), "optional", Some("en, es, …")))
                (choice("Audience", "audience", text(doc, "audience"), &["public", "officers"], Some("public")))
            }
            (input("Tags", "tags", &csv(doc, "tags"), "csv", Some("comma separated")))
        }
    }
}

pub fn checklist(doc: &Value, choices: &Choices) -> Markup {
    let info = &choices.info;
    let categories: Vec<&str> = info.categories.iter().map(String::as_str).collect();
    let sections = doc
        .get("sections")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    html! {
        fieldset {
            legend { "Checklist" }
            (select("Category", "category", text(doc, "category"), &categories))
            (textarea("Scene words", "scene_words", &csv(doc, "scene_words"), "csv", 2))
        }
        fieldset.list-block {
            legend { "Sections and steps" }
            div data-list="sections" {
                @for section in &sections { (section_item(section, choices)) }
            }
            template data-template="sections" { (section_item(&Value::Null, choices)) }
            button type="button" data-action="add" data-target="sections" { "Add section" }
        }
    }
}

fn section_item(section: &Value, choices: &Choices) -> Markup {
    let steps = section
        .get("steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    html! {
        div.item.section data-item data-src=(section.get("_src").map(|v| v.to_string()).unwrap_or_default()) {
            div.item-head {
                h3.item-title data-base="Section" { "Section" }
                (item_buttons("section"))
            }
            (input("Section title", "title", text(section, "title"), "text", None))
            div data-list="steps" {
                @for step in &steps { (step_item(step, choices)) }
            }
            template data-template="steps" { (step_item(&Value::Null, choices)) }
            button type="button" data-action="add" data-target="steps" { "Add step" }
        }
    }
}

fn step_item(step: &Value, choices: &Choices) -> Markup {
    html! {
        div.item.step data-item data-src=(step.get("_src").map(|v| v.to_string()).unwrap_or_default()) {
            div.item-head {
                h4.item-title data-base="Step" { "Step" }
                (item_buttons("step"))
            }
            (textarea("Step", "text", text(step, "text"), "text", 2))
            (textarea("Say (example phrasing)", "say", text(step, "say"), "optional", 1))
            (textarea("Why", "why", text(step, "why"), "optional", 1))
            (textarea("Warning", "warning", text(step, "warning"), "optional", 1))
            (provenance::contact_links(step, "contacts", choices, input("Language the step requires", "requires_language", text(step, "requires_language"), "optional", Some("BCP 47 tag, e.g. ase: every linked contact must offer it"))))
        }
    }
}

pub fn note(doc: &Value, choices: &Choices) -> Markup {
    let info = &choices.info;
    let categories: Vec<&str> = info.categories.iter().map(String::as_str).collect();
    html! {
        fieldset {
            legend { "Note" }
            (select("Category", "category", text(doc, "category"), &categories))
            (input("Communities", "communities", &csv(doc, "communities"), "csv", Some("comma separated")))
        }
        (string_list(doc, "do", "Do", "do"))
        (string_list(doc, "dont", "Don't", "don't"))
        (provenance::contact_links(doc, "contacts", choices, html! {}))
    }
}

/// A list of short sentences, one input per item.
fn string_list(doc: &Value, field: &str, legend: &str, what: &str) -> Markup {
    labelled_list(
        doc,
        field,
        legend,
        &format!("{legend} item"),
        &format!("{what} item"),
    )
}

/// [`string_list`] with its own label for each item ("Author").
fn labelled_list(doc: &Value, field: &str, legend: &str, label: &str, what: &str) -> Markup {
    let items: Vec<String> = doc
        .get(field)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let item = |value: &str| {
        html! {
            div.item.scalar data-item {
                label.field.inline {
                    span.label { (label) }
                    input type="text" aria-label=(label) data-field="value" data-type="text" value=(value);
                }
                (item_buttons(what))
            }
        }
    };
    html! {
        fieldset.list-block {
            legend { (legend) }
            div data-list=(field) data-scalar {
                @for value in &items { (item(value)) }
            }
            template data-template=(field) { (item("")) }
            button type="button" data-action="add" data-target=(field) { "Add " (what) }
        }
    }
}

pub fn contact(doc: &Value, choices: &Choices) -> Markup {
    let info = &choices.info;
    let chosen: Vec<&str> = doc
        .get("service_types")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let phones = doc
        .get("phones")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    html! {
        fieldset {
            legend { "Organization and services" }
            (input("Organization", "organization", text(doc, "organization"), "text", None))
            (string_list(doc, "services", "Services", "service"))
            fieldset.checks data-field="service_types" data-type="checks" {
                legend { "Service types" }
                @for t in &info.service_types {
                    label.check { input type="checkbox" value=(t) checked[chosen.contains(&t.as_str())]; (t) }
                }
                @for t in chosen.iter().filter(|c| !info.service_types.iter().any(|t| t == *c)) {
                    label.check { input type="checkbox" value=(t) checked; (t) " (not allowed)" }
                }
            }
        }
        fieldset.list-block {
            legend { "Phones" }
            div data-list="phones" { @for phone in &phones { (phone_item(phone)) } }
            template data-template="phones" { (phone_item(&Value::Null)) }
            button type="button" data-action="add" data-target="phones" { "Add phone" }
        }
        fieldset {
            legend { "Where" }
            (input("Address", "address", text(doc, "address"), "optional", None))
            (input("Neighborhood", "neighborhood", text(doc, "neighborhood"), "optional", None))
            div.row {
                (input("Latitude", "latitude", &number(doc, "latitude"), "number", None))
                (input("Longitude", "longitude", &number(doc, "longitude"), "number", None))
                (choice("Location visibility", "location_visibility", text(doc, "location_visibility"), &["public", "officers", "withheld"], Some("public")))
            }
        }
        fieldset {
            legend { "Hours and who it serves" }
            (input("Hours", "hours", text(doc, "hours"), "optional", Some("OpenStreetMap opening_hours, e.g. Mo-Fr 08:00-17:00; empty: call first")))
            div #hours-grid aria-live="polite" {}
            (input("Languages spoken", "languages", &csv(doc, "languages"), "csv", Some("BCP 47 tags, comma separated")))
            (input("Eligibility", "eligibility", text(doc, "eligibility"), "optional", None))
            (input("Service area", "service_area", text(doc, "service_area"), "optional", None))
            div.row {
                (input("Email", "email", text(doc, "email"), "optional", None))
                (input("Web address", "url", text(doc, "url"), "optional", None))
            }
            (input("Verified with the organization on", "verified_at", text(doc, "verified_at"), "optional", Some("YYYY-MM-DD; empty: never verified")))
        }
    }
}

fn phone_item(phone: &Value) -> Markup {
    html! {
        div.item.phone data-item data-src=(phone.get("_src").map(|v| v.to_string()).unwrap_or_default()) {
            div.row {
                (input("Number", "number", text(phone, "number"), "text", None))
                (choice("Type", "type", text(phone, "type"), &["voice", "text", "tty", "hotline"], Some("voice")))
                (input("Language of this line", "language", text(phone, "language"), "optional", None))
                (item_buttons("phone"))
            }
        }
    }
}

/// The Markdown body and its rendered preview.
pub fn body(doc: &Value, label: &str) -> Markup {
    html! {
        fieldset {
            legend { (label) " (Markdown)" }
            (textarea("Body", "body", text(doc, "body"), "text", 8))
            h3.small { "Rendered" }
            div #body-preview.rendered aria-live="polite" {}
        }
    }
}

/// The editor for `doc` of its kind.
pub fn for_kind(doc: &Value, choices: &Choices) -> Markup {
    let provenance = provenance::editor(doc, choices);
    match text(doc, "kind") {
        "checklist" => html! {
            (common(doc)) (provenance) (checklist(doc, choices)) (body(doc, "Background"))
            (provenance::contact_link_template(choices))
        },
        "note" => html! {
            (common(doc)) (provenance) (note(doc, choices)) (body(doc, "Note text"))
            (provenance::contact_link_template(choices))
        },
        "contact" => html! {
            (common(doc)) (contact(doc, choices)) (provenance) (body(doc, "Description"))
        },
        other => {
            html! { p.error { "Unknown kind `" (other) "`: edit this file in a text editor." } }
        }
    }
}
