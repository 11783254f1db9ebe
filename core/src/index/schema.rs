//! The tantivy schema and the analyzers behind it. Text is indexed twice over: stemmed per
//! language for BM25 (`*_en`, `*_es`), and unstemmed in `words`, whose term dictionary is where
//! typo and prefix expansion look for the real words a user meant.

use super::pairs::WordPairs;
use super::stem_cache::CachedStemmer;
use super::tokenizer::WordTokenizer;
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, TextAnalyzer,
};
use tantivy::Index;

/// Bumped whenever the schema or the analyzers change: an index of another format is rebuilt.
pub const INDEX_FORMAT: &str = "fieldref-index-8";

pub const EN_ANALYZER: &str = "fieldref_en";
pub const ES_ANALYZER: &str = "fieldref_es";
/// The language analyzers followed by [`WordPairs`].
pub const EN_PAIRS_ANALYZER: &str = "fieldref_en_pairs";
pub const ES_PAIRS_ANALYZER: &str = "fieldref_es_pairs";
pub const WORDS_ANALYZER: &str = "fieldref_words";

/// The languages documents are analyzed in; anything else is analyzed as English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextLanguage {
    English,
    Spanish,
}

impl TextLanguage {
    pub const ALL: [TextLanguage; 2] = [TextLanguage::English, TextLanguage::Spanish];

    pub fn of(tag: &str) -> TextLanguage {
        if tag == "es" || tag.starts_with("es-") {
            TextLanguage::Spanish
        } else {
            TextLanguage::English
        }
    }
}

/// Stemmed fields of one language.
#[derive(Debug, Clone, Copy)]
pub struct LanguageFields {
    /// Title, boosted highest.
    pub title: Field,
    /// Title (first value), then summary, body and steps (last value): stored, because snippets
    /// are cut from the last value.
    pub body: Field,
    /// Tags, names, services, languages, communities: matched, never shown.
    pub extra: Field,
    /// A checklist's scene words: how officers describe the situation it is for. Never shown.
    pub scene: Field,
    /// The body's adjacent stem pairs ([`super::pairs`]): how a quoted phrase finds its
    /// documents without reading positions. Frequencies only.
    pub pairs: Field,
}

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    /// Stored display title (the language fields are not stored).
    pub display_title: Field,
    pub doc_language: Field,
    pub en: LanguageFields,
    pub es: LanguageFields,
    /// Unstemmed words of everything searchable: the vocabulary for typo and prefix expansion.
    pub words: Field,
    /// `/kind/…`, `/category/…`, `/service/…`, `/language/…`, `/audience/…`.
    pub facets: Field,
    pub latitude: Field,
    pub longitude: Field,
    pub hours: Field,
    /// Ids of the contacts a checklist or note links (stored only: read by [`crate::search`]).
    pub links: Field,
}

impl Fields {
    pub fn of(&self, language: TextLanguage) -> &LanguageFields {
        match language {
            TextLanguage::English => &self.en,
            TextLanguage::Spanish => &self.es,
        }
    }

    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let get = |name: &str| schema.get_field(name);
        let lang = |suffix: &str| -> tantivy::Result<LanguageFields> {
            Ok(LanguageFields {
                title: get(&format!("title_{suffix}"))?,
                body: get(&format!("body_{suffix}"))?,
                extra: get(&format!("extra_{suffix}"))?,
                scene: get(&format!("scene_{suffix}"))?,
                pairs: get(&format!("pairs_{suffix}"))?,
            })
        };
        Ok(Fields {
            id: get("id")?,
            kind: get("kind")?,
            display_title: get("display_title")?,
            doc_language: get("doc_language")?,
            en: lang("en")?,
            es: lang("es")?,
            words: get("words")?,
            facets: get("facets")?,
            latitude: get("latitude")?,
            longitude: get("longitude")?,
            hours: get("hours")?,
            links: get("links")?,
        })
    }
}

pub fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    builder.add_text_field("kind", STRING | STORED);
    builder.add_text_field("display_title", STORED);
    builder.add_text_field("doc_language", STRING | STORED);
    for (suffix, analyzer, pairs_analyzer) in [
        ("en", EN_ANALYZER, EN_PAIRS_ANALYZER),
        ("es", ES_ANALYZER, ES_PAIRS_ANALYZER),
    ] {
        let positions = TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        builder.add_text_field(
            &format!("title_{suffix}"),
            TextOptions::default().set_indexing_options(positions.clone()),
        );
        builder.add_text_field(
            &format!("body_{suffix}"),
            TextOptions::default()
                .set_indexing_options(positions.clone())
                .set_stored(),
        );
        builder.add_text_field(
            &format!("extra_{suffix}"),
            TextOptions::default().set_indexing_options(positions.clone()),
        );
        builder.add_text_field(
            &format!("scene_{suffix}"),
            TextOptions::default().set_indexing_options(positions),
        );
        let pairs = TextFieldIndexing::default()
            .set_tokenizer(pairs_analyzer)
            .set_index_option(IndexRecordOption::WithFreqs)
            .set_fieldnorms(false);
        builder.add_text_field(
            &format!("pairs_{suffix}"),
            TextOptions::default().set_indexing_options(pairs),
        );
    }
    let words = TextFieldIndexing::default()
        .set_tokenizer(WORDS_ANALYZER)
        .set_index_option(IndexRecordOption::Basic);
    builder.add_text_field("words", TextOptions::default().set_indexing_options(words));
    builder.add_facet_field("facets", FacetOptions::default());
    builder.add_f64_field("latitude", FAST | STORED);
    builder.add_f64_field("longitude", FAST | STORED);
    builder.add_text_field("hours", STORED);
    builder.add_text_field("links", STORED);
    builder.build()
}

/// Registers the analyzers the schema names. Must run on every opened index before use.
pub fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    let english = TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer::new(Language::English))
        .build();
    // Spanish: stem before folding accents, since the Snowball rules expect them ("-ción").
    let spanish = TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(CachedStemmer::new(Language::Spanish))
        .filter(AsciiFoldingFilter)
        .build();
    // The pairs wrap a clone of the words' analyzer, which shares its stem cache.
    for (words, pairs, analyzer) in [
        (EN_ANALYZER, EN_PAIRS_ANALYZER, english),
        (ES_ANALYZER, ES_PAIRS_ANALYZER, spanish),
    ] {
        tokenizers.register(pairs, TextAnalyzer::from(WordPairs::new(analyzer.clone())));
        tokenizers.register(words, analyzer);
    }
    tokenizers.register(
        WORDS_ANALYZER,
        TextAnalyzer::builder(WordTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    );
}
