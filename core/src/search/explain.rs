//! `Weight::explain` for this crate's own queries, whose scores are not built from parts that
//! tantivy can describe: the document's score, found by running the weight's scorer to it.

use tantivy::query::{Explanation, Weight};
use tantivy::{DocId, DocSet, SegmentReader};

/// The score `weight` gives `doc`, labelled `what`; an error when `doc` does not match.
pub fn by_scoring(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    what: &'static str,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(Explanation::new(what, scorer.score()))
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{EnableScoring, Query};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    use crate::search::bm25f::{Bm25fQuery, FieldWeight};

    #[test]
    fn explains_a_match_with_its_score_and_refuses_a_non_match() {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        writer
            .add_document(doc!(body => "shelter beds"))
            .expect("add");
        writer
            .add_document(doc!(body => "food pantry"))
            .expect("add");
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let fields = vec![FieldWeight {
            field: body,
            weight: 1.0,
            b: 0.75,
        }];
        let query = Bm25fQuery::new("shelter", fields, 1.0);
        let top = searcher
            .search(&query, &TopDocs::with_limit(5).order_by_score())
            .expect("search");
        let (score, address) = top[0];
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .expect("weight");
        let reader = searcher.segment_reader(address.segment_ord);
        let explained = weight.explain(reader, address.doc_id).expect("explain");
        assert_eq!(explained.value(), score);
        assert!(weight.explain(reader, 1 - address.doc_id).is_err());
    }
}
