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
    /// The device's storage failed: content is unchanged. (A damaged store is not this: it is
    /// recovered at open, see `FieldRefApp::recovery_report`.)
    #[error("storage: {detail}")]
    Storage { detail: String },
    /// The device's storage is full: the change (an update, a bookmark) was not saved, and the
    /// device keeps its last good content and user data. Show "free some space".
    #[error("storage full: {detail}")]
    StorageFull { detail: String },
    /// The data directory is read-only: search and reading work, saving does not.
    #[error("read-only: {detail}")]
    ReadOnly { detail: String },
    /// The data directory was written by a newer FieldRef (an app downgrade or a restored
    /// backup): it is kept untouched. Tell the user to update the app; nothing was lost.
    #[error("written by a newer app (schema {found}, this app reads up to {supported}): {detail}")]
    DataFromNewerApp {
        found: i64,
        supported: i64,
        detail: String,
    },
    /// No connection, a timeout, or a server error: try again when connected.
    #[error("network: {detail}")]
    Network { detail: String },
    /// The server asked to be left alone for `retry_after_seconds` (429/503 with Retry-After):
    /// schedule the next sync no sooner.
    #[error("retry in {retry_after_seconds} s: {detail}")]
    RetryLater {
        retry_after_seconds: u64,
        detail: String,
    },
    /// The server refused the request: `status` and `code` say why (`unauthorized`,
    /// `forbidden`, `bad_request`, ...). Retrying unchanged will not help.
    #[error("refused by the server (HTTP {status} {code}): {detail}")]
    Refused {
        status: u16,
        code: String,
        detail: String,
    },
    /// Officers updates need this device enrolled (never enrolled, or revoked): offer "Enroll
    /// this device". The device keeps its content.
    #[error("not enrolled: {detail}")]
    NotEnrolled { detail: String },
    /// An update was refused (not authentic, not current, or damaged): the device keeps its
    /// last good content. `reason` says which check failed.
    #[error("update refused: {detail}")]
    UpdateRefused {
        reason: UpdateRefusal,
        detail: String,
    },
}

/// Which of the update channel's checks refused an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum UpdateRefusal {
    /// A signature did not verify against the trusted keys.
    NotAuthentic,
    /// Older than what the device has seen.
    Rollback,
    /// For another channel, or objects from different releases.
    WrongRelease,
    /// Bytes or merged content do not match their signed hashes.
    HashMismatch,
    /// The device has no trust root to verify with.
    NoTrustRoot,
    /// The key-rotation chain is longer than one sync walks.
    TooManyRotations,
    /// Signed content that breaks the content rules.
    InvalidContent,
    /// Content for an audience this app does not serve (officers content in a partners' app).
    WrongAudience,
    /// Data that expands past its signed size.
    TooLarge,
    /// Unreadable metadata.
    Malformed,
}

fn refusal(error: &SyncError) -> UpdateRefusal {
    match error {
        SyncError::Signature { .. } => UpdateRefusal::NotAuthentic,
        SyncError::Rollback { .. } => UpdateRefusal::Rollback,
        SyncError::WrongChannel { .. } | SyncError::MixAndMatch(_) => UpdateRefusal::WrongRelease,
        SyncError::Mismatch { .. } => UpdateRefusal::HashMismatch,
        SyncError::NoTrustRoot => UpdateRefusal::NoTrustRoot,
        SyncError::TooManyRotations { .. } => UpdateRefusal::TooManyRotations,
        SyncError::InvalidContent { .. } => UpdateRefusal::InvalidContent,
        SyncError::WrongAudience { .. } => UpdateRefusal::WrongAudience,
        SyncError::Sealed { .. } => UpdateRefusal::NotAuthentic,
        _ => UpdateRefusal::Malformed,
    }
}

