//! Input a signed party (or a hostile server) can still get wrong: decompression bombs under a
//! valid release signature, channel names that are paths, content that breaks the rules, and a
//! root-version hint meant to overflow the rotation walk. Each is refused with a typed error,
//! bounded memory, and nothing changed or written where it should not be.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use fieldref_core::pack::{Envelope, Manifest, Role};
use fieldref_core::sync::{SyncConfig, SyncError};
use fieldref_core::Error;
use fieldref_tests::{
    bundled_pack, call, pack_bomb, peak_rss_bytes, sign_release, Counting, Device, Server,
    StaticHost, CHANNEL,
};

/// A bomb expands to 4 GiB; what is signed is 1 MB.
const BOMB_DECODED: u64 = 4 << 30;
const SIGNED_DECODED: u64 = 1_000_000;
/// Peak memory of the whole test process must stay far below what the bomb expands to.
const MEMORY_CEILING: u64 = 1 << 30;

fn channel_dir(root: &Path) -> std::path::PathBuf {
    root.join("v1").join(CHANNEL)
}

fn read_manifest(root: &Path) -> Manifest {
    let bytes = std::fs::read(channel_dir(root).join("manifest.json")).expect("manifest");
    let envelope: Envelope = serde_json::from_slice(&bytes).expect("envelope");
    envelope.unverified().expect("payload")
}

/// Rewrites the exported tree so its manifest (signed by the real online key) offers `release`
/// with `snapshot` as version 2, and no deltas.
fn offer(server: &Server, export: &Path, release: Envelope, snapshot: &[u8]) {
    let sha = fieldref_core::pack::sha256_hex(snapshot);
    std::fs::write(channel_dir(export).join("blobs").join(&sha), snapshot).expect("blob");
    let mut manifest = read_manifest(export);
    manifest.version = 2;
    manifest.release = release;
    manifest.deltas.clear();
    let signed = Envelope::sign(Role::Online, &manifest, &[&server.keys.online_key]).expect("sign");
    std::fs::write(
        channel_dir(export).join("manifest.json"),
        serde_json::to_vec(&signed).expect("json"),
    )
    .expect("write manifest");
}

fn device_on_v1(server: &Server) -> Device {
    server.publish(&bundled_pack());
    let device = Device::new(&server.keys);
    device.sync(server.url()).expect("sync to v1");
    device
}

#[test]
fn a_release_signed_zstd_bomb_is_refused_on_the_device_with_bounded_memory() {
    let server = Server::start();
    let device = device_on_v1(&server);
    let before = device.state();
    let export = server.export();
    let bomb = pack_bomb(BOMB_DECODED);
    assert!(bomb.len() < 256 * 1024, "the bomb is small on the wire");
    let release = sign_release(
        &server.keys.release_key,
        CHANNEL,
        2,
        &bomb,
        SIGNED_DECODED,
        &before.hash,
    );
    offer(&server, export.path(), release, &bomb);
    let host = StaticHost::serve(export.path());

    let started = Instant::now();
    let err = device
        .sync(host.url())
        .expect_err("the bomb must be refused");
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == SIGNED_DECODED),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "stopped early");
    assert!(
        peak_rss_bytes() < MEMORY_CEILING,
        "peak memory {} bytes",
        peak_rss_bytes()
    );
    assert_eq!(device.state(), before, "nothing applied");
}

#[test]
fn a_release_signed_zstd_bomb_is_refused_by_the_server_with_bounded_memory() {
    let server = Server::start();
    let bomb = pack_bomb(BOMB_DECODED);
    let release = sign_release(
        &server.keys.release_key,
        CHANNEL,
        1,
        &bomb,
        SIGNED_DECODED,
        "0000",
    );
    let body = serde_json::json!({
        "release": release,
        "snapshot": base64::engine::general_purpose::STANDARD.encode(&bomb),
    });
    let auth = [("Authorization", format!("Bearer {}", server.token))];
    let url = format!("{}/v1/{CHANNEL}/publish", server.url());
    let (status, _, answer) = call("POST", &url, &auth, Some(&body));
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["code"], "bad_request");
    assert!(
        peak_rss_bytes() < MEMORY_CEILING,
        "peak memory {} bytes",
        peak_rss_bytes()
    );
    let manifest = format!("{}/v1/{CHANNEL}/manifest.json", server.url());
    assert_eq!(
        call("GET", &manifest, &[], None).0,
        404,
        "nothing published"
    );
}

