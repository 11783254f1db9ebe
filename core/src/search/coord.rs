//! A disjunction scored with a coordination factor: the sum of the matching parts' BM25 scores,
//! times how much of the query a document covers. Short typed queries still put documents with
//! every word first (one word of two covered scores a quarter), while a paragraph no longer needs
//! every word, or a typo of it, to be found: a document covering 9 of 15 words simply outranks one
//! covering 4. Lucene's classic similarity did the same; tantivy has no such query, hence this one.
//!
//! Each part says which query words it stands for (a word with its typos and completions covers
//! that word; a synonym of a run of words covers the run; a proximity bonus covers none).

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::bm25f::Bm25fScorer;

/// One part of the disjunction and the query words (bits) it covers.
pub struct CoordPart {
    pub query: Box<dyn Query>,
    pub covers: u64,
}

impl Clone for CoordPart {
    fn clone(&self) -> Self {
        CoordPart {
            query: self.query.box_clone(),
            covers: self.covers,
        }
    }
}

impl fmt::Debug for CoordPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} covers {:#b}", self.query, self.covers)
    }
}

/// Sum of the matching parts' scores × (weight of the words covered / of all words)^`exponent`.
#[derive(Clone, Debug)]
pub struct CoordQuery {
    parts: Vec<CoordPart>,
    words: Coverage,
}

/// What each query word (bit) weighs in the coordination factor: a word typed twice counts twice.
#[derive(Clone, Debug)]
pub struct Coverage {
    weights: Vec<f32>,
    total: f32,
    exponent: f32,
    /// The factor of every combination of words, when there are few enough to list them all.
    table: Vec<f32>,
}

/// Up to this many words, every combination's factor is computed once per query (4,096 floats).
const TABLE_WORDS: usize = 12;

impl Coverage {
    /// At most 64 words (bits); more are ignored.
    pub fn new(mut weights: Vec<f32>, exponent: f32) -> Coverage {
        weights.truncate(64);
        // A negative or NaN weight would make a share outside 0..=1, and its root NaN: every
        // score NaN, and results in no order at all.
        for weight in &mut weights {
            *weight = if weight.is_finite() {
                weight.max(0.0)
            } else {
                0.0
            };
        }
        let total = weights.iter().sum::<f32>().max(f32::MIN_POSITIVE);
        let mut coverage = Coverage {
            weights,
            total,
            exponent,
            table: Vec::new(),
        };
        if coverage.weights.len() <= TABLE_WORDS {
            coverage.table = (0..1u64 << coverage.weights.len())
                .map(|mask| coverage.compute(mask))
                .collect();
        }
        coverage
    }

    /// No coordination at all: every document's factor is 1, for a plain sum of parts that
    /// cover no words (feedback terms add weight and ask for nothing).
    pub fn plain_sum() -> Coverage {
        Coverage {
            weights: Vec::new(),
            total: f32::MIN_POSITIVE,
            exponent: 1.0,
            table: vec![1.0],
        }
    }

    /// The factor for a document covering the words whose bits are set in `covered`.
    pub fn factor(&self, covered: u64) -> f32 {
        match self.table.get(covered as usize) {
            Some(factor) => *factor,
            None => self.compute(covered),
        }
    }

    fn compute(&self, covered: u64) -> f32 {
        let mut sum = 0.0;
        let mut bits = covered;
        while bits != 0 {
            let k = bits.trailing_zeros() as usize;
            sum += self.weights.get(k).copied().unwrap_or(0.0);
            bits &= bits - 1;
        }
        let share = (sum / self.total).min(1.0);
        if self.exponent == 2.0 {
            share * share
        } else if self.exponent == 1.5 {
            // A tenth of a long description's time went to `powf` (past the table's words).
            share * share.sqrt()
        } else {
            share.powf(self.exponent)
        }
    }
}

impl CoordQuery {
    pub fn new(parts: Vec<CoordPart>, words: Coverage) -> CoordQuery {
        CoordQuery { parts, words }
    }

