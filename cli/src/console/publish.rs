//! Publishing from the console: what would change against the server's current release of each
//! audience (documents added, changed, removed, with the fields that differ), a dry run, and the
//! real thing, signed on this machine with the release key exactly as `fieldref publish` does
//! (the same core function, [`publish_audiences`]). Server errors are put in plain words.

use std::path::PathBuf;

use anyhow::{Context, Result};
use fieldref_core::content::{channel_for, Audience, Document, Pack};
use fieldref_core::pack::{Role, SecretKey};
use fieldref_core::sync::publish::{
    publish_audiences, server_release, PublishOptions, PublishOutcome,
};
use fieldref_core::sync::{SyncError, Transport, TransportError};
use serde_json::Value;

/// Where and how the console publishes (from `fieldref console`'s flags or environment).
#[derive(Clone, Default)]
pub struct PublishSettings {
    pub server: Option<String>,
    pub token: Option<String>,
    pub key: Option<PathBuf>,
    pub ca_cert: Option<PathBuf>,
}

const TIMEOUT_MS: u64 = 120_000;

impl PublishSettings {
    fn server_and_token(&self) -> Result<(&str, &str)> {
        let server = self.server.as_deref().context(
            "no server: start the console with --server URL (or FIELDREF_SERVER) to publish",
        )?;
        let token = self.token.as_deref().context(
            "no trainer token: start the console with --token (or FIELDREF_TOKEN) to publish",
        )?;
        Ok((server, token))
    }

    fn transport(&self) -> Result<Box<dyn Transport>> {
        crate::channel::transport(self.ca_cert.as_deref())
    }
}

