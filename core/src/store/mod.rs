//! The SQLite store: the device's source of truth for content, pack metadata and the user's own
//! data (bookmarks, recents, outbox). The search index is derived from it and can always be
//! rebuilt; the store cannot, so every content change is one transaction.

mod digest_list;
mod legacy_hash;
mod migrations;
mod outbox;
mod packed;
mod progress;
mod read_only;
pub mod recovery;
mod user_data;

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::content::{Audience, DocKind, Document, Pack, PackInfo};
use crate::error::{Error, Result};

pub use migrations::SCHEMA_VERSION;
pub use outbox::{new_item_id, FeedbackReason, OutboxItem, OutboxKind};
pub use progress::StepRef;
pub use recovery::{Damage, RecoveryReport, Salvage};
pub use user_data::SavedItem;

/// What content the store holds: which pack, at which version, with which hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentState {
    pub pack_id: String,
    pub title: String,
    pub channel: String,
    /// Whom the installed content is for.
    pub audience: Audience,
    /// Release version; 0 is the bundled content a device starts with.
    pub version: u64,
    /// SHA-256 over the pack settings and every document, in id order (see [`state_hash`]).
    pub hash: String,
    pub installed_at: String,
}

/// SQLite's own default threshold for its automatic checkpoint, in pages.
const DEFAULT_AUTOCHECKPOINT: i64 = 1_000;
/// `PRAGMA synchronous` levels, as SQLite numbers them.
const SYNCHRONOUS_NORMAL: i64 = 1;
const SYNCHRONOUS_FULL: i64 = 2;

/// The connection's settings an install changes for its own transaction, to put back after it.
struct InstallSettings {
    automatic_checkpoint: i64,
    synchronous: i64,
}

