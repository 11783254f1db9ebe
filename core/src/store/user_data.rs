//! The user's own data: bookmarks and recently viewed documents. Content updates never touch
//! these tables; a bookmark whose document is removed stays, and shows again if it comes back.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::content::{Audience, DocKind};
use crate::error::Result;

/// A bookmarked or recently viewed document, with what a list row shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedItem {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    /// When it was bookmarked or last viewed (RFC 3339).
    pub at: String,
}

/// How many recents are kept.
const RECENTS_KEPT: i64 = 50;

impl Store {
    pub fn add_bookmark(&self, doc_id: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO bookmarks(doc_id, created_at) VALUES (?1, ?2) ON CONFLICT(doc_id) DO NOTHING",
            params![doc_id, chrono::Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// Returns whether a bookmark was removed.
    pub fn remove_bookmark(&self, doc_id: &str) -> Result<bool> {
        Ok(self
            .conn()
            .execute("DELETE FROM bookmarks WHERE doc_id = ?1", [doc_id])?
            > 0)
    }

    pub fn is_bookmarked(&self, doc_id: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM bookmarks WHERE doc_id = ?1",
                [doc_id],
                |_| Ok(()),
            )
            .map(|_| true)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(false),
                e => Err(e),
            })?)
    }

    /// Bookmarks whose document is installed and visible to `viewer`, newest first.
    pub fn bookmarks(&self, viewer: Audience) -> Result<Vec<SavedItem>> {
        self.saved(
            "SELECT d.id, d.kind, d.title, b.created_at FROM bookmarks b
                    JOIN documents d ON d.id = b.doc_id
             WHERE d.audience = 'public' OR ?1 = 'officers'
             ORDER BY b.created_at DESC, d.id",
            viewer,
        )
    }

    pub fn record_view(&self, doc_id: &str) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO recents(doc_id, viewed_at) VALUES (?1, ?2)
             ON CONFLICT(doc_id) DO UPDATE SET viewed_at = excluded.viewed_at",
            params![doc_id, chrono::Utc::now().to_rfc3339()],
        )?;
        conn.execute(
            "DELETE FROM recents WHERE doc_id NOT IN
                 (SELECT doc_id FROM recents ORDER BY viewed_at DESC LIMIT ?1)",
            [RECENTS_KEPT],
        )?;
        Ok(())
    }

    /// Recently viewed documents that are installed and visible to `viewer`, most recent first.
    pub fn recents(&self, limit: usize, viewer: Audience) -> Result<Vec<SavedItem>> {
        let mut items = self.saved(
            "SELECT d.id, d.kind, d.title, r.viewed_at FROM recents r
             JOIN documents d ON d.id = r.doc_id
             WHERE d.audience = 'public' OR ?1 = 'officers'
             ORDER BY r.viewed_at DESC, d.id",
            viewer,
        )?;
        items.truncate(limit);
        Ok(items)
    }

    fn saved(&self, sql: &str, viewer: Audience) -> Result<Vec<SavedItem>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([viewer.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, title, at) = row?;
            if let Some(kind) = DocKind::parse(&kind) {
                out.push(SavedItem {
                    id,
                    kind,
                    title,
                    at,
                });
            }
        }
        Ok(out)
    }
}
