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

/// The front matter of `saved` read the way the core reads a document file.
fn parsed(saved: &str) -> fieldref_core::content::Document {
    let (front, _, body) = split(saved).expect("fenced");
    let mut table: toml::Table = toml::from_str(front).expect("toml");
    table.insert("body".into(), toml::Value::String(body.trim().to_owned()));
    toml::Value::Table(table).try_into().expect("a document")
}

const GUIDANCE: &str = r#"+++
id = "checklist-y"
kind = "checklist"
title = "Y"
summary = "S."
revision = 2
updated_at = "2026-11-01"
authors = ["Port Alder PD Training Unit"] # who wrote it
reviewed_by = "Sgt. Dana Okafor, CIT Coordinator"
reviewed_at = "2026-10-15"
review_due = "2027-10-15"
category = "autism"

[[sections]]
title = "One"

[[sections.steps]]
text = "First."

[[sections.steps]]
text = "Call the video line."
contacts = ["contact-a", "contact-b"]
requires_language = "ase"

# Where this comes from.
[[sources]]
title = "A guide"
url = "https://example.org/guide"
publication = "Example Press, 2024"

[[sources]]
title = "A statute"
publication = "Port Alder Code 12.4"

[[changes]]
revision = 1
date = "2026-10-01"
note = "First version."

[[changes]]
revision = 2
date = "2026-11-01"
note = "Step 2 links the video line."
+++

Body.
"#;

#[test]
fn authors_and_review_are_replaced_on_their_own_lines() {
    let mut editor = to_editor(GUIDANCE).expect("editor");
    assert_eq!(editor["authors"], json!(["Port Alder PD Training Unit"]));
    editor["authors"] = json!(["Port Alder PD Training Unit", "Ofc. Lee Park"]);
    editor["reviewed_by"] = json!("Lt. Sam Ortiz, Training");
    editor["reviewed_at"] = json!("2026-11-20");
    editor["review_due"] = json!("2027-11-20");
    let saved = apply(GUIDANCE, &editor).expect("save");
    let expected = GUIDANCE
        .replace(
            "[\"Port Alder PD Training Unit\"] # who",
            "[\"Port Alder PD Training Unit\", \"Ofc. Lee Park\"] # who",
        )
        .replace(
            "Sgt. Dana Okafor, CIT Coordinator",
            "Lt. Sam Ortiz, Training",
        )
        .replace("2026-10-15", "2026-11-20")
        .replace("2027-10-15", "2027-11-20");
    assert_eq!(saved, expected);
    let doc = parsed(&saved).provenance;
    assert_eq!(
        doc.authors,
        ["Port Alder PD Training Unit", "Ofc. Lee Park"]
    );
    assert_eq!(doc.reviewed_by.as_deref(), Some("Lt. Sam Ortiz, Training"));
    assert_eq!(doc.reviewed_at.as_deref(), Some("2026-11-20"));
    assert_eq!(doc.review_due.as_deref(), Some("2027-11-20"));
    // An emptied optional field leaves the file; the validator then says it is missing.
    editor["reviewed_by"] = Value::Null;
    let saved = apply(GUIDANCE, &editor).expect("save");
    assert!(!saved.contains("reviewed_by"), "{saved}");
    assert_eq!(parsed(&saved).provenance.reviewed_by, None);
}

