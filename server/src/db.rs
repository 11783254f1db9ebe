//! The server's SQLite database: releases, blobs, tokens and field feedback. One file in the data
//! directory, so the server runs with nothing else installed.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::ApiError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS releases (
    channel    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    envelope   TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    state_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, version)
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS deltas (
    channel TEXT NOT NULL,
    from_v  INTEGER NOT NULL,
    to_v    INTEGER NOT NULL,
    sha256  TEXT NOT NULL,
    size    INTEGER NOT NULL,
    PRIMARY KEY (channel, from_v, to_v)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    doc_id      TEXT,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL
);
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRole {
    Trainer,
    Admin,
}

impl TokenRole {
    pub fn parse(text: &str) -> Option<TokenRole> {
        match text {
            "trainer" => Some(TokenRole::Trainer),
            "admin" => Some(TokenRole::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenRole::Trainer => "trainer",
            TokenRole::Admin => "admin",
        }
    }
}

pub fn open(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Tokens are stored as SHA-256 hashes: a leaked database does not leak credentials.
pub fn token_hash(token: &str) -> String {
    fieldref_core::pack::sha256_hex(token.as_bytes())
}

/// Creates a token for `name` with `role`; returns the token (shown once).
pub fn add_token(conn: &Connection, name: &str, role: TokenRole) -> anyhow::Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute(
        "INSERT INTO tokens(hash, name, role) VALUES (?1, ?2, ?3)",
        params![token_hash(&token), name, role.as_str()],
    )?;
    Ok(token)
}

pub fn token_role(conn: &Connection, token: &str) -> Result<Option<(String, TokenRole)>, ApiError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT name, role FROM tokens WHERE hash = ?1",
            [token_hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(name, role)| TokenRole::parse(&role).map(|r| (name, r))))
}

pub struct LatestRelease {
    pub version: u64,
    pub envelope: String,
    pub snapshot: String,
}

pub fn latest(conn: &Connection, channel: &str) -> Result<Option<LatestRelease>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT version, envelope, snapshot FROM releases WHERE channel = ?1 ORDER BY version DESC LIMIT 1",
            [channel],
            |r| {
                Ok(LatestRelease {
                    version: r.get::<_, i64>(0)? as u64,
                    envelope: r.get(1)?,
                    snapshot: r.get(2)?,
                })
            },
        )
        .optional()?)
}

pub fn blob(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>, ApiError> {
    Ok(conn
        .query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [sha256], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn deltas_to(
    conn: &Connection,
    channel: &str,
    to: u64,
) -> Result<Vec<fieldref_core::pack::DeltaRef>, ApiError> {
    let mut stmt = conn.prepare(
        "SELECT from_v, sha256, size FROM deltas WHERE channel = ?1 AND to_v = ?2 ORDER BY from_v DESC",
    )?;
    let rows = stmt.query_map(params![channel, to as i64], |r| {
        Ok(fieldref_core::pack::DeltaRef {
            from: r.get::<_, i64>(0)? as u64,
            sha256: r.get(1)?,
            size: r.get::<_, i64>(2)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
