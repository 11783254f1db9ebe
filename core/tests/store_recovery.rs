//! A damaged store never strands the user: each kind of damage opens, answers a search from the
//! reinstalled bundled content, keeps the damaged file for support, and reports what was lost;
//! a store from a newer app is refused with a typed error and left byte for byte as it was.
//! Public documents only, so this runs in both the officers and the partners' build.

use std::path::{Path, PathBuf};

use fieldref_core::content::Audience;
use fieldref_core::search::SearchRequest;
use fieldref_core::store::{Damage, RecoveryReport, Salvage, SCHEMA_VERSION};
use fieldref_core::sync::{HttpRequest, HttpResponse, SyncConfig, Transport, TransportError};
use fieldref_core::{Error, FieldRef};

const STORE: &str = "fieldref.sqlite3";
const SHELTER: &str = "contact-harbor-house-family-shelter";
const FOOD: &str = "contact-old-harbor-food-shelf";

/// A data directory with the user's own data: two bookmarks, a recent, one queued feedback.
fn used_data_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = FieldRef::open(dir.path()).expect("open");
    let public = Audience::Public;
    app.add_bookmark(SHELTER, public).expect("bookmark");
    app.add_bookmark(FOOD, public).expect("bookmark");
    app.record_view(SHELTER, public).expect("view");
    let item = app
        .queue_feedback(SHELTER, "the night number is disconnected", public)
        .expect("feedback");
    (dir, item.id)
}

/// Still answers: the bundled content is back and searchable.
fn answers_a_search(app: &FieldRef) {
    let mut request = SearchRequest::new("family shelter");
    request.viewer = Audience::Public;
    let results = app.search(&request).expect("search");
    assert!(
        results.hits.iter().any(|h| h.id == SHELTER),
        "the shelter is found after recovery: {:?}",
        results.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
    let state = app.content_state().expect("state").expect("content");
    assert_eq!(state.version, 0, "the bundled content was reinstalled");
}

fn corrupt_copies(dir: &Path) -> Vec<PathBuf> {
    let mut copies: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("fieldref.corrupt-") && name.ends_with(".sqlite3")
        })
        .collect();
    copies.sort();
    copies
}

fn recovered(app: &FieldRef) -> RecoveryReport {
    app.open_report()
        .recovered
        .clone()
        .expect("the store was recovered at open")
}

/// `kept + lost` is what there was, when the loss could be counted.
fn accounts_for(salvage: Salvage, had: u64) {
    if let Some(lost) = salvage.lost {
        assert_eq!(salvage.kept + lost, had, "{salvage:?}");
    } else {
        assert!(salvage.kept <= had, "{salvage:?}");
    }
}

#[test]
fn a_truncated_store_is_moved_aside_and_the_app_answers() {
    let (dir, _) = used_data_dir();
    let path = dir.path().join(STORE);
    let len = std::fs::metadata(&path).expect("store").len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open store file");
    file.set_len(len / 2).expect("truncate");
    drop(file);

    let app = FieldRef::open(dir.path()).expect("a truncated store still opens");
    let report = recovered(&app);
    assert!(
        matches!(report.damage, Damage::Malformed | Damage::FailedCheck),
        "{report:?}"
    );
    assert!(!report.detail.is_empty());
    assert_eq!(
        corrupt_copies(dir.path()),
        std::slice::from_ref(&report.moved_to)
    );
    assert_eq!(
        std::fs::metadata(&report.moved_to).expect("kept").len(),
        len / 2,
        "the damaged file is kept as it was, for support"
    );
    accounts_for(report.bookmarks, 2);
    accounts_for(report.recents, 1);
    accounts_for(report.queued, 1);
    let bookmarks = app.bookmarks(Audience::Public).expect("bookmarks");
    assert_eq!(bookmarks.len() as u64, report.bookmarks.kept);
    answers_a_search(&app);

    // The report waits until dismissed, across restarts; the next open recovers nothing.
    drop(app);
    let app = FieldRef::open(dir.path()).expect("reopen");
    assert!(app.open_report().recovered.is_none());
    assert_eq!(app.recovery_report().expect("pending"), Some(report));
    app.dismiss_recovery_report().expect("dismiss");
    assert_eq!(app.recovery_report().expect("pending"), None);
    app.add_bookmark(SHELTER, Audience::Public)
        .expect("the new store takes writes");
}

#[test]
fn random_bytes_are_moved_aside_and_every_loss_is_unknown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(STORE);
    // xorshift: the same "random" 64 KiB every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..65_536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&path, &bytes).expect("write");

    let app = FieldRef::open(dir.path()).expect("random bytes still open");
    let report = recovered(&app);
    assert_eq!(report.damage, Damage::NotADatabase, "{report:?}");
    assert_eq!(
        std::fs::read(&report.moved_to).expect("kept"),
        bytes,
        "kept byte for byte"
    );
    for salvage in [report.bookmarks, report.recents, report.queued] {
        assert_eq!(
            salvage,
            Salvage {
                kept: 0,
                lost: None
            }
        );
    }
    assert!(report.lost_user_data());
    assert!(!report.enrollment_kept);
    assert_eq!(report.previous_content_version, None);
    answers_a_search(&app);
}

