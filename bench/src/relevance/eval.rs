//! Runs a judged collection through both engines and scores every query. FieldRef goes through
//! its real facade (store + index in a data directory, `FieldRef::search` with snippets and
//! facets), so the figures are what the app's ranking actually produces.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use fieldref_core::content::Pack;
use fieldref_core::search::SearchRequest;
use fieldref_core::{FieldRef, OpenOptions};

use super::fts_baseline::Baseline;
use super::judged::JudgedQuery;
use super::metrics;

/// Ranks scored: MAP's depth and the result list length asked of both engines.
pub const DEPTH: usize = 100;
/// Ranks for nDCG and precision: about a phone screen and a scroll.
pub const TOP: usize = 10;
/// Queries run once, untimed, before measuring, so the first timings are not page faults.
const WARM_UP: usize = 5;

/// nDCG@10, MAP@100 and P@10 of one ranking.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    pub ndcg10: f64,
    pub ap100: f64,
    pub p10: f64,
}

impl Scores {
    pub fn of<S: AsRef<str>>(ranking: &[S], query: &JudgedQuery) -> Scores {
        let grades = metrics::grades_of(ranking, &query.grades);
        Scores {
            ndcg10: metrics::ndcg_at(&grades, &query.judged_grades(), TOP),
            ap100: metrics::average_precision_at(&grades, query.relevant(), DEPTH),
            p10: metrics::precision_at(&grades, TOP),
        }
    }

    /// The mean of each measure over `scores`.
    pub fn mean<'a>(scores: impl Iterator<Item = &'a Scores> + Clone) -> Scores {
        Scores {
            ndcg10: metrics::mean(scores.clone().map(|s| s.ndcg10)),
            ap100: metrics::mean(scores.clone().map(|s| s.ap100)),
            p10: metrics::mean(scores.map(|s| s.p10)),
        }
    }
}

/// One query's outcome in both engines.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub query: JudgedQuery,
    /// FieldRef's hits: id and score, best first.
    pub fieldref: Vec<(String, f32)>,
    pub fts: Vec<String>,
    pub fieldref_scores: Scores,
    pub fts_scores: Scores,
    pub fieldref_time: Duration,
    pub fts_time: Duration,
}

/// Two neighbouring FieldRef hits where the lower one scores higher (or a score is NaN): the
/// list the user sees is not in the order the ranking computed.
#[derive(Debug, Clone)]
pub struct Violation {
    pub label: String,
    pub text: String,
    /// Rank (from 1) of the first of the pair.
    pub rank: usize,
    pub above: (String, f32),
    pub below: (String, f32),
}

/// A collection after both engines ran every query.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub name: String,
    pub outcomes: Vec<Outcome>,
    pub violations: Vec<Violation>,
}

impl Evaluation {
    pub fn fieldref_mean(&self) -> Scores {
        Scores::mean(self.outcomes.iter().map(|o| &o.fieldref_scores))
    }

    pub fn fts_mean(&self) -> Scores {
        Scores::mean(self.outcomes.iter().map(|o| &o.fts_scores))
    }
}

/// A FieldRef data directory at `dir` holding exactly `pack` (the bundled pack is not installed).
pub fn open_fieldref(dir: &Path, pack: &Pack) -> Result<FieldRef> {
    let mut options = OpenOptions::new(dir);
    options.install_bundled = false;
    let app = FieldRef::open_with(options)
        .with_context(|| format!("cannot open FieldRef data directory {}", dir.display()))?;
    app.install_pack(pack, 1)
        .with_context(|| format!("cannot install pack `{}`", pack.info.id))?;
    Ok(app)
}

fn request(query: &JudgedQuery) -> SearchRequest {
    SearchRequest {
        query: query.text.clone(),
        limit: DEPTH,
        typing: query.typing,
        ..SearchRequest::new(query.text.as_str())
    }
}

/// Runs every query once per engine (after a short untimed warm-up) and scores it.
pub fn evaluate(
    name: &str,
    app: &FieldRef,
    fts: &Baseline,
    queries: Vec<JudgedQuery>,
) -> Result<Evaluation> {
    for q in queries.iter().take(WARM_UP) {
        app.search(&request(q))?;
        fts.search(&q.text, q.typing, DEPTH)?;
    }
    let mut outcomes = Vec::with_capacity(queries.len());
    let mut violations = Vec::new();
    for query in queries {
        let started = Instant::now();
        let results = app
            .search(&request(&query))
            .with_context(|| format!("{name} {}: FieldRef search", query.label))?;
        let fieldref_time = started.elapsed();
        let started = Instant::now();
        let fts_ids = fts
            .search(&query.text, query.typing, DEPTH)
            .with_context(|| format!("{name} {}: FTS5 search", query.label))?;
        let fts_time = started.elapsed();
        let hits: Vec<(String, f32)> = results.hits.into_iter().map(|h| (h.id, h.score)).collect();
        violations.extend(order_violations(&query, &hits));
        let ids: Vec<&str> = hits.iter().map(|(id, _)| id.as_str()).collect();
        outcomes.push(Outcome {
            fieldref_scores: Scores::of(&ids, &query),
            fts_scores: Scores::of(&fts_ids, &query),
            query,
            fieldref: hits,
            fts: fts_ids,
            fieldref_time,
            fts_time,
        });
    }
    Ok(Evaluation {
        name: name.to_owned(),
        outcomes,
        violations,
    })
}

