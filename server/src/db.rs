//! The server's SQLite database: releases, blobs, tokens, device credentials and field feedback.
//! One file in the data directory, so the server runs with nothing else installed. The schema is
//! versioned (`PRAGMA user_version`); a database written by a newer server is refused.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::ApiError;

/// Each step upgrades the schema by one version; steps run once, in order, in a transaction.
const MIGRATIONS: &[&str] = &[
    // 1: the original schema (idempotent, so databases made before versioning upgrade cleanly).
    "
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
",
    // 2: signed decoded sizes of deltas; scoped, expiring, revocable tokens; device credentials;
    // feedback tied to the credential that sent it, with an index for retention.
    "
ALTER TABLE deltas ADD COLUMN decoded_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN channels TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
CREATE TABLE devices (
    hash       TEXT PRIMARY KEY,
    channel    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE outbox ADD COLUMN device TEXT;
CREATE INDEX outbox_received ON outbox(received_at);
",
    // 3: officers channels: enrolled devices, content keys, sealed copies of officers blobs.
    "
CREATE TABLE officer_devices (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    code_hash       TEXT UNIQUE,
    code_expires_at TEXT,
    credential_hash TEXT UNIQUE,
    public_key      TEXT,
    created_at      TEXT NOT NULL,
    enrolled_at     TEXT,
    revoked_at      TEXT
);
CREATE TABLE content_keys (
    channel    TEXT NOT NULL,
    key_id     TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE sealed_blobs (
    channel TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    key_id  TEXT NOT NULL,
    bytes   BLOB NOT NULL,
    PRIMARY KEY (channel, sha256)
);
",
    // 4: trainers mark field feedback resolved (the console's "mark resolved").
    "
ALTER TABLE outbox ADD COLUMN resolved_at TEXT;
ALTER TABLE outbox ADD COLUMN resolved_by TEXT;
",
    // 5: the reason a field report gives (wrong_number, closed, moved, other).
    "ALTER TABLE outbox ADD COLUMN reason TEXT;",
];

pub fn open(path: &Path) -> Result<Connection, rusqlite::Error> {
    let mut conn = Connection::open(path)?;
    // The database holds officers content keys and plaintext releases (AUDIENCES.md): readable
    // by the server's user only. SQLite gives its -wal and -shm files the same mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            tracing::warn!(path = %path.display(), "could not make the database private: {e}");
        }
    }
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    refuse_newer(&conn)?;
    let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// A database written by a newer server is refused before anything (even the journal mode) is
/// changed in it.
fn refuse_newer(conn: &Connection) -> Result<(), rusqlite::Error> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(format!(
                "server database schema {version} is newer than this server knows ({known}): \
                 run a newer fieldref-server; nothing was changed"
            )),
        ));
    }
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), rusqlite::Error> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    refuse_newer(&tx)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()
}

/// What a token may do. Trainers publish to (and read feedback of) their channels; viewers read
/// feedback of theirs; admins do everything, including managing tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRole {
    Admin,
    Trainer,
    Viewer,
}

impl TokenRole {
    pub fn parse(text: &str) -> Option<TokenRole> {
        match text {
            "admin" => Some(TokenRole::Admin),
            "trainer" => Some(TokenRole::Trainer),
            "viewer" => Some(TokenRole::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenRole::Admin => "admin",
            TokenRole::Trainer => "trainer",
            TokenRole::Viewer => "viewer",
        }
    }
}

/// A token to create: who, what role, which channels, until when.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub role: TokenRole,
    /// Channels a trainer or viewer is scoped to (admins are not scoped).
    pub channels: &'a [String],
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Why a token could not be created (the caller maps it to a status or a CLI message).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("name must not be empty")]
    EmptyName,
    #[error("a {0} token must name at least one channel")]
    NoChannels(&'static str),
    #[error("channel `{0}`: expected lowercase letters, digits and dashes")]
    BadChannel(String),
    #[error("an admin token is not scoped to channels")]
    ScopedAdmin,
    #[error("no token named or numbered `{0}`")]
    Unknown(String),
    #[error("no randomness: {0}")]
    Random(String),
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// A token as listed (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    /// Public id: the first 12 hex digits of the token's hash.
    pub id: String,
    pub name: String,
    pub role: String,
    pub channels: Vec<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Who a valid bearer token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: TokenRole,
    pub channels: Vec<String>,
}

