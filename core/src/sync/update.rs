//! Checking for and applying an update: the manifest (conditionally, so an unchanged one costs a
//! 304), the root chain, the release, then the smallest verified download (a delta from the
//! installed version, else the snapshot), installed in one transaction with what was verified.
//! Any refusal leaves the last good content in place.

use chrono::{DateTime, Utc};

use super::{
    get, meta, officers, roots, status_error, Device, SyncConfig, SyncError, SyncOutcome,
    Transport, UpdatePath, MAX_MANIFEST_BYTES,
};
use crate::content::{channel_for, Audience, Pack};
use crate::error::{Error, Result};
use crate::pack::seal::{self, ContentKey};
use crate::pack::{self, BlobRef, Envelope, Manifest, Release, Role};
use crate::store::ContentChange;

/// Where this sync reads from: the channel of the audience the device follows, with the
/// officers credential and content keys when that is the officers channel.
struct Feed {
    base: String,
    channel: String,
    audience: Audience,
    headers: Vec<(String, String)>,
    access: Option<officers::OfficersAccess>,
    /// Installed content is another audience's: versions are not comparable, take the snapshot.
    switching: bool,
}

impl Feed {
    /// The content keys, fetched once and only when an officers blob is downloaded.
    fn content_keys(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        cache: &mut Option<Vec<ContentKey>>,
    ) -> Result<Vec<ContentKey>> {
        if let Some(keys) = cache {
            return Ok(keys.clone());
        }
        let access = self
            .access
            .as_ref()
            .ok_or_else(|| officers::not_enrolled("this device is not enrolled"))?;
        let keys = access.content_keys(transport, config, &self.base, &self.channel)?;
        *cache = Some(keys.clone());
        Ok(keys)
    }
}