/// A change to the content: the whole pack, or the documents added, changed and removed since the
/// installed version.
#[derive(Debug, Clone)]
pub enum ContentChange<'a> {
    Full(&'a Pack),
    Delta {
        info: &'a PackInfo,
        upserts: &'a [Document],
        deletes: &'a [String],
    },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened from read-only storage: reads work, every write is refused with `ReadOnly`.
    read_only: bool,
    /// Decompresses document rows, keeping the store's dictionary loaded between reads.
    unpacker: std::cell::RefCell<packed::Unpacker>,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, in WAL mode, migrated to the current schema.
    /// On read-only storage it opens for reading instead (see [`Store::is_read_only`]).
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        if read_only::opened_read_only(&conn) {
            drop(conn);
            return Store::open_read_only(path);
        }
        Store::setup(conn, path.to_owned())
    }

    /// A store that lives only in memory (tests, tools).
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, PathBuf::from(":memory:"))
    }

    fn setup(mut conn: Connection, path: PathBuf) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrations::migrate(&mut conn, &path)?;
        Ok(Store {
            conn,
            path,
            read_only: false,
            unpacker: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// The installed content, or `None` before the first install.
    pub fn content_state(&self) -> Result<Option<ContentState>> {
        let Some(info) = self.pack_info()? else {
            return Ok(None);
        };
        let version = self.meta("content_version")?.unwrap_or_default();
        Ok(Some(ContentState {
            pack_id: info.id,
            title: info.title,
            channel: info.channel,
            audience: info.audience,
            version: version
                .parse()
                .map_err(|_| Error::Corrupt(format!("content_version `{version}`")))?,
            hash: self.meta("content_hash")?.unwrap_or_default(),
            installed_at: self.meta("installed_at")?.unwrap_or_default(),
        }))
    }

    pub fn pack_info(&self) -> Result<Option<PackInfo>> {
        match self.meta("pack_info")? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    /// Applies `change` as `version` in one transaction. When `expected_hash` is given, the merged
    /// content's hash must equal it or nothing is committed (the signed state of a release).
    pub fn apply(
        &mut self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
    ) -> Result<ContentState> {
        self.apply_recording(change, version, expected_hash, &[])
    }

    /// [`Store::apply`], also setting `meta` entries in the same transaction: a sync records
    /// what it verified together with the content, so "applied" and "recorded" never differ.
    pub fn apply_recording(
        &mut self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
        meta: &[(&str, String)],
    ) -> Result<ContentState> {
        let saved = self.relax_for_install();
        let applied = self.apply_in_transaction(change, version, expected_hash, meta);
        self.restore_after_install(saved);
        // A dictionary id of a rolled-back install may be reused by the next one.
        *self.unpacker.borrow_mut() = packed::Unpacker::default();
        applied
    }

    /// Settings for an install's own transaction, which checkpoints the log itself once it has
    /// committed (`apply_in_transaction`):
    /// - SQLite's automatic checkpoint off: every 1 % delta (~1,100 pages) passed its threshold
    ///   and copied and synced the pages the install's checkpoint then found done.
    /// - `synchronous = NORMAL`: the commit does not sync the log, because that checkpoint syncs
    ///   the log before copying it and the database after. Only a power cut between the commit
    ///   and the checkpoint can lose the install, and then the store is still consistent at the
    ///   previous content (the index, tagged with the content state, is rebuilt or reopened at
    ///   that state), which the next sync downloads again. User data (bookmarks, the outbox)
    ///   keeps `FULL`: it cannot be downloaded again.
    fn relax_for_install(&self) -> InstallSettings {
        let automatic_checkpoint = self
            .conn
            .query_row("PRAGMA wal_autocheckpoint", [], |row| row.get::<_, i64>(0))
            .unwrap_or(DEFAULT_AUTOCHECKPOINT);
        let synchronous = self
            .conn
            .query_row("PRAGMA synchronous", [], |row| row.get::<_, i64>(0))
            .unwrap_or(SYNCHRONOUS_FULL);
        let _ = self.conn.pragma_update(None, "wal_autocheckpoint", 0);
        let _ = self
            .conn
            .pragma_update(None, "synchronous", SYNCHRONOUS_NORMAL);
        InstallSettings {
            automatic_checkpoint,
            synchronous,
        }
    }

    fn restore_after_install(&self, saved: InstallSettings) {
        let _ = self
            .conn
            .pragma_update(None, "wal_autocheckpoint", saved.automatic_checkpoint);
        let _ = self
            .conn
            .pragma_update(None, "synchronous", saved.synchronous);
    }

    fn apply_in_transaction(
        &mut self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
        meta: &[(&str, String)],
    ) -> Result<ContentState> {
        let before = self.pack_info()?.map(|info| info.audience);
        let tx = self.conn.transaction()?;
        let changes: Option<digest_list::Changes<'_>>;
        let info = match change {
            ContentChange::Full(pack) => {
                tx.execute("DELETE FROM documents", [])?;
                let mut packer = new_dictionary(&tx, &pack.documents)?;
                insert_documents(&tx, &pack.documents, &mut packer)?;
                changes = None;
                tx.execute(
                    "DELETE FROM dictionaries WHERE id NOT IN
                         (SELECT dict FROM documents WHERE dict IS NOT NULL)",
                    [],
                )?;
                &pack.info
            }
            ContentChange::Delta {
                info,
                upserts,
                deletes,
            } => {
                let mut delete = tx.prepare_cached("DELETE FROM documents WHERE id = ?1")?;
                for id in deletes {
                    delete.execute([id])?;
                }
                drop(delete);
                let mut packer = latest_dictionary(&tx)?;
                let digests = insert_documents(&tx, upserts, &mut packer)?;
                let mut merged = digest_list::Changes::new();
                for id in deletes {
                    merged.insert(id.as_str(), None);
                }
                for (doc, digest) in upserts.iter().zip(digests) {
                    merged.insert(doc.id.as_str(), Some(digest));
                }
                changes = Some(merged);
                info
            }
        };
        // Ticks of a checklist that changed (or left) no longer say which steps were done.
        tx.execute(
            "DELETE FROM checklist_progress WHERE NOT EXISTS (SELECT 1 FROM documents d
                 WHERE d.id = checklist_progress.doc_id
                 AND d.revision = checklist_progress.revision)",
            [],
        )?;
        let narrowed = before.is_some_and(|old| old > info.audience);
        if narrowed {
            forget_user_data_of_removed_documents(&tx)?;
        }
        let info_json = serde_json::to_string(info)?;
        // The hash folded from the digest list, merged with this change (the rows' own digests
        // when the store has no list yet, or the whole content changed).
        let mut hasher = StateHasher::new(&info_json);
        let list = match (changes, digest_list::load(&tx)?) {
            (Some(changes), Some(list)) => {
                digest_list::merge_and_hash(&list, &changes, &mut hasher)?
            }
            _ => digest_list::merge_and_hash(
                &digest_list::from_rows(&tx)?,
                &digest_list::Changes::new(),
                &mut hasher,
            )?,
        };
        digest_list::save(&tx, &list)?;
        drop(list);
        let mut hash = hasher.finish();
        if let Some(expected) = expected_hash.filter(|e| *e != hash) {
            // A release signed before `fieldref-state-v2` (a server not yet upgraded).
            let mut unpacker = packed::Unpacker::default();
            if legacy_hash::hash_stored_v1(&tx, &info_json, &mut unpacker)? != expected {
                return Err(Error::HashMismatch {
                    expected: expected.to_owned(),
                    found: hash,
                });
            }
            hash = expected.to_owned();
        }
        let installed_at = chrono::Utc::now().to_rfc3339();
        for (key, value) in [
            ("pack_info", info_json.as_str()),
            ("content_version", &version.to_string()),
            ("content_hash", &hash),
            ("installed_at", &installed_at),
        ] {
            set_meta(&tx, key, value)?;
        }
        for (key, value) in meta {
            set_meta(&tx, key, value)?;
        }
        tx.commit()?;
        if narrowed {
            // The device changed audience: rewrite the file so no page, free or in the WAL,
            // still holds material the new audience may not have.
            self.conn
                .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
        } else {
            // Fold the WAL back so the phone's storage holds the content once, not twice: a
            // whole pack rewrote every page, and deltas, one after another, grew the WAL past
            // the store itself (the soak test measured 1.9x a fresh install after 9 releases).
            // Failure (another process reading) only costs space until the next install.
            let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        self.content_state()?
            .ok_or_else(|| Error::Corrupt("content state missing after install".to_owned()))
    }

    pub fn document(&self, id: &str) -> Result<Option<Document>> {
        let row: Option<(Vec<u8>, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT packed, dict FROM documents WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((compressed, dict)) => Some(serde_json::from_str(&self.unpack(
                id,
                &compressed,
                dict,
            )?)?),
            None => None,
        })
    }

    /// Every document, in id order; `kind` narrows to one kind.
    pub fn documents(&self, kind: Option<DocKind>) -> Result<Vec<Document>> {
        let mut out = Vec::new();
        self.each_document(kind, |doc| {
            out.push(doc);
            Ok(())
        })?;
        Ok(out)
    }

    /// Every document in id order, one at a time: what builds an index without holding the
    /// whole content in memory.
    pub fn each_document(
        &self,
        kind: Option<DocKind>,
        mut visit: impl FnMut(Document) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, packed, dict FROM documents WHERE ?1 IS NULL OR kind = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([kind.map(DocKind::as_str)])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let compressed: Vec<u8> = row.get(1)?;
            let json = self.unpack(&id, &compressed, row.get(2)?)?;
            visit(serde_json::from_str(&json)?)?;
        }
        Ok(())
    }

    fn unpack(&self, id: &str, compressed: &[u8], dict: Option<i64>) -> Result<String> {
        self.unpacker
            .borrow_mut()
            .unpack(id, compressed, dict, |d| dictionary_bytes(&self.conn, d))
    }

    pub fn count_by_kind(&self) -> Result<Vec<(DocKind, u64)>> {
        let mut out = Vec::new();
        for kind in DocKind::ALL {
            let n: i64 = self.conn.query_row(
                "SELECT COUNT(*) FROM documents WHERE kind = ?1",
                [kind.as_str()],
                |row| row.get(0),
            )?;
            out.push((kind, n as u64));
        }
        Ok(out)
    }

    /// Recomputes the content hash from the stored rows (to check the store against its record).
    pub fn computed_hash(&self) -> Result<Option<String>> {
        match self.meta("pack_info")? {
            Some(info_json) => Ok(Some(hash_stored(&self.conn, &info_json)?)),
            None => Ok(None),
        }
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    pub(crate) fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, key, value)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Bookmarks, recents and queued feedback that name a document no longer installed: dropped when
/// the content narrows to a smaller audience, so user data never points at what the device's new
/// audience may not see.
fn forget_user_data_of_removed_documents(tx: &Transaction<'_>) -> Result<()> {
    for table in ["bookmarks", "recents", "outbox"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE doc_id IS NOT NULL
                 AND doc_id NOT IN (SELECT id FROM documents)"
            ),
            [],
        )?;
    }
    Ok(())
}

