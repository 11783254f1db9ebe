//! A store on read-only storage (a data directory mounted read-only, an image shipped on
//! read-only media): it still opens, so the device can search and read its content; every write
//! (bookmarks, feedback, updates) is refused by SQLite and reported as `Error::ReadOnly`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::{migrations, Store};
use crate::error::{Error, Result};

/// Whether SQLite fell back to reading only (it does when the file or its folder cannot be
/// written).
pub(super) fn opened_read_only(conn: &Connection) -> bool {
    conn.is_readonly(MAIN_DB).unwrap_or(false)
}

impl Store {
    /// Opens `path` for reading only. A store in WAL mode needs its shared-memory file to be
    /// read live; a cleanly closed one has none and cannot create it here, so it is opened as
    /// immutable (nothing can change it while the storage is read-only).
    pub(crate) fn open_read_only(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let live = Connection::open_with_flags(path, flags)
            .and_then(|conn| schema_version(&conn).map(|_| conn));
        let conn = match live {
            Ok(conn) => conn,
            Err(_) => Connection::open_with_flags(immutable_uri(path), flags)?,
        };
        let found = schema_version(&conn)?;
        if found > migrations::SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                path: path.to_owned(),
                found,
                supported: migrations::SCHEMA_VERSION,
            });
        }
        if found < migrations::SCHEMA_VERSION {
            return Err(Error::ReadOnly {
                detail: format!(
                    "{} needs an upgrade (schema {found} to {}) that cannot be saved",
                    path.display(),
                    migrations::SCHEMA_VERSION
                ),
            });
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
            read_only: true,
            unpacker: Default::default(),
        })
    }

    /// Whether this store is on read-only storage.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }
}

fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// `file:` URI for `path` with `immutable=1`; the characters a URI gives meaning to escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_escapes_what_sqlite_would_read_as_query() {
        assert_eq!(
            immutable_uri(Path::new("/data/50%?#/fieldref.sqlite3")),
            "file:/data/50%25%3f%23/fieldref.sqlite3?immutable=1"
        );
    }
}
