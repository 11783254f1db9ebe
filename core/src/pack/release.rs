//! Release metadata and blobs. A *release* (signed by a trainer's release key) names a content
//! version, the hash of the whole resulting content and its snapshot. The *manifest* (signed by
//! the server's online key, short expiry) wraps the latest release and lists the deltas to it.
//! Snapshots and deltas are content-addressed blobs, verified by hash before they are read.

use std::collections::HashMap;
use std::io::Read;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::envelope::Envelope;
use crate::content::{Audience, Document, Pack, PackInfo};
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
    /// Bytes the snapshot decompresses to. Signed with the release, so every decoder (device,
    /// server, trainer's client) stops there: a small blob cannot expand to fill memory.
    pub decoded_size: u64,
    /// Whom the release is for. Signed, so a release for officers cannot be passed off on a
    /// public channel or the reverse; absent (public) in releases made before audiences.
    #[serde(default, skip_serializing_if = "is_public")]
    pub audience: Audience,
}

fn is_public(audience: &Audience) -> bool {
    *audience == Audience::Public
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaRef {
    pub from: u64,
    pub sha256: String,
    pub size: u64,
    /// Bytes the delta decompresses to (signed with the manifest by the server that made it).
    pub decoded_size: u64,
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
    /// The pack's settings, only when they changed since `from`: they are mostly synonyms (some
    /// 10 KB compressed), and a delta that carried them every time was larger than the whole
    /// snapshot of a small pack. Absent, the device keeps its own ([`Delta::settings`]); the
    /// signed content hash checks the result either way, so a device whose settings differ
    /// fails the check and fetches the snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<PackInfo>,
    pub upserts: Vec<Document>,
    pub deletes: Vec<String>,
}

impl Delta {
    /// The settings once this delta is applied to content whose settings are `installed`.
    pub fn settings<'a>(&'a self, installed: &'a PackInfo) -> &'a PackInfo {
        self.info.as_ref().unwrap_or(installed)
    }

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
            channel: new.info.audience_channel(),
            from,
            to,
            info: (old.info != new.info).then(|| new.info.clone()),
            upserts,
            deletes,
        }
    }
}

/// The most any blob may decompress to, whatever size is claimed for it: the ceiling for pack
/// files read from disk and for signed sizes a server accepts.
pub const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;
/// zstd window: the encoder's level 19 uses at most 2^23; a frame asking for more is refused
/// instead of allocating its window.
const WINDOW_LOG_MAX: u32 = 24;
const DELTA_MAGIC: &[u8] = b"FIELDREF-DELTA-1\n";

pub fn encode_delta(delta: &Delta) -> Result<Vec<u8>> {
    Ok(encode_delta_sized(delta)?.0)
}

/// Encodes a delta and returns its decoded size too (for the manifest's [`DeltaRef`]).
pub fn encode_delta_sized(delta: &Delta) -> Result<(Vec<u8>, u64)> {
    let json = serde_json::to_vec(delta)?;
    let compressed = zstd::encode_all(json.as_slice(), 19).map_err(|e| Error::io("<delta>", e))?;
    Ok((
        [DELTA_MAGIC, compressed.as_slice()].concat(),
        json.len() as u64,
    ))
}

/// Decodes a delta with no signed size (at most [`MAX_DECODED_BYTES`]).
pub fn decode_delta(bytes: &[u8]) -> Result<Delta> {
    decode_delta_with(bytes, MAX_DECODED_BYTES, false)
}

/// Decodes a delta that must decompress to exactly its signed `decoded_size` bytes.
pub fn decode_delta_signed(bytes: &[u8], decoded_size: u64) -> Result<Delta> {
    decode_delta_with(bytes, decoded_size, true)
}

fn decode_delta_with(bytes: &[u8], limit: u64, exact: bool) -> Result<Delta> {
    let body = bytes
        .strip_prefix(DELTA_MAGIC)
        .ok_or_else(|| Error::InvalidInput("not a FieldRef delta (bad header)".to_owned()))?;
    bounded_zstd_json(body, "delta", limit, exact)
}

