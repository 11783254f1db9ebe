//! Search behaviour on a fixture pack: typos, prefixes, phrases, synonyms, filters, facets,
//! Spanish stemming, open now, near, audiences, and input that is not a query at all.

mod common;

use chrono::{DateTime, Utc};
use common::{highlighted, open_fixture};
use fieldref_core::content::{Audience, DocKind};
use fieldref_core::directory::{GeoFilter, OpenState};
use fieldref_core::search::{SearchRequest, SearchResults};
use fieldref_core::FieldRef;

fn search(app: &FieldRef, query: &str) -> SearchResults {
    app.search(&SearchRequest::new(query))
        .expect("search never fails on input")
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

/// Wednesday 2026-11-25 03:00 in Port Alder (UTC-6).
fn wednesday_3am() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T03:00:00-06:00")
        .expect("instant")
        .with_timezone(&Utc)
}

#[test]
fn a_typo_finds_the_word_meant_and_highlights_it() {
    let (_dir, app) = open_fixture();
    let results = search(&app, "autsim");
    assert_eq!(
        ids(&results).first(),
        Some(&"checklist-autism"),
        "{:?}",
        ids(&results)
    );
    assert!(
        highlighted(&results, 0)
            .iter()
            .any(|h| h.starts_with("autis")),
        "{:?}",
        results.hits[0].snippet
    );
}

#[test]
fn exact_matches_rank_above_typo_matches() {
    let (_dir, app) = open_fixture();
    let harbour = search(&app, "harbour ");
    assert_eq!(ids(&harbour)[0], "note-harbour", "{:?}", ids(&harbour));
    assert!(
        ids(&harbour).contains(&"note-listening"),
        "the typo match is still found"
    );
    let harbor = search(&app, "harbor ");
    let listening = ids(&harbor)
        .iter()
        .position(|id| *id == "note-listening")
        .expect("exact");
    let typo = ids(&harbor)
        .iter()
        .position(|id| *id == "note-harbour")
        .expect("typo");
    assert!(listening < typo, "{:?}", ids(&harbor));
}

#[test]
fn the_word_being_typed_matches_as_a_prefix() {
    let (_dir, app) = open_fixture();
    assert_eq!(ids(&search(&app, "sen")), vec!["checklist-autism"]);
    assert!(
        search(&app, "sen ").hits.is_empty(),
        "a finished word is not a prefix"
    );
}

#[test]
fn quoted_phrases_must_appear_in_order() {
    let (_dir, app) = open_fixture();
    assert_eq!(
        ids(&search(&app, "\"active listening\"")),
        vec!["note-listening"]
    );
    assert!(search(&app, "\"listening active\"").hits.is_empty());
}

#[test]
fn trainer_synonyms_expand_the_query() {
    let (_dir, app) = open_fixture();
    let edp = search(&app, "EDP");
    assert_eq!(
        ids(&edp).first(),
        Some(&"checklist-mental-health"),
        "{:?}",
        ids(&edp)
    );
    assert!(search(&app, "ASD")
        .hits
        .iter()
        .any(|h| h.id == "checklist-autism"));
}

#[test]
fn spanish_documents_are_stemmed_as_spanish() {
    let (_dir, app) = open_fixture();
    for query in ["intérprete", "interprete ", "familias"] {
        let results = search(&app, query);
        assert!(
            ids(&results).contains(&"note-es-escucha"),
            "{query}: {:?}",
            ids(&results)
        );
    }
    let results = search(&app, "familia ");
    let i = ids(&results)
        .iter()
        .position(|id| *id == "note-es-escucha")
        .expect("found");
    assert!(
        !results.hits[i].snippet.highlights.is_empty(),
        "the Spanish snippet is highlighted"
    );
}

#[test]
fn filters_narrow_by_kind_service_and_language() {
    let (_dir, app) = open_fixture();
    let mut request = SearchRequest::new("shelter");
    request.filters.kinds = vec![DocKind::Note];
    assert!(app.search(&request).expect("search").hits.is_empty());

    request.filters.kinds = vec![DocKind::Contact];
    request.filters.service_types = vec!["food".to_owned()];
    assert_eq!(
        ids(&app.search(&request).expect("search")),
        vec!["contact-day-center"]
    );

    let mut spanish = SearchRequest::new("interpreters");
    spanish.filters.languages = vec!["es".to_owned()];
    assert_eq!(
        ids(&app.search(&spanish).expect("search")),
        vec!["contact-language-bridge"]
    );
    spanish.filters.languages = vec!["so".to_owned()];
    assert_eq!(
        ids(&app.search(&spanish).expect("search")),
        vec!["contact-language-bridge"],
        "a phone line's language counts"
    );
}

