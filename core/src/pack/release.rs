//! Release metadata and blobs. A *release* (signed by a trainer's release key) names a content
//! version, the hash of the whole resulting content and its snapshot. The *manifest* (signed by
//! the server's online key, short expiry) wraps the latest release and lists the deltas to it.
//! Snapshots and deltas are content-addressed blobs, verified by hash before they are read.

use std::collections::HashMap;
use std::io::Read;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::envelope::Envelope;
use crate::content::{Document, Pack, PackInfo};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

impl BlobRef {
    pub fn of(bytes: &[u8]) -> BlobRef {
        BlobRef {
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub channel: String,
    pub version: u64,
    /// The version this release was made on top of (0 for the first).
    pub previous: u64,
    pub created: String,
    /// [`crate::store::state_hash`] of the whole content at this version.
    pub state_sha256: String,
    pub snapshot: BlobRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaRef {
    pub from: u64,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub channel: String,
    pub version: u64,
    /// The trust root version the server's keys belong to (a hint to fetch rotations).
    pub root_version: u64,
    pub created: String,
    /// After this instant the manifest proves nothing: devices report staleness.
    pub expires: String,
    /// The signed release of `version`.
    pub release: Envelope,
    /// Deltas to `version` from recent versions.
    pub deltas: Vec<DeltaRef>,
}

/// What changed between two versions of a pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub channel: String,
    pub from: u64,
    pub to: u64,
    pub info: PackInfo,
    pub upserts: Vec<Document>,
    pub deletes: Vec<String>,
}

impl Delta {
    pub fn between(old: &Pack, new: &Pack, from: u64, to: u64) -> Delta {
        let old_docs: HashMap<&str, &Document> =
            old.documents.iter().map(|d| (d.id.as_str(), d)).collect();
        let new_ids: std::collections::HashSet<&str> =
            new.documents.iter().map(|d| d.id.as_str()).collect();
        let upserts = new
            .documents
            .iter()
            .filter(|d| old_docs.get(d.id.as_str()) != Some(d))
            .cloned()
            .collect();
        let mut deletes: Vec<String> = old
            .documents
            .iter()
            .filter(|d| !new_ids.contains(d.id.as_str()))
            .map(|d| d.id.clone())
            .collect();
        deletes.sort();
        Delta {
            channel: new.info.channel.clone(),
            from,
            to,
            info: new.info.clone(),
            upserts,
            deletes,
        }
    }
}

/// A decompressed blob may be at most this large (a small blob must not expand to fill memory).
pub const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;
const DELTA_MAGIC: &[u8] = b"FIELDREF-DELTA-1\n";

pub fn encode_delta(delta: &Delta) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(delta)?;
    let compressed = zstd::encode_all(json.as_slice(), 19).map_err(|e| Error::io("<delta>", e))?;
    Ok([DELTA_MAGIC, compressed.as_slice()].concat())
}

pub fn decode_delta(bytes: &[u8]) -> Result<Delta> {
    let body = bytes
        .strip_prefix(DELTA_MAGIC)
        .ok_or_else(|| Error::InvalidInput("not a FieldRef delta (bad header)".to_owned()))?;
    let json = bounded_unzstd(body)?;
    serde_json::from_slice(&json).map_err(|e| Error::InvalidInput(format!("delta is damaged: {e}")))
}

/// zstd-decodes at most [`MAX_DECODED_BYTES`].
pub(crate) fn bounded_unzstd(body: &[u8]) -> Result<Vec<u8>> {
    let decoder = zstd::stream::read::Decoder::new(body)
        .map_err(|e| Error::InvalidInput(format!("damaged: {e}")))?;
    let mut out = Vec::new();
    decoder
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::InvalidInput(format!("damaged: {e}")))?;
    if out.len() as u64 > MAX_DECODED_BYTES {
        return Err(Error::InvalidInput(format!(
            "expands past {MAX_DECODED_BYTES} bytes"
        )));
    }
    Ok(out)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::store::hex(&Sha256::digest(bytes))
}
