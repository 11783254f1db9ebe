//! Opening a store that may be damaged, so a bad file never strands the user.
//!
//! Modelled on how Firefox recovers a corrupt `places.sqlite`: when the database cannot be opened
//! or fails its check, it is moved aside (kept for support, never deleted), a fresh one is created,
//! and whatever the user made that can still be read is copied across (Firefox clones the readable
//! tables, then restores bookmarks from its backups). Here the content itself is never at risk: it
//! is reinstalled from the bundled pack by [`crate::FieldRef::open_with`] and brought up to date by
//! the next sync. What is at risk is the user's own data (bookmarks, recents, queued feedback,
//! checklist ticks) and the device's enrollment; each is read row by row from the damaged file,
//! and what could not be read is counted in a [`RecoveryReport`] that the shells show once.
//!
//! Not damage, and left exactly as found: a store written by a newer app
//! ([`Error::SchemaTooNew`]: its data is fine, this app is too old to read it, so the caller gets
//! a typed error that says "update the app"), and a store that cannot be opened for a reason
//! outside the file (a read-only or full disk, permissions): moving it would not help and could
//! lose data.

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, Result};

/// The meta key of a report not yet shown to the user.
const PENDING_REPORT_KEY: &str = "recovery_report";

/// Damaged copies kept beside the store for support; older ones are removed so repeated damage
/// cannot fill the phone.
const KEPT_COPIES: usize = 2;

/// What was wrong with the store file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    /// Not an SQLite database at all (overwritten, or random bytes).
    NotADatabase,
    /// SQLite found damaged pages while opening or reading it (e.g. a truncated file).
    Malformed,
    /// It opened, but `PRAGMA quick_check` found damage.
    FailedCheck,
}

/// One kind of user data: how much was copied into the new store and how much was lost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Salvage {
    pub kept: u64,
    /// `None` when the damaged table could not even be counted: some may have been lost.
    pub lost: Option<u64>,
}

impl Salvage {
    /// Whether anything was (or may have been) lost.
    pub fn lost_any(&self) -> bool {
        self.lost != Some(0)
    }
}

/// What recovering a damaged store did, for the shells to show once in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryReport {
    pub damage: Damage,
    /// SQLite's message, or the first problem `quick_check` named: for support, not for users.
    pub detail: String,
    /// Where the damaged file now is (kept for support).
    pub moved_to: PathBuf,
    /// When it was recovered (RFC 3339).
    pub at: String,
    pub bookmarks: Salvage,
    pub recents: Salvage,
    /// Feedback and read acknowledgements not yet sent.
    pub queued: Salvage,
    pub checklist_steps: Salvage,
    /// Whether the device's enrollment and trust root were read back (`false` also when it had
    /// none or they could not be read: an officers device may need to enroll again).
    pub enrollment_kept: bool,
    /// The content version the damaged store held, when readable: the bundled content replaces
    /// it until the next sync.
    pub previous_content_version: Option<u64>,
}

impl RecoveryReport {
    /// Whether any of the user's own data was (or may have been) lost.
    pub fn lost_user_data(&self) -> bool {
        [
            self.bookmarks,
            self.recents,
            self.queued,
            self.checklist_steps,
        ]
        .iter()
        .any(Salvage::lost_any)
    }
}

/// A store opened by [`open_or_recover`], and the report when it had to be recovered.
pub struct Opened {
    pub store: Store,
    pub recovered: Option<RecoveryReport>,
}

/// Opens the store at `path`, recovering it when the file is damaged (see the module docs).
/// Errors that are not damage (a newer app's store, a read-only disk) are returned unchanged and
/// the file is left as it was.
pub fn open_or_recover(path: &Path) -> Result<Opened> {
    let error = match open_checked(path) {
        Ok(store) => {
            return Ok(Opened {
                store,
                recovered: None,
            })
        }
        Err(error) => error,
    };
    let Some(damage) = damage_of(&error) else {
        return Err(error);
    };
    let report = recover(path, damage, error.to_string())?;
    let store = Store::open(path)?;
    let report = salvage_into(&store, report)?;
    store.set_meta(PENDING_REPORT_KEY, &serde_json::to_string(&report)?)?;
    Ok(Opened {
        store,
        recovered: Some(report),
    })
}