/// Inserts or replaces the documents; returns each one's digest, in order.
fn insert_documents(
    tx: &Transaction<'_>,
    documents: &[Document],
    packer: &mut packed::Packer,
) -> Result<Vec<[u8; 32]>> {
    documents
        .iter()
        .map(|doc| insert_document(tx, doc, packer))
        .collect()
}

/// Inserts or replaces one document row, compressed, with the digest of its JSON.
fn insert_document(
    tx: &Transaction<'_>,
    doc: &Document,
    packer: &mut packed::Packer,
) -> Result<[u8; 32]> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO documents(id, kind, title, language, audience, revision, packed, digest, dict)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
             language = excluded.language, audience = excluded.audience,
             revision = excluded.revision, packed = excluded.packed, digest = excluded.digest,
             dict = excluded.dict",
    )?;
    let row = packer.pack(serde_json::to_string(doc)?.as_bytes())?;
    insert.execute(params![
        doc.id,
        doc.kind().as_str(),
        doc.title,
        doc.language,
        doc.audience.as_str(),
        doc.revision,
        row.compressed,
        row.digest.as_slice(),
        packer.dictionary(),
    ])?;
    Ok(row.digest)
}

/// Trains a dictionary on the documents a whole install brings and stores it (rolled back with
/// the install); a packer without one when there are too few documents to pay for it.
pub(crate) fn new_dictionary(
    tx: &Transaction<'_>,
    documents: &[Document],
) -> Result<packed::Packer> {
    let step = documents.len().div_ceil(packed::MAX_SAMPLES).max(1);
    let samples: Vec<String> = documents
        .iter()
        .step_by(step)
        .map(serde_json::to_string)
        .collect::<std::result::Result<_, _>>()?;
    let Some(bytes) = packed::train(&samples) else {
        return packed::Packer::new(None);
    };
    tx.execute("INSERT INTO dictionaries(bytes) VALUES (?1)", [&bytes])?;
    packed::Packer::new(Some((tx.last_insert_rowid(), &bytes)))
}

