//! The data directory: trust root chain, online key (written 0600), database. A server holding a
//! release key could sign content on its own, so it refuses to start with one in its directory.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fieldref_core::pack::{Envelope, Role, Root, SecretKey};
use rusqlite::Connection;

use crate::{AppState, Config};

pub(crate) const ONLINE_KEY_FILE: &str = "online.key";
pub(crate) const ROOTS_DIR: &str = "roots";
pub(crate) const DB_FILE: &str = "server.sqlite3";

/// Why a data directory cannot be set up or served (the CLI prints it; tests branch on it).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "{0} is a release key: the server must not hold the trainers' signing key; move it out \
         of the data directory"
    )]
    ReleaseKeyInDataDir(PathBuf),
    #[error("{path} is not one of the root's online keys")]
    NotAnOnlineKey { path: PathBuf },
}

/// Sets up a data directory: the trust root (from `fieldref keygen`) and the online key.
pub fn init(data_dir: &Path, root: &Path, online_key: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir.join(ROOTS_DIR))?;
    let root_text =
        std::fs::read_to_string(root).with_context(|| format!("reading {}", root.display()))?;
    let envelope: Envelope = serde_json::from_str(&root_text)
        .with_context(|| format!("{} is not a root", root.display()))?;
    let parsed = Root::from_shipped(&envelope).with_context(|| format!("{}", root.display()))?;
    let key_text = std::fs::read_to_string(online_key)
        .with_context(|| format!("reading {}", online_key.display()))?;
    let key = SecretKey::from_file(&key_text, Role::Online)
        .map_err(|e| anyhow::anyhow!("{}: {e}", online_key.display()))?;
    if !parsed.online_keys.contains(&key.public()) {
        return Err(SetupError::NotAnOnlineKey {
            path: online_key.to_owned(),
        }
        .into());
    }
    std::fs::write(
        data_dir
            .join(ROOTS_DIR)
            .join(format!("{}.json", parsed.version)),
        root_text,
    )?;
    write_private(&data_dir.join(ONLINE_KEY_FILE), key_text.as_bytes())?;
    crate::db::open(&data_dir.join(DB_FILE))?;
    refuse_release_keys(data_dir)?;
    Ok(())
}

/// Writes a secret readable by its owner only (0600), also when the file already existed.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// Adds a root rotation (signed by the current and the new root keys) to the chain devices walk.
pub fn add_root(data_dir: &Path, next: &Path) -> anyhow::Result<Root> {
    let mut config = Config::new(data_dir);
    config.manifest_ttl = chrono::Duration::hours(1);
    let state = AppState::open(&config)?;
    let text = std::fs::read_to_string(next)?;
    let envelope: Envelope = serde_json::from_str(&text)?;
    let rotated = state.root.rotate(&envelope)?;
    std::fs::write(
        data_dir
            .join(ROOTS_DIR)
            .join(format!("{}.json", rotated.version)),
        text,
    )?;
    Ok(rotated)
}

/// Opens the server's database (for token management from the command line).
pub fn open_db(data_dir: &Path) -> anyhow::Result<Connection> {
    Ok(crate::db::open(&data_dir.join(DB_FILE))?)
}

/// Fails if any file in the data directory (or one level below it) is a release key.
pub(crate) fn refuse_release_keys(dir: &Path) -> Result<(), SetupError> {
    let mut folders = vec![(dir.to_owned(), 0)];
    while let Some((folder, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() && depth < 1 {
                folders.push((path, depth + 1));
            } else if meta.is_file() && meta.len() < 4096 {
                let is_release_key = std::fs::read_to_string(&path)
                    .is_ok_and(|text| SecretKey::from_file(&text, Role::Release).is_ok());
                if is_release_key {
                    return Err(SetupError::ReleaseKeyInDataDir(path));
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn read_online_key(dir: &Path) -> anyhow::Result<SecretKey> {
    let key_path = dir.join(ONLINE_KEY_FILE);
    let key_text = std::fs::read_to_string(&key_path).with_context(|| {
        format!(
            "{} missing: set the data dir up with `fieldref-server init --data-dir {} --root ROOT.json --online-key ONLINE.key`",
            key_path.display(),
            dir.display()
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_path)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(path = %key_path.display(), mode = format!("{mode:o}"), "online key readable by others: tightening to 0600");
            std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    SecretKey::from_file(&key_text, Role::Online)
        .map_err(|e| anyhow::anyhow!("{}: {e}", key_path.display()))
}

/// The root chain in the data directory, verified link by link; `roots[0]` is version 1.
pub(crate) fn read_roots(dir: &Path) -> anyhow::Result<(Vec<Envelope>, Root)> {
    let mut roots = Vec::new();
    let mut root: Option<Root> = None;
    for version in 1.. {
        let path = dir.join(ROOTS_DIR).join(format!("{version}.json"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            break;
        };
        let envelope: Envelope =
            serde_json::from_str(&text).with_context(|| path.display().to_string())?;
        root = Some(match &root {
            None => Root::from_shipped(&envelope)?,
            Some(current) => current.rotate(&envelope)?,
        });
        roots.push(envelope);
    }
    let root = root.context("no trust root in the data dir (roots/1.json)")?;
    Ok((roots, root))
}
