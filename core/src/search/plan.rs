//! From a parsed query to a tantivy query: every meaningful word becomes one BM25F query per
//! language over its stemmed fields ([`super::bm25f`]: title and scene words weighted up, the
//! fields saturated together), plus lower-weighted typo
//! and completion expansions where they are likely; the trainers' synonyms stand for the words
//! they replace (and for a mistyped word's correction); and the whole is scored
//! with a coordination factor ([`super::coord`]) so that covering more of the query ranks higher
//! without any word being required. Quoted phrases are required; filters are facet terms.

use std::collections::HashSet;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::bm25f::{bm25_idf, Bm25fQuery, FieldWeight};
use super::coord::{CoordPart, CoordQuery, Coverage};
use super::expand::{self, Expansion};
use super::pair_phrase::PairPhraseQuery;
use super::parse::ParsedQuery;
use super::stopwords::{is_stop_word, scores_only_in_pairs};
use super::synonyms::{SynonymMatch, Synonyms};
use super::SearchFilters;
use crate::content::Audience;
use crate::index::schema::{self, Fields, TextLanguage};
use crate::index::SearchIndex;

/// BM25F field weights of one word (see [`bm25f_fields`]).
const TITLE_WEIGHT: f32 = 2.0;
/// A scene word in a short query: the word the officer typed is the situation ("autsim",
/// "psychosis", "jumper"), and the checklist that names it in its scene words comes first.
const SCENE_WEIGHT_SHORT: f32 = 4.0;
/// A scene word in a description: one of many words, and often an everyday one ("kids",
/// "little", "wife" are in scene phrases and in every family's need); the phrase is what
/// identifies the scene, and [`PAIR_SCENE_BOOST`] scores that. Chosen on the blind mixed dev set
/// (scenes and directory needs): 4 → 1.5 moved it from 0.659 to 0.740 with the blind scene set
/// unchanged (0.949); 1 did better on dev (0.760) but cost the scene set 0.019.
const SCENE_WEIGHT_DESCRIPTION: f32 = 1.5;
/// Up to this many meaningful words a query is short (typed words, not a description).
const SHORT_QUERY_WORDS: usize = 2;
const EXTRA_WEIGHT: f32 = 1.5;
const BODY_WEIGHT: f32 = 1.0;

/// BM25's `b` for every field: how much a longer field dilutes an occurrence.
const LENGTH_NORMALISATION: f32 = 0.75;
/// Field boosts of a phrase (several words in order: a synonym's run, a quoted phrase), which
/// tantivy scores per field and sums.
const TITLE_BOOST: f32 = 3.0;
const SCENE_BOOST: f32 = 2.0;
const EXTRA_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
const SYNONYM_WEIGHT: f32 = 0.8;
/// Two query words found next to each other among a checklist's scene words (a few words apart
/// at most). Scene words are short phrases ("man with a gun", "says yes to everything"), and
/// scored word by word their common words ("man", "says") matched every description; the pair
/// is what identifies the phrase. Measured on the pack's scene descriptions: boost 1 → nDCG@10
/// +0.007, 2 → +0.017, 4 → +0.032, 8 → +0.038 (4 kept: the other classes did not move, and
/// CISI has no scene words); a body pair (proximity) of weight 1 cost CISI 0.006 and helped
/// nothing else (BENCHMARKS.md).
const PAIR_SCENE_BOOST: f32 = 4.0;
const PAIR_SLOP: u32 = 2;
/// Score × (words covered / words)^this: one word of two is worth half. 2 suited the pack's
/// scene descriptions best while scene words weighed 4, 1 CISI's questions; with scene words
/// at 1.5, 1 is best on the blind mixed dev set too (BENCHMARKS.md, "Two more blind sets").
const COORDINATION_EXPONENT: f32 = 1.0;
/// At most this many meaningful words are searched (a pasted page costs no more than this).
pub const MAX_WORDS: usize = 32;
/// Typo expansions across the whole query.
const MAX_TYPO_EXPANSIONS: usize = 12;
/// A word in at most `max(RARE_MIN, documents / RARE_PER_DOCUMENTS)` documents may be a typo.
const RARE_MIN: u64 = 2;
const RARE_PER_DOCUMENTS: u64 = 1_000;

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

    pub(crate) fn stems(&mut self, language: TextLanguage, text: &str) -> Vec<String> {
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

/// The text part of a query and what the search needs to know about it.
pub struct TextQuery {
    pub query: Box<dyn Query>,
    /// Distinct meaningful words.
    pub words: usize,
    /// No quoted phrase is required: the query is words alone.
    pub words_only: bool,
    /// The distinct meaningful words as typed.
    pub typed: Vec<String>,
}

pub struct Planner<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    pub analyzers: Analyzers,
    /// The language the query itself looks written in, whose documents get a lift.
    pub preferred: Option<TextLanguage>,
    /// What a scene word is worth in this query (short or a description).
    pub scene_weight: f32,
}

