//! A stemming filter that remembers its stems. Snowball stemming costs about a microsecond a
//! word, and the same few thousand words are stemmed over and over: every snippet tokenizes its
//! hit's whole text (a tenth of a search that completes a word), and every delta indexes
//! descriptions written from the same vocabulary. The stems are tantivy's own (its `Stemmer`
//! runs on each word the first time), so an index is the same with or without the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Beyond this many words the cache starts again (a pasted page of unique words cannot grow it
/// without bound).
const MAX_WORDS: usize = 100_000;

/// Stems like `tantivy::tokenizer::Stemmer`, through one cache per language for the whole
/// process: every clone of the analyzer (tantivy clones it for each indexing thread and snippet
/// generator) and every index opened (a delta is indexed on a fork opened for it, and would
/// otherwise start cold each time: a fifth of its indexing time).
#[derive(Clone)]
pub struct CachedStemmer {
    cache: Arc<Mutex<Cache>>,
}

struct Cache {
    stems: HashMap<String, String, foldhash::fast::RandomState>,
    stemmer: TextAnalyzer,
}

impl CachedStemmer {
    pub fn new(language: Language) -> CachedStemmer {
        static CACHES: Mutex<Vec<(Language, Arc<Mutex<Cache>>)>> = Mutex::new(Vec::new());
        let mut caches = CACHES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, cache)) = caches.iter().find(|(l, _)| *l == language) {
            return CachedStemmer {
                cache: Arc::clone(cache),
            };
        }
        let stemmer = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(language))
            .build();
        let cache = Arc::new(Mutex::new(Cache {
            stems: HashMap::default(),
            stemmer,
        }));
        caches.push((language, Arc::clone(&cache)));
        CachedStemmer { cache }
    }
}

impl Cache {
    fn stem_into(&mut self, word: &mut String) {
        if let Some(stem) = self.stems.get(word.as_str()) {
            word.clone_from(stem);
            return;
        }
        let mut stream = self.stemmer.token_stream(word);
        let stem = if stream.advance() {
            stream.token().text.clone()
        } else {
            word.clone()
        };
        drop(stream);
        if self.stems.len() >= MAX_WORDS {
            self.stems.clear();
        }
        self.stems
            .insert(std::mem::replace(word, stem.clone()), stem);
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            cache: self.cache,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    cache: Arc<Mutex<Cache>>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            cache: &self.cache,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    cache: &'a Mutex<Cache>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.stem_into(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser};

    use super::*;
    use crate::index::tokenizer::WordTokenizer;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.position));
        }
        out
    }

    /// Analyzers built for different indexes (a delta's fork, the index searched) share one
    /// cache per language, so a delta's indexing starts warm.
    #[test]
    fn every_index_shares_one_cache_per_language() {
        let english = CachedStemmer::new(Language::English);
        assert!(Arc::ptr_eq(
            &english.cache,
            &CachedStemmer::new(Language::English).cache
        ));
        assert!(!Arc::ptr_eq(
            &english.cache,
            &CachedStemmer::new(Language::Spanish).cache
        ));
    }

    /// Every bundled document's text, twice (cold and cached), gives tantivy's own tokens.
    #[test]
    fn the_cache_stems_exactly_as_tantivy_does() {
        let pack = crate::bundled::pack().expect("bundled");
        for language in [Language::English, Language::Spanish] {
            let mut plain = TextAnalyzer::builder(WordTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(Stemmer::new(language))
                .build();
            let cached = TextAnalyzer::builder(WordTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(CachedStemmer::new(language))
                .build();
            let mut words = 0;
            for _ in 0..2 {
                for doc in &pack.documents {
                    let text = format!("{} {} {}", doc.title, doc.summary, doc.body);
                    let expected = tokens(&mut plain, &text);
                    words += expected.len();
                    assert_eq!(tokens(&mut cached.clone(), &text), expected, "{}", doc.id);
                }
            }
            assert!(words > 1_000, "{words}");
        }
    }
}
