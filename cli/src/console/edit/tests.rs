use super::*;

fn bundled_files() -> Vec<(std::path::PathBuf, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let tree = fieldref_core::content::SourceTree::read_dir(&dir).expect("bundled content");
    assert!(tree.documents.len() > 100, "the bundled pack is there");
    tree.documents
        .into_iter()
        .map(|f| (f.path.into(), f.text))
        .collect()
}

/// What a browser sends back for an untouched editor: the JSON through text, every optional
/// field it shows as empty sent as `null`.
fn as_browser_sends(editor: &Value) -> Value {
    let mut value: Value = serde_json::from_str(&editor.to_string()).expect("json");
    if let Some(sections) = value.get_mut("sections").and_then(Value::as_array_mut) {
        for section in sections {
            for step in section["steps"].as_array_mut().expect("steps") {
                for key in ["say", "why", "warning", "requires_language"] {
                    if step.get(key).is_none() {
                        step[key] = Value::Null;
                    }
                }
                if step.get("contacts").is_none() {
                    step["contacts"] = json!([]);
                }
            }
        }
    }
    for phone in value
        .get_mut("phones")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        for key in ["type", "language"] {
            if phone.get(key).is_none() {
                phone[key] = Value::Null;
            }
        }
    }
    for source in value
        .get_mut("sources")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        for key in ["url", "publication"] {
            if source.get(key).is_none() {
                source[key] = Value::Null;
            }
        }
    }
    for key in [
        "reviewed_by",
        "reviewed_at",
        "review_due",
        "translation_of",
        "translation_revision",
        "verified_at",
        "email",
        "url",
        "hours",
        "eligibility",
        "latitude",
        "audience",
        "location_visibility",
    ] {
        if value.get(key).is_none() {
            value[key] = Value::Null;
        }
    }
    let mut lists = vec!["tags", "authors", "sources", "changes"];
    if value["kind"] == "note" {
        lists.push("contacts");
    }
    for key in lists {
        if value.get(key).is_none() {
            value[key] = json!([]);
        }
    }
    value
}

#[test]
fn opening_and_saving_every_bundled_document_changes_no_byte() {
    for (path, text) in bundled_files() {
        let editor = to_editor(&text).expect("editor view");
        let saved = apply(&text, &editor).expect("save");
        assert_eq!(
            saved,
            text,
            "{} changed on a save without edits",
            path.display()
        );
        let saved = apply(&text, &as_browser_sends(&editor)).expect("save");
        assert_eq!(
            saved,
            text,
            "{} changed on a browser's save",
            path.display()
        );
    }
}

const CHECKLIST: &str = r#"+++
id = "checklist-x"
kind = "checklist"
title = "X"   # the title officers see
summary = "S."
updated_at = "2026-10-01"
category = "autism"
x_later = ["kept"] # a field the console does not edit

[[sections]]
title = "One"

[[sections.steps]]
text = "First."
contacts = ["contact-a"]

[[sections.steps]]
text = "Second."
why = "Because."

[[sections]]
title = "Two"

[[sections.steps]]
text = "Third."
+++

Body text.
"#;

#[test]
fn changing_one_step_changes_only_that_line() {
    let mut editor = to_editor(CHECKLIST).expect("editor");
    editor["sections"][0]["steps"][1]["text"] = json!("Second, edited.");
    let saved = apply(CHECKLIST, &editor).expect("save");
    assert_eq!(saved, CHECKLIST.replace("Second.", "Second, edited."));
}

