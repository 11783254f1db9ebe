//! Packs on the wire: whole-pack files (`fieldref pack build`, release snapshots), deltas, and the
//! signed metadata that lets a device prove an update is authentic and current.

mod envelope;
mod release;
mod trust;

pub use envelope::{Envelope, PublicKey, Role, SecretKey, SignatureEntry, VerifyError};
pub use release::{
    decode_delta, encode_delta, sha256_hex, BlobRef, Delta, DeltaRef, Manifest, Release,
    MAX_DECODED_BYTES,
};
pub use trust::{Root, MAX_ROTATIONS};

use crate::content::Pack;
use crate::error::{Error, Result};

/// First bytes of a pack file, so a wrong file is named as such instead of failing to decompress.
const MAGIC: &[u8] = b"FIELDREF-PACK-1\n";

/// Encodes a pack: magic line, then zstd-compressed JSON.
pub fn encode(pack: &Pack) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(pack)?;
    let compressed = zstd::encode_all(json.as_slice(), 19).map_err(|e| Error::io("<pack>", e))?;
    let mut out = Vec::with_capacity(MAGIC.len() + compressed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&compressed);
    Ok(out)
}

/// Decodes what [`encode`] wrote; anything else is a clear error.
pub fn decode(bytes: &[u8]) -> Result<Pack> {
    let body = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| Error::InvalidInput("not a FieldRef pack file (bad header)".to_owned()))?;
    let json = zstd::decode_all(body)
        .map_err(|e| Error::InvalidInput(format!("pack file is damaged: {e}")))?;
    serde_json::from_slice(&json)
        .map_err(|e| Error::InvalidInput(format!("pack file is damaged: {e}")))
}