impl Principal {
    /// Whether this principal may act on `channel` at all (admins: every channel).
    /// A channel's token covers its officers channel too (one content folder, two releases).
    pub fn covers(&self, channel: &str) -> bool {
        let base = channel
            .strip_suffix(fieldref_core::content::OFFICERS_CHANNEL_SUFFIX)
            .unwrap_or(channel);
        self.role == TokenRole::Admin || self.channels.iter().any(|c| c == channel || c == base)
    }
}

/// Tokens are stored as SHA-256 hashes: a leaked database does not leak credentials.
pub fn token_hash(token: &str) -> String {
    fieldref_core::pack::sha256_hex(token.as_bytes())
}

/// Channel names become URL path segments and export folders: the pack validator's id rule.
pub fn valid_channel(channel: &str) -> bool {
    !channel.is_empty()
        && channel.len() <= 80
        && channel
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !channel.starts_with('-')
}

pub(crate) fn random_hex(bytes: usize) -> Result<String, String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Creates a token; returns it (shown once).
pub fn add_token(conn: &Connection, new: &NewToken<'_>) -> Result<String, TokenError> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(TokenError::EmptyName);
    }
    match new.role {
        TokenRole::Admin if !new.channels.is_empty() => return Err(TokenError::ScopedAdmin),
        TokenRole::Trainer | TokenRole::Viewer if new.channels.is_empty() => {
            return Err(TokenError::NoChannels(new.role.as_str()))
        }
        _ => {}
    }
    if let Some(bad) = new.channels.iter().find(|c| !valid_channel(c)) {
        return Err(TokenError::BadChannel(bad.clone()));
    }
    let token = random_hex(24).map_err(TokenError::Random)?;
    conn.execute(
        "INSERT INTO tokens(hash, name, role, channels, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            token_hash(&token),
            name,
            new.role.as_str(),
            new.channels.join(","),
            chrono::Utc::now().to_rfc3339(),
            new.expires_at.map(|t| t.to_rfc3339()),
        ],
    )?;
    Ok(token)
}

