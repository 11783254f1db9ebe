//! Why a sync refused an update. Every refusal leaves the device on its last good content.

use crate::pack::VerifyError;

use super::transport::TransportError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("{url}: {source}")]
    Transport {
        url: String,
        #[source]
        source: TransportError,
    },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("server asks to retry in {seconds} s")]
    Backoff { seconds: u64 },
    #[error("{what}: {source}")]
    Signature {
        what: String,
        #[source]
        source: VerifyError,
    },
    #[error("rollback refused: offered version {offered}, installed {installed}")]
    Rollback { installed: u64, offered: u64 },
    #[error("wrong channel: expected `{expected}`, got `{found}`")]
    WrongChannel { expected: String, found: String },
    #[error("mixed releases refused: {0}")]
    MixAndMatch(String),
    #[error("{what}: expected {expected}, got {found}")]
    Mismatch {
        what: String,
        expected: String,
        found: String,
    },
    #[error("no trust root installed: this device cannot verify updates")]
    NoTrustRoot,
    #[error("malformed {what}: {message}")]
    Malformed { what: String, message: String },
}