#[test]
fn a_source_is_edited_removed_and_added_keeping_the_other_tables() {
    let mut editor = to_editor(GUIDANCE).expect("editor");
    assert_eq!(
        editor["sources"][1],
        json!({ "_src": 1, "title": "A statute", "publication": "Port Alder Code 12.4" })
    );
    let sources = editor["sources"].as_array_mut().expect("sources");
    sources[0]["title"] = json!("A guide, 2nd edition");
    sources.remove(1);
    sources.push(
        json!({ "title": "A web page", "url": "https://example.org/page", "publication": null }),
    );
    let saved = apply(GUIDANCE, &editor).expect("save");
    let expected = GUIDANCE
        .replace("title = \"A guide\"", "title = \"A guide, 2nd edition\"")
        .replace(
            "[[sources]]\ntitle = \"A statute\"\npublication = \"Port Alder Code 12.4\"\n",
            "[[sources]]\ntitle = \"A web page\"\nurl = \"https://example.org/page\"\n",
        );
    assert_eq!(saved, expected);
    let sources = parsed(&saved).provenance.sources;
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[1].url.as_deref(), Some("https://example.org/page"));
    assert_eq!(sources[1].publication, None);
    // Moving them swaps the tables whole; removing every source removes the tables.
    let mut editor = to_editor(GUIDANCE).expect("editor");
    editor["sources"]
        .as_array_mut()
        .expect("sources")
        .swap(0, 1);
    let saved = apply(GUIDANCE, &editor).expect("save");
    assert!(saved.find("A statute") < saved.find("A guide"), "{saved}");
    // A comment above a table belongs to that table and moves with it.
    assert!(
        saved.contains("# Where this comes from.\n[[sources]]\ntitle = \"A guide\""),
        "{saved}"
    );
    assert_eq!(saved.matches("# Where this comes from.").count(), 1);
    editor["sources"] = json!([]);
    let saved = apply(GUIDANCE, &editor).expect("save");
    assert!(!saved.contains("[[sources]]"), "{saved}");
    assert!(parsed(&saved).provenance.sources.is_empty());
}

#[test]
fn a_new_revision_gets_its_change_note_after_the_others() {
    let mut editor = to_editor(GUIDANCE).expect("editor");
    editor["revision"] = json!(3);
    editor["updated_at"] = json!("2026-12-01");
    editor["changes"]
        .as_array_mut()
        .expect("changes")
        .push(json!({ "revision": 3, "date": "2026-12-01", "note": "Step 1 is shorter." }));
    let saved = apply(GUIDANCE, &editor).expect("save");
    let expected = GUIDANCE
        .replace("revision = 2\nupdated_at = \"2026-11-01\"", "revision = 3\nupdated_at = \"2026-12-01\"")
        .replace(
            "note = \"Step 2 links the video line.\"\n",
            "note = \"Step 2 links the video line.\"\n\n[[changes]]\nrevision = 3\ndate = \"2026-12-01\"\nnote = \"Step 1 is shorter.\"\n",
        );
    assert_eq!(saved, expected);
    let doc = parsed(&saved);
    assert_eq!(doc.revision, 3);
    let latest = doc.provenance.latest_change().expect("a change note");
    assert_eq!(
        (latest.revision, latest.note.as_str()),
        (3, "Step 1 is shorter.")
    );
    // Editing an older note changes that line only.
    let mut editor = to_editor(GUIDANCE).expect("editor");
    editor["changes"][0]["note"] = json!("First version in the pack.");
    let saved = apply(GUIDANCE, &editor).expect("save");
    assert_eq!(
        saved,
        GUIDANCE.replace("First version.", "First version in the pack.")
    );
}

#[test]
fn step_contact_links_and_required_language_are_written_on_the_step() {
    let mut editor = to_editor(GUIDANCE).expect("editor");
    let steps = editor["sections"][0]["steps"]
        .as_array_mut()
        .expect("steps");
    assert_eq!(steps[1]["contacts"], json!(["contact-a", "contact-b"]));
    assert_eq!(steps[1]["requires_language"], json!("ase"));
    steps[0]["contacts"] = json!(["contact-c"]);
    steps[0]["requires_language"] = json!("es");
    steps[1]["contacts"] = json!(["contact-b"]);
    let saved = apply(GUIDANCE, &editor).expect("save");
    let expected = GUIDANCE
        .replace(
            "text = \"First.\"\n",
            "text = \"First.\"\ncontacts = [\"contact-c\"]\nrequires_language = \"es\"\n",
        )
        .replace("[\"contact-a\", \"contact-b\"]", "[\"contact-b\"]");
    assert_eq!(saved, expected);
    let doc = parsed(&saved);
    let ids: Vec<&str> = doc.linked_contact_ids().collect();
    assert_eq!(ids, ["contact-c", "contact-b"]);
    // Removing every link (the browser sends `[]`) and the language removes both keys.
    let mut editor = to_editor(GUIDANCE).expect("editor");
    editor["sections"][0]["steps"][1]["contacts"] = json!([]);
    editor["sections"][0]["steps"][1]["requires_language"] = Value::Null;
    let saved = apply(GUIDANCE, &editor).expect("save");
    assert_eq!(
        saved,
        GUIDANCE.replace(
            "contacts = [\"contact-a\", \"contact-b\"]\nrequires_language = \"ase\"\n",
            ""
        )
    );
    assert_eq!(parsed(&saved).linked_contact_ids().count(), 0);
}