    /// The plain sum of `parts`' scores over their union: tantivy's `BooleanQuery` of `Should`
    /// clauses, but a word's BM25F fills the window field by field ([`Bm25fScorer::score_window`])
    /// instead of being asked for each document's score.
    pub fn sum(parts: Vec<Box<dyn Query>>) -> CoordQuery {
        let parts = parts
            .into_iter()
            .map(|query| CoordPart { query, covers: 0 })
            .collect();
        CoordQuery::new(parts, Coverage::plain_sum())
    }
}

impl Query for CoordQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = self
            .parts
            .iter()
            .map(|part| Ok((part.query.weight(enable_scoring)?, part.covers)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(CoordWeight {
            parts,
            words: self.words.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for part in &self.parts {
            part.query.query_terms(visitor);
        }
    }
}

struct CoordWeight {
    parts: Vec<(Box<dyn Weight>, u64)>,
    words: Coverage,
}

impl Weight for CoordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for (weight, covers) in &self.parts {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                parts.push((scorer, *covers));
            }
        }
        Ok(Box::new(CoordScorer::new(parts, self.words.clone())))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        super::explain::by_scoring(self, reader, doc, "sum of parts × coordination")
    }
}

/// Documents are gathered a window at a time, as tantivy's own union does: every part adds its
/// scores and words to per-document slots of the window, then the window is read in order. This
/// costs one array write per posting, where a heap of the parts' cursors cost a sift per posting.
const WINDOW: u32 = 4_096;

/// A union over the parts' scorers, scored with the coordination factor.
struct CoordScorer {
    parts: Vec<(Box<dyn Scorer>, u64)>,
    words: Coverage,
    /// First document of the current window.
    start: DocId,
    /// Sum of the parts' scores and the words covered, per document of the window.
    sums: Vec<Score>,
    covered: Vec<u64>,
    /// Which slots of the window hold a document.
    present: Vec<u64>,
    /// Next slot to look at.
    cursor: usize,
    doc: DocId,
    score: Score,
}

impl CoordScorer {
    fn new(parts: Vec<(Box<dyn Scorer>, u64)>, words: Coverage) -> CoordScorer {
        let mut scorer = CoordScorer {
            parts,
            words,
            start: 0,
            sums: vec![0.0; WINDOW as usize],
            covered: vec![0; WINDOW as usize],
            present: vec![0; WINDOW as usize / 64],
            cursor: 0,
            doc: TERMINATED,
            score: 0.0,
        };
        scorer.refill();
        scorer.advance();
        scorer
    }

    /// Gathers the next window, starting at the smallest document any part is on.
    fn refill(&mut self) -> bool {
        self.parts.retain(|(scorer, _)| scorer.doc() != TERMINATED);
        let Some(start) = self.parts.iter().map(|(s, _)| s.doc()).min() else {
            return false;
        };
        self.start = start;
        self.cursor = 0;
        let end = start.saturating_add(WINDOW);
        for (scorer, covers) in &mut self.parts {
            // A word's BM25F (most parts) fills the window field by field.
            if let Some(word) = scorer.downcast_mut::<Bm25fScorer>() {
                let (sums, covered, present) =
                    (&mut self.sums, &mut self.covered, &mut self.present);
                word.score_window(start, WINDOW, |slot, score| {
                    sums[slot] += score;
                    covered[slot] |= *covers;
                    present[slot / 64] |= 1 << (slot % 64);
                });
                continue;
            }
            let mut doc = scorer.doc();
            while doc < end {
                let slot = (doc - start) as usize;
                self.sums[slot] += scorer.score();
                self.covered[slot] |= *covers;
                self.present[slot / 64] |= 1 << (slot % 64);
                doc = scorer.advance();
            }
        }
        true
    }

    /// The next document of the window at or after the cursor, taken out of its slot.
    fn take_next(&mut self) -> Option<(DocId, Score)> {
        while self.cursor < WINDOW as usize {
            let word = self.cursor / 64;
            let bits = self.present[word] >> (self.cursor % 64);
            if bits == 0 {
                self.cursor = (word + 1) * 64;
                continue;
            }
            let slot = self.cursor + bits.trailing_zeros() as usize;
            self.present[slot / 64] &= !(1 << (slot % 64));
            let score = self.sums[slot] * self.words.factor(self.covered[slot]);
            self.sums[slot] = 0.0;
            self.covered[slot] = 0;
            self.cursor = slot + 1;
            return Some((self.start + slot as DocId, score));
        }
        None
    }
}

