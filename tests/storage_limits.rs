//! A full disk and read-only storage, on a real (small) tmpfs: a snapshot install and the index
//! rebuild that follows run out of space at several points. Afterwards the device opens, answers
//! from its last good content, has lost no bookmark or queued feedback, and says (as a typed
//! `StorageFull`) why the update failed. A read-only data directory opens for search and refuses
//! what cannot be saved with a typed `ReadOnly`.
//!
//! Mounting needs root (CI runs the test command as root); elsewhere these tests print why they
//! were skipped and pass.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use fieldref_core::content::{Audience, Pack};
use fieldref_core::search::SearchRequest;
use fieldref_core::store::state_hash;
use fieldref_core::sync::{SyncConfig, UreqTransport};
use fieldref_core::{Error, FieldRef};
use fieldref_tests::{bundled_pack, device_state, open_device, Server};

/// A tmpfs mounted on a temporary folder for the test's life.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("tempdir");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match status {
            Ok(output) if output.status.success() => Some(Tmpfs { dir }),
            Ok(output) => {
                println!(
                    "storage_limits: SKIPPED: cannot mount a tmpfs here (needs root): {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                None
            }
            Err(e) => {
                println!("storage_limits: SKIPPED: no `mount` command: {e}");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, mode: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(self.path())
            .status()
            .expect("remount");
        assert!(status.success(), "remount {mode}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the file system with `filler` until it is full, then frees `free` bytes of it.
fn fill_leaving(filler: &Path, free: u64) {
    let mut file = std::fs::File::create(filler).expect("filler");
    let chunk = vec![0x5au8; 64 * 1024];
    let mut written = 0u64;
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(_) => break,
        }
    }
    let _ = file.flush();
    file.set_len(written.saturating_sub(free))
        .expect("free some space");
    file.sync_all().expect("sync filler");
}

/// The bundled content plus copies of a contact: a snapshot several times the bundled size.
fn big_pack(copies: usize) -> Pack {
    let mut pack = bundled_pack();
    let template = pack
        .documents
        .iter()
        .find(|d| d.as_contact().is_some())
        .expect("a contact")
        .clone();
    for i in 0..copies {
        let mut doc = template.clone();
        doc.id = format!("{}-copy-{i:05}", template.id);
        doc.title = format!("{} {i}", template.title);
        pack.documents.push(doc);
    }
    pack.documents.sort_by(|a, b| a.id.cmp(&b.id));
    pack
}

fn hits(app: &FieldRef, query: &str) -> usize {
    app.search(&SearchRequest::new(query))
        .expect("searches never fail")
        .hits
        .len()
}

/// A device on the bundled content with a bookmark and queued feedback.
fn prepared_device(dir: &Path, server: &Server) -> FieldRef {
    let app = open_device(dir, &server.keys.root);
    let pack = bundled_pack();
    app.add_bookmark(&pack.documents[0].id, Audience::Public)
        .expect("bookmark");
    app.queue_feedback(&pack.documents[1].id, "Number rings out", Audience::Public)
        .expect("feedback");
    app
}

#[test]
fn a_disk_that_fills_during_an_update_keeps_the_last_good_content_and_user_data() {
    let Some(tmpfs) = Tmpfs::mount("24m") else {
        return;
    };
    let server = Server::start();
    let big = big_pack(1500);
    server.publish(&big);
    let signed = state_hash(&big).expect("hash");
    let bundled = state_hash(&bundled_pack()).expect("hash");

    // Free space left for the update, from "not even the first write" to "everything fits".
    // The store keeps rows zstd-compressed with a dictionary, so the 1,500 near-copies need
    // little room: the points that run the store out are under 1 MB.
    let points: [u64; 6] = [16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 12 << 20];
    let (mut refused, mut index_in_memory, mut applied) = (0, 0, 0);
    for (n, free) in points.into_iter().enumerate() {
        let dir: PathBuf = tmpfs.path().join(format!("device-{n}"));
        let filler = tmpfs.path().join("filler");
        let app = prepared_device(&dir, &server);
        let before = device_state(&app);
        fill_leaving(&filler, free);

        let result = app.sync(&UreqTransport, &SyncConfig::new(server.url()));
        let problem = app.index_problem();
        match &result {
            Ok(_) => applied += 1,
            Err(Error::StorageFull { .. }) => refused += 1,
            Err(other) => {
                panic!("free {free}: an update on a full disk fails as StorageFull, got {other}")
            }
        }
        if let Err(e) = &result {
            assert!(e.to_string().contains("storage is full"), "{e}");
        }
        // This process answers at once, from content that matches its store.
        let state = device_state(&app);
        assert!(hits(&app, "shelter") > 0, "free {free}: answers");
        drop(app);

        // Reopened while the disk is still full: it opens and answers.
        let app = open_device(&dir, &server.keys.root);
        let reopened = device_state(&app);
        assert_eq!(reopened, state, "free {free}: state survives a reopen");
        match result {
            Ok(_) => {
                assert_eq!(reopened.hash, signed, "free {free}: the signed content");
            }
            Err(_) => {
                assert_eq!(reopened.version, 0, "free {free}: nothing applied");
                assert_eq!(reopened.hash, bundled);
            }
        }
        assert_eq!(
            app.computed_content_hash().expect("hash").as_ref(),
            Some(&reopened.hash),
            "free {free}: the rows are what the record says"
        );
        assert_eq!(
            reopened.bookmarks, before.bookmarks,
            "free {free}: bookmarks kept"
        );
        assert_eq!(reopened.outbox, before.outbox, "free {free}: feedback kept");
        assert!(
            hits(&app, "shelter") > 0,
            "free {free}: answers after reopen"
        );
        let in_memory = problem.is_some()
            || app
                .open_report()
                .index_rebuilt
                .as_deref()
                .is_some_and(|r| r.contains("in memory"));
        if in_memory {
            index_in_memory += 1;
        }
        println!(
            "free {free:>8} bytes: {}; index {}",
            match &result {
                Ok(_) => "update applied".to_owned(),
                Err(e) => format!("refused: {e}"),
            },
            if in_memory {
                "answered from memory (no room on disk)"
            } else {
                "on disk"
            }
        );

        // Space comes back: the same device updates and its index returns to disk.
        std::fs::remove_file(&filler).expect("free the disk");
        app.sync(&UreqTransport, &SyncConfig::new(server.url()))
            .expect("sync once there is room");
        drop(app);
        let app = open_device(&dir, &server.keys.root);
        let stats = app.stats().expect("stats");
        assert!(stats.index_in_step, "free {free}: index back in step");
        assert_eq!(device_state(&app).hash, signed);
        assert_eq!(device_state(&app).bookmarks, before.bookmarks);
        drop(app);
        std::fs::remove_dir_all(&dir).expect("clean");
    }
    println!(
        "{} points: {refused} refused as StorageFull, {applied} applied, {index_in_memory} \
         answered from an in-memory index",
        points.len()
    );
    assert!(refused >= 2, "the store ran out of space at several points");
    assert!(applied >= 1, "with room, the update applies");
    assert!(
        index_in_memory >= 1,
        "the index ran out of space at some point"
    );
}

#[test]
fn a_read_only_data_directory_opens_for_search_and_refuses_what_it_cannot_save() {
    let Some(tmpfs) = Tmpfs::mount("8m") else {
        return;
    };
    let server = Server::start();
    let dir = tmpfs.path().join("device");
    let before = {
        let app = prepared_device(&dir, &server);
        device_state(&app)
    };
    tmpfs.remount("ro");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let app = open_device(&dir, &server.keys.root);
        let note = app
            .open_report()
            .read_only
            .clone()
            .expect("says it is read-only");
        assert!(
            note.contains("bookmarks") && note.contains("cannot be saved"),
            "{note}"
        );
        assert!(hits(&app, "shelter") > 0, "searches work");
        assert_eq!(device_state(&app), before, "content and user data readable");
        let id = &bundled_pack().documents[2].id;
        assert!(app.document(id, Audience::Public).expect("read").is_some());
        assert!(matches!(
            app.add_bookmark(id, Audience::Public),
            Err(Error::ReadOnly { .. })
        ));
        assert!(matches!(
            app.queue_feedback(id, "closed on Sundays", Audience::Public),
            Err(Error::ReadOnly { .. })
        ));
        let sync = app.sync(&UreqTransport, &SyncConfig::new(server.url()));
        assert!(matches!(sync, Err(Error::ReadOnly { .. })), "{sync:?}");
        let message = sync.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("read-only"), "{message}");
    }));
    tmpfs.remount("rw");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
