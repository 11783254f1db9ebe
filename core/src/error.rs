//! The core's error type. Rich on purpose: the CLI prints it, and the FFI layer maps it once to
//! the few cases a screen can act on.
//!
//! Each message is one plain sentence carrying its detail once. So no variant both prints a
//! wrapped error and returns it as its `source()`: `anyhow`'s `{:#}` prints the whole chain, and
//! a rusqlite error alone would read "database disk image is malformed: database disk image is
//! malformed: Error code 11: ...". Wrapped errors are rendered into the message instead.

use std::path::PathBuf;

use crate::content::Problem;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store could not be read or written; the message says how (damaged, busy, ...).
    #[error("{}", storage_message(.0))]
    Storage(rusqlite::Error),

    /// The device is out of storage: the change that needed it was not saved, and the store
    /// keeps its last good content and every bookmark and queued item.
    #[error("the device's storage is full, so this change was not saved ({detail})")]
    StorageFull { detail: String },

    /// The data directory cannot be written (read-only storage): content can still be searched
    /// and read, but bookmarks, feedback and updates cannot be saved.
    #[error(
        "the data directory is read-only: searching works, but bookmarks, feedback and updates \
         cannot be saved ({detail})"
    )]
    ReadOnly { detail: String },

    /// Another process holds what this one needs (the index lock) for longer than it waits.
    #[error("{0}; try again shortly")]
    Busy(String),

    #[error(
        "the data in {path} was written by a newer FieldRef (schema {found}; this version knows up \
         to {supported}): update the app; nothing was changed"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("the search index could not be read or written: {}", index_detail(.0))]
    Index(tantivy::TantivyError),

    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },

    #[error("content has {} problem(s):\n{}", .0.len(), render_problems(.0))]
    InvalidContent(Vec<Problem>),

    #[error("not found: {0}")]
    NotFound(String),

    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// Data that would decompress past its signed (or the absolute) size: refused with memory
    /// bounded by `limit`.
    #[error("{what} expands past {limit} bytes: refused")]
    TooLarge { what: String, limit: u64 },

    /// Applying an update produced content whose hash is not the signed one; nothing was applied.
    #[error("merged content hash {found} does not match the signed {expected}; nothing applied")]
    HashMismatch { expected: String, found: String },

    #[error("corrupt data: {0}")]
    Corrupt(String),

    /// The store file failed `PRAGMA quick_check`. At open, [`crate::FieldRef::open_with`]
    /// recovers from it (see [`crate::store::recovery`]); found later (by
    /// [`crate::FieldRef::check_integrity`], which every sync runs first), the store is marked and
    /// the next open recovers it.
    #[error("the store is damaged: {0}")]
    StoreDamaged(String),

    #[error("sync: {0}")]
    Sync(crate::sync::SyncError),

    #[error("signature: {0}")]
    Signature(crate::pack::VerifyError),

    /// Content for an audience this build does not serve (officers material handed to a
    /// community partners' build): refused, nothing changed.
    #[error("{what} is for the {found} audience; this is a build for the {allowed} audience")]
    AudienceNotAllowed {
        what: String,
        found: &'static str,
        allowed: &'static str,
    },

    /// Content whose time zone is a real one this build of the library leaves out (chrono-tz
    /// built with only the deployment's zones): refused before anything is installed, since
    /// every "open now" would be wrong. Needs a build of the app that includes the zone.
    #[error(
        "the pack's time zone `{zone}` is not in this build of the app ({built}); \
         it needs a build that includes it; nothing was installed"
    )]
    TimeZoneNotBuilt { zone: String, built: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn render_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// An I/O failure on `path`; a full or read-only disk gets its own kind, so callers can
    /// say why an update failed without reading the message.
    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Error {
        let path = path.into();
        match disk_condition(&error) {
            Some(DiskCondition::Full) => Error::StorageFull {
                detail: format!("{}: {error}", path.display()),
            },
            Some(DiskCondition::ReadOnly) => Error::ReadOnly {
                detail: format!("{}: {error}", path.display()),
            },
            None => Error::Io { path, error },
        }
    }
}

enum DiskCondition {
    Full,
    ReadOnly,
}

fn disk_condition(error: &std::io::Error) -> Option<DiskCondition> {
    use std::io::ErrorKind;
    match (error.kind(), error.raw_os_error()) {
        (ErrorKind::StorageFull | ErrorKind::QuotaExceeded, _) | (_, Some(28 | 122)) => {
            Some(DiskCondition::Full)
        }
        (ErrorKind::ReadOnlyFilesystem, _) | (_, Some(30)) => Some(DiskCondition::ReadOnly),
        _ => None,
    }
}

