//! The index is derived: deleted, damaged or stale, it is rebuilt from the store at open and
//! answers exactly as before.

mod common;

use std::path::{Path, PathBuf};

use common::{open_dir, open_fixture};
use fieldref_core::search::SearchRequest;
use fieldref_core::FieldRef;

fn answer(app: &FieldRef, query: &str) -> Vec<String> {
    app.search(&SearchRequest::new(query))
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

const QUERIES: [&str; 4] = ["autsim", "shelter", "\"active listening\"", "EDP"];

fn answers(app: &FieldRef) -> Vec<Vec<String>> {
    QUERIES.iter().map(|q| answer(app, q)).collect()
}

/// The biggest file of the index's segments: the one most worth damaging.
fn largest_segment_file(index_dir: &Path) -> PathBuf {
    std::fs::read_dir(index_dir)
        .expect("index dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                n != "meta.json" && n != ".managed.json" && !n.to_string_lossy().starts_with('.')
            })
        })
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("a segment file")
}

#[test]
fn a_deleted_index_is_rebuilt_from_the_store() {
    let (dir, app) = open_fixture();
    let before = answers(&app);
    assert!(before.iter().all(|a| !a.is_empty()), "{before:?}");
    drop(app);
    std::fs::remove_dir_all(dir.path().join("index")).expect("delete index");
    let app = open_dir(dir.path());
    assert_eq!(
        app.open_report().index_rebuilt.as_deref(),
        Some("index missing")
    );
    assert_eq!(answers(&app), before);
}

#[test]
fn a_corrupted_segment_file_is_detected_and_rebuilt() {
    let (dir, app) = open_fixture();
    let before = answers(&app);
    drop(app);
    let victim = largest_segment_file(&dir.path().join("index"));
    let mut bytes = std::fs::read(&victim).expect("read");
    let middle = bytes.len() / 2;
    let end = (middle + 16).min(bytes.len());
    for b in &mut bytes[middle..end] {
        *b ^= 0x5a;
    }
    std::fs::write(&victim, &bytes).expect("corrupt");
    let app = open_dir(dir.path());
    let reason = app.open_report().index_rebuilt.clone().expect("rebuilt");
    assert!(
        reason.contains("damaged") || reason.contains("unreadable"),
        "{reason}"
    );
    assert_eq!(answers(&app), before);
    assert!(app.stats().expect("stats").index_in_step);
}

#[test]
fn a_truncated_segment_file_is_detected_and_rebuilt() {
    let (dir, app) = open_fixture();
    let before = answers(&app);
    drop(app);
    let victim = largest_segment_file(&dir.path().join("index"));
    let len = std::fs::metadata(&victim).expect("meta").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&victim)
        .expect("open")
        .set_len(len / 3)
        .expect("truncate");
    let app = open_dir(dir.path());
    assert!(app.open_report().index_rebuilt.is_some());
    assert_eq!(answers(&app), before);
}

#[test]
fn an_index_behind_the_store_is_rebuilt() {
    let (dir, app) = open_fixture();
    // Keep the old index aside, install new content, then put the stale index back: as if the
    // process died after the store committed and before the index did.
    let index_dir = dir.path().join("index");
    let saved = dir.path().join("saved-index");
    copy_dir(&index_dir, &saved);
    let mut pack = common::fixture_pack();
    pack.documents.retain(|d| d.id != "checklist-autism");
    app.install_pack(&pack, 2).expect("install v2");
    drop(app);
    std::fs::remove_dir_all(&index_dir).expect("remove");
    copy_dir(&saved, &index_dir);
    let app = open_dir(dir.path());
    let reason = app.open_report().index_rebuilt.clone().expect("rebuilt");
    assert!(reason.contains("store has"), "{reason}");
    assert!(!answer(&app, "autism").contains(&"checklist-autism".to_owned()));
}

#[test]
fn rebuilding_on_request_keeps_answers() {
    let (_dir, app) = open_fixture();
    let before = answers(&app);
    app.rebuild_index().expect("rebuild");
    assert_eq!(answers(&app), before);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

/// Sets every file of the index back an hour, as if built long ago.
fn age_index_files(index_dir: &Path) -> std::time::SystemTime {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in std::fs::read_dir(index_dir).expect("index dir").flatten() {
        let file = std::fs::File::options()
            .write(true)
            .open(entry.path())
            .expect("open");
        file.set_modified(then).expect("set mtime");
    }
    then
}

/// A cold open checks each index file's checksum once (then trusts its length and time), so
/// damage that keeps both is left to the full check, which rebuilds the index on the spot.
#[test]
fn damage_that_keeps_a_files_stamp_is_found_by_the_full_check() {
    let (dir, app) = open_fixture();
    let before = answers(&app);
    drop(app);
    let index_dir = dir.path().join("index");
    let then = age_index_files(&index_dir);
    let app = open_dir(dir.path());
    assert!(app.open_report().index_rebuilt.is_none());
    assert_eq!(app.check_integrity().expect("check"), None, "sound");
    drop(app);

    let victim = largest_segment_file(&index_dir);
    let mut bytes = std::fs::read(&victim).expect("read");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 16] {
        *b ^= 0x5a;
    }
    std::fs::write(&victim, &bytes).expect("corrupt");
    let file = std::fs::File::options()
        .write(true)
        .open(&victim)
        .expect("open");
    file.set_modified(then).expect("keep the recorded time");
    drop(file);

    let app = open_dir(dir.path());
    assert!(
        app.open_report().index_rebuilt.is_none(),
        "the open trusts a file whose length and time are as recorded"
    );
    let reason = app
        .check_integrity()
        .expect("check")
        .expect("the full check finds the damage");
    assert!(reason.contains("damaged"), "{reason}");
    assert_eq!(answers(&app), before);
    drop(app);
    let app = open_dir(dir.path());
    assert!(
        app.open_report().index_rebuilt.is_none(),
        "rebuilt for good"
    );
    assert_eq!(app.check_integrity().expect("check"), None);
}
