//! Test harness for whole flows: real keys, the real server on a loopback port, a real static
//! file host for exported trees (with switchable misbehaviour: endless or dribbling bodies), and
//! devices opened on temporary data directories. Nothing here imitates our own code.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use fieldref_core::content::{Audience, Pack};
use fieldref_core::pack::{Envelope, Role, Root, SecretKey};
use fieldref_core::sync::publish::{publish, PublishOptions, PublishOutcome};
use fieldref_core::sync::{SyncConfig, UreqTransport};
use fieldref_core::{FieldRef, OpenOptions};
mod hostile;
mod probe;

pub use hostile::{pack_bomb, sign_release, zstd_bomb};
pub use probe::{call, enroll, peak_rss_bytes, Counting};

use fieldref_server::db::{NewToken, TokenRole};
use fieldref_server::{AppState, Config, FeedbackPolicy};

/// The channel of the bundled content.
pub const CHANNEL: &str = "port-alder";

/// Creates a token in the server's database (what `fieldref-server token create` does).
pub fn add_token(
    conn: &fieldref_server::rusqlite::Connection,
    name: &str,
    role: TokenRole,
    channels: &[&str],
) -> String {
    let channels: Vec<String> = channels.iter().map(|c| (*c).to_owned()).collect();
    fieldref_server::db::add_token(
        conn,
        &NewToken {
            name,
            role,
            channels: &channels,
            expires_at: None,
        },
    )
    .expect("token")
}

/// The three keys of a trust root and the signed root itself.
pub struct Keys {
    pub root_key: SecretKey,
    pub release_key: SecretKey,
    pub online_key: SecretKey,
    pub root: Envelope,
}

impl Keys {
    pub fn generate() -> Keys {
        let root_key = SecretKey::generate().expect("randomness");
        let release_key = SecretKey::generate().expect("randomness");
        let online_key = SecretKey::generate().expect("randomness");
        let root = Root::first(root_key.public(), release_key.public(), online_key.public());
        let root = Envelope::sign(Role::Root, &root, &[&root_key]).expect("sign root");
        Keys {
            root_key,
            release_key,
            online_key,
            root,
        }
    }
}

/// A tokio runtime on its own threads serving one router on 127.0.0.1.
pub struct Served {
    pub url: String,
    _runtime: tokio::runtime::Runtime,
}

fn serve(router: axum::Router) -> Served {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let address: SocketAddr = listener.local_addr().expect("address");
    runtime.spawn(async move {
        let _ = fieldref_server::serve(listener, router).await;
    });
    Served {
        url: format!("http://{address}"),
        _runtime: runtime,
    }
}

/// Serves `router` over HTTPS on 127.0.0.1 with the given PEM certificate and key.
pub fn serve_tls(router: axum::Router, cert_pem: &str, key_pem: &str) -> Served {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let config =
        fieldref_server::tls_config(cert_pem.as_bytes(), key_pem.as_bytes()).expect("tls config");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    runtime.spawn(async move {
        let _ = fieldref_server::serve_tls(listener, router, config).await;
    });
    Served {
        url: format!("https://{address}"),
        _runtime: runtime,
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate PEM, key PEM).
pub fn loopback_certificate() -> (String, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("certificate");
    (certified.cert.pem(), certified.signing_key.serialize_pem())
}

/// The real publishing server on a loopback port, with a trainer token.
pub struct Server {
    pub dir: tempfile::TempDir,
    pub keys: Keys,
    pub token: String,
    pub admin_token: String,
    pub state: Arc<AppState>,
    pub served: Served,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(Keys::generate(), chrono::Duration::days(7))
    }

    pub fn start_with(keys: Keys, manifest_ttl: chrono::Duration) -> Server {
        Server::start_configured(keys, manifest_ttl, FeedbackPolicy::default())
    }

    /// A server with its own feedback policy (rate limit, retention).
    pub fn start_configured(
        keys: Keys,
        manifest_ttl: chrono::Duration,
        feedback: FeedbackPolicy,
    ) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let root_path = dir.path().join("root.json");
        let key_path = dir.path().join("online.key");
        std::fs::write(&root_path, serde_json::to_string(&keys.root).expect("json"))
            .expect("write root");
        std::fs::write(&key_path, keys.online_key.to_file(Role::Online)).expect("write key");
        let data = dir.path().join("data");
        fieldref_server::init(&data, &root_path, &key_path).expect("init");
        let conn = fieldref_server::open_db(&data).expect("db");
        let token = add_token(&conn, "trainer", TokenRole::Trainer, &[CHANNEL]);
        let admin_token = add_token(&conn, "admin", TokenRole::Admin, &[]);
        drop(conn);
        let mut config = Config::new(data);
        config.manifest_ttl = manifest_ttl;
        config.feedback = feedback;
        let state = Arc::new(AppState::open(&config).expect("open server"));
        let served = serve(fieldref_server::router(Arc::clone(&state)));
        Server {
            dir,
            keys,
            token,
            admin_token,
            state,
            served,
        }
    }

    pub fn url(&self) -> &str {
        &self.served.url
    }

    /// Stops serving and starts again on the same data directory (e.g. after a key rotation).
    pub fn restart(self) -> Server {
        let Server {
            dir,
            keys,
            token,
            admin_token,
            state,
            served,
        } = self;
        drop(served);
        let manifest_ttl = state.manifest_ttl();
        drop(state);
        let mut config = Config::new(dir.path().join("data"));
        config.manifest_ttl = manifest_ttl;
        let state = Arc::new(AppState::open(&config).expect("reopen server"));
        let served = serve(fieldref_server::router(Arc::clone(&state)));
        Server {
            dir,
            keys,
            token,
            admin_token,
            state,
            served,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Publishes `pack` with the trainer token and the release key.
    pub fn publish(&self, pack: &Pack) -> PublishOutcome {
        self.publish_with(pack, &self.keys.release_key)
            .expect("publish")
    }

    pub fn publish_with(
        &self,
        pack: &Pack,
        key: &SecretKey,
    ) -> fieldref_core::Result<PublishOutcome> {
        let options = PublishOptions {
            server: self.url(),
            token: &self.token,
            key,
            dry_run: false,
            timeout_ms: 60_000,
        };
        publish(&UreqTransport, pack, &options, &mut |_| {})
    }

    /// Writes the static tree (`fieldref-server export`) into a new directory.
    pub fn export(&self) -> tempfile::TempDir {
        let out = tempfile::tempdir().expect("tempdir");
        fieldref_server::export(&self.state, out.path()).expect("export");
        out
    }
}

/// How the static host misbehaves for one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Serve the file as is.
    None,
    /// After the file, keep sending bytes forever.
    Endless,
    /// Send one byte every `interval`.
    Dribble(Duration),
    /// Answer with this status and, if given, `Retry-After: seconds` (an overloaded CDN).
    Status(u16, Option<u64>),
}

