//! Officers channels (`CHANNEL-officers`): enrolled devices, one-time enrollment codes, content
//! keys, and the sealed copies of every officers blob. The design and what each attacker learns
//! are in AUDIENCES.md.
//!
//! Admins create a code for a named officer; the device trades it (once, within
//! [`CODE_VALIDITY_HOURS`]) with its X25519 public key for a device credential and the channel's
//! content keys wrapped for it. Revoking a device refuses its credential at once and rotates the
//! channel's content key, so the next release is sealed with a key it never receives.

use fieldref_core::content::{channel_for, Audience, OFFICERS_CHANNEL_SUFFIX};
use fieldref_core::pack::seal::{self, ContentKey, DeviceKeys};
use fieldref_core::sync::EnrollResponse;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::db::{random_hex, token_hash};
use crate::error::ApiError;

/// How long an enrollment code may be used.
pub const CODE_VALIDITY_HOURS: i64 = 72;
/// Crockford's base32: no I, L, O, U, so a code read aloud or typed is not misread.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 12 symbols of 5 bits: 60 bits, shown as `XXXX-XXXX-XXXX`.
const CODE_SYMBOLS: usize = 12;

pub fn is_officers(channel: &str) -> bool {
    channel.ends_with(OFFICERS_CHANNEL_SUFFIX)
}

/// The officers channel of a pack channel (`port-alder` → `port-alder-officers`).
pub fn officers_channel(channel: &str) -> String {
    if is_officers(channel) {
        channel.to_owned()
    } else {
        channel_for(channel, Audience::Officers)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("no device `{0}`")]
    Unknown(String),
    #[error("several devices are named `{0}`: revoke by id")]
    Ambiguous(String),
    #[error("{0}")]
    Invalid(String),
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("key: {0}")]
    Seal(#[from] seal::SealError),
}

impl From<DeviceError> for ApiError {
    fn from(e: DeviceError) -> ApiError {
        match e {
            DeviceError::Unknown(_) => ApiError::NotFound(e.to_string()),
            DeviceError::Ambiguous(_) | DeviceError::Invalid(_) => {
                ApiError::BadRequest(e.to_string())
            }
            DeviceError::Storage(e) => ApiError::from(e),
            DeviceError::Seal(e) => ApiError::Internal(e.to_string()),
        }
    }
}

/// A device as `fieldref-server device list` shows it (never its credential or code).
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub channel: String,
    pub created_at: String,
    pub enrolled_at: Option<String>,
    pub revoked_at: Option<String>,
    pub code_expires_at: Option<String>,
}

/// A new enrollment: the code to give the officer (shown once).
#[derive(Debug, Clone, Serialize)]
pub struct NewEnrollment {
    pub id: String,
    pub name: String,
    pub channel: String,
    pub code: String,
    pub expires_at: String,
}

fn new_code() -> Result<String, DeviceError> {
    let mut bytes = [0u8; CODE_SYMBOLS];
    getrandom::fill(&mut bytes).map_err(|e| DeviceError::Invalid(e.to_string()))?;
    let symbols: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[(*b & 31) as usize] as char)
        .collect();
    Ok(format!(
        "{}-{}-{}",
        &symbols[0..4],
        &symbols[4..8],
        &symbols[8..12]
    ))
}

/// A typed code in its one spelling: case, dashes and spaces ignored, O read as 0, I and L as 1.
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

fn code_hash(code: &str) -> String {
    token_hash(&format!("enroll:{}", normalize_code(code)))
}

