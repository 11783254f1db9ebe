//! HTTPS end to end: the server serves TLS itself (rustls) with a generated certificate, a
//! device that trusts that certificate syncs and uploads over it, a device that does not is
//! refused at the handshake, and plain http:// to anything but loopback is refused before any
//! request is made.

use fieldref_core::content::Audience;
use fieldref_core::sync::publish::{publish, PublishOptions};
use fieldref_core::sync::{SyncConfig, SyncError, SyncOutcome, UreqTransportTrusting};
use fieldref_core::Error;
use fieldref_tests::{bundled_pack, loopback_certificate, serve_tls, Counting, Device, Server};

#[test]
fn a_device_that_trusts_the_servers_certificate_syncs_over_tls() {
    let server = Server::start();
    let (cert, key) = loopback_certificate();
    let https = serve_tls(
        fieldref_server::router(std::sync::Arc::clone(&server.state)),
        &cert,
        &key,
    );
    assert!(https.url.starts_with("https://127.0.0.1:"));
    let trusting = UreqTransportTrusting::from_pem(cert.as_bytes()).expect("certificate");

    // The trainer publishes over TLS too.
    let options = PublishOptions {
        server: &https.url,
        token: &server.token,
        key: &server.keys.release_key,
        dry_run: false,
        timeout_ms: 30_000,
    };
    let pack = bundled_pack();
    assert_eq!(
        publish(&trusting, &pack, &options, &mut |_| {})
            .expect("publish over TLS")
            .version,
        1
    );

    let device = Device::new(&server.keys);
    device
        .app
        .queue_feedback(&pack.documents[0].id, "Over TLS", Audience::Public)
        .expect("queue");
    let report = device
        .app
        .sync(&trusting, &SyncConfig::new(https.url.clone()))
        .expect("sync over TLS");
    assert!(
        matches!(report.outcome, SyncOutcome::Updated { to: 1, .. }),
        "{report:?}"
    );
    assert_eq!(report.outbox_sent, 1, "{report:?}");
    assert_eq!(device.state().version, 1);
}

#[test]
fn a_device_that_does_not_trust_the_certificate_is_refused_at_the_handshake() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let (cert, key) = loopback_certificate();
    let https = serve_tls(
        fieldref_server::router(std::sync::Arc::clone(&server.state)),
        &cert,
        &key,
    );
    let device = Device::new(&server.keys);
    let before = device.state();
    // The public web roots do not include a self-signed certificate.
    let err = device.sync(&https.url).expect_err("untrusted certificate");
    assert!(
        matches!(err, Error::Sync(SyncError::Transport { .. })),
        "{err}"
    );
    // Nor does trusting some other certificate help.
    let (other, _) = loopback_certificate();
    let wrong = UreqTransportTrusting::from_pem(other.as_bytes()).expect("certificate");
    let err = device
        .app
        .sync(&wrong, &SyncConfig::new(https.url.clone()))
        .expect_err("another certificate");
    assert!(
        matches!(err, Error::Sync(SyncError::Transport { .. })),
        "{err}"
    );
    assert_eq!(device.state(), before);
}

#[test]
fn plain_http_to_another_machine_is_refused_before_any_request() {
    let server = Server::start();
    let device = Device::new(&server.keys);
    let before = device.state();
    let counting = Counting::new("");
    for url in [
        "http://updates.example.org",
        "http://10.0.0.7:8750",
        "http://127.0.0.1@updates.example.org",
    ] {
        let err = device
            .app
            .sync(&counting, &SyncConfig::new(url))
            .expect_err("plain http");
        assert!(
            matches!(&err, Error::Sync(SyncError::InsecureUrl { url: u }) if u == url),
            "{err}"
        );
    }
    assert_eq!(counting.count(), 0, "no request was made");
    let options = PublishOptions {
        server: "http://updates.example.org",
        token: &server.token,
        key: &server.keys.release_key,
        dry_run: true,
        timeout_ms: 1_000,
    };
    let err = publish(&counting, &bundled_pack(), &options, &mut |_| {}).expect_err("plain http");
    assert!(
        matches!(err, Error::Sync(SyncError::InsecureUrl { .. })),
        "{err}"
    );
    assert_eq!(counting.count(), 0);
    assert_eq!(device.state(), before);
    let status = device.app.sync_status().expect("status");
    assert_eq!(status.last_attempt_at, None, "nothing recorded");
}
