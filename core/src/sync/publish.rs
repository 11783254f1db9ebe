//! The trainer's side of publishing: compare with what the server has, sign a release for the
//! next version with the release key, upload it; if another trainer published first (409), sign
//! again on top of theirs. Shared by `fieldref publish` and the tests.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Serialize;

use super::{HttpRequest, SyncError, Transport};
use crate::content::{Audience, DocKind, Pack};
use crate::error::{Error, Result};
use crate::pack::{self, BlobRef, Delta, Envelope, Manifest, Release, Role, SecretKey};
use crate::store::state_hash;

/// How many times a publish re-signs after losing a race to another publish.
const MAX_ATTEMPTS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindChanges {
    pub kind: String,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishOutcome {
    /// The channel published to (the officers one for the officers release).
    pub channel: String,
    pub audience: Audience,
    /// The version published, or that would be published (dry run).
    pub version: u64,
    pub previous: u64,
    pub changes: Vec<KindChanges>,
    pub dry_run: bool,
    pub snapshot_bytes: u64,
}

pub struct PublishOptions<'a> {
    pub server: &'a str,
    pub token: &'a str,
    pub key: &'a SecretKey,
    pub dry_run: bool,
    pub timeout_ms: u64,
}

/// Publishes one content folder's pack to both audiences: the public release (officers-only
/// documents and locations left out) to the pack's channel, the officers release to
/// `CHANNEL-officers`. The public one goes first, so a failure never leaves officers ahead.
pub fn publish_audiences(
    transport: &dyn Transport,
    sources: &Pack,
    options: &PublishOptions<'_>,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<PublishOutcome>> {
    [Audience::Public, Audience::Officers]
        .into_iter()
        .map(|audience| {
            let pack = sources.for_audience(audience);
            publish(transport, &pack, options, &mut |step| {
                progress(&format!("{}: {step}", audience.as_str()))
            })
        })
        .collect()
}

/// Publishes `pack` as the next version of the channel of its audience. `progress` hears each
/// step.
pub fn publish(
    transport: &dyn Transport,
    pack: &Pack,
    options: &PublishOptions<'_>,
    progress: &mut dyn FnMut(&str),
) -> Result<PublishOutcome> {
    super::check_server_url(options.server)?;
    let channel = &pack.info.audience_channel();
    let base = format!("{}/v1/{channel}", options.server.trim_end_matches('/'));
    let problems: Vec<_> = crate::content::check_documents(&pack.info, &pack.documents)
        .into_iter()
        .filter(crate::content::Problem::is_error)
        .collect();
    if !problems.is_empty() {
        return Err(Error::InvalidContent(problems));
    }
    progress("compressing snapshot");
    let (snapshot, decoded_size) = pack::encode_sized(pack)?;
    let state_sha256 = state_hash(pack)?;
    for _attempt in 0..MAX_ATTEMPTS {
        progress("reading the server's latest version");
        let (previous, current) =
            current_release(transport, &base, options.token, options.timeout_ms)?;
        let changes = summarize(current.as_ref(), pack, previous);
        let outcome = PublishOutcome {
            channel: channel.clone(),
            audience: pack.info.audience,
            version: previous + 1,
            previous,
            changes,
            dry_run: options.dry_run,
            snapshot_bytes: snapshot.len() as u64,
        };
        if options.dry_run {
            return Ok(outcome);
        }
        progress("signing and uploading");
        let release = Release {
            channel: channel.clone(),
            version: previous + 1,
            previous,
            created: chrono::Utc::now().to_rfc3339(),
            state_sha256: state_sha256.clone(),
            snapshot: BlobRef::of(&snapshot),
            decoded_size,
            audience: pack.info.audience,
        };
        let envelope = Envelope::sign(Role::Release, &release, &[options.key])?;
        let body = serde_json::to_vec(
            &serde_json::json!({ "release": envelope, "snapshot": B64.encode(&snapshot) }),
        )?;
        let url = format!("{base}/publish");
        let response = transport
            .send(&HttpRequest {
                method: "POST".to_owned(),
                url: url.clone(),
                headers: vec![
                    (
                        "Authorization".to_owned(),
                        format!("Bearer {}", options.token),
                    ),
                    ("Content-Type".to_owned(), "application/json".to_owned()),
                ],
                body,
                max_response_bytes: 1024 * 1024,
                timeout_ms: options.timeout_ms,
            })
            .map_err(|source| SyncError::Transport {
                url: url.clone(),
                error: source,
            })?;
        match response.status {
            200..=299 => return Ok(outcome),
            409 => continue, // another publish landed first: re-sign on top of it
            _ => return Err(super::refusal(&url, &response).into()),
        }
    }
    Err(Error::InvalidInput(format!(
        "publish kept losing to concurrent publishes ({MAX_ATTEMPTS} attempts)"
    )))
}