#[derive(Clone)]
struct HostState {
    root: PathBuf,
    rules: Arc<Mutex<Vec<(String, Misbehaviour)>>>,
}

/// A plain static file server over a directory (what a CDN or nginx does), plus switchable
/// misbehaviour for the attack tests.
pub struct StaticHost {
    pub served: Served,
    rules: Arc<Mutex<Vec<(String, Misbehaviour)>>>,
}

impl StaticHost {
    pub fn serve(root: &Path) -> StaticHost {
        let rules = Arc::new(Mutex::new(Vec::new()));
        let state = HostState {
            root: root.to_owned(),
            rules: Arc::clone(&rules),
        };
        let router = axum::Router::new().fallback(static_file).with_state(state);
        StaticHost {
            served: serve(router),
            rules,
        }
    }

    pub fn url(&self) -> &str {
        &self.served.url
    }

    /// Makes requests whose path ends with `suffix` misbehave.
    pub fn misbehave(&self, suffix: &str, how: Misbehaviour) {
        self.rules
            .lock()
            .expect("rules")
            .push((suffix.to_owned(), how));
    }
}

async fn static_file(State(state): State<HostState>, uri: Uri) -> Response {
    let relative = uri.path().trim_start_matches('/');
    if relative.split('/').any(|part| part == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let Ok(bytes) = std::fs::read(state.root.join(relative)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let rule = state
        .rules
        .lock()
        .map(|rules| {
            rules
                .iter()
                .rev()
                .find(|(suffix, _)| uri.path().ends_with(suffix.as_str()))
                .map(|(_, how)| how.clone())
        })
        .unwrap_or(None)
        .unwrap_or(Misbehaviour::None);
    match rule {
        Misbehaviour::None => bytes.into_response(),
        Misbehaviour::Status(status, retry_after) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            match retry_after {
                Some(seconds) => {
                    (status, [(header::RETRY_AFTER, seconds.to_string())]).into_response()
                }
                None => status.into_response(),
            }
        }
        Misbehaviour::Endless => {
            let chunks = byte_stream(bytes, None);
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/octet-stream")],
                Body::from_stream(chunks),
            )
                .into_response()
        }
        Misbehaviour::Dribble(interval) => {
            let chunks = byte_stream(bytes, Some(interval));
            (StatusCode::OK, Body::from_stream(chunks)).into_response()
        }
    }
}

/// The file then endless filler (no interval), or the file one byte per interval.
fn byte_stream(
    bytes: Vec<u8>,
    interval: Option<Duration>,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    futures_util::stream::unfold((bytes, 0usize), move |(bytes, at)| async move {
        match interval {
            None => {
                let chunk = if at < bytes.len() {
                    bytes.clone()
                } else {
                    vec![b'x'; 64 * 1024]
                };
                Some((Ok(axum::body::Bytes::from(chunk)), (bytes, usize::MAX)))
            }
            Some(interval) => {
                if at >= bytes.len() {
                    return None;
                }
                tokio::time::sleep(interval).await;
                let byte = bytes[at];
                Some((Ok(axum::body::Bytes::from(vec![byte])), (bytes, at + 1)))
            }
        }
    })
}