/// A query typed with Spanish letters ("intérprete", "niño") prefers Spanish documents.
const SPANISH_LETTERS: &str = "áéíóúñü¿¡";
const PREFERRED_LANGUAGE_BOOST: f32 = 2.0;
/// Strong enough that an English document repeating the word in five fields (which BM25F's
/// mild saturation lets add up) stays under a Spanish one that has it once.
const OTHER_LANGUAGE_WEIGHT: f32 = 0.25;

impl Planner<'_> {
    fn language_boost(&self, language: TextLanguage) -> f32 {
        match self.preferred {
            Some(preferred) if preferred == language => PREFERRED_LANGUAGE_BOOST,
            Some(_) => OTHER_LANGUAGE_WEIGHT,
            None => 1.0,
        }
    }

    /// How many documents have `word` (folded) anywhere.
    fn document_frequency(&self, word: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(self.fields.words, word))
            .unwrap_or(0)
    }

    /// A word this rare in the index may well be a typo of a more common one.
    fn is_rare(&self, document_frequency: u64) -> bool {
        document_frequency <= RARE_MIN.max(self.searcher.num_docs() / RARE_PER_DOCUMENTS)
    }
}

impl Planner<'_> {
    /// The text part of the query, or `None` when nothing searchable was typed. `typing` says the
    /// user is still typing, so an unfinished last word is completed even when it is a word.
    pub fn text_query(
        &mut self,
        parsed: &ParsedQuery,
        synonyms: &Synonyms,
        typing: bool,
    ) -> Option<TextQuery> {
        let typed = parsed.terms.iter().chain(parsed.phrases.iter().flatten());
        if typed
            .clone()
            .any(|t| t.chars().any(|c| SPANISH_LETTERS.contains(c)))
        {
            self.preferred = Some(TextLanguage::Spanish);
        }
        let all_words: Vec<String> = typed.cloned().collect();
        let found = synonyms.matches(&all_words);
        let order = meaningful_words(parsed, &found, typing);
        let words = QueryWords::new(&parsed.terms, &order);
        self.scene_weight = scene_weight(words.unique.len());
        // A negation or a need beside other words scores only in its pairs and covers nothing
        // alone.
        let mut pairs_only: Vec<bool> = words
            .unique
            .iter()
            .map(|&(i, _)| scores_only_in_pairs(&parsed.terms[i]))
            .collect();
        if pairs_only.iter().all(|&p| p) {
            pairs_only.fill(false);
        }
        let facts = self.word_facts(&parsed.terms, &words, &pairs_only);
        let mut found: Vec<(SynonymMatch<'_>, f32)> =
            found.into_iter().map(|m| (m, SYNONYM_WEIGHT)).collect();
        found.extend(corrected_synonyms(
            synonyms,
            &parsed.terms,
            &words,
            &facts,
            &found,
        ));

        let mut parts = Vec::new();
        let last = parsed.terms.len().saturating_sub(1);
        for (k, &(i, times)) in words.unique.iter().enumerate() {
            let term = &parsed.terms[i];
            if pairs_only[k] {
                continue;
            }
            let completing = parsed.prefix_last && parsed.terms[last] == *term;
            let weight = times as f32;
            // Each stem, typo and completion is a part of its own: the coordination union sums
            // them as a union of the word's would, one merge instead of two.
            for (_, query) in self.word_group(term, &facts[k], completing, typing) {
                parts.push(CoordPart {
                    query: boost(query, weight),
                    covers: 1 << k,
                });
            }
        }
        // A synonym that analyses, in a language, to what is already searched there (a typed
        // word, or an earlier alternative: "teenager = teenage", "shoved = pushed = push") would
        // score the same terms once more, so a word with several listed forms would count once
        // per form: it is searched only in the languages where it adds terms.
        let mut searched: HashSet<(TextLanguage, Vec<String>)> = HashSet::new();
        for term in parsed.terms.iter().filter(|_| !found.is_empty()) {
            for language in TextLanguage::ALL {
                searched.insert((language, self.analyzers.stems(language, term)));
            }
        }
        for (synonym, weight) in &found {
            let covers = synonym
                .words
                .clone()
                .fold(0, |a, i| a | words.bit(&parsed.terms, i));
            for alternative in &synonym.alternatives {
                let text = alternative.join(" ");
                let languages: Vec<TextLanguage> = TextLanguage::ALL
                    .into_iter()
                    .filter(|&language| {
                        searched.insert((language, self.analyzers.stems(language, &text)))
                    })
                    .collect();
                if let Some(query) = self.words_query(alternative, *weight, &languages) {
                    parts.push(CoordPart { query, covers });
                }
            }
        }

        parts.extend(self.pairs(&parsed.terms, &order, &words));

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // One word goes through the coordination scorer too (its factor is then always 1):
        // filling windows a field at a time beat tantivy's union of the word's expansions on the
        // slowest as-you-type queries ("in": 3.2 against 3.8 ms at 52,000 documents).
        if !parts.is_empty() {
            let documents = self.searcher.num_docs() as f32;
            let weights = words
                .unique
                .iter()
                .zip(&pairs_only)
                .zip(&facts)
                .map(|((&(_, times), &pairs_only), facts)| {
                    if pairs_only {
                        return 0.0;
                    }
                    times as f32 * bm25_idf(documents, facts.frequency as f32)
                })
                .collect();
            let coverage = Coverage::new(weights, COORDINATION_EXPONENT);
            let coord = CoordQuery::new(parts, coverage);
            clauses.push((Occur::Should, Box::new(coord)));
        }
        for phrase in &parsed.phrases {
            if let Some(query) = self.words_query(phrase, 1.0, &TextLanguage::ALL) {
                clauses.push((Occur::Must, query));
            }
        }
        let words_only = clauses.len() == 1 && clauses[0].0 == Occur::Should;
        let query: Box<dyn Query> = match clauses.len() {
            0 => return None,
            1 if words_only => clauses.pop().map(|(_, q)| q)?,
            _ => Box::new(BooleanQuery::new(clauses)),
        };
        Some(TextQuery {
            query,
            words: words.unique.len(),
            words_only,
            typed: words
                .unique
                .iter()
                .map(|&(i, _)| parsed.terms[i].clone())
                .collect(),
        })
    }

    /// One query word with the real words it may stand for: typos only of words the index lacks
    /// or rarely has (a common word is probably spelled as meant), completions only of the last
    /// word while it is typed (or, when submitted, if the index lacks it as a word).
    fn word_group(
        &mut self,
        term: &str,
        facts: &WordFacts,
        completing: bool,
        typing: bool,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let Some(word) = facts.folded.as_deref() else {
            return Vec::new();
        };
        // Stem what was typed (accents matter to the Spanish stemmer); expand the folded form,
        // which is how the vocabulary field stores words.
        let mut group = self.word_clauses(term, 1.0, &TextLanguage::ALL);
        let mut expansions = facts.typos.clone();
        if completing && (typing || facts.frequency == 0) {
            expansions.extend(expand::completions(self.searcher, self.fields.words, word));
        }
        for Expansion {
            word: other,
            weight,
        } in dedup_stems(&mut self.analyzers, word, expansions)
        {
            group.extend(self.word_clauses(&other, weight, &TextLanguage::ALL));
        }
        group
    }

    /// What the index says of each distinct word, looked up once for the whole plan (its word
    /// clauses, the synonyms of its correction, its weight in the coverage). A word that scores
    /// only in pairs needs none of it.
    fn word_facts(
        &mut self,
        terms: &[String],
        words: &QueryWords,
        pairs_only: &[bool],
    ) -> Vec<WordFacts> {
        let mut budget = MAX_TYPO_EXPANSIONS;
        let mut out = Vec::with_capacity(words.unique.len());
        for (&(i, _), &pairs_only) in words.unique.iter().zip(pairs_only) {
            let mut facts = WordFacts::default();
            if !pairs_only {
                facts.folded = self.analyzers.folded(&terms[i]);
            }
            if let Some(word) = &facts.folded {
                facts.frequency = self.document_frequency(word);
                if budget > 0 && self.is_rare(facts.frequency) {
                    facts.typos = expand::typos(self.searcher, self.fields.words, word);
                    facts.typos.truncate(budget);
                    budget -= facts.typos.len();
                }
            }
            out.push(facts);
        }
        out
    }

    /// Two meaningful words typed next to each other (stop words between them allowed) found
    /// next to each other in a document: "off his meds" is about meds being off, and a scene
    /// word like "man with a gun" should count for a query with "man" and "gun", not for every
    /// query with "man".
    fn pairs(&mut self, terms: &[String], order: &[usize], words: &QueryWords) -> Vec<CoordPart> {
        let mut parts = Vec::new();
        for pair in order.windows(2).take(MAX_WORDS) {
            let (i, j) = (pair[0], pair[1]);
            if j - i > 3 || terms[i] == terms[j] {
                continue;
            }
            let covers = words.bit(terms, i) | words.bit(terms, j);
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for language in TextLanguage::ALL {
                let first = self.analyzers.stems(language, &terms[i]);
                let second = self.analyzers.stems(language, &terms[j]);
                let ([a], [b]) = (first.as_slice(), second.as_slice()) else {
                    continue;
                };
                let scene = self.fields.of(language).scene;
                let mut phrase = PhraseQuery::new(vec![
                    Term::from_field_text(scene, a),
                    Term::from_field_text(scene, b),
                ]);
                phrase.set_slop(PAIR_SLOP);
                let weight = PAIR_SCENE_BOOST * self.language_boost(language);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(phrase), weight)),
                ));
            }
            if !clauses.is_empty() {
                parts.push(CoordPart {
                    query: Box::new(BooleanQuery::new(clauses)),
                    covers,
                });
            }
        }
        parts
    }

    /// A word (one term) or a phrase (all words, in order) across `languages` and fields.
    fn words_query(
        &mut self,
        words: &[String],
        weight: f32,
        languages: &[TextLanguage],
    ) -> Option<Box<dyn Query>> {
        if let [word] = words {
            let clauses = self.word_clauses(word, weight, languages);
            return (!clauses.is_empty())
                .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>);
        }
        let text = words.join(" ");
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &language in languages {
            let stems = self.analyzers.stems(language, &text);
            if stems.len() < 2 {
                continue;
            }
            let lang = *self.fields.of(language);
            let weight = weight * self.language_boost(language);
            for (field, boost) in [
                (lang.title, TITLE_BOOST),
                (lang.scene, SCENE_BOOST),
                (lang.extra, EXTRA_BOOST),
            ] {
                let terms: Vec<Term> = stems
                    .iter()
                    .map(|s| Term::from_field_text(field, s))
                    .collect();
                let phrase: Box<dyn Query> = Box::new(PhraseQuery::new(terms));
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(phrase, boost * weight)),
                ));
            }
            // The body, the long field, through its word pairs: the same matches and scores
            // as the positional phrase, without reading every word's positions.
            if let Some(phrase) = PairPhraseQuery::new(lang.body, lang.pairs, &stems) {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(phrase), BODY_BOOST * weight)),
                ));
            }
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// One word in each of `languages`: BM25F over that language's title, scene, extra and body.
    fn word_clauses(
        &mut self,
        word: &str,
        weight: f32,
        languages: &[TextLanguage],
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &language in languages {
            let lang = *self.fields.of(language);
            let weight = weight * self.language_boost(language);
            for stem in self.analyzers.stems(language, word) {
                let query = Bm25fQuery::new(&stem, bm25f_fields(&lang, self.scene_weight), weight);
                clauses.push((Occur::Should, Box::new(query)));
            }
        }
        clauses
    }
}