/// The latest version of `channel` on `server` and its content, read with a trainer's token, for
/// a trainer's tools to show what a publish would change (the console's diff). Unverified: only
/// for showing. `(0, None)` when the channel has no release yet. Does network I/O.
pub fn server_release(
    transport: &dyn Transport,
    server: &str,
    channel: &str,
    token: &str,
    timeout_ms: u64,
) -> Result<(u64, Option<Pack>)> {
    super::check_server_url(server)?;
    let base = format!("{}/v1/{channel}", server.trim_end_matches('/'));
    current_release(transport, &base, token, timeout_ms)
}

/// The server's latest version and its content (unverified: only shown to the trainer and used
/// as the base the server itself checks).
fn current_release(
    transport: &dyn Transport,
    base: &str,
    token: &str,
    timeout_ms: u64,
) -> Result<(u64, Option<Pack>)> {
    // The token lets a trainer read an officers channel, which devices read only enrolled.
    let get = |url: String, max: u64| -> Result<super::HttpResponse> {
        transport
            .send(&HttpRequest {
                method: "GET".to_owned(),
                url: url.clone(),
                headers: vec![("Authorization".to_owned(), format!("Bearer {token}"))],
                body: Vec::new(),
                max_response_bytes: max,
                timeout_ms,
            })
            .map_err(|source| SyncError::Transport { url, error: source }.into())
    };
    let response = get(format!("{base}/manifest.json"), 1024 * 1024)?;
    if response.status == 404 {
        return Ok((0, None));
    }
    if response.status != 200 {
        return Err(SyncError::Status {
            url: format!("{base}/manifest.json"),
            status: response.status,
        }
        .into());
    }
    let malformed = |message: &str| SyncError::Malformed {
        what: "manifest".to_owned(),
        message: message.to_owned(),
    };
    let envelope: Envelope =
        serde_json::from_slice(&response.body).map_err(|e| malformed(&e.to_string()))?;
    let manifest: Manifest = envelope
        .unverified()
        .ok_or_else(|| malformed("unreadable payload"))?;
    let release: Release = manifest
        .release
        .unverified()
        .ok_or_else(|| malformed("unreadable release"))?;
    let blob = get(
        format!("{base}/blobs/{}", release.snapshot.sha256),
        release.snapshot.size,
    )?;
    let current = if blob.status == 200 {
        // Unverified, so only shown; still bounded by the size the release claims.
        pack::decode_signed(&blob.body, release.decoded_size).ok()
    } else {
        None
    };
    Ok((manifest.version, current))
}

fn summarize(current: Option<&Pack>, next: &Pack, previous: u64) -> Vec<KindChanges> {
    let empty = Pack {
        info: next.info.clone(),
        documents: Vec::new(),
    };
    let old = current.unwrap_or(&empty);
    let delta = Delta::between(old, next, previous, previous + 1);
    DocKind::ALL
        .iter()
        .map(|kind| {
            let of_kind = |id: &str, pack: &Pack| {
                pack.documents
                    .iter()
                    .any(|d| d.id == id && d.kind() == *kind)
            };
            KindChanges {
                kind: kind.as_str().to_owned(),
                added: delta
                    .upserts
                    .iter()
                    .filter(|d| d.kind() == *kind && !of_kind(&d.id, old))
                    .count(),
                changed: delta
                    .upserts
                    .iter()
                    .filter(|d| d.kind() == *kind && of_kind(&d.id, old))
                    .count(),
                removed: delta.deletes.iter().filter(|id| of_kind(id, old)).count(),
            }
        })
        .collect()
}
