//! Schema migrations, applied in order. `PRAGMA user_version` records how many have run; a store
//! with more than this code knows is refused (it was written by a newer app), never guessed at.

use std::path::Path;

use rusqlite::{params, Connection, Transaction};

use crate::error::{Error, Result};

/// One schema step: plain SQL, or code where rows must be rewritten (SQLite has no zstd).
enum Migration {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> Result<()>),
}

use Migration::{Code, Sql};

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a shipped entry: append.
const MIGRATIONS: &[Migration] = &[
    // 1: content, pack metadata, and the user's own data.
    Sql("CREATE TABLE meta (
         key   TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );
     CREATE TABLE documents (
         id       TEXT PRIMARY KEY,
         kind     TEXT NOT NULL,
         title    TEXT NOT NULL,
         language TEXT NOT NULL,
         audience TEXT NOT NULL,
         revision INTEGER NOT NULL,
         json     TEXT NOT NULL
     );
     CREATE INDEX documents_kind ON documents(kind);
     CREATE TABLE bookmarks (
         doc_id     TEXT PRIMARY KEY,
         created_at TEXT NOT NULL
     );
     CREATE TABLE recents (
         doc_id    TEXT PRIMARY KEY,
         viewed_at TEXT NOT NULL
     );"),
    // 2: the field outbox: feedback and read acknowledgements queued while offline.
    Sql("CREATE TABLE outbox (
         id         TEXT PRIMARY KEY,
         kind       TEXT NOT NULL,
         doc_id     TEXT,
         payload    TEXT NOT NULL,
         created_at TEXT NOT NULL,
         sent_at    TEXT
     );
     CREATE INDEX outbox_unsent ON outbox(sent_at) WHERE sent_at IS NULL;"),
    // 3: checklist progress, per document revision.
    Sql("CREATE TABLE checklist_progress (
         doc_id   TEXT NOT NULL,
         revision INTEGER NOT NULL,
         section  INTEGER NOT NULL,
         step     INTEGER NOT NULL,
         done_at  TEXT NOT NULL,
         PRIMARY KEY (doc_id, section, step)
     );"),
    // 4: why feedback was given (wrong number, closed, moved, other).
    Sql("ALTER TABLE outbox ADD COLUMN reason TEXT;"),
    // 5: document JSON zstd-compressed, with the digest the content hash is folded from.
    Code(compress_documents),
];

/// The schema version this code writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings `conn` up to [`SCHEMA_VERSION`], one transaction per step.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let mut rewrote = false;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let tx = conn.transaction()?;
        match step {
            Sql(sql) => tx.execute_batch(sql)?,
            Code(run) => {
                run(&tx)?;
                rewrote = true;
            }
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    if rewrote && found > 0 {
        // The old rows' pages are free now: give them back to the phone's storage. Failure
        // (another process reading) costs only space until the next install's checkpoint.
        let _ = conn.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
    }
    Ok(())
}

/// The documents table with compressed JSON and per-document digests (schema 5).
const DOCUMENTS_V5: &str = "CREATE TABLE documents (
         id       TEXT PRIMARY KEY,
         kind     TEXT NOT NULL,
         title    TEXT NOT NULL,
         language TEXT NOT NULL,
         audience TEXT NOT NULL,
         revision INTEGER NOT NULL,
         packed   BLOB NOT NULL,
         digest   BLOB NOT NULL,
         dict     INTEGER
     );
     CREATE TABLE IF NOT EXISTS dictionaries (
         id    INTEGER PRIMARY KEY,
         bytes BLOB NOT NULL
     );
     CREATE TABLE IF NOT EXISTS digest_list (
         id      INTEGER PRIMARY KEY CHECK (id = 1),
         entries BLOB NOT NULL
     );
     CREATE INDEX documents_kind ON documents(kind);";

/// Schema 5: rewrites every document row compressed, in the same transaction as the schema
/// change, so a store is either wholly old or wholly new. User data lives in other tables and
/// is not touched. The recorded content hash (what the release signed) stays as it was: it
/// names the installed content, and the next release is verified with the digests.
fn compress_documents(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "ALTER TABLE documents RENAME TO documents_v4;
         DROP INDEX IF EXISTS documents_kind;",
    )?;
    tx.execute_batch(DOCUMENTS_V5)?;
    let packer = {
        let mut read = tx.prepare("SELECT json FROM documents_v4 ORDER BY id")?;
        let all: Vec<String> = read
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let step = all.len().div_ceil(super::packed::MAX_SAMPLES).max(1);
        let samples: Vec<&String> = all.iter().step_by(step).collect();
        match super::packed::train(&samples) {
            Some(bytes) => {
                tx.execute("INSERT INTO dictionaries(bytes) VALUES (?1)", [&bytes])?;
                super::packed::Packer::new(Some((tx.last_insert_rowid(), &bytes)))?
            }
            None => super::packed::Packer::new(None)?,
        }
    };
    let mut packer = packer;
    {
        let mut read = tx.prepare(
            "SELECT id, kind, title, language, audience, revision, json FROM documents_v4",
        )?;
        let mut insert = tx.prepare(
            "INSERT INTO documents(id, kind, title, language, audience, revision, packed, digest,
                 dict)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let json: String = row.get(6)?;
            let packed = packer.pack(json.as_bytes())?;
            insert.execute(params![
                id,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, i64>(5)?,
                packed.compressed,
                packed.digest.as_slice(),
                packer.dictionary(),
            ])?;
        }
    }
    tx.execute_batch("DROP TABLE documents_v4;")?;
    super::digest_list::save(tx, &super::digest_list::from_rows(tx)?)?;
    Ok(())
}

#[cfg(test)]
pub(crate) fn first_migration_sql() -> &'static str {
    match MIGRATIONS[0] {
        Sql(sql) => sql,
        Code(_) => unreachable!("the first migration is SQL"),
    }
}

/// Runs the migrations up to (not including) `version`: a store as an older app left it.
#[cfg(test)]
pub(crate) fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    for (i, step) in MIGRATIONS.iter().enumerate().take(version) {
        let tx = conn.transaction()?;
        match step {
            Sql(sql) => tx.execute_batch(sql)?,
            Code(run) => run(&tx)?,
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
