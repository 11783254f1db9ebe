//! Words as officers type them. Content is written with apostrophes ("won't", "he's", "can't
//! read"); a phone keyboard in a hurry leaves them out ("wont", "hes", "cant"). Splitting at the
//! apostrophe, as tantivy's simple tokenizer does, turns "won't" into "won" + "t" and no typed
//! form ever meets it. Here an apostrophe between two letters or digits is dropped and joins them,
//! in the index and in queries alike, so "won't", "won’t" and "wont" are one word; everything
//! else splits on what is not a letter or a digit, as before.
//!
//! A line break ends a phrase: a checklist's scene words are short phrases one per line, and the
//! words of two of them ("mom yelling" / "kids hiding") are not a phrase ("mom … kids") that a
//! pair or a quoted phrase should find. The word after a line break is numbered
//! [`LINE_BREAK_GAP`] positions further on, beyond any slop the search allows.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Positions skipped at a line break (the search's pair slop is 2).
pub const LINE_BREAK_GAP: usize = 8;

/// Apostrophes that join a contraction: ASCII, typographic right quote, modifier letter.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// The words of `text`: `(start, end, word)` with byte offsets into `text` and the word without
/// its joining apostrophes.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize, String)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut word = String::new();
        let (start, end) = next_word(text, &mut at, &mut word)?;
        Some((start, end, word))
    })
}

/// Reads the first word of `text` at or after `*at` into `out` (replacing what it held), moves
/// `*at` past it and returns its byte range. Writing into the caller's buffer lets the token
/// stream reuse one string for every word, where a string per word was the tokenizer's largest
/// cost in indexing a delta.
fn next_word(text: &str, at: &mut usize, out: &mut String) -> Option<(usize, usize)> {
    let rest = text.get(*at..)?;
    let mut chars = rest.char_indices().peekable();
    let Some((start, first)) = chars.find(|(_, c)| c.is_alphanumeric()) else {
        *at = text.len();
        return None;
    };
    out.clear();
    out.push(first);
    let mut end = start + first.len_utf8();
    while let Some(&(offset, c)) = chars.peek() {
        if c.is_alphanumeric() {
            out.push(c);
            end = offset + c.len_utf8();
            chars.next();
        } else if is_apostrophe(c) {
            // Joins only when a letter or digit follows: "parents'" ends the word.
            let mut ahead = chars.clone();
            ahead.next();
            match ahead.peek() {
                Some(&(_, next)) if next.is_alphanumeric() => {
                    chars.next();
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    let range = (*at + start, *at + end);
    *at = range.1;
    Some(range)
}

/// [`words`] as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordTokenStream<'a> {
    text: &'a str,
    /// Where the next word is looked for.
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let previous_end = self.at;
        let Some((start, end)) = next_word(self.text, &mut self.at, &mut self.token.text) else {
            return false;
        };
        let first = self.token.position == usize::MAX;
        let gap = if !first && self.text[previous_end..start].contains('\n') {
            LINE_BREAK_GAP
        } else {
            0
        };
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1 + gap);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        words(text).map(|(_, _, w)| w).collect()
    }

    #[test]
    fn contractions_are_one_word_however_they_are_typed() {
        assert_eq!(texts("he won't go"), vec!["he", "wont", "go"]);
        assert_eq!(texts("he won’t go"), vec!["he", "wont", "go"]);
        assert_eq!(texts("he wont go"), vec!["he", "wont", "go"]);
        assert_eq!(texts("she's scared"), vec!["shes", "scared"]);
    }

    #[test]
    fn other_punctuation_still_splits_and_offsets_cover_the_original() {
        assert_eq!(
            texts("parents' car, 10-96"),
            vec!["parents", "car", "10", "96"]
        );
        assert_eq!(texts("'quoted' o'clock"), vec!["quoted", "oclock"]);
        let text = "a can't b";
        let (start, end, word) = words(text).nth(1).expect("second word");
        assert_eq!((&text[start..end], word.as_str()), ("can't", "cant"));
        assert_eq!(texts("señora ñandú"), vec!["señora", "ñandú"]);
        assert!(texts(" ,,, '' ").is_empty());
    }

    #[test]
    fn the_token_stream_reads_the_same_words_as_words() {
        for text in [
            "he won't go, parents' car 10-96",
            "  'quoted' o'clock señora ñandú  ",
            "x",
            "",
            "ends with an apostrophe'",
            "Niño's café—naïve’s 5150",
        ] {
            let mut tokenizer = WordTokenizer::default();
            let mut stream = tokenizer.token_stream(text);
            let mut seen = Vec::new();
            while stream.advance() {
                let t = stream.token();
                seen.push((t.offset_from, t.offset_to, t.text.clone()));
            }
            assert_eq!(seen, words(text).collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn a_line_break_puts_the_next_word_beyond_any_phrase() {
        let mut tokenizer = WordTokenizer::default();
        let mut stream = tokenizer.token_stream("mom yelling\nkids hiding");
        let mut positions = Vec::new();
        while stream.advance() {
            positions.push(stream.token().position);
        }
        assert_eq!(
            positions,
            vec![0, 1, 2 + LINE_BREAK_GAP, 3 + LINE_BREAK_GAP]
        );
        // A leading line break moves nothing.
        let mut stream = tokenizer.token_stream("\nx y");
        assert!(stream.advance());
        assert_eq!(stream.token().position, 0);
    }

    #[test]
    fn the_tokenizer_numbers_positions_and_offsets() {
        let mut tokenizer = WordTokenizer::default();
        let mut stream = tokenizer.token_stream("I don't know");
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        assert_eq!(
            seen,
            vec![
                ("I".to_owned(), 0, 0, 1),
                ("dont".to_owned(), 1, 2, 7),
                ("know".to_owned(), 2, 8, 12),
            ]
        );
    }
}
