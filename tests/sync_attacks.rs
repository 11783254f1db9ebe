//! One test per attack on the update channel. Each serves hostile data from a static host (as a
//! compromised mirror would), checks the device names the problem, and that its content version,
//! documents, bookmarks and outbox are exactly as before.

use std::path::Path;
use std::time::Duration;

use fieldref_core::pack::{Envelope, Manifest, Release, Role, Root, SecretKey, VerifyError};
use fieldref_core::sync::{SyncConfig, SyncError, SyncOutcome, TransportError};
use fieldref_core::Error;
use fieldref_tests::{
    bundled_pack, edited, Device, DeviceState, Keys, Misbehaviour, Server, StaticHost,
};

const CHANNEL_DIR: &str = "v1/port-alder";

/// A device on v1 with a bookmark and a queued feedback item; the server has v2 ready.
struct Scene {
    server: Server,
    device: Device,
    before: DeviceState,
    export: tempfile::TempDir,
    v1_manifest: Envelope,
}

fn scene() -> Scene {
    let server = Server::start();
    let v1 = bundled_pack();
    server.publish(&v1);
    let device = Device::new(&server.keys);
    device.sync(server.url()).expect("sync to v1");
    let doc = &v1.documents[0].id;
    device
        .app
        .add_bookmark(doc, fieldref_core::content::Audience::Public)
        .expect("bookmark");
    device
        .app
        .queue_feedback(
            doc,
            "Wrong address",
            fieldref_core::content::Audience::Public,
        )
        .expect("feedback");
    let v1_manifest = read_manifest(server.export().path());
    let (v2, _) = edited(&v1, 3, "Marigold");
    server.publish(&v2);
    let export = server.export();
    let before = device.state();
    assert_eq!(before.version, 1);
    Scene {
        server,
        device,
        before,
        export,
        v1_manifest,
    }
}

fn manifest_path(root: &Path) -> std::path::PathBuf {
    root.join(CHANNEL_DIR).join("manifest.json")
}

fn read_manifest(root: &Path) -> Envelope {
    serde_json::from_slice(&std::fs::read(manifest_path(root)).expect("manifest"))
        .expect("envelope")
}

fn write_manifest(root: &Path, envelope: &Envelope) {
    std::fs::write(
        manifest_path(root),
        serde_json::to_vec(envelope).expect("json"),
    )
    .expect("write");
}

fn payload<T: serde::de::DeserializeOwned>(envelope: &Envelope) -> T {
    envelope.unverified().expect("readable payload")
}

/// Syncs from a static host over `export`, expects a refusal, checks nothing changed.
fn refused(scene: &Scene, host: &StaticHost, config: Option<SyncConfig>) -> Error {
    let config = config.unwrap_or_else(|| SyncConfig::new(host.url()));
    let err = scene
        .device
        .sync_with(&config)
        .expect_err("must be refused");
    assert_eq!(
        scene.device.state(),
        scene.before,
        "device changed after: {err}"
    );
    assert!(
        scene.device.search("marigold").is_empty(),
        "no v2 text is searchable"
    );
    err
}

fn signature_error(err: &Error) -> &VerifyError {
    match err {
        Error::Sync(SyncError::Signature { error, .. }) => error,
        other => panic!("expected a signature error, got {other}"),
    }
}

#[test]
fn unsigned_manifest_is_rejected_and_device_unchanged() {
    let s = scene();
    let mut manifest = read_manifest(s.export.path());
    manifest.signatures.clear();
    write_manifest(s.export.path(), &manifest);
    let host = StaticHost::serve(s.export.path());
    let err = refused(&s, &host, None);
    assert_eq!(signature_error(&err), &VerifyError::Unsigned("online"));
    assert!(err.to_string().contains("manifest"), "{err}");
}

#[test]
fn manifest_signed_by_an_unknown_key_is_rejected_and_device_unchanged() {
    let s = scene();
    let stranger = SecretKey::generate().expect("key");
    let manifest: Manifest = payload(&read_manifest(s.export.path()));
    write_manifest(
        s.export.path(),
        &Envelope::sign(Role::Online, &manifest, &[&stranger]).expect("sign"),
    );
    let host = StaticHost::serve(s.export.path());
    let err = refused(&s, &host, None);
    assert!(
        matches!(signature_error(&err), VerifyError::UnknownKey { .. }),
        "{err}"
    );
}

#[test]
fn manifest_altered_by_one_byte_is_rejected_and_device_unchanged() {
    let s = scene();
    let mut manifest = read_manifest(s.export.path());
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut bytes = engine.decode(&manifest.payload).expect("b64");
    let at = bytes
        .iter()
        .position(|b| *b == b'2')
        .expect("a digit to change");
    bytes[at] = b'3';
    manifest.payload = engine.encode(bytes);
    write_manifest(s.export.path(), &manifest);
    let host = StaticHost::serve(s.export.path());
    let err = refused(&s, &host, None);
    assert!(
        matches!(
            signature_error(&err),
            VerifyError::BadSignature { role: "online", .. }
        ),
        "{err}"
    );
}