/// The principal of `token` if it exists, is not revoked and has not expired at `now`.
pub fn principal(
    conn: &Connection,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Principal>, ApiError> {
    type Row = (String, String, String, Option<String>, Option<String>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT name, role, channels, expires_at, revoked_at FROM tokens WHERE hash = ?1",
            [token_hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((name, role, channels, expires_at, revoked_at)) = row else {
        return Ok(None);
    };
    if revoked_at.is_some() {
        return Ok(None);
    }
    if let Some(expires) = expires_at {
        // An unreadable expiry counts as expired: fail closed.
        let live = chrono::DateTime::parse_from_rfc3339(&expires).is_ok_and(|t| t > now);
        if !live {
            return Ok(None);
        }
    }
    let Some(role) = TokenRole::parse(&role) else {
        return Ok(None);
    };
    Ok(Some(Principal {
        name,
        role,
        channels: split_channels(&channels),
    }))
}

fn split_channels(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn list_tokens(conn: &Connection) -> Result<Vec<TokenInfo>, TokenError> {
    let mut stmt = conn.prepare(
        "SELECT hash, name, role, channels, created_at, expires_at, revoked_at FROM tokens ORDER BY created_at, name",
    )?;
    let rows = stmt.query_map([], |r| {
        let hash: String = r.get(0)?;
        let channels: String = r.get(3)?;
        Ok(TokenInfo {
            id: hash[..12.min(hash.len())].to_owned(),
            name: r.get(1)?,
            role: r.get(2)?,
            channels: split_channels(&channels),
            created_at: r.get(4)?,
            expires_at: r.get(5)?,
            revoked_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes every live token whose public id or name is `which`; returns how many.
pub fn revoke_token(conn: &Connection, which: &str) -> Result<usize, TokenError> {
    let which = which.trim();
    let id_pattern = format!("{}%", which.replace(['%', '_'], ""));
    let changed = conn.execute(
        "UPDATE tokens SET revoked_at = ?1 WHERE revoked_at IS NULL AND (name = ?2 OR (length(?2) >= 8 AND hash LIKE ?3))",
        params![chrono::Utc::now().to_rfc3339(), which, id_pattern],
    )?;
    if changed == 0 {
        return Err(TokenError::Unknown(which.to_owned()));
    }
    Ok(changed)
}

/// Issues an anonymous per-install device credential for `channel`; returns it (shown once).
pub fn add_device(conn: &Connection, channel: &str) -> Result<String, ApiError> {
    let credential = random_hex(24).map_err(ApiError::Internal)?;
    conn.execute(
        "INSERT INTO devices(hash, channel, created_at) VALUES (?1, ?2, ?3)",
        params![
            token_hash(&credential),
            channel,
            chrono::Utc::now().to_rfc3339()
        ],
    )?;
    Ok(credential)
}

/// The public id (hash) of a device credential valid for `channel`.
pub fn device(
    conn: &Connection,
    credential: &str,
    channel: &str,
) -> Result<Option<String>, ApiError> {
    let hash = token_hash(credential);
    let found: Option<String> = conn
        .query_row(
            "SELECT channel FROM devices WHERE hash = ?1",
            [&hash],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.filter(|c| c == channel).map(|_| hash))
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

pub fn channels(conn: &Connection) -> Result<Vec<String>, ApiError> {
    let mut stmt = conn.prepare("SELECT DISTINCT channel FROM releases ORDER BY channel")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn deltas_to(
    conn: &Connection,
    channel: &str,
    to: u64,
) -> Result<Vec<fieldref_core::pack::DeltaRef>, ApiError> {
    let mut stmt = conn.prepare(
        "SELECT from_v, sha256, size, decoded_size FROM deltas WHERE channel = ?1 AND to_v = ?2 ORDER BY from_v DESC",
    )?;
    let rows = stmt.query_map(params![channel, to as i64], |r| {
        Ok(fieldref_core::pack::DeltaRef {
            from: r.get::<_, i64>(0)? as u64,
            sha256: r.get(1)?,
            size: r.get::<_, i64>(2)? as u64,
            decoded_size: r.get::<_, i64>(3)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_from_before_versioning_is_upgraded_and_its_admin_tokens_still_work() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        {
            // What the first server wrote: the original tables, user_version 0.
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(MIGRATIONS[0]).expect("old schema");
            conn.execute(
                "INSERT INTO tokens(hash, name, role) VALUES (?1, 'ops', 'admin'), (?2, 'ana', 'trainer')",
                params![token_hash("old-admin"), token_hash("old-trainer")],
            )
            .expect("old tokens");
        }
        let conn = open(&path).expect("upgrade");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let now = chrono::Utc::now();
        let admin = principal(&conn, "old-admin", now)
            .expect("query")
            .expect("still valid");
        assert_eq!(admin.role, TokenRole::Admin);
        assert!(admin.covers("port-alder"));
        // A trainer token from before scoping names no channel, so it covers none: reissue it.
        let trainer = principal(&conn, "old-trainer", now)
            .expect("query")
            .expect("valid");
        assert!(!trainer.covers("port-alder"));
        drop(conn);
        open(&path).expect("opening again changes nothing");
    }

    #[cfg(unix)]
    #[test]
    fn the_database_is_readable_by_the_server_user_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        open(&path).expect("open");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        {
            let conn = Connection::open(&path).expect("open");
            conn.pragma_update(None, "user_version", 99)
                .expect("version");
        }
        assert!(open(&path).is_err());
        let conn = Connection::open(&path).expect("open");
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .expect("count");
        assert_eq!(tables, 0, "nothing created");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "delete", "journal mode untouched");
    }
}