/// Decodes zstd-compressed JSON as it decompresses, so the decoded bytes are never held whole
/// (a 52,000-document snapshot is about 60 MB of JSON): only the value being built is. The
/// same limits as [`bounded_unzstd`]: at most `limit` bytes, exactly `limit` with `exact`.
pub(crate) fn bounded_zstd_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
    what: &str,
    limit: u64,
    exact: bool,
) -> Result<T> {
    if limit > MAX_DECODED_BYTES {
        return Err(Error::TooLarge {
            what: what.to_owned(),
            limit: MAX_DECODED_BYTES,
        });
    }
    let damaged = |e: std::io::Error| Error::InvalidInput(format!("{what} is damaged: {e}"));
    let mut decoder = zstd::stream::read::Decoder::new(body).map_err(damaged)?;
    decoder.window_log_max(WINDOW_LOG_MAX).map_err(damaged)?;
    let mut counted = Counted {
        inner: decoder,
        read: 0,
        limit,
    };
    let parsed =
        serde_json::from_reader(std::io::BufReader::with_capacity(64 * 1024, &mut counted));
    if counted.read > limit {
        return Err(Error::TooLarge {
            what: what.to_owned(),
            limit,
        });
    }
    let value = parsed.map_err(|e| Error::InvalidInput(format!("{what} is damaged: {e}")))?;
    if exact && counted.read != limit {
        return Err(Error::InvalidInput(format!(
            "{what} decompresses to {} bytes, {limit} were signed",
            counted.read
        )));
    }
    Ok(value)
}

/// A reader that counts what it passes on and fails one byte past `limit`.
struct Counted<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read > self.limit {
            return Err(std::io::Error::other("over the signed size"));
        }
        let room = (self.limit + 1 - self.read).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other("over the signed size"));
        }
        Ok(n)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::store::hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceTree;

    fn bundled() -> Pack {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        SourceTree::read_dir(&dir)
            .and_then(|tree| tree.compile())
            .expect("the bundled pack compiles")
    }

    #[test]
    fn a_delta_carries_the_settings_only_when_they_changed() {
        let old = bundled();
        let mut new = old.clone();
        new.documents[0].summary.push_str(" Changed.");
        let same = Delta::between(&old, &new, 1, 2);
        assert_eq!(same.info, None);
        assert_eq!(same.settings(&old.info), &old.info);
        let decoded = decode_delta(&encode_delta(&same).expect("encode")).expect("decode");
        assert_eq!(decoded, same, "no settings survives the round trip");

        new.info.synonyms.push("zephyrine = psychosis".to_owned());
        let changed = Delta::between(&old, &new, 1, 2);
        assert_eq!(changed.info.as_ref(), Some(&new.info));
        assert_eq!(changed.settings(&old.info), &new.info);
        assert!(
            encode_delta(&same).expect("encode").len()
                < encode_delta(&changed).expect("encode").len()
        );
    }

    /// A zstd frame header asking for a 32 MiB window (zstd itself allows up to 128 MiB by
    /// default), then one raw byte.
    fn huge_window_frame() -> Vec<u8> {
        let mut frame = vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, 15 << 3];
        let header: u32 = 1 | (1 << 3); // last block, raw, 1 byte
        frame.extend_from_slice(&header.to_le_bytes()[..3]);
        frame.push(b'x');
        frame
    }

    #[test]
    fn a_frame_asking_for_a_huge_window_is_refused_before_allocating_it() {
        let err = bounded_zstd_json::<serde_json::Value>(&huge_window_frame(), "delta", 10, false)
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }

    #[test]
    fn streamed_json_decoding_keeps_the_same_limits() {
        let json = serde_json::to_vec(&vec!["word"; 200]).expect("json");
        let body = zstd::encode_all(json.as_slice(), 3).expect("encode");
        let n = json.len() as u64;
        assert!(matches!(
            bounded_zstd_json::<Vec<String>>(&body, "x", MAX_DECODED_BYTES + 1, false),
            Err(Error::TooLarge { .. })
        ));
        let back: Vec<String> = bounded_zstd_json(&body, "x", n, true).expect("exact");
        assert_eq!(back.len(), 200);
        assert!(matches!(
            bounded_zstd_json::<Vec<String>>(&body, "x", n - 1, false),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            bounded_zstd_json::<Vec<String>>(&body, "x", n + 1, true),
            Err(Error::InvalidInput(_))
        ));
        let cut = &body[..body.len() - 4];
        assert!(matches!(
            bounded_zstd_json::<Vec<String>>(cut, "x", n, true),
            Err(Error::InvalidInput(_))
        ));
    }
}