#[test]
fn release_altered_under_a_valid_manifest_signature_is_rejected() {
    // The online key is compromised: it can sign manifests, but not releases.
    let s = scene();
    let mut manifest: Manifest = payload(&read_manifest(s.export.path()));
    let mut release: Release = payload(&manifest.release);
    release.state_sha256 = "0".repeat(64);
    let forged =
        Envelope::sign(Role::Release, &release, &[&s.server.keys.online_key]).expect("sign");
    manifest.release = forged;
    write_manifest(
        s.export.path(),
        &Envelope::sign(Role::Online, &manifest, &[&s.server.keys.online_key]).expect("sign"),
    );
    let host = StaticHost::serve(s.export.path());
    let err = refused(&s, &host, None);
    assert!(
        matches!(
            signature_error(&err),
            VerifyError::UnknownKey {
                role: "release",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn rollback_to_an_older_manifest_is_rejected() {
    let s = scene();
    s.device.sync(s.server.url()).expect("device reaches v2");
    let at_v2 = s.device.state();
    assert_eq!(at_v2.version, 2);
    // A replayed, validly signed v1 manifest.
    write_manifest(s.export.path(), &s.v1_manifest);
    let host = StaticHost::serve(s.export.path());
    let err = s.device.sync(host.url()).expect_err("rollback");
    assert!(
        matches!(
            err,
            Error::Sync(SyncError::Rollback {
                installed: 2,
                offered: 1
            })
        ),
        "{err}"
    );
    assert_eq!(s.device.state(), at_v2);
}

#[test]
fn a_manifest_for_another_channel_is_rejected() {
    let s = scene();
    let mut manifest: Manifest = payload(&read_manifest(s.export.path()));
    manifest.channel = "other-city".to_owned();
    write_manifest(
        s.export.path(),
        &Envelope::sign(Role::Online, &manifest, &[&s.server.keys.online_key]).expect("sign"),
    );
    let host = StaticHost::serve(s.export.path());
    let err = refused(&s, &host, None);
    assert!(
        matches!(err, Error::Sync(SyncError::WrongChannel { .. })),
        "{err}"
    );
}

#[test]
fn a_snapshot_from_another_release_is_rejected() {
    // Mix and match: v1's snapshot bytes served under v2's content address, no delta offered.
    let s = scene();
    let mut manifest: Manifest = payload(&read_manifest(s.export.path()));
    manifest.deltas.clear();
    let v2: Release = payload(&manifest.release);
    let v1: Release = payload(&payload::<Manifest>(&s.v1_manifest).release);
    let blobs = s.export.path().join(CHANNEL_DIR).join("blobs");
    std::fs::copy(
        blobs.join(&v1.snapshot.sha256),
        blobs.join(&v2.snapshot.sha256),
    )
    .expect("swap");
    write_manifest(
        s.export.path(),
        &Envelope::sign(Role::Online, &manifest, &[&s.server.keys.online_key]).expect("sign"),
    );
    let host = StaticHost::serve(s.export.path());
    let err = refused(&s, &host, None);
    assert!(
        matches!(err, Error::Sync(SyncError::Mismatch { .. })),
        "{err}"
    );
}

#[test]
fn a_delta_that_does_not_chain_from_the_installed_version_is_rejected() {
    // The delta 1->2 is offered to a device on 1 under the name of a delta from another version.
    let s = scene();
    let (v3, _) = edited(&bundled_pack(), 5, "Heliotrope");
    s.server.publish(&v3);
    let export = s.server.export();
    let mut manifest: Manifest = payload(&read_manifest(export.path()));
    let v1_to_2: Manifest = payload(&read_manifest(s.export.path()));
    let wrong = v1_to_2
        .deltas
        .iter()
        .find(|d| d.from == 1)
        .expect("delta 1->2")
        .clone();
    manifest.deltas = vec![fieldref_core::pack::DeltaRef { from: 1, ..wrong }];
    write_manifest(
        export.path(),
        &Envelope::sign(Role::Online, &manifest, &[&s.server.keys.online_key]).expect("sign"),
    );
    let host = StaticHost::serve(export.path());
    let err = refused(&s, &host, None);
    assert!(
        matches!(err, Error::Sync(SyncError::MixAndMatch(_))),
        "{err}"
    );
}

#[test]
fn endless_data_is_cut_off_at_the_signed_size() {
    let s = scene();
    let host = StaticHost::serve(s.export.path());
    host.misbehave("", Misbehaviour::None);
    let manifest: Manifest = payload(&read_manifest(s.export.path()));
    for delta in &manifest.deltas {
        host.misbehave(&delta.sha256, Misbehaviour::Endless);
    }
    let release: Release = payload(&manifest.release);
    host.misbehave(&release.snapshot.sha256, Misbehaviour::Endless);
    let err = refused(&s, &host, None);
    assert!(
        matches!(
            err,
            Error::Sync(SyncError::Transport {
                error: TransportError::TooLarge(_),
                ..
            })
        ),
        "{err}"
    );
}

#[test]
fn a_slow_download_times_out() {
    let s = scene();
    let host = StaticHost::serve(s.export.path());
    host.misbehave(
        "manifest.json",
        Misbehaviour::Dribble(Duration::from_millis(200)),
    );
    let mut config = SyncConfig::new(host.url());
    config.timeout_ms = 1_000;
    let err = refused(&s, &host, Some(config));
    assert!(
        matches!(
            err,
            Error::Sync(SyncError::Transport {
                error: TransportError::Timeout,
                ..
            })
        ),
        "{err}"
    );
}

#[test]
fn an_expired_manifest_reports_staleness_and_keeps_content() {
    let s = scene();
    let mut config = SyncConfig::new(s.server.url());
    config.now = Some(chrono::Utc::now() + chrono::Duration::days(30));
    let report = s.device.sync_with(&config).expect("stale is not an error");
    assert!(
        matches!(report.outcome, SyncOutcome::Stale { .. }),
        "{:?}",
        report.outcome
    );
    assert!(report.status.stale);
    assert!(report.status.days_since_verified.expect("days") >= 29);
    let after = s.device.state();
    assert_eq!(
        (after.version, &after.hash, &after.bookmarks),
        (s.before.version, &s.before.hash, &s.before.bookmarks)
    );
    assert!(
        !s.device.search("shelter").is_empty(),
        "installed content still answers"
    );
}

#[test]
fn rotated_keys_are_followed_and_a_revoked_release_key_is_refused() {
    let keys = Keys::generate();
    let new_root_key = SecretKey::generate().expect("key");
    let new_release_key = SecretKey::generate().expect("key");
    let v2_root = Root {
        version: 2,
        root_keys: vec![new_root_key.public()],
        release_keys: vec![new_release_key.public()],
        online_keys: vec![keys.online_key.public()],
        threshold: 1,
    };
    let rotation =
        Envelope::sign(Role::Root, &v2_root, &[&keys.root_key, &new_root_key]).expect("sign");
    let server = Server::start_with(keys, chrono::Duration::days(7));
    let v1 = bundled_pack();
    server.publish(&v1);
    let device = Device::new(&server.keys);
    device.sync(server.url()).expect("v1 under root 1");

    let rotation_file = server.dir.path().join("root-2.json");
    std::fs::write(&rotation_file, serde_json::to_vec(&rotation).expect("json")).expect("write");
    fieldref_server::add_root(&server.data_dir(), &rotation_file).expect("server accepts rotation");
    let server = server.restart();

    let (v2, _) = edited(&v1, 1, "Marigold");
    let revoked = server.publish_with(&v2, &server.keys.release_key);
    assert!(
        revoked.is_err(),
        "the server refuses a release signed with the revoked key"
    );
    assert_eq!(
        server
            .publish_with(&v2, &new_release_key)
            .expect("new key publishes")
            .version,
        2
    );

    let report = device
        .sync(server.url())
        .expect("device walks the root chain");
    assert!(
        matches!(report.outcome, SyncOutcome::Updated { to: 2, .. }),
        "{:?}",
        report.outcome
    );
    assert_eq!(
        device
            .app
            .trust_root()
            .expect("root")
            .expect("root")
            .version,
        2
    );
    assert_eq!(device.search("marigold").len(), 1);

    // A v3 release signed with the revoked key, forged into a validly signed manifest.
    let export = server.export();
    let mut manifest: Manifest = payload(&read_manifest(export.path()));
    let mut release: Release = payload(&manifest.release);
    release.version = 3;
    release.previous = 2;
    manifest.version = 3;
    manifest.release =
        Envelope::sign(Role::Release, &release, &[&server.keys.release_key]).expect("sign");
    write_manifest(
        export.path(),
        &Envelope::sign(Role::Online, &manifest, &[&server.keys.online_key]).expect("sign"),
    );
    let host = StaticHost::serve(export.path());
    let before = device.state();
    let err = device.sync(host.url()).expect_err("revoked key");
    assert!(
        matches!(
            signature_error(&err),
            VerifyError::UnknownKey {
                role: "release",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(device.state(), before);
}
