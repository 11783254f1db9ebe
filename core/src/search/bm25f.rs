//! BM25F: one word scored once over all of a document's text fields. tantivy scores each field on
//! its own and the sums add up, so a word in the title and the body is saturated twice and counts
//! almost double, and a long body's length normalisation never sees the title. BM25F (Robertson,
//! Zaragoza and Taylor 2004; what SQLite FTS5's `bm25()` does over its columns) first adds each
//! field's length-normalised term frequency, weighted by what the field is worth, then saturates
//! the sum once:
//!
//! ```text
//! tf~   = Σ_f  w_f · tf_f / (1 − b_f + b_f · len_f / avglen_f)
//! score = idf · (k1 + 1) · tf~ / (k1 + tf~)
//! ```
//!
//! The document frequency behind `idf` counts documents with the word in any field (the
//! statistics provider of [`super::statistics`] does that for every text field).

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Term-frequency saturation: how quickly more occurrences stop adding. Far above the textbook
/// 1.2: on both judged sets a word's fifth occurrence still says something (1.2 → 16 moved CISI
/// nDCG@10 from 0.386 to 0.431 and the pack's from 0.761 to 0.775, everything else fixed; 8
/// and 32 did no better; BENCHMARKS.md).
pub const K1: f32 = 16.0;

/// One field a word is scored in: what an occurrence there is worth, and how much the field's
/// length normalises it (0 none, 1 fully).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldWeight {
    pub field: Field,
    pub weight: f32,
    pub b: f32,
}

/// A single stemmed word over several fields, scored with BM25F, times `boost`.
#[derive(Debug, Clone)]
pub struct Bm25fQuery {
    fields: Vec<FieldWeight>,
    /// The word in each field, in the order of `fields` (lent to snippet highlighting).
    terms: Vec<Term>,
    boost: f32,
}

impl Bm25fQuery {
    pub fn new(text: &str, fields: Vec<FieldWeight>, boost: f32) -> Bm25fQuery {
        let terms = fields
            .iter()
            .map(|f| Term::from_field_text(f.field, text))
            .collect();
        Bm25fQuery {
            fields,
            terms,
            boost,
        }
    }
}

impl Query for Bm25fQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut fields = Vec::with_capacity(self.fields.len());
        let mut idf = 0.0;
        if let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        {
            let documents = statistics_provider.total_num_docs()?.max(1);
            let mut frequency = 0;
            for (f, term) in self.fields.iter().zip(&self.terms) {
                frequency = frequency.max(statistics_provider.doc_freq(term)?);
                let tokens = statistics_provider.total_num_tokens(f.field)?;
                let average = (tokens as f32 / documents as f32).max(f32::MIN_POSITIVE);
                fields.push((*f, norm_cache(f.weight, f.b, average)));
            }
            idf = bm25_idf(documents as f32, frequency as f32);
        } else {
            for f in &self.fields {
                fields.push((*f, Arc::new([0.0; 256])));
            }
        }
        let k1 = K1;
        Ok(Box::new(Bm25fWeight {
            terms: self.terms.clone(),
            fields,
            weight: idf * (k1 + 1.0) * self.boost,
            k1,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, false);
        }
    }
}

/// BM25's idf of a word in `df` of `documents` documents. `df` may count deleted documents (a
/// delta leaves the old versions in older segments until a merge) and so exceed `documents`:
/// it is capped there, or a word most documents have would get a negative idf (and the
/// coordination factor of its documents a NaN).
pub(crate) fn bm25_idf(documents: f32, df: f32) -> f32 {
    let df = df.min(documents);
    (1.0 + (documents - df + 0.5) / (df + 0.5)).ln()
}

/// For each fieldnorm id, `w / (1 − b + b · len / avglen)`: the weight of one occurrence.
fn norm_cache(weight: f32, b: f32, average: f32) -> Arc<[f32; 256]> {
    let mut cache = [0.0; 256];
    for (id, slot) in cache.iter_mut().enumerate() {
        let length = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
        *slot = weight / (1.0 - b + b * length / average);
    }
    Arc::new(cache)
}

struct Bm25fWeight {
    terms: Vec<Term>,
    fields: Vec<(FieldWeight, Arc<[f32; 256]>)>,
    /// idf · (k1 + 1) · boost.
    weight: f32,
    k1: f32,
}

impl Weight for Bm25fWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.fields.len());
        for ((f, cache), term) in self.fields.iter().zip(&self.terms) {
            let postings = reader
                .inverted_index(f.field)?
                .read_postings(term, IndexRecordOption::WithFreqs)?;
            if let Some(postings) = postings.filter(|p| p.doc() != TERMINATED) {
                let norms = reader.get_fieldnorms_reader(f.field)?;
                parts.push(FieldPostings {
                    postings,
                    norms,
                    cache: cache.clone(),
                });
            }
        }
        let mut scorer = Bm25fScorer {
            parts,
            weight: self.weight * boost,
            k1: self.k1,
            doc: TERMINATED,
            window: Vec::new(),
            touched: Vec::new(),
        };
        scorer.doc = scorer.smallest();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        super::explain::by_scoring(self, reader, doc, "BM25F")
    }
}

struct FieldPostings {
    postings: SegmentPostings,
    norms: FieldNormReader,
    cache: Arc<[f32; 256]>,
}

