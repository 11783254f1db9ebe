//! Pseudo-relevance feedback for descriptions. An officer who types "old man in pajamas at the
//! bus stop, cant tell me his address" has described dementia without the word; the documents
//! that best match the description do use it. So for a query of several words, the words that
//! stand out in its best few matches (frequent there, rare in the pack) are added with a small
//! weight, and the related contacts ("memory care", "wandering") come up beside the checklist.
//! This is RM3 in spirit (Lavrenko and Croft's relevance model, as Anserini runs it), kept cheap:
//! a handful of documents, their stored text re-analyzed, a dozen terms.

use std::collections::{HashMap, HashSet};

use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{Searcher, Term};

use super::bm25f::Bm25fQuery;
use super::coord::CoordQuery;
use super::plan::{bm25f_fields, Analyzers};
use super::stopwords::is_stop_word;
use super::Ranked;
use crate::error::Result;
use crate::index::{stored_text, Fields, TextLanguage};

/// Feedback applies to descriptions of 3 to 16 meaningful words: fewer say exactly what they
/// want ("autism", "spanish interpreter"); a longer text already says enough itself (on CISI's
/// paragraph-long questions feedback cost nDCG@10, on the pack's scene descriptions it gained).
const MIN_WORDS: usize = 3;
const MAX_WORDS: usize = 16;
/// How many terms are added.
const TERMS: usize = 12;
/// The added terms' weight next to the query's own words (the best one's; the rest in proportion).
const WEIGHT: f32 = 0.3;

/// Whether the best match has every word of the query: then the query found what it describes,
/// and words of its neighbours would only blur it (and cost a second pass).
fn says_it_all(
    analyzers: &mut Analyzers,
    language: TextLanguage,
    typed: &[String],
    counts: &HashMap<String, f32>,
) -> bool {
    typed.iter().all(|word| {
        analyzers
            .stems(language, word)
            .iter()
            .all(|stem| counts.contains_key(stem))
    })
}

/// Whether a query of `words` distinct meaningful words gets feedback.
pub fn applies(words: usize) -> bool {
    (MIN_WORDS..=MAX_WORDS).contains(&words)
}

/// The feedback terms of `top` (best first, with scores) as one query over the documents' own
/// language fields, or `None` when nothing stands out.
pub fn expansion(
    searcher: &Searcher,
    fields: &Fields,
    analyzers: &mut Analyzers,
    top: &[Ranked],
    typed: &[String],
    scene_weight: f32,
) -> Result<Option<Box<dyn Query>>> {
    let total: f32 = top.iter().map(|r| r.score.max(0.0)).sum();
    if total <= 0.0 {
        return Ok(None);
    }
    let documents = searcher.num_docs().max(1) as f32;
    let mut weights: HashMap<(TextLanguage, String), f32> = HashMap::new();
    for (rank, Ranked { score, doc }) in top.iter().enumerate() {
        let language = TextLanguage::of(stored_text(doc, fields.doc_language));
        let text: Vec<&str> = doc
            .get_all(fields.of(language).body)
            .filter_map(|v| v.as_str())
            .collect();
        let text = text.join("\n");
        let stems = analyzers.stems(language, &text);
        let length = stems.len().max(1) as f32;
        let mut counts: HashMap<String, f32> = HashMap::new();
        for stem in stems {
            *counts.entry(stem).or_default() += 1.0;
        }
        if rank == 0 && says_it_all(analyzers, language, typed, &counts) {
            return Ok(None);
        }
        for (stem, count) in counts {
            *weights.entry((language, stem)).or_default() += (*score / total) * count / length;
        }
    }
    let typed: HashSet<String> = typed
        .iter()
        .flat_map(|w| {
            TextLanguage::ALL
                .into_iter()
                .flat_map(|l| analyzers.stems(l, w))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut ranked: Vec<(f32, TextLanguage, String)> = Vec::new();
    for ((language, stem), weight) in weights {
        if typed.contains(&stem)
            || stem.chars().count() < 3
            || stem.chars().all(|c| c.is_ascii_digit())
            || is_stop_word(&stem)
        {
            continue;
        }
        let body = fields.of(language).body;
        let frequency = searcher.doc_freq(&Term::from_field_text(body, &stem))? as f32;
        if frequency < 2.0 {
            // In one document only: it can only lift the document it came from.
            continue;
        }
        let idf = super::bm25f::bm25_idf(documents, frequency);
        ranked.push((weight * idf, language, stem));
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
    ranked.truncate(TERMS);
    let Some(best) = ranked.first().map(|r| r.0).filter(|b| *b > 0.0) else {
        return Ok(None);
    };
    let mut parts: Vec<Box<dyn Query>> = Vec::new();
    for (weight, language, stem) in ranked {
        let boost = WEIGHT * weight / best;
        let query = Bm25fQuery::new(
            &stem,
            bm25f_fields(fields.of(language), scene_weight),
            boost,
        );
        parts.push(Box::new(query));
    }
    Ok(Some(Box::new(CoordQuery::sum(parts))))
}