/// Checks for an update and applies it: the steps in the module comment, in order.
pub(super) fn content(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
    now: DateTime<Utc>,
) -> Result<SyncOutcome> {
    let (state, stored_manifest_version, cached_manifest, etag) = {
        let store = device.store()?;
        (
            store.content_state()?,
            store
                .meta(meta::MANIFEST_VERSION)?
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0),
            store.meta(meta::MANIFEST)?,
            store.meta(meta::ETAG)?,
        )
    };
    let state =
        state.ok_or_else(|| Error::InvalidInput("no content installed to update".to_owned()))?;
    let root = roots::trust_root(&*device.store()?)?.ok_or(SyncError::NoTrustRoot)?;
    let feed = feed(device, config, &state)?;
    let base = feed.base.clone();
    // What was remembered of another audience's channel says nothing about this one.
    let stored_manifest_version = if feed.switching {
        0
    } else {
        stored_manifest_version
    };

    // 1. The manifest, conditionally: an unchanged one costs one small 304.
    let url = format!("{base}/manifest.json");
    let mut headers = feed.headers.clone();
    if let (Some(tag), Some(_), false) = (&etag, &cached_manifest, feed.switching) {
        headers.push(("If-None-Match".to_owned(), tag.clone()));
    }
    let response = get(transport, config, &url, headers, MAX_MANIFEST_BYTES)?;
    if feed.access.is_some() && matches!(response.status, 401 | 403) {
        return Err(officers::not_enrolled(
            "the server refused this device's credential (its enrollment was revoked or is unknown)",
        ));
    }
    let (manifest_bytes, new_etag) = match response.status {
        304 => (
            cached_manifest.unwrap_or_default().into_bytes(),
            etag.clone(),
        ),
        200 => (
            response.body.clone(),
            response.header("etag").map(str::to_owned),
        ),
        status => return Err(status_error(&url, &response, status).into()),
    };
    let envelope: Envelope =
        serde_json::from_slice(&manifest_bytes).map_err(|e| SyncError::Malformed {
            what: "manifest".to_owned(),
            message: e.to_string(),
        })?;

    // 2. Walk the root chain if the manifest says the keys were rotated.
    let hinted = envelope
        .unverified::<Manifest>()
        .map(|m| m.root_version)
        .unwrap_or(root.version);
    let (root, rotated) = roots::walk(transport, config, &base, &feed.headers, root, hinted)?;

    // 3. Verify the manifest, then its release.
    let manifest: Manifest = envelope
        .verify(Role::Online, &root.online_keys, root.threshold)
        .map_err(|source| SyncError::Signature {
            what: "manifest".to_owned(),
            error: source,
        })?;
    if manifest.channel != feed.channel {
        return Err(SyncError::WrongChannel {
            expected: feed.channel,
            found: manifest.channel,
        }
        .into());
    }
    if manifest.version < stored_manifest_version {
        return Err(SyncError::Rollback {
            installed: stored_manifest_version,
            offered: manifest.version,
        }
        .into());
    }
    let expires =
        DateTime::parse_from_rfc3339(&manifest.expires).map_err(|e| SyncError::Malformed {
            what: "manifest expiry".to_owned(),
            message: e.to_string(),
        })?;
    if expires.with_timezone(&Utc) <= now {
        device.store()?.set_meta(meta::STALE, "1")?;
        return Ok(SyncOutcome::Stale {
            expired_at: manifest.expires,
        });
    }
    let release: Release = manifest
        .release
        .verify(Role::Release, &root.release_keys, root.threshold)
        .map_err(|source| SyncError::Signature {
            what: "release".to_owned(),
            error: source,
        })?;
    if release.channel != feed.channel {
        return Err(SyncError::WrongChannel {
            expected: feed.channel,
            found: release.channel,
        }
        .into());
    }
    if release.audience != feed.audience {
        return Err(SyncError::WrongAudience {
            expected: feed.audience.as_str(),
            found: release.audience.as_str(),
        }
        .into());
    }
    if release.version != manifest.version {
        return Err(SyncError::MixAndMatch(format!(
            "manifest version {} carries release {}",
            manifest.version, release.version
        ))
        .into());
    }
    if release.version < state.version && !feed.switching {
        return Err(SyncError::Rollback {
            installed: state.version,
            offered: release.version,
        }
        .into());
    }

    // What this sync verified, recorded in the same transaction as the content it applies
    // (or on its own when there is nothing to apply).
    let mut seen = vec![
        (meta::MANIFEST_VERSION, manifest.version.to_string()),
        (
            meta::MANIFEST,
            String::from_utf8_lossy(&manifest_bytes).into_owned(),
        ),
        (meta::ETAG, new_etag.clone().unwrap_or_default()),
        (meta::VERIFIED_AT, now.to_rfc3339()),
        (meta::STALE, "0".to_owned()),
    ];
    if rotated {
        seen.push((meta::ROOT, serde_json::to_string(&root)?));
    }
    let mut keys = None;
    let outcome = if release.version == state.version && !feed.switching {
        if release.state_sha256 != state.hash {
            return Err(SyncError::Mismatch {
                what: format!("content of version {}", state.version),
                expected: release.state_sha256,
                found: state.hash,
            }
            .into());
        }
        SyncOutcome::UpToDate {
            version: state.version,
        }
    } else {
        // 4. The smallest verified download, applied in one transaction.
        let delta = manifest
            .deltas
            .iter()
            .find(|d| d.from == state.version && state.version > 0 && !feed.switching);
        let applied = match delta {
            Some(d) => apply_delta(
                device,
                transport,
                config,
                (&feed, &mut keys),
                d,
                (&release, &seen),
                state.version,
            ),
            None => Err(Error::Sync(SyncError::NoDelta {
                from: state.version,
            })),
        };
        match applied {
            Ok(bytes) => SyncOutcome::Updated {
                from: state.version,
                to: release.version,
                path: UpdatePath::Delta,
                bytes,
            },
            // No delta, or one whose bytes or merged result do not match (a damaged base, a
            // bad mirror): fetch the full snapshot. Anything else is refused as is.
            Err(
                Error::Sync(SyncError::NoDelta { .. } | SyncError::Mismatch { .. })
                | Error::TooLarge { .. }
                | Error::InvalidInput(_),
            ) => {
                let bytes = apply_snapshot(
                    device,
                    transport,
                    config,
                    (&feed, &mut keys),
                    (&release, &seen),
                )?;
                SyncOutcome::Updated {
                    from: state.version,
                    to: release.version,
                    path: UpdatePath::Snapshot,
                    bytes,
                }
            }
            Err(other) => return Err(other),
        }
    };

    // 5. Only now, with everything verified, remember what was seen (an update recorded it
    // with its content, in one transaction).
    if !matches!(outcome, SyncOutcome::Updated { .. }) {
        let store = device.store()?;
        for (key, value) in &seen {
            store.set_meta(key, value)?;
        }
    }
    Ok(outcome)
}

