use rusqlite::Connection;

use super::*;
use crate::content::{Audience, Details, Note};

fn note(id: &str, title: &str) -> Document {
    Document {
        id: id.to_owned(),
        title: title.to_owned(),
        summary: "summary".to_owned(),
        revision: 1,
        updated_at: "2026-10-01".to_owned(),
        language: "en".to_owned(),
        tags: Vec::new(),
        audience: Audience::Public,
        body: "body".to_owned(),
        provenance: Default::default(),
        details: Details::Note(Note {
            category: "communication".to_owned(),
            communities: Vec::new(),
            dos: Vec::new(),
            donts: Vec::new(),
            contacts: Vec::new(),
        }),
    }
}

fn pack(documents: Vec<Document>) -> Pack {
    Pack {
        info: PackInfo {
            id: "test".to_owned(),
            title: "Test".to_owned(),
            channel: "test".to_owned(),
            timezone: "UTC".to_owned(),
            categories: vec!["communication".to_owned()],
            service_types: Vec::new(),
            synonyms: Vec::new(),
            stale_after_months: crate::content::DEFAULT_STALE_AFTER_MONTHS,
            audience: Audience::Public,
        },
        documents,
    }
}

#[test]
fn a_version_1_store_is_migrated_and_keeps_its_bookmarks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.sqlite3");
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(migrations::first_migration_sql())
            .expect("v1 schema");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute(
            "INSERT INTO bookmarks(doc_id, created_at) VALUES ('note-a', '2026-01-01T00:00:00Z')",
            [],
        )
        .expect("bookmark");
    }
    let mut store = Store::open(&path).expect("migrates");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    store
        .apply(
            ContentChange::Full(&pack(vec![note("note-a", "A")])),
            1,
            None,
        )
        .expect("install");
    let bookmarks = store.bookmarks(Audience::Officers).expect("bookmarks");
    assert_eq!(bookmarks.len(), 1);
    assert_eq!(bookmarks[0].title, "A");
    let outbox: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
        .expect("migration 2 created the outbox");
    assert_eq!(outbox, 0);
}

#[test]
fn a_store_from_a_newer_app_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.sqlite3");
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch("CREATE TABLE future(x); INSERT INTO future VALUES (42);")
            .expect("table");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("version");
    }
    let err = Store::open(&path).err().expect("refused");
    let message = err.to_string();
    assert!(
        matches!(err, Error::SchemaTooNew { found, .. } if found == SCHEMA_VERSION + 1),
        "{message}"
    );
    assert!(message.contains("newer FieldRef"), "{message}");
    let conn = Connection::open(&path).expect("reopen");
    let kept: i64 = conn
        .query_row("SELECT x FROM future", [], |r| r.get(0))
        .expect("untouched");
    assert_eq!(kept, 42);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, SCHEMA_VERSION + 1);
}

#[test]
fn a_delta_updates_documents_and_the_recorded_hash() {
    let mut store = Store::open_in_memory().expect("store");
    let v1 = pack(vec![note("note-a", "A"), note("note-b", "B")]);
    store.apply(ContentChange::Full(&v1), 1, None).expect("v1");
    let v2 = pack(vec![note("note-a", "A2"), note("note-c", "C")]);
    let expected = state_hash(&v2).expect("hash");
    let state = store
        .apply(
            ContentChange::Delta {
                info: &v2.info,
                upserts: &[note("note-a", "A2"), note("note-c", "C")],
                deletes: &["note-b".to_owned()],
            },
            2,
            Some(&expected),
        )
        .expect("delta applies");
    assert_eq!(state.version, 2);
    assert_eq!(state.hash, expected);
    assert_eq!(store.computed_hash().expect("hash"), Some(expected));
    assert!(store.document("note-b").expect("read").is_none());
    assert_eq!(
        store
            .document("note-a")
            .expect("read")
            .expect("present")
            .title,
        "A2"
    );
}

#[test]
fn a_hash_mismatch_rolls_the_whole_change_back() {
    let mut store = Store::open_in_memory().expect("store");
    let v1 = pack(vec![note("note-a", "A")]);
    let before = store.apply(ContentChange::Full(&v1), 1, None).expect("v1");
    let err = store
        .apply(
            ContentChange::Delta {
                info: &v1.info,
                upserts: &[note("note-z", "Z")],
                deletes: &["note-a".to_owned()],
            },
            2,
            Some("0000"),
        )
        .expect_err("mismatch");
    assert!(
        matches!(&err, crate::Error::HashMismatch { expected, .. } if expected == "0000"),
        "{err}"
    );
    assert_eq!(store.content_state().expect("state"), Some(before));
    assert!(store.document("note-a").expect("read").is_some());
    assert!(store.document("note-z").expect("read").is_none());
}

