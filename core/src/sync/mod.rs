//! Device sync: one cheap conditional request to learn whether anything changed; then the trust
//! chain, the manifest (online key, expiry), the release (trainer key, version, content hash),
//! the smallest download (a delta from the installed version, else the snapshot), hashes checked
//! before anything is read, and one SQLite transaction that must reproduce the signed content
//! hash. Nothing unverified is persisted; any refusal leaves the last good content in place.
//! Then the field outbox is uploaded.

mod error;
mod officers;
mod outbox;
pub mod publish;
mod roots;
pub mod transport;
mod update;

use std::sync::MutexGuard;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::content::Pack;
use crate::error::{Error, Result};
use crate::store::{ContentChange, ContentState, Store};

pub(crate) use officers::{enroll, enrollment};
pub(crate) use roots::{install_trust_root, trust_root};
pub(crate) use update::check_snapshot;

pub use error::SyncError;
pub use officers::{EnrollResponse, Enrollment};
pub use outbox::{Enrolled, OutboxAccepted, OutboxUpload};
#[cfg(feature = "http-client")]
pub use transport::UreqTransport;
#[cfg(feature = "http-client")]
pub use transport::UreqTransportTrusting;
pub use transport::{check_server_url, HttpRequest, HttpResponse, Transport, TransportError};

/// Largest manifest and root documents accepted.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
const MAX_ROOT_BYTES: u64 = 64 * 1024;

#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Server or static host, e.g. `https://updates.example.org` (paths under `/v1/<channel>/`).
    pub server: String,
    /// Per-request deadline.
    pub timeout_ms: u64,
    /// The current time; injectable so tests can move the clock past an expiry.
    pub now: Option<DateTime<Utc>>,
}

