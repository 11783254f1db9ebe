//! The second pass without running the first again. The second pass adds feedback words and
//! linked contacts to the words typed, as `Should` clauses of one boolean query, whose score is
//! the plain sum of its clauses' scores. So each document's second score is its first score plus
//! what the added clauses give it, and only the added clauses need to run: the first pass
//! records every match's score ([`FirstScores`]), the added clauses run on their own, and
//! [`Rescored`] adds the two. A document the added clauses miss keeps its first score, so the best
//! of those are already in the first pass's best. The result is the full second pass's,
//! at the cost of the added words alone (a description's own dozen words used to be scored
//! twice: half of its time, BENCHMARKS.md).

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Every matching document's score, per segment (`NaN`: no match).
#[derive(Debug, Default)]
pub struct Scores {
    segments: Vec<Vec<Score>>,
}

impl Scores {
    /// The first score of `address`, if it matched.
    pub fn get(&self, address: DocAddress) -> Option<Score> {
        self.segments
            .get(address.segment_ord as usize)?
            .get(address.doc_id as usize)
            .copied()
            .filter(|s| !s.is_nan())
    }
}

/// Records the score of every document the first pass matches, when `record` says a second
/// pass may follow (one collector type either way: one copy of tantivy's collecting code in
/// the library, not two).
pub struct FirstScores {
    pub record: bool,
}

pub struct SegmentScores {
    segment: SegmentOrdinal,
    scores: Vec<Score>,
}

