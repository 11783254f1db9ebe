//! One test per validator rule: each breaks one thing in an otherwise valid pack and checks the
//! problem names the file, the line and the field.

use super::{Problem, SourceTree};

/// Provenance every checklist and note carries, for the inline fixtures below.
const PROVENANCE: &str = "authors = [\"Trainer\"]\nreviewed_by = \"Sgt. Okafor\"\nreviewed_at = \"2026-09-15\"\nreview_due = \"2027-09-15\"\n[[sources]]\ntitle = \"CIT International\"\nurl = \"https://www.citinternational.org/\"\n";

const PACK: &str = r#"id = "test-pack"
title = "Test pack"
channel = "test"
timezone = "America/Chicago"
categories = ["autism", "communication"]
service_types = ["shelter", "interpreter"]
synonyms = ["ASD = autism"]
"#;

const CHECKLIST: &str = r#"+++
id = "checklist-autism"
kind = "checklist"
title = "Person with autism"
summary = "Approach calmly."
updated_at = "2026-10-01"
audience = "officers"
category = "autism"
authors = ["Port Alder PD Training Unit"]
reviewed_by = "Sgt. Dana Okafor"
reviewed_at = "2026-09-15"
review_due = "2027-09-15"

[[sources]]
title = "Autism Society: Safe and Sound"
url = "https://autismsociety.org/"

[[sections]]
title = "Before contact"

[[sections.steps]]
text = "Turn off sirens."
say = 'I am here to help.'
+++
Background.
"#;

const CONTACT: &str = r#"+++
id = "contact-harbor-house"
kind = "contact"
title = "Harbor House"
summary = "Family shelter."
updated_at = "2026-10-01"
organization = "Harbor House"
services = ["Family shelter"]
service_types = ["shelter"]
phones = [
  { number = "507-555-0142", type = "voice" },
]
latitude = 44.02
longitude = -92.47
hours = "24/7"
languages = ["en", "es"]
+++
Beds for families.
"#;

fn compile_with(path: &str, text: &str) -> Result<crate::content::Pack, Vec<Problem>> {
    SourceTree::from_files([
        ("pack.toml", PACK),
        ("checklists/a.md", CHECKLIST),
        (path, text),
    ])
    .compile()
}

/// Compiles `CONTACT` with `from` replaced by `to`; expects exactly one problem.
fn contact_problem(from: &str, to: &str) -> Problem {
    assert!(CONTACT.contains(from), "fixture lacks {from}");
    let problems =
        compile_with("contacts/c.md", &CONTACT.replace(from, to)).expect_err("should be rejected");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    problems.into_iter().next().expect("one problem")
}

#[test]
fn the_valid_fixture_compiles() {
    let pack = compile_with("contacts/c.md", CONTACT).expect("valid");
    assert_eq!(pack.documents.len(), 2);
    assert_eq!(pack.documents[0].id, "checklist-autism");
    assert_eq!(pack.documents[0].body, "Background.");
}

#[test]
fn missing_title_names_the_field() {
    let p = contact_problem("title = \"Harbor House\"\n", "");
    assert_eq!(
        (p.path.as_str(), p.field.as_str(), p.message.as_str()),
        ("contacts/c.md", "title", "missing")
    );
}

#[test]
fn bad_phone_points_at_its_line() {
    let p = contact_problem("507-555-0142", "555-01");
    assert_eq!(p.field, "phones[0].number");
    assert_eq!(p.line, 11, "{p}");
    assert!(p.message.contains("5 digits"), "{p}");
}

#[test]
fn unparsable_hours_are_rejected() {
    let p = contact_problem("hours = \"24/7\"", "hours = \"Mo-Fr 25:00-26:00 open-ish\"");
    assert_eq!(p.field, "hours");
    assert_eq!(p.line, 15, "{p}");
    assert!(p.message.contains("opening_hours"), "{p}");
}

#[test]
fn duplicate_ids_name_both_files() {
    let problems = compile_with("checklists/b.md", CHECKLIST).expect_err("duplicate");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].path, "checklists/b.md");
    assert_eq!(problems[0].field, "id");
    assert_eq!(problems[0].line, 2);
    assert!(
        problems[0].message.contains("checklists/a.md"),
        "{}",
        problems[0]
    );
}

#[test]
fn unknown_category_is_rejected() {
    let text = CHECKLIST
        .replace("checklist-autism", "checklist-other")
        .replace("category = \"autism\"", "category = \"astrology\"");
    let problems = compile_with("checklists/b.md", &text).expect_err("unknown category");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(
        (problems[0].field.as_str(), problems[0].line),
        ("category", 8)
    );
    assert!(problems[0].message.contains("astrology"));
}