/// One document's change in one audience's release.
#[derive(Debug, Clone, PartialEq)]
pub struct DocChange {
    pub id: String,
    pub title: String,
    pub what: Change,
    /// `(field path, before, after)`; empty for whole documents added or removed.
    pub fields: Vec<(String, Option<String>, Option<String>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Changed,
    Removed,
}

pub struct ChannelDiff {
    pub channel: String,
    pub audience: Audience,
    pub server_version: u64,
    pub changes: Vec<DocChange>,
}

/// The changes of each audience's release against what the server has now.
pub fn diff(settings: &PublishSettings, pack: &Pack) -> Result<Vec<ChannelDiff>> {
    let (server, token) = settings.server_and_token()?;
    let transport = settings.transport()?;
    [Audience::Public, Audience::Officers]
        .into_iter()
        .map(|audience| {
            let next = pack.for_audience(audience);
            let channel = channel_for(&pack.info.channel, audience);
            let (version, current) =
                server_release(transport.as_ref(), server, &channel, token, TIMEOUT_MS)?;
            let current = current.map(|p| p.documents).unwrap_or_default();
            Ok(ChannelDiff {
                channel,
                audience,
                server_version: version,
                changes: documents_diff(&current, &next.documents),
            })
        })
        .collect()
}

/// Signs and uploads both audiences' releases (or only reports them, `dry_run`).
pub fn publish(
    settings: &PublishSettings,
    pack: &Pack,
    dry_run: bool,
) -> Result<Vec<PublishOutcome>> {
    let (server, token) = settings.server_and_token()?;
    let key_path = settings.key.as_deref().context(
        "no release key: start the console with --key FILE (the release.key from `fieldref keygen`)",
    )?;
    let text = std::fs::read_to_string(key_path)
        .with_context(|| format!("reading the release key {}", key_path.display()))?;
    let key = SecretKey::from_file(&text, Role::Release)
        .map_err(|e| anyhow::anyhow!("{}: {e}", key_path.display()))?;
    let options = PublishOptions {
        server,
        token,
        key: &key,
        dry_run,
        timeout_ms: TIMEOUT_MS,
    };
    let transport = settings.transport()?;
    Ok(publish_audiences(
        transport.as_ref(),
        pack,
        &options,
        &mut |_| {},
    )?)
}

/// Added, changed and removed documents, by id.
pub fn documents_diff(before: &[Document], after: &[Document]) -> Vec<DocChange> {
    let mut changes = Vec::new();
    for doc in after {
        match before.iter().find(|d| d.id == doc.id) {
            None => changes.push(DocChange {
                id: doc.id.clone(),
                title: doc.title.clone(),
                what: Change::Added,
                fields: Vec::new(),
            }),
            Some(old) if old != doc => {
                let mut fields = Vec::new();
                let (a, b) = (to_json(old), to_json(doc));
                fields_diff("", &a, &b, &mut fields);
                changes.push(DocChange {
                    id: doc.id.clone(),
                    title: doc.title.clone(),
                    what: Change::Changed,
                    fields,
                });
            }
            Some(_) => {}
        }
    }
    for old in before {
        if !after.iter().any(|d| d.id == old.id) {
            changes.push(DocChange {
                id: old.id.clone(),
                title: old.title.clone(),
                what: Change::Removed,
                fields: Vec::new(),
            });
        }
    }
    changes
}

fn to_json(doc: &Document) -> Value {
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

/// Field paths whose values differ. Lists of the same length are compared item by item; a list
/// that grew or shrank is shown as the items only one side has.
fn fields_diff(
    path: &str,
    a: &Value,
    b: &Value,
    out: &mut Vec<(String, Option<String>, Option<String>)>,
) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (va, vb) = (x.get(key), y.get(key));
                match (va, vb) {
                    (Some(va), Some(vb)) => fields_diff(&join(key), va, vb, out),
                    _ => out.push((join(key), va.map(shown), vb.map(shown))),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                fields_diff(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, item) in x.iter().enumerate().filter(|(_, v)| !y.contains(v)) {
                out.push((format!("{path}[{i}]"), Some(shown(item)), None));
            }
            for (i, item) in y.iter().enumerate().filter(|(_, v)| !x.contains(v)) {
                out.push((format!("{path}[{i}]"), None, Some(shown(item))));
            }
        }
        _ if a != b => out.push((path.to_owned(), Some(shown(a)), Some(shown(b)))),
        _ => {}
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An error from publishing or from the server, in words a trainer can act on.
pub fn plain_error(error: &anyhow::Error) -> String {
    let Some(core) = error.downcast_ref::<fieldref_core::Error>() else {
        return format!("{error:#}");
    };
    match core {
        fieldref_core::Error::InvalidContent(problems) => format!(
            "The content has {} problem(s); nothing was published. First: {}",
            problems.len(),
            problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        fieldref_core::Error::Sync(sync) => plain_sync_error(sync),
        other => format!("{other}"),
    }
}

fn plain_sync_error(error: &SyncError) -> String {
    match error {
        SyncError::Refused { status: 401, .. } | SyncError::Status { status: 401, .. } => {
            "The server did not accept your token (unknown, expired or revoked). Ask an admin for a trainer token.".to_owned()
        }
        SyncError::Refused { status: 403, .. } | SyncError::Status { status: 403, .. } => {
            "Your token may not publish to this channel. Ask an admin for a trainer token that covers it.".to_owned()
        }
        SyncError::Refused { status, reason, .. } if *status == 400 || *status == 422 => {
            format!("The server refused the release: {reason}")
        }
        SyncError::Refused { status, reason, .. } => {
            format!("The server refused the request (HTTP {status}): {reason}")
        }
        SyncError::Transport { url, error } => match error {
            TransportError::Timeout => format!("The server at {url} did not answer in time."),
            _ => format!("Could not reach the server at {url}: {error}. Is it running, and is the address right?"),
        },
        SyncError::InsecureUrl { url } => format!(
            "{url}: the server address must start with https:// (plain http:// only to this machine)."
        ),
        SyncError::Status { url, status } => format!("The server answered HTTP {status} for {url}."),
        other => format!("{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Pack {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        fieldref_core::content::SourceTree::read_dir(&dir)
            .expect("read")
            .compile()
            .expect("valid")
    }

    #[test]
    fn diff_names_documents_and_fields() {
        let before = bundled().documents;
        let mut after = before.clone();
        let removed = after.pop().expect("a document").id;
        after[0].title = "New title".to_owned();
        let mut added = after[1].clone();
        added.id = "note-new".to_owned();
        after.push(added);
        let changes = documents_diff(&before, &after);
        assert_eq!(changes.len(), 3, "{changes:?}");
        let changed = changes
            .iter()
            .find(|c| c.what == Change::Changed)
            .expect("changed");
        assert_eq!(changed.id, before[0].id);
        assert_eq!(
            changed.fields,
            vec![(
                "title".to_owned(),
                Some(before[0].title.clone()),
                Some("New title".to_owned())
            )]
        );
        assert!(changes
            .iter()
            .any(|c| c.what == Change::Removed && c.id == removed));
        assert!(changes
            .iter()
            .any(|c| c.what == Change::Added && c.id == "note-new"));
    }

    #[test]
    fn a_refused_token_is_explained() {
        let error: anyhow::Error = fieldref_core::Error::Sync(SyncError::Refused {
            url: "http://127.0.0.1:1/v1/x/publish".into(),
            status: 401,
            code: "unauthorized".into(),
            reason: "no".into(),
        })
        .into();
        assert!(plain_error(&error).contains("did not accept your token"));
    }
}