#[test]
fn bookmarks_and_recents_survive_a_content_replacement() {
    let mut store = Store::open_in_memory().expect("store");
    store
        .apply(
            ContentChange::Full(&pack(vec![note("note-a", "A"), note("note-b", "B")])),
            1,
            None,
        )
        .expect("v1");
    store.add_bookmark("note-a").expect("bookmark");
    store
        .add_bookmark("note-a")
        .expect("bookmarking twice is fine");
    store.record_view("note-b").expect("view");
    store
        .apply(
            ContentChange::Full(&pack(vec![note("note-b", "B")])),
            2,
            None,
        )
        .expect("v2 drops a");
    assert!(
        store
            .bookmarks(Audience::Officers)
            .expect("list")
            .is_empty(),
        "a removed document is not listed"
    );
    assert_eq!(
        store.recents(10, Audience::Officers).expect("recents")[0].id,
        "note-b"
    );
    store
        .apply(
            ContentChange::Full(&pack(vec![note("note-a", "A again"), note("note-b", "B")])),
            3,
            None,
        )
        .expect("v3");
    let bookmarks = store.bookmarks(Audience::Officers).expect("list");
    assert_eq!(
        bookmarks.len(),
        1,
        "the bookmark comes back with its document"
    );
    assert_eq!(bookmarks[0].title, "A again");
    assert!(store.remove_bookmark("note-a").expect("remove"));
    assert!(!store.remove_bookmark("note-a").expect("remove again"));
}

#[test]
fn state_hash_does_not_depend_on_document_order() {
    let a = pack(vec![note("note-a", "A"), note("note-b", "B")]);
    let b = pack(vec![note("note-b", "B"), note("note-a", "A")]);
    assert_eq!(state_hash(&a).expect("a"), state_hash(&b).expect("b"));
    let c = pack(vec![note("note-a", "A!"), note("note-b", "B")]);
    assert_ne!(state_hash(&a).expect("a"), state_hash(&c).expect("c"));
}

#[test]
fn narrowing_to_the_public_forgets_user_data_and_leaves_no_officers_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.sqlite3");
    let mut store = Store::open(&path).expect("open");
    let mut secret = note("note-tactics", "Zebracorn perimeter tactics");
    secret.audience = Audience::Officers;
    secret.body = "zebracorn-only officers text ".repeat(200);
    let mut full = pack(vec![note("note-a", "A"), secret]);
    full.info.audience = Audience::Officers;
    store
        .apply(ContentChange::Full(&full), 1, None)
        .expect("officers");
    store.add_bookmark("note-tactics").expect("bookmark");
    store.add_bookmark("note-a").expect("bookmark");
    store.record_view("note-tactics").expect("view");
    store
        .queue(
            crate::store::OutboxKind::Feedback,
            Some("note-tactics"),
            "zebracorn step 3",
        )
        .expect("queue");
    assert_eq!(store.bookmarks(Audience::Public).expect("list").len(), 1);
    assert_eq!(store.bookmarks(Audience::Officers).expect("list").len(), 2);

    let public = full.for_audience(Audience::Public);
    store
        .apply(ContentChange::Full(&public), 2, None)
        .expect("public");
    let ids: Vec<String> = store
        .bookmarks(Audience::Officers)
        .expect("list")
        .into_iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(ids, ["note-a"]);
    assert!(store
        .recents(10, Audience::Officers)
        .expect("recents")
        .is_empty());
    assert!(store.outbox(false).expect("outbox").is_empty());
    drop(store);
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        assert!(
            !bytes.windows(9).any(|w| w == b"zebracorn"),
            "officers text left in the data directory"
        );
    }
}