/// Every adjacent pair of hits not in non-increasing score order.
pub fn order_violations(query: &JudgedQuery, hits: &[(String, f32)]) -> Vec<Violation> {
    hits.windows(2)
        .enumerate()
        // In order only when the upper score is greater or equal; a NaN compares as neither, so
        // a NaN score is reported too.
        .filter(|(_, pair)| {
            !matches!(
                pair[0].1.partial_cmp(&pair[1].1),
                Some(Ordering::Greater | Ordering::Equal)
            )
        })
        .map(|(i, pair)| Violation {
            label: query.label.clone(),
            text: query.text.clone(),
            rank: i + 1,
            above: pair[0].clone(),
            below: pair[1].clone(),
        })
        .collect()
}

/// p-th percentile (0–1) of `times`, nearest rank; zero for none.
pub fn percentile(times: &[Duration], p: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A scene query whose grade-3 checklist FieldRef did not put in its top 3.
#[derive(Debug, Clone)]
pub struct SceneMiss {
    pub label: String,
    pub text: String,
    /// Rank (from 1) of the best-placed target in FieldRef's top 100, if there at all.
    pub rank: Option<usize>,
    pub top3: Vec<String>,
}

/// How FieldRef does on described scenes ("threatening to jump"): the officer needs the right
/// checklist on the first screen, so the measure is "in the top 3", not a graded average.
#[derive(Debug, Clone, Default)]
pub struct SceneSummary {
    pub queries: usize,
    pub in_top3: usize,
    pub misses: Vec<SceneMiss>,
}

/// Scene queries of `evaluation`: the target is the query's grade-3 checklists (its grade-3
/// documents if none of them is a checklist); a hit is any target in the top 3.
pub fn scenes(evaluation: &Evaluation, checklists: &HashSet<String>) -> SceneSummary {
    let mut summary = SceneSummary::default();
    for o in evaluation
        .outcomes
        .iter()
        .filter(|o| o.query.class == "scene")
    {
        let best: Vec<&String> = o
            .query
            .grades
            .iter()
            .filter(|(_, &g)| g == 3)
            .map(|(id, _)| id)
            .collect();
        let checklist: Vec<&String> = best
            .iter()
            .copied()
            .filter(|id| checklists.contains(*id))
            .collect();
        let targets = if checklist.is_empty() {
            best
        } else {
            checklist
        };
        let rank = o
            .fieldref
            .iter()
            .position(|(id, _)| targets.contains(&id))
            .map(|i| i + 1);
        summary.queries += 1;
        if rank.is_some_and(|r| r <= 3) {
            summary.in_top3 += 1;
        } else {
            summary.misses.push(SceneMiss {
                label: o.query.label.clone(),
                text: o.query.text.clone(),
                rank,
                top3: o
                    .fieldref
                    .iter()
                    .take(3)
                    .map(|(id, _)| id.clone())
                    .collect(),
            });
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> JudgedQuery {
        JudgedQuery {
            label: "q1".to_owned(),
            text: "t".to_owned(),
            class: "c".to_owned(),
            typing: false,
            grades: Default::default(),
        }
    }

    #[test]
    fn order_check_flags_rises_and_nan_but_not_ties() {
        let hits = |scores: &[f32]| -> Vec<(String, f32)> {
            scores
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("d{i}"), *s))
                .collect()
        };
        assert!(order_violations(&query(), &hits(&[3.0, 2.0, 2.0, 1.0])).is_empty());
        let rise = order_violations(&query(), &hits(&[3.0, 1.0, 2.0]));
        assert_eq!(rise.len(), 1);
        assert_eq!((rise[0].rank, rise[0].below.0.as_str()), (2, "d2"));
        assert_eq!(order_violations(&query(), &hits(&[3.0, f32::NAN])).len(), 1);
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let ms = |v: u64| Duration::from_millis(v);
        let times: Vec<Duration> = (1..=100).rev().map(ms).collect();
        assert_eq!(percentile(&times, 0.5), ms(51));
        assert_eq!(percentile(&times, 0.99), ms(99));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
