//! The relevance baseline: SQLite FTS5 as a developer would set it up for ranked search —
//! `porter unicode61` over a title and a text column, `bm25()` with its default weights, the
//! query's words ORed (FTS5 ANDs by default, which returns nothing for CISI's long queries).
//! Unlike the speed benchmark's `Fts`, a query error here is an error: every word is quoted, so
//! FTS5 failing to parse one would be a bug in the baseline, not a miss to count.

use std::path::Path;

use anyhow::{Context, Result};
use fieldref_core::content::Pack;
use rusqlite::{params, Connection};

pub struct Baseline {
    conn: Connection,
    /// Document id by rowid − 1 (the table keeps only the text).
    ids: Vec<String>,
}

impl Baseline {
    /// Builds the FTS5 table at `path` from `(id, title, text)` rows.
    pub fn build(path: &Path, rows: Vec<(String, String, String)>) -> Result<Baseline> {
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot create FTS5 database {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize = 'porter unicode61');",
        )?;
        let mut ids = Vec::with_capacity(rows.len());
        let tx = conn.transaction()?;
        {
            let mut insert =
                tx.prepare("INSERT INTO docs(rowid, title, text) VALUES (?1, ?2, ?3)")?;
            for (id, title, text) in rows {
                ids.push(id);
                insert.execute(params![ids.len() as i64, title, text])?;
            }
        }
        tx.commit()?;
        conn.execute_batch("INSERT INTO docs(docs) VALUES('optimize');")?;
        Ok(Baseline { conn, ids })
    }

    /// The same documents FieldRef gets from `pack`: title, and the body text the speed
    /// benchmark gives FTS5 (summary, body, tags, steps, services…).
    pub fn for_pack(path: &Path, pack: &Pack) -> Result<Baseline> {
        let rows = pack
            .documents
            .iter()
            .map(|d| (d.id.clone(), d.title.clone(), crate::fts::body(d)))
            .collect();
        Baseline::build(path, rows)
    }

    /// Ids of the top `limit` documents by `bm25()`, best first. A query with no word finds
    /// nothing.
    pub fn search(&self, query: &str, typing: bool, limit: usize) -> Result<Vec<String>> {
        let Some(expression) = match_expression(query, typing) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![expression, limit as i64], |r| r.get::<_, i64>(0))
            .with_context(|| format!("FTS5 query {expression:?}"))?;
        let mut out = Vec::new();
        for row in rows {
            let rowid = row.with_context(|| format!("FTS5 query {expression:?}"))?;
            let id = usize::try_from(rowid - 1)
                .ok()
                .and_then(|i| self.ids.get(i))
                .with_context(|| format!("FTS5 returned unknown rowid {rowid}"))?;
            out.push(id.clone());
        }
        Ok(out)
    }
}

/// The query as an FTS5 MATCH expression: its words (alphanumeric runs, lowercased), each
/// double-quoted so no word is read as an operator, joined with OR; when the user is still
/// typing, the last word is a prefix (`"wor"*`). `None` when the query has no word.
pub fn match_expression(query: &str, typing: bool) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if typing && i == last {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    Some(terms.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_ored_and_the_typed_word_is_a_prefix() {
        assert_eq!(
            match_expression("Spanish interp", false).as_deref(),
            Some(r#""spanish" OR "interp""#)
        );
        assert_eq!(
            match_expression("Spanish interp", true).as_deref(),
            Some(r#""spanish" OR "interp"*"#)
        );
        assert_eq!(
            match_expression(r#"NOT "a-b" OR"#, false).as_deref(),
            Some(r#""not" OR "a" OR "b" OR "or""#)
        );
        assert_eq!(match_expression(" -- ", true), None);
    }

    #[test]
    fn bm25_ranks_and_maps_rowids_back_to_ids() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let rows = vec![
            (
                "a".into(),
                "Dewey decimal".into(),
                "library classification".into(),
            ),
            ("b".into(), "Unrelated".into(), "nothing to see".into()),
            (
                "c".into(),
                "Classification".into(),
                "classification of classification".into(),
            ),
        ];
        let fts = Baseline::build(&dir.path().join("f.sqlite3"), rows)?;
        let hits = fts.search("classification", false, 10)?;
        assert_eq!(hits, vec!["c", "a"]);
        assert_eq!(fts.search("dew", true, 10)?, vec!["a"]);
        assert!(fts.search("dew", false, 10)?.is_empty());
        Ok(())
    }
}
