//! Typo and prefix expansion against the index's own vocabulary. Instead of tantivy's fuzzy query
//! (one constant score, no highlighting), a mistyped or unfinished word is replaced by the real
//! words it could be, which are then scored with BM25 and highlighted like any other word.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// A real word from the index standing in for what was typed, with the weight it scores at.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub word: String,
    pub weight: f32,
}

/// Weight of a word one edit away from what was typed, and two edits away.
const ONE_EDIT: f32 = 0.25;
const TWO_EDITS: f32 = 0.12;
/// Weight of a completion of the word being typed.
const COMPLETION: f32 = 0.6;
const MAX_TYPO_EXPANSIONS: usize = 3;
const MAX_COMPLETIONS: usize = 6;
/// How many dictionary entries a prefix may scan before settling for the most frequent so far.
const MAX_PREFIX_SCAN: usize = 2_000;

/// Edit distance allowed for a word of `chars` characters: none below 4, 1 from 4, 2 from 8.
pub fn allowed_edits(chars: usize) -> u8 {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Words in `field` within the allowed edit distance of `word` (a transposition counts as one),
/// closest and most frequent first, `word` itself excluded.
pub fn typos(searcher: &Searcher, field: Field, word: &str) -> Vec<Expansion> {
    let edits = allowed_edits(word.chars().count());
    if edits == 0 {
        return Vec::new();
    }
    let query = FuzzyTermQuery::new(Term::from_field_text(field, word), edits, true);
    let mut found: HashMap<String, u32> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(automaton) = query.automaton() else {
            return Vec::new();
        };
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if term != word {
                    *found.entry(term.to_owned()).or_default() += stream.value().doc_freq;
                }
            }
        }
    }
    let mut ranked: Vec<(usize, u32, String)> = found
        .into_iter()
        .map(|(term, freq)| (edit_distance(word, &term), freq, term))
        .filter(|(distance, _, _)| *distance <= edits as usize)
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked
        .into_iter()
        .take(MAX_TYPO_EXPANSIONS)
        .map(|(distance, _, word)| Expansion {
            word,
            weight: if distance <= 1 { ONE_EDIT } else { TWO_EDITS },
        })
        .collect()
}

/// The most frequent words in `field` that start with `prefix` (longer than it).
pub fn completions(searcher: &Searcher, field: Field, prefix: &str) -> Vec<Expansion> {
    if prefix.chars().count() < 2 {
        return Vec::new();
    }
    let mut found: HashMap<String, u32> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let terms = inverted.terms();
        let Ok(mut stream) = terms.range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        let mut scanned = 0;
        while stream.advance() && scanned < MAX_PREFIX_SCAN {
            let key = stream.key();
            if !key.starts_with(prefix.as_bytes()) {
                break;
            }
            scanned += 1;
            if key.len() > prefix.len() {
                if let Ok(term) = std::str::from_utf8(key) {
                    *found.entry(term.to_owned()).or_default() += stream.value().doc_freq;
                }
            }
        }
    }
    let mut ranked: Vec<(u32, String)> = found.into_iter().map(|(t, f)| (f, t)).collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.len().cmp(&b.1.len()))
            .then(a.1.cmp(&b.1))
    });
    ranked
        .into_iter()
        .take(MAX_COMPLETIONS)
        .map(|(_, word)| Expansion {
            word,
            weight: COMPLETION,
        })
        .collect()
}

/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("autsim").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposition_is_one_edit() {
        assert_eq!(edit_distance("autsim", "autism"), 1);
        assert_eq!(edit_distance("shleter", "shelter"), 1);
        assert_eq!(edit_distance("intrepreter", "interpreter"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn edits_grow_with_word_length() {
        assert_eq!(allowed_edits(3), 0);
        assert_eq!(allowed_edits(4), 1);
        assert_eq!(allowed_edits(7), 1);
        assert_eq!(allowed_edits(8), 2);
    }
}