impl Store {
    /// The report of a recovery not yet dismissed: the shells show it once, then call
    /// [`Store::dismiss_recovery_report`].
    pub fn pending_recovery_report(&self) -> Result<Option<RecoveryReport>> {
        // A report that no longer parses (an older shape) is not worth failing the app for.
        Ok(self
            .meta(PENDING_REPORT_KEY)?
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    pub fn dismiss_recovery_report(&self) -> Result<()> {
        self.conn()
            .execute("DELETE FROM meta WHERE key = ?1", [PENDING_REPORT_KEY])?;
        Ok(())
    }
}

/// Opens and checks the file before anything writes to it (migrations would otherwise write
/// into damaged pages). A store on read-only storage opens for reading as [`Store::open`] does:
/// nothing could be moved aside or rebuilt there anyway.
///
/// The check at open is the cheap part of the full one, so a cold open stays a few
/// milliseconds at any content size (a full `quick_check` reads every page: ~35 ms for a
/// 52,000-document store): damage found earlier and marked ([`Store::check_all`]), a file
/// shorter than its header says (truncation), and `quick_check` of the small tables holding the
/// user's own data, the part recovery exists to save. Damage in content pages, which the
/// bundled pack and the next sync can always replace, is found by the full check that every
/// sync runs before it writes, and recovered at the next open (Firefox's Places does the same:
/// a cheap check at startup, the full integrity check in idle maintenance, and a flag that
/// replaces the database at the next start).
fn open_checked(path: &Path) -> Result<Store> {
    if let Some(detail) = marked_damage(path) {
        return Err(Error::StoreDamaged(detail));
    }
    let conn = Connection::open(path)?;
    if super::read_only::opened_read_only(&conn) {
        drop(conn);
        return Store::open_read_only(path);
    }
    check_length(path)?;
    check_user_tables(&conn)?;
    Store::setup(conn, path.to_owned())
}

impl Store {
    /// The full structural check of the whole file (`PRAGMA quick_check`: every page, linear in
    /// the file's size). On damage it marks the file so that the next open recovers it, and
    /// returns [`Error::StoreDamaged`]; the open store keeps serving what it can until then.
    pub fn check_all(&self) -> Result<()> {
        match quick_check(self.conn(), "quick_check(5)") {
            Err(Error::StoreDamaged(detail)) => {
                // Best effort: a marker that cannot be written (read-only storage) only means
                // the next check finds the damage again.
                let _ = mark_damage(&self.path, &detail);
                Err(Error::StoreDamaged(detail))
            }
            other => other,
        }
    }
}

/// Runs one form of `PRAGMA quick_check` and turns its problems into [`Error::StoreDamaged`].
fn quick_check(conn: &Connection, pragma: &str) -> Result<()> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let problems = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(());
    }
    Err(Error::StoreDamaged(problems.join("; ")))
}

/// The tables holding what the user made or the device was given (see [`salvage_into`]).
const USER_TABLES: [&str; 5] = [
    "bookmarks",
    "recents",
    "outbox",
    "checklist_progress",
    "meta",
];

/// `quick_check` of each user table that exists (a new file has none yet): a few pages each.
fn check_user_tables(conn: &Connection) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1")?;
    for table in USER_TABLES {
        if stmt.exists([table])? {
            quick_check(conn, &format!("quick_check('{table}')"))?;
        }
    }
    Ok(())
}