impl From<Error> for FieldRefError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::NotFound(_) => FieldRefError::NotFound { detail: message },
            Error::InvalidInput(_) | Error::InvalidContent(_) => {
                FieldRefError::InvalidInput { detail: message }
            }
            Error::Sync(SyncError::Backoff { seconds }) => FieldRefError::RetryLater {
                retry_after_seconds: seconds,
                detail: message,
            },
            Error::Sync(SyncError::Refused { status, code, .. }) => FieldRefError::Refused {
                status,
                code,
                detail: message,
            },
            Error::Sync(SyncError::InsecureUrl { .. }) => {
                FieldRefError::InvalidInput { detail: message }
            }
            Error::Sync(SyncError::NotEnrolled { .. }) => FieldRefError::Refused {
                status: 401,
                code: "not_enrolled".to_owned(),
                detail: message,
            },
            Error::Sync(SyncError::OfficersEnrollment { .. }) => {
                FieldRefError::NotEnrolled { detail: message }
            }
            Error::Sync(
                SyncError::Transport { .. } | SyncError::Status { .. } | SyncError::NoDelta { .. },
            ) => FieldRefError::Network { detail: message },
            Error::Sync(e) => FieldRefError::UpdateRefused {
                reason: refusal(&e),
                detail: message,
            },
            Error::Signature(_) => FieldRefError::UpdateRefused {
                reason: UpdateRefusal::NotAuthentic,
                detail: message,
            },
            Error::AudienceNotAllowed { .. } => FieldRefError::UpdateRefused {
                reason: UpdateRefusal::WrongAudience,
                detail: message,
            },
            // Content this app cannot show correctly: the shells treat it as invalid content
            // (keep the last good pack, say an app update is needed in the message).
            Error::TimeZoneNotBuilt { .. } => FieldRefError::UpdateRefused {
                reason: UpdateRefusal::InvalidContent,
                detail: message,
            },
            Error::TooLarge { .. } => FieldRefError::UpdateRefused {
                reason: UpdateRefusal::TooLarge,
                detail: message,
            },
            Error::StorageFull { .. } => FieldRefError::StorageFull { detail: message },
            Error::ReadOnly { .. } => FieldRefError::ReadOnly { detail: message },
            Error::Busy(_) => FieldRefError::RetryLater {
                retry_after_seconds: 5,
                detail: message,
            },
            Error::SchemaTooNew {
                found, supported, ..
            } => FieldRefError::DataFromNewerApp {
                found,
                supported,
                detail: message,
            },
            Error::Storage(_)
            | Error::StoreDamaged(_)
            | Error::Index(_)
            | Error::Io { .. }
            | Error::HashMismatch { .. }
            | Error::Corrupt(_) => FieldRefError::Storage { detail: message },
        }
    }
}

pub type Result<T> = std::result::Result<T, FieldRefError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backoff_carries_its_seconds_to_the_shell() {
        let e: FieldRefError = Error::Sync(SyncError::Backoff { seconds: 300 }).into();
        assert!(
            matches!(
                e,
                FieldRefError::RetryLater {
                    retry_after_seconds: 300,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn a_server_refusal_says_which_and_why() {
        let e: FieldRefError = Error::Sync(SyncError::Refused {
            url: "https://u/v1/c/outbox".to_owned(),
            status: 403,
            code: "forbidden".to_owned(),
            reason: "this token's role may not do that".to_owned(),
        })
        .into();
        assert!(
            matches!(&e, FieldRefError::Refused { status: 403, code, .. } if code == "forbidden"),
            "{e}"
        );
        let e: FieldRefError = Error::Sync(SyncError::NotEnrolled {
            url: "u".to_owned(),
        })
        .into();
        assert!(
            matches!(&e, FieldRefError::Refused { status: 401, code, .. } if code == "not_enrolled"),
            "{e}"
        );
    }

    #[test]
    fn refused_updates_name_the_check_that_failed() {
        let cases = [
            (
                Error::Sync(SyncError::Rollback {
                    installed: 3,
                    offered: 2,
                }),
                UpdateRefusal::Rollback,
            ),
            (
                Error::Sync(SyncError::TooManyRotations {
                    from: 1,
                    hinted: 99,
                }),
                UpdateRefusal::TooManyRotations,
            ),
            (
                Error::TooLarge {
                    what: "pack file".to_owned(),
                    limit: 10,
                },
                UpdateRefusal::TooLarge,
            ),
            (
                Error::Sync(SyncError::NoTrustRoot),
                UpdateRefusal::NoTrustRoot,
            ),
        ];
        for (error, expected) in cases {
            let e: FieldRefError = error.into();
            assert!(
                matches!(&e, FieldRefError::UpdateRefused { reason, .. } if *reason == expected),
                "{e}"
            );
        }
    }
}
