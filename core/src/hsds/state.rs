//! What the importer wrote last time, per contact and per field, kept in `hsds-import.json`
//! beside `pack.toml`. Only hashes of values are kept (never an address): comparing the file's
//! current value, the last imported one and the new one tells a trainer's edit from an upstream
//! change.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::HsdsError;
use crate::content::{Document, CONTACT_FIELDS};

/// Fields the importer fills besides a contact's own ([`CONTACT_FIELDS`]). Revision is the
/// importer's own bookkeeping and not listed.
const DOCUMENT_FIELDS: &[&str] = &["title", "summary", "updated_at", "language", "tags", "body"];

/// Every field the importer fills and tracks: the document's, then all of a contact's own.
pub fn fields() -> impl Iterator<Item = &'static str> {
    DOCUMENT_FIELDS.iter().chain(CONTACT_FIELDS).copied()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Contact id → what was imported into it.
    #[serde(default)]
    pub contacts: BTreeMap<String, Imported>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// The HSDS service id the contact comes from.
    pub source: String,
    /// Field → hash of the value imported into it.
    pub fields: BTreeMap<String, String>,
}

impl State {
    pub fn read(path: &Path) -> Result<State, HsdsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| HsdsError::State {
                path: path.to_owned(),
                message: format!("line {}: {e}", e.line()),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(HsdsError::io(path, e)),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// A field of a document as JSON (`null` when absent).
pub fn get(doc: &Document, field: &str) -> serde_json::Value {
    serde_json::to_value(doc)
        .ok()
        .and_then(|v| v.get(field).cloned())
        .unwrap_or(serde_json::Value::Null)
}

/// `doc` with `field` set to `value` (removed when `null`); unchanged if that would not make a
/// document.
pub fn set(doc: &Document, field: &str, value: serde_json::Value) -> Document {
    let Ok(serde_json::Value::Object(mut map)) = serde_json::to_value(doc) else {
        return doc.clone();
    };
    if value.is_null() {
        map.remove(field);
    } else {
        map.insert(field.to_owned(), value);
    }
    serde_json::from_value(serde_json::Value::Object(map)).unwrap_or_else(|_| doc.clone())
}

pub fn hash(value: &serde_json::Value) -> String {
    let digest = Sha256::digest(value.to_string().as_bytes());
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}