/// A file cut short (a copy or a write that did not finish) is shorter than the page count its
/// header declares. Only checked while no write-ahead log is pending: until a checkpoint, the
/// newest pages live in the log and the file may legitimately be shorter.
fn check_length(path: &Path) -> Result<()> {
    let wal = with_suffix(path, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Ok(());
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let mut header = [0u8; 100];
    if std::io::Read::read_exact(&mut file, &mut header).is_err() {
        return Ok(()); // new or empty: SQLite decides what it is
    }
    let Some(declared) = declared_length(&header) else {
        return Ok(());
    };
    let actual = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if actual < declared {
        return Err(Error::StoreDamaged(format!(
            "the file is {actual} bytes, its header declares {declared}"
        )));
    }
    Ok(())
}

/// The database size an SQLite header declares (page size × page count), when the header says
/// its page count is current (offset 92 equal to the change counter at offset 24).
fn declared_length(header: &[u8; 100]) -> Option<u64> {
    if !header.starts_with(b"SQLite format 3\0") {
        return None;
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(be32(28));
    (be32(92) == be32(24) && pages > 0).then_some(page_size * pages)
}

/// The file marking a store the full check found damaged, beside it.
fn marker_path(path: &Path) -> PathBuf {
    with_suffix(path, "-damaged")
}

fn mark_damage(path: &Path, detail: &str) -> Result<()> {
    let marker = marker_path(path);
    std::fs::write(&marker, detail).map_err(|e| Error::io(&marker, e))
}

/// What the full check found, when it marked this store.
fn marked_damage(path: &Path) -> Option<String> {
    let detail = std::fs::read_to_string(marker_path(path)).ok()?;
    Some(if detail.is_empty() {
        "marked damaged by an earlier check".to_owned()
    } else {
        detail
    })
}

fn damage_of(error: &Error) -> Option<Damage> {
    match error {
        Error::StoreDamaged(_) => Some(Damage::FailedCheck),
        Error::Storage(e) => match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Some(Damage::NotADatabase),
            Some(ErrorCode::DatabaseCorrupt) => Some(Damage::Malformed),
            _ => None,
        },
        _ => None,
    }
}

/// Moves the damaged file (and its WAL, which holds committed data) aside, and removes older
/// damaged copies beyond [`KEPT_COPIES`].
fn recover(path: &Path, damage: Damage, detail: String) -> Result<RecoveryReport> {
    let now = chrono::Utc::now();
    let moved_to = aside_path(path, &now.format("%Y%m%dT%H%M%S%.3fZ").to_string());
    std::fs::rename(path, &moved_to).map_err(|e| Error::io(path, e))?;
    for suffix in ["-wal", "-shm"] {
        let from = with_suffix(path, suffix);
        if from.exists() {
            let to = with_suffix(&moved_to, suffix);
            std::fs::rename(&from, &to).map_err(|e| Error::io(&from, e))?;
        }
    }
    prune_copies(path);
    let marker = marker_path(path);
    if marker.exists() {
        std::fs::remove_file(&marker).map_err(|e| Error::io(&marker, e))?;
    }
    Ok(RecoveryReport {
        damage,
        detail,
        moved_to,
        at: now.to_rfc3339(),
        bookmarks: Salvage::default(),
        recents: Salvage::default(),
        queued: Salvage::default(),
        checklist_steps: Salvage::default(),
        enrollment_kept: false,
        previous_content_version: None,
    })
}

/// `fieldref.sqlite3` -> `fieldref.corrupt-<stamp>.sqlite3` (a new name if that one is taken).
fn aside_path(path: &Path, stamp: &str) -> PathBuf {
    let (stem, ext) = stem_and_ext(path);
    let mut n = 0;
    loop {
        let tag = if n == 0 {
            stamp.to_owned()
        } else {
            format!("{stamp}-{n}")
        };
        let candidate = path.with_file_name(format!("{stem}.corrupt-{tag}{ext}"));
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

fn stem_and_ext(path: &Path) -> (String, String) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store".to_owned());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (stem, ext)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Best effort: a copy that cannot be removed only costs space.
fn prune_copies(path: &Path) {
    let (stem, ext) = stem_and_ext(path);
    let prefix = format!("{stem}.corrupt-");
    let Some(dir) = path.parent() else { return };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // The stamp sorts by time, so the names do too.
    let mut copies: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(ext.as_str()))
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(KEPT_COPIES);
    for old in copies.into_iter().take(excess) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&old, suffix));
        }
    }
}

/// A table of user data copied from the damaged store, with the rows worth keeping.
struct Table {
    name: &'static str,
    columns: &'static str,
    filter: &'static str,
}