#[test]
fn unknown_service_type_is_rejected() {
    let p = contact_problem("service_types = [\"shelter\"]", "service_types = [\"spa\"]");
    assert_eq!((p.field.as_str(), p.line), ("service_types", 9));
}

#[test]
fn unknown_field_is_rejected() {
    let problems = compile_with(
        "contacts/c.md",
        &CONTACT.replace("languages =", "langauges ="),
    )
    .expect_err("typo");
    let rendered: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        vec![
            "contacts/c.md:16: langauges: unknown field",
            "contacts/c.md:1: languages: missing"
        ]
    );
}

#[test]
fn bad_date_is_rejected() {
    let p = contact_problem("2026-10-01", "October 1st");
    assert_eq!((p.field.as_str(), p.line), ("updated_at", 6));
}

#[test]
fn bad_language_tag_is_rejected() {
    let p = contact_problem("[\"en\", \"es\"]", "[\"en\", \"Spanish\"]");
    assert_eq!(p.field, "languages");
    assert!(p.message.contains("Spanish"));
}

#[test]
fn out_of_range_coordinates_are_rejected() {
    let p = contact_problem("latitude = 44.02", "latitude = 144.02");
    assert_eq!((p.field.as_str(), p.line), ("latitude", 13));
}

#[test]
fn withheld_location_must_not_carry_an_address() {
    let p = contact_problem(
        "hours = \"24/7\"",
        "hours = \"24/7\"\nlocation_visibility = \"withheld\"",
    );
    assert_eq!(p.field, "location_visibility");
}

#[test]
fn bad_enum_value_names_the_field() {
    let problems = compile_with(
        "checklists/b.md",
        &CHECKLIST
            .replace("checklist-autism", "checklist-b")
            .replace("\"officers\"", "\"everyone\""),
    )
    .expect_err("bad audience");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].message.contains("everyone"), "{}", problems[0]);
}

#[test]
fn toml_syntax_error_has_a_line() {
    let problems = compile_with(
        "contacts/c.md",
        &CONTACT.replace("hours = \"24/7\"", "hours = \"24/7"),
    )
    .expect_err("syntax");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].field, "front matter");
    assert_eq!(problems[0].line, 15, "{}", problems[0]);
}

#[test]
fn missing_front_matter_is_reported() {
    let problems = compile_with("notes/n.md", "# Just markdown\n").expect_err("no front matter");
    assert_eq!(
        (problems[0].field.as_str(), problems[0].line),
        ("front matter", 1)
    );
}

#[test]
fn empty_checklist_section_is_rejected() {
    let text = format!("+++\nid = \"checklist-b\"\nkind = \"checklist\"\ntitle = \"B\"\nsummary = \"S\"\nupdated_at = \"2026-10-01\"\ncategory = \"autism\"\n{PROVENANCE}\n[[sections]]\ntitle = \"Empty\"\nsteps = []\n+++\n");
    let problems = compile_with("checklists/b.md", &text).expect_err("empty section");
    assert_eq!(problems[0].field, "sections[0].steps");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = CONTACT
        .replace("507-555-0142", "12")
        .replace("24/7", "whenever")
        .replace("[\"shelter\"]", "[\"spa\"]");
    let problems = compile_with("contacts/c.md", &text).expect_err("three problems");
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["service_types", "phones[0].number", "hours"]);
}

#[test]
fn bad_pack_toml_is_reported_with_line() {
    let tree = SourceTree::from_files([
        (
            "pack.toml",
            &*PACK.replace("America/Chicago", "Mars/Olympus"),
        ),
        ("checklists/a.md", CHECKLIST),
    ]);
    let problems = tree.compile().expect_err("bad timezone");
    assert_eq!(
        (
            problems[0].path.as_str(),
            problems[0].field.as_str(),
            problems[0].line
        ),
        ("pack.toml", "timezone", 4)
    );
}

#[test]
fn problems_render_as_path_line_field_message() {
    let p = contact_problem("title = \"Harbor House\"\n", "");
    assert_eq!(p.to_string(), "contacts/c.md:1: title: missing");
}

#[test]
fn scene_words_are_short_and_distinct() {
    let text = format!("+++\nid = \"checklist-b\"\nkind = \"checklist\"\ntitle = \"B\"\nsummary = \"S\"\nupdated_at = \"2026-10-01\"\ncategory = \"autism\"\nscene_words = [\"flapping hands\", \"Flapping hands\", \"he keeps running off toward the water\"]\n{PROVENANCE}\n[[sections]]\ntitle = \"T\"\n[[sections.steps]]\ntext = \"Step\"\n+++\n");
    let problems = compile_with("checklists/b.md", &text).expect_err("bad scene words");
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["scene_words[1]", "scene_words[2]"],
        "{problems:?}"
    );
    assert!(problems[0].message.contains("twice"), "{problems:?}");
    assert_eq!(problems[0].line, 8, "the line of scene_words");
}

