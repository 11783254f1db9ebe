//! Field feedback intake: who may post (a device credential), what is accepted (a known channel,
//! a document of its latest release, a sane time), how often (a per-credential rate limit,
//! answered with 429 and `Retry-After`), and for how long it is kept (retention).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use fieldref_core::pack::{self, Release};
use fieldref_core::store::OutboxItem;
use rusqlite::params;

use crate::db;
use crate::error::ApiError;
use crate::AppState;

/// Largest feedback text or acknowledgement payload.
const MAX_PAYLOAD_BYTES: usize = 8 * 1024;

#[derive(Debug, Clone)]
pub struct FeedbackPolicy {
    /// Uploads one device credential may make per minute.
    pub posts_per_minute: u32,
    /// Device credentials the whole server issues per minute.
    pub enrollments_per_minute: u32,
    /// Device credentials one client address may get per minute (when the address is known:
    /// behind a proxy every client shares the proxy's address, so raise this there).
    pub enrollments_per_address_per_minute: u32,
    /// Feedback older than this (by arrival) is deleted.
    pub retention: chrono::Duration,
    /// How far in the future an item's `created_at` may be (device clocks drift).
    pub max_clock_skew: chrono::Duration,
}

impl Default for FeedbackPolicy {
    fn default() -> Self {
        FeedbackPolicy {
            posts_per_minute: 30,
            enrollments_per_minute: 600,
            enrollments_per_address_per_minute: 10,
            retention: chrono::Duration::days(180),
            max_clock_skew: chrono::Duration::minutes(10),
        }
    }
}

/// Fixed one-minute windows per key, in memory (a restart forgives everyone).
#[derive(Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    /// Counts one request for `key`; refused with the whole seconds until the window ends.
    pub fn check(&self, key: &str, per_window: u32) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= per_window {
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(ApiError::TooManyRequests {
                retry_after: left.as_secs().max(1),
            });
        }
        *count += 1;
        Ok(())
    }
}

/// The device credential in `Authorization: Device <credential>`, valid for `channel`.
pub(crate) fn device_of(
    state: &AppState,
    authorization: Option<&str>,
    channel: &str,
) -> Result<String, ApiError> {
    let credential = authorization
        .and_then(|v| v.strip_prefix("Device "))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    state
        .read(|conn| {
            if crate::officers::is_officers(channel) {
                crate::officers::device_of(conn, credential, channel)
            } else {
                db::device(conn, credential, channel)
            }
        })?
        .ok_or(ApiError::Unauthorized)
}

/// Issues a credential to a new install of `channel` (which must have a release), within the
/// per-address and server-wide limits (minting many credentials must not dodge the per-credential
/// upload limit).
pub(crate) fn enroll(
    state: &AppState,
    channel: &str,
    address: Option<std::net::IpAddr>,
) -> Result<String, ApiError> {
    if crate::officers::is_officers(channel) {
        // Officers devices are enrolled by an admin's code, never anonymously.
        return Err(ApiError::Unauthorized);
    }
    known_documents(state, channel)?;
    if let Some(address) = address {
        state.limiter.check(
            &format!("\u{0}enroll {address}"),
            state.feedback.enrollments_per_address_per_minute,
        )?;
    }
    state
        .limiter
        .check("\u{0}enrollments", state.feedback.enrollments_per_minute)?;
    state.write(|conn| db::add_device(conn, channel))
}

/// Validates every item (nothing is stored if one is bad), then stores them idempotently and
/// drops feedback past its retention. Returns the ids accepted.
pub(crate) fn accept(
    state: &AppState,
    device: &str,
    channel: &str,
    items: &[OutboxItem],
) -> Result<Vec<String>, ApiError> {
    state
        .limiter
        .check(device, state.feedback.posts_per_minute)?;
    let docs = known_documents(state, channel)?;
    let now = Utc::now();
    for item in items {
        check_item(item, &docs, now, &state.feedback)?;
    }
    let received = now.to_rfc3339_opts(SecondsFormat::Micros, true);
    let cutoff = retention_cutoff(state, now);
    state.write(|conn| {
        let tx = conn.transaction()?;
        for item in items {
            // Idempotent: an item seen before is acknowledged again, never stored twice.
            tx.execute(
                "INSERT OR IGNORE INTO outbox(id, channel, kind, doc_id, payload, created_at, received_at, device, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![item.id, channel, item.kind.as_str(), item.doc_id, item.payload, item.created_at, received, device, item.reason.map(|r| r.as_str())],
            )?;
        }
        tx.execute("DELETE FROM outbox WHERE received_at < ?1", [&cutoff])?;
        tx.commit()?;
        Ok::<_, ApiError>(())
    })?;
    Ok(items.iter().map(|i| i.id.clone()).collect())
}