impl DocSet for CoordScorer {
    fn advance(&mut self) -> DocId {
        loop {
            if let Some((doc, score)) = self.take_next() {
                self.doc = doc;
                self.score = score;
                return doc;
            }
            if !self.refill() {
                self.doc = TERMINATED;
                return TERMINATED;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target < self.start.saturating_add(WINDOW) {
            while self.doc < target {
                self.advance();
            }
            return self.doc;
        }
        // Past this window: drop it and move every part to the target.
        self.sums.fill(0.0);
        self.covered.fill(0);
        self.present.fill(0);
        for (scorer, _) in &mut self.parts {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.cursor = WINDOW as usize;
        self.advance()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts
            .iter()
            .map(|(s, _)| s.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for CoordScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    use super::super::bm25f::{Bm25fQuery, FieldWeight};
    use super::*;

    /// A plain sum finds the same documents with the same scores as tantivy's union of
    /// `Should` clauses, across more documents than one window holds.
    #[test]
    fn a_plain_sum_scores_as_a_union_of_its_parts() {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        let words = ["fox", "hound", "den", "moss"];
        for i in 0..(WINDOW as usize * 2 + 100) {
            let pick = |k: usize| words[(i * k + i / 7) % words.len()];
            writer
                .add_document(doc!(title => pick(3), body => format!("{} {}", pick(5), pick(11))))
                .expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let fields = vec![
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
        ];
        let parts = || -> Vec<Box<dyn Query>> {
            vec![
                Box::new(Bm25fQuery::new("fox", fields.clone(), 1.0)),
                Box::new(Bm25fQuery::new("den", fields.clone(), 0.4)),
            ]
        };
        let top = |query: &dyn Query| {
            let mut hits = searcher
                .search(query, &TopDocs::with_limit(100_000).order_by_score())
                .expect("search");
            hits.sort_by_key(|(_, address)| *address);
            hits
        };
        let sum = top(&CoordQuery::sum(parts()));
        let union = top(&BooleanQuery::new(
            parts().into_iter().map(|q| (Occur::Should, q)).collect(),
        ));
        assert!(sum.len() > WINDOW as usize, "{} documents", sum.len());
        assert_eq!(sum.len(), union.len());
        for ((a, doc_a), (b, doc_b)) in sum.iter().zip(&union) {
            assert_eq!(doc_a, doc_b);
            assert!((a - b).abs() < 1e-5, "{doc_a:?}: {a} vs {b}");
        }
    }

    #[test]
    fn covering_more_words_scores_more() {
        let two = Coverage::new(vec![1.0, 1.0], 2.0);
        assert_eq!(two.factor(0b11), 1.0);
        assert_eq!(two.factor(0b01), 0.25);
        let fifteen = Coverage::new(vec![1.0; 15], 1.0);
        assert!(fifteen.factor(0b1_1111_1111) > fifteen.factor(0b1111));
        assert_eq!(two.factor(u64::MAX), 1.0, "never above one");
    }

    #[test]
    fn a_word_typed_twice_counts_twice() {
        let coverage = Coverage::new(vec![2.0, 1.0, 1.0], 1.0);
        assert_eq!(coverage.factor(0b001), 0.5);
        assert_eq!(coverage.factor(0b110), 0.5);
    }

    #[test]
    fn a_negative_or_nan_weight_counts_as_nothing() {
        let coverage = Coverage::new(vec![1.0, -0.2, f32::NAN], 1.5);
        for covered in 0..8 {
            let factor = coverage.factor(covered);
            assert!((0.0..=1.0).contains(&factor), "{covered:b}: {factor}");
        }
        assert_eq!(coverage.factor(0b001), 1.0);
    }
}
