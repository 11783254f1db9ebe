//! FieldRef's server: devices read signed manifests and content-addressed blobs; trainers publish
//! signed releases; field feedback comes in. The same tree can be exported as static files for any
//! web server or CDN ([`export`]), which is how distribution scales past one machine.

pub mod db;
mod error;
mod export;
mod publish;
mod routes;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context as _};
use fieldref_core::pack::{Envelope, Manifest, Role, Root, SecretKey};
use rusqlite::Connection;

pub use error::ApiError;
pub use export::export;
pub use publish::{PublishRequest, PublishResponse};
pub use routes::router;

/// How long a signed manifest is valid unless configured otherwise.
pub const DEFAULT_MANIFEST_TTL_HOURS: i64 = 24 * 7;

pub struct Config {
    pub data_dir: PathBuf,
    pub manifest_ttl: chrono::Duration,
}

/// Shared by every request.
pub struct AppState {
    pub(crate) db: Mutex<Connection>,
    pub(crate) online_key: SecretKey,
    /// The root chain, `roots[0]` is version 1.
    pub(crate) roots: Vec<Envelope>,
    pub(crate) root: Root,
    pub(crate) manifest_ttl: chrono::Duration,
    /// One publish at a time (the database also refuses stale bases).
    pub(crate) publishing: tokio::sync::Mutex<()>,
    pub(crate) manifests: Mutex<HashMap<String, CachedManifest>>,
}

#[derive(Clone)]
pub(crate) struct CachedManifest {
    pub version: u64,
    pub bytes: Arc<Vec<u8>>,
    pub etag: String,
    pub refresh_after: chrono::DateTime<chrono::Utc>,
}

const ONLINE_KEY_FILE: &str = "online.key";
const ROOTS_DIR: &str = "roots";
const DB_FILE: &str = "server.sqlite3";

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
        bail!(
            "{} is not one of the root's online keys",
            online_key.display()
        );
    }
    std::fs::write(
        data_dir
            .join(ROOTS_DIR)
            .join(format!("{}.json", parsed.version)),
        root_text,
    )?;
    std::fs::write(data_dir.join(ONLINE_KEY_FILE), key_text)?;
    db::open(&data_dir.join(DB_FILE))?;
    Ok(())
}

/// Adds a root rotation (signed by the current and the new root keys) to the chain devices walk.
pub fn add_root(data_dir: &Path, next: &Path) -> anyhow::Result<Root> {
    let state = AppState::open(&Config {
        data_dir: data_dir.to_owned(),
        manifest_ttl: chrono::Duration::hours(1),
    })?;
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
    Ok(db::open(&data_dir.join(DB_FILE))?)
}

impl AppState {
    pub fn open(config: &Config) -> anyhow::Result<AppState> {
        let dir = &config.data_dir;
        let key_path = dir.join(ONLINE_KEY_FILE);
        let key_text = std::fs::read_to_string(&key_path).with_context(|| {
            format!(
                "{} missing: set the data dir up with `fieldref-server init --data-dir {} --root ROOT.json --online-key ONLINE.key`",
                key_path.display(),
                dir.display()
            )
        })?;
        let online_key = SecretKey::from_file(&key_text, Role::Online)
            .map_err(|e| anyhow::anyhow!("{}: {e}", key_path.display()))?;
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
        let conn = db::open(&dir.join(DB_FILE))?;
        Ok(AppState {
            db: Mutex::new(conn),
            online_key,
            roots,
            root,
            manifest_ttl: config.manifest_ttl,
            publishing: tokio::sync::Mutex::new(()),
            manifests: Mutex::new(HashMap::new()),
        })
    }

    pub fn manifest_ttl(&self) -> chrono::Duration {
        self.manifest_ttl
    }

    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current signed manifest of `channel`, re-signed when the release changed or half of
    /// its validity has passed (so devices never see one close to expiry).
    pub(crate) fn manifest(&self, channel: &str) -> Result<Option<CachedManifest>, ApiError> {
        let now = chrono::Utc::now();
        let latest = {
            let conn = self.db();
            let Some(latest) = db::latest(&conn, channel)? else {
                return Ok(None);
            };
            let deltas = db::deltas_to(&conn, channel, latest.version)?;
            (latest, deltas)
        };
        let (latest, deltas) = latest;
        let mut cache = self.manifests.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cached) = cache.get(channel) {
            if cached.version == latest.version && now < cached.refresh_after {
                return Ok(Some(cached.clone()));
            }
        }
        let release: Envelope = serde_json::from_str(&latest.envelope)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let manifest = Manifest {
            channel: channel.to_owned(),
            version: latest.version,
            root_version: self.root.version,
            created: now.to_rfc3339(),
            expires: (now + self.manifest_ttl).to_rfc3339(),
            release,
            deltas,
        };
        let envelope = Envelope::sign(Role::Online, &manifest, &[&self.online_key])
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let bytes = serde_json::to_vec(&envelope).map_err(|e| ApiError::Internal(e.to_string()))?;
        let etag = format!("\"{}\"", &fieldref_core::pack::sha256_hex(&bytes)[..32]);
        let cached = CachedManifest {
            version: latest.version,
            bytes: Arc::new(bytes),
            etag,
            refresh_after: now + self.manifest_ttl / 2,
        };
        cache.insert(channel.to_owned(), cached.clone());
        Ok(Some(cached))
    }
}
