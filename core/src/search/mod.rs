//! Search: one query string from a phone keyboard in, ranked hits out, in milliseconds, offline.
//! Lenient parsing ([`parse`]), typo and prefix expansion from the index's vocabulary
//! ([`expand`]), trainers' synonyms ([`synonyms`]), stop words ([`stopwords`]), BM25F over title,
//! scene words, tags and text with a coordination factor ([`plan`], [`bm25f`], [`coord`]), facet
//! filters and counts, "open now" and "near" as post-filters, and snippets with highlights. Hits
//! always come back in the order of the score they show.

mod bm25f;
mod coord;
pub mod expand;
mod explain;
pub(crate) mod facets;
mod feedback;
mod links;
mod named_language;
mod pair_phrase;
pub mod parse;
mod plan;
mod rescore;
pub mod snippet;
mod statistics;
pub mod stopwords;
pub mod synonyms;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::TantivyDocument;

use crate::content::{Audience, DocKind};
use crate::directory::{
    sorted_counts, FacetCount, GeoFilter, HoursEvaluator, OpenState, OpenStatus,
};
use crate::error::Result;
use crate::index::{stored_text, SearchIndex, TextLanguage};

pub use parse::ParsedQuery;
pub use snippet::{Highlight, Snippet};
pub use synonyms::Synonyms;

#[derive(Debug, Clone, Default)]
pub struct SearchFilters {
    pub kinds: Vec<DocKind>,
    pub categories: Vec<String>,
    pub service_types: Vec<String>,
    /// Languages spoken at a contact (BCP 47 tags).
    pub languages: Vec<String>,
    /// Only contacts open at the request's instant.
    pub open_now: bool,
    /// Only contacts within the radius; every contact hit gets its distance.
    pub near: Option<GeoFilter>,
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub filters: SearchFilters,
    pub limit: usize,
    /// Who is looking: the public never sees officers-only documents.
    pub viewer: Audience,
    /// The instant "open now" means; `None` is the current time.
    pub at: Option<DateTime<Utc>>,
    /// The user is still typing (search as you type): the last word is also completed. A
    /// submitted query (the CLI, a search button) completes only a last word the index lacks.
    pub typing: bool,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            filters: SearchFilters::default(),
            limit: 20,
            viewer: Audience::Officers,
            at: None,
            typing: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    pub score: f32,
    pub snippet: Snippet,
    /// For contacts with a public location, when the request had a point.
    pub distance_km: Option<f64>,
    /// For contacts, at the request's instant.
    pub open: Option<OpenStatus>,
    /// For a contact that has none of the words searched: the guidance among the best matches
    /// that links it, which is why it is listed ("Linked from: Mental-health crisis").
    pub linked_from: Option<LinkedFrom>,
}

/// The checklist or note whose steps link a contact (see [`Hit::linked_from`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedFrom {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchFacets {
    pub kinds: Vec<FacetCount>,
    pub categories: Vec<FacetCount>,
    pub service_types: Vec<FacetCount>,
    pub languages: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Documents matching the text and facet filters (before "open now" and "near").
    pub total: u64,
    pub facets: SearchFacets,
    /// "open now" was read from the query text itself.
    pub open_now_from_query: bool,
    pub took_us: u64,
}

/// How many candidates are scored when post-filters ("open now", "near") may drop some.
const POST_FILTER_CANDIDATES: usize = 1_000;
const MAX_LIMIT: usize = 200;
/// Extra candidates fetched so that documents tied at the cut are ordered by id, not by where a
/// build happened to put them: the same content gives the same results on every device.
const TIE_MARGIN: usize = 8;

/// Orders documents with equal scores by id. Ties are rare, so only they pay for the id lookup.
fn order_ties(
    searcher: &tantivy::Searcher,
    fields: &crate::index::Fields,
    top: &mut [(f32, tantivy::DocAddress)],
) -> Result<()> {
    let mut start = 0;
    while start < top.len() {
        let end = start
            + top[start..]
                .iter()
                .take_while(|(s, _)| *s == top[start].0)
                .count();
        if end - start > 1 {
            let mut keyed = Vec::with_capacity(end - start);
            for &(score, address) in &top[start..end] {
                let doc: TantivyDocument = searcher.doc(address)?;
                let id = stored_text(&doc, fields.id).to_owned();
                keyed.push((id, score, address));
            }
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            for (slot, (_, score, address)) in top[start..end].iter_mut().zip(keyed) {
                *slot = (score, address);
            }
        }
        start = end;
    }
    Ok(())
}

