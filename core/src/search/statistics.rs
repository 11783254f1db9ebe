//! BM25 statistics per language. Each language's text lives in its own fields, so tantivy's
//! default average field length (tokens over *all* documents) makes a field used by a few Spanish
//! documents look tiny, and punishes those documents' length normalisation several times over.
//! Here each language's fields are averaged over that language's documents only.

use std::collections::HashMap;

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Facet, Field};
use tantivy::{Searcher, Term};

use crate::index::{Fields, TextLanguage};

pub struct LanguageStatistics<'a> {
    searcher: &'a Searcher,
    /// Multiplier of a field's token count: all documents / documents of the field's language.
    scale: HashMap<Field, f64>,
}

impl<'a> LanguageStatistics<'a> {
    pub fn new(searcher: &'a Searcher, fields: &Fields) -> LanguageStatistics<'a> {
        let total = searcher.num_docs().max(1);
        let spanish_term = Term::from_facet(fields.facets, &Facet::from_path(["doclang", "es"]));
        let spanish = searcher.doc_freq(&spanish_term).unwrap_or(0);
        let mut scale = HashMap::new();
        for (language, count) in [
            (TextLanguage::English, total.saturating_sub(spanish)),
            (TextLanguage::Spanish, spanish),
        ] {
            let factor = total as f64 / count.max(1) as f64;
            let f = fields.of(language);
            for field in [f.title, f.body, f.extra] {
                scale.insert(field, factor);
            }
        }
        LanguageStatistics { searcher, scale }
    }
}

impl Bm25StatisticsProvider for LanguageStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let tokens = self.searcher.total_num_tokens(field)?;
        Ok(match self.scale.get(&field) {
            Some(factor) => (tokens as f64 * factor).round() as u64,
            None => tokens,
        })
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}
