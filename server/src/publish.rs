//! Publishing: a trainer's signed release plus its snapshot, validated and stored atomically with
//! deltas from recent versions. Publishes are serialized; a release made on a stale base is
//! refused with 409 so its author re-signs on top of the new latest version, and none is lost.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use fieldref_core::content::Pack;
use fieldref_core::pack::{self, Delta, Envelope, Release, Role, Root};
use fieldref_core::store::state_hash;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::db;
use crate::error::ApiError;

/// How many earlier versions get a delta to each new release.
const DELTA_HISTORY: u64 = 5;

#[derive(Debug, Serialize, Deserialize)]
pub struct PublishRequest {
    pub release: Envelope,
    /// Base64 of the snapshot blob (`pack::encode` output).
    pub snapshot: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PublishResponse {
    pub channel: String,
    pub version: u64,
    pub documents: usize,
    pub deltas: usize,
}

pub fn publish(
    conn: &mut Connection,
    root: &Root,
    channel: &str,
    request: &PublishRequest,
) -> Result<PublishResponse, ApiError> {
    let release: Release = request
        .release
        .verify(Role::Release, &root.release_keys, root.threshold)
        .map_err(|e| ApiError::BadRequest(format!("release refused: {e}")))?;
    if release.channel != channel {
        return Err(ApiError::BadRequest(format!(
            "release is for channel `{}`, posted to `{channel}`",
            release.channel
        )));
    }
    let snapshot = B64
        .decode(&request.snapshot)
        .map_err(|e| ApiError::BadRequest(format!("snapshot is not base64: {e}")))?;
    if pack::BlobRef::of(&snapshot) != release.snapshot {
        return Err(ApiError::BadRequest(
            "snapshot does not match the release's hash and size".to_owned(),
        ));
    }
    let new_pack: Pack =
        pack::decode(&snapshot).map_err(|e| ApiError::BadRequest(format!("snapshot: {e}")))?;
    let hash = state_hash(&new_pack).map_err(|e| ApiError::Internal(e.to_string()))?;
    if hash != release.state_sha256 || new_pack.info.channel != channel {
        return Err(ApiError::BadRequest(
            "snapshot content does not match the release's state hash or channel".to_owned(),
        ));
    }

    let tx = conn.transaction()?;
    let latest = db::latest(&tx, channel)?;
    let current = latest.as_ref().map(|l| l.version).unwrap_or(0);
    if release.previous != current || release.version != current + 1 {
        return Err(ApiError::Conflict(format!(
            "release {} is made on version {}, but the latest is {current}: re-sign on top of it",
            release.version, release.previous
        )));
    }
    tx.execute(
        "INSERT OR IGNORE INTO blobs(sha256, bytes) VALUES (?1, ?2)",
        params![release.snapshot.sha256, snapshot],
    )?;
    let mut deltas = 0;
    let first = release.version.saturating_sub(DELTA_HISTORY).max(1);
    for from in first..release.version {
        let old_hash: Option<String> = tx
            .query_row(
                "SELECT snapshot FROM releases WHERE channel = ?1 AND version = ?2",
                params![channel, from as i64],
                |r| r.get(0),
            )
            .ok();
        let Some(old_hash) = old_hash else { continue };
        let Some(old_bytes) = db::blob(&tx, &old_hash)? else {
            continue;
        };
        let old_pack = pack::decode(&old_bytes)
            .map_err(|e| ApiError::Internal(format!("stored snapshot {from}: {e}")))?;
        let delta = Delta::between(&old_pack, &new_pack, from, release.version);
        let bytes = pack::encode_delta(&delta).map_err(|e| ApiError::Internal(e.to_string()))?;
        let blob = pack::BlobRef::of(&bytes);
        tx.execute(
            "INSERT OR IGNORE INTO blobs(sha256, bytes) VALUES (?1, ?2)",
            params![blob.sha256, bytes],
        )?;
        tx.execute(
            "INSERT INTO deltas(channel, from_v, to_v, sha256, size) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                channel,
                from as i64,
                release.version as i64,
                blob.sha256,
                blob.size as i64
            ],
        )?;
        deltas += 1;
    }
    let envelope =
        serde_json::to_string(&request.release).map_err(|e| ApiError::Internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO releases(channel, version, envelope, snapshot, state_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            channel,
            release.version as i64,
            envelope,
            release.snapshot.sha256,
            release.state_sha256,
            chrono::Utc::now().to_rfc3339()
        ],
    )?;
    tx.commit()?;
    tracing::info!(
        channel,
        version = release.version,
        documents = new_pack.documents.len(),
        deltas,
        "published"
    );
    Ok(PublishResponse {
        channel: channel.to_owned(),
        version: release.version,
        documents: new_pack.documents.len(),
        deltas,
    })
}