#[test]
fn a_snapshot_that_decodes_to_other_than_its_signed_size_is_refused() {
    let server = Server::start();
    let device = device_on_v1(&server);
    let before = device.state();
    let export = server.export();
    let (v2, _) = fieldref_tests::edited(&bundled_pack(), 1, "Marigold");
    let (snapshot, decoded) = fieldref_core::pack::encode_sized(&v2).expect("encode");
    let hash = fieldref_core::store::state_hash(&v2).expect("hash");
    let release = sign_release(
        &server.keys.release_key,
        CHANNEL,
        2,
        &snapshot,
        decoded + 10,
        &hash,
    );
    offer(&server, export.path(), release, &snapshot);
    let host = StaticHost::serve(export.path());
    let err = device.sync(host.url()).expect_err("refused");
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert_eq!(device.state(), before);
}

/// A pack whose channel is `channel` (so its release can be signed for it).
fn pack_for(channel: &str) -> fieldref_core::content::Pack {
    let mut pack = bundled_pack();
    pack.info.channel = channel.to_owned();
    pack
}

fn signed_publish_body(server: &Server, pack: &fieldref_core::content::Pack) -> serde_json::Value {
    let (snapshot, decoded) = fieldref_core::pack::encode_sized(pack).expect("encode");
    let hash = fieldref_core::store::state_hash(pack).expect("hash");
    let release = sign_release(
        &server.keys.release_key,
        &pack.info.channel,
        1,
        &snapshot,
        decoded,
        &hash,
    );
    serde_json::json!({
        "release": release,
        "snapshot": base64::engine::general_purpose::STANDARD.encode(&snapshot),
    })
}

#[test]
fn a_signed_release_for_channel_dot_dot_is_refused_and_export_writes_nothing_outside() {
    let server = Server::start();
    let evil = "../../escaped";
    let body = signed_publish_body(&server, &pack_for(evil));
    let auth = [("Authorization", format!("Bearer {}", server.admin_token))];
    let url = format!("{}/v1/..%2F..%2Fescaped/publish", server.url());
    let (status, _, answer) = call("POST", &url, &auth, Some(&body));
    assert_eq!(status, 400, "{answer}");
    for path in ["manifest.json", "root/1.json", "devices"] {
        let method = if path == "devices" { "POST" } else { "GET" };
        let url = format!("{}/v1/..%2F..%2Fescaped/{path}", server.url());
        assert_eq!(call(method, &url, &[], None).0, 400, "{path}");
    }

    // A database written before the rule (or by hand) still cannot make export escape `--to`.
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    conn.execute(
        "INSERT INTO releases(channel, version, envelope, snapshot, state_hash, created_at)
         VALUES (?1, 1, '{}', '00', '00', '')",
        [evil],
    )
    .expect("insert");
    drop(conn);
    let scratch = tempfile::tempdir().expect("tempdir");
    let to = scratch.path().join("a").join("out");
    std::fs::create_dir_all(&to).expect("mkdir");
    let err = fieldref_server::export(&server.state, &to).expect_err("refused");
    assert!(
        matches!(
            err.downcast_ref::<fieldref_server::ExportError>(),
            Some(fieldref_server::ExportError::BadChannel(c)) if c == evil
        ),
        "{err}"
    );
    let outside: Vec<_> = walk(scratch.path())
        .into_iter()
        .filter(|p| !p.starts_with(&to))
        .filter(|p| p.is_file())
        .collect();
    assert!(outside.is_empty(), "written outside --to: {outside:?}");
    assert!(!scratch.path().join("escaped").exists());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

/// The bundled pack with one document breaking the content rules (an id with spaces).
fn invalid_pack() -> fieldref_core::content::Pack {
    let mut pack = bundled_pack();
    pack.documents[0].id = "Not A Valid Id".to_owned();
    pack.documents.sort_by(|a, b| a.id.cmp(&b.id));
    pack
}

#[test]
fn the_server_runs_the_content_validator_on_a_publish() {
    let server = Server::start();
    let body = signed_publish_body(&server, &invalid_pack());
    let auth = [("Authorization", format!("Bearer {}", server.token))];
    let url = format!("{}/v1/{CHANNEL}/publish", server.url());
    let (status, _, answer) = call("POST", &url, &auth, Some(&body));
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("Not A Valid Id")),
        "the problem is named: {answer}"
    );
    let manifest = format!("{}/v1/{CHANNEL}/manifest.json", server.url());
    assert_eq!(
        call("GET", &manifest, &[], None).0,
        404,
        "nothing published"
    );
}

#[test]
fn a_device_validates_signed_content_before_applying_it() {
    let server = Server::start();
    let device = device_on_v1(&server);
    let before = device.state();
    let export = server.export();
    let bad = invalid_pack();
    let (snapshot, decoded) = fieldref_core::pack::encode_sized(&bad).expect("encode");
    let hash = fieldref_core::store::state_hash(&bad).expect("hash");
    let release = sign_release(
        &server.keys.release_key,
        CHANNEL,
        2,
        &snapshot,
        decoded,
        &hash,
    );
    offer(&server, export.path(), release, &snapshot);
    let host = StaticHost::serve(export.path());
    let err = device.sync(host.url()).expect_err("refused");
    assert!(
        matches!(&err, Error::Sync(SyncError::InvalidContent { first, .. }) if first.contains("Not A Valid Id")),
        "{err}"
    );
    assert_eq!(device.state(), before);
}

