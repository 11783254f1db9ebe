//! What the user reads when something fails: one plain sentence with the detail once, never the
//! same words chained twice ("database disk image is malformed: database disk image is
//! malformed: Error code 11: ...", as wrapped errors printed by `anyhow` used to read).

use std::path::Path;
use std::process::{Command, Output};

const FIELDREF: &str = env!("CARGO_BIN_EXE_fieldref");

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(FIELDREF)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run fieldref")
}

/// The message's `: `-separated parts, each said once.
fn assert_said_once(message: &str) {
    let parts: Vec<String> = message
        .trim()
        .split(": ")
        .map(|p| p.trim().to_lowercase())
        .collect();
    for (i, part) in parts.iter().enumerate() {
        for later in &parts[i + 1..] {
            assert!(
                !later.contains(part.as_str()) || part.len() < 12,
                "`{part}` is said twice in: {message}"
            );
        }
    }
    assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
}

#[test]
fn a_damaged_store_is_named_once_in_one_sentence() {
    let data = tempfile::tempdir().expect("tempdir");
    assert!(run(data.path(), &["stats"]).status.success());
    // Overwrite every page after the first (the schema's) with garbage: SQLite reads the
    // header, then finds the tables malformed.
    let path = data.path().join("fieldref.sqlite3");
    let mut bytes = std::fs::read(&path).expect("read store");
    assert!(bytes.len() > 8192, "store has pages to damage");
    for (i, b) in bytes[4096..].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31) ^ 0xa5;
    }
    std::fs::write(&path, &bytes).expect("damage store");
    for leftover in ["fieldref.sqlite3-wal", "fieldref.sqlite3-shm"] {
        let _ = std::fs::remove_file(data.path().join(leftover));
    }

    // A damaged store is recovered at open (core::store::recovery): the command answers, and
    // the notice says each thing once.
    let output = run(data.path(), &["show", "checklist-autism"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("damaged"),
        "the recovery is reported: {stderr}"
    );
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        assert_said_once(line);
    }
    assert!(stderr.matches("malformed").count() <= 1, "{stderr}");

    // A store no version of this app can open (written by a newer one) fails in one sentence.
    let mut bytes = std::fs::read(&path).expect("read store");
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&path, &bytes).expect("write store");
    for args in [&["show", "checklist-autism"][..], &["stats"]] {
        let output = run(data.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}: {stderr}");
        assert_said_once(&stderr);
        assert!(stderr.contains("newer"), "says what happened: {stderr}");
    }
}

#[test]
fn a_missing_pack_file_is_named_once() {
    let data = tempfile::tempdir().expect("tempdir");
    let output = run(data.path(), &["pack", "install", "/nonexistent/pack.frp"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_said_once(&stderr);
    assert_eq!(
        stderr.matches("No such file").count(),
        1,
        "the OS error once: {stderr}"
    );
}
