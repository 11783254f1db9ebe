//! Publishing: a trainer's signed release plus its snapshot, checked (signature, channel-name
//! rules, the snapshot's hash, size and signed decoded size, the core's content validator, the
//! state hash) and stored atomically with deltas from recent versions.
//!
//! The slow part (decompressing, validating, building deltas) runs in [`prepare`] on read
//! connections; [`commit`] is one short write transaction, so devices' manifest reads never wait
//! for a publish. Publishes are serialized; a release made on a stale base is refused with 409 so
//! its author re-signs on top of the new latest version, and none is lost.

use std::collections::HashSet;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use fieldref_core::content::{check_documents, Audience, Pack};
use fieldref_core::pack::{self, Delta, Envelope, Release, Role, Root};
use fieldref_core::store::state_hash;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::db;
use crate::error::ApiError;
use crate::AppState;

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

/// A checked release, its blobs ready to store.
pub(crate) struct Prepared {
    release: Release,
    envelope: String,
    snapshot: Vec<u8>,
    deltas: Vec<PreparedDelta>,
    doc_ids: Arc<HashSet<String>>,
}

struct PreparedDelta {
    from: u64,
    bytes: Vec<u8>,
    decoded_size: u64,
}

/// Verifies and checks everything about `request`, and builds its deltas; writes nothing.
pub(crate) fn prepare(
    state: &AppState,
    channel: &str,
    request: &PublishRequest,
) -> Result<Prepared, ApiError> {
    if !db::valid_channel(channel) {
        return Err(ApiError::BadRequest(format!(
            "channel `{channel}`: expected lowercase letters, digits and dashes"
        )));
    }
    let release = verify(&state.root, channel, &request.release)?;
    let snapshot = B64
        .decode(&request.snapshot)
        .map_err(|e| ApiError::BadRequest(format!("snapshot is not base64: {e}")))?;
    if pack::BlobRef::of(&snapshot) != release.snapshot {
        return Err(ApiError::BadRequest(
            "snapshot does not match the release's hash and size".to_owned(),
        ));
    }
    let new_pack: Pack = pack::decode_signed(&snapshot, release.decoded_size)
        .map_err(|e| ApiError::BadRequest(format!("snapshot: {e}")))?;
    let problems: Vec<_> = check_documents(&new_pack.info, &new_pack.documents)
        .into_iter()
        .filter(|p| p.is_error())
        .collect();
    if let Some(first) = problems.first() {
        return Err(ApiError::BadRequest(format!(
            "snapshot fails the content rules ({} problem(s)), first: {first}",
            problems.len()
        )));
    }
    let hash = state_hash(&new_pack).map_err(|e| ApiError::Internal(e.to_string()))?;
    if hash != release.state_sha256
        || new_pack.info.audience_channel() != channel
        || new_pack.info.audience != release.audience
    {
        return Err(ApiError::BadRequest(
            "snapshot content does not match the release's state hash or channel".to_owned(),
        ));
    }
    let current = state.read(|conn| Ok(db::latest(conn, channel)?.map(|l| l.version)))?;
    check_base(&release, current.unwrap_or(0))?;
    let deltas = state.read(|conn| build_deltas(conn, channel, &release, &new_pack))?;
    let envelope =
        serde_json::to_string(&request.release).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Prepared {
        doc_ids: Arc::new(new_pack.documents.iter().map(|d| d.id.clone()).collect()),
        release,
        envelope,
        snapshot,
        deltas,
    })
}

fn verify(root: &Root, channel: &str, envelope: &Envelope) -> Result<Release, ApiError> {
    let release: Release = envelope
        .verify(Role::Release, &root.release_keys, root.threshold)
        .map_err(|e| ApiError::BadRequest(format!("release refused: {e}")))?;
    if release.channel != channel {
        return Err(ApiError::BadRequest(format!(
            "release is for channel `{}`, posted to `{channel}`",
            release.channel
        )));
    }
    if crate::officers::is_officers(channel) != (release.audience == Audience::Officers) {
        return Err(ApiError::BadRequest(format!(
            "a release for the {} audience cannot go to channel `{channel}` (officers releases go \
             to `CHANNEL-officers`, and only they do)",
            release.audience.as_str()
        )));
    }
    if release.decoded_size > pack::MAX_DECODED_BYTES {
        return Err(ApiError::BadRequest(format!(
            "release claims a snapshot of {} bytes decoded; at most {} are accepted",
            release.decoded_size,
            pack::MAX_DECODED_BYTES
        )));
    }
    Ok(release)
}

