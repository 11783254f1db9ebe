//! How a document row holds its JSON: zstd-compressed (the store was 1.5× the sources as plain
//! JSON), beside the SHA-256 of the uncompressed JSON. The digests let the content hash be folded
//! from the rows without decompressing every document (see [`super::StateHasher`]), so a delta
//! is verified in time proportional to the number of documents, not to their bytes.
//!
//! Documents of one pack share most of their bytes (field names, categories, phrasing), which a
//! single 1–4 KB row cannot exploit on its own: a zstd dictionary trained on the documents of a
//! whole install (kept in the `dictionaries` table, named by each row) shrinks the rows about 5×
//! more than zstd alone (BENCHMARKS.md). The device trains it from the snapshot it installs, so
//! the pack format does not change; deltas compress with the dictionary of the last snapshot.

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

/// Dictionary size: 64 KB measured within 2 % of 112 KB on the benchmark corpus.
const DICTIONARY_BYTES: usize = 64 * 1024;
/// Documents sampled to train a dictionary: enough for the pack's shared phrasing, few enough
/// that training stays a small part of an install.
pub(crate) const MAX_SAMPLES: usize = 2_000;
/// Below this many documents (the bundled pack) a dictionary does not pay for its own bytes.
const MIN_SAMPLES: usize = 200;

/// Trains a dictionary on (an even sample of) the documents' JSON; `None` when there are too few
/// to pay for one or training fails (rows are then compressed without).
pub(crate) fn train(documents: &[impl AsRef<[u8]>]) -> Option<Vec<u8>> {
    if documents.len() < MIN_SAMPLES {
        return None;
    }
    let step = documents.len().div_ceil(MAX_SAMPLES);
    let samples: Vec<&[u8]> = documents.iter().step_by(step).map(AsRef::as_ref).collect();
    zstd::dict::from_samples(&samples, DICTIONARY_BYTES).ok()
}

/// Compresses rows, with a stored dictionary when the store has one.
pub(crate) struct Packer {
    compressor: zstd::bulk::Compressor<'static>,
    dictionary: Option<i64>,
}

impl Packer {
    /// `dictionary`: its row id in `dictionaries` and its bytes.
    pub(crate) fn new(dictionary: Option<(i64, &[u8])>) -> Result<Packer> {
        let failed = |e: std::io::Error| Error::Corrupt(format!("compression dictionary: {e}"));
        Ok(match dictionary {
            Some((id, bytes)) => Packer {
                compressor: zstd::bulk::Compressor::with_dictionary(LEVEL, bytes)
                    .map_err(failed)?,
                dictionary: Some(id),
            },
            None => Packer {
                compressor: zstd::bulk::Compressor::new(LEVEL).map_err(failed)?,
                dictionary: None,
            },
        })
    }

    /// The dictionary rows packed here name.
    pub(crate) fn dictionary(&self) -> Option<i64> {
        self.dictionary
    }

    pub(crate) fn pack(&mut self, json: &[u8]) -> Result<PackedDocument> {
        let compressed = self
            .compressor
            .compress(json)
            .map_err(|e| Error::Corrupt(format!("compress: {e}")))?;
        Ok(PackedDocument {
            compressed,
            digest: digest(json),
        })
    }
}

/// Compresses one row without a dictionary.
#[cfg(test)]
fn pack(json: &[u8]) -> Result<PackedDocument> {
    Packer::new(None)?.pack(json)
}

