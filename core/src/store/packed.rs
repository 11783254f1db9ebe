//! How a document row holds its JSON: zstd-compressed (the store was 1.5× the sources as plain
//! JSON), beside the SHA-256 of the uncompressed JSON. The digests let the content hash be folded
//! from the rows without decompressing every document (see [`super::StateHasher`]), so a delta
//! is verified in time proportional to the number of documents, not to their bytes.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// zstd level for stored rows: 3 compresses a 1–4 KB document within a few percent of 19 at a
/// tenth of the time, and every row of a 52,000-document snapshot is compressed on install.
const LEVEL: i32 = 3;

/// The most one stored document may decompress to: far above any document the validator
/// accepts, so a damaged row cannot make a read allocate without bound.
const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// A document's JSON as stored: compressed bytes and the digest of the plain JSON.
pub(crate) struct PackedDocument {
    pub compressed: Vec<u8>,
    pub digest: [u8; 32],
}

pub(crate) fn pack(json: &[u8]) -> Result<PackedDocument> {
    let compressed =
        zstd::bulk::compress(json, LEVEL).map_err(|e| Error::Corrupt(format!("compress: {e}")))?;
    Ok(PackedDocument {
        compressed,
        digest: digest(json),
    })
}

/// The stored JSON of `id` back as text.
pub(crate) fn unpack(id: &str, compressed: &[u8]) -> Result<String> {
    let json = zstd::bulk::decompress(compressed, MAX_DOCUMENT_BYTES)
        .map_err(|e| Error::Corrupt(format!("stored document `{id}`: {e}")))?;
    String::from_utf8(json)
        .map_err(|e| Error::Corrupt(format!("stored document `{id}`: not UTF-8 ({e})")))
}

pub(crate) fn digest(json: &[u8]) -> [u8; 32] {
    Sha256::digest(json).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_round_trips_and_its_digest_is_of_the_plain_json() {
        let json = r#"{"id":"contact-a","title":"Harbor House — café","summary":"Shelter, 24/7"}"#
            .repeat(20);
        let packed = pack(json.as_bytes()).expect("pack");
        assert!(packed.compressed.len() < json.len() / 4, "repetitive JSON shrinks");
        assert_eq!(unpack("contact-a", &packed.compressed).expect("unpack"), json);
        assert_eq!(packed.digest, digest(json.as_bytes()));
        assert_ne!(packed.digest, digest(b"{}"));
    }

    #[test]
    fn an_empty_document_round_trips() {
        let packed = pack(b"").expect("pack");
        assert_eq!(unpack("x", &packed.compressed).expect("unpack"), "");
    }

    #[test]
    fn a_damaged_row_is_reported_as_corrupt_naming_the_document() {
        let mut packed = pack(br#"{"id":"note-a","body":"text text text text"}"#)
            .expect("pack")
            .compressed;
        let last = packed.len() - 1;
        packed.truncate(last);
        match unpack("note-a", &packed) {
            Err(Error::Corrupt(message)) => assert!(message.contains("note-a"), "{message}"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert!(matches!(
            unpack("note-b", b"not zstd at all"),
            Err(Error::Corrupt(_))
        ));
    }
}
