//! The standard ranked-retrieval measures, written out so the numbers can be checked by hand:
//! nDCG@k with linear gains (gain = grade), average precision over the top k, and precision at k.
//! Every function takes the grades of a ranking in rank order (0 for unjudged documents), which
//! keeps them independent of how documents are named.

use std::collections::HashMap;

/// Grades of `ranking` in rank order: the judged grade, or 0 for a document nobody judged.
pub fn grades_of<S: AsRef<str>>(ranking: &[S], judgments: &HashMap<String, u32>) -> Vec<u32> {
    ranking
        .iter()
        .map(|id| judgments.get(id.as_ref()).copied().unwrap_or(0))
        .collect()
}

/// DCG of the first `k` grades: sum of grade_i / log2(i + 1), rank i counted from 1.
fn dcg(grades: &[u32], k: usize) -> f64 {
    grades
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| f64::from(g) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@k: DCG of the ranking over the DCG of the best possible ranking of every judged grade
/// of the query (so documents the engine never returned still count against it). 0 when nothing
/// is relevant.
pub fn ndcg_at(grades: &[u32], judged: &[u32], k: usize) -> f64 {
    let mut ideal = judged.to_vec();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&ideal, k);
    if best <= 0.0 {
        return 0.0;
    }
    dcg(grades, k) / best
}

/// Average precision over the first `k` ranks: the precision at each relevant rank (grade ≥ 1),
/// summed and divided by the number of relevant documents judged, returned or not.
pub fn average_precision_at(grades: &[u32], relevant_judged: usize, k: usize) -> f64 {
    if relevant_judged == 0 {
        return 0.0;
    }
    let mut found = 0usize;
    let mut sum = 0.0;
    for (i, &g) in grades.iter().take(k).enumerate() {
        if g >= 1 {
            found += 1;
            sum += found as f64 / (i + 1) as f64;
        }
    }
    sum / relevant_judged as f64
}

/// Precision at `k`: relevant documents (grade ≥ 1) in the first `k` ranks over `k`, so a short
/// result list is not rewarded for stopping early.
pub fn precision_at(grades: &[u32], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    grades.iter().take(k).filter(|&&g| g >= 1).count() as f64 / k as f64
}

/// Arithmetic mean; 0 for no values (an empty collection scores nothing rather than NaN).
pub fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn ndcg_by_hand() {
        // Ranking grades 3, 0, 2; judged grades 3, 2, 1.
        // DCG  = 3/log2(2) + 0/log2(3) + 2/log2(4) = 3 + 0 + 1 = 4
        // IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.2618595 + 0.5 = 4.7618595
        // nDCG = 4 / 4.7618595 = 0.840008
        let got = ndcg_at(&[3, 0, 2], &[1, 3, 2], 10);
        assert!(close(got, 4.0 / (3.0 + 2.0 / 3f64.log2() + 0.5)), "{got}");
        assert!((got - 0.840_008).abs() < 1e-6, "{got}");
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_ranking_and_zero_without_relevant() {
        assert!(close(ndcg_at(&[3, 2, 1, 0], &[2, 1, 3], 10), 1.0));
        assert!(close(ndcg_at(&[0, 0], &[0], 10), 0.0));
        assert!(close(ndcg_at(&[], &[3], 10), 0.0));
    }

    #[test]
    fn ndcg_cuts_at_k() {
        // Only rank 1 counts at k = 1: the grade-1 document first against an ideal 3.
        assert!(close(ndcg_at(&[1, 3], &[3, 1], 1), 1.0 / 3.0));
    }

    #[test]
    fn average_precision_by_hand() {
        // Relevant at ranks 1 and 3, 3 relevant judged: (1/1 + 2/3) / 3 = 0.5555…
        let got = average_precision_at(&[2, 0, 1, 0], 3, 100);
        assert!(close(got, (1.0 + 2.0 / 3.0) / 3.0), "{got}");
        // Beyond k nothing counts: only rank 1 within k = 2 → 1/3.
        assert!(close(average_precision_at(&[2, 0, 1], 3, 2), 1.0 / 3.0));
        assert!(close(average_precision_at(&[1], 0, 100), 0.0));
    }

    #[test]
    fn precision_by_hand() {
        // 3 relevant in the top 10 of a 4-long list: 3/10.
        assert!(close(precision_at(&[1, 0, 3, 2], 10), 0.3));
        assert!(close(precision_at(&[0; 12], 10), 0.0));
        assert!(close(
            precision_at(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 10),
            1.0
        ));
    }

    #[test]
    fn grades_and_mean() {
        let judgments: HashMap<String, u32> = [("a".to_owned(), 3), ("c".to_owned(), 1)]
            .into_iter()
            .collect();
        assert_eq!(grades_of(&["a", "b", "c"], &judgments), vec![3, 0, 1]);
        assert!(close(mean([0.5, 1.0, 0.0]), 0.5));
        assert!(close(mean(std::iter::empty()), 0.0));
    }
}
