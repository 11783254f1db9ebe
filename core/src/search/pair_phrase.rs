//! A phrase in a document's body, found through the body's word pairs
//! ([`crate::index::pairs`]) instead of through the positions of each of its words.
//!
//! It matches and scores exactly as tantivy's `PhraseQuery` over the body would: the same
//! documents, and BM25 of the phrase's count with the idf of its words and the body's length.
//! Only the way there differs. A two-word phrase's count is its pair's frequency; a longer
//! phrase reads positions only in the documents where all its pairs meet (few, since pairs are
//! rare), because "a b" and "b c" in one document do not make "a b c".

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::index::pairs::pair;

/// The stems of a phrase (two or more) in `body`, whose pairs are indexed in `pairs`.
#[derive(Debug, Clone)]
pub struct PairPhraseQuery {
    /// The phrase's stems as body terms: what scoring and highlighting see.
    words: Vec<Term>,
    /// Each adjacent two of them as a term of the pairs field, in order.
    pairs: Vec<Term>,
}

impl PairPhraseQuery {
    /// `None` for fewer than two stems (not a phrase).
    pub fn new(body: Field, pairs: Field, stems: &[String]) -> Option<PairPhraseQuery> {
        if stems.len() < 2 {
            return None;
        }
        Some(PairPhraseQuery {
            words: stems
                .iter()
                .map(|s| Term::from_field_text(body, s))
                .collect(),
            pairs: stems
                .windows(2)
                .map(|w| Term::from_field_text(pairs, &pair(&w[0], &w[1])))
                .collect(),
        })
    }

    fn body(&self) -> Field {
        self.words[0].field()
    }
}

impl Query for PairPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairPhraseWeight {
            query: self.clone(),
            bm25,
        }))
    }

    /// The body words, with positions, as a phrase query lends them to snippet highlighting.
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.words {
            visitor(term, true);
        }
    }
}

struct PairPhraseWeight {
    query: PairPhraseQuery,
    bm25: Option<Bm25Weight>,
}

impl Weight for PairPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let pairs_index = reader.inverted_index(self.query.pairs[0].field())?;
        let mut pairs = Vec::with_capacity(self.query.pairs.len());
        for term in &self.query.pairs {
            match pairs_index.read_postings(term, IndexRecordOption::WithFreqs)? {
                Some(postings) => pairs.push(postings),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        // Positions are needed only to tell "a b c" from "a b" and "b c" apart.
        let mut words = Vec::new();
        if pairs.len() > 1 {
            let body_index = reader.inverted_index(self.query.body())?;
            for term in &self.query.words {
                match body_index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(postings) => words.push(postings),
                    None => return Ok(Box::new(EmptyScorer)),
                }
            }
        }
        let norms = match &self.bm25 {
            Some(_) => reader
                .fieldnorms_readers()
                .get_field(self.query.body())?
                .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)),
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = PairPhraseScorer {
            pairs,
            words,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            norms,
            doc: 0,
            count: 0,
            positions: Vec::new(),
            starts: Vec::new(),
        };
        scorer.doc = scorer.next_match(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        super::explain::by_scoring(self, reader, doc, "phrase (word pairs)")
    }
}

struct PairPhraseScorer {
    pairs: Vec<SegmentPostings>,
    /// The phrase's words in the body, with positions; empty for a two-word phrase.
    words: Vec<SegmentPostings>,
    bm25: Option<Bm25Weight>,
    norms: FieldNormReader,
    doc: DocId,
    /// How often the phrase occurs in `doc`.
    count: u32,
    positions: Vec<u32>,
    starts: Vec<u32>,
}

impl PairPhraseScorer {
    /// The first document from `candidate` on that has the phrase; sets its count.
    fn next_match(&mut self, mut candidate: DocId) -> DocId {
        'search: while candidate != TERMINATED {
            for postings in &mut self.pairs {
                let doc = if postings.doc() < candidate {
                    postings.seek(candidate)
                } else {
                    postings.doc()
                };
                if doc > candidate {
                    candidate = doc;
                    continue 'search;
                }
            }
            let count = self.count_in(candidate);
            if count > 0 {
                self.count = count;
                return candidate;
            }
            candidate += 1;
        }
        self.count = 0;
        TERMINATED
    }

    /// How often the phrase occurs in `doc`, where all its pairs do.
    fn count_in(&mut self, doc: DocId) -> u32 {
        let [only] = self.pairs.as_slice() else {
            return self.phrase_positions(doc);
        };
        only.term_freq()
    }

    /// The positions where every word follows the one before: a start `p` with word `i` at
    /// `p + i` for each `i`.
    fn phrase_positions(&mut self, doc: DocId) -> u32 {
        for (i, postings) in self.words.iter_mut().enumerate() {
            let at = if postings.doc() < doc {
                postings.seek(doc)
            } else {
                postings.doc()
            };
            if at != doc {
                return 0;
            }
            postings.positions(&mut self.positions);
            if i == 0 {
                self.starts.clone_from(&self.positions);
            } else {
                let offset = i as u32;
                let positions = &self.positions;
                self.starts
                    .retain(|start| positions.binary_search(&(start + offset)).is_ok());
            }
            if self.starts.is_empty() {
                return 0;
            }
        }
        self.starts.len() as u32
    }
}

