//! Many processes on one data directory, as on a phone (app, widget, background sync) or a
//! server box (cron running the CLI): one `fieldref sync` process goes through 20 releases from
//! a real server on loopback while 4 processes search and one rebuilds the index, all in loops.
//! No search fails, no rebuild fails, and every sync's exit status is true to the store: success
//! if and only if the store ends on that release.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fieldref_core::store::{state_hash, Store};
use fieldref_tests::{bundled_pack, edited, open_device, Server};

const FIELDREF: &str = env!("CARGO_BIN_EXE_fieldref");
const RELEASES: u64 = 20;
const SEARCHERS: usize = 4;

fn fieldref(dir: &Path, args: &[&str]) -> Output {
    Command::new(FIELDREF)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run fieldref")
}

/// The store's installed version and hash, read directly from the SQLite file.
fn store_state(dir: &Path) -> (u64, String) {
    let store = Store::open(&dir.join("fieldref.sqlite3")).expect("open store");
    let state = store.content_state().expect("state").expect("content");
    (state.version, state.hash)
}

#[derive(Default)]
struct Tally {
    runs: AtomicUsize,
    failures: Mutex<Vec<String>>,
}

impl Tally {
    fn record(&self, what: &str, output: &Output) {
        self.runs.fetch_add(1, Ordering::Relaxed);
        if !output.status.success() {
            self.failures.lock().expect("tally").push(format!(
                "{what}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
    }
}

#[test]
fn searches_never_fail_while_another_process_syncs_and_another_rebuilds() {
    let server = Server::start();
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("device");
    drop(open_device(&dir, &server.keys.root));

    let stop = Arc::new(AtomicBool::new(false));
    let searches = Arc::new(Tally::default());
    let rebuilds = Arc::new(Tally::default());
    let mut workers = Vec::new();
    for n in 0..SEARCHERS {
        let (dir, stop, tally) = (dir.clone(), Arc::clone(&stop), Arc::clone(&searches));
        workers.push(std::thread::spawn(move || {
            let queries = ["shelter", "autsim", "crisis line", "food", "marigold"];
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                let query = queries[i % queries.len()];
                let output = fieldref(&dir, &["search", query, "--json"]);
                let parsed = serde_json::from_slice::<serde_json::Value>(&output.stdout);
                if output.status.success() && parsed.is_err() {
                    tally
                        .failures
                        .lock()
                        .expect("tally")
                        .push(format!("search `{query}`: output is not JSON"));
                }
                tally.record(&format!("search `{query}`"), &output);
                i += 1;
                // A breath between runs, so 6 processes share 2 CI cores with the sync.
                std::thread::sleep(Duration::from_millis(50));
            }
        }));
    }
    {
        let (dir, stop, tally) = (dir.clone(), Arc::clone(&stop), Arc::clone(&rebuilds));
        workers.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                tally.record("index rebuild", &fieldref(&dir, &["index", "rebuild"]));
                std::thread::sleep(Duration::from_millis(300));
            }
        }));
    }

    let started = Instant::now();
    let mut pack = bundled_pack();
    let mut sync_failures = Vec::new();
    let mut slowest = std::time::Duration::ZERO;
    for version in 1..=RELEASES {
        let (next, _) = edited(&pack, 3, &format!("Marigold{version}"));
        pack = next;
        server.publish(&pack);
        let expected_hash = state_hash(&pack).expect("hash");
        let mut attempts = 0;
        loop {
            attempts += 1;
            let one = Instant::now();
            let output = fieldref(&dir, &["sync", "--server", server.url()]);
            slowest = slowest.max(one.elapsed());
            let (installed, hash) = store_state(&dir);
            let applied = installed == version && hash == expected_hash;
            assert_eq!(
                output.status.success(),
                applied,
                "release {version}, attempt {attempts}: exit status {} but the store is on \
                 version {installed}; stderr: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            if applied {
                break;
            }
            sync_failures.push(String::from_utf8_lossy(&output.stderr).into_owned());
            assert!(
                attempts < 3,
                "release {version} never applied: {sync_failures:?}"
            );
        }
    }
    let syncing = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("worker");
    }

    let failed = searches.failures.lock().expect("tally");
    assert!(failed.is_empty(), "failed searches: {failed:#?}");
    let failed_rebuilds = rebuilds.failures.lock().expect("tally");
    assert!(
        failed_rebuilds.is_empty(),
        "failed rebuilds: {failed_rebuilds:#?}"
    );
    let search_runs = searches.runs.load(Ordering::Relaxed);
    let rebuild_runs = rebuilds.runs.load(Ordering::Relaxed);
    assert!(search_runs >= SEARCHERS * 2, "searches ran: {search_runs}");
    assert!(rebuild_runs >= 2, "rebuilds ran: {rebuild_runs}");

    // Afterwards the index answers like the store, from one generation, nothing left over.
    let stats = fieldref(&dir, &["stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(stats["index_in_step"], true, "{stats}");
    assert_eq!(stats["content"]["version"], RELEASES, "{stats}");
    let found = fieldref(&dir, &["search", &format!("Marigold{RELEASES}"), "--json"]);
    let found: serde_json::Value = serde_json::from_slice(&found.stdout).expect("search json");
    assert!(
        found["hits"].as_array().is_some_and(|h| !h.is_empty()),
        "{found}"
    );
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("index.") && n != "index.lock" && !n.starts_with("index.g-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    println!(
        "{RELEASES} releases synced in {syncing:.1?} (slowest {slowest:.1?}, {} retried) while \
         {search_runs} searches in {SEARCHERS} processes and {rebuild_runs} rebuilds ran: 0 failed",
        sync_failures.len()
    );
}
