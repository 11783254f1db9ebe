//! What the relevance run prints: one table for both engines side by side, the in-domain set by
//! class, described scenes, per-query figures with `--verbose`, and any score-order violation.

use std::collections::BTreeMap;
use std::time::Duration;

use super::eval::{percentile, Evaluation, SceneSummary, Scores};
use super::metrics;

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
        let text: String = o.query.text.chars().take(60).collect();
        let cut = if o.query.text.chars().count() > 60 {
            "…"
        } else {
            ""
        };
        let typing = if o.query.typing { " typing" } else { "" };
        println!(
            "  {:<22} {:<10} {f:>8.3} {s:>7.3} {:>+9.3}  {text:?}{cut}{typing}",
            o.query.label,
            o.query.class,
            f - s,
        );
    }
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