impl DocSet for PairPhraseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_match(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.next_match(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.pairs.iter().map(|p| p.size_hint()).min().unwrap_or(0)
    }
}

impl Scorer for PairPhraseScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.norms.fieldnorm_id(self.doc), self.count),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::PhraseQuery;
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::index::schema::{self, Fields, TextLanguage};

    /// An index of the real schema whose English bodies are `texts` (title, then body).
    fn index(texts: &[(&str, &str)]) -> (Index, Fields) {
        let index = Index::create_in_ram(schema::build_schema());
        schema::register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema()).expect("schema fields");
        let en = *fields.of(TextLanguage::English);
        let mut writer = index.writer(15_000_000).expect("writer");
        for (title, body) in texts {
            let mut doc = TantivyDocument::default();
            doc.add_text(en.body, title);
            doc.add_text(en.body, body);
            doc.add_text(en.pairs, title);
            doc.add_text(en.pairs, body);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        (index, fields)
    }

    /// A query's matches as (document, score), in document order.
    type Hits = Vec<(u32, f32)>;

    /// Every match of both queries with its score: ours, then tantivy's positional phrase.
    fn both(index: &Index, fields: &Fields, phrase: &str) -> (Hits, Hits) {
        let en = *fields.of(TextLanguage::English);
        let mut analyzer = index
            .tokenizers()
            .get(schema::EN_ANALYZER)
            .expect("analyzer");
        let mut stems = Vec::new();
        let mut stream = analyzer.token_stream(phrase);
        while let Some(token) = stream.next() {
            stems.push(token.text.clone());
        }
        let searcher = index.reader().expect("reader").searcher();
        let run = |query: &dyn Query| {
            let mut hits: Vec<(u32, f32)> = searcher
                .search(query, &TopDocs::with_limit(100).order_by_score())
                .expect("search")
                .into_iter()
                .map(|(score, address)| (address.doc_id, score))
                .collect();
            hits.sort_by_key(|h| h.0);
            hits
        };
        let ours = PairPhraseQuery::new(en.body, en.pairs, &stems).expect("a phrase");
        let theirs = PhraseQuery::new(
            stems
                .iter()
                .map(|s| Term::from_field_text(en.body, s))
                .collect(),
        );
        (run(&ours), run(&theirs))
    }

    #[test]
    fn matches_and_scores_as_a_positional_phrase_query() {
        let (index, fields) = index(&[
            ("Shelter", "Call ahead for a bed. Call ahead twice, call."),
            ("Call ahead", "Nothing else here"),
            ("Pantry", "ahead call: the words in the other order"),
            ("Clinic", "call the team ahead of time and ahead call"),
            (
                "Team",
                "the team coordinates with the mobile crisis team and the team",
            ),
        ]);
        for phrase in [
            "call ahead",
            "the team",
            "the mobile crisis team",
            "team coordinates with",
            "ahead call",
            "call call",
            "nothing here",
        ] {
            let (ours, theirs) = both(&index, &fields, phrase);
            assert_eq!(
                ours.iter().map(|h| h.0).collect::<Vec<_>>(),
                theirs.iter().map(|h| h.0).collect::<Vec<_>>(),
                "documents of {phrase:?}"
            );
            for (a, b) in ours.iter().zip(&theirs) {
                assert!((a.1 - b.1).abs() < 1e-5, "score of {phrase:?}: {a:?} {b:?}");
            }
        }
        // The cases above are not vacuous: some phrases match, with counts above one.
        assert_eq!(both(&index, &fields, "call ahead").0.len(), 2);
        assert_eq!(both(&index, &fields, "the team").0.len(), 2);
        assert_eq!(both(&index, &fields, "the mobile crisis team").0.len(), 1);
    }

    #[test]
    fn pairs_that_meet_without_the_phrase_do_not_match() {
        // "a b" and "b c" are both here, "a b c" is not.
        let (index, fields) = index(&[("x", "crisis team. team coordinates")]);
        let (ours, theirs) = both(&index, &fields, "crisis team coordinates");
        assert!(ours.is_empty() && theirs.is_empty());
        assert_eq!(both(&index, &fields, "team coordinates").0.len(), 1);
    }
}
