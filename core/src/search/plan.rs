//! From a parsed query to a tantivy query: every word becomes BM25 term queries over the stemmed
//! fields of each language (title boosted), plus lower-weighted typo and completion expansions,
//! plus the trainers' synonyms; quoted phrases are required; filters are facet terms.

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::expand::{self, Expansion};
use super::parse::ParsedQuery;
use super::synonyms::Synonyms;
use super::SearchFilters;
use crate::content::Audience;
use crate::index::schema::{self, Fields, TextLanguage};
use crate::index::SearchIndex;

const TITLE_BOOST: f32 = 3.0;
const EXTRA_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
const SYNONYM_WEIGHT: f32 = 0.8;

/// Analyzers cloned from the index (the exact ones its fields were built with).
pub struct Analyzers {
    english: TextAnalyzer,
    spanish: TextAnalyzer,
    words: TextAnalyzer,
}

impl Analyzers {
    pub fn of(index: &SearchIndex) -> Analyzers {
        let get = |name: &str| index.index().tokenizers().get(name).unwrap_or_default();
        Analyzers {
            english: get(schema::EN_ANALYZER),
            spanish: get(schema::ES_ANALYZER),
            words: get(schema::WORDS_ANALYZER),
        }
    }

    fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    fn stems(&mut self, language: TextLanguage, text: &str) -> Vec<String> {
        match language {
            TextLanguage::English => Self::analyze(&mut self.english, text),
            TextLanguage::Spanish => Self::analyze(&mut self.spanish, text),
        }
    }

    /// The form a word has in the unstemmed `words` field.
    pub fn folded(&mut self, word: &str) -> Option<String> {
        Self::analyze(&mut self.words, word).into_iter().next()
    }
}

/// The text part of a query: documents with any word, and (for several words) with all of them.
pub struct TextQuery {
    pub any_word: Box<dyn Query>,
    pub all_words: Option<Box<dyn Query>>,
}

pub struct Planner<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    pub analyzers: Analyzers,
    /// The language the query itself looks written in, whose documents get a lift.
    pub preferred: Option<TextLanguage>,
}

/// A query typed with Spanish letters ("intérprete", "niño") prefers Spanish documents.
const SPANISH_LETTERS: &str = "áéíóúñü¿¡";
const PREFERRED_LANGUAGE_BOOST: f32 = 2.0;
const OTHER_LANGUAGE_WEIGHT: f32 = 0.5;

impl Planner<'_> {
    fn language_boost(&self, language: TextLanguage) -> f32 {
        match self.preferred {
            Some(preferred) if preferred == language => PREFERRED_LANGUAGE_BOOST,
            Some(_) => OTHER_LANGUAGE_WEIGHT,
            None => 1.0,
        }
    }
}

