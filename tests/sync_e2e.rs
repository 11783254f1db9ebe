//! Whole update flows on loopback: trainers publish to the real server, a device picks the
//! update up by delta, then does the same from a plain static host serving `export` output.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use fieldref_core::sync::{
    HttpRequest, HttpResponse, SyncConfig, SyncOutcome, Transport, TransportError, UpdatePath,
    UreqTransport,
};
use fieldref_tests::{bundled_pack, edited, Device, Server, StaticHost};

fn updated_by(report: &fieldref_core::sync::SyncReport) -> Option<(u64, u64, UpdatePath)> {
    match report.outcome {
        SyncOutcome::Updated { from, to, path, .. } => Some((from, to, path)),
        _ => None,
    }
}

#[test]
fn a_device_follows_releases_by_delta_from_the_server_and_from_a_static_export() {
    let server = Server::start();
    let v1 = bundled_pack();
    assert_eq!(server.publish(&v1).version, 1);

    let device = Device::new(&server.keys);
    assert_eq!(device.state().version, 0, "starts on the bundled content");
    let first = device.sync(server.url()).expect("first sync");
    assert_eq!(updated_by(&first), Some((0, 1, UpdatePath::Snapshot)));

    let (v2, changed) = edited(&v1, 3, "Marigold entrance now open.");
    let outcome = server.publish(&v2);
    assert_eq!(outcome.version, 2);
    let changes: usize = outcome.changes.iter().map(|c| c.changed).sum();
    assert_eq!(changes, 3, "{:?}", outcome.changes);

    let second = device.sync(server.url()).expect("delta sync");
    assert_eq!(updated_by(&second), Some((1, 2, UpdatePath::Delta)));
    let mut found = device.search("marigold");
    found.sort();
    let mut expected = changed.clone();
    expected.sort();
    assert_eq!(found, expected, "search finds exactly the changed text");
    assert_eq!(
        device.state().hash,
        fieldref_core::store::state_hash(&v2).expect("hash")
    );

    // v3, served only as static files.
    let (v3, changed3) = edited(&v2, 2, "Heliotrope hours extended.");
    assert_eq!(server.publish(&v3).version, 3);
    let export = server.export();
    let host = StaticHost::serve(export.path());
    let third = device.sync(host.url()).expect("sync from static host");
    assert_eq!(updated_by(&third), Some((2, 3, UpdatePath::Delta)));
    let mut found = device.search("heliotrope");
    found.sort();
    let mut expected = changed3;
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(
        device.state().hash,
        fieldref_core::store::state_hash(&v3).expect("hash")
    );

    // A device that was offline the whole time jumps straight to v3 by snapshot.
    let late = Device::new(&server.keys);
    let report = late.sync(host.url()).expect("late sync");
    assert_eq!(updated_by(&report), Some((0, 3, UpdatePath::Snapshot)));
    assert_eq!(late.state().hash, device.state().hash);
}

/// The real HTTP transport, with a log of what crossed the wire.
#[derive(Default)]
struct Recording {
    inner: UreqTransport,
    log: Mutex<Vec<(String, u16)>>,
    bytes: AtomicUsize,
}

impl Transport for Recording {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.inner.send(request)?;
        self.bytes.fetch_add(response.body.len(), Ordering::SeqCst);
        self.log
            .lock()
            .expect("log")
            .push((request.url.clone(), response.status));
        Ok(response)
    }
}

#[test]
fn a_check_with_nothing_new_costs_one_small_request() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let device = Device::new(&server.keys);
    device.sync(server.url()).expect("first sync");

    let wire = Recording::default();
    let report = device
        .app
        .sync(&wire, &SyncConfig::new(server.url()))
        .expect("second sync");
    assert_eq!(report.outcome, SyncOutcome::UpToDate { version: 1 });
    let log = wire.log.lock().expect("log").clone();
    assert_eq!(log.len(), 1, "{log:?}");
    assert!(log[0].0.ends_with("/manifest.json"));
    assert_eq!(log[0].1, 304);
    assert_eq!(wire.bytes.load(Ordering::SeqCst), 0);
}

