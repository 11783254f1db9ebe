//! The contacts guidance sends an officer to. A checklist step that says "call the mobile crisis
//! team" links that contact (`contacts = [...]`); when an officer's words find the checklist,
//! the contacts it links are what they will need next, even when the description shares no word
//! with them ("wife says he shoved her" names no hotline). So the guidance among the best matches
//! lends each contact it links part of its own score: trainers' links act like anchor text on the
//! web, read at query time so that a delta changing a checklist needs no re-indexing of contacts.
//!
//! Filters still apply to the contacts lifted (they are added to the same filtered query), and a
//! partner device has no officers-only guidance to lend from.

use std::collections::BTreeMap;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::Term;

use super::Ranked;
use crate::content::DocKind;
use crate::index::{stored_text, Fields};

/// Guidance lends only while it is this close to the best match: a checklist far down the list
/// is not what the query is about.
const WITHIN: f32 = 0.5;
/// What a linked contact gains: this share of the linking guidance's score. Measured on the
/// pack's judged queries (nDCG@10, all classes): 0 → 0.760, 0.2 → 0.781, 0.4 → 0.783, 0.6 →
/// 0.778; scene descriptions 0.634 → 0.685 at 0.4; CISI (no links) unchanged. The number of
/// documents read (3, 5, 10) and `WITHIN` (0.3 to 0.7) moved nothing.
const SHARE: f32 = 0.4;

/// Only descriptions lend: a query of one or two words ("marigold", "crisis line") asks for
/// documents with those words, and an exact search should list exactly what has them. Measured
/// on the pooled judged set: lending for every query 0.817, from 2 words 0.799, from 3 words
/// 0.795 (short words, typos and jargon lose the lift; scenes keep theirs, 0.726).
const MIN_WORDS: usize = 3;

/// Whether a query of `words` distinct meaningful words lifts linked contacts.
pub fn applies(words: usize) -> bool {
    words >= MIN_WORDS
}

/// The lift of each contact the best guidance links, as one query of constant scores, or `None`
/// when no guidance is among the best matches or it links nothing.
pub fn lift(fields: &Fields, best: &[Ranked]) -> Option<Box<dyn Query>> {
    let top = best.first().map(|r| r.score).filter(|s| *s > 0.0)?;
    let mut lifts: BTreeMap<String, f32> = BTreeMap::new();
    for ranked in best {
        if ranked.score < WITHIN * top {
            break;
        }
        if DocKind::parse(stored_text(&ranked.doc, fields.kind)) == Some(DocKind::Contact) {
            continue;
        }
        for id in ranked.doc.get_all(fields.links).filter_map(|v| v.as_str()) {
            let lift = lifts.entry(id.to_owned()).or_default();
            *lift = lift.max(SHARE * ranked.score);
        }
    }
    if lifts.is_empty() {
        return None;
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = lifts
        .into_iter()
        .map(|(id, lift)| {
            let term = TermQuery::new(
                Term::from_field_text(fields.id, &id),
                IndexRecordOption::Basic,
            );
            let query: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(term), lift));
            (Occur::Should, query)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}
