//! Errors a caller acts on arrive as kinds, not text: a host asking to back off says for how
//! long, a server refusing says why, and a device whose uploads are refused keeps them.

use fieldref_core::sync::SyncError;
use fieldref_core::Error;
use fieldref_tests::{bundled_pack, Device, Misbehaviour, Server, StaticHost};

#[test]
fn a_429_with_retry_after_is_a_backoff_with_its_seconds_and_nothing_changes() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let device = Device::new(&server.keys);
    device.sync(server.url()).expect("sync to v1");
    let before = device.state();
    let export = server.export();
    let host = StaticHost::serve(export.path());
    host.misbehave("manifest.json", Misbehaviour::Status(429, Some(300)));
    let err = device.sync(host.url()).expect_err("backoff");
    assert!(
        matches!(err, Error::Sync(SyncError::Backoff { seconds: 300 })),
        "{err}"
    );
    host.misbehave("manifest.json", Misbehaviour::Status(503, None));
    let err = device.sync(host.url()).expect_err("unavailable");
    assert!(
        matches!(err, Error::Sync(SyncError::Status { status: 503, .. })),
        "{err}"
    );
    assert_eq!(device.state(), before);
}

#[test]
fn a_rate_limited_upload_reports_a_typed_backoff_and_keeps_the_items() {
    let policy = fieldref_server::FeedbackPolicy {
        posts_per_minute: 1,
        ..Default::default()
    };
    let server = Server::start_configured(
        fieldref_tests::Keys::generate(),
        chrono::Duration::days(7),
        policy,
    );
    let pack = bundled_pack();
    server.publish(&pack);
    let device = Device::new(&server.keys);
    let doc = &pack.documents[0].id;
    device
        .app
        .queue_feedback(doc, "first", fieldref_core::content::Audience::Public)
        .expect("queue");
    assert_eq!(device.sync(server.url()).expect("sync").outbox_sent, 1);
    device
        .app
        .queue_feedback(doc, "second", fieldref_core::content::Audience::Public)
        .expect("queue");
    let report = device.sync(server.url()).expect("content sync succeeds");
    assert!(
        matches!(
            report.outbox_failure,
            Some(SyncError::Backoff { seconds }) if (1..=60).contains(&seconds)
        ),
        "{report:?}"
    );
    assert_eq!(report.status.outbox_pending, 1);
}

#[test]
fn a_server_refusal_carries_its_status_and_code() {
    let server = Server::start();
    let options = fieldref_core::sync::publish::PublishOptions {
        server: server.url(),
        token: "not-a-token",
        key: &server.keys.release_key,
        dry_run: false,
        timeout_ms: 30_000,
    };
    let err = fieldref_core::sync::publish::publish(
        &fieldref_core::sync::UreqTransport,
        &bundled_pack(),
        &options,
        &mut |_| {},
    )
    .expect_err("refused");
    assert!(
        matches!(
            &err,
            Error::Sync(SyncError::Refused { status: 401, code, .. }) if code == "unauthorized"
        ),
        "{err}"
    );
}