#[test]
fn international_numbers_need_a_plus_and_a_sane_length() {
    use crate::content::check_phone_number;
    assert!(check_phone_number("+44 1234 234567").is_ok());
    assert!(check_phone_number("+1 507-555-0142").is_ok());
    assert!(
        check_phone_number("44 1234 234567").is_err(),
        "no +: not international"
    );
    assert!(check_phone_number("+44 12").is_err());
    assert!(check_phone_number("+44 1234 5678 9012 3456").is_err());
}

#[test]
fn provenance_and_links_parse() {
    let checklist = CHECKLIST
        .replace("category = \"autism\"\n", "category = \"autism\"\nrevision = 2\n")
        .replace(
            "[[sections]]\n",
            "[[changes]]\nrevision = 2\ndate = \"2026-09-30\"\nnote = \"Step 1 now says to turn off sirens early.\"\n\n[[sections]]\n",
        )
        .replace(
            "say = 'I am here to help.'\n",
            "say = 'I am here to help.'\ncontacts = [\"contact-harbor-house\"]\nrequires_language = \"es\"\n",
        );
    let contact = CONTACT.replace(
        "languages = [\"en\", \"es\"]",
        "languages = [\"en\", \"es\"]\nverified_at = \"2026-09-01\"",
    );
    let pack = SourceTree::from_files([
        ("pack.toml", PACK),
        ("checklists/a.md", checklist.as_str()),
        ("contacts/c.md", contact.as_str()),
    ])
    .compile()
    .expect("valid");
    let doc = &pack.documents[0];
    assert_eq!(doc.revision, 2);
    assert_eq!(doc.provenance.authors, ["Port Alder PD Training Unit"]);
    assert_eq!(
        doc.provenance.reviewed_by.as_deref(),
        Some("Sgt. Dana Okafor")
    );
    assert_eq!(
        doc.provenance.sources[0].url.as_deref(),
        Some("https://autismsociety.org/")
    );
    let latest = doc.provenance.latest_change().expect("a change");
    assert_eq!((latest.revision, latest.date.as_str()), (2, "2026-09-30"));
    let crate::content::Details::Checklist(c) = &doc.details else {
        panic!("checklist")
    };
    assert_eq!(c.sections[0].steps[0].contacts, ["contact-harbor-house"]);
    assert_eq!(
        c.sections[0].steps[0].requires_language.as_deref(),
        Some("es")
    );
    let contact = pack.documents[1].as_contact().expect("contact");
    assert_eq!(contact.verified_at.as_deref(), Some("2026-09-01"));
    // Through JSON (the store, packs) and back unchanged.
    let json = serde_json::to_string(&pack).expect("json");
    let back: crate::content::Pack = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, pack);
}

#[test]
fn an_sms_short_code_is_a_text_line_only() {
    let text_line = CONTACT.replace(
        "{ number = \"507-555-0142\", type = \"voice\" },",
        "{ number = \"507-555-0142\", type = \"voice\" },\n  { number = \"838255\", type = \"text\" },",
    );
    assert!(compile_with("contacts/c.md", &text_line).is_ok());
    let p = contact_problem(
        "{ number = \"507-555-0142\", type = \"voice\" },",
        "{ number = \"507-555-0142\", type = \"voice\" },\n  { number = \"838255\", type = \"voice\" },",
    );
    assert_eq!((p.field.as_str(), p.line), ("phones[1].number", 12));
}

#[test]
fn contact_fields_name_every_field_of_the_contact_model() {
    use crate::content::{Contact, LocationVisibility, Phone, PhoneKind, CONTACT_FIELDS};
    let some = |s: &str| Some(s.to_owned());
    let contact = Contact {
        organization: "Org".into(),
        services: vec!["Help".into()],
        service_types: vec!["food".into()],
        phones: vec![Phone {
            number: "507-555-0110".into(),
            kind: PhoneKind::Voice,
            language: None,
        }],
        email: some("a@example.org"),
        url: some("https://example.org"),
        address: some("1 Main St"),
        neighborhood: some("Downtown"),
        latitude: Some(44.0),
        longitude: Some(-92.0),
        location_visibility: LocationVisibility::Officers,
        hours: some("24/7"),
        languages: vec!["en".into()],
        eligibility: some("Anyone"),
        service_area: some("Port Alder"),
        verified_at: some("2026-11-01"),
    };
    let value = serde_json::to_value(&contact).expect("json");
    let keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut listed = CONTACT_FIELDS.to_vec();
    let mut model = keys.clone();
    listed.sort_unstable();
    model.sort_unstable();
    assert_eq!(
        listed, model,
        "CONTACT_FIELDS must list exactly the Contact fields"
    );
}
