//! Schema migrations, applied in order. `PRAGMA user_version` records how many have run; a store
//! with more than this code knows is refused (it was written by a newer app), never guessed at.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a shipped entry: append.
const MIGRATIONS: &[&str] = &[
    // 1: content, pack metadata, and the user's own data.
    "CREATE TABLE meta (
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
     );",
    // 2: the field outbox: feedback and read acknowledgements queued while offline.
    "CREATE TABLE outbox (
         id         TEXT PRIMARY KEY,
         kind       TEXT NOT NULL,
         doc_id     TEXT,
         payload    TEXT NOT NULL,
         created_at TEXT NOT NULL,
         sent_at    TEXT
     );
     CREATE INDEX outbox_unsent ON outbox(sent_at) WHERE sent_at IS NULL;",
    // 3: checklist progress, per document revision.
    "CREATE TABLE checklist_progress (
         doc_id   TEXT NOT NULL,
         revision INTEGER NOT NULL,
         section  INTEGER NOT NULL,
         step     INTEGER NOT NULL,
         done_at  TEXT NOT NULL,
         PRIMARY KEY (doc_id, section, step)
     );",
    // 4: why feedback was given (wrong number, closed, moved, other).
    "ALTER TABLE outbox ADD COLUMN reason TEXT;",
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
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) fn first_migration_sql() -> &'static str {
    MIGRATIONS[0]
}