const BOOKMARKS: Table = Table {
    name: "bookmarks",
    columns: "doc_id, created_at",
    filter: "1",
};
const RECENTS: Table = Table {
    name: "recents",
    columns: "doc_id, viewed_at",
    filter: "1",
};
/// Sent items are the server's now; only what is still queued matters. A damaged store may
/// predate the reason column (schema 4): then the items are kept without their reason.
const QUEUED: Table = Table {
    name: "outbox",
    columns: "id, kind, doc_id, payload, created_at, sent_at, reason",
    filter: "sent_at IS NULL",
};
const QUEUED_BEFORE_REASONS: Table = Table {
    name: "outbox",
    columns: "id, kind, doc_id, payload, created_at, sent_at",
    filter: "sent_at IS NULL",
};
const CHECKLIST_STEPS: Table = Table {
    name: "checklist_progress",
    columns: "doc_id, revision, section, step, done_at",
    filter: "1",
};
/// The device's identity: its trust root (possibly rotated since the app was built) and its
/// officers enrollment. Sync state is not copied: it describes content the new store does not
/// hold, and the next sync rebuilds it.
const IDENTITY: Table = Table {
    name: "meta",
    columns: "key, value",
    filter: "key IN ('trust_root', 'device_credential', 'officers_device', \
             'officers_credential', 'officers_device_key')",
};

/// Copies what can be read from the damaged file into the fresh `store`, counting what could not.
fn salvage_into(store: &Store, mut report: RecoveryReport) -> Result<RecoveryReport> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let damaged = match Connection::open_with_flags(&report.moved_to, flags) {
        Ok(conn) => conn,
        Err(_) => {
            // Nothing readable: everything the user had is unknown.
            for s in [
                &mut report.bookmarks,
                &mut report.recents,
                &mut report.queued,
                &mut report.checklist_steps,
            ] {
                *s = Salvage {
                    kept: 0,
                    lost: None,
                };
            }
            return Ok(report);
        }
    };
    report.bookmarks = copy(&damaged, store, &BOOKMARKS)?;
    report.recents = copy(&damaged, store, &RECENTS)?;
    let has_reasons = damaged.prepare("SELECT reason FROM outbox LIMIT 0").is_ok();
    report.queued = if has_reasons {
        copy(&damaged, store, &QUEUED)?
    } else {
        copy(&damaged, store, &QUEUED_BEFORE_REASONS)?
    };
    report.checklist_steps = copy(&damaged, store, &CHECKLIST_STEPS)?;
    report.enrollment_kept = copy(&damaged, store, &IDENTITY)?.kept > 0;
    report.previous_content_version = damaged
        .query_row(
            "SELECT value FROM meta WHERE key = 'content_version'",
            [],
            |row| row.get::<_, String>(0),
        )
        .optional()
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    Ok(report)
}

/// Reads `table` front to back, and when a damaged page stops the scan, back to front, so rows
/// on both sides of the damage are kept. Errors reading the damaged file are expected and only
/// counted; errors writing the new store are real and returned.
fn copy(damaged: &Connection, store: &Store, table: &Table) -> Result<Salvage> {
    let count: Option<u64> = damaged
        .query_row(
            &format!("SELECT COUNT(*) FROM {} WHERE {}", table.name, table.filter),
            [],
            |row| row.get::<_, i64>(0),
        )
        .ok()
        .map(|n| n.max(0) as u64);
    let (mut rows, complete) = scan(damaged, table, "ASC");
    if !complete {
        rows.extend(scan(damaged, table, "DESC").0);
    }
    let placeholders = vec!["?"; table.columns.split(',').count()].join(", ");
    let insert = format!(
        "INSERT OR IGNORE INTO {}({}) VALUES ({placeholders})",
        table.name, table.columns
    );
    let mut kept = 0;
    let tx = store.conn().unchecked_transaction()?;
    {
        let mut stmt = tx.prepare(&insert)?;
        for row in rows {
            kept += stmt.execute(rusqlite::params_from_iter(row))? as u64;
        }
    }
    tx.commit()?;
    let lost = if complete {
        Some(0)
    } else {
        count.map(|n| n.saturating_sub(kept))
    };
    Ok(Salvage { kept, lost })
}