/// The union of one word's postings in each field (a handful), scored together.
pub(crate) struct Bm25fScorer {
    parts: Vec<FieldPostings>,
    weight: f32,
    k1: f32,
    doc: DocId,
    /// [`Bm25fScorer::score_window`]'s weighted frequencies per slot, and the slots they fill.
    window: Vec<f32>,
    touched: Vec<u32>,
}

impl Bm25fScorer {
    /// Scores every document from the current one up to `start + size` (exclusive) and moves
    /// past them, handing `add` each one's slot (`doc - start`) and score; `start` is at or
    /// before the current document. A field at a time, as tantivy's own unions gather a window:
    /// the union scorer's interleaving of the fields (a comparison of every field's cursor per
    /// document) is what a description's dozen common words spent most of their time on. Each
    /// score is the same sum, in the same field order, as [`Scorer::score`]'s.
    pub(crate) fn score_window(
        &mut self,
        start: DocId,
        size: u32,
        mut add: impl FnMut(usize, f32),
    ) {
        let end = start.saturating_add(size);
        self.window.resize(size as usize, 0.0);
        for part in &mut self.parts {
            let mut doc = part.postings.doc();
            while doc < end {
                let slot = (doc - start) as usize;
                if self.window[slot] == 0.0 {
                    self.touched.push(slot as u32);
                }
                let id = part.norms.fieldnorm_id(doc);
                self.window[slot] += part.postings.term_freq() as f32 * part.cache[id as usize];
                doc = part.postings.advance();
            }
        }
        for &slot in &self.touched {
            let tf = std::mem::take(&mut self.window[slot as usize]);
            add(slot as usize, self.weight * tf / (self.k1 + tf));
        }
        self.touched.clear();
        self.doc = self.smallest();
    }

    fn smallest(&self) -> DocId {
        self.parts
            .iter()
            .map(|p| p.postings.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for Bm25fScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        for part in &mut self.parts {
            if part.postings.doc() == current {
                part.postings.advance();
            }
        }
        self.doc = self.smallest();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for part in &mut self.parts {
            if part.postings.doc() < target {
                part.postings.seek(target);
            }
        }
        self.doc = self.smallest();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts
            .iter()
            .map(|p| p.postings.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for Bm25fScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut tf = 0.0;
        for part in &self.parts {
            if part.postings.doc() == doc {
                let id = part.norms.fieldnorm_id(doc);
                tf += part.postings.term_freq() as f32 * part.cache[id as usize];
            }
        }
        self.weight * tf / (self.k1 + tf)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    use super::*;

    #[test]
    fn a_word_counted_with_deleted_documents_keeps_a_positive_idf() {
        // 1,000 documents alive; the word in all of them and in 2,000 deleted old versions.
        let common = bm25_idf(1_000.0, 3_000.0);
        assert!(common.is_finite() && common > 0.0, "{common}");
        assert_eq!(common, bm25_idf(1_000.0, 1_000.0));
        assert!(bm25_idf(1_000.0, 10.0) > common, "rarer words weigh more");
    }

    /// Two fields, three documents: "fox" in the title, in the body, and in both.
    fn index() -> (Index, Field, Field) {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        for (t, b) in [
            ("fox", "a quiet day"),
            ("a quiet day", "fox"),
            ("fox", "fox"),
            ("nothing", "here at all"),
        ] {
            writer
                .add_document(doc!(title => t, body => b))
                .expect("add");
        }
        writer.commit().expect("commit");
        (index, title, body)
    }

    fn fields(title: Field, body: Field) -> Vec<FieldWeight> {
        vec![
            FieldWeight {
                field: title,
                weight: 3.0,
                b: 0.75,
            },
            FieldWeight {
                field: body,
                weight: 1.0,
                b: 0.75,
            },
        ]
    }

    #[test]
    fn fields_are_weighted_and_saturated_once() {
        let (index, title, body) = index();
        let searcher = index.reader().expect("reader").searcher();
        let query = Bm25fQuery::new("fox", fields(title, body), 1.0);
        let top = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .expect("search");
        let order: Vec<u32> = top.iter().map(|(_, a)| a.doc_id).collect();
        assert_eq!(order, vec![2, 0, 1], "both fields, then title, then body");

        // The score is the formula: one idf (from the field where the word is most frequent,
        // with the searcher's own per-field statistics: 2 documents), one saturation of the
        // weighted frequencies.
        let documents = 4.0_f32;
        let idf = (1.0 + (documents - 2.0 + 0.5) / (2.0 + 0.5)).ln();
        let average = |tokens: f32| tokens / documents;
        let (title_avg, body_avg) = (
            average(1.0 + 3.0 + 1.0 + 1.0),
            average(3.0 + 1.0 + 1.0 + 3.0),
        );
        let tf = 3.0 / (0.25 + 0.75 * 1.0 / title_avg) + 1.0 / (0.25 + 0.75 * 1.0 / body_avg);
        let expected = idf * (K1 + 1.0) * tf / (K1 + tf);
        assert!(
            (top[0].0 - expected).abs() < 1e-4,
            "{} vs {expected}",
            top[0].0
        );
    }

    #[test]
    fn every_field_term_is_visible_for_highlighting() {
        let (_, title, body) = index();
        let query = Bm25fQuery::new("fox", fields(title, body), 1.0);
        let mut seen = Vec::new();
        query.query_terms(&mut |term, _| seen.push(term.field()));
        assert_eq!(seen, vec![title, body]);
    }
}
