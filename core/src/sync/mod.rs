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

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::content::{channel_for, Audience, Pack};
use crate::error::{Error, Result};
use crate::pack::seal::{self, ContentKey};
use crate::pack::{self, BlobRef, Envelope, Manifest, Release, Role, Root};
use crate::store::ContentChange;
use crate::FieldRef;

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

/// Where this sync reads from: the channel of the audience the device follows, with the
/// officers credential and content keys when that is the officers channel.
struct Feed {
    base: String,
    channel: String,
    audience: Audience,
    headers: Vec<(String, String)>,
    access: Option<officers::OfficersAccess>,
    /// Installed content is another audience's: versions are not comparable, take the snapshot.
    switching: bool,
}

impl Feed {
    /// The content keys, fetched once and only when an officers blob is downloaded.
    fn content_keys(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        cache: &mut Option<Vec<ContentKey>>,
    ) -> Result<Vec<ContentKey>> {
        if let Some(keys) = cache {
            return Ok(keys.clone());
        }
        let access = self
            .access
            .as_ref()
            .ok_or_else(|| officers::not_enrolled("this device is not enrolled"))?;
        let keys = access.content_keys(transport, config, &self.base, &self.channel)?;
        *cache = Some(keys.clone());
        Ok(keys)
    }
}

impl FieldRef {
    /// Checks for and applies an update, then uploads the outbox. Network and disk I/O: run it
    /// off the UI thread (WorkManager, BGAppRefreshTask, the CLI).
    pub fn sync(&self, transport: &dyn Transport, config: &SyncConfig) -> Result<SyncReport> {
        check_server_url(&config.server)?;
        // The full check before anything is written: the open checks only the user's tables
        // and new index files (see `store::recovery`, `index::verified`), so the rest is
        // checked here, off the UI thread.
        self.check_integrity()?;
        let now = config.now.unwrap_or_else(Utc::now);
        self.store()?
            .set_meta(meta::ATTEMPT_AT, &now.to_rfc3339())?;
        let result = self.sync_content(transport, config, now);
        // Best effort: once a release is applied the sync has succeeded, whatever happens to
        // this note (and a failure is reported as itself, not as a failure to note it).
        if let Ok(store) = self.store() {
            let _ = match &result {
                Ok(_) => store.set_meta(meta::ERROR, ""),
                Err(e) => store.set_meta(meta::ERROR, &e.to_string()),
            };
        }
        let outcome = result?;
        let (outbox_sent, outbox_error, outbox_failure) =
            match self.upload_outbox(transport, config) {
                Ok(n) => (n, None, None),
                Err(e) => {
                    let typed = match &e {
                        Error::Sync(s) => Some(s.clone()),
                        _ => None,
                    };
                    (0, Some(e.to_string()), typed)
                }
            };
        let status = self
            .sync_status_at(now)
            .unwrap_or_else(|_| SyncStatus::after(&outcome, now));
        Ok(SyncReport {
            outcome,
            outbox_sent,
            outbox_error,
            outbox_failure,
            status,
        })
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        self.sync_status_at(Utc::now())
    }