/// The first I/O error in a chain of sources, where tantivy keeps it.
fn io_in_chain<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        next = e.source();
    }
    None
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::StorageFull {
                detail: storage_detail(&e),
            },
            Some(ErrorCode::ReadOnly) => Error::ReadOnly {
                detail: storage_detail(&e),
            },
            _ => Error::Storage(e),
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        use tantivy::directory::error::{OpenReadError, OpenWriteError};
        let io = match &e {
            tantivy::TantivyError::IoError(io)
            | tantivy::TantivyError::OpenWriteError(OpenWriteError::IoError {
                io_error: io, ..
            })
            | tantivy::TantivyError::OpenReadError(OpenReadError::IoError {
                io_error: io, ..
            }) => Some(io.as_ref()),
            other => io_in_chain(other),
        };
        match io.and_then(disk_condition) {
            Some(DiskCondition::Full) => Error::StorageFull {
                detail: format!("search index: {}", index_detail(&e)),
            },
            Some(DiskCondition::ReadOnly) => Error::ReadOnly {
                detail: format!("search index: {}", index_detail(&e)),
            },
            None => Error::Index(e),
        }
    }
}

impl From<crate::sync::SyncError> for Error {
    fn from(e: crate::sync::SyncError) -> Self {
        Error::Sync(e)
    }
}

impl From<crate::pack::VerifyError> for Error {
    fn from(e: crate::pack::VerifyError) -> Self {
        Error::Signature(e)
    }
}

/// One sentence for what went wrong with the store, then SQLite's own words once.
fn storage_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    let sentence = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => "the store file is damaged",
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "the store is busy in another process"
        }
        Some(ErrorCode::CannotOpen) => "the store file cannot be opened",
        Some(ErrorCode::SystemIoFailure) => "the store could not be read or written (I/O error)",
        Some(ErrorCode::PermissionDenied) => "the store may not be accessed (permission denied)",
        _ => "the store could not be read or written",
    };
    format!("{sentence} ({})", storage_detail(e))
}

/// SQLite's message and, when it adds something, its extended code; once.
fn storage_detail(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            let text = message
                .clone()
                .unwrap_or_else(|| rusqlite::ffi::code_to_str(code.extended_code).to_owned());
            format!("{text}; SQLite code {}", code.extended_code)
        }
        other => other.to_string(),
    }
}

/// tantivy's words, with its I/O error (the usual cause) stated plainly.
fn index_detail(e: &tantivy::TantivyError) -> String {
    match e {
        tantivy::TantivyError::IoError(io) => io.to_string(),
        tantivy::TantivyError::OpenWriteError(
            tantivy::directory::error::OpenWriteError::IoError { io_error, filepath },
        ) => format!("{}: {io_error}", filepath.display()),
        tantivy::TantivyError::OpenReadError(
            tantivy::directory::error::OpenReadError::IoError { io_error, filepath },
        ) => format!("{}: {io_error}", filepath.display()),
        other => other.to_string(),
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Corrupt(format!("stored JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message in the chain `anyhow` prints, joined as `{:#}` joins them.
    fn chain(error: &(dyn std::error::Error + 'static)) -> String {
        let mut parts = vec![error.to_string()];
        let mut next = error.source();
        while let Some(e) = next {
            parts.push(e.to_string());
            next = e.source();
        }
        parts.join(": ")
    }

    #[test]
    fn a_damaged_store_is_one_sentence_with_sqlite_s_words_once() {
        let sqlite = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some("database disk image is malformed".to_owned()),
        );
        let error = Error::from(sqlite);
        assert!(matches!(error, Error::Storage(_)));
        let printed = chain(&error);
        assert_eq!(
            printed,
            "the store file is damaged (database disk image is malformed; SQLite code 11)"
        );
    }

    #[test]
    fn full_and_read_only_disks_are_their_own_kinds() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        let error = Error::from(full);
        assert!(matches!(error, Error::StorageFull { .. }), "{error}");
        assert_eq!(chain(&error).matches("full").count(), 2, "{error}");
        let read_only = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some("attempt to write a readonly database".to_owned()),
        );
        assert!(matches!(Error::from(read_only), Error::ReadOnly { .. }));
        let enospc = std::io::Error::from_raw_os_error(28);
        assert!(matches!(
            Error::io("/data/index", enospc),
            Error::StorageFull { .. }
        ));
        let tantivy = tantivy::TantivyError::IoError(std::sync::Arc::new(
            std::io::Error::from_raw_os_error(28),
        ));
        assert!(matches!(Error::from(tantivy), Error::StorageFull { .. }));
        let erofs = std::io::Error::from_raw_os_error(30);
        assert!(matches!(Error::io("/data", erofs), Error::ReadOnly { .. }));
    }

    #[test]
    fn wrapped_errors_are_printed_once() {
        let error = Error::io("/data/pack.frp", std::io::Error::from_raw_os_error(2));
        let printed = chain(&error);
        assert_eq!(printed.matches("No such file").count(), 1, "{printed}");
        let sync = Error::from(crate::sync::SyncError::Transport {
            url: "https://u/m".to_owned(),
            error: crate::sync::TransportError::Timeout,
        });
        assert_eq!(chain(&sync), "sync: https://u/m: timed out");
    }
}