impl Collector for FirstScores {
    type Fruit = Scores;
    type Child = SegmentScores;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentScores> {
        let size = if self.record { reader.max_doc() } else { 0 };
        Ok(SegmentScores {
            segment,
            scores: vec![Score::NAN; size as usize],
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<(SegmentOrdinal, Vec<Score>)>) -> tantivy::Result<Scores> {
        let mut segments = Vec::new();
        for (segment, scores) in fruits {
            let at = segment as usize;
            if segments.len() <= at {
                segments.resize_with(at + 1, Vec::new);
            }
            segments[at] = scores;
        }
        Ok(Scores { segments })
    }
}

impl SegmentCollector for SegmentScores {
    type Fruit = (SegmentOrdinal, Vec<Score>);

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(slot) = self.scores.get_mut(doc as usize) {
            *slot = score;
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.segment, self.scores)
    }
}

/// Collects what the added clauses match, each with its first score plus theirs, and keeps
/// the best `keep`; it also notes which of the first pass's best it saw, whose first score no
/// longer holds.
pub struct Rescored {
    pub first: Arc<Scores>,
    /// Only documents the first pass matched count (a quoted phrase stays required).
    pub first_required: bool,
    /// The first pass's best documents, sorted.
    pub first_best: Arc<Vec<DocAddress>>,
    pub keep: usize,
}

/// The best rescored documents and which of the first pass's best were rescored.
#[derive(Debug, Default)]
pub struct Found {
    best: Vec<(Score, DocAddress)>,
    rescored_first: Vec<DocAddress>,
}

pub struct SegmentRescored {
    segment: SegmentOrdinal,
    first: Arc<Scores>,
    first_required: bool,
    /// This segment's documents among the first pass's best, and the next one to meet.
    first_best: Vec<DocId>,
    next: usize,
    keep: usize,
    found: Found,
}

impl Collector for Rescored {
    type Fruit = Found;
    type Child = SegmentRescored;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRescored> {
        Ok(SegmentRescored {
            segment,
            first: self.first.clone(),
            first_required: self.first_required,
            first_best: self
                .first_best
                .iter()
                .filter(|a| a.segment_ord == segment)
                .map(|a| a.doc_id)
                .collect(),
            next: 0,
            keep: self.keep,
            found: Found::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut all = Found::default();
        for fruit in fruits {
            all.best.extend(fruit.best);
            all.rescored_first.extend(fruit.rescored_first);
        }
        keep_best(&mut all.best, self.keep);
        Ok(all)
    }
}

impl SegmentCollector for SegmentRescored {
    type Fruit = Found;

    /// Documents come in increasing order, so meeting the first pass's best is a cursor.
    fn collect(&mut self, doc: DocId, score: Score) {
        while self.first_best.get(self.next).is_some_and(|&d| d < doc) {
            self.next += 1;
        }
        let address = DocAddress::new(self.segment, doc);
        if self.first_best.get(self.next) == Some(&doc) {
            self.found.rescored_first.push(address);
        }
        match self.first.get(address) {
            Some(first) => self.found.best.push((first + score, address)),
            None if !self.first_required => self.found.best.push((score, address)),
            None => {}
        }
    }

    fn harvest(mut self) -> Found {
        keep_best(&mut self.found.best, self.keep);
        self.found
    }
}

/// Best first; equal scores in document order (the caller orders ties by id).
fn order(a: &(Score, DocAddress), b: &(Score, DocAddress)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
}

/// Leaves the best `keep` of `found`, best first.
fn keep_best(found: &mut Vec<(Score, DocAddress)>, keep: usize) {
    if keep == 0 {
        found.clear();
        return;
    }
    if found.len() > keep {
        found.select_nth_unstable_by(keep - 1, order);
        found.truncate(keep);
    }
    found.sort_unstable_by(order);
}

/// The best `keep` of the first pass's best (`first_best`, their first scores) and the
/// rescored documents, best first. A rescored document's new score replaces its first one: a
/// first-pass document that was rescored but is not among the best rescored has fallen below
/// them, since they are `keep` documents that score more.
pub fn merge(
    first_best: &[(Score, DocAddress)],
    found: Found,
    keep: usize,
) -> Vec<(Score, DocAddress)> {
    let Found {
        mut best,
        mut rescored_first,
    } = found;
    rescored_first.sort_unstable();
    for &(score, address) in first_best {
        if rescored_first.binary_search(&address).is_err() {
            best.push((score, address));
        }
    }
    keep_best(&mut best, keep);
    best
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, STRING, TEXT};
    use tantivy::{doc, Index, Term};

    use super::*;

    /// The rescored second pass against the whole second pass it replaces, on a real index:
    /// the same documents with the same scores, with and without the first query required.
    #[test]
    fn gives_what_running_both_passes_whole_gives() {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let tag = builder.add_text_field("tag", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        let words = [
            "shelter",
            "bed",
            "food",
            "clinic",
            "interpreter",
            "youth",
            "night",
        ];
        for i in 0..400usize {
            let text: Vec<&str> = (0..1 + i % 5)
                .map(|k| words[(i * 7 + k * 3 + i / 11) % words.len()])
                .collect();
            let kind = if i % 3 == 0 { "contact" } else { "note" };
            writer
                .add_document(doc!(body => text.join(" "), tag => kind))
                .expect("add");
            if i % 97 == 0 {
                writer.commit().expect("commit"); // several segments
            }
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let typed = || -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, term("shelter")),
                (Occur::Should, term("bed")),
            ]))
        };
        let added = || -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, term("night")),
                (Occur::Should, term("youth")),
            ]))
        };
        let filtered = |query: Box<dyn Query>| -> Box<dyn Query> {
            let filter =
                TermQuery::new(Term::from_field_text(tag, "note"), IndexRecordOption::Basic);
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
                ),
            ]))
        };
        // A cut inside the list, and one past every match (all of them compared).
        for (keep, first_required) in [(12, false), (12, true), (500, false), (500, true)] {
            let typed_occur = if first_required {
                Occur::Must
            } else {
                Occur::Should
            };
            let whole = filtered(Box::new(BooleanQuery::new(vec![
                (typed_occur, typed()),
                (Occur::Should, added()),
            ])));
            let expected = searcher
                .search(&*whole, &TopDocs::with_limit(keep).order_by_score())
                .expect("whole");

            let (first_best, scores) = searcher
                .search(
                    &*filtered(typed()),
                    &(
                        TopDocs::with_limit(keep).order_by_score(),
                        FirstScores { record: true },
                    ),
                )
                .expect("first");
            let mut best: Vec<DocAddress> = first_best.iter().map(|h| h.1).collect();
            best.sort_unstable();
            let found = searcher
                .search(
                    &*filtered(added()),
                    &Rescored {
                        first: Arc::new(scores),
                        first_required,
                        first_best: Arc::new(best),
                        keep,
                    },
                )
                .expect("rescored");
            let ours = merge(&first_best, found, keep);
            assert_eq!(ours.len(), expected.len());
            for (a, b) in ours.iter().zip(&expected) {
                assert!(
                    (a.0 - b.0).abs() < 1e-4,
                    "scores differ (first required: {first_required}): {ours:?} {expected:?}"
                );
            }
            // Ties may sit in either order at equal scores; the documents at each score agree.
            let mut a: Vec<_> = ours.iter().map(|h| h.1).collect();
            let mut b: Vec<_> = expected.iter().map(|h| h.1).collect();
            if let (Some(last_a), Some(last_b)) = (ours.last(), expected.last()) {
                // Below the last score the cut may pick different tied documents.
                a.retain(|d| ours.iter().any(|h| h.1 == *d && h.0 > last_a.0 + 1e-4));
                b.retain(|d| expected.iter().any(|h| h.1 == *d && h.0 > last_b.0 + 1e-4));
            }
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "first required: {first_required}");
        }
    }

    fn at(doc: DocId) -> DocAddress {
        DocAddress::new(0, doc)
    }

    fn found(best: Vec<(Score, DocAddress)>, rescored_first: Vec<DocAddress>) -> Found {
        Found {
            best,
            rescored_first,
        }
    }

    #[test]
    fn rescored_scores_replace_first_ones_and_the_best_are_kept() {
        let first_best = [(5.0, at(1)), (4.0, at(2)), (3.0, at(3))];
        // Document 3 gains, document 9 (not among the first's best) comes in.
        let rescored = found(vec![(6.0, at(3)), (4.5, at(9))], vec![at(3)]);
        assert_eq!(
            merge(&first_best, rescored, 3),
            vec![(6.0, at(3)), (5.0, at(1)), (4.5, at(9))]
        );
    }

    #[test]
    fn a_rescored_first_document_below_the_best_rescored_is_not_kept_at_its_old_score() {
        // Document 1 was rescored (to 5.5, below the two kept), so its 5.0 no longer holds.
        let rescored = found(vec![(9.0, at(4)), (8.0, at(6))], vec![at(1)]);
        assert_eq!(
            merge(&[(5.0, at(1)), (1.0, at(2))], rescored, 3),
            vec![(9.0, at(4)), (8.0, at(6)), (1.0, at(2))]
        );
    }

    #[test]
    fn equal_scores_keep_document_order() {
        let merged = merge(
            &[(1.0, at(7)), (1.0, at(2))],
            found(vec![(1.0, at(5))], vec![]),
            10,
        );
        assert_eq!(merged, vec![(1.0, at(2)), (1.0, at(5)), (1.0, at(7))]);
    }
}
