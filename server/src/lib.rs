//! FieldRef's server: devices read signed manifests and content-addressed blobs; trainers publish
//! signed releases; field feedback comes in. The same tree can be exported as static files for any
//! web server or CDN ([`export`]), which is how distribution scales past one machine.

pub mod db;
mod error;
mod export;
mod feedback;
pub mod officers;
mod pool;
mod publish;
mod routes;
mod setup;
mod tls;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use fieldref_core::pack::{Envelope, Manifest, Role, SecretKey};
use rusqlite::Connection;

pub use error::ApiError;
pub use export::{export, ExportError};
pub use feedback::FeedbackPolicy;
pub use publish::{PublishRequest, PublishResponse};
pub use routes::router;
/// The SQLite binding the server's database functions take connections of.
pub use rusqlite;
pub use setup::{add_root, init, open_db, SetupError};
pub use tls::{serve, serve_tls, tls_config, TlsError};

/// How long a signed manifest is valid unless configured otherwise.
pub const DEFAULT_MANIFEST_TTL_HOURS: i64 = 24 * 7;

pub struct Config {
    pub data_dir: PathBuf,
    pub manifest_ttl: chrono::Duration,
    pub feedback: FeedbackPolicy,
}

impl Config {
    /// The defaults: manifests valid for a week, the default feedback policy.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            manifest_ttl: chrono::Duration::hours(DEFAULT_MANIFEST_TTL_HOURS),
            feedback: FeedbackPolicy::default(),
        }
    }
}

/// Shared by every request.
pub struct AppState {
    pub(crate) db: pool::Db,
    pub(crate) online_key: SecretKey,
    /// The root chain, `roots[0]` is version 1.
    pub(crate) roots: Vec<Envelope>,
    pub(crate) root: fieldref_core::pack::Root,
    pub(crate) manifest_ttl: chrono::Duration,
    pub(crate) feedback: FeedbackPolicy,
    /// One publish at a time (the database also refuses stale bases).
    pub(crate) publishing: tokio::sync::Mutex<()>,
    pub(crate) manifests: Mutex<HashMap<String, CachedManifest>>,
    /// Document ids of each channel's latest release (feedback must name one).
    pub(crate) doc_ids: Mutex<HashMap<String, DocIds>>,
    pub(crate) limiter: feedback::RateLimiter,
}

/// A channel's release version and the document ids in it.
pub(crate) type DocIds = (u64, Arc<HashSet<String>>);

#[derive(Clone)]
pub(crate) struct CachedManifest {
    pub version: u64,
    pub bytes: Arc<Vec<u8>>,
    pub etag: String,
    pub refresh_after: chrono::DateTime<chrono::Utc>,
}

impl AppState {
    /// Opens a data directory set up by [`init`]. Refuses to start with a release key anywhere
    /// in it (a server holding the trainers' key could sign content itself).
    pub fn open(config: &Config) -> anyhow::Result<AppState> {
        let dir = &config.data_dir;
        setup::refuse_release_keys(dir)?;
        let online_key = setup::read_online_key(dir)?;
        let (roots, root) = setup::read_roots(dir)?;
        let db = pool::Db::open(&dir.join(setup::DB_FILE))?;
        let state = AppState {
            db,
            online_key,
            roots,
            root,
            manifest_ttl: config.manifest_ttl,
            feedback: config.feedback.clone(),
            publishing: tokio::sync::Mutex::new(()),
            manifests: Mutex::new(HashMap::new()),
            doc_ids: Mutex::new(HashMap::new()),
            limiter: feedback::RateLimiter::default(),
        };
        let purged = feedback::purge_expired(&state)?;
        if purged > 0 {
            tracing::info!(purged, "feedback past its retention deleted");
        }
        Ok(state)
    }

    pub fn manifest_ttl(&self) -> chrono::Duration {
        self.manifest_ttl
    }

    /// Runs `f` on a pooled read connection (WAL: readers never wait for a publish).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.db.read(f)
    }

    /// Runs `f` on the one write connection.
    pub(crate) fn write<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        self.db.write(f)
    }

    /// Runs blocking work (SQLite, signing, compression) on tokio's blocking pool, never on the
    /// async threads that serve other requests.
    pub(crate) async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || f(&state))
            .await
            .map_err(|e| ApiError::Internal(format!("worker: {e}")))?
    }

    /// The current signed manifest of `channel`, re-signed when the release changed or half of
    /// its validity has passed (so devices never see one close to expiry).
    pub(crate) fn manifest(&self, channel: &str) -> Result<Option<CachedManifest>, ApiError> {
        let now = chrono::Utc::now();
        let found = self.read(|conn| {
            let Some(latest) = db::latest(conn, channel)? else {
                return Ok(None);
            };
            let deltas = db::deltas_to(conn, channel, latest.version)?;
            Ok(Some((latest, deltas)))
        })?;
        let Some((latest, deltas)) = found else {
            return Ok(None);
        };
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
