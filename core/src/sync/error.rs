//! Why a sync refused an update. Every refusal leaves the device on its last good content.
//! Wrapped errors are part of the message, not a `source()` (see `crate::error`).

use crate::pack::seal::SealError;
use crate::pack::VerifyError;

use super::transport::TransportError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("{url}: {error}")]
    Transport { url: String, error: TransportError },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    /// The server refused a request and said why (`code` is its machine-readable kind, e.g.
    /// `unauthorized`, `forbidden`, `bad_request`, `conflict`, `rate_limited`).
    #[error("{url}: refused (HTTP {status} {code}): {reason}")]
    Refused {
        url: String,
        status: u16,
        code: String,
        reason: String,
    },
    /// The server does not accept this install's device credential, even a freshly issued one.
    #[error("{url}: this install is not enrolled with the server")]
    NotEnrolled { url: String },
    /// Plain `http://` to another machine (or another scheme): use `https://`.
    #[error("{url}: only https:// is accepted (plain http:// only to this machine)")]
    InsecureUrl { url: String },
    #[error("server asks to retry in {seconds} s")]
    Backoff { seconds: u64 },
    #[error("{what}: {error}")]
    Signature { what: String, error: VerifyError },
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
    #[error("the manifest hints root version {hinted}, more rotations than one sync walks from {from}: nothing trusted")]
    TooManyRotations { from: u64, hinted: u64 },
    /// No delta from the installed version is offered (the snapshot is fetched instead).
    #[error("no delta from version {from}")]
    NoDelta { from: u64 },
    #[error("{what} fails the content rules ({count} problem(s)), first: {first}")]
    InvalidContent {
        what: String,
        count: usize,
        first: String,
    },
    #[error("malformed {what}: {message}")]
    Malformed { what: String, message: String },
    /// Officers content needs an enrolled device: this one never was, or was revoked. Its
    /// content is kept.
    #[error("officers updates: {reason}; this device keeps its content")]
    OfficersEnrollment { reason: String },
    #[error("{what}: {error}")]
    Sealed { what: String, error: SealError },
    #[error("release is for the {found} audience, this device follows the {expected} one")]
    WrongAudience {
        expected: &'static str,
        found: &'static str,
    },
}
