//! The alternative a mobile developer reaches for first: SQLite FTS5 (`porter unicode61`,
//! `bm25()` ranking, `snippet()`), fed the same text FieldRef indexes.

use std::path::Path;

use anyhow::Result;
use fieldref_core::content::{Details, Document, Pack};
use rusqlite::{params, Connection};

pub struct Fts {
    conn: Connection,
}

/// The body text FTS5 gets for a document (the relevance baseline reuses it, so both FTS5 runs
/// index the same words).
pub fn body(doc: &Document) -> String {
    let mut parts = vec![doc.summary.clone(), doc.body.clone(), doc.tags.join(" ")];
    match &doc.details {
        Details::Checklist(c) => {
            for s in &c.sections {
                parts.push(s.title.clone());
                for step in &s.steps {
                    parts.push(step.text.clone());
                    parts.extend(step.say.clone());
                    parts.extend(step.why.clone());
                    parts.extend(step.warning.clone());
                }
            }
        }
        Details::Note(n) => {
            parts.extend(n.dos.clone());
            parts.extend(n.donts.clone());
        }
        Details::Contact(c) => {
            parts.push(c.organization.clone());
            parts.extend(c.services.clone());
            parts.extend(c.neighborhood.clone());
        }
    }
    parts.join("\n")
}

impl Fts {
    pub fn build(path: &Path, pack: &Pack) -> Result<Fts> {
        let mut conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize = 'porter unicode61');",
        )?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO docs(id, title, body) VALUES (?1, ?2, ?3)")?;
            for doc in &pack.documents {
                insert.execute(params![doc.id, doc.title, body(doc)])?;
            }
        }
        tx.commit()?;
        conn.execute_batch(
            "INSERT INTO docs(docs) VALUES('optimize'); PRAGMA wal_checkpoint(TRUNCATE);",
        )?;
        Ok(Fts { conn })
    }

    pub fn open(path: &Path) -> Result<Fts> {
        Ok(Fts {
            conn: Connection::open(path)?,
        })
    }

    /// Top `limit` ids with snippets; a query FTS5 cannot parse counts as no answer.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(String, String)> {
        let Ok(mut stmt) = self.conn.prepare_cached(
            "SELECT id, snippet(docs, 2, '[', ']', '…', 16) FROM docs WHERE docs MATCH ?1
             ORDER BY bm25(docs, 0.0, 3.0, 1.0) LIMIT ?2",
        ) else {
            return Vec::new();
        };
        let rows = stmt.query_map(params![query, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)));
        match rows {
            Ok(rows) => rows.filter_map(|r| r.ok()).collect(),
            Err(_) => Vec::new(),
        }
    }
}
