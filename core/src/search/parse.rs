//! Lenient parsing of what a user typed on a phone keyboard. There is no syntax error: unbalanced
//! quotes, stray operators, emoji and pasted pages all turn into some words, a few phrases, or
//! nothing, and the input is capped so a 10 KB paste costs no more than a sentence.

/// Longest input looked at; the rest is ignored (a long question is up to a few paragraphs).
pub const MAX_INPUT_CHARS: usize = 2_000;
/// At most this many words are kept (stop words included; the planner searches fewer).
pub const MAX_TERMS: usize = 96;
pub const MAX_PHRASES: usize = 3;
const MAX_PHRASE_WORDS: usize = 8;
/// Above this many words a query is prose (a described scene, a pasted question), where quotes
/// quote someone rather than demand a phrase: their words count as ordinary words.
pub const PROSE_WORDS: usize = 12;
const MAX_WORD_CHARS: usize = 40;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Lowercased words outside quotes, in order.
    pub terms: Vec<String>,
    /// Quoted phrases, each as lowercased words.
    pub phrases: Vec<Vec<String>>,
    /// The last term is still being typed: also match it as a prefix.
    pub prefix_last: bool,
    /// The user asked for places open now ("shelter open now").
    pub open_now: bool,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }
}

pub fn parse(input: &str) -> ParsedQuery {
    let input = match input.char_indices().nth(MAX_INPUT_CHARS) {
        Some((cut, _)) => &input[..cut],
        None => input,
    };
    let mut parsed = ParsedQuery::default();
    let mut last_was_term = false;
    let segments: Vec<Vec<String>> = input.split('"').map(words).collect();
    let balanced = segments.len() % 2 == 1;
    let prose = segments.iter().map(Vec::len).sum::<usize>() > PROSE_WORDS;
    let count = segments.len();
    for (i, words) in segments.into_iter().enumerate() {
        let quoted = !prose && i % 2 == 1 && (balanced || i + 1 < count);
        if quoted {
            if words.len() > 1 && parsed.phrases.len() < MAX_PHRASES {
                parsed
                    .phrases
                    .push(words.into_iter().take(MAX_PHRASE_WORDS).collect());
            } else {
                parsed.terms.extend(words);
            }
            last_was_term = false;
        } else if !words.is_empty() {
            parsed.terms.extend(words);
            last_was_term = true;
        }
    }
    parsed.open_now = take_open_now(&mut parsed.terms);
    parsed.terms.truncate(MAX_TERMS);
    let ends_in_word = input.chars().last().is_some_and(char::is_alphanumeric);
    parsed.prefix_last = last_was_term && ends_in_word && !parsed.terms.is_empty();
    parsed
}

/// Words of a segment: runs of letters and digits, lowercased; `AND`/`OR`/`NOT` typed as
/// operators are dropped, and overlong runs (pasted hashes) are cut.
fn words(segment: &str) -> Vec<String> {
    crate::index::tokenizer::words(segment)
        .map(|(_, _, w)| w)
        .filter(|w| !matches!(w.as_str(), "AND" | "OR" | "NOT"))
        .map(|w| {
            w.chars()
                .take(MAX_WORD_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}

/// Removes "open now" / "abierto ahora" from the terms; returns whether it was there.
fn take_open_now(terms: &mut Vec<String>) -> bool {
    for (first, second) in [("open", "now"), ("abierto", "ahora"), ("abierta", "ahora")] {
        if let Some(i) = terms
            .windows(2)
            .position(|w| w[0] == first && w[1] == second)
        {
            terms.drain(i..i + 2);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_phrases_are_separated() {
        let q = parse(r#"spanish "mental health" interpreter"#);
        assert_eq!(q.terms, vec!["spanish", "interpreter"]);
        assert_eq!(
            q.phrases,
            vec![vec!["mental".to_owned(), "health".to_owned()]]
        );
        assert!(q.prefix_last);
    }

    #[test]
    fn quotes_in_prose_are_quotations_not_required_phrases() {
        let q = parse(
            r#"the neighbor said he keeps yelling "they are coming for me" and will not open the door"#,
        );
        assert!(q.phrases.is_empty(), "{q:?}");
        assert!(q.terms.contains(&"coming".to_owned()));
        let short = parse(r#"man yelling "coming for me""#);
        assert_eq!(short.phrases.len(), 1);
    }

    #[test]
    fn unbalanced_quote_keeps_its_words_as_terms() {
        let q = parse(r#"autism "sensory overload"#);
        assert!(q.phrases.is_empty());
        assert_eq!(q.terms, vec!["autism", "sensory", "overload"]);
    }

    #[test]
    fn operators_and_punctuation_are_dropped() {
        let q = parse(r#""((( AND"#);
        assert!(q.is_empty(), "{q:?}");
        let q = parse("shelter AND -food || (youth)");
        assert_eq!(q.terms, vec!["shelter", "food", "youth"]);
    }

    #[test]
    fn trailing_space_ends_the_prefix() {
        assert!(parse("auti").prefix_last);
        assert!(!parse("autism ").prefix_last);
        assert!(!parse(r#""crisis line""#).prefix_last);
    }

    #[test]
    fn open_now_becomes_a_filter() {
        let q = parse("shelter open now");
        assert!(q.open_now);
        assert_eq!(q.terms, vec!["shelter"]);
        assert!(!parse("open door policy").open_now);
    }

    #[test]
    fn huge_input_is_capped() {
        let text = "crisis ".repeat(2000) + "🚓 emoji";
        let q = parse(&text);
        assert_eq!(q.terms.len(), MAX_TERMS);
        let emoji = parse("🚓🚓🚓");
        assert!(emoji.is_empty());
    }
}