/// Decompresses rows; keeps the last dictionary it loaded, since a store has one at a time.
#[derive(Default)]
pub(crate) struct Unpacker {
    plain: Option<zstd::bulk::Decompressor<'static>>,
    trained: Option<(i64, zstd::bulk::Decompressor<'static>)>,
}

impl Unpacker {
    /// The JSON of document `id`, compressed with `dictionary` (whose bytes `load` reads when it
    /// is not the one already loaded).
    pub(crate) fn unpack(
        &mut self,
        id: &str,
        compressed: &[u8],
        dictionary: Option<i64>,
        load: impl FnOnce(i64) -> Result<Vec<u8>>,
    ) -> Result<String> {
        let damaged = |e: std::io::Error| Error::Corrupt(format!("stored document `{id}`: {e}"));
        let decompressor = match dictionary {
            None => match &mut self.plain {
                Some(d) => d,
                plain => plain.insert(zstd::bulk::Decompressor::new().map_err(damaged)?),
            },
            Some(wanted) => {
                if self.trained.as_ref().is_none_or(|(id, _)| *id != wanted) {
                    let bytes = load(wanted)?;
                    let d = zstd::bulk::Decompressor::with_dictionary(&bytes).map_err(damaged)?;
                    self.trained = Some((wanted, d));
                }
                match &mut self.trained {
                    Some((_, d)) => d,
                    None => unreachable!("loaded above"),
                }
            }
        };
        let json = decompressor
            .decompress(compressed, MAX_DOCUMENT_BYTES)
            .map_err(damaged)?;
        String::from_utf8(json)
            .map_err(|e| Error::Corrupt(format!("stored document `{id}`: not UTF-8 ({e})")))
    }
}

/// The stored JSON of `id` (compressed without a dictionary) back as text.
#[cfg(test)]
fn unpack(id: &str, compressed: &[u8]) -> Result<String> {
    Unpacker::default().unpack(id, compressed, None, |_| {
        Err(Error::Corrupt("no dictionary".to_owned()))
    })
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
        assert!(
            packed.compressed.len() < json.len() / 4,
            "repetitive JSON shrinks"
        );
        assert_eq!(
            unpack("contact-a", &packed.compressed).expect("unpack"),
            json
        );
        assert_eq!(packed.digest, digest(json.as_bytes()));
        assert_ne!(packed.digest, digest(b"{}"));
    }

    fn documents(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"contact-{i}","title":"Port Alder service {i}","summary":"Walk-in help with housing, food and benefits for families in neighborhood {}.","phones":[{{"number":"555-01{:02}"}}],"hours":"Mo-Fr 09:00-17:00"}}"#,
                    i % 17,
                    i % 100
                )
            })
            .collect()
    }

    #[test]
    fn a_trained_dictionary_shrinks_rows_and_they_round_trip_with_it() {
        let docs = documents(600);
        let dictionary = train(&docs).expect("enough samples");
        let mut trained = Packer::new(Some((7, &dictionary))).expect("packer");
        assert_eq!(trained.dictionary(), Some(7));
        let mut plain_bytes = 0;
        let mut trained_bytes = 0;
        let mut unpacker = Unpacker::default();
        let mut loads = 0;
        for doc in &docs {
            plain_bytes += pack(doc.as_bytes()).expect("pack").compressed.len();
            let row = trained.pack(doc.as_bytes()).expect("pack");
            trained_bytes += row.compressed.len();
            let back = unpacker
                .unpack("contact", &row.compressed, Some(7), |id| {
                    assert_eq!(id, 7);
                    loads += 1;
                    Ok(dictionary.clone())
                })
                .expect("unpack");
            assert_eq!(&back, doc);
        }
        assert_eq!(loads, 1, "the dictionary is loaded once");
        assert!(
            trained_bytes * 2 < plain_bytes,
            "{trained_bytes} bytes with the dictionary, {plain_bytes} without"
        );
        assert!(train(&documents(10)).is_none(), "too few to pay");
    }

    #[test]
    fn a_row_read_with_the_wrong_dictionary_is_corrupt_not_garbage() {
        let docs = documents(400);
        let dictionary = train(&docs).expect("dictionary");
        let row = Packer::new(Some((1, &dictionary)))
            .expect("packer")
            .pack(docs[3].as_bytes())
            .expect("pack");
        let other = train(&documents(400)[150..]).expect("another dictionary");
        let read = Unpacker::default().unpack("contact-3", &row.compressed, Some(2), |_| Ok(other));
        assert!(matches!(read, Err(Error::Corrupt(_))), "{read:?}");
        assert!(matches!(
            unpack("contact-3", &row.compressed),
            Err(Error::Corrupt(_))
        ));
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