impl Planner<'_> {
    /// The text part of the query, or `None` when nothing searchable was typed.
    pub fn text_query(&mut self, parsed: &ParsedQuery, synonyms: &Synonyms) -> Option<TextQuery> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut word_groups = 0;
        let typed = parsed.terms.iter().chain(parsed.phrases.iter().flatten());
        if typed
            .clone()
            .any(|t| t.chars().any(|c| SPANISH_LETTERS.contains(c)))
        {
            self.preferred = Some(TextLanguage::Spanish);
        }
        let last = parsed.terms.len().saturating_sub(1);
        for (i, term) in parsed.terms.iter().enumerate() {
            let Some(word) = self.analyzers.folded(term) else {
                continue;
            };
            // Stem what was typed (accents matter to the Spanish stemmer); expand the folded form,
            // which is how the vocabulary field stores words.
            let mut group = self.word_clauses(term, 1.0);
            let mut expansions = expand::typos(self.searcher, self.fields.words, &word);
            if i == last && parsed.prefix_last {
                expansions.extend(expand::completions(self.searcher, self.fields.words, &word));
            }
            for Expansion {
                word: other,
                weight,
            } in dedup_stems(&mut self.analyzers, &word, expansions)
            {
                group.extend(self.word_clauses(&other, weight));
            }
            if !group.is_empty() {
                clauses.push((Occur::Should, Box::new(BooleanQuery::new(group))));
                word_groups += 1;
            }
        }
        let words: Vec<String> = parsed
            .terms
            .iter()
            .chain(parsed.phrases.iter().flatten())
            .cloned()
            .collect();
        for alternative in synonyms.alternatives(&words) {
            let query = self.words_query(alternative, SYNONYM_WEIGHT);
            if let Some(query) = query {
                clauses.push((Occur::Should, query));
            }
        }
        for phrase in &parsed.phrases {
            if let Some(query) = self.words_query(phrase, 1.0) {
                clauses.push((Occur::Must, query));
            }
        }
        if clauses.is_empty() {
            return None;
        }
        // Documents with every word rank first: the same clauses with each word required.
        let all_words = (word_groups > 1).then(|| {
            let strict: Vec<(Occur, Box<dyn Query>)> = clauses
                .iter()
                .enumerate()
                .map(|(i, (occur, q))| {
                    let occur = if i < word_groups { Occur::Must } else { *occur };
                    (occur, q.box_clone())
                })
                .collect();
            Box::new(BooleanQuery::new(strict)) as Box<dyn Query>
        });
        Some(TextQuery {
            any_word: Box::new(BooleanQuery::new(clauses)),
            all_words,
        })
    }

    /// A word (one term) or a phrase (all words, in order) across languages and fields.
    fn words_query(&mut self, words: &[String], weight: f32) -> Option<Box<dyn Query>> {
        if let [word] = words {
            let clauses = self.word_clauses(word, weight);
            return (!clauses.is_empty())
                .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>);
        }
        let text = words.join(" ");
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for language in TextLanguage::ALL {
            let stems = self.analyzers.stems(language, &text);
            if stems.len() < 2 {
                continue;
            }
            let lang = *self.fields.of(language);
            for (field, boost) in [
                (lang.title, TITLE_BOOST),
                (lang.body, BODY_BOOST),
                (lang.extra, EXTRA_BOOST),
            ] {
                let terms: Vec<Term> = stems
                    .iter()
                    .map(|s| Term::from_field_text(field, s))
                    .collect();
                let phrase: Box<dyn Query> = Box::new(PhraseQuery::new(terms));
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        phrase,
                        boost * weight * self.language_boost(language),
                    )),
                ));
            }
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// BM25 term queries for one word in every language's title, extra and body fields.
    fn word_clauses(&mut self, word: &str, weight: f32) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for language in TextLanguage::ALL {
            let lang = *self.fields.of(language);
            let weight = weight * self.language_boost(language);
            for stem in self.analyzers.stems(language, word) {
                for (field, boost) in [
                    (lang.title, TITLE_BOOST),
                    (lang.extra, EXTRA_BOOST),
                    (lang.body, BODY_BOOST),
                ] {
                    clauses.push((Occur::Should, boosted_term(field, &stem, boost * weight)));
                }
            }
        }
        clauses
    }
}

fn boosted_term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ));
    Box::new(BoostQuery::new(query, boost))
}

/// Drops expansions that stem to what was typed ("shelters" for "shelter"): they would only
/// count the same match twice.
fn dedup_stems(
    analyzers: &mut Analyzers,
    word: &str,
    expansions: Vec<Expansion>,
) -> Vec<Expansion> {
    let typed = analyzers.stems(TextLanguage::English, word);
    let mut seen: Vec<Vec<String>> = vec![typed];
    let mut out = Vec::new();
    for expansion in expansions {
        let stems = analyzers.stems(TextLanguage::English, &expansion.word);
        if !seen.contains(&stems) {
            seen.push(stems);
            out.push(expansion);
        }
    }
    out
}

/// Filter clauses (all required): each filter with several values matches any of them.
pub fn filter_query(
    fields: &Fields,
    filters: &SearchFilters,
    viewer: Audience,
) -> Vec<(Occur, Box<dyn Query>)> {
    let facet = |group: &str, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(fields.facets, &Facet::from_path([group, value])),
            IndexRecordOption::Basic,
        ))
    };
    let any_of = |group: &str, values: Vec<String>| -> Option<(Occur, Box<dyn Query>)> {
        match values.len() {
            0 => None,
            1 => Some((Occur::Must, facet(group, &values[0]))),
            _ => Some((
                Occur::Must,
                Box::new(BooleanQuery::new(
                    values
                        .iter()
                        .map(|v| (Occur::Should, facet(group, v)))
                        .collect(),
                )),
            )),
        }
    };
    let mut clauses = Vec::new();
    clauses.extend(any_of(
        "kind",
        filters
            .kinds
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect(),
    ));
    clauses.extend(any_of("category", filters.categories.clone()));
    clauses.extend(any_of("service", filters.service_types.clone()));
    clauses.extend(any_of("language", filters.languages.clone()));
    if viewer == Audience::Public {
        clauses.push((Occur::Must, facet("audience", Audience::Public.as_str())));
    }
    clauses
}

/// The whole query: text (or everything, when only filters were given) and the filters.
pub fn combine(
    text: Option<Box<dyn Query>>,
    filters: Vec<(Occur, Box<dyn Query>)>,
) -> Box<dyn Query> {
    let text = text.unwrap_or_else(|| Box::new(AllQuery));
    if filters.is_empty() {
        return text;
    }
    let mut clauses = vec![(Occur::Must, text)];
    clauses.extend(filters);
    Box::new(BooleanQuery::new(clauses))
}