#[test]
fn moving_a_step_keeps_its_other_fields_and_the_comments() {
    let mut editor = to_editor(CHECKLIST).expect("editor");
    let steps = editor["sections"][0]["steps"]
        .as_array_mut()
        .expect("steps");
    steps.swap(0, 1);
    editor["sections"][1]["steps"]
        .as_array_mut()
        .expect("steps")
        .push(json!({ "text": "Fourth.", "say": "Say this.", "why": "", "warning": null }));
    let saved = apply(CHECKLIST, &editor).expect("save");
    let second = saved.find("Second.").expect("second");
    let first = saved.find("First.").expect("first");
    assert!(second < first, "moved:\n{saved}");
    let after_first = &saved[first..];
    assert!(
        after_first.find("contacts = [\"contact-a\"]") < after_first.find("[[sections]]"),
        "the moved step kept its contacts:\n{saved}"
    );
    assert!(saved.contains("# the title officers see"));
    assert!(saved.contains("x_later = [\"kept\"] # a field"));
    assert!(
        saved.contains("text = \"Fourth.\"\nsay = \"Say this.\"\n"),
        "{saved}"
    );
    assert!(
        !saved.contains("why = \"\""),
        "empty optional fields are left out"
    );
    let table: toml::Table = toml::from_str(split(&saved).expect("fenced").0).expect("toml");
    let steps = table["sections"].as_array().expect("sections")[1]["steps"]
        .as_array()
        .expect("steps")
        .len();
    assert_eq!(steps, 2);
    assert!(saved.ends_with("+++\n\nBody text.\n"));
}

const CONTACT: &str = r#"+++
id = "contact-x"
kind = "contact"
title = "X"
summary = "S."
updated_at = "2026-10-01"
organization = "Org"
services = ["Help"]
service_types = ["food"]
phones = [
  { number = "507-555-0110", type = "hotline" },
  { number = "507-555-0111", type = "voice", language = "es" },
]
hours = "Mo-Fr 08:00-17:00"
languages = ["en", "es"]
+++
"#;

#[test]
fn phones_and_hours_are_rewritten_in_the_same_layout() {
    let mut editor = to_editor(CONTACT).expect("editor");
    editor["hours"] = json!("Mo-Sa 09:00-18:00");
    let phones = editor["phones"].as_array_mut().expect("phones");
    phones[1]["language"] = Value::Null;
    phones.push(json!({ "number": "507-555-0112", "type": "text", "language": "so" }));
    editor["languages"] = json!(["en", "es", "so"]);
    editor["body"] = json!("New description.");
    let saved = apply(CONTACT, &editor).expect("save");
    let expected = CONTACT
        .replace("Mo-Fr 08:00-17:00", "Mo-Sa 09:00-18:00")
        .replace(
            "  { number = \"507-555-0111\", type = \"voice\", language = \"es\" },\n",
            "  { number = \"507-555-0111\", type = \"voice\" },\n  { number = \"507-555-0112\", type = \"text\", language = \"so\" },\n",
        )
        .replace("[\"en\", \"es\"]", "[\"en\", \"es\", \"so\"]")
        + "\nNew description.\n";
    assert_eq!(saved, expected);
}

#[test]
fn null_removes_an_optional_field_and_numbers_compare_as_numbers() {
    let text = CONTACT.replace("hours", "latitude = 44.0\nhours");
    let mut editor = to_editor(&text).expect("editor");
    editor["latitude"] = json!(44);
    assert_eq!(apply(&text, &editor).expect("save"), text);
    editor["hours"] = Value::Null;
    let saved = apply(&text, &editor).expect("save");
    assert!(!saved.contains("hours"));
    assert!(saved.contains("latitude = 44.0\n"));
}

#[test]
fn a_list_that_grows_keeps_its_spacing() {
    let text = CONTACT.replace("services = [\"Help\"]", "services = [\"Help\"] # one line");
    let mut editor = to_editor(&text).expect("editor");
    editor["services"] = json!(["Help", "Food", "Rides"]);
    editor["languages"] = json!(["en"]);
    let saved = apply(&text, &editor).expect("save");
    assert!(
        saved.contains("services = [\"Help\", \"Food\", \"Rides\"] # one line\n"),
        "{saved}"
    );
    assert!(saved.contains("languages = [\"en\"]\n"), "{saved}");
}

#[test]
fn a_new_section_is_written_as_tables_after_the_others() {
    let mut editor = to_editor(CHECKLIST).expect("editor");
    editor["sections"]
        .as_array_mut()
        .expect("sections")
        .push(json!({ "title": "Three", "steps": [{ "text": "Fourth." }] }));
    let saved = apply(CHECKLIST, &editor).expect("save");
    let expected = CHECKLIST.replace(
        "text = \"Third.\"\n+++",
        "text = \"Third.\"\n\n[[sections]]\ntitle = \"Three\"\n\n[[sections.steps]]\ntext = \"Fourth.\"\n+++",
    );
    assert_eq!(saved, expected);
}