/// The rows read before the first error, and whether the scan reached the end.
fn scan(damaged: &Connection, table: &Table, order: &str) -> (Vec<Vec<Value>>, bool) {
    let sql = format!(
        "SELECT {} FROM {} WHERE {} ORDER BY rowid {order}",
        table.columns, table.name, table.filter
    );
    let width = table.columns.split(',').count();
    let mut out = Vec::new();
    let Ok(mut stmt) = damaged.prepare(&sql) else {
        return (out, false);
    };
    let Ok(mut rows) = stmt.query([]) else {
        return (out, false);
    };
    loop {
        match rows.next() {
            Ok(Some(row)) => {
                let values: rusqlite::Result<Vec<Value>> = (0..width).map(|i| row.get(i)).collect();
                match values {
                    Ok(values) => out.push(values),
                    Err(_) => return (out, false),
                }
            }
            Ok(None) => return (out, true),
            Err(_) => return (out, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{OutboxKind, SCHEMA_VERSION};

    fn report_for(moved_to: PathBuf) -> RecoveryReport {
        RecoveryReport {
            damage: Damage::FailedCheck,
            detail: String::new(),
            moved_to,
            at: String::new(),
            bookmarks: Salvage::default(),
            recents: Salvage::default(),
            queued: Salvage::default(),
            checklist_steps: Salvage::default(),
            enrollment_kept: false,
            previous_content_version: None,
        }
    }

    /// A damaged store may be older than this code: its queued items come back without a
    /// reason, and the device's enrollment and trust root come back with them; sent items and
    /// sync state do not.
    #[test]
    fn salvage_reads_an_older_schema_and_keeps_the_devices_identity() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = dir.path().join("old.sqlite3");
        {
            let store = Store::open(&old).expect("old store");
            let queued = store
                .queue(OutboxKind::Feedback, Some("doc-a"), "line is dead")
                .expect("queue");
            let sent = store
                .queue(OutboxKind::Feedback, Some("doc-b"), "sent already")
                .expect("queue");
            store.mark_sent(&[sent.id]).expect("sent");
            store.set_meta("trust_root", "{\"keys\":[]}").expect("root");
            store
                .set_meta("officers_credential", "secret")
                .expect("cred");
            store.set_meta("sync_manifest_version", "9").expect("sync");
            store.add_bookmark("doc-a").expect("bookmark");
            store
                .conn()
                .execute_batch("ALTER TABLE outbox DROP COLUMN reason; PRAGMA user_version = 3;")
                .expect("make it a schema 3 store");
            assert_eq!(queued.reason, None);
        }
        let fresh = Store::open(&dir.path().join("new.sqlite3")).expect("fresh");
        let report = salvage_into(&fresh, report_for(old)).expect("salvage");
        assert_eq!(
            report.queued,
            Salvage {
                kept: 1,
                lost: Some(0)
            }
        );
        assert_eq!(
            report.bookmarks,
            Salvage {
                kept: 1,
                lost: Some(0)
            }
        );
        assert!(report.enrollment_kept);
        let queued = fresh.outbox(true).expect("outbox");
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].payload, "line is dead");
        assert_eq!(
            fresh.meta("officers_credential").expect("meta").as_deref(),
            Some("secret")
        );
        assert_eq!(fresh.meta("sync_manifest_version").expect("meta"), None);
        assert_eq!(fresh.schema_version().expect("version"), SCHEMA_VERSION);
    }

    /// The header of a real store declares its length; a foreign or stale header declares none.
    #[test]
    fn the_header_declares_the_files_length_when_current() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.sqlite3");
        drop(Store::open(&path).expect("store"));
        let bytes = std::fs::read(&path).expect("read");
        let header: [u8; 100] = bytes[..100].try_into().expect("header");
        assert_eq!(declared_length(&header), Some(bytes.len() as u64));
        check_length(&path).expect("a whole file passes");

        let mut stale = header;
        stale[95] ^= 1; // version-valid-for no longer equals the change counter
        assert_eq!(declared_length(&stale), None);
        let mut foreign = header;
        foreign[0] = b'X';
        assert_eq!(declared_length(&foreign), None);

        std::fs::write(&path, &bytes[..bytes.len() - 1]).expect("cut");
        assert!(matches!(check_length(&path), Err(Error::StoreDamaged(_))));
    }

    #[test]
    fn damaged_copies_get_names_that_sort_by_time_and_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("fieldref.sqlite3");
        let first = aside_path(&path, "20261206T090000.000Z");
        assert_eq!(
            first.file_name().and_then(|n| n.to_str()),
            Some("fieldref.corrupt-20261206T090000.000Z.sqlite3")
        );
        std::fs::write(&first, b"x").expect("write");
        let second = aside_path(&path, "20261206T090000.000Z");
        assert_ne!(first, second);
    }
}
