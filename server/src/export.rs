//! Static export: the manifest, every blob and the root chain written as files under the same
//! paths the server serves, so any static host, object store or CDN can serve devices. Channel
//! names become folder names, so one that is not a plain id (`../x`) is refused, never joined.

use std::path::Path;

use anyhow::Context as _;

use crate::{db, officers, AppState};

/// Why an export stopped (nothing is written for a refused channel).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("channel `{0}` is not a plain name (lowercase letters, digits, dashes): not exported")]
    BadChannel(String),
}

/// Writes `v1/<channel>/{manifest.json, blobs/<sha>, root/<n>.json}` for every channel under `to`.
/// An officers channel gets its blobs sealed and one `keys/<device>.json` per enrolled device
/// (useless to anyone else), so a CDN serves it without checking anything; keys of devices
/// revoked since the last export are removed.
pub fn export(state: &AppState, to: &Path) -> anyhow::Result<Vec<String>> {
    let channels = state.read(db::channels)?;
    if let Some(bad) = channels.iter().find(|c| !db::valid_channel(c)) {
        return Err(ExportError::BadChannel(bad.clone()).into());
    }
    for channel in &channels {
        let dir = to.join("v1").join(channel);
        std::fs::create_dir_all(dir.join("blobs"))?;
        std::fs::create_dir_all(dir.join("root"))?;
        let manifest = state.manifest(channel)?.context("channel vanished")?;
        let blobs: Vec<String> = state.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT snapshot FROM releases WHERE channel = ?1 UNION SELECT sha256 FROM deltas WHERE channel = ?1",
            )?;
            let rows = stmt.query_map([channel], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        let sealed = officers::is_officers(channel);
        for sha in blobs {
            let path = dir.join("blobs").join(&sha);
            if path.exists() {
                continue; // content-addressed: an existing file is already right
            }
            let bytes = state
                .read(|conn| {
                    if sealed {
                        officers::sealed_blob(conn, channel, &sha)
                    } else {
                        db::blob(conn, &sha)
                    }
                })?
                .with_context(|| format!("blob {sha} missing"))?;
            write_atomically(&path, &bytes)?;
        }
        if sealed {
            export_keys(state, channel, &dir.join("keys"))?;
        }
        for (i, root) in state.roots.iter().enumerate() {
            write_atomically(
                &dir.join("root").join(format!("{}.json", i + 1)),
                &serde_json::to_vec(root)?,
            )?;
        }
        // The manifest last: a host never points at blobs it does not have yet.
        write_atomically(&dir.join("manifest.json"), &manifest.bytes)?;
    }
    Ok(channels)
}

fn export_keys(state: &AppState, channel: &str, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let devices = state.read(|conn| officers::active_devices(conn, channel))?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let device = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if !devices.iter().any(|d| d == device) {
            std::fs::remove_file(&path).with_context(|| path.display().to_string())?;
        }
    }
    for device in devices {
        let keys = state.read(|conn| officers::device_keys(conn, &device, channel))?;
        write_atomically(
            &dir.join(format!("{device}.json")),
            &serde_json::to_vec(&keys)?,
        )?;
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| tmp.display().to_string())?;
    std::fs::rename(&tmp, path).with_context(|| path.display().to_string())?;
    Ok(())
}
