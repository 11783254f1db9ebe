//! The adapter as a shell sees it, from Rust: what crosses the FFI for the bundled content, and
//! which `FieldRefError` variant each failure becomes. The Kotlin suite (`tests/suites/kotlin.sh`)
//! checks the same API through the generated bindings and JNA.

use fieldref_ffi::*;

fn open(dir: &std::path::Path, viewer: Viewer) -> std::sync::Arc<FieldRefApp> {
    match FieldRefApp::open(dir.display().to_string(), viewer) {
        Ok(app) => app,
        Err(e) => panic!("open {}: {e}", dir.display()),
    }
}

fn filters() -> SearchFilters {
    SearchFilters {
        kinds: vec![],
        categories: vec![],
        service_types: vec![],
        languages: vec![],
        open_now: false,
        near: None,
        radius_km: None,
        limit: 10,
    }
}

#[test]
fn first_open_installs_the_bundled_content_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Officer);
    let status = app.content_status().unwrap();
    assert_eq!(status.version, 0);
    assert!(status.checklists > 0 && status.notes > 0 && status.contacts > 0);
    let stats = app.stats().unwrap();
    assert!(stats.installed_bundled_at_open);
    assert!(stats.index_in_step);
    assert_eq!(
        stats.index_docs,
        status.checklists + status.notes + status.contacts
    );
    drop(app);
    let again = open(dir.path(), Viewer::Officer);
    assert!(!again.stats().unwrap().installed_bundled_at_open);
}

#[test]
fn highlight_ranges_are_char_offsets_into_the_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Officer);
    for query in [
        "autsim",
        "crisis salud mental",
        "intérprete",
        "shelter open now",
    ] {
        let results = app.search(query.to_owned(), filters()).unwrap();
        assert!(!results.hits.is_empty(), "{query}: no hits");
        for hit in results.hits {
            let chars: Vec<char> = hit.snippet.text.chars().collect();
            for h in hit.snippet.highlights {
                assert!(
                    h.start < h.end && h.end as usize <= chars.len(),
                    "{query}: {h:?}"
                );
                let marked: String = chars[h.start as usize..h.end as usize].iter().collect();
                assert!(
                    marked.chars().all(char::is_alphanumeric),
                    "{query}: `{marked}` in {}",
                    hit.snippet.text
                );
            }
        }
    }
}

#[test]
fn a_contact_gets_its_distance_and_open_state_when_a_point_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Officer);
    let near = GeoPoint {
        latitude: 44.02,
        longitude: -92.47,
    };
    let doc = app
        .document("contact-harbor-house-family-shelter".to_owned(), Some(near))
        .unwrap();
    let DocumentBody::Contact { contact } = doc.body else {
        panic!("not a contact: {:?}", doc.kind);
    };
    let km = contact.distance_km.expect("distance");
    assert!(km > 0.0 && km < 2.0, "{km}");
    assert_eq!(contact.open.state, OpenState::Open);
    assert_eq!(contact.languages.len(), contact.language_names.len());
    let without = app
        .document("contact-harbor-house-family-shelter".to_owned(), None)
        .unwrap();
    let DocumentBody::Contact { contact } = without.body else {
        panic!("not a contact");
    };
    assert_eq!(contact.distance_km, None);
}

#[test]
fn unknown_ids_are_not_found_and_blank_feedback_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Officer);
    let missing = || "no-such-document".to_owned();
    assert!(matches!(
        app.document(missing(), None),
        Err(FieldRefError::NotFound { .. })
    ));
    assert!(matches!(
        app.add_bookmark(missing()),
        Err(FieldRefError::NotFound { .. })
    ));
    assert!(matches!(
        app.acknowledge(missing()),
        Err(FieldRefError::NotFound { .. })
    ));
    assert!(matches!(
        app.queue_feedback("checklist-autism".to_owned(), " \n".to_owned()),
        Err(FieldRefError::InvalidInput { .. })
    ));
    assert!(!app.is_bookmarked(missing()).unwrap());
    assert!(!app.remove_bookmark(missing()).unwrap());
}

#[test]
fn a_data_dir_that_is_a_file_is_a_storage_error() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let result = FieldRefApp::open(file.path().display().to_string(), Viewer::Officer);
    assert!(matches!(result, Err(FieldRefError::Storage { .. })));
}

