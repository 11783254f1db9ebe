//! A disjunction scored with a coordination factor: the sum of the matching parts' BM25 scores,
//! times how much of the query a document covers. Short typed queries still put documents with
//! every word first (one word of two covered scores a quarter), while a paragraph no longer needs
//! every word, or a typo of it, to be found: a document covering 9 of 15 words simply outranks one
//! covering 4. Lucene's classic similarity did the same; tantivy has no such query, hence this one.
//!
//! Each part says which query words it stands for (a word with its typos and completions covers
//! that word; a synonym of a run of words covers the run; a proximity bonus covers none).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

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
}

impl Coverage {
    /// At most 64 words (bits); more are ignored.
    pub fn new(mut weights: Vec<f32>, exponent: f32) -> Coverage {
        weights.truncate(64);
        let total = weights.iter().sum::<f32>().max(f32::MIN_POSITIVE);
        Coverage {
            weights,
            total,
            exponent,
        }
    }

    /// The factor for a document covering the words whose bits are set in `covered`.
    pub fn factor(&self, covered: u64) -> f32 {
        let mut sum = 0.0;
        let mut bits = covered;
        while bits != 0 {
            let k = bits.trailing_zeros() as usize;
            sum += self.weights.get(k).copied().unwrap_or(0.0);
            bits &= bits - 1;
        }
        (sum / self.total).min(1.0).powf(self.exponent)
    }
}

impl CoordQuery {
    pub fn new(parts: Vec<CoordPart>, words: Coverage) -> CoordQuery {
        CoordQuery { parts, words }
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
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "sum of parts × coordination",
            scorer.score(),
        ))
    }
}

/// A union over the parts' scorers, driven by a min-heap of their current documents.
struct CoordScorer {
    parts: Vec<(Box<dyn Scorer>, u64)>,
    /// (document, part index) of every part not yet exhausted, smallest document on top.
    heap: BinaryHeap<Reverse<(DocId, usize)>>,
    doc: DocId,
    score: Score,
    words: Coverage,
}

impl CoordScorer {
    fn new(parts: Vec<(Box<dyn Scorer>, u64)>, words: Coverage) -> CoordScorer {
        let heap = parts
            .iter()
            .enumerate()
            .map(|(i, (scorer, _))| Reverse((scorer.doc(), i)))
            .collect();
        let mut scorer = CoordScorer {
            parts,
            heap,
            doc: TERMINATED,
            score: 0.0,
            words,
        };
        scorer.collect_current();
        scorer
    }

    /// Pops every part positioned on the smallest document, scores that document, and moves
    /// those parts on.
    fn collect_current(&mut self) {
        let Some(&Reverse((doc, _))) = self.heap.peek() else {
            self.doc = TERMINATED;
            return;
        };
        let mut sum = 0.0;
        let mut covered = 0u64;
        while let Some(&Reverse((d, i))) = self.heap.peek() {
            if d != doc {
                break;
            }
            self.heap.pop();
            let (scorer, covers) = &mut self.parts[i];
            sum += scorer.score();
            covered |= *covers;
            let next = scorer.advance();
            if next != TERMINATED {
                self.heap.push(Reverse((next, i)));
            }
        }
        self.doc = doc;
        self.score = sum * self.words.factor(covered);
    }
}

impl DocSet for CoordScorer {
    fn advance(&mut self) -> DocId {
        self.collect_current();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // Move every part to the target first, so parts far behind skip instead of stepping.
        let entries: Vec<usize> = self.heap.drain().map(|Reverse((_, i))| i).collect();
        for i in entries {
            let scorer = &mut self.parts[i].0;
            let doc = if scorer.doc() < target {
                scorer.seek(target)
            } else {
                scorer.doc()
            };
            if doc != TERMINATED {
                self.heap.push(Reverse((doc, i)));
            }
        }
        self.collect_current();
        self.doc
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
    use super::*;

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
}
