//! Word pairs: each two stems that stand next to each other in a text, as one token ("and can",
//! "warm handoff"). A quoted phrase searched through positions reads, for every document that has
//! all its words, where each word occurs: for a phrase of common words ("apply for", "the
//! team") that is most of the corpus, and it was the slowest query class on a phone-sized corpus
//! (BENCHMARKS.md). The pair is a term of its own, as rare as the phrase itself, so a two-word
//! phrase is one short posting list and a longer one checks positions only where all its pairs
//! meet. This is Elasticsearch's `index_phrases` (Lucene shingles of two).
//!
//! A pair is emitted only for tokens at consecutive positions, so a word the analyzer dropped
//! (over-long) breaks the pair exactly as it breaks a positional phrase, and a pair never spans
//! two values of a field (each value is tokenized on its own).

use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Token, TokenStream, Tokenizer};

/// What joins the two stems of a pair. The tokenizer splits on it, so no stem contains it.
pub const PAIR_SEPARATOR: char = ' ';

/// The pair term of two stems, as the filter writes it.
pub fn pair(first: &str, second: &str) -> String {
    let mut text = String::with_capacity(first.len() + second.len() + 1);
    text.push_str(first);
    text.push(PAIR_SEPARATOR);
    text.push_str(second);
    text
}

/// The adjacent pairs of what an analyzer makes of a text. It wraps the field's own analyzer,
/// so the pairs are of exactly the stems the body holds (and the analyzer's code is not built a
/// second time into the library: a filter in the chain would be, once per language).
#[derive(Clone)]
pub struct WordPairs {
    words: TextAnalyzer,
}

impl WordPairs {
    pub fn new(words: TextAnalyzer) -> WordPairs {
        WordPairs { words }
    }
}

impl Tokenizer for WordPairs {
    type TokenStream<'a> = WordPairsStream<BoxTokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordPairsStream {
            tail: self.words.token_stream(text),
            previous: None,
            token: Token::default(),
        }
    }
}

pub struct WordPairsStream<T> {
    tail: T,
    /// The last stem read: its text, position and start offset.
    previous: Option<(String, usize, usize)>,
    token: Token,
}

impl<T: TokenStream> TokenStream for WordPairsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let current = self.tail.token();
            let adjacent = self
                .previous
                .as_ref()
                .is_some_and(|(_, position, _)| position.wrapping_add(1) == current.position);
            if adjacent {
                if let Some((text, position, from)) = self.previous.as_mut() {
                    self.token.text.clear();
                    self.token.text.push_str(text);
                    self.token.text.push(PAIR_SEPARATOR);
                    self.token.text.push_str(&current.text);
                    self.token.position = *position;
                    self.token.offset_from = *from;
                    self.token.offset_to = current.offset_to;
                    text.clone_from(&current.text);
                    *position = current.position;
                    *from = current.offset_from;
                }
                return true;
            }
            self.previous = Some((current.text.clone(), current.position, current.offset_from));
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter};

    use super::*;
    use crate::index::tokenizer::WordTokenizer;

    fn pairs(text: &str) -> Vec<(String, usize)> {
        let words = TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(10))
            .filter(LowerCaser)
            .build();
        let mut analyzer = TextAnalyzer::from(WordPairs::new(words));
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.text.clone(), token.position));
        }
        out
    }

    #[test]
    fn each_two_adjacent_words_make_a_pair_at_the_first_ones_position() {
        assert_eq!(
            pairs("Call the Team, call"),
            vec![
                ("call the".to_string(), 0),
                ("the team".to_string(), 1),
                ("team call".to_string(), 2),
            ]
        );
        assert!(pairs("alone").is_empty());
        assert!(pairs("").is_empty());
    }

    #[test]
    fn a_dropped_word_breaks_the_pair_as_it_breaks_a_phrase() {
        // "abcdefghijklmnop" is over the length limit: "call" and "now" are not adjacent.
        assert_eq!(
            pairs("call abcdefghijklmnop now then"),
            vec![("now then".to_string(), 2)]
        );
    }

    #[test]
    fn the_pair_term_is_what_the_filter_writes() {
        assert_eq!(pairs("warm handoff")[0].0, pair("warm", "handoff"));
    }
}
