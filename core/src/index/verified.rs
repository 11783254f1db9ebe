//! Which index files have passed their checksum, so a cold open reads only what is new.
//!
//! Checking a file's checksum means reading all of it: the whole index, 19 MB at 52,000
//! documents, several milliseconds of a cold start that has 10 in all. But tantivy never edits
//! a segment file once written (changes go to new segments), so each file is checked once and
//! recorded with its length and modification time, the way git's index skips rehashing a file
//! whose stat data has not changed. A file replaced, truncated or rewritten since is checked
//! again at the next open. Damage that changes neither (storage failing under the file) is
//! found by the full check, [`Scope::All`], which [`crate::FieldRef::check_integrity`] runs
//! before every sync.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tantivy::Index;

/// The record, in the generation's folder. A fork hard-links it with the segments it describes;
/// it is only ever replaced (written aside and renamed), never edited in place.
const RECORD: &str = ".fieldref-verified";

/// A file modified this recently is checked but not recorded: a rewrite within the file
/// system's timestamp granularity could otherwise keep the recorded time (git's "racy" case).
const SETTLED: Duration = Duration::from_secs(2);

/// Which files to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Only files not recorded as verified with their current length and time (at open).
    Changed,
    /// Every file (maintenance).
    All,
}

/// A file's length and modification time (nanoseconds since the epoch).
type Stamp = (u64, u128);

/// The names of the segment files that fail their checksum (or cannot be read), checking
/// `scope`; when none does, the record is brought up to date (best effort: on read-only storage
/// the next open checks again).
pub(crate) fn damaged_files(
    index: &Index,
    dir: &Path,
    scope: Scope,
) -> std::result::Result<Vec<String>, String> {
    let managed = index.directory().list_managed_files();
    let mut files: Vec<PathBuf> = index
        .load_metas()
        .map_err(|e| format!("index unreadable: {e}"))?
        .list_segment_files()
        .into_iter()
        .filter(|file| managed.contains(file))
        .collect();
    files.sort();
    let recorded = match scope {
        Scope::Changed => read_record(dir),
        Scope::All => HashMap::new(),
    };
    let settled_before = SystemTime::now() - SETTLED;
    let mut verified = Vec::new();
    let mut damaged = Vec::new();
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let Some((stamp, modified)) = stamp_of(&dir.join(&file)) else {
            damaged.push(name);
            continue;
        };
        let known = recorded.get(&name) == Some(&stamp);
        if known || index.directory().validate_checksum(&file).unwrap_or(false) {
            if modified < settled_before {
                verified.push((name, stamp));
            }
        } else {
            damaged.push(name);
        }
    }
    if damaged.is_empty() {
        let _ = write_record(dir, &verified);
    }
    Ok(damaged)
}

fn stamp_of(path: &Path) -> Option<(Stamp, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(((meta.len(), nanos), modified))
}

/// `name<TAB>length<TAB>mtime-ns` lines; anything unreadable counts as not verified.
fn read_record(dir: &Path) -> HashMap<String, Stamp> {
    let Ok(text) = std::fs::read_to_string(dir.join(RECORD)) else {
        return HashMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let name = parts.next()?;
            let len = parts.next()?.parse().ok()?;
            let nanos = parts.next()?.parse().ok()?;
            Some((name.to_owned(), (len, nanos)))
        })
        .collect()
}

fn write_record(dir: &Path, verified: &[(String, Stamp)]) -> std::io::Result<()> {
    let mut text = String::new();
    for (name, (len, nanos)) in verified {
        text.push_str(&format!("{name}\t{len}\t{nanos}\n"));
    }
    if std::fs::read_to_string(dir.join(RECORD)).is_ok_and(|old| old == text) {
        return Ok(()); // the usual open: nothing new
    }
    let aside = dir.join(format!("{RECORD}.tmp"));
    std::fs::write(&aside, text)?;
    std::fs::rename(&aside, dir.join(RECORD))
}