fn retention_cutoff(state: &AppState, now: DateTime<Utc>) -> String {
    (now - state.feedback.retention).to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Deletes feedback past its retention (also done with every upload); returns how many rows.
pub(crate) fn purge_expired(state: &AppState) -> Result<usize, ApiError> {
    let cutoff = retention_cutoff(state, Utc::now());
    state.write(|conn| Ok(conn.execute("DELETE FROM outbox WHERE received_at < ?1", [&cutoff])?))
}

fn check_item(
    item: &OutboxItem,
    docs: &HashSet<String>,
    now: DateTime<Utc>,
    policy: &FeedbackPolicy,
) -> Result<(), ApiError> {
    let bad = |what: String| ApiError::BadRequest(format!("outbox item `{}`: {what}", item.id));
    let id_ok = !item.id.is_empty()
        && item.id.len() <= 64
        && item
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        return Err(ApiError::BadRequest(format!(
            "outbox item id `{}`: expected 1 to 64 letters, digits, `-` or `_`",
            item.id.chars().take(80).collect::<String>()
        )));
    }
    if item.payload.len() > MAX_PAYLOAD_BYTES {
        return Err(bad(format!(
            "payload longer than {MAX_PAYLOAD_BYTES} bytes"
        )));
    }
    match &item.doc_id {
        Some(doc) if docs.contains(doc) => {}
        Some(doc) => {
            return Err(bad(format!(
                "doc_id `{doc}` is not in the channel's content"
            )))
        }
        None => return Err(bad("doc_id is missing".to_owned())),
    }
    let created = DateTime::parse_from_rfc3339(&item.created_at)
        .map_err(|e| bad(format!("created_at `{}`: {e}", item.created_at)))?
        .with_timezone(&Utc);
    if created > now + policy.max_clock_skew {
        return Err(bad(format!(
            "created_at {} is in the future",
            item.created_at
        )));
    }
    if created < now - policy.retention {
        return Err(bad(format!(
            "created_at {} is older than the retention period",
            item.created_at
        )));
    }
    Ok(())
}

/// The document ids of `channel`'s latest release (cached per version); unknown channel: 404.
pub(crate) fn known_documents(
    state: &AppState,
    channel: &str,
) -> Result<Arc<HashSet<String>>, ApiError> {
    let latest = state
        .read(|conn| db::latest(conn, channel))?
        .ok_or_else(|| ApiError::NotFound(format!("channel `{channel}` has no release")))?;
    if let Some((version, ids)) = state
        .doc_ids
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(channel)
    {
        if *version == latest.version {
            return Ok(Arc::clone(ids));
        }
    }
    let release: fieldref_core::pack::Envelope = serde_json::from_str(&latest.envelope)
        .map_err(|e| ApiError::Internal(format!("stored release: {e}")))?;
    let release: Release = release
        .unverified()
        .ok_or_else(|| ApiError::Internal("stored release is unreadable".to_owned()))?;
    let bytes = state
        .read(|conn| db::blob(conn, &latest.snapshot))?
        .ok_or_else(|| ApiError::Internal(format!("snapshot {} missing", latest.snapshot)))?;
    let pack = pack::decode_signed(&bytes, release.decoded_size)
        .map_err(|e| ApiError::Internal(format!("stored snapshot: {e}")))?;
    let ids: Arc<HashSet<String>> = Arc::new(pack.documents.into_iter().map(|d| d.id).collect());
    remember_documents(state, channel, latest.version, Arc::clone(&ids));
    Ok(ids)
}

pub(crate) fn remember_documents(
    state: &AppState,
    channel: &str,
    version: u64,
    ids: Arc<HashSet<String>>,
) {
    state
        .doc_ids
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(channel.to_owned(), (version, ids));
}
