//! `fieldref` on a damaged store: it recovers, answers, and says once (on stderr, so `--json`
//! output stays clean) what happened; on a newer app's store it stops with a clear message and
//! leaves the file alone.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const FIELDREF: &str = env!("CARGO_BIN_EXE_fieldref");
const SHELTER: &str = "contact-harbor-house-family-shelter";

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(FIELDREF)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run fieldref")
}

fn ok_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn hit_ids(value: &Value) -> Vec<&str> {
    value["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect()
}

#[test]
fn a_store_of_random_bytes_recovers_answers_and_says_so_once() {
    let data = tempfile::tempdir().expect("tempdir");
    ok_json(&run(
        data.path(),
        &["bookmarks", "--add", SHELTER, "--json"],
    ));
    let store = data.path().join("fieldref.sqlite3");
    let garbage: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&store, &garbage).expect("overwrite");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.path().join(format!("fieldref.sqlite3{suffix}")));
    }

    let first = run(data.path(), &["search", "family shelter", "--json"]);
    let hits = ok_json(&first);
    assert!(hit_ids(&hits).contains(&SHELTER), "{hits}");
    let told = String::from_utf8_lossy(&first.stderr);
    assert!(told.contains("damaged"), "{told}");
    assert!(
        told.contains("fieldref.corrupt-"),
        "names the kept file: {told}"
    );
    assert!(
        told.contains("bookmarks: 0 kept, others could not be read"),
        "{told}"
    );

    let second = run(data.path(), &["search", "family shelter", "--json"]);
    ok_json(&second);
    assert!(
        second.stderr.is_empty(),
        "told once: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    let kept: Vec<_> = std::fs::read_dir(data.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("fieldref.corrupt-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read(kept[0].path()).expect("kept"), garbage);
}

#[test]
fn a_truncated_store_recovers_and_stats_show_the_rebuilt_content() {
    let data = tempfile::tempdir().expect("tempdir");
    ok_json(&run(data.path(), &["stats", "--json"]));
    let store = data.path().join("fieldref.sqlite3");
    let len = std::fs::metadata(&store).expect("store").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&store)
        .expect("open")
        .set_len(len / 3)
        .expect("truncate");
    let output = run(data.path(), &["stats", "--json"]);
    let stats = ok_json(&output);
    assert_eq!(stats["content"]["version"], 0);
    assert_eq!(stats["index_in_step"], true);
    let damage = stats["opened"]["recovered"]["damage"]
        .as_str()
        .expect("recovered at this open");
    assert!(["malformed", "failed_check"].contains(&damage), "{damage}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("damaged"));
}

#[test]
fn a_store_from_a_newer_app_is_refused_with_a_clear_message_and_kept() {
    let data = tempfile::tempdir().expect("tempdir");
    ok_json(&run(
        data.path(),
        &["bookmarks", "--add", SHELTER, "--json"],
    ));
    let store = data.path().join("fieldref.sqlite3");
    // The header's user_version (offset 60, big-endian): the schema a newer app would write.
    let mut bytes = std::fs::read(&store).expect("read");
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&store, &bytes).expect("write");

    let output = run(data.path(), &["search", "shelter", "--json"]);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("newer FieldRef") && said.contains("update the app"),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(
        std::fs::read(&store).expect("read"),
        bytes,
        "left untouched"
    );
}
