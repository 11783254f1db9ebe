//! The rules across documents and on provenance, one defect at a time: each test builds a small
//! valid pack, breaks one thing, and checks the problem's severity, path, line, field and message.

use chrono::NaiveDate;

use super::{Problem, Severity, SourceTree};

const PACK: &str = r#"id = "test-pack"
title = "Test pack"
channel = "test"
timezone = "America/Chicago"
categories = ["autism", "communication"]
service_types = ["shelter", "interpreter"]
"#;

const CHECKLIST: &str = r#"+++
id = "checklist-autism"
kind = "checklist"
title = "Person with autism"
summary = "Approach calmly."
revision = 2
updated_at = "2026-10-01"
category = "autism"
authors = ["Port Alder PD Training Unit"]
reviewed_by = "Sgt. Dana Okafor, CIT Coordinator"
reviewed_at = "2026-09-15"
review_due = "2027-09-15"

[[sources]]
title = "Autism Society: Safe and Sound"
url = "https://autismsociety.org/"

[[changes]]
revision = 2
date = "2026-10-01"
note = "Step 2 now links the shelter's Spanish line."

[[sections]]
title = "Before contact"

[[sections.steps]]
text = "Turn off sirens."

[[sections.steps]]
text = "Call Harbor House for a quiet room."
contacts = ["contact-harbor-house"]
requires_language = "es"
+++
Background.
"#;

const NOTE: &str = r#"+++
id = "note-quiet-rooms"
kind = "note"
title = "Quiet rooms"
summary = "Where to take someone who needs calm."
updated_at = "2026-10-01"
category = "communication"
contacts = ["contact-harbor-house"]
authors = ["Port Alder PD Training Unit"]
reviewed_by = "Sgt. Dana Okafor, CIT Coordinator"
reviewed_at = "2026-09-15"
review_due = "2027-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
publication = "CIT International, 2019"
+++
Text.
"#;

const CONTACT: &str = r#"+++
id = "contact-harbor-house"
kind = "contact"
title = "Harbor House"
summary = "Family shelter, open 24/7."
updated_at = "2026-10-01"
organization = "Harbor House"
services = ["Family shelter"]
service_types = ["shelter"]
phones = [
  { number = "507-555-0142", type = "voice" },
  { number = "988", type = "hotline" },
]
hours = "24/7"
languages = ["en", "es"]
verified_at = "2026-09-01"
+++
Beds for families.
"#;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

/// The fixture pack with `extra` files added and `(path, from, to)` edits applied, checked on
/// `today`: every problem, warnings included.
fn check(edits: &[(&str, &str, &str)], extra: &[(&str, &str)], today: NaiveDate) -> Vec<Problem> {
    let mut files: Vec<(String, String)> = [
        ("pack.toml", PACK),
        ("checklists/a.md", CHECKLIST),
        ("notes/n.md", NOTE),
        ("contacts/c.md", CONTACT),
    ]
    .iter()
    .chain(extra)
    .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
    .collect();
    for (path, from, to) in edits {
        let file = files
            .iter_mut()
            .find(|(p, _)| p == path)
            .expect("edited file exists");
        assert!(file.1.contains(from), "{path} lacks {from:?}");
        file.1 = file.1.replacen(from, to, 1);
    }
    SourceTree::from_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())))
        .check_on(Some(today))
        .problems
}

/// Exactly one problem, of this severity.
fn only(problems: Vec<Problem>, severity: Severity) -> Problem {
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let problem = problems.into_iter().next().expect("one");
    assert_eq!(problem.severity, severity, "{problem}");
    problem
}

/// The 1-based line of the first line of `text` containing `needle` at or after `after`.
fn line(text: &str, after: &str, needle: &str) -> usize {
    let start = text.find(after).expect("anchor");
    let offset = start + text[start..].find(needle).expect("needle");
    text[..offset].matches('\n').count() + 1
}

#[test]
fn the_fixture_pack_is_clean() {
    let checked = SourceTree::from_files([
        ("pack.toml", PACK),
        ("checklists/a.md", CHECKLIST),
        ("notes/n.md", NOTE),
        ("contacts/c.md", CONTACT),
    ])
    .check_on(Some(today()));
    assert_eq!(checked.problems, vec![], "no errors and no warnings");
    assert_eq!(checked.pack.expect("built").documents.len(), 3);
}

