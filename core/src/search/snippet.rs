//! Snippets with highlight ranges as character offsets, so the shells draw them natively (no HTML
//! to parse, no byte offsets to misread in UTF-16 or Swift strings).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument, Term};

use super::stopwords::is_stop_word;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 180;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlight {
    /// Character offsets into the snippet text, end exclusive.
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<Highlight>,
}

/// What marks the matches in `field`: the terms `query` searches there, rarer ones preferred
/// (as tantivy's own generator does), but no stop word the user did not type as a word. A
/// synonym's phrase ("on the spectrum" for "autism") is searched with its every word, and
/// marking each "the" in a snippet shows nothing the officer asked for.
pub fn generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
    typed: &[String],
) -> tantivy::Result<SnippetGenerator> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut weights: BTreeMap<String, f32> = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        if is_stop_word(text) && !typed.iter().any(|t| t == text) {
            continue;
        }
        let documents = searcher.doc_freq(term)?;
        if documents > 0 {
            weights.insert(text.to_owned(), 1.0 / (1.0 + documents as f32));
        }
    }
    let tokenizer = searcher.index().tokenizer_for_field(field)?;
    Ok(SnippetGenerator::new(
        weights,
        tokenizer,
        field,
        SNIPPET_CHARS,
    ))
}

/// A snippet of `doc`'s stored body around the query's matches, or its opening when the match
/// was elsewhere (title, tags). The body field's last value is the text (the first is the title).
pub fn make(
    generator: Option<&SnippetGenerator>,
    doc: &TantivyDocument,
    body: tantivy::schema::Field,
) -> Snippet {
    let text = doc
        .get_all(body)
        .filter_map(|v| v.as_str())
        .last()
        .unwrap_or_default();
    if let Some(generator) = generator {
        let snippet = generator.snippet(text);
        if !snippet.highlighted().is_empty() {
            let fragment = snippet.fragment();
            let highlights = snippet
                .highlighted()
                .iter()
                .map(|range| Highlight {
                    start: char_offset(fragment, range.start),
                    end: char_offset(fragment, range.end),
                })
                .collect();
            return Snippet {
                text: fragment.to_owned(),
                highlights,
            };
        }
    }
    Snippet {
        text: opening(text),
        highlights: Vec::new(),
    }
}

fn char_offset(text: &str, byte: usize) -> u32 {
    let byte = byte.min(text.len());
    text.char_indices().take_while(|(i, _)| *i < byte).count() as u32
}

/// The first sentence-ish stretch of `text`, cut at a word boundary.
fn opening(text: &str) -> String {
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.chars().count() <= SNIPPET_CHARS {
        return first_line.to_owned();
    }
    let cut: String = first_line.chars().take(SNIPPET_CHARS).collect();
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "Intérprete disponible";
        let start = text.find("disponible").expect("present");
        assert_eq!(char_offset(text, start), 11);
        assert_eq!(start, 12);
    }

    #[test]
    fn long_openings_are_cut_at_a_word() {
        let long = "word ".repeat(100);
        let cut = opening(&long);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= SNIPPET_CHARS + 1);
    }
}