/// What a word is worth in each field of a language, for [`Bm25fQuery`]. The title is also the
/// body's first value, so a title word counts its title weight plus one. Scene words are what
/// officers call the situation: worth most in a short query, little in a description (see
/// [`scene_weight`]).
pub(crate) fn bm25f_fields(lang: &schema::LanguageFields, scene: f32) -> Vec<FieldWeight> {
    let field = |field, weight| FieldWeight {
        field,
        weight,
        b: LENGTH_NORMALISATION,
    };
    vec![
        field(lang.title, TITLE_WEIGHT),
        field(lang.scene, scene),
        field(lang.extra, EXTRA_WEIGHT),
        field(lang.body, BODY_WEIGHT),
    ]
}

/// What a scene word is worth in a query of `words` meaningful words.
pub(crate) fn scene_weight(words: usize) -> f32 {
    if words <= SHORT_QUERY_WORDS {
        SCENE_WEIGHT_SHORT
    } else {
        SCENE_WEIGHT_DESCRIPTION
    }
}

/// The meaningful words of a query, each once: a word typed several times (a pasted paragraph
/// that keeps coming back to "authors") weighs more, but is one word to cover.
struct QueryWords {
    /// Index of each distinct word's first occurrence in the terms, and how often it occurs.
    unique: Vec<(usize, u32)>,
}