#[test]
fn a_number_shared_by_two_organizations_is_an_error_naming_both_files() {
    let other = CONTACT
        .replace("contact-harbor-house", "contact-dock-pantry")
        .replace(
            "organization = \"Harbor House\"",
            "organization = \"Dock Pantry\"",
        )
        .replace("{ number = \"988\", type = \"hotline\" },\n", "");
    let p = only(
        check(&[], &[("contacts/d.md", &other)], today()),
        Severity::Error,
    );
    assert_eq!(
        p.to_string(),
        format!(
            "contacts/d.md:{}: phones[0].number: shared number: `507-555-0142` also belongs to Harbor House (contacts/c.md); one number must reach one organization",
            line(&other, "phones", "507-555-0142")
        )
    );
}

#[test]
fn an_organization_may_repeat_its_own_number_and_n11_codes_are_nobodys() {
    // Same organization (spelled with other spacing and case), and 988 on a second organization.
    let same_org = CONTACT
        .replace("contact-harbor-house", "contact-harbor-house-intake")
        .replace(
            "organization = \"Harbor House\"",
            "organization = \"harbor  house\"",
        );
    let other_988 = CONTACT
        .replace("contact-harbor-house", "contact-dock-pantry")
        .replace(
            "organization = \"Harbor House\"",
            "organization = \"Dock Pantry\"",
        )
        .replace("507-555-0142", "507-555-0150");
    let problems = check(
        &[],
        &[("contacts/e.md", &same_org), ("contacts/d.md", &other_988)],
        today(),
    );
    assert_eq!(problems, vec![]);
}

#[test]
fn a_link_to_a_missing_contact_is_an_error_at_its_step() {
    let problems = check(
        &[(
            "checklists/a.md",
            "contacts = [\"contact-harbor-house\"]",
            "contacts = [\"contact-deaf-services\"]",
        )],
        &[],
        today(),
    );
    let p = only(problems, Severity::Error);
    assert_eq!(p.path, "checklists/a.md");
    assert_eq!(p.field, "sections[0].steps[1].contacts");
    assert_eq!(p.line, line(CHECKLIST, "Call Harbor House", "contacts ="));
    assert_eq!(
        p.message,
        "dangling link: there is no contact `contact-deaf-services`"
    );
}

#[test]
fn a_note_link_to_a_missing_contact_is_an_error() {
    let p = only(
        check(
            &[(
                "notes/n.md",
                "[\"contact-harbor-house\"]",
                "[\"contact-senior-services\"]",
            )],
            &[],
            today(),
        ),
        Severity::Error,
    );
    assert_eq!(
        (p.path.as_str(), p.line, p.field.as_str()),
        ("notes/n.md", line(NOTE, "", "contacts ="), "contacts")
    );
    assert!(p.message.starts_with("dangling link"), "{p}");
}

#[test]
fn a_link_to_something_other_than_a_contact_is_an_error() {
    let p = only(
        check(
            &[(
                "checklists/a.md",
                "[\"contact-harbor-house\"]",
                "[\"note-quiet-rooms\"]",
            )],
            &[],
            today(),
        ),
        Severity::Error,
    );
    assert_eq!(p.message, "`note-quiet-rooms` is a note, not a contact");
}

#[test]
fn a_language_the_step_relies_on_must_be_spoken_by_its_contact() {
    let p = only(
        check(
            &[(
                "checklists/a.md",
                "requires_language = \"es\"",
                "requires_language = \"ase\"",
            )],
            &[],
            today(),
        ),
        Severity::Error,
    );
    assert_eq!(p.field, "sections[0].steps[1].requires_language");
    assert_eq!(p.line, line(CHECKLIST, "", "requires_language"));
    assert_eq!(
        p.message,
        "requires_language `ase` not met: `contact-harbor-house` does not list it in languages"
    );
    // A language served on one phone line counts (HSDS attaches languages to phones).
    let problems = check(
        &[
            (
                "checklists/a.md",
                "requires_language = \"es\"",
                "requires_language = \"ase\"",
            ),
            (
                "contacts/c.md",
                "type = \"hotline\" }",
                "type = \"hotline\", language = \"ase\" }",
            ),
        ],
        &[],
        today(),
    );
    assert_eq!(problems, vec![]);
}

