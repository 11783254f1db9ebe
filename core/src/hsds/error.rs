//! What can stop an import or an export. Callers branch on the variant; every variant names the
//! file (and line, record or field) at fault. Nothing is written when any of these is returned.

use std::path::PathBuf;

use crate::content::Problem;

#[derive(Debug, thiserror::Error)]
pub enum HsdsError {
    /// The I/O error is in the message, not a `source()`, so it is printed once.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not JSON: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: record {index}: {message}")]
    Record {
        path: PathBuf,
        index: usize,
        message: String,
    },
    #[error("{path}:{line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{path}: not an HSDS record, list page or data package ({message})")]
    UnknownShape { path: PathBuf, message: String },
    #[error("{path}: [hsds]: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{}: the pack has {} problem(s) already; fix them first (first: {})", .dir.display(), .problems.len(), first(.problems))]
    PackInvalid {
        dir: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("the import would leave {} problem(s) in the pack; nothing was written (first: {})", .problems.len(), first(.problems))]
    ResultInvalid { problems: Vec<Problem> },
    #[error("{path}: {message}")]
    State { path: PathBuf, message: String },
}

fn first(problems: &[Problem]) -> String {
    problems
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

impl HsdsError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> HsdsError {
        HsdsError::Io {
            path: path.into(),
            error: source,
        }
    }
}
