//! BM25 statistics per language. Each language's text lives in its own fields, so tantivy's
//! default average field length (tokens over *all* documents) makes a field used by a few Spanish
//! documents look tiny, and punishes those documents' length normalisation several times over.
//! Here each language's fields are averaged over that language's documents only, and the scene
//! field, which only checklists have, over that language's checklists.

use std::collections::HashMap;

use tantivy::collector::Count;
use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::schema::{Facet, Field};
use tantivy::{Searcher, Term};

use crate::index::{Fields, TextLanguage};

pub struct LanguageStatistics<'a> {
    searcher: &'a Searcher,
    /// Multiplier of a field's token count: all documents / documents of the field's language.
    scale: HashMap<Field, f64>,
    /// The text fields of each language (title, scene, extra, body), for document frequencies.
    text_fields: Vec<[Field; 4]>,
    /// Document frequencies already counted, by stem: the same for every text field, and asked
    /// for each field a word is searched in, by each pass of a search (eight term dictionary
    /// lookups per segment each time, without this).
    counted: std::sync::Mutex<HashMap<String, u64>>,
}

impl<'a> LanguageStatistics<'a> {
    pub fn new(searcher: &'a Searcher, fields: &Fields) -> LanguageStatistics<'a> {
        let total = searcher.num_docs().max(1);
        let facet = |path: [&str; 2]| Term::from_facet(fields.facets, &Facet::from_path(path));
        let spanish = searcher.doc_freq(&facet(["doclang", "es"])).unwrap_or(0);
        let checklists = searcher
            .doc_freq(&facet(["kind", "checklist"]))
            .unwrap_or(0);
        let both = |a: Term, b: Term| -> u64 {
            let term = |t: Term| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
                )
            };
            let query = BooleanQuery::new(vec![term(a), term(b)]);
            searcher.search(&query, &Count).unwrap_or(0) as u64
        };
        let spanish_checklists = both(facet(["doclang", "es"]), facet(["kind", "checklist"]));
        let mut scale = HashMap::new();
        let mut text_fields = Vec::new();
        for (language, count, checklists) in [
            (
                TextLanguage::English,
                total.saturating_sub(spanish),
                checklists.saturating_sub(spanish_checklists),
            ),
            (TextLanguage::Spanish, spanish, spanish_checklists),
        ] {
            let factor = |count: u64| total as f64 / count.max(1) as f64;
            let f = fields.of(language);
            for field in [f.title, f.body, f.extra] {
                scale.insert(field, factor(count));
            }
            scale.insert(f.scene, factor(checklists));
            text_fields.push([f.title, f.scene, f.extra, f.body]);
        }
        LanguageStatistics {
            searcher,
            scale,
            text_fields,
            counted: Default::default(),
        }
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

    /// How many documents have the word (stem) anywhere, as BM25F counts it: a word rare in
    /// titles but common in bodies is common, so a title match is not worth more for the title's
    /// own smaller vocabulary (the title boost says what a title is worth). Counted across both
    /// languages, so "interpret" is as common for the two Spanish documents that use it as for
    /// the English ones, instead of looking rare because few documents are Spanish.
    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let field = term.field();
        if !self
            .text_fields
            .iter()
            .any(|fields| fields.contains(&field))
        {
            return self.searcher.doc_freq(term);
        }
        let value = term.value();
        let Some(text) = value.as_str() else {
            return self.searcher.doc_freq(term);
        };
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&documents) = counted.get(text) {
            return Ok(documents);
        }
        let mut documents = 0;
        for fields in &self.text_fields {
            let mut most = 0;
            for field in fields {
                let found = self
                    .searcher
                    .doc_freq(&Term::from_field_text(*field, text))?;
                most = most.max(found);
            }
            documents += most;
        }
        let documents = documents.min(self.searcher.total_num_docs()?);
        counted.insert(text.to_owned(), documents);
        Ok(documents)
    }
}