impl SyncConfig {
    pub fn new(server: impl Into<String>) -> SyncConfig {
        SyncConfig {
            server: server.into(),
            timeout_ms: 30_000,
            now: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdatePath {
    Delta,
    Snapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SyncOutcome {
    /// The server has nothing newer (often a single 304 response).
    UpToDate { version: u64 },
    Updated {
        from: u64,
        to: u64,
        path: UpdatePath,
        bytes: u64,
    },
    /// The manifest has expired: newer content cannot be verified; installed content is kept.
    Stale { expired_at: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncReport {
    pub outcome: SyncOutcome,
    pub outbox_sent: usize,
    /// Why the outbox could not be uploaded, if it could not (a static host takes no uploads).
    pub outbox_error: Option<String>,
    /// The same, typed, for callers that act on it (back off, re-enroll).
    #[serde(skip)]
    pub outbox_failure: Option<SyncError>,
    pub status: SyncStatus,
}

/// What the Updates screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub content_version: u64,
    /// Last time a signed, unexpired manifest was seen (RFC 3339).
    pub last_verified_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error: Option<String>,
    /// Whole days since `last_verified_at` (or since install), for "content may be out of date".
    pub days_since_verified: Option<i64>,
    /// The last manifest seen had expired.
    pub stale: bool,
    pub outbox_pending: usize,
}

impl SyncStatus {
    /// What is known without reading the store (when reading it fails after an update).
    fn after(outcome: &SyncOutcome, now: DateTime<Utc>) -> SyncStatus {
        let (content_version, verified) = match outcome {
            SyncOutcome::UpToDate { version } => (*version, true),
            SyncOutcome::Updated { to, .. } => (*to, true),
            SyncOutcome::Stale { .. } => (0, false),
        };
        SyncStatus {
            content_version,
            last_verified_at: verified.then(|| now.to_rfc3339()),
            last_attempt_at: Some(now.to_rfc3339()),
            last_error: None,
            days_since_verified: verified.then_some(0),
            stale: !verified,
            outbox_pending: 0,
        }
    }
}

/// Where the trust root lives in the store's metadata.
pub(crate) const TRUST_ROOT_KEY: &str = meta::ROOT;

mod meta {
    pub const ROOT: &str = "trust_root";
    pub const MANIFEST_VERSION: &str = "sync_manifest_version";
    pub const MANIFEST: &str = "sync_manifest";
    pub const ETAG: &str = "sync_etag";
    pub const VERIFIED_AT: &str = "sync_verified_at";
    pub const ATTEMPT_AT: &str = "sync_attempt_at";
    pub const ERROR: &str = "sync_error";
    pub const STALE: &str = "sync_stale";
    pub const DEVICE_CREDENTIAL: &str = "device_credential";
    pub const OFFICERS_DEVICE: &str = "officers_device";
    pub const OFFICERS_CREDENTIAL: &str = "officers_credential";
    pub const OFFICERS_SECRET: &str = "officers_device_key";
}

/// What a sync needs of the device it updates, and no more: the store, for what it remembers
/// between syncs (held briefly, never across a request), and installs that keep the index in
/// step with it. [`crate::FieldRef`] is the one implementation.
pub(crate) trait Device {
    fn store(&self) -> Result<MutexGuard<'_, Store>>;

    /// [`crate::FieldRef::install`], recording `meta` in the same store transaction.
    fn install_recording(
        &self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
        meta: &[(&str, String)],
    ) -> Result<ContentState>;

    /// [`crate::FieldRef::install_snapshot`], recording `meta` in the same store transaction,
    /// after `check` accepted the decoded pack.
    fn install_snapshot_recording(
        &self,
        bytes: &[u8],
        decoded_size: u64,
        release: (u64, &str),
        meta: &[(&str, String)],
        check: &dyn Fn(&Pack) -> Result<()>,
    ) -> Result<ContentState>;
}

/// A sync once the facade has checked the server URL and the data ([`crate::FieldRef::sync`]):
/// note the attempt, update the content, note how that went, then upload the outbox.
pub(crate) fn run(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
) -> Result<SyncReport> {
    let now = config.now.unwrap_or_else(Utc::now);
    device
        .store()?
        .set_meta(meta::ATTEMPT_AT, &now.to_rfc3339())?;
    let result = update::content(device, transport, config, now);
    // Best effort: once a release is applied the sync has succeeded, whatever happens to
    // this note (and a failure is reported as itself, not as a failure to note it).
    if let Ok(store) = device.store() {
        let _ = match &result {
            Ok(_) => store.set_meta(meta::ERROR, ""),
            Err(e) => store.set_meta(meta::ERROR, &e.to_string()),
        };
    }
    let outcome = result?;
    let (outbox_sent, outbox_error, outbox_failure) =
        match outbox::upload(device, transport, config) {
            Ok(n) => (n, None, None),
            Err(e) => {
                let typed = match &e {
                    Error::Sync(s) => Some(s.clone()),
                    _ => None,
                };
                (0, Some(e.to_string()), typed)
            }
        };
    let status = device
        .store()
        .and_then(|store| status_at(&store, now))
        .unwrap_or_else(|_| SyncStatus::after(&outcome, now));
    Ok(SyncReport {
        outcome,
        outbox_sent,
        outbox_error,
        outbox_failure,
        status,
    })
}

/// What the Updates screen shows at `now` ([`crate::FieldRef::sync_status_at`]).
pub(crate) fn status_at(store: &Store, now: DateTime<Utc>) -> Result<SyncStatus> {
    let state = store.content_state()?;
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    let verified = nonempty(store.meta(meta::VERIFIED_AT)?);
    let since = verified
        .clone()
        .or_else(|| state.as_ref().map(|s| s.installed_at.clone()));
    let days_since_verified = since
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| (now - t.with_timezone(&Utc)).num_days());
    Ok(SyncStatus {
        content_version: state.map(|s| s.version).unwrap_or(0),
        last_verified_at: verified,
        last_attempt_at: nonempty(store.meta(meta::ATTEMPT_AT)?),
        last_error: nonempty(store.meta(meta::ERROR)?),
        days_since_verified,
        stale: store.meta(meta::STALE)?.as_deref() == Some("1"),
        outbox_pending: store.outbox(true)?.len(),
    })
}

fn get(
    transport: &dyn Transport,
    config: &SyncConfig,
    url: &str,
    headers: Vec<(String, String)>,
    max: u64,
) -> Result<HttpResponse> {
    let request = HttpRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers,
        body: Vec::new(),
        max_response_bytes: max,
        timeout_ms: config.timeout_ms,
    };
    let response = transport
        .send(&request)
        .map_err(|source| SyncError::Transport {
            url: url.to_owned(),
            error: source,
        })?;
    if response.body.len() as u64 > max {
        return Err(SyncError::Transport {
            url: url.to_owned(),
            error: TransportError::TooLarge(max),
        }
        .into());
    }
    Ok(response)
}

/// A 4xx/5xx answer as a typed refusal: the server's `{"error", "code"}` body when it sent one.
pub(crate) fn refusal(url: &str, response: &HttpResponse) -> SyncError {
    let body = serde_json::from_slice::<serde_json::Value>(&response.body).ok();
    let field = |name: &str| {
        body.as_ref()
            .and_then(|v| v.get(name))
            .and_then(|e| e.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    SyncError::Refused {
        url: url.to_owned(),
        status: response.status,
        code: field("code"),
        reason: field("error"),
    }
}

fn status_error(url: &str, response: &HttpResponse, status: u16) -> SyncError {
    if matches!(status, 429 | 503) {
        if let Some(seconds) = response
            .header("retry-after")
            .and_then(|v| v.trim().parse().ok())
        {
            return SyncError::Backoff { seconds };
        }
    }
    SyncError::Status {
        url: url.to_owned(),
        status,
    }
}