#[test]
fn facets_count_the_matches() {
    let (_dir, app) = open_fixture();
    let results = search(&app, "shelter");
    let count = |list: &[fieldref_core::directory::FacetCount], value: &str| {
        list.iter().find(|f| f.value == value).map(|f| f.count)
    };
    assert_eq!(count(&results.facets.kinds, "contact"), Some(3));
    assert_eq!(count(&results.facets.service_types, "shelter"), Some(3));
    assert_eq!(count(&results.facets.service_types, "food"), Some(1));
    assert_eq!(results.total, 3);
}

#[test]
fn open_now_keeps_only_places_open_at_that_instant() {
    let (_dir, app) = open_fixture();
    let mut request = SearchRequest::new("shelter");
    request.filters.open_now = true;
    request.at = Some(wednesday_3am());
    let results = app.search(&request).expect("search");
    let mut found = ids(&results);
    found.sort();
    assert_eq!(found, vec!["contact-harbor-house", "contact-safe-place"]);
    assert!(results
        .hits
        .iter()
        .all(|h| h.open.as_ref().is_some_and(|o| o.state == OpenState::Open)));

    let mut typed = SearchRequest::new("shelter open now");
    typed.at = Some(wednesday_3am());
    let typed = app.search(&typed).expect("search");
    assert!(typed.open_now_from_query);
    assert_eq!(typed.hits.len(), 2);
}

#[test]
fn near_gives_distances_and_honours_the_radius() {
    let (_dir, app) = open_fixture();
    let mut request = SearchRequest::new("shelter");
    request.filters.near = Some(GeoFilter {
        latitude: 44.0150,
        longitude: -92.4620,
        radius_km: Some(2.0),
    });
    let results = app.search(&request).expect("search");
    assert_eq!(
        ids(&results),
        vec!["contact-harbor-house"],
        "withheld and far shelters are out"
    );
    assert!(results.hits[0].distance_km.expect("distance") < 0.01);
}

#[test]
fn the_public_sees_no_officers_only_material_or_locations() {
    let (_dir, app) = open_fixture();
    let mut request = SearchRequest::new("autism");
    request.viewer = Audience::Public;
    assert!(app.search(&request).expect("search").hits.is_empty());
    let mut road = SearchRequest::new("\"Quiet Road\"");
    road.viewer = Audience::Public;
    assert!(
        app.search(&road).expect("search").hits.is_empty(),
        "an officers-only address is not indexed"
    );
    let public = app
        .document("contact-language-bridge", Audience::Public)
        .expect("read")
        .expect("public doc");
    assert_eq!(public.as_contact().expect("contact").address, None);
    let officer = app
        .document("contact-language-bridge", Audience::Officers)
        .expect("read")
        .expect("doc");
    assert_eq!(
        officer.as_contact().expect("contact").address.as_deref(),
        Some("12 Quiet Road")
    );
    assert!(app
        .document("checklist-autism", Audience::Public)
        .expect("read")
        .is_none());
}

#[test]
fn any_input_is_accepted() {
    let (_dir, app) = open_fixture();
    let junk = "ab\"c ((( ))) AND OR NOT ~~ ^^ \\ ".repeat(400);
    assert!(junk.len() > 10_000);
    for query in [
        "\"((( AND",
        "",
        "   ",
        "🚓🚨💬",
        "\"",
        "*",
        "-",
        "a",
        junk.as_str(),
        "\u{0}\u{1}",
    ] {
        let results = search(&app, query);
        assert!(results.hits.len() <= 20, "{query:?}");
    }
    assert!(search(&app, "\"((( AND").hits.is_empty());
}

#[test]
fn snippets_mark_where_the_words_are() {
    let (_dir, app) = open_fixture();
    let results = search(&app, "siren ");
    assert_eq!(ids(&results), vec!["checklist-autism"]);
    assert_eq!(
        highlighted(&results, 0),
        vec!["sirens", "siren"],
        "stemmed forms are highlighted too"
    );
}

