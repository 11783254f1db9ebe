//! The contacts guidance sends an officer to. A checklist step that says "call the mobile crisis
//! team" links that contact (`contacts = [...]`); when an officer's words find the checklist,
//! the contacts it links are what they will need next, even when the description shares no word
//! with them ("wife says he shoved her" names no hotline). So the guidance among the best matches
//! lends each contact it links part of its own score: trainers' links act like anchor text on the
//! web, read at query time so that a delta changing a checklist needs no re-indexing of contacts.
//!
//! Filters still apply to the contacts lifted (they are added to the same filtered query), and a
//! partner device has no officers-only guidance to lend from.
//!
//! Every query lends, one word too: "psychosis" finds the mental-health checklist and, after it,
//! the mobile crisis team it says to call. A contact that has none of the words typed says which
//! guidance brought it ([`LinkedFrom`]), so a list is never a puzzle, and the count stays that of
//! the documents with the words. Measured on the pack's judged queries (nDCG@10): lending only
//! for 3+ words 0.804, for every query 0.825 (short words 0.850 → 0.871, typos 0.832 → 0.875,
//! jargon 0.844 → 0.891, prefixes 0.854 → 0.935; directory 0.851 → 0.844).

use std::collections::BTreeMap;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::Term;

use super::{LinkedFrom, Ranked};
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

/// What the best guidance lends: one query of constant scores, and for each contact lifted the
/// guidance that lent it most.
pub struct Lift {
    pub query: Box<dyn Query>,
    pub lenders: BTreeMap<String, LinkedFrom>,
}

/// The lift of each contact the best guidance links, or `None` when no guidance is among the
/// best matches or it links nothing.
pub fn lift(fields: &Fields, best: &[Ranked]) -> Option<Lift> {
    let top = best.first().map(|r| r.score).filter(|s| *s > 0.0)?;
    let mut lifts: BTreeMap<String, (f32, LinkedFrom)> = BTreeMap::new();
    for ranked in best {
        if ranked.score < WITHIN * top {
            break;
        }
        if DocKind::parse(stored_text(&ranked.doc, fields.kind)) == Some(DocKind::Contact) {
            continue;
        }
        let lender = LinkedFrom {
            id: stored_text(&ranked.doc, fields.id).to_owned(),
            title: stored_text(&ranked.doc, fields.display_title).to_owned(),
        };
        for id in ranked.doc.get_all(fields.links).filter_map(|v| v.as_str()) {
            let lift = SHARE * ranked.score;
            // The best is read first, so a later lender never outbids it.
            lifts
                .entry(id.to_owned())
                .or_insert_with(|| (lift, lender.clone()));
        }
    }
    if lifts.is_empty() {
        return None;
    }
    let mut lenders = BTreeMap::new();
    let clauses: Vec<(Occur, Box<dyn Query>)> = lifts
        .into_iter()
        .map(|(id, (lift, lender))| {
            let term = TermQuery::new(
                Term::from_field_text(fields.id, &id),
                IndexRecordOption::Basic,
            );
            lenders.insert(id, lender);
            let query: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(term), lift));
            (Occur::Should, query)
        })
        .collect();
    Some(Lift {
        query: Box::new(BooleanQuery::new(clauses)),
        lenders,
    })
}