/// Creates a pending device with a one-time code for the officers channel of `channel`.
pub fn create(conn: &Connection, name: &str, channel: &str) -> Result<NewEnrollment, DeviceError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 120 {
        return Err(DeviceError::Invalid(
            "a device needs a name of 1 to 120 characters (the officer's)".to_owned(),
        ));
    }
    if !crate::db::valid_channel(channel) {
        return Err(DeviceError::Invalid(format!(
            "channel `{channel}`: expected lowercase letters, digits and dashes"
        )));
    }
    let channel = officers_channel(channel);
    let id = format!("dev-{}", random_hex(6).map_err(DeviceError::Invalid)?);
    let code = new_code()?;
    let now = chrono::Utc::now();
    let expires_at = (now + chrono::Duration::hours(CODE_VALIDITY_HOURS)).to_rfc3339();
    conn.execute(
        "INSERT INTO officer_devices(id, name, channel, code_hash, code_expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            name,
            channel,
            code_hash(&code),
            expires_at,
            now.to_rfc3339()
        ],
    )?;
    current_key(conn, &channel)?;
    Ok(NewEnrollment {
        id,
        name: name.to_owned(),
        channel,
        code,
        expires_at,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<DeviceInfo>, DeviceError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, channel, created_at, enrolled_at, revoked_at,
                CASE WHEN enrolled_at IS NULL THEN code_expires_at END
         FROM officer_devices ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(DeviceInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            channel: r.get(2)?,
            created_at: r.get(3)?,
            enrolled_at: r.get(4)?,
            revoked_at: r.get(5)?,
            code_expires_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes a device by id or (unique) name: its credential and code stop working at once, and
/// its channel gets a new content key for the next release. Returns the device revoked.
pub fn revoke(conn: &mut Connection, which: &str) -> Result<DeviceInfo, DeviceError> {
    let tx = conn.transaction()?;
    let matches: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, channel FROM officer_devices WHERE (id = ?1 OR name = ?1)
             AND revoked_at IS NULL",
        )?;
        let rows = stmt.query_map([which], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let (id, channel) = match matches.as_slice() {
        [] => return Err(DeviceError::Unknown(which.to_owned())),
        [one] => one.clone(),
        _ => return Err(DeviceError::Ambiguous(which.to_owned())),
    };
    tx.execute(
        "UPDATE officer_devices SET revoked_at = ?2, code_hash = NULL, credential_hash = NULL
         WHERE id = ?1",
        params![id, chrono::Utc::now().to_rfc3339()],
    )?;
    add_key(&tx, &channel)?;
    tx.commit()?;
    list(conn)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(DeviceError::Unknown(id))
}

/// Trades a code for a credential: the code must be unused, unexpired, unrevoked and for this
/// channel's officers channel.
pub fn enroll(
    conn: &mut Connection,
    channel: &str,
    code: &str,
    public_key: &str,
) -> Result<EnrollResponse, ApiError> {
    let officers = officers_channel(channel);
    let tx = conn.transaction()?;
    let found: Option<(String, String)> = tx
        .query_row(
            "SELECT id, code_expires_at FROM officer_devices
             WHERE code_hash = ?1 AND channel = ?2 AND enrolled_at IS NULL AND revoked_at IS NULL",
            params![code_hash(code), officers],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, expires_at)) = found else {
        return Err(ApiError::Unauthorized);
    };
    let expired = chrono::DateTime::parse_from_rfc3339(&expires_at)
        .map(|t| t <= chrono::Utc::now())
        .unwrap_or(true);
    if expired {
        return Err(ApiError::Unauthorized);
    }
    // Checks the public key before anything is burnt.
    let keys = device_keys_for(&tx, &id, &officers, public_key)
        .map_err(|e| ApiError::BadRequest(format!("public_key: {e}")))?;
    let credential = random_hex(24).map_err(ApiError::Internal)?;
    tx.execute(
        "UPDATE officer_devices SET code_hash = NULL, credential_hash = ?2, public_key = ?3,
                enrolled_at = ?4 WHERE id = ?1",
        params![
            id,
            token_hash(&credential),
            public_key,
            chrono::Utc::now().to_rfc3339()
        ],
    )?;
    tx.commit()?;
    Ok(EnrollResponse {
        device: id,
        credential,
        channel: officers,
        keys,
    })
}

/// The enrolled, unrevoked device a credential belongs to on `channel`.
pub fn device_of(
    conn: &Connection,
    credential: &str,
    channel: &str,
) -> Result<Option<String>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT id FROM officer_devices WHERE credential_hash = ?1 AND channel = ?2
             AND revoked_at IS NULL AND enrolled_at IS NOT NULL",
            params![token_hash(credential), channel],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every content key of `channel`, wrapped for device `id` (enrolled and unrevoked).
pub fn device_keys(conn: &Connection, id: &str, channel: &str) -> Result<DeviceKeys, ApiError> {
    let public_key: Option<String> = conn
        .query_row(
            "SELECT public_key FROM officer_devices WHERE id = ?1 AND channel = ?2
             AND revoked_at IS NULL AND public_key IS NOT NULL",
            params![id, channel],
            |r| r.get(0),
        )
        .optional()?;
    let public_key = public_key.ok_or_else(|| ApiError::NotFound(format!("device {id}")))?;
    device_keys_for(conn, id, channel, &public_key)
        .map_err(|e| ApiError::Internal(format!("device {id}: {e}")))
}

fn device_keys_for(
    conn: &Connection,
    id: &str,
    channel: &str,
    public_key: &str,
) -> Result<DeviceKeys, DeviceError> {
    let keys = keys(conn, channel)?;
    let keys = keys
        .iter()
        .map(|k| seal::wrap(k, channel, public_key))
        .collect::<Result<_, _>>()?;
    Ok(DeviceKeys {
        device: id.to_owned(),
        channel: channel.to_owned(),
        keys,
    })
}

/// Ids of the devices a static export writes keys for.
pub fn active_devices(conn: &Connection, channel: &str) -> Result<Vec<String>, ApiError> {
    let mut stmt = conn.prepare(
        "SELECT id FROM officer_devices WHERE channel = ?1 AND revoked_at IS NULL
         AND public_key IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([channel], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn keys(conn: &Connection, channel: &str) -> Result<Vec<ContentKey>, DeviceError> {
    let mut stmt = conn.prepare(
        "SELECT key_id, secret FROM content_keys WHERE channel = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map([channel], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, secret) = row?;
        out.push(ContentKey::from_parts(&id, &secret)?);
    }
    Ok(out)
}

fn add_key(conn: &Connection, channel: &str) -> Result<ContentKey, DeviceError> {
    let key = ContentKey::generate()?;
    conn.execute(
        "INSERT INTO content_keys(channel, key_id, secret, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            channel,
            key.id(),
            key.secret_hex(),
            chrono::Utc::now().to_rfc3339()
        ],
    )?;
    Ok(key)
}

/// The key new officers blobs of `channel` are sealed with (made on first use).
pub fn current_key(conn: &Connection, channel: &str) -> Result<ContentKey, DeviceError> {
    match keys(conn, channel)?.pop() {
        Some(key) => Ok(key),
        None => add_key(conn, channel),
    }
}

/// Seals `bytes` (plaintext hash `sha256`) with the channel's current key and stores it.
pub fn store_sealed(
    conn: &Connection,
    channel: &str,
    sha256: &str,
    bytes: &[u8],
) -> Result<(), DeviceError> {
    let key = current_key(conn, channel)?;
    let sealed = seal::seal(&key, channel, sha256, bytes)?;
    conn.execute(
        "INSERT OR IGNORE INTO sealed_blobs(channel, sha256, key_id, bytes) VALUES (?1, ?2, ?3, ?4)",
        params![channel, sha256, key.id(), sealed],
    )?;
    Ok(())
}

pub fn sealed_blob(
    conn: &Connection,
    channel: &str,
    sha256: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    Ok(conn
        .query_row(
            "SELECT bytes FROM sealed_blobs WHERE channel = ?1 AND sha256 = ?2",
            params![channel, sha256],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = crate::db::open(&dir.path().join("server.sqlite3")).expect("db");
        (dir, conn)
    }

    #[test]
    fn a_code_enrolls_once_and_revocation_rotates_the_key() {
        let (_dir, mut conn) = conn();
        let new = create(&conn, "Ofc. Rivera", "port-alder").expect("create");
        assert_eq!(new.channel, "port-alder-officers");
        assert_eq!(new.code.len(), 14);
        let device = seal::DeviceSecret::generate().expect("device");
        let typed = new.code.to_lowercase().replace('-', " ");
        let answer = enroll(&mut conn, "port-alder", &typed, &device.public_hex()).expect("enroll");
        assert_eq!(answer.keys.keys.len(), 1);
        assert!(seal::unwrap(&device, &answer.channel, &answer.keys.keys[0]).is_ok());
        assert!(matches!(
            enroll(&mut conn, "port-alder", &new.code, &device.public_hex()),
            Err(ApiError::Unauthorized)
        ));
        assert_eq!(
            device_of(&conn, &answer.credential, "port-alder-officers").expect("of"),
            Some(new.id.clone())
        );
        let before = current_key(&conn, "port-alder-officers").expect("key");
        revoke(&mut conn, "Ofc. Rivera").expect("revoke");
        assert_ne!(
            current_key(&conn, "port-alder-officers").expect("key"),
            before
        );
        assert_eq!(
            device_of(&conn, &answer.credential, "port-alder-officers").expect("of"),
            None
        );
        assert!(device_keys(&conn, &new.id, "port-alder-officers").is_err());
        assert!(matches!(
            revoke(&mut conn, "Ofc. Rivera"),
            Err(DeviceError::Unknown(_))
        ));
    }

    #[test]
    fn a_bad_public_key_burns_nothing() {
        let (_dir, mut conn) = conn();
        let new = create(&conn, "Ofc. Chen", "port-alder").expect("create");
        assert!(matches!(
            enroll(&mut conn, "port-alder", &new.code, "not-a-key"),
            Err(ApiError::BadRequest(_))
        ));
        let device = seal::DeviceSecret::generate().expect("device");
        assert!(enroll(&mut conn, "port-alder", &new.code, &device.public_hex()).is_ok());
    }
}
