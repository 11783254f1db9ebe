//! What the relevance run prints: one table for both engines side by side, the in-domain set by
//! class, described scenes, the held-out set, per-query figures with `--verbose`, and any
//! score-order violation.

use std::collections::BTreeMap;
use std::time::Duration;

use super::eval::{percentile, Evaluation, Outcome, SceneSummary, Scores, DEPTH};
use super::judged::JudgedQuery;
use super::metrics;
use super::HeldoutStatus;

const FIELDREF: &str = "FieldRef";
const FTS: &str = "FTS5 bm25";

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn row(collection: &str, engine: &str, s: &Scores, times: &[Duration]) {
    println!(
        "{collection:<24} {engine:<10} {:>8.3} {:>9.3} {:>6.3} {:>8} {:>8}",
        s.ndcg10,
        s.ap100,
        s.p10,
        ms(percentile(times, 0.5)),
        ms(percentile(times, 0.99)),
    );
}

/// The main table: per collection, FieldRef then FTS5, means over the judged queries.
pub fn table(evaluations: &[&Evaluation]) {
    println!(
        "\n{:<24} {:<10} {:>8} {:>9} {:>6} {:>8} {:>8}",
        "relevance", "engine", "nDCG@10", "MAP@100", "P@10", "p50 ms", "p99 ms"
    );
    for e in evaluations {
        let name = format!("{} ({} q)", e.name, e.outcomes.len());
        let fieldref: Vec<Duration> = e.outcomes.iter().map(|o| o.fieldref_time).collect();
        let fts: Vec<Duration> = e.outcomes.iter().map(|o| o.fts_time).collect();
        row(&name, FIELDREF, &e.fieldref_mean(), &fieldref);
        row("", FTS, &e.fts_mean(), &fts);
    }
    println!("(latency: one timed run per query through each engine's full search call)");
}

/// nDCG@10 per query class for both engines, classes in name order.
pub fn classes(e: &Evaluation) {
    let mut by_class: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for o in &e.outcomes {
        by_class
            .entry(o.query.class.as_str())
            .or_default()
            .push((o.fieldref_scores.ndcg10, o.fts_scores.ndcg10));
    }
    println!(
        "\n{:<24} {:>4} {:>17} {:>17}",
        format!("{} by class", e.name),
        "n",
        "FieldRef nDCG@10",
        "FTS5 nDCG@10"
    );
    for (class, values) in by_class {
        println!(
            "{class:<24} {:>4} {:>17.3} {:>17.3}",
            values.len(),
            metrics::mean(values.iter().map(|v| v.0)),
            metrics::mean(values.iter().map(|v| v.1)),
        );
    }
}

/// The scene queries: how many have their checklist in FieldRef's top 3, and the ones that do not.
pub fn scenes(name: &str, s: &SceneSummary) {
    println!(
        "\n{name} scene queries with their grade-3 checklist in FieldRef's top 3: {}/{}",
        s.in_top3, s.queries
    );
    for miss in &s.misses {
        let rank = miss
            .rank
            .map_or_else(|| "not in top 100".to_owned(), |r| format!("rank {r}"));
        println!(
            "  miss {} {:?}: target {rank}; top 3: {}",
            miss.label,
            miss.text,
            if miss.top3.is_empty() {
                "(no hits)".to_owned()
            } else {
                miss.top3.join(", ")
            }
        );
    }
}

/// Per query: nDCG@10 of both engines and the difference, to see what a ranking change moved.
pub fn verbose(e: &Evaluation) {
    println!("\n{} per query, nDCG@10", e.name);
    println!(
        "  {:<22} {:<10} {:>8} {:>7} {:>9}  text",
        "where", "class", "FieldRef", "FTS5", "FR−FTS5"
    );
    for o in &e.outcomes {
        let (f, s) = (o.fieldref_scores.ndcg10, o.fts_scores.ndcg10);
        let typing = if o.query.typing { " typing" } else { "" };
        println!(
            "  {:<22} {:<10} {f:>8.3} {s:>7.3} {:>+9.3}  {}{typing}",
            o.query.label,
            o.query.class,
            f - s,
            clip(&o.query.text, 60),
        );
    }
}