impl QueryWords {
    fn new(terms: &[String], order: &[usize]) -> QueryWords {
        let mut unique: Vec<(usize, u32)> = Vec::new();
        for &i in order {
            if let Some((_, times)) = unique.iter_mut().find(|(j, _)| terms[*j] == terms[i]) {
                *times += 1;
            } else if unique.len() < MAX_WORDS {
                unique.push((i, 1));
            }
        }
        QueryWords { unique }
    }

    /// The coverage bit of the term at `i` (none for a stop word or a word past the cap).
    /// `i` may point past the terms: synonyms are also found inside quoted phrases, whose words
    /// follow the terms and cover no coordination bit (the phrase is required anyway).
    fn bit(&self, terms: &[String], i: usize) -> u64 {
        let Some(term) = terms.get(i) else {
            return 0;
        };
        self.unique
            .iter()
            .position(|(j, _)| terms[*j] == *term)
            .map_or(0, |k| 1 << k)
    }
}

fn boost(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if weight == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}

/// Indices of the terms that say what the query is about: not stop words, unless a synonym names
/// them ("SI") or nothing else is left ("the who"); a last word still being typed always counts
/// ("spanish in" is on its way to "interpreter").
fn meaningful_words(
    parsed: &ParsedQuery,
    synonyms: &[SynonymMatch<'_>],
    typing: bool,
) -> Vec<usize> {
    let terms = &parsed.terms;
    let last = terms.len().saturating_sub(1);
    let named = |i: usize| synonyms.iter().any(|s| s.words.contains(&i));
    let mut words: Vec<usize> = (0..terms.len())
        .filter(|&i| {
            !is_stop_word(&terms[i]) || named(i) || (typing && parsed.prefix_last && i == last)
        })
        .collect();
    if words.is_empty() {
        words = (0..terms.len()).collect();
    }
    words
}

/// One distinct query word as the index sees it.
#[derive(Default)]
struct WordFacts {
    /// The form the vocabulary field stores (`None`: nothing searchable, or not looked up).
    folded: Option<String>,
    /// Documents that have the word anywhere.
    frequency: u64,
    /// Real words it may be a typo of, closest first (only for a word the index lacks or
    /// rarely has).
    typos: Vec<Expansion>,
}

/// Synonyms of the query as its mistyped words' closest corrections would read: "veteren" is
/// searched as "veteran" and should find what "veteran" finds through its synonyms ("vet",
/// "ex military"), at the weight the correction itself scores at. Groups already found as typed
/// are not found twice.
fn corrected_synonyms<'s>(
    synonyms: &'s Synonyms,
    terms: &[String],
    words: &QueryWords,
    facts: &[WordFacts],
    found: &[(SynonymMatch<'s>, f32)],
) -> Vec<(SynonymMatch<'s>, f32)> {
    let mut corrected = terms.to_vec();
    // The weight each corrected term's correction scores at; `None`: as typed.
    let mut weight: Vec<Option<f32>> = vec![None; terms.len()];
    for (&(i, _), facts) in words.unique.iter().zip(facts) {
        let Some(best) = facts.typos.first() else {
            continue;
        };
        for (j, term) in terms.iter().enumerate() {
            if *term == terms[i] {
                corrected[j] = best.word.clone();
                weight[j] = Some(best.weight);
            }
        }
    }
    if weight.iter().all(Option::is_none) {
        return Vec::new();
    }
    synonyms
        .matches(&corrected)
        .into_iter()
        .filter(|m| !found.iter().any(|(f, _)| f.alternatives == m.alternatives))
        .filter_map(|m| {
            let least = m.words.clone().filter_map(|j| weight[j]).reduce(f32::min)?;
            Some((m, SYNONYM_WEIGHT * least))
        })
        .collect()
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
    // Filters select, they do not rank: a facet term's BM25 would add its own idf to every
    // match (more for a rarer facet of an "any of"), and the second pass relies on a filtered
    // score being the text's alone (see `rescore`).
    clauses
        .into_iter()
        .map(|(occur, query)| {
            (
                occur,
                Box::new(ConstScoreQuery::new(query, 0.0)) as Box<dyn Query>,
            )
        })
        .collect()
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
