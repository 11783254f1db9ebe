//! Packs on the wire: whole-pack files (`fieldref pack build`, release snapshots), deltas, and the
//! signed metadata that lets a device prove an update is authentic and current.

mod envelope;
mod release;
pub mod seal;
mod trust;

pub use envelope::{Envelope, PublicKey, Role, SecretKey, SignatureEntry, VerifyError};
pub use release::{
    decode_delta, decode_delta_signed, encode_delta, encode_delta_sized, sha256_hex, BlobRef,
    Delta, DeltaRef, Manifest, Release, MAX_DECODED_BYTES,
};
pub use trust::{Root, MAX_ROTATIONS};

use crate::content::Pack;
use crate::error::{Error, Result};

/// First bytes of a pack file, so a wrong file is named as such instead of failing to decompress.
const MAGIC: &[u8] = b"FIELDREF-PACK-1\n";

/// Encodes a pack: magic line, then zstd-compressed JSON.
pub fn encode(pack: &Pack) -> Result<Vec<u8>> {
    Ok(encode_sized(pack)?.0)
}

/// Encodes a pack and returns its decoded size too (what a release signs as `decoded_size`).
pub fn encode_sized(pack: &Pack) -> Result<(Vec<u8>, u64)> {
    let json = serde_json::to_vec(pack)?;
    let compressed = zstd::encode_all(json.as_slice(), 19).map_err(|e| Error::io("<pack>", e))?;
    let mut out = Vec::with_capacity(MAGIC.len() + compressed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&compressed);
    Ok((out, json.len() as u64))
}

/// Decodes a pack file from disk (no signed size: at most [`MAX_DECODED_BYTES`]).
pub fn decode(bytes: &[u8]) -> Result<Pack> {
    decode_with(bytes, MAX_DECODED_BYTES, false)
}

/// Decodes a release snapshot, which must decompress to exactly its signed `decoded_size`:
/// decompression stops one byte past it, so a bomb costs at most that much memory.
pub fn decode_signed(bytes: &[u8], decoded_size: u64) -> Result<Pack> {
    decode_with(bytes, decoded_size, true)
}

fn decode_with(bytes: &[u8], limit: u64, exact: bool) -> Result<Pack> {
    let body = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| Error::InvalidInput("not a FieldRef pack file (bad header)".to_owned()))?;
    release::bounded_zstd_json(body, "pack file", limit, exact)
}
