//! A language named among the words ("vietnamese grandma keeps nodding", "only speaks arabic",
//! "señora solo habla español"): the person needs someone who speaks it. The name is indexed
//! beside each contact's language tag, so the contacts that speak it match the word, but in a
//! description it is one word of ten, and the coordination factor ranks them under every
//! document that shares more of the other words. So, like the contacts guidance links
//! ([`super::links`]), the contacts that speak a named language are lifted in the second pass by
//! a share of the best match's score.
//!
//! A language most contacts speak (English, here) is not lifted: it tells them apart from
//! nothing, and lifting half the directory would bury the guidance.

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::content::languages;
use crate::index::Fields;

/// What a contact that speaks a named language gains: this share of the best match's score.
const SHARE: f32 = 0.3;
/// A language spoken by more than this share of the contacts is not lifted.
const MOST: f64 = 0.5;

/// The lift of the contacts that speak a language named in `typed`, or `None` when no word
/// names one (or only languages most contacts speak).
pub fn lift(
    searcher: &Searcher,
    fields: &Fields,
    typed: &[String],
    best_score: f32,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    if best_score <= 0.0 {
        return Ok(None);
    }
    let facet = |group: &str, value: &str| {
        Term::from_facet(fields.facets, &Facet::from_path([group, value]))
    };
    let mut tags: Vec<&str> = typed
        .iter()
        .filter_map(|word| languages::by_name(&word.to_lowercase()))
        .collect();
    if tags.is_empty() {
        return Ok(None);
    }
    tags.sort_unstable();
    tags.dedup();
    let contacts = searcher.doc_freq(&facet("kind", "contact"))?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for tag in tags {
        let term = facet("language", tag);
        let speakers = searcher.doc_freq(&term)?;
        if speakers == 0 || speakers as f64 > MOST * contacts as f64 {
            continue;
        }
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(query), SHARE * best_score)),
        ));
    }
    Ok((!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
}