/// The channel to read: the officers one when this device is enrolled (officers builds
/// only), else the installed content's own. An officers device that is not enrolled has no
/// channel it may read, and says so.
fn feed(
    device: &dyn Device,
    config: &SyncConfig,
    state: &crate::store::ContentState,
) -> Result<Feed> {
    let access = match crate::BUILD_AUDIENCE {
        Audience::Officers => officers::access(&*device.store()?)?,
        Audience::Public => None,
    };
    let audience = if access.is_some() {
        Audience::Officers
    } else {
        state.audience
    };
    if audience == Audience::Officers && access.is_none() {
        return Err(officers::not_enrolled(
            "this device is not enrolled; ask your admin for an enrollment code (`fieldref enroll`)",
        ));
    }
    let channel = channel_for(&state.channel, audience);
    Ok(Feed {
        base: format!("{}/v1/{channel}", config.server.trim_end_matches('/')),
        channel,
        audience,
        headers: access.as_ref().map(|a| a.headers()).unwrap_or_default(),
        access,
        switching: audience != state.audience,
    })
}

fn apply_delta(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
    (feed, keys): (&Feed, &mut Option<Vec<ContentKey>>),
    delta_ref: &pack::DeltaRef,
    (release, seen): (&Release, &[(&str, String)]),
    installed: u64,
) -> Result<u64> {
    let blob = BlobRef {
        sha256: delta_ref.sha256.clone(),
        size: delta_ref.size,
    };
    let bytes = fetch_blob(transport, config, (feed, keys), &blob, "delta")?;
    let delta = pack::decode_delta_signed(&bytes, delta_ref.decoded_size)?;
    if delta.from != installed || delta.to != release.version || delta.channel != release.channel {
        return Err(SyncError::MixAndMatch(format!(
            "delta {}→{} of `{}` offered for {}→{} of `{}`",
            delta.from, delta.to, delta.channel, installed, release.version, release.channel
        ))
        .into());
    }
    // A delta without settings keeps the device's: read them only then.
    let installed_info = match delta.info {
        Some(_) => None,
        None => device.store()?.pack_info()?,
    };
    let info = match (&delta.info, &installed_info) {
        (Some(info), _) | (None, Some(info)) => info,
        // Nothing to keep: the snapshot carries the settings.
        (None, None) => {
            return Err(SyncError::Mismatch {
                what: "delta settings".to_owned(),
                expected: "settings in the delta or on the device".to_owned(),
                found: "neither".to_owned(),
            }
            .into())
        }
    };
    check_content("delta", info, &delta.upserts, Scope::Changed)?;
    let change = ContentChange::Delta {
        info,
        upserts: &delta.upserts,
        deletes: &delta.deletes,
    };
    install_checked(device, change, release, seen)?;
    Ok(bytes.len() as u64)
}

fn apply_snapshot(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
    (feed, keys): (&Feed, &mut Option<Vec<ContentKey>>),
    (release, seen): (&Release, &[(&str, String)]),
) -> Result<u64> {
    let bytes = fetch_blob(
        transport,
        config,
        (feed, keys),
        &release.snapshot,
        "snapshot",
    )?;
    let installed = device.install_snapshot_recording(
        &bytes,
        release.decoded_size,
        (release.version, &release.state_sha256),
        seen,
        &|pack| {
            if pack.info.audience_channel() != release.channel {
                return Err(SyncError::WrongChannel {
                    expected: release.channel.clone(),
                    found: pack.info.audience_channel(),
                }
                .into());
            }
            check_snapshot(pack)
        },
    );
    match installed {
        Err(Error::HashMismatch { expected, found }) => Err(SyncError::Mismatch {
            what: format!("content hash of version {}", release.version),
            expected,
            found,
        }
        .into()),
        other => other.map(|_| bytes.len() as u64),
    }
}

