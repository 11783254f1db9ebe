//! Every fuzz target's seeds, its local corpus (if `cargo fuzz` has run here) and every input
//! that once crashed it (`fuzz/regressions/<target>/`), replayed on stable Rust: the fuzzers'
//! findings stay fixed without a nightly toolchain on CI. The targets themselves are
//! `fuzz/src/lib.rs`, shared with the `cargo fuzz` binaries.
//!
//! `FIELDREF_FUZZ_SEEDS_OUT=<dir>` also writes the seeds to `<dir>/<target>/` to start a
//! `cargo fuzz` corpus from (tests/suites/fuzz-smoke.sh does).

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(target: &str) {
    let seeds = targets::seeds(target);
    assert!(!seeds.is_empty(), "{target} has seeds");
    if let Some(out) = std::env::var_os("FIELDREF_FUZZ_SEEDS_OUT") {
        let dir = Path::new(&out).join(target);
        std::fs::create_dir_all(&dir).expect("seed dir");
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:04}")), seed).expect("write seed");
        }
    }
    for seed in &seeds {
        targets::run(target, seed);
    }
    let mut replayed = seeds.len();
    for folder in ["corpus", "regressions"] {
        for file in files_in(&fuzz_dir().join(folder).join(target)) {
            let bytes = std::fs::read(&file).expect("read input");
            let outcome = std::panic::catch_unwind(|| targets::run(target, &bytes));
            assert!(outcome.is_ok(), "{target}: {} fails", file.display());
            replayed += 1;
        }
    }
    println!("fuzz {target}: {replayed} inputs replayed");
}

#[test]
fn content_source_inputs() {
    replay("content_source");
}

#[test]
fn signed_metadata_inputs() {
    replay("signed_metadata");
}

#[test]
fn pack_decoding_inputs() {
    replay("pack_decoding");
}

#[test]
fn query_inputs() {
    replay("query");
}

#[test]
fn opening_hours_inputs() {
    replay("opening_hours");
}

#[test]
fn every_target_is_replayed() {
    assert_eq!(targets::TARGETS.len(), 5);
    for target in targets::TARGETS {
        assert!(
            fuzz_dir()
                .join("fuzz_targets")
                .join(format!("{target}.rs"))
                .exists(),
            "{target} has a cargo-fuzz target"
        );
    }
}