#[test]
fn the_outbox_is_uploaded_once_and_survives_failed_syncs() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let device = Device::new(&server.keys);
    let doc = bundled_pack().documents[0].id.clone();
    device
        .app
        .queue_feedback(
            &doc,
            "This number is disconnected",
            fieldref_core::content::Audience::Public,
        )
        .expect("queue");
    device.app.acknowledge(&doc).expect("ack");

    // No connection: the sync fails, the items stay queued.
    let offline = device
        .sync("http://127.0.0.1:9")
        .expect_err("nothing listens on port 9");
    assert!(offline.to_string().contains("127.0.0.1:9"), "{offline}");
    assert_eq!(device.app.outbox(true).expect("outbox").len(), 2);

    let report = device.sync(server.url()).expect("sync");
    assert_eq!(report.outbox_sent, 2);
    assert_eq!(report.status.outbox_pending, 0);
    let again = device.sync(server.url()).expect("sync again");
    assert_eq!(again.outbox_sent, 0);

    // An upload repeated after a lost response is stored once.
    let items = device.app.outbox(false).expect("outbox");
    let body = serde_json::json!({ "items": items });
    let url = format!("{}/v1/port-alder/outbox", server.url());
    let credential = fieldref_tests::enroll(server.url());
    for _ in 0..2 {
        let response = UreqTransport
            .send(&HttpRequest {
                method: "POST".to_owned(),
                url: url.clone(),
                headers: vec![
                    ("Content-Type".to_owned(), "application/json".to_owned()),
                    ("Authorization".to_owned(), format!("Device {credential}")),
                ],
                body: serde_json::to_vec(&body).expect("json"),
                max_response_bytes: 65536,
                timeout_ms: 10_000,
            })
            .expect("post");
        assert_eq!(response.status, 200);
    }
    let listed = UreqTransport
        .send(&HttpRequest {
            method: "GET".to_owned(),
            url: format!("{}/v1/port-alder/feedback", server.url()),
            headers: vec![(
                "Authorization".to_owned(),
                format!("Bearer {}", server.token),
            )],
            body: Vec::new(),
            max_response_bytes: 1 << 20,
            timeout_ms: 10_000,
        })
        .expect("list feedback");
    assert_eq!(listed.status, 200);
    let listed: serde_json::Value = serde_json::from_slice(&listed.body).expect("json");
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{listed}");
    assert!(items
        .iter()
        .any(|i| i["payload"] == "This number is disconnected"));
}

/// A release that changes only the settings (a trainer's new synonym) reaches the device by
/// delta, which then carries them; the next release, documents only, carries none, and the
/// device keeps the settings it has.
#[test]
fn a_delta_carries_the_settings_only_when_they_changed() {
    let server = Server::start();
    let v1 = bundled_pack();
    server.publish(&v1);
    let device = Device::new(&server.keys);
    device.sync(server.url()).expect("first sync");
    assert!(device.search("zephyrine").is_empty(), "no such word yet");

    let mut v2 = v1.clone();
    v2.info.synonyms.push("zephyrine = psychosis".to_owned());
    server.publish(&v2);
    let second = device.sync(server.url()).expect("settings by delta");
    assert_eq!(updated_by(&second), Some((1, 2, UpdatePath::Delta)));
    let by_synonym = device.search("zephyrine");
    assert!(!by_synonym.is_empty(), "the new synonym arrived");

    let (v3, _) = edited(&v2, 2, "Heliotrope hours extended.");
    server.publish(&v3);
    let third = device.sync(server.url()).expect("documents by delta");
    assert_eq!(updated_by(&third), Some((2, 3, UpdatePath::Delta)));
    assert_eq!(
        device.state().hash,
        fieldref_core::store::state_hash(&v3).expect("hash")
    );
    assert_eq!(device.search("zephyrine"), by_synonym, "settings kept");
}