    pub fn sync_status_at(&self, now: DateTime<Utc>) -> Result<SyncStatus> {
        let store = self.store()?;
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

    /// The trust root this device verifies updates with.
    pub fn trust_root(&self) -> Result<Option<Root>> {
        match self.store()?.meta(meta::ROOT)? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    /// Installs a shipped (self-signed) root when the device has none; otherwise only a valid
    /// rotation of the current one is accepted.
    pub fn install_trust_root(&self, envelope: &Envelope) -> Result<Root> {
        let root = match self.trust_root()? {
            None => Root::from_shipped(envelope),
            Some(current) => current.rotate(envelope),
        }
        .map_err(|source| SyncError::Signature {
            what: "trust root".to_owned(),
            error: source,
        })?;
        self.store()?
            .set_meta(meta::ROOT, &serde_json::to_string(&root)?)?;
        Ok(root)
    }

    fn sync_content(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        now: DateTime<Utc>,
    ) -> Result<SyncOutcome> {
        let (state, stored_manifest_version, cached_manifest, etag) = {
            let store = self.store()?;
            (
                store.content_state()?,
                store
                    .meta(meta::MANIFEST_VERSION)?
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0),
                store.meta(meta::MANIFEST)?,
                store.meta(meta::ETAG)?,
            )
        };
        let state = state
            .ok_or_else(|| Error::InvalidInput("no content installed to update".to_owned()))?;
        let root = self.trust_root()?.ok_or(SyncError::NoTrustRoot)?;
        let feed = self.feed(config, &state)?;
        let base = feed.base.clone();
        // What was remembered of another audience's channel says nothing about this one.
        let stored_manifest_version = if feed.switching {
            0
        } else {
            stored_manifest_version
        };

        // 1. The manifest, conditionally: an unchanged one costs one small 304.
        let url = format!("{base}/manifest.json");
        let mut headers = feed.headers.clone();
        if let (Some(tag), Some(_), false) = (&etag, &cached_manifest, feed.switching) {
            headers.push(("If-None-Match".to_owned(), tag.clone()));
        }
        let response = get(transport, config, &url, headers, MAX_MANIFEST_BYTES)?;
        if feed.access.is_some() && matches!(response.status, 401 | 403) {
            return Err(officers::not_enrolled(
                "the server refused this device's credential (its enrollment was revoked or is unknown)",
            ));
        }
        let (manifest_bytes, new_etag) = match response.status {
            304 => (
                cached_manifest.unwrap_or_default().into_bytes(),
                etag.clone(),
            ),
            200 => (
                response.body.clone(),
                response.header("etag").map(str::to_owned),
            ),
            status => return Err(status_error(&url, &response, status).into()),
        };
        let envelope: Envelope =
            serde_json::from_slice(&manifest_bytes).map_err(|e| SyncError::Malformed {
                what: "manifest".to_owned(),
                message: e.to_string(),
            })?;

        // 2. Walk the root chain if the manifest says the keys were rotated.
        let hinted = envelope
            .unverified::<Manifest>()
            .map(|m| m.root_version)
            .unwrap_or(root.version);
        let (root, rotated) = roots::walk(transport, config, &base, &feed.headers, root, hinted)?;

        // 3. Verify the manifest, then its release.
        let manifest: Manifest = envelope
            .verify(Role::Online, &root.online_keys, root.threshold)
            .map_err(|source| SyncError::Signature {
                what: "manifest".to_owned(),
                error: source,
            })?;
        if manifest.channel != feed.channel {
            return Err(SyncError::WrongChannel {
                expected: feed.channel,
                found: manifest.channel,
            }
            .into());
        }
        if manifest.version < stored_manifest_version {
            return Err(SyncError::Rollback {
                installed: stored_manifest_version,
                offered: manifest.version,
            }
            .into());
        }
        let expires =
            DateTime::parse_from_rfc3339(&manifest.expires).map_err(|e| SyncError::Malformed {
                what: "manifest expiry".to_owned(),
                message: e.to_string(),
            })?;
        if expires.with_timezone(&Utc) <= now {
            self.store()?.set_meta(meta::STALE, "1")?;
            return Ok(SyncOutcome::Stale {
                expired_at: manifest.expires,
            });
        }
        let release: Release = manifest
            .release
            .verify(Role::Release, &root.release_keys, root.threshold)
            .map_err(|source| SyncError::Signature {
                what: "release".to_owned(),
                error: source,
            })?;
        if release.channel != feed.channel {
            return Err(SyncError::WrongChannel {
                expected: feed.channel,
                found: release.channel,
            }
            .into());
        }
        if release.audience != feed.audience {
            return Err(SyncError::WrongAudience {
                expected: feed.audience.as_str(),
                found: release.audience.as_str(),
            }
            .into());
        }
        if release.version != manifest.version {
            return Err(SyncError::MixAndMatch(format!(
                "manifest version {} carries release {}",
                manifest.version, release.version
            ))
            .into());
        }
        if release.version < state.version && !feed.switching {
            return Err(SyncError::Rollback {
                installed: state.version,
                offered: release.version,
            }
            .into());
        }

        // What this sync verified, recorded in the same transaction as the content it applies
        // (or on its own when there is nothing to apply).
        let mut seen = vec![
            (meta::MANIFEST_VERSION, manifest.version.to_string()),
            (
                meta::MANIFEST,
                String::from_utf8_lossy(&manifest_bytes).into_owned(),
            ),
            (meta::ETAG, new_etag.clone().unwrap_or_default()),
            (meta::VERIFIED_AT, now.to_rfc3339()),
            (meta::STALE, "0".to_owned()),
        ];
        if rotated {
            seen.push((meta::ROOT, serde_json::to_string(&root)?));
        }
        let mut keys = None;
        let outcome = if release.version == state.version && !feed.switching {
            if release.state_sha256 != state.hash {
                return Err(SyncError::Mismatch {
                    what: format!("content of version {}", state.version),
                    expected: release.state_sha256,
                    found: state.hash,
                }
                .into());
            }
            SyncOutcome::UpToDate {
                version: state.version,
            }
        } else {
            // 4. The smallest verified download, applied in one transaction.
            let delta = manifest
                .deltas
                .iter()
                .find(|d| d.from == state.version && state.version > 0 && !feed.switching);
            let applied = match delta {
                Some(d) => self.apply_delta(
                    transport,
                    config,
                    (&feed, &mut keys),
                    d,
                    (&release, &seen),
                    state.version,
                ),
                None => Err(Error::Sync(SyncError::NoDelta {
                    from: state.version,
                })),
            };
            match applied {
                Ok(bytes) => SyncOutcome::Updated {
                    from: state.version,
                    to: release.version,
                    path: UpdatePath::Delta,
                    bytes,
                },
                // No delta, or one whose bytes or merged result do not match (a damaged base, a
                // bad mirror): fetch the full snapshot. Anything else is refused as is.
                Err(
                    Error::Sync(SyncError::NoDelta { .. } | SyncError::Mismatch { .. })
                    | Error::TooLarge { .. }
                    | Error::InvalidInput(_),
                ) => {
                    let bytes = self.apply_snapshot(
                        transport,
                        config,
                        (&feed, &mut keys),
                        (&release, &seen),
                    )?;
                    SyncOutcome::Updated {
                        from: state.version,
                        to: release.version,
                        path: UpdatePath::Snapshot,
                        bytes,
                    }
                }
                Err(other) => return Err(other),
            }
        };

        // 5. Only now, with everything verified, remember what was seen (an update recorded it
        // with its content, in one transaction).
        if !matches!(outcome, SyncOutcome::Updated { .. }) {
            let store = self.store()?;
            for (key, value) in &seen {
                store.set_meta(key, value)?;
            }
        }
        Ok(outcome)
    }

    /// The channel to read: the officers one when this device is enrolled (officers builds
    /// only), else the installed content's own. An officers device that is not enrolled has no
    /// channel it may read, and says so.
    fn feed(&self, config: &SyncConfig, state: &crate::store::ContentState) -> Result<Feed> {
        let access = match crate::BUILD_AUDIENCE {
            Audience::Officers => self.officers_access()?,
            Audience::Public => None,
        };
        let audience = if access.is_some() {
            Audience::Officers
        } else {
            state.audience
        };
        if audience == Audience::Officers && access.is_none() {
            return Err(officers::not_enrolled(
                "this device is not enrolled; ask your admin for an enrollment code (`fieldref enroll`)",
            ));
        }
        let channel = channel_for(&state.channel, audience);
        Ok(Feed {
            base: format!("{}/v1/{channel}", config.server.trim_end_matches('/')),
            channel,
            audience,
            headers: access.as_ref().map(|a| a.headers()).unwrap_or_default(),
            access,
            switching: audience != state.audience,
        })
    }

    fn apply_delta(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        (feed, keys): (&Feed, &mut Option<Vec<ContentKey>>),
        delta_ref: &pack::DeltaRef,
        (release, seen): (&Release, &[(&str, String)]),
        installed: u64,
    ) -> Result<u64> {
        let blob = BlobRef {
            sha256: delta_ref.sha256.clone(),
            size: delta_ref.size,
        };
        let bytes = fetch_blob(transport, config, (feed, keys), &blob, "delta")?;
        let delta = pack::decode_delta_signed(&bytes, delta_ref.decoded_size)?;
        if delta.from != installed
            || delta.to != release.version
            || delta.channel != release.channel
        {
            return Err(SyncError::MixAndMatch(format!(
                "delta {}→{} of `{}` offered for {}→{} of `{}`",
                delta.from, delta.to, delta.channel, installed, release.version, release.channel
            ))
            .into());
        }
        check_content("delta", &delta.info, &delta.upserts, Scope::Changed)?;
        let change = ContentChange::Delta {
            info: &delta.info,
            upserts: &delta.upserts,
            deletes: &delta.deletes,
        };
        self.install_checked(change, release, seen)?;
        Ok(bytes.len() as u64)
    }

    fn apply_snapshot(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        (feed, keys): (&Feed, &mut Option<Vec<ContentKey>>),
        (release, seen): (&Release, &[(&str, String)]),
    ) -> Result<u64> {
        let bytes = fetch_blob(
            transport,
            config,
            (feed, keys),
            &release.snapshot,
            "snapshot",
        )?;
        let installed = self.install_snapshot_recording(
            &bytes,
            release.decoded_size,
            (release.version, &release.state_sha256),
            seen,
            |pack| {
                if pack.info.audience_channel() != release.channel {
                    return Err(SyncError::WrongChannel {
                        expected: release.channel.clone(),
                        found: pack.info.audience_channel(),
                    }
                    .into());
                }
                check_snapshot(pack)
            },
        );
        match installed {
            Err(Error::HashMismatch { expected, found }) => Err(SyncError::Mismatch {
                what: format!("content hash of version {}", release.version),
                expected,
                found,
            }
            .into()),
            other => other.map(|_| bytes.len() as u64),
        }
    }

    fn install_checked(
        &self,
        change: ContentChange<'_>,
        release: &Release,
        seen: &[(&str, String)],
    ) -> Result<()> {
        let version = release.version;
        match self.install_recording(change, version, Some(&release.state_sha256), seen) {
            Err(Error::HashMismatch { expected, found }) => Err(SyncError::Mismatch {
                what: format!("content hash of version {}", release.version),
                expected,
                found,
            }
            .into()),
            other => other.map(|_| ()),
        }
    }
}

/// The content validator's rules, across documents too, over a whole release snapshot.
pub(crate) fn check_snapshot(pack: &Pack) -> Result<()> {
    check_content("snapshot", &pack.info, &pack.documents, Scope::Whole)
}

/// How much of the pack an update carries.
#[derive(Clone, Copy)]
enum Scope {
    /// Every document: rules across documents apply.
    Whole,
    /// Only what a delta changed: each document's own rules. Links between documents were
    /// checked on the whole release when it was published.
    Changed,
}

/// Runs the content validator on what an update would install: signed content that breaks the
/// rules (a trainer's key used outside `fieldref publish`) is refused before it is applied.
fn check_content(
    what: &str,
    info: &crate::content::PackInfo,
    documents: &[crate::content::Document],
    scope: Scope,
) -> Result<()> {
    crate::content::zones::require_built(&info.timezone)?;
    let problems = match scope {
        Scope::Whole => crate::content::check_documents(info, documents),
        Scope::Changed => crate::content::check_changed_documents(info, documents),
    };
    // Warnings (a review overdue, a translation behind) never stop an update.
    let problems: Vec<_> = problems
        .into_iter()
        .filter(crate::content::Problem::is_error)
        .collect();
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(SyncError::InvalidContent {
            what: what.to_owned(),
            count: problems.len(),
            first: first.to_string(),
        }
        .into()),
    }
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

/// Downloads a content-addressed blob, refusing more bytes than declared and any hash mismatch.
/// An officers blob is unsealed first; the plaintext is then held to the same signed hash.
fn fetch_blob(
    transport: &dyn Transport,
    config: &SyncConfig,
    (feed, keys): (&Feed, &mut Option<Vec<ContentKey>>),
    blob: &BlobRef,
    what: &str,
) -> Result<Vec<u8>> {
    let url = format!("{}/blobs/{}", feed.base, blob.sha256);
    let sealed = feed.audience == Audience::Officers;
    let max = blob.size + if sealed { seal::SEAL_OVERHEAD } else { 0 };
    let response = get(transport, config, &url, feed.headers.clone(), max)?;
    if response.status != 200 {
        return Err(status_error(&url, &response, response.status).into());
    }
    let body = if sealed {
        let keys = feed.content_keys(transport, config, keys)?;
        seal::unseal(&keys, &feed.channel, &blob.sha256, &response.body).map_err(|source| {
            match source {
                seal::SealError::UnknownKey(_) => officers::not_enrolled(&format!(
                    "{source}: its enrollment was probably revoked"
                )),
                source => SyncError::Sealed {
                    what: format!("{what} {url}"),
                    error: source,
                }
                .into(),
            }
        })?
    } else {
        response.body
    };
    let found = pack::sha256_hex(&body);
    if body.len() as u64 != blob.size || found != blob.sha256 {
        return Err(SyncError::Mismatch {
            what: format!("{what} {url}"),
            expected: format!("{} ({} bytes)", blob.sha256, blob.size),
            found: format!("{found} ({} bytes)", body.len()),
        }
        .into());
    }
    Ok(body)
}