#[test]
fn a_manifest_hinting_root_version_u64_max_is_an_error_after_one_root_request() {
    let server = Server::start();
    let device = device_on_v1(&server);
    let before = device.state();
    let export = server.export();
    let mut manifest = read_manifest(export.path());
    manifest.root_version = u64::MAX;
    let signed = Envelope::sign(Role::Online, &manifest, &[&server.keys.online_key]).expect("sign");
    std::fs::write(
        channel_dir(export.path()).join("manifest.json"),
        serde_json::to_vec(&signed).expect("json"),
    )
    .expect("write");
    let host = StaticHost::serve(export.path());
    let transport = Counting::new("/root/");
    let err = device
        .app
        .sync(&transport, &SyncConfig::new(host.url()))
        .expect_err("no root 2 exists");
    assert!(
        matches!(err, Error::Sync(SyncError::Status { status: 404, .. })),
        "{err}"
    );
    assert_eq!(transport.count(), 1, "one root request");
    assert_eq!(device.state(), before);
}

#[test]
fn a_chain_longer_than_the_rotation_bound_is_walked_only_to_the_bound() {
    let server = Server::start();
    let device = device_on_v1(&server);
    let before = device.state();
    let export = server.export();
    // A genuine chain of 40 rotations (each signed by the old and the new root key).
    let root_dir = channel_dir(export.path()).join("root");
    let mut current: fieldref_core::pack::Root = server.keys.root.unverified().expect("root");
    let mut keys: Vec<fieldref_core::pack::SecretKey> = Vec::new();
    let chain = fieldref_core::pack::MAX_ROTATIONS as u64 + 8;
    for version in 2..=chain + 1 {
        let next_key = fieldref_core::pack::SecretKey::generate().expect("randomness");
        let next = fieldref_core::pack::Root {
            version,
            root_keys: vec![next_key.public()],
            ..current.clone()
        };
        let current_key = keys.last().unwrap_or(&server.keys.root_key);
        let signed = Envelope::sign(Role::Root, &next, &[current_key, &next_key]).expect("sign");
        std::fs::write(
            root_dir.join(format!("{version}.json")),
            serde_json::to_vec(&signed).expect("json"),
        )
        .expect("write root");
        current = next;
        keys.push(next_key);
    }
    let mut manifest = read_manifest(export.path());
    manifest.root_version = chain + 1;
    let signed = Envelope::sign(Role::Online, &manifest, &[&server.keys.online_key]).expect("sign");
    std::fs::write(
        channel_dir(export.path()).join("manifest.json"),
        serde_json::to_vec(&signed).expect("json"),
    )
    .expect("write");
    let host = StaticHost::serve(export.path());
    let transport = Counting::new("/root/");
    let err = device
        .app
        .sync(&transport, &SyncConfig::new(host.url()))
        .expect_err("too many rotations");
    assert!(
        matches!(
            err,
            Error::Sync(SyncError::TooManyRotations { from: 1, .. })
        ),
        "{err}"
    );
    assert_eq!(transport.count(), fieldref_core::pack::MAX_ROTATIONS);
    assert_eq!(device.state(), before);
    assert_eq!(
        device.app.trust_root().expect("root").map(|r| r.version),
        Some(1)
    );
}

#[test]
fn the_trainers_client_reads_the_servers_snapshot_within_its_signed_size() {
    // A hostile (or broken) server offers a bomb as the current release: the trainer's dry run
    // still works, comparing against nothing, with memory bounded by the claimed size.
    let server = Server::start();
    server.publish(&bundled_pack());
    let export = server.export();
    let bomb = pack_bomb(BOMB_DECODED);
    let release = sign_release(
        &server.keys.release_key,
        CHANNEL,
        2,
        &bomb,
        SIGNED_DECODED,
        "0000",
    );
    offer(&server, export.path(), release, &bomb);
    let host = StaticHost::serve(export.path());
    let options = fieldref_core::sync::publish::PublishOptions {
        server: host.url(),
        token: &server.token,
        key: &server.keys.release_key,
        dry_run: true,
        timeout_ms: 30_000,
    };
    let started = Instant::now();
    let outcome = fieldref_core::sync::publish::publish(
        &fieldref_core::sync::UreqTransport,
        &bundled_pack(),
        &options,
        &mut |_| {},
    )
    .expect("dry run");
    assert_eq!(outcome.version, 3);
    let added: usize = outcome.changes.iter().map(|c| c.added).sum();
    assert_eq!(
        added,
        bundled_pack().documents.len(),
        "compared against nothing"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        peak_rss_bytes() < MEMORY_CEILING,
        "peak memory {} bytes",
        peak_rss_bytes()
    );
}