/// Overwrites ten pages in the middle of the file (the documents), sparing every table's root.
fn spoil_content_pages(path: &Path) {
    let (page_size, pages, roots) = {
        let conn = rusqlite::Connection::open(path).expect("sqlite");
        let page_size: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        let pages: i64 = conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("page count");
        let mut stmt = conn
            .prepare("SELECT rootpage FROM sqlite_master WHERE rootpage > 0")
            .expect("schema");
        let roots: Vec<i64> = stmt
            .query_map([], |r| r.get(0))
            .expect("roots")
            .collect::<Result<_, _>>()
            .expect("roots");
        (page_size as u64, pages as u64, roots)
    };
    assert!(pages > 40, "the bundled content spans many pages: {pages}");
    let mut bytes = std::fs::read(path).expect("read");
    let mut spoiled = 0;
    for page in pages / 2..pages / 2 + 10 {
        if roots.contains(&(page as i64)) {
            continue;
        }
        let start = ((page - 1) * page_size) as usize;
        bytes[start..start + page_size as usize].fill(0xA5);
        spoiled += 1;
    }
    assert!(spoiled >= 8);
    std::fs::write(path, &bytes).expect("write");
}

#[test]
fn damaged_content_pages_lose_the_content_but_not_the_users_data() {
    let (dir, feedback_id) = used_data_dir();
    let path = dir.path().join(STORE);
    spoil_content_pages(&path);

    // The open checks only the user's tables; the full check (every sync runs it first) finds
    // the damaged content pages and marks the store, and the next open recovers it.
    {
        let app = FieldRef::open(dir.path()).expect("a damaged store still opens");
        assert!(app.open_report().recovered.is_none());
        match app.check_integrity() {
            Err(Error::StoreDamaged(detail)) => assert!(!detail.is_empty()),
            other => panic!("the full check finds the damaged pages: {other:?}"),
        }
    }
    let app = FieldRef::open(dir.path()).expect("a damaged store still opens");
    let report = recovered(&app);
    assert_eq!(report.damage, Damage::FailedCheck, "{report:?}");
    app.check_integrity().expect("the recovered store is whole");
    assert!(
        !dir.path().join(format!("{STORE}-damaged")).exists(),
        "the marker went with the damaged file"
    );
    assert_eq!(
        report.bookmarks,
        Salvage {
            kept: 2,
            lost: Some(0)
        }
    );
    assert_eq!(
        report.queued,
        Salvage {
            kept: 1,
            lost: Some(0)
        }
    );
    assert_eq!(report.previous_content_version, Some(0));
    let mut bookmarks: Vec<String> = app
        .bookmarks(Audience::Public)
        .expect("bookmarks")
        .into_iter()
        .map(|b| b.id)
        .collect();
    bookmarks.sort();
    assert_eq!(bookmarks, [SHELTER, FOOD]);
    let queued = app.outbox(true).expect("outbox");
    assert_eq!(
        queued.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [feedback_id.as_str()],
        "queued feedback keeps its id, so a resend is recognised"
    );
    assert_eq!(queued[0].payload, "the night number is disconnected");
    answers_a_search(&app);
}

#[test]
fn a_store_from_a_newer_app_is_refused_and_left_untouched() {
    let (dir, _) = used_data_dir();
    let path = dir.path().join(STORE);
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    let before = std::fs::read(&path).expect("read");
    match FieldRef::open(dir.path()) {
        Err(Error::SchemaTooNew {
            found, supported, ..
        }) => {
            assert_eq!(found, SCHEMA_VERSION + 1);
            assert_eq!(supported, SCHEMA_VERSION);
        }
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a newer app's store was opened"),
    }
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "not a byte changed"
    );
    assert!(corrupt_copies(dir.path()).is_empty(), "nothing moved aside");
}

#[test]
fn only_the_latest_damaged_copies_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(STORE);
    let mut moved = Vec::new();
    for round in 0..4u8 {
        std::fs::write(&path, vec![round; 8192]).expect("write");
        let app = FieldRef::open(dir.path()).expect("open");
        moved.push(recovered(&app).moved_to);
    }
    assert_eq!(corrupt_copies(dir.path()), moved[2..]);
}

/// A sync runs the full check before it writes or asks anything: damaged content pages stop it
/// with a typed error, and the next open recovers the store.
#[test]
fn a_sync_checks_the_whole_store_before_anything_else() {
    struct Unreachable;
    impl Transport for Unreachable {
        fn send(&self, _: &HttpRequest) -> Result<HttpResponse, TransportError> {
            panic!("a damaged store is not synced")
        }
    }
    let (dir, _) = used_data_dir();
    spoil_content_pages(&dir.path().join(STORE));
    {
        let app = FieldRef::open(dir.path()).expect("open");
        let config = SyncConfig::new("http://127.0.0.1:9");
        assert!(matches!(
            app.sync(&Unreachable, &config),
            Err(Error::StoreDamaged(_))
        ));
    }
    let app = FieldRef::open(dir.path()).expect("reopen");
    assert_eq!(recovered(&app).damage, Damage::FailedCheck);
    answers_a_search(&app);
}