/// A device: a FieldRef on its own data directory, trusting the test keys, starting from the
/// bundled content (version 0) like a freshly installed app.
pub struct Device {
    pub dir: tempfile::TempDir,
    pub app: FieldRef,
    root: Envelope,
}

/// What must survive any refused or interrupted update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceState {
    pub version: u64,
    pub hash: String,
    pub bookmarks: Vec<String>,
    pub outbox: Vec<String>,
}

impl Device {
    pub fn new(keys: &Keys) -> Device {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = open_device(dir.path(), &keys.root);
        Device {
            dir,
            app,
            root: keys.root.clone(),
        }
    }

    /// Closes and opens the data directory again, as an app restart does.
    pub fn reopen(self) -> Device {
        let Device { dir, app, root } = self;
        drop(app);
        let app = open_device(dir.path(), &root);
        Device { dir, app, root }
    }

    pub fn sync(&self, url: &str) -> fieldref_core::Result<fieldref_core::sync::SyncReport> {
        self.app.sync(&UreqTransport, &SyncConfig::new(url))
    }

    pub fn sync_with(
        &self,
        config: &SyncConfig,
    ) -> fieldref_core::Result<fieldref_core::sync::SyncReport> {
        self.app.sync(&UreqTransport, config)
    }

    pub fn state(&self) -> DeviceState {
        device_state(&self.app)
    }

    /// Ids of the documents with the words of `query` (not the contacts listed because a
    /// matching checklist links them).
    pub fn search(&self, query: &str) -> Vec<String> {
        self.app
            .search(&fieldref_core::search::SearchRequest::new(query))
            .expect("search")
            .hits
            .into_iter()
            .filter(|h| h.linked_from.is_none())
            .map(|h| h.id)
            .collect()
    }
}

/// A community partner's device (public content, the public channel): what most sync tests
/// exercise. Officers devices are enrolled first (`tests/audiences.rs`).
pub fn open_device(path: &Path, root: &Envelope) -> FieldRef {
    open_device_for(path, root, Audience::Public)
}

pub fn open_device_for(path: &Path, root: &Envelope, audience: Audience) -> FieldRef {
    let mut options = OpenOptions::new(path);
    options.trust_root = Some(root.clone());
    options.audience = Some(audience);
    FieldRef::open_with(options).expect("open device")
}

pub fn device_state(app: &FieldRef) -> DeviceState {
    let content = app
        .content_state()
        .expect("state")
        .expect("content installed");
    DeviceState {
        version: content.version,
        hash: content.hash,
        bookmarks: app
            .bookmarks(Audience::Officers)
            .expect("bookmarks")
            .into_iter()
            .map(|b| b.id)
            .collect(),
        outbox: app
            .outbox(false)
            .expect("outbox")
            .into_iter()
            .map(|i| i.id)
            .collect(),
    }
}

/// The bundled content as the public release has it.
pub fn bundled_pack() -> Pack {
    bundled_pack_for(Audience::Public)
}

/// The bundled content as `audience`'s release has it.
pub fn bundled_pack_for(audience: Audience) -> Pack {
    fieldref_core::bundled::pack()
        .expect("bundled content is valid")
        .for_audience(audience)
}

/// `pack` with `n` documents edited (one of each kind first), each gaining `marker` in its
/// summary; returns the pack and the ids edited.
pub fn edited(pack: &Pack, n: usize, marker: &str) -> (Pack, Vec<String>) {
    let mut next = pack.clone();
    let mut ids = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    for kind in fieldref_core::content::DocKind::ALL {
        if let Some(i) = next.documents.iter().position(|d| d.kind() == kind) {
            order.push(i);
        }
    }
    order.extend(0..next.documents.len());
    for i in order {
        if ids.len() == n {
            break;
        }
        let doc = &mut next.documents[i];
        if ids.contains(&doc.id) {
            continue;
        }
        doc.summary = format!("{} {marker}", doc.summary);
        doc.revision += 1;
        doc.provenance.changes.push(fieldref_core::content::Change {
            revision: doc.revision,
            date: doc.updated_at.clone(),
            note: format!("Summary now ends with {marker}."),
        });
        ids.push(doc.id.clone());
    }
    (next, ids)
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Where `needle` is readable in a device's data directory: every file's raw bytes, and every
/// document row of its store as the store decodes it (rows are zstd-compressed, so a byte scan
/// alone would never see what they hold). Each place is a file path or `store: DOCUMENT_ID`.
pub fn data_dir_holds(dir: &Path, needle: &str) -> Vec<String> {
    let mut found: Vec<String> = files_under(dir)
        .into_iter()
        .filter(|path| {
            std::fs::read(path)
                .expect("read")
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        })
        .map(|path| path.display().to_string())
        .collect();
    let store = dir.join("fieldref.sqlite3");
    if store.exists() {
        let store = fieldref_core::store::Store::open(&store).expect("open the store to scan it");
        for doc in store.documents(None).expect("read every stored document") {
            let json = serde_json::to_string(&doc).expect("document as JSON");
            if json.contains(needle) {
                found.push(format!("store: {}", doc.id));
            }
        }
    }
    found
}