#[test]
fn a_malformed_trust_root_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let config = OpenConfig {
        viewer: Viewer::Officer,
        index_in_memory: false,
        trust_root_json: Some("{not json".to_owned()),
    };
    let result = FieldRefApp::open_with_config(dir.path().display().to_string(), config);
    assert!(matches!(result, Err(FieldRefError::InvalidInput { .. })));
}

#[test]
fn an_in_memory_index_answers_like_the_one_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let config = OpenConfig {
        viewer: Viewer::Officer,
        index_in_memory: true,
        trust_root_json: None,
    };
    let app = FieldRefApp::open_with_config(dir.path().display().to_string(), config).unwrap();
    let hits = app.search("autsim".to_owned(), filters()).unwrap().hits;
    assert_eq!(
        hits.first().map(|h| h.id.as_str()),
        Some("checklist-autism")
    );
    assert!(!dir.path().join("index").exists());
}

#[test]
fn the_public_viewer_gets_no_officers_only_documents() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Public);
    assert!(matches!(
        app.document("checklist-autism".to_owned(), None),
        Err(FieldRefError::NotFound { .. })
    ));
    assert!(matches!(
        app.add_bookmark("checklist-autism".to_owned()),
        Err(FieldRefError::NotFound { .. })
    ));
    assert!(app.bookmarks().unwrap().is_empty());
    let mut only_checklists = filters();
    only_checklists.kinds = vec![DocKind::Checklist];
    assert!(app
        .search("autism".to_owned(), only_checklists)
        .unwrap()
        .hits
        .is_empty());
}

#[test]
fn directory_facets_label_languages_and_count_the_filtered_contacts() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Officer);
    let page = app
        .directory(DirectoryFilters {
            service_types: vec!["shelter".to_owned()],
            languages: vec![],
            neighborhood: None,
            open_now: false,
            near: None,
            radius_km: None,
            limit: Some(3),
        })
        .unwrap();
    assert!(page.items.len() <= 3);
    assert!(page.total >= page.items.len() as u64);
    let shelter = page.service_types.iter().find(|f| f.value == "shelter");
    assert_eq!(shelter.map(|f| f.count), Some(page.total));
    let spanish = page.languages.iter().find(|f| f.value == "es");
    assert_eq!(spanish.map(|f| f.label.as_str()), Some("Spanish"));
}

#[test]
fn provenance_and_links_cross_the_ffi() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Viewer::Officer);
    let doc = app
        .document("checklist-suicidal-person".to_owned(), None)
        .unwrap();
    let p = &doc.provenance;
    assert!(p.reviewed_by.as_deref().is_some_and(|r| !r.is_empty()));
    assert!(p.reviewed_at.is_some() && p.review_due.is_some());
    assert!(!p.sources.is_empty());
    let latest = p.latest_change.as_ref().expect("latest change");
    assert_eq!(latest.revision, doc.revision);
    assert!(latest.days_ago.is_some());
    assert_eq!(p.changes.first(), Some(latest), "newest first");
    // Each id a step links is resolved once, with a number to call.
    let DocumentBody::Checklist { sections, .. } = &doc.body else {
        panic!("a checklist")
    };
    for id in sections
        .iter()
        .flat_map(|s| &s.steps)
        .flat_map(|s| &s.contacts)
    {
        let link = doc
            .linked_contacts
            .iter()
            .find(|c| &c.id == id)
            .unwrap_or_else(|| panic!("{id} resolved"));
        assert!(!link.phones.is_empty());
    }
    let ids: std::collections::HashSet<&str> =
        doc.linked_contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), doc.linked_contacts.len(), "each contact once");
    // Contacts carry their verification, in the directory and in full.
    let page = app
        .directory(DirectoryFilters {
            service_types: vec![],
            languages: vec![],
            neighborhood: None,
            open_now: false,
            near: None,
            radius_km: None,
            limit: Some(5),
        })
        .unwrap();
    for item in &page.items {
        let v = &item.contact.verification;
        assert_eq!(
            v.stale,
            v.verified_at.is_none() || v.description.starts_with("not verified")
        );
    }
}