/// The dictionary of the last whole install, for a delta's rows.
fn latest_dictionary(tx: &Transaction<'_>) -> Result<packed::Packer> {
    let latest: Option<(i64, Vec<u8>)> = tx
        .query_row(
            "SELECT id, bytes FROM dictionaries ORDER BY id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    packed::Packer::new(latest.as_ref().map(|(id, bytes)| (*id, bytes.as_slice())))
}

fn dictionary_bytes(conn: &Connection, id: i64) -> Result<Vec<u8>> {
    conn.query_row(
        "SELECT bytes FROM dictionaries WHERE id = ?1",
        [id],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::Corrupt(format!("compression dictionary {id} is missing")))
}

/// Folds the rows' own digests, in id order, into the content hash (without decompressing the
/// JSON): the check of the store against its record. Installs fold the digest list instead.
fn hash_stored(conn: &Connection, info_json: &str) -> Result<String> {
    let mut hasher = StateHasher::new(info_json);
    digest_list::each_stored_digest(conn, |id, digest| {
        hasher.add(id, digest);
        Ok(())
    })?;
    Ok(hasher.finish())
}

/// The content hash: SHA-256 over the pack settings and, for every document in id order, its id
/// and the SHA-256 of its JSON (`fieldref-state-v2`). The same function hashes a pack before it
/// is sent and a store after it is applied, so a device can prove the merged result equals what
/// was signed. Hashing each document's JSON apart (a two-level hash, as strong as SHA-256) lets
/// the store keep the per-document digests and fold them, instead of re-reading every byte of
/// the content to verify a delta of a few hundred documents.
pub fn state_hash(pack: &Pack) -> Result<String> {
    let mut documents: Vec<&Document> = pack.documents.iter().collect();
    documents.sort_by(|a, b| a.id.cmp(&b.id));
    let mut hasher = StateHasher::new(&serde_json::to_string(&pack.info)?);
    for doc in documents {
        hasher.add(
            &doc.id,
            &packed::digest(serde_json::to_string(doc)?.as_bytes()),
        );
    }
    Ok(hasher.finish())
}

struct StateHasher(Sha256);

impl StateHasher {
    fn new(info_json: &str) -> Self {
        let mut sha = Sha256::new();
        sha.update(b"fieldref-state-v2\n");
        sha.update(info_json.as_bytes());
        sha.update(b"\n");
        StateHasher(sha)
    }

    /// The id is length-prefixed and the digest fixed-size, so no two contents feed the same
    /// bytes.
    fn add(&mut self, id: &str, digest: &[u8; 32]) {
        self.0.update((id.len() as u64).to_le_bytes());
        self.0.update(id.as_bytes());
        self.0.update(digest);
    }

    fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