/// A store written by the app before documents were compressed (schema 4): its documents,
/// recorded content, bookmarks, recents, queued feedback and checklist ticks all survive the
/// upgrade, and the next delta verifies against the folded digests.
#[test]
fn a_schema_4_store_with_user_data_is_compressed_in_place_and_keeps_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v4.sqlite3");
    let mut long = note("note-a", "A");
    long.body = "Stay calm, speak slowly, offer water. ".repeat(200);
    let mut documents = vec![long.clone(), note("note-b", "B")];
    // Enough documents for the migration to train a dictionary on them.
    for i in 0..300 {
        let mut doc = note(&format!("note-c{i:03}"), &format!("Resource {i}"));
        doc.summary = format!("Walk-in help number {i} for families near the harbor.");
        documents.push(doc);
    }
    let v1 = pack(documents);
    {
        let mut conn = Connection::open(&path).expect("open");
        migrations::migrate_to(&mut conn, 4).expect("schema 4");
        for doc in &v1.documents {
            conn.execute(
                "INSERT INTO documents(id, kind, title, language, audience, revision, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    doc.id,
                    doc.kind().as_str(),
                    doc.title,
                    doc.language,
                    doc.audience.as_str(),
                    doc.revision,
                    serde_json::to_string(doc).expect("json"),
                ],
            )
            .expect("old row");
        }
        conn.execute_batch(
            "INSERT INTO meta(key, value) VALUES ('content_version', '7'),
                 ('content_hash', 'signed-by-an-old-release'), ('installed_at', '2026-11-01'),
                 ('trust_root', '{\"kept\":true}');
             INSERT INTO bookmarks(doc_id, created_at) VALUES ('note-a', '2026-11-02');
             INSERT INTO recents(doc_id, viewed_at) VALUES ('note-b', '2026-11-03');
             INSERT INTO outbox(id, kind, doc_id, payload, created_at, sent_at, reason)
                 VALUES ('item-1', 'feedback', 'note-b', 'moved to Pier 4', '2026-11-04', NULL,
                         'moved');
             INSERT INTO checklist_progress(doc_id, revision, section, step, done_at)
                 VALUES ('note-a', 1, 0, 2, '2026-11-05');",
        )
        .expect("user data");
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('pack_info', ?1)",
            [serde_json::to_string(&v1.info).expect("info")],
        )
        .expect("pack info");
    }

    let mut store = Store::open(&path).expect("upgrades");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(store.documents(None).expect("documents"), v1.documents);
    assert_eq!(store.document("note-a").expect("read"), Some(long.clone()));
    let state = store.content_state().expect("state").expect("content");
    assert_eq!(
        (state.version, state.hash.as_str()),
        (7, "signed-by-an-old-release")
    );
    assert_eq!(
        store.meta("trust_root").expect("meta").as_deref(),
        Some("{\"kept\":true}")
    );
    let bookmarks = store.bookmarks(Audience::Officers).expect("bookmarks");
    assert_eq!(
        (bookmarks[0].id.as_str(), bookmarks[0].title.as_str()),
        ("note-a", "A")
    );
    assert_eq!(
        store.recents(10, Audience::Officers).expect("recents")[0].id,
        "note-b"
    );
    let queued = store.outbox(true).expect("outbox");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].payload, "moved to Pier 4");
    assert_eq!(queued[0].reason, Some(FeedbackReason::Moved));
    let ticked: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM checklist_progress", [], |r| r.get(0))
        .expect("progress");
    assert_eq!(ticked, 1);
    let (plain, stored): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT SUM(length(packed)), COUNT(*) FROM documents WHERE id = 'note-a'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    assert_eq!(stored, 1);
    let (dictionaries, plain_rows): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM dictionaries),
                    (SELECT COUNT(*) FROM documents WHERE dict IS NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("dictionary");
    assert_eq!((dictionaries, plain_rows), (1, 0));
    let json_len = serde_json::to_string(&long).expect("json").len() as i64;
    assert!(plain * 5 < json_len, "{plain} bytes stored for {json_len}");

    // The next release verifies against the digests the migration computed.
    let mut v2 = v1.clone();
    v2.documents[1] = note("note-b", "B2");
    let state = store
        .apply(
            ContentChange::Delta {
                info: &v2.info,
                upserts: &[note("note-b", "B2")],
                deletes: &[],
            },
            8,
            Some(&state_hash(&v2).expect("hash")),
        )
        .expect("delta on the migrated store");
    assert_eq!(state.version, 8);
    assert_eq!(store.computed_hash().expect("hash"), Some(state.hash));
    assert_eq!(store.bookmarks(Audience::Officers).expect("kept").len(), 1);
}

#[test]
fn the_content_hash_changes_with_any_document_byte_and_with_the_settings() {
    let base = pack(vec![note("note-a", "A"), note("note-b", "B")]);
    let hash = state_hash(&base).expect("hash");
    let mut retitled = base.clone();
    retitled.documents[1].title = "B.".to_owned();
    assert_ne!(state_hash(&retitled).expect("hash"), hash);
    let mut resettled = base.clone();
    resettled.info.timezone = "America/Chicago".to_owned();
    assert_ne!(state_hash(&resettled).expect("hash"), hash);
    let mut renamed = base.clone();
    renamed.documents[0].id = "note-a2".to_owned();
    assert_ne!(state_hash(&renamed).expect("hash"), hash);
    // What the store folds from its digests is what the publisher hashed.
    let mut store = Store::open_in_memory().expect("store");
    store
        .apply(ContentChange::Full(&base), 1, Some(&hash))
        .expect("matches");
    assert_eq!(store.computed_hash().expect("hash"), Some(hash));
}