/// How many of the first pass's best matches the second pass reads (feedback words, linked
/// contacts).
const BEST_DOCUMENTS: usize = 5;

/// One of the first pass's best matches, read from the index's store.
pub(crate) struct Ranked {
    pub score: f32,
    pub doc: TantivyDocument,
}

fn best_documents(
    searcher: &tantivy::Searcher,
    top: &[(f32, tantivy::DocAddress)],
) -> Result<Vec<Ranked>> {
    top.iter()
        .take(BEST_DOCUMENTS)
        .map(|&(score, address)| {
            Ok(Ranked {
                score,
                doc: searcher.doc(address)?,
            })
        })
        .collect()
}

/// Runs `request` against `index`. Never fails on what the user typed; errors are storage faults.
pub fn run(
    index: &SearchIndex,
    synonyms: &Synonyms,
    timezone: &str,
    request: &SearchRequest,
) -> Result<SearchResults> {
    let started = Instant::now();
    let parsed = parse::parse(&request.query);
    let mut filters = request.filters.clone();
    filters.open_now |= parsed.open_now;
    let has_filters = !(filters.kinds.is_empty()
        && filters.categories.is_empty()
        && filters.service_types.is_empty()
        && filters.languages.is_empty()
        && !filters.open_now
        && filters.near.is_none());
    if parsed.is_empty() && !has_filters {
        return Ok(SearchResults {
            took_us: started.elapsed().as_micros() as u64,
            ..SearchResults::default()
        });
    }
    if filters.open_now && filters.kinds.is_empty() {
        filters.kinds.push(DocKind::Contact);
    }

    let searcher = index.searcher();
    let fields = index.fields();
    let mut planner = plan::Planner {
        searcher: &searcher,
        fields,
        analyzers: plan::Analyzers::of(index),
        preferred: None,
        scene_weight: plan::scene_weight(0),
    };
    let text = planner.text_query(&parsed, synonyms, request.typing);
    if text.is_none() && !parsed.is_empty() {
        return Ok(SearchResults::default());
    }
    let filter_clauses = || plan::filter_query(fields, &filters, request.viewer);
    let statistics = statistics::LanguageStatistics::new(&searcher, fields);
    let query = plan::combine(text.as_ref().map(|t| t.query.box_clone()), filter_clauses());
    let limit = request.limit.clamp(1, MAX_LIMIT);
    let post_filtering = filters.open_now || filters.near.is_some_and(|n| n.radius_km.is_some());
    let candidates = if post_filtering {
        POST_FILTER_CANDIDATES
    } else {
        limit
    };
    // A second pass may follow whenever there are words: the best guidance may lend the
    // contacts it links (`links`), and descriptions get feedback. The first pass then also
    // records every match's score, so the second runs only what it adds.
    let feedback = text
        .as_ref()
        .is_some_and(|t| t.words_only && feedback::applies(t.words));
    let second_possible = text.is_some();
    let first = (candidates + TIE_MARGIN).max(BEST_DOCUMENTS);
    let counting = (
        TopDocs::with_limit(first).order_by_score(),
        facets::FacetCounter::new(index.facet_tables().clone()),
        Count,
    );
    let (mut found, scores) = searcher.search_with_statistics_provider(
        &*query,
        &(
            counting,
            rescore::FirstScores {
                record: second_possible,
            },
        ),
        &statistics,
    )?;
    let first_scores = second_possible.then(|| Arc::new(scores));
    let mut lenders = BTreeMap::new();
    if let (Some(text), Some(first_scores)) = (text.as_ref(), first_scores.clone()) {
        // A second pass when the best matches say more than the words typed: words they share
        // (feedback, for descriptions) and the contacts the best guidance links.
        let mut more: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        // Both read the same best documents: read once.
        let best = best_documents(&searcher, &found.0)?;
        if feedback {
            more.extend(
                feedback::expansion(
                    &searcher,
                    fields,
                    &mut planner.analyzers,
                    &best,
                    &text.typed,
                    planner.scene_weight,
                )?
                .map(|q| (Occur::Should, q)),
            );
        }
        if let Some(lift) = links::lift(fields, &best) {
            more.push((Occur::Should, lift.query));
            lenders = lift.lenders;
        }
        let best_score = found.0.first().map_or(0.0, |h| h.0);
        more.extend(
            named_language::lift(&searcher, fields, &text.typed, best_score)?
                .map(|q| (Occur::Should, q)),
        );
        if !more.is_empty() {
            // Only what is added runs (see [`rescore`]); a quoted phrase stays required, so
            // what is added can only reorder its matches. Only the order changes: the count
            // and the facets stay those of what was typed.
            let query = plan::combine(Some(Box::new(BooleanQuery::new(more))), filter_clauses());
            let keep = candidates + TIE_MARGIN;
            let mut first_best: Vec<tantivy::DocAddress> = found.0.iter().map(|h| h.1).collect();
            first_best.sort_unstable();
            let rescored = searcher.search_with_statistics_provider(
                &*query,
                &rescore::Rescored {
                    first: first_scores,
                    first_required: !text.words_only,
                    first_best: Arc::new(first_best),
                    keep,
                },
                &statistics,
            )?;
            found.0 = rescore::merge(&found.0, rescored, keep);
        }
    }
    let (mut top, facet_counts, total) = found;

    order_ties(&searcher, fields, &mut top)?;
    top.truncate(candidates);

    let generators: Vec<(TextLanguage, Option<SnippetGenerator>)> = TextLanguage::ALL
        .into_iter()
        .map(|language| {
            // Highlights mark what was typed, not the words feedback added.
            let generator = text.as_ref().and_then(|t| {
                snippet::generator(&searcher, &*t.query, fields.of(language).body, &t.typed).ok()
            });
            (language, generator)
        })
        .collect();

    let at = request.at.unwrap_or_else(Utc::now);
    let mut hours = HoursEvaluator::new(timezone);
    let mut hits = Vec::with_capacity(limit);
    for (score, address) in top {
        if hits.len() == limit {
            break;
        }
        let doc: TantivyDocument = searcher.doc(address)?;
        let text_of = |field| stored_text(&doc, field).to_owned();
        let kind = DocKind::parse(&text_of(fields.kind)).unwrap_or(DocKind::Note);
        let (open, distance_km) = if kind == DocKind::Contact {
            let hours_text = doc.get_first(fields.hours).and_then(|v| v.as_str());
            let open = hours.status(hours_text, at);
            let point = doc
                .get_first(fields.latitude)
                .and_then(|v| v.as_f64())
                .zip(doc.get_first(fields.longitude).and_then(|v| v.as_f64()));
            let distance = filters
                .near
                .zip(point)
                .map(|(near, (lat, lon))| near.distance_km(lat, lon));
            (Some(open), distance)
        } else {
            (None, None)
        };
        if filters.open_now && open.as_ref().is_none_or(|o| o.state != OpenState::Open) {
            continue;
        }
        if let Some(near) = filters.near.filter(|n| n.radius_km.is_some()) {
            if !distance_km.is_some_and(|d| near.admits(d)) {
                continue;
            }
        }
        let id = text_of(fields.id);
        // Listed for a link alone when the words typed did not match it.
        let linked_from = match &first_scores {
            Some(first) if first.get(address).is_none() => lenders.get(&id).cloned(),
            _ => None,
        };
        let language = TextLanguage::of(&text_of(fields.doc_language));
        let generator = generators
            .iter()
            .find(|(l, _)| *l == language)
            .and_then(|(_, g)| g.as_ref());
        hits.push(Hit {
            id,
            kind,
            title: text_of(fields.display_title),
            score,
            snippet: snippet::make(generator, &doc, fields.of(language).body),
            distance_km,
            open,
            linked_from,
        });
    }

    let mut groups: BTreeMap<&str, Vec<FacetCount>> = BTreeMap::new();
    for group in facets::GROUPS {
        groups.insert(group, sorted_counts(facet_counts.of(group)));
    }
    // After this search, not during it: the first answer after a cold open does not share the
    // CPU with the build.
    index.facet_tables().warm(&searcher);
    let mut take = |group: &str| groups.remove(group).unwrap_or_default();
    Ok(SearchResults {
        hits,
        total: total as u64,
        facets: SearchFacets {
            kinds: take("kind"),
            categories: take("category"),
            service_types: take("service"),
            languages: take("language"),
        },
        open_now_from_query: parsed.open_now,
        took_us: started.elapsed().as_micros() as u64,
    })
}
