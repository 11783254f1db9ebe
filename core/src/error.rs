//! The core's error type. Rich on purpose: the CLI prints it, and the FFI layer maps it once to
//! the few cases a screen can act on.

use std::path::PathBuf;

use crate::content::Problem;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),

    #[error(
        "the data in {path} was written by a newer FieldRef (schema {found}; this version knows up \
         to {supported}): update the app; nothing was changed"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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

    /// The store file failed `PRAGMA quick_check`. [`crate::FieldRef::open_with`] recovers from
    /// it (see [`crate::store::recovery`]); only a bare [`crate::store::Store`] user sees it.
    #[error("the store is damaged: {0}")]
    StoreDamaged(String),

    #[error("sync: {0}")]
    Sync(#[from] crate::sync::SyncError),

    #[error("signature: {0}")]
    Signature(#[from] crate::pack::VerifyError),

    /// Content for an audience this build does not serve (officers material handed to a
    /// community partners' build): refused, nothing changed.
    #[error("{what} is for the {found} audience; this is a build for the {allowed} audience")]
    AudienceNotAllowed {
        what: String,
        found: &'static str,
        allowed: &'static str,
    },
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
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Corrupt(format!("stored JSON: {e}"))
    }
}