fn install_checked(
    device: &dyn Device,
    change: ContentChange<'_>,
    release: &Release,
    seen: &[(&str, String)],
) -> Result<()> {
    let version = release.version;
    match device.install_recording(change, version, Some(&release.state_sha256), seen) {
        Err(Error::HashMismatch { expected, found }) => Err(SyncError::Mismatch {
            what: format!("content hash of version {}", release.version),
            expected,
            found,
        }
        .into()),
        other => other.map(|_| ()),
    }
}

/// The content validator's rules, across documents too, over a whole release snapshot.
pub(crate) fn check_snapshot(pack: &Pack) -> Result<()> {
    check_content("snapshot", &pack.info, &pack.documents, Scope::Whole)
}

/// How much of the pack an update carries.
#[derive(Clone, Copy)]
enum Scope {
    /// Every document: rules across documents apply.
    Whole,
    /// Only what a delta changed: each document's own rules. Links between documents were
    /// checked on the whole release when it was published.
    Changed,
}

/// Runs the content validator on what an update would install: signed content that breaks the
/// rules (a trainer's key used outside `fieldref publish`) is refused before it is applied.
fn check_content(
    what: &str,
    info: &crate::content::PackInfo,
    documents: &[crate::content::Document],
    scope: Scope,
) -> Result<()> {
    crate::content::zones::require_built(&info.timezone)?;
    let problems = match scope {
        Scope::Whole => crate::content::check_documents(info, documents),
        Scope::Changed => crate::content::check_changed_documents(info, documents),
    };
    // Warnings (a review overdue, a translation behind) never stop an update.
    let problems: Vec<_> = problems
        .into_iter()
        .filter(crate::content::Problem::is_error)
        .collect();
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(SyncError::InvalidContent {
            what: what.to_owned(),
            count: problems.len(),
            first: first.to_string(),
        }
        .into()),
    }
}

/// Downloads a content-addressed blob, refusing more bytes than declared and any hash mismatch.
/// An officers blob is unsealed first; the plaintext is then held to the same signed hash.
fn fetch_blob(
    transport: &dyn Transport,
    config: &SyncConfig,
    (feed, keys): (&Feed, &mut Option<Vec<ContentKey>>),
    blob: &BlobRef,
    what: &str,
) -> Result<Vec<u8>> {
    let url = format!("{}/blobs/{}", feed.base, blob.sha256);
    let sealed = feed.audience == Audience::Officers;
    let max = blob.size + if sealed { seal::SEAL_OVERHEAD } else { 0 };
    let response = get(transport, config, &url, feed.headers.clone(), max)?;
    if response.status != 200 {
        return Err(status_error(&url, &response, response.status).into());
    }
    let body = if sealed {
        let keys = feed.content_keys(transport, config, keys)?;
        seal::unseal(&keys, &feed.channel, &blob.sha256, &response.body).map_err(|source| {
            match source {
                seal::SealError::UnknownKey(_) => officers::not_enrolled(&format!(
                    "{source}: its enrollment was probably revoked"
                )),
                source => SyncError::Sealed {
                    what: format!("{what} {url}"),
                    error: source,
                }
                .into(),
            }
        })?
    } else {
        response.body
    };
    let found = pack::sha256_hex(&body);
    if body.len() as u64 != blob.size || found != blob.sha256 {
        return Err(SyncError::Mismatch {
            what: format!("{what} {url}"),
            expected: format!("{} ({} bytes)", blob.sha256, blob.size),
            found: format!("{found} ({} bytes)", body.len()),
        }
        .into());
    }
    Ok(body)
}
