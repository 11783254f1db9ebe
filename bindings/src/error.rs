//! The one error type the shells see, mapped once from the core's rich error. Each variant is
//! something a screen can act on: show "not found", fix the input, retry later, or report.

use fieldref_core::sync::SyncError;
use fieldref_core::Error;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum FieldRefError {
    /// The document or item does not exist (or is not for this viewer).
    #[error("not found: {detail}")]
    NotFound { detail: String },
    /// Bad input from the caller (empty feedback, unknown id format, invalid content).
    #[error("invalid input: {detail}")]
    InvalidInput { detail: String },
    /// The device's storage failed or was written by a newer app: content is unchanged.
    #[error("storage: {detail}")]
    Storage { detail: String },
    /// No connection, a timeout, or the server asked to retry later: try again when connected.
    #[error("network: {detail}")]
    Network { detail: String },
    /// An update was refused (not authentic, not current, or damaged): the device keeps its
    /// last good content.
    #[error("update refused: {detail}")]
    UpdateRefused { detail: String },
}

impl From<Error> for FieldRefError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::NotFound(_) => FieldRefError::NotFound { detail: message },
            Error::InvalidInput(_) | Error::InvalidContent(_) => {
                FieldRefError::InvalidInput { detail: message }
            }
            Error::Sync(
                SyncError::Transport { .. } | SyncError::Status { .. } | SyncError::Backoff { .. },
            ) => FieldRefError::Network { detail: message },
            Error::Sync(_) | Error::Signature(_) | Error::TooLarge { .. } => {
                FieldRefError::UpdateRefused { detail: message }
            }
            Error::Storage(_)
            | Error::SchemaTooNew { .. }
            | Error::Index(_)
            | Error::Io { .. }
            | Error::HashMismatch { .. }
            | Error::Corrupt(_) => FieldRefError::Storage { detail: message },
        }
    }
}

pub type Result<T> = std::result::Result<T, FieldRefError>;
