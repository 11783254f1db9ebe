//! Crash-atomic updates: a `fieldref sync` child process is SIGKILLed at many points spread over
//! an update; after each, the data directory reopens on the old version or the new one, never a
//! mix, with the index answering like the store and no bookmark or outbox item lost.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use fieldref_core::content::Audience;
use fieldref_core::search::SearchRequest;
use fieldref_core::store::state_hash;
use fieldref_tests::{bundled_pack, device_state, edited, open_device, Server};

const RUNS: usize = 50;
const FIELDREF: &str = env!("CARGO_BIN_EXE_fieldref");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn sync_child(dir: &Path, url: &str) -> std::process::Child {
    Command::new(FIELDREF)
        .args([
            "--data-dir",
            &dir.display().to_string(),
            "sync",
            "--server",
            url,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn fieldref")
}

#[test]
fn a_sync_killed_at_any_point_leaves_old_or_new_content_and_loses_nothing() {
    let server = Server::start();
    let v1 = bundled_pack();
    server.publish(&v1);
    let (v2, changed) = edited(&v1, v1.documents.len() / 2, "Marigold");
    server.publish(&v2);
    let hashes = [
        state_hash(&v1).expect("hash"),
        state_hash(&v2).expect("hash"),
    ];

    // A device on v1 (as a sync would leave it) with a bookmark and queued feedback.
    let work = tempfile::tempdir().expect("tempdir");
    let pristine = work.path().join("pristine");
    let baseline = {
        let app = open_device(&pristine, &server.keys.root);
        app.install(
            fieldref_core::store::ContentChange::Full(&v1),
            1,
            Some(&hashes[0]),
        )
        .expect("install v1");
        app.add_bookmark(&v1.documents[0].id, Audience::Public)
            .expect("bookmark");
        app.queue_feedback(&v1.documents[1].id, "Phone rings out", Audience::Public)
            .expect("feedback");
        device_state(&app)
    };

    // How long a whole update takes here, to spread the kills over it.
    let calibration = work.path().join("calibration");
    copy_dir(&pristine, &calibration);
    let started = Instant::now();
    let status = sync_child(&calibration, server.url()).wait().expect("wait");
    let full = started.elapsed();
    assert!(status.success(), "an uninterrupted sync succeeds");
    assert_eq!(
        device_state(&open_device(&calibration, &server.keys.root)).version,
        2
    );

    let mut ended = [0usize; 2];
    for run in 0..RUNS {
        let dir = work.path().join(format!("run-{run}"));
        copy_dir(&pristine, &dir);
        let mut child = sync_child(&dir, server.url());
        std::thread::sleep(full.mul_f64(run as f64 / RUNS as f64 * 1.1));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let app = open_device(&dir, &server.keys.root);
        let state = device_state(&app);
        assert!(
            state.version == 1 || state.version == 2,
            "run {run}: version {}",
            state.version
        );
        let expected = &hashes[state.version as usize - 1];
        assert_eq!(
            &state.hash, expected,
            "run {run}: recorded hash is the signed one"
        );
        assert_eq!(
            app.computed_content_hash().expect("hash").as_ref(),
            Some(expected),
            "run {run}: rows match"
        );
        assert!(
            app.stats().expect("stats").index_in_step,
            "run {run}: index in step after reopen"
        );
        let request = SearchRequest {
            limit: 200,
            ..SearchRequest::new("marigold")
        };
        // Documents with the word, not the contacts a matching checklist links.
        let marked = app
            .search(&request)
            .expect("search")
            .hits
            .iter()
            .filter(|h| h.linked_from.is_none())
            .count();
        let want = if state.version == 2 {
            changed.len().min(200)
        } else {
            0
        };
        assert_eq!(marked, want, "run {run}: the index answers like the store");
        assert_eq!(
            state.bookmarks, baseline.bookmarks,
            "run {run}: bookmarks kept"
        );
        assert_eq!(state.outbox, baseline.outbox, "run {run}: outbox kept");
        ended[state.version as usize - 1] += 1;
        drop(app);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "{RUNS} kills spread over {full:?}: {} ended on v1, {} on v2",
        ended[0], ended[1]
    );
}
