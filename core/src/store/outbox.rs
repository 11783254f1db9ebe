//! The field outbox: feedback ("this number is disconnected") and read acknowledgements queued
//! while offline. Items carry client-generated ids so an upload repeated after a lost response is
//! recognised by the server, and are marked sent only after the server confirms them.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Store;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    Feedback,
    Acknowledgement,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Feedback => "feedback",
            OutboxKind::Acknowledgement => "acknowledgement",
        }
    }

    fn parse(text: &str) -> Option<OutboxKind> {
        match text {
            "feedback" => Some(OutboxKind::Feedback),
            "acknowledgement" => Some(OutboxKind::Acknowledgement),
            _ => None,
        }
    }
}

/// Why a user reports a document: what a reviewer checks first. A reason other than
/// [`FeedbackReason::Other`] says enough on its own; `Other` needs words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackReason {
    WrongNumber,
    Closed,
    Moved,
    Other,
}

impl FeedbackReason {
    pub const ALL: [FeedbackReason; 4] = [
        FeedbackReason::WrongNumber,
        FeedbackReason::Closed,
        FeedbackReason::Moved,
        FeedbackReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackReason::WrongNumber => "wrong_number",
            FeedbackReason::Closed => "closed",
            FeedbackReason::Moved => "moved",
            FeedbackReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<FeedbackReason> {
        FeedbackReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub kind: OutboxKind,
    pub doc_id: Option<String>,
    /// Feedback text, or the acknowledged revision.
    pub payload: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    /// Why feedback was given; absent for acknowledgements and for feedback queued before
    /// reasons existed (and on the wire when absent, so older servers read it unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FeedbackReason>,
}

/// A random 128-bit id, hex: unique per device without coordination.
pub fn new_item_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::io("<random>", std::io::Error::other(e.to_string())))?;
    Ok(super::hex(&bytes))
}

impl Store {
    pub fn queue(
        &self,
        kind: OutboxKind,
        doc_id: Option<&str>,
        payload: &str,
    ) -> Result<OutboxItem> {
        self.queue_with_reason(kind, doc_id, payload, None)
    }

    pub fn queue_with_reason(
        &self,
        kind: OutboxKind,
        doc_id: Option<&str>,
        payload: &str,
        reason: Option<FeedbackReason>,
    ) -> Result<OutboxItem> {
        let item = OutboxItem {
            id: new_item_id()?,
            kind,
            doc_id: doc_id.map(str::to_owned),
            payload: payload.to_owned(),
            created_at: chrono::Utc::now().to_rfc3339(),
            sent_at: None,
            reason,
        };
        self.conn().execute(
            "INSERT INTO outbox(id, kind, doc_id, payload, created_at, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                item.id,
                kind.as_str(),
                item.doc_id,
                item.payload,
                item.created_at,
                reason.map(FeedbackReason::as_str),
            ],
        )?;
        Ok(item)
    }

    /// Every item, oldest first; `unsent_only` for what the next sync uploads.
    pub fn outbox(&self, unsent_only: bool) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, doc_id, payload, created_at, sent_at, reason FROM outbox
             WHERE ?1 = 0 OR sent_at IS NULL ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([unsent_only], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, doc_id, payload, created_at, sent_at, reason) = row?;
            let kind = OutboxKind::parse(&kind)
                .ok_or_else(|| Error::Corrupt(format!("outbox kind `{kind}`")))?;
            out.push(OutboxItem {
                id,
                kind,
                doc_id,
                payload,
                created_at,
                sent_at,
                // An unknown reason (from a newer app's row) reads as none rather than failing.
                reason: reason.as_deref().and_then(FeedbackReason::parse),
            });
        }
        Ok(out)
    }

    pub fn mark_sent(&self, ids: &[String]) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339();
        let mut stmt = self
            .conn()
            .prepare_cached("UPDATE outbox SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL")?;
        for id in ids {
            stmt.execute(params![id, now])?;
        }
        Ok(())
    }
}
