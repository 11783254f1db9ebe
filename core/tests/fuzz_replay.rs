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

/// A coverage-blind stand-in for `cargo fuzz` where it is not installed: each target's seeds
/// mutated (bit flips, byte changes, truncations, splices, insertions of interesting bytes)
/// `FIELDREF_FUZZ_MUTATIONS` times per target (0, skipped, by default). A failing input is
/// written to `fuzz/regressions/<target>/` to be replayed from then on.
#[test]
fn mutated_seeds() {
    let rounds: u64 = std::env::var("FIELDREF_FUZZ_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if rounds == 0 {
        return;
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let interesting: [&[u8]; 8] = [
        b"\"",
        b"+++",
        b"\n",
        b"\xff\xfe",
        b"{",
        b"]",
        b"99999999999999999999",
        b"\0",
    ];
    let mut failures = Vec::new();
    for target in targets::TARGETS {
        let seeds = targets::seeds(target);
        let started = std::time::Instant::now();
        for round in 0..rounds {
            let mut input = seeds[(next() % seeds.len() as u64) as usize].clone();
            for _ in 0..1 + next() % 4 {
                let at = if input.is_empty() {
                    0
                } else {
                    (next() % input.len() as u64) as usize
                };
                match next() % 6 {
                    0 if !input.is_empty() => input[at] ^= 1 << (next() % 8),
                    1 if !input.is_empty() => input[at] = next() as u8,
                    2 => input.truncate(at),
                    3 => {
                        let other = &seeds[(next() % seeds.len() as u64) as usize];
                        let from = (next() % (other.len() as u64 + 1)) as usize;
                        input.splice(at..at, other[from..].iter().take(64).copied());
                    }
                    4 => {
                        let bytes = interesting[(next() % interesting.len() as u64) as usize];
                        input.splice(at..at, bytes.iter().copied());
                    }
                    _ => {
                        let len = (next() % 16) as usize;
                        let end = (at + len).min(input.len());
                        input.drain(at..end);
                    }
                }
            }
            let outcome = std::panic::catch_unwind(|| targets::run(target, &input));
            if outcome.is_err() {
                let dir = fuzz_dir().join("regressions").join(target);
                std::fs::create_dir_all(&dir).expect("regressions dir");
                let path = dir.join(format!("mutation-{round:06}"));
                std::fs::write(&path, &input).expect("write failing input");
                failures.push(path.display().to_string());
            }
        }
        println!(
            "fuzz {target}: {rounds} mutated inputs in {:.1?}",
            started.elapsed()
        );
    }
    assert!(failures.is_empty(), "failing inputs: {failures:#?}");
}