#[test]
fn dates_in_the_future_are_errors() {
    for (path, from, to, field) in [
        (
            "contacts/c.md",
            "updated_at = \"2026-10-01\"",
            "updated_at = \"2026-12-02\"",
            "updated_at",
        ),
        (
            "contacts/c.md",
            "verified_at = \"2026-09-01\"",
            "verified_at = \"2027-01-01\"",
            "verified_at",
        ),
        (
            "checklists/a.md",
            "reviewed_at = \"2026-09-15\"",
            "reviewed_at = \"2026-12-24\"",
            "reviewed_at",
        ),
    ] {
        let p = only(check(&[(path, from, to)], &[], today()), Severity::Error);
        let text = if path.starts_with("contacts") {
            CONTACT
        } else {
            CHECKLIST
        };
        assert_eq!(
            (p.path.as_str(), p.line, p.field.as_str()),
            (path, line(text, "", &format!("{field} =")), field),
            "{p}"
        );
        assert!(
            p.message.contains("is in the future (today is 2026-12-01)"),
            "{p}"
        );
    }
}

#[test]
fn a_gap_in_a_contact_described_as_24_7_is_a_warning() {
    let hours = "Mo-Fr 17:00-08:00; Sa,Su 00:00-24:00";
    let p = only(
        check(
            &[(
                "contacts/c.md",
                "hours = \"24/7\"",
                &format!("hours = \"{hours}\""),
            )],
            &[],
            // A Monday.
            NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
        ),
        Severity::Warning,
    );
    assert_eq!(
        p.to_string(),
        format!(
            "warning: contacts/c.md:{}: hours: the text says 24/7 but `{hours}` leaves a gap: closed Mon 2026-11-30 00:00-17:00",
            line(CONTACT, "", "hours =")
        )
    );
}

#[test]
fn hours_without_a_round_the_clock_claim_may_close() {
    let problems = check(
        &[
            ("contacts/c.md", "open 24/7", "call ahead"),
            (
                "contacts/c.md",
                "hours = \"24/7\"",
                "hours = \"Mo-Fr 09:00-17:00\"",
            ),
        ],
        &[],
        today(),
    );
    assert_eq!(problems, vec![]);
}

#[test]
fn a_translation_behind_its_original_is_a_warning() {
    let translation = CHECKLIST
        .replace("checklist-autism", "checklist-es-autismo")
        .replacen(
            "revision = 2\n",
            "revision = 1\nlanguage = \"es\"\ntranslation_of = \"checklist-autism\"\ntranslation_revision = 1\n",
            1,
        )
        .replace(
            "[[changes]]\nrevision = 2\ndate = \"2026-10-01\"\nnote = \"Step 2 now links the shelter's Spanish line.\"\n\n",
            "",
        );
    let p = only(
        check(&[], &[("checklists/es.md", &translation)], today()),
        Severity::Warning,
    );
    assert_eq!(
        p.to_string(),
        format!(
            "warning: checklists/es.md:{}: translation_revision: translation behind its original: `checklist-autism` is at revision 2, this translation matches 1 (latest: \"Step 2 now links the shelter's Spanish line.\")",
            line(&translation, "", "translation_revision")
        )
    );
    // Caught up: clean. Naming a missing original: an error.
    let current = translation.replace("translation_revision = 1", "translation_revision = 2");
    assert_eq!(
        check(&[], &[("checklists/es.md", &current)], today()),
        vec![]
    );
    let dangling = translation.replace(
        "translation_of = \"checklist-autism\"",
        "translation_of = \"checklist-gone\"",
    );
    let p = only(
        check(&[], &[("checklists/es.md", &dangling)], today()),
        Severity::Error,
    );
    assert_eq!(
        (p.field.as_str(), p.line),
        ("translation_of", line(&dangling, "", "translation_of"))
    );
}

#[test]
fn a_checklist_without_sources_is_an_error() {
    let p = only(
        check(
            &[(
                "checklists/a.md",
                "[[sources]]\ntitle = \"Autism Society: Safe and Sound\"\nurl = \"https://autismsociety.org/\"\n\n",
                "",
            )],
            &[],
            today(),
        ),
        Severity::Error,
    );
    assert_eq!(
        p.to_string(),
        "checklists/a.md:1: sources: missing: a checklist cites at least one source ([[sources]] with a title and a url or publication)"
    );
}

#[test]
fn a_source_needs_a_way_to_find_it() {
    let p = only(
        check(
            &[(
                "notes/n.md",
                "publication = \"CIT International, 2019\"\n",
                "",
            )],
            &[],
            today(),
        ),
        Severity::Error,
    );
    assert_eq!(
        (p.field.as_str(), p.line),
        ("sources[0].title", line(NOTE, "[[sources]]", "title ="))
    );
}

