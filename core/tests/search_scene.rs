//! How a description of a scene is ranked: scene words as phrases, contractions typed without
//! their apostrophe, and the contacts the best guidance links.

mod common;

use common::{highlighted, open_dir, PACK};
use fieldref_core::content::{Audience, DocKind, SourceTree};
use fieldref_core::search::{SearchRequest, SearchResults};
use fieldref_core::FieldRef;

const PROVENANCE: &str = r#"authors = ["Fixture Training Unit"]
reviewed_by = "Sgt. Fixture"
reviewed_at = "2026-09-15"
review_due = "2036-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
url = "https://www.citinternational.org/""#;

fn checklist(id: &str, title: &str, scene: &str, step: &str) -> String {
    format!(
        r#"+++
id = "{id}"
kind = "checklist"
title = "{title}"
summary = "What to do first."
updated_at = "2026-10-01"
audience = "officers"
category = "mental-health"
scene_words = [{scene}]
{PROVENANCE}

[[sections]]
title = "On arrival"

[[sections.steps]]
{step}
+++
"#
    )
}

fn contact(id: &str, title: &str, summary: &str, number: &str) -> String {
    contact_speaking(id, title, summary, number, r#""en""#)
}

/// A contact whose staff speak `languages` (a TOML list's items: `"ar", "en"`).
fn contact_speaking(id: &str, title: &str, summary: &str, number: &str, languages: &str) -> String {
    format!(
        r#"+++
id = "{id}"
kind = "contact"
title = "{title}"
summary = "{summary}"
updated_at = "2026-10-01"
organization = "{title}"
services = ["{summary}"]
service_types = ["shelter"]
phones = [{{ number = "{number}", type = "hotline" }}]
hours = "24/7"
languages = [{languages}]
+++
"#
    )
}

/// Two checklists whose scene words hold the same words in a different order, a contact one of
/// them links, and a contact nothing links.
fn open() -> (tempfile::TempDir, FieldRef) {
    let files = [
        (
            "checklists/b.md".to_owned(),
            checklist(
                "checklist-b-scattered",
                "Scattered",
                r#""gun in the car", "head crash""#,
                r#"text = "Keep your distance.""#,
            ),
        ),
        (
            "checklists/z.md".to_owned(),
            checklist(
                "checklist-z-together",
                "Together",
                r#""gun to his head", "car crash", "won't come out""#,
                r#"text = "Keep your distance and call the crisis team."
contacts = ["contact-crisis-team"]"#,
            ),
        ),
        (
            "contacts/crisis.md".to_owned(),
            contact(
                "contact-crisis-team",
                "Mobile Crisis Team",
                "Clinicians who respond with officers",
                "507-555-0110",
            ),
        ),
        (
            "contacts/pantry.md".to_owned(),
            contact(
                "contact-pantry",
                "Harbor Pantry",
                "Groceries for families",
                "507-555-0111",
            ),
        ),
    ];
    install(&files)
}

/// A device with the fixture pack of `files` (path, text) installed.
fn install(files: &[(String, String)]) -> (tempfile::TempDir, FieldRef) {
    install_with(PACK, files)
}

/// The same, with `pack` as the pack's `pack.toml`.
fn install_with(pack: &str, files: &[(String, String)]) -> (tempfile::TempDir, FieldRef) {
    let pack = SourceTree::from_files(
        std::iter::once(("pack.toml", pack))
            .chain(files.iter().map(|(p, t)| (p.as_str(), t.as_str()))),
    )
    .compile()
    .expect("test pack is valid");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_dir(dir.path());
    app.install_pack(&pack, 1).expect("install");
    (dir, app)
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

fn search(app: &FieldRef, request: SearchRequest) -> SearchResults {
    app.search(&request).expect("search never fails on input")
}

#[test]
fn words_next_to_each_other_in_a_scene_phrase_rank_that_checklist_first() {
    let (_dir, app) = open();
    // Both checklists have "gun" and "head" among the same six scene words; only one has them
    // in one phrase. Tied otherwise, the tie would go to the first id ("checklist-b-...").
    let results = search(&app, SearchRequest::new("holding a gun to the head"));
    let order = ids(&results);
    assert_eq!(order.first(), Some(&"checklist-z-together"), "{order:?}");
    let position = |id| order.iter().position(|x| *x == id);
    assert!(position("checklist-b-scattered") > position("checklist-z-together"));
    assert!(results.hits[0].score > results.hits[1].score, "{order:?}");
}

#[test]
fn a_contraction_typed_without_its_apostrophe_finds_the_scene_word() {
    let (_dir, app) = open();
    let mut scores = Vec::new();
    for typed in ["he wont come out", "he won't come out", "he won’t come out"] {
        let results = search(&app, SearchRequest::new(typed));
        assert_eq!(
            ids(&results).first(),
            Some(&"checklist-z-together"),
            "{typed}: {:?}",
            ids(&results)
        );
        scores.push(results.hits[0].score);
    }
    // One word however it is typed: the same exact match, not a typo of "won" + "t".
    assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
}

#[test]
fn the_contacts_the_best_guidance_links_come_up_with_it() {
    let (_dir, app) = open();
    // No word of the query is in the crisis team's entry; the checklist that links it matches.
    let results = search(&app, SearchRequest::new("gun to his head car crash"));
    let order = ids(&results);
    assert_eq!(order.first(), Some(&"checklist-z-together"), "{order:?}");
    assert!(order.contains(&"contact-crisis-team"), "{order:?}");
    assert!(!order.contains(&"contact-pantry"), "{order:?}");
    for pair in results.hits.windows(2) {
        assert!(pair[0].score >= pair[1].score, "{order:?}");
    }

    // Filters still hold for what is lifted: a checklists-only search lists no contact.
    let mut checklists = SearchRequest::new("gun to his head car crash");
    checklists.filters.kinds = vec![DocKind::Checklist];
    let checklists = search(&app, checklists);
    assert!(
        checklists.hits.iter().all(|h| h.kind == DocKind::Checklist),
        "{:?}",
        ids(&checklists)
    );

    // A quoted phrase stays required: the contact does not have it.
    let quoted = search(&app, SearchRequest::new("\"gun to his head\""));
    assert!(
        !ids(&quoted).contains(&"contact-crisis-team"),
        "{:?}",
        ids(&quoted)
    );

    // A partner never sees the officers-only checklist, so it lends nothing to the contact.
    let mut public = SearchRequest::new("gun to his head car crash");
    public.viewer = Audience::Public;
    let public = search(&app, public);
    assert!(public.hits.is_empty(), "{:?}", ids(&public));
}

#[test]
fn one_word_lists_the_contacts_its_guidance_links_and_says_why() {
    let (_dir, app) = open();
    // Only the linking checklist has the word: the crisis team comes after it, marked.
    let results = search(&app, SearchRequest::new("together"));
    assert_eq!(
        ids(&results),
        ["checklist-z-together", "contact-crisis-team"],
        "the pantry is linked by nothing"
    );
    assert_eq!(
        results.total, 1,
        "the count is of the documents with the word"
    );
    assert_eq!(results.hits[0].linked_from, None);
    let from = results.hits[1].linked_from.as_ref().expect("says why");
    assert_eq!(
        (from.id.as_str(), from.title.as_str()),
        ("checklist-z-together", "Together")
    );
    assert!(results.hits[0].score > results.hits[1].score);

    // A contact that has the word itself is a match like any other, not a linked one.
    let results = search(&app, SearchRequest::new("crisis"));
    let team = results
        .hits
        .iter()
        .find(|h| h.id == "contact-crisis-team")
        .expect("the crisis team has the word");
    assert_eq!(team.linked_from, None, "{:?}", ids(&results));
}

/// A contact that speaks the language a description names comes before one that shares another
/// of its words; a language most contacts speak lifts nothing.
#[test]
fn a_named_language_lifts_the_contacts_that_speak_it() {
    let files = [
        (
            "contacts/noor.md".to_owned(),
            contact_speaking(
                "contact-noor",
                "Noor Office",
                "Document help",
                "507-555-0112",
                r#""ar", "en""#,
            ),
        ),
        (
            "contacts/family.md".to_owned(),
            contact_speaking(
                "contact-family",
                "Family House",
                "Family visits explained at the house",
                "507-555-0113",
                r#""en""#,
            ),
        ),
        (
            "contacts/harbor.md".to_owned(),
            contact_speaking(
                "contact-harbor",
                "Harbor House",
                "Help explained at Harbor House",
                "507-555-0114",
                r#""en""#,
            ),
        ),
    ];
    let (_dir, app) = install(&files);

    let arabic = search(
        &app,
        SearchRequest::new("the family only speaks arabic, explain why we are at the house"),
    );
    let order = ids(&arabic);
    let at = |id| order.iter().position(|x| *x == id);
    assert!(at("contact-noor") < at("contact-harbor"), "{order:?}");

    // Every contact here speaks English: naming it tells them apart from nothing.
    let english = search(
        &app,
        SearchRequest::new("the family only speaks english, explain why we are at the house"),
    );
    assert_eq!(
        ids(&english).first(),
        Some(&"contact-family"),
        "{:?}",
        ids(&english)
    );
}

/// A scene word the officer typed alone is the situation, and its checklist comes first; the same
/// everyday word in a description of a need is one of many, and the contact that has the need's
/// words comes first, though the checklist's scene phrases hold as many of them one by one.
#[test]
fn a_scene_word_counts_in_a_short_query_more_than_in_a_description() {
    let files = [
        (
            "checklists/family.md".to_owned(),
            checklist(
                "checklist-family-scene",
                "Family call",
                r#""mom yelling", "kids hiding", "happened tonight", "door kicked in""#,
                r#"text = "Separate the adults and talk to each calmly.""#,
            ),
        ),
        (
            "contacts/shelter.md".to_owned(),
            contact(
                "contact-family-shelter",
                "Family Shelter",
                "A bed tonight for a parent with kids",
                "507-555-0115",
            ),
        ),
    ];
    let (_dir, app) = install(&files);

    let short = search(&app, SearchRequest::new("kids"));
    assert_eq!(
        ids(&short).first(),
        Some(&"checklist-family-scene"),
        "{:?}",
        ids(&short)
    );
    // "mom" and "kids" are two scene phrases' words, not a phrase: no pair lifts the checklist.
    let need = search(
        &app,
        SearchRequest::new("mom and her kids need a bed tonight"),
    );
    assert_eq!(
        ids(&need).first(),
        Some(&"contact-family-shelter"),
        "{:?}",
        ids(&need)
    );
}

/// "no" beside other words counts only in a pair ("no habla inglés"): a checklist whose scene
/// phrases start with it does not outrank the one document that has the word asked about.
#[test]
fn a_negation_beside_other_words_scores_only_in_a_pair() {
    let files = [
        (
            "checklists/language.md".to_owned(),
            checklist(
                "checklist-language",
                "Language barrier",
                r#""no english", "no words in common", "no idea what he says", "no interpreter""#,
                r#"text = "Call an interpreter.""#,
            ),
        ),
        (
            "contacts/legal.md".to_owned(),
            contact(
                "contact-legal-clinic",
                "Legal Clinic",
                "Help with immigration papers and status",
                "507-555-0116",
            ),
        ),
    ];
    let (_dir, app) = install(&files);

    let papers = search(&app, SearchRequest::new("no papers"));
    assert_eq!(
        ids(&papers).first(),
        Some(&"contact-legal-clinic"),
        "{:?}",
        ids(&papers)
    );
    // As a pair it still counts, and alone it is still searched.
    let english = search(&app, SearchRequest::new("no english"));
    assert_eq!(
        ids(&english).first(),
        Some(&"checklist-language"),
        "{:?}",
        ids(&english)
    );
    let alone = search(&app, SearchRequest::new("no"));
    assert_eq!(ids(&alone), ["checklist-language"]);
}

/// A mistyped word finds what its correction finds through the trainers' synonyms: "autsim" is
/// searched as "autism", and so also as "ASD" (the fixture pack's group), below the word itself.
#[test]
fn a_typo_brings_the_synonyms_of_its_correction() {
    let files = [
        (
            "checklists/autism.md".to_owned(),
            checklist(
                "checklist-autism-only",
                "Person with autism",
                r#""flapping hands""#,
                r#"text = "Give time to answer: autism can make sirens painful.""#,
            ),
        ),
        (
            "contacts/spectrum.md".to_owned(),
            contact(
                "contact-spectrum",
                "Spectrum Family Network",
                "Support groups for parents of children with ASD",
                "507-555-0117",
            ),
        ),
    ];
    let (_dir, app) = install(&files);

    let exact = search(&app, SearchRequest::new("autism"));
    assert_eq!(ids(&exact), ["checklist-autism-only", "contact-spectrum"]);
    let typo = search(&app, SearchRequest::new("autsim"));
    assert_eq!(ids(&typo), ["checklist-autism-only", "contact-spectrum"]);
    // At the weight the correction scores at: less than when the word is typed right.
    assert!(
        typo.hits[1].score < exact.hits[1].score,
        "{} vs {}",
        typo.hits[1].score,
        exact.hits[1].score
    );
}

/// A need or a wish ("quiero", "need") beside other words counts only in a pair: alone, a
/// Spanish wish rare in the pack outweighed the thing wished for ("quiero clases" found the
/// crisis checklist that says "quiero morir").
#[test]
fn a_wish_beside_other_words_scores_only_in_a_pair() {
    let files = [
        (
            "checklists/crisis.md".to_owned(),
            checklist(
                "checklist-crisis-es",
                "Crisis de salud mental",
                r#""no quiero vivir", "quiero morir", "le quieren hacer daño""#,
                r#"text = "Hable despacio.""#,
            ),
        ),
        (
            "contacts/classes.md".to_owned(),
            contact(
                "contact-english-classes",
                "Centro de Aprendizaje Westside",
                "Clases de inglés gratis para adultos, por la tarde",
                "507-555-0118",
            ),
        ),
    ];
    let (_dir, app) = install(&files);

    let classes = search(&app, SearchRequest::new("quiero clases"));
    assert_eq!(
        ids(&classes).first(),
        Some(&"contact-english-classes"),
        "{:?}",
        ids(&classes)
    );
    // In a pair it still counts, and alone it is still searched.
    let die = search(&app, SearchRequest::new("quiero morir"));
    assert_eq!(
        ids(&die).first(),
        Some(&"checklist-crisis-es"),
        "{:?}",
        ids(&die)
    );
    let alone = search(&app, SearchRequest::new("quieren"));
    assert_eq!(ids(&alone), ["checklist-crisis-es"]);
}

/// A synonym's phrase is searched with its every word ("on the spectrum" for "autism"), but a
/// snippet marks only words that say something: no "the" the officer did not type.
#[test]
fn snippets_mark_no_stop_word_of_a_synonym_phrase() {
    let pack = PACK.replace(r#""ASD = autism""#, r#""ASD = autism = on the spectrum""#);
    assert_ne!(pack, PACK, "the fixture pack has the ASD group");
    let files = [(
        "checklists/autism.md".to_owned(),
        checklist(
            "checklist-autism-only",
            "Person with autism",
            r#""flapping hands""#,
            r#"text = "Give the person the time they need: autism can make the sirens painful.""#,
        ),
    )];
    let (_dir, app) = install_with(&pack, &files);

    for query in ["autism", "autsim"] {
        let results = search(&app, SearchRequest::new(query));
        assert!(!results.hits.is_empty(), "{query}: found");
        let marked = highlighted(&results, 0);
        assert!(
            marked.iter().any(|w| w.starts_with("autis")),
            "{query}: {marked:?}"
        );
        assert!(!marked.iter().any(|w| w == "the"), "{query}: {marked:?}");
    }
    // Typed as a word, it is marked.
    let typed = search(&app, SearchRequest::new("the"));
    assert!(!typed.hits.is_empty() && !typed.hits[0].snippet.highlights.is_empty());
}