/// `text` quoted, cut to `chars` characters with an ellipsis when longer.
fn clip(text: &str, chars: usize) -> String {
    let kept: String = text.chars().take(chars).collect();
    let cut = if text.chars().count() > chars {
        "…"
    } else {
        ""
    };
    format!("{kept:?}{cut}")
}

/// Rank (from 1) of the first grade-3 document in `ranking`, if it is there at all.
pub fn grade3_rank<S: AsRef<str>>(ranking: &[S], query: &JudgedQuery) -> Option<usize> {
    ranking
        .iter()
        .position(|id| query.grades.get(id.as_ref()) == Some(&3))
        .map(|i| i + 1)
}

/// The grade-3 rank of one outcome in FieldRef and in FTS5.
fn grade3_ranks(o: &Outcome) -> (Option<usize>, Option<usize>) {
    let fieldref: Vec<&str> = o.fieldref.iter().map(|(id, _)| id.as_str()).collect();
    (
        grade3_rank(&fieldref, &o.query),
        grade3_rank(&o.fts, &o.query),
    )
}

/// One engine on a set where the grade-3 document is the answer: mean nDCG@10, mean reciprocal
/// rank of the grade-3 document (0 when not returned), and queries with it in the top 3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetFigures {
    pub ndcg10: f64,
    pub mrr: f64,
    pub top3: usize,
    pub queries: usize,
}

impl TargetFigures {
    /// From each query's nDCG@10 and grade-3 rank.
    pub fn of(per_query: &[(f64, Option<usize>)]) -> TargetFigures {
        let reciprocal = |rank: Option<usize>| rank.map_or(0.0, |r| 1.0 / r as f64);
        TargetFigures {
            ndcg10: metrics::mean(per_query.iter().map(|q| q.0)),
            mrr: metrics::mean(per_query.iter().map(|q| reciprocal(q.1))),
            top3: per_query
                .iter()
                .filter(|q| q.1.is_some_and(|r| r <= 3))
                .count(),
            queries: per_query.len(),
        }
    }
}

/// The held-out block: for FieldRef and FTS5, nDCG@10, MRR of the grade-3 document and how many
/// queries have it in the top 3, with what the set may be used for (`status`). No floors: a
/// held-out set is evidence, not a gate.
pub fn heldout(e: &Evaluation, status: HeldoutStatus) {
    let (mut fieldref, mut fts) = (Vec::new(), Vec::new());
    for o in &e.outcomes {
        let (f, s) = grade3_ranks(o);
        fieldref.push((o.fieldref_scores.ndcg10, f));
        fts.push((o.fts_scores.ndcg10, s));
    }
    println!(
        "\n{} ({} q, {}): the grade-3 document",
        e.name,
        e.outcomes.len(),
        status.describe()
    );
    for (engine, per_query) in [(FIELDREF, &fieldref), (FTS, &fts)] {
        let t = TargetFigures::of(per_query);
        println!(
            "{engine:<10} nDCG@10 {:.3}  MRR {:.3}  top 3: {}/{}",
            t.ndcg10, t.mrr, t.top3, t.queries
        );
    }
}

/// Per held-out query: the rank of its grade-3 document in each engine; for a set nobody has
/// tuned on, only that the ranks are withheld (reading them would spend the set).
pub fn heldout_ranks(e: &Evaluation, status: HeldoutStatus) {
    print!("{}", heldout_ranks_text(e, status));
}