#[test]
fn a_review_past_due_is_a_warning() {
    let later = NaiveDate::from_ymd_opt(2027, 10, 1).expect("date");
    let problems = check(
        &[(
            "notes/n.md",
            "review_due = \"2027-09-15\"",
            "review_due = \"2028-09-15\"",
        )],
        &[],
        later,
    );
    let p = only(problems, Severity::Warning);
    assert_eq!(
        p.to_string(),
        format!(
            "warning: checklists/a.md:{}: review_due: review overdue: was due 2027-09-15, 16 day(s) ago",
            line(CHECKLIST, "", "review_due")
        )
    );
}

#[test]
fn provenance_is_required_on_checklists_and_notes() {
    let problems = check(
        &[
            (
                "notes/n.md",
                "authors = [\"Port Alder PD Training Unit\"]\n",
                "",
            ),
            (
                "notes/n.md",
                "reviewed_by = \"Sgt. Dana Okafor, CIT Coordinator\"\n",
                "",
            ),
        ],
        &[],
        today(),
    );
    let fields: Vec<(&str, Severity)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.severity))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("authors", Severity::Error),
            ("reviewed_by", Severity::Error)
        ]
    );
}

#[test]
fn a_new_revision_needs_its_change_note() {
    let p = only(
        check(
            &[("checklists/a.md", "revision = 2\n", "revision = 3\n")],
            &[],
            today(),
        ),
        Severity::Error,
    );
    assert_eq!(
        (p.field.as_str(), p.message.as_str()),
        (
            "changes",
            "missing: revision 3 needs a [[changes]] entry saying what changed"
        )
    );
    // A note for a revision the document has not reached, and none for the one it has.
    let problems = check(
        &[(
            "checklists/a.md",
            "revision = 2\ndate",
            "revision = 5\ndate",
        )],
        &[],
        today(),
    );
    let found: Vec<(&str, usize)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.line))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "changes[0].revision",
                line(CHECKLIST, "[[changes]]", "revision =")
            ),
            ("changes", 1)
        ],
        "{problems:#?}"
    );
}

#[test]
fn a_language_named_in_the_text_but_not_listed_is_a_warning() {
    let p = only(
        check(
            &[(
                "contacts/c.md",
                "Beds for families.",
                "Beds for families. Staff speak Somali.",
            )],
            &[],
            today(),
        ),
        Severity::Warning,
    );
    assert_eq!(
        p.to_string(),
        format!(
            "warning: contacts/c.md:{}: languages: the body names Somali but languages does not list `so`",
            line(CONTACT, "", "languages =")
        )
    );
    // Listed: clean.
    let problems = check(
        &[
            (
                "contacts/c.md",
                "Beds for families.",
                "Beds for families. Staff speak Somali.",
            ),
            (
                "contacts/c.md",
                "[\"en\", \"es\"]",
                "[\"en\", \"es\", \"so\"]",
            ),
        ],
        &[],
        today(),
    );
    assert_eq!(problems, vec![]);
}

#[test]
fn warnings_alone_still_build_the_pack() {
    let checked = SourceTree::from_files([
        ("pack.toml", PACK),
        ("checklists/a.md", CHECKLIST),
        ("notes/n.md", NOTE),
        (
            "contacts/c.md",
            &*CONTACT.replace("Beds for families.", "Somali spoken."),
        ),
    ])
    .check_on(Some(today()));
    assert_eq!(checked.warnings().count(), 1);
    assert_eq!(checked.errors().count(), 0);
    assert!(checked.into_result().is_ok());
}

#[test]
fn check_documents_applies_the_rules_across_documents() {
    let pack = SourceTree::from_files([
        ("pack.toml", PACK),
        ("checklists/a.md", CHECKLIST),
        ("notes/n.md", NOTE),
        ("contacts/c.md", CONTACT),
    ])
    .compile()
    .expect("valid");
    let without_contact: Vec<_> = pack
        .documents
        .iter()
        .filter(|d| d.as_contact().is_none())
        .cloned()
        .collect();
    let problems = super::check_documents(&pack.info, &without_contact);
    let found: Vec<(&str, &str)> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| (p.path.as_str(), p.field.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("checklist-autism", "sections[0].steps[1].contacts"),
            ("note-quiet-rooms", "contacts")
        ]
    );
    // A delta's documents alone: their own rules only.
    assert_eq!(
        super::check_changed_documents(&pack.info, &without_contact),
        vec![]
    );
}