/// A server not yet upgraded signs the `fieldref-state-v1` hash: its releases still install,
/// and a content that matches neither hash is still refused.
#[test]
fn a_release_signed_with_the_old_hash_still_verifies() {
    let mut store = Store::open_in_memory().expect("store");
    let v1 = pack(vec![note("note-a", "A"), note("note-b", "B")]);
    let old = legacy_hash::state_hash_v1(&v1).expect("v1 hash");
    assert_ne!(old, state_hash(&v1).expect("v2 hash"));
    let state = store
        .apply(ContentChange::Full(&v1), 1, Some(&old))
        .expect("old-style hash accepted");
    assert_eq!(state.hash, old);
    let v2 = pack(vec![note("note-a", "A2"), note("note-b", "B")]);
    let wrong = legacy_hash::state_hash_v1(&v1).expect("hash of another content");
    let err = store
        .apply(
            ContentChange::Delta {
                info: &v2.info,
                upserts: &[note("note-a", "A2")],
                deletes: &[],
            },
            2,
            Some(&wrong),
        )
        .expect_err("neither hash matches");
    assert!(matches!(err, Error::HashMismatch { .. }));
    assert_eq!(
        store.document("note-a").expect("read").expect("kept").title,
        "A"
    );
}

/// A whole install trains a dictionary and drops the one before; deltas compress with it; a
/// rolled-back install leaves the previous dictionary readable.
#[test]
fn whole_installs_replace_the_dictionary_and_deltas_reuse_it() {
    let many = |tag: &str| {
        pack(
            (0..400)
                .map(|i| {
                    let mut doc = note(&format!("note-{i:03}"), &format!("{tag} resource {i}"));
                    doc.summary = format!("{tag}: walk-in help {i} for families near the harbor.");
                    doc
                })
                .collect(),
        )
    };
    let dictionaries = |store: &Store| -> Vec<i64> {
        let mut stmt = store
            .conn()
            .prepare("SELECT DISTINCT dict FROM documents ORDER BY 1")
            .expect("query");
        let ids = stmt
            .query_map([], |r| r.get::<_, Option<i64>>(0))
            .expect("rows")
            .map(|r| r.expect("row").expect("every row has a dictionary"))
            .collect();
        ids
    };
    let mut store = Store::open_in_memory().expect("store");
    let v1 = many("First");
    store.apply(ContentChange::Full(&v1), 1, None).expect("v1");
    let first = dictionaries(&store);
    assert_eq!(first.len(), 1);
    let mut changed = v1.documents[5].clone();
    changed.title = "Changed".to_owned();
    store
        .apply(
            ContentChange::Delta {
                info: &v1.info,
                upserts: std::slice::from_ref(&changed),
                deletes: &[],
            },
            2,
            None,
        )
        .expect("delta");
    assert_eq!(
        dictionaries(&store),
        first,
        "the delta used the same dictionary"
    );
    let v3 = many("Second");
    let err = store
        .apply(ContentChange::Full(&v3), 3, Some("not-the-hash"))
        .expect_err("refused");
    assert!(matches!(err, Error::HashMismatch { .. }));
    assert_eq!(store.document("note-005").expect("read"), Some(changed));
    store.apply(ContentChange::Full(&v3), 3, None).expect("v3");
    let second = dictionaries(&store);
    assert_eq!(second.len(), 1);
    assert_ne!(second, first);
    let left: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM dictionaries", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 1, "the first dictionary went with its rows");
    assert_eq!(store.documents(None).expect("all"), v3.documents);
}

/// An install relaxes SQLite's automatic checkpoint and commit sync only for its own
/// transaction: after it, failed or not, the other writes (bookmarks, the outbox) are
/// checkpointed and synced as before.
#[test]
fn an_install_leaves_the_checkpoint_and_sync_settings_as_they_were() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("fieldref.sqlite3")).expect("store");
    let settings = |store: &Store| -> (i64, i64) {
        let pragma = |name: &str| -> i64 {
            store
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
                .expect("pragma")
        };
        (pragma("wal_autocheckpoint"), pragma("synchronous"))
    };
    let before = (DEFAULT_AUTOCHECKPOINT, SYNCHRONOUS_FULL);
    assert_eq!(settings(&store), before);
    let v1 = pack(vec![note("note-a", "A")]);
    store.apply(ContentChange::Full(&v1), 1, None).expect("v1");
    assert_eq!(settings(&store), before);
    store
        .apply(ContentChange::Full(&v1), 2, Some("0000"))
        .expect_err("mismatch");
    assert_eq!(settings(&store), before);
}
