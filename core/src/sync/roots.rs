//! The trust root: the one this device keeps in its store, and walking the chain a manifest
//! hints at: one signed step (N+1, signed by N's and N+1's keys) per request, at most
//! [`MAX_ROTATIONS`] steps, stopping at the first root the server cannot produce. The hint
//! itself is unverified, so it bounds nothing on its own.

use super::{get, meta, status_error, SyncConfig, SyncError, Transport, MAX_ROOT_BYTES};
use crate::error::Result;
use crate::pack::{Envelope, Root, MAX_ROTATIONS};
use crate::store::Store;

/// The trust root this device verifies updates with ([`crate::FieldRef::trust_root`]).
pub(crate) fn trust_root(store: &Store) -> Result<Option<Root>> {
    match store.meta(meta::ROOT)? {
        Some(json) => Ok(Some(serde_json::from_str(&json)?)),
        None => Ok(None),
    }
}

/// Installs a shipped (self-signed) root when the device has none; otherwise only a valid
/// rotation of the current one is accepted ([`crate::FieldRef::install_trust_root`]).
pub(crate) fn install_trust_root(store: &Store, envelope: &Envelope) -> Result<Root> {
    let root = match trust_root(store)? {
        None => Root::from_shipped(envelope),
        Some(current) => current.rotate(envelope),
    }
    .map_err(|source| SyncError::Signature {
        what: "trust root".to_owned(),
        error: source,
    })?;
    store.set_meta(meta::ROOT, &serde_json::to_string(&root)?)?;
    Ok(root)
}

/// Returns the newest root reached and whether it differs from `root`.
pub(super) fn walk(
    transport: &dyn Transport,
    config: &SyncConfig,
    base: &str,
    headers: &[(String, String)],
    mut root: Root,
    hinted: u64,
) -> Result<(Root, bool)> {
    // The hint is unverified: walk one signed step at a time, at most MAX_ROTATIONS steps,
    // and stop at the first root the server cannot produce.
    let mut rotated = false;
    let mut steps = 0usize;
    let start = root.version;
    while root.version < hinted {
        if steps == MAX_ROTATIONS {
            return Err(SyncError::TooManyRotations {
                from: start,
                hinted,
            }
            .into());
        }
        steps += 1;
        let next_version = root.version.checked_add(1).ok_or(SyncError::Malformed {
            what: "root version".to_owned(),
            message: "at its maximum".to_owned(),
        })?;
        let url = format!("{base}/root/{next_version}.json");
        let response = get(transport, config, &url, headers.to_vec(), MAX_ROOT_BYTES)?;
        if response.status != 200 {
            return Err(status_error(&url, &response, response.status).into());
        }
        let next: Envelope =
            serde_json::from_slice(&response.body).map_err(|e| SyncError::Malformed {
                what: format!("root {next_version}"),
                message: e.to_string(),
            })?;
        root = root.rotate(&next).map_err(|source| SyncError::Signature {
            what: format!("root {next_version}"),
            error: source,
        })?;
        rotated = true;
    }

    Ok((root, rotated))
}