#[test]
fn a_translation_names_its_original_and_the_revision_it_follows() {
    let mut editor = to_editor(GUIDANCE).expect("editor");
    editor["translation_of"] = json!("checklist-x");
    editor["translation_revision"] = json!(4);
    let saved = apply(GUIDANCE, &editor).expect("save");
    assert_eq!(
        saved,
        GUIDANCE.replace(
            "category = \"autism\"\n",
            "category = \"autism\"\ntranslation_of = \"checklist-x\"\ntranslation_revision = 4\n"
        )
    );
    let doc = parsed(&saved).provenance;
    assert_eq!(doc.translation_of.as_deref(), Some("checklist-x"));
    assert_eq!(doc.translation_revision, Some(4));
    let mut editor = to_editor(&saved).expect("editor");
    editor["translation_revision"] = json!(5);
    let bumped = apply(&saved, &editor).expect("save");
    assert_eq!(
        bumped,
        saved.replace("translation_revision = 4", "translation_revision = 5")
    );
    editor["translation_of"] = Value::Null;
    editor["translation_revision"] = Value::Null;
    assert_eq!(apply(&saved, &editor).expect("save"), GUIDANCE);
}

#[test]
fn a_note_links_contacts_and_a_contact_gets_verified_and_provenance() {
    let note = "+++\nid = \"note-z\"\nkind = \"note\"\ntitle = \"Z\"\nsummary = \"S.\"\nupdated_at = \"2026-10-01\"\ncategory = \"autism\"\ndo = [\"Ask.\"]\n+++\n";
    let mut editor = to_editor(note).expect("editor");
    editor["contacts"] = json!(["contact-a"]);
    let saved = apply(note, &editor).expect("save");
    assert_eq!(
        saved,
        note.replace(
            "do = [\"Ask.\"]\n",
            "do = [\"Ask.\"]\ncontacts = [\"contact-a\"]\n"
        )
    );
    assert_eq!(
        parsed(&saved).linked_contact_ids().collect::<Vec<_>>(),
        ["contact-a"]
    );

    let mut editor = to_editor(CONTACT).expect("editor");
    editor["verified_at"] = json!("2026-11-02");
    editor["authors"] = json!(["Port Alder 211"]);
    editor["sources"] =
        json!([{ "title": "Agency listing", "url": null, "publication": "Port Alder 211, 2026" }]);
    let saved = apply(CONTACT, &editor).expect("save");
    assert_eq!(
        saved,
        CONTACT.replace(
            "languages = [\"en\", \"es\"]\n",
            "languages = [\"en\", \"es\"]\nauthors = [\"Port Alder 211\"]\nverified_at = \"2026-11-02\"\n\n[[sources]]\ntitle = \"Agency listing\"\npublication = \"Port Alder 211, 2026\"\n"
        )
    );
    let doc = parsed(&saved);
    assert_eq!(
        doc.as_contact().and_then(|c| c.verified_at.as_deref()),
        Some("2026-11-02")
    );
    assert_eq!(
        doc.provenance.sources[0].publication.as_deref(),
        Some("Port Alder 211, 2026")
    );
    let mut editor = to_editor(&saved).expect("editor");
    editor["verified_at"] = json!("2026-12-01");
    let again = apply(&saved, &editor).expect("save");
    assert_eq!(again, saved.replace("2026-11-02", "2026-12-01"));
}

#[test]
fn what_a_browser_sends_for_absent_provenance_changes_nothing() {
    for text in [CONTACT, GUIDANCE, CHECKLIST] {
        let editor = to_editor(text).expect("editor");
        assert_eq!(apply(text, &as_browser_sends(&editor)).expect("save"), text);
    }
}