fn heldout_ranks_text(e: &Evaluation, status: HeldoutStatus) -> String {
    use std::fmt::Write;
    if !status.may_be_read() {
        return format!("\n{} per query: withheld ({})\n", e.name, status.describe());
    }
    let mut out = format!(
        "\n{} per query, rank of the grade-3 document (- = not in the top {DEPTH})\n",
        e.name
    );
    let _ = writeln!(
        out,
        "  {:<30} {:>8} {:>5}  text",
        "where", "FieldRef", "FTS5"
    );
    let show = |rank: Option<usize>| rank.map_or_else(|| "-".to_owned(), |r| r.to_string());
    for o in &e.outcomes {
        let (f, s) = grade3_ranks(o);
        let _ = writeln!(
            out,
            "  {:<30} {:>8} {:>5}  {}",
            o.query.label,
            show(f),
            show(s),
            clip(&o.query.text, 80)
        );
    }
    out
}

/// Every score-order violation, and the count over all result lists.
pub fn violations(evaluations: &[&Evaluation]) -> usize {
    let lists: usize = evaluations.iter().map(|e| e.outcomes.len()).sum();
    let count: usize = evaluations.iter().map(|e| e.violations.len()).sum();
    println!("\nscore order: {count} violation(s) in {lists} FieldRef result lists");
    for e in evaluations {
        for v in &e.violations {
            let text: String = v.text.chars().take(50).collect();
            println!(
                "  {} {} {text:?}: rank {} {} ({}) above rank {} {} ({})",
                e.name,
                v.label,
                v.rank,
                v.above.0,
                v.above.1,
                v.rank + 1,
                v.below.0,
                v.below.1
            );
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade3_rank_and_target_figures_by_hand() {
        let query = JudgedQuery {
            label: "q1".to_owned(),
            text: "t".to_owned(),
            class: "scene".to_owned(),
            typing: false,
            grades: [("a".to_owned(), 2), ("b".to_owned(), 3)]
                .into_iter()
                .collect(),
        };
        assert_eq!(grade3_rank(&["a", "c", "b"], &query), Some(3));
        assert_eq!(grade3_rank(&["a", "c"], &query), None);
        // Ranks 1, 4 and absent: MRR (1 + 1/4 + 0) / 3 = 0.41666…; one in the top 3.
        let t = TargetFigures::of(&[(1.0, Some(1)), (0.5, Some(4)), (0.0, None)]);
        assert!((t.mrr - 1.25 / 3.0).abs() < 1e-9, "{t:?}");
        assert!((t.ndcg10 - 0.5).abs() < 1e-9, "{t:?}");
        assert_eq!((t.top3, t.queries), (1, 3));
    }

    /// A set nobody tuned on shows no query and no rank, even under `--verbose`; the others do.
    #[test]
    fn heldout_ranks_are_withheld_for_a_set_never_tuned_on() {
        let query = JudgedQuery {
            label: "set.toml:7".to_owned(),
            text: "man on the ledge".to_owned(),
            class: "scene".to_owned(),
            typing: false,
            grades: [("checklist-a".to_owned(), 3)].into_iter().collect(),
        };
        let scores = Scores::of(&["checklist-a"], &query);
        let outcome = Outcome {
            query,
            fieldref: vec![("checklist-a".to_owned(), 1.0)],
            fts: Vec::new(),
            fieldref_scores: scores,
            fts_scores: scores,
            fieldref_time: Duration::ZERO,
            fts_time: Duration::ZERO,
        };
        let e = Evaluation {
            name: "blind".to_owned(),
            outcomes: vec![outcome],
            violations: Vec::new(),
        };
        let hidden = heldout_ranks_text(&e, HeldoutStatus::NeverTunedOn);
        assert!(hidden.contains("withheld"), "{hidden}");
        assert!(
            !hidden.contains("ledge") && !hidden.contains("set.toml"),
            "{hidden}"
        );
        for status in [HeldoutStatus::TunedOn, HeldoutStatus::Read] {
            let shown = heldout_ranks_text(&e, status);
            assert!(shown.contains("\"man on the ledge\""), "{shown}");
            assert!(shown.contains("set.toml:7"), "{shown}");
        }
    }
}
