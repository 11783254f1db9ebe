//! The content hash releases were signed with before `fieldref-state-v2`: SHA-256 over the pack
//! settings and `id\njson\n` of every document in id order. A server not yet upgraded still
//! signs it, so a device that finds the new hash does not match falls back to this one (reading
//! every document: the slow path that the per-document digests replaced) before refusing.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::packed;
use crate::error::Result;

pub(crate) fn hash_stored_v1(
    conn: &Connection,
    info_json: &str,
    unpacker: &mut packed::Unpacker,
) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT id, packed, dict FROM documents ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut sha = start(info_json);
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let compressed: Vec<u8> = row.get(1)?;
        let json = unpacker.unpack(&id, &compressed, row.get(2)?, |d| {
            super::dictionary_bytes(conn, d)
        })?;
        add(&mut sha, &id, &json);
    }
    Ok(super::hex(&sha.finalize()))
}

fn start(info_json: &str) -> Sha256 {
    let mut sha = Sha256::new();
    sha.update(b"fieldref-state-v1\n");
    sha.update(info_json.as_bytes());
    sha.update(b"\n");
    sha
}

fn add(sha: &mut Sha256, id: &str, json: &str) {
    sha.update(id.as_bytes());
    sha.update(b"\n");
    sha.update(json.as_bytes());
    sha.update(b"\n");
}

/// The v1 hash of a pack, as a server before `fieldref-state-v2` signed it.
#[cfg(test)]
pub(crate) fn state_hash_v1(pack: &crate::content::Pack) -> Result<String> {
    let mut documents: Vec<&crate::content::Document> = pack.documents.iter().collect();
    documents.sort_by(|a, b| a.id.cmp(&b.id));
    let mut sha = start(&serde_json::to_string(&pack.info)?);
    for doc in documents {
        add(&mut sha, &doc.id, &serde_json::to_string(doc)?);
    }
    Ok(super::hex(&sha.finalize()))
}