#[test]
fn a_query_typed_with_spanish_letters_prefers_spanish_documents() {
    let (_dir, app) = open_fixture();
    // Both notes mention interpreters; the accent says the officer wants the Spanish one.
    let accented = search(&app, "intérpretes ");
    assert_eq!(
        ids(&accented).first(),
        Some(&"note-es-escucha"),
        "{:?}",
        ids(&accented)
    );
    let plain = search(&app, "interpreters ");
    assert_eq!(
        ids(&plain).first(),
        Some(&"contact-language-bridge"),
        "{:?}",
        ids(&plain)
    );
}

#[test]
fn a_scene_described_in_an_officers_words_finds_its_checklist() {
    let (_dir, app) = open_fixture();
    // None of these words is in the checklist's title, summary or steps: only its scene words.
    let results = search(
        &app,
        "brother says he is off his meds and keeps hearing voices",
    );
    assert_eq!(
        ids(&results).first(),
        Some(&"checklist-mental-health"),
        "{:?}",
        ids(&results)
    );
}

#[test]
fn hits_come_back_in_the_order_of_their_scores() {
    let (_dir, app) = open_fixture();
    for query in [
        "shelter",
        "autsim",
        "families shelter any hour with meals and interpreters tonight please",
        "EDP",
        "the listening to families of the community",
        "shel",
    ] {
        let results = search(&app, query);
        assert!(!results.hits.is_empty(), "{query}");
        for pair in results.hits.windows(2) {
            assert!(
                pair[0].score >= pair[1].score,
                "{query}: {} ({}) above {} ({})",
                pair[0].id,
                pair[0].score,
                pair[1].id,
                pair[1].score
            );
        }
    }
}

#[test]
fn a_long_description_needs_no_word_to_be_everywhere() {
    let (_dir, app) = open_fixture();
    // No document has all of these words; the one covering most of them comes first.
    let results = search(
        &app,
        "shelter for families with small kids open any hour tonight",
    );
    assert_eq!(
        ids(&results).first(),
        Some(&"contact-harbor-house"),
        "{:?}",
        ids(&results)
    );
}

#[test]
fn a_known_word_is_completed_only_while_the_user_types() {
    let (_dir, app) = open_fixture();
    // "day" is a word of the pack ("Northgate Day Shelter") and the start of "daytime".
    let typing = SearchRequest {
        typing: true,
        ..SearchRequest::new("warming day")
    };
    let typed = app.search(&typing).expect("search");
    let submitted = search(&app, "warming day");
    assert!(!typed.hits.is_empty() && !submitted.hits.is_empty());
    let highlighted_typed: Vec<String> = (0..typed.hits.len())
        .flat_map(|i| highlighted(&typed, i))
        .collect();
    let highlighted_submitted: Vec<String> = (0..submitted.hits.len())
        .flat_map(|i| highlighted(&submitted, i))
        .collect();
    assert!(
        highlighted_typed.iter().any(|h| h == "daytime"),
        "{highlighted_typed:?}"
    );
    assert!(
        !highlighted_submitted.iter().any(|h| h == "daytime"),
        "{highlighted_submitted:?}"
    );
}

/// A synonym that is another form of the typed word ("siren = sirens": one stem) searches
/// nothing new, so it must not count the word a second time: the scores are those of a pack
/// without the group.
#[test]
fn a_synonym_of_the_same_stem_does_not_count_the_word_twice() {
    let with_group = common::PACK.replace("synonyms = [", r#"synonyms = ["siren = sirens", "#);
    assert_ne!(with_group, common::PACK);
    let files =
        std::iter::once(("pack.toml", with_group.as_str())).chain(common::FILES.iter().copied());
    let pack = fieldref_core::content::SourceTree::from_files(files)
        .compile()
        .expect("pack with the group");
    let dir = tempfile::tempdir().expect("tempdir");
    let grouped = common::open_dir(dir.path());
    grouped.install_pack(&pack, 1).expect("install");
    let (_plain_dir, plain) = open_fixture();
    let score = |app: &FieldRef| {
        let results = search(app, "siren");
        assert_eq!(ids(&results).first(), Some(&"checklist-autism"));
        results.hits[0].score
    };
    assert_eq!(score(&grouped), score(&plain));
}