fn check_base(release: &Release, current: u64) -> Result<(), ApiError> {
    if release.previous != current || release.version != current + 1 {
        return Err(ApiError::Conflict(format!(
            "release {} is made on version {}, but the latest is {current}: re-sign on top of it",
            release.version, release.previous
        )));
    }
    Ok(())
}

fn build_deltas(
    conn: &Connection,
    channel: &str,
    release: &Release,
    new_pack: &Pack,
) -> Result<Vec<PreparedDelta>, ApiError> {
    let mut deltas = Vec::new();
    let first = release.version.saturating_sub(DELTA_HISTORY).max(1);
    for from in first..release.version {
        let old: Option<(String, String)> = conn
            .query_row(
                "SELECT snapshot, envelope FROM releases WHERE channel = ?1 AND version = ?2",
                params![channel, from as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let Some((old_hash, old_envelope)) = old else {
            continue;
        };
        let Some(old_bytes) = db::blob(conn, &old_hash)? else {
            continue;
        };
        // Stored releases were verified when published; their signed size bounds the decode.
        let old_release: Option<Release> = serde_json::from_str::<Envelope>(&old_envelope)
            .ok()
            .and_then(|e| e.unverified());
        let Some(old_release) = old_release else {
            continue;
        };
        let old_pack = pack::decode_signed(&old_bytes, old_release.decoded_size)
            .map_err(|e| ApiError::Internal(format!("stored snapshot {from}: {e}")))?;
        let delta = Delta::between(&old_pack, new_pack, from, release.version);
        let (bytes, decoded_size) =
            pack::encode_delta_sized(&delta).map_err(|e| ApiError::Internal(e.to_string()))?;
        deltas.push(PreparedDelta {
            from,
            bytes,
            decoded_size,
        });
    }
    Ok(deltas)
}

/// Stores a prepared release in one short transaction (the base is checked again inside it).
pub(crate) fn commit(
    state: &AppState,
    channel: &str,
    prepared: Prepared,
) -> Result<PublishResponse, ApiError> {
    let release = &prepared.release;
    state.write(|conn| {
        let tx = conn.transaction()?;
        let current = db::latest(&tx, channel)?.map(|l| l.version).unwrap_or(0);
        check_base(release, current)?;
        tx.execute(
            "INSERT OR IGNORE INTO blobs(sha256, bytes) VALUES (?1, ?2)",
            params![release.snapshot.sha256, prepared.snapshot],
        )?;
        for delta in &prepared.deltas {
            let blob = pack::BlobRef::of(&delta.bytes);
            tx.execute(
                "INSERT OR IGNORE INTO blobs(sha256, bytes) VALUES (?1, ?2)",
                params![blob.sha256, delta.bytes],
            )?;
            tx.execute(
                "INSERT INTO deltas(channel, from_v, to_v, sha256, size, decoded_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    channel,
                    delta.from as i64,
                    release.version as i64,
                    blob.sha256,
                    blob.size as i64,
                    delta.decoded_size as i64
                ],
            )?;
        }
        if crate::officers::is_officers(channel) {
            // Devices and static exports only ever get the sealed copies.
            crate::officers::store_sealed(
                &tx,
                channel,
                &release.snapshot.sha256,
                &prepared.snapshot,
            )?;
            for delta in &prepared.deltas {
                let blob = pack::BlobRef::of(&delta.bytes);
                crate::officers::store_sealed(&tx, channel, &blob.sha256, &delta.bytes)?;
            }
        }
        tx.execute(
            "INSERT INTO releases(channel, version, envelope, snapshot, state_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                channel,
                release.version as i64,
                prepared.envelope,
                release.snapshot.sha256,
                release.state_sha256,
                chrono::Utc::now().to_rfc3339()
            ],
        )?;
        tx.commit()?;
        Ok::<_, ApiError>(())
    })?;
    let documents = prepared.doc_ids.len();
    crate::feedback::remember_documents(
        state,
        channel,
        release.version,
        Arc::clone(&prepared.doc_ids),
    );
    tracing::info!(
        channel,
        version = release.version,
        documents,
        deltas = prepared.deltas.len(),
        "published"
    );
    Ok(PublishResponse {
        channel: channel.to_owned(),
        version: release.version,
        documents,
        deltas: prepared.deltas.len(),
    })
}
