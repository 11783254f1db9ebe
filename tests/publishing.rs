//! The trainers' side of the server: tokens, validation, and publishes racing each other.

use fieldref_core::pack::Manifest;
use fieldref_core::sync::publish::{publish, PublishOptions};
use fieldref_core::sync::{HttpRequest, Transport, UreqTransport};
use fieldref_tests::{bundled_pack, edited, Server};

fn get(url: &str, token: Option<&str>) -> (u16, serde_json::Value) {
    let headers = token
        .map(|t| vec![("Authorization".to_owned(), format!("Bearer {t}"))])
        .unwrap_or_default();
    let response = UreqTransport
        .send(&HttpRequest {
            method: "GET".to_owned(),
            url: url.to_owned(),
            headers,
            body: Vec::new(),
            max_response_bytes: 1 << 24,
            timeout_ms: 10_000,
        })
        .expect("request");
    (
        response.status,
        serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null),
    )
}

fn published_version(server: &Server) -> u64 {
    let (status, body) = get(
        &format!("{}/v1/port-alder/manifest.json", server.url()),
        None,
    );
    assert_eq!(status, 200);
    let envelope: fieldref_core::pack::Envelope = serde_json::from_value(body).expect("envelope");
    envelope.unverified::<Manifest>().expect("manifest").version
}

#[test]
fn publishing_needs_a_valid_token() {
    let server = Server::start();
    let pack = bundled_pack();
    for token in ["", "not-a-token"] {
        let options = PublishOptions {
            server: server.url(),
            token,
            key: &server.keys.release_key,
            dry_run: false,
            timeout_ms: 10_000,
        };
        let err =
            publish(&UreqTransport, &pack, &options, &mut |_| {}).expect_err("no valid token");
        assert!(
            matches!(
                &err,
                fieldref_core::Error::Sync(fieldref_core::sync::SyncError::Refused {
                    status: 401,
                    ..
                })
            ),
            "{err}"
        );
    }
    let (status, body) = get(&format!("{}/v1/port-alder/feedback", server.url()), None);
    assert_eq!(status, 401);
    assert_eq!(body["code"], "unauthorized");
    assert_eq!(server.publish(&pack).version, 1, "the trainer token works");
    let (status, _) = get(
        &format!("{}/v1/port-alder/feedback", server.url()),
        Some(&server.admin_token),
    );
    assert_eq!(status, 200);
    assert_eq!(get(&format!("{}/healthz", server.url()), None).0, 200);
}

#[test]
fn a_dry_run_shows_the_changes_and_publishes_nothing() {
    let server = Server::start();
    let v1 = bundled_pack();
    server.publish(&v1);
    let (mut v2, _) = edited(&v1, 2, "Marigold");
    let removed = v2.documents.pop().expect("a document").id;
    let options = PublishOptions {
        server: server.url(),
        token: &server.token,
        key: &server.keys.release_key,
        dry_run: true,
        timeout_ms: 10_000,
    };
    let outcome = publish(&UreqTransport, &v2, &options, &mut |_| {}).expect("dry run");
    assert!(outcome.dry_run);
    assert_eq!(outcome.version, 2);
    let changed: usize = outcome.changes.iter().map(|c| c.changed).sum();
    let removed_count: usize = outcome.changes.iter().map(|c| c.removed).sum();
    assert_eq!(
        (changed, removed_count),
        (2, 1),
        "{:?} (removed {removed})",
        outcome.changes
    );
    assert_eq!(published_version(&server), 1, "nothing was published");
}

#[test]
fn two_concurrent_publishes_make_two_consecutive_versions() {
    let server = Server::start();
    let v1 = bundled_pack();
    server.publish(&v1);
    let (a, _) = edited(&v1, 1, "Marigold");
    let (b, _) = edited(&v1, 2, "Heliotrope");
    let versions: Vec<u64> = std::thread::scope(|scope| {
        let runs: Vec<_> = [&a, &b]
            .into_iter()
            .map(|pack| scope.spawn(|| server.publish(pack).version))
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("publish thread"))
            .collect()
    });
    let mut sorted = versions.clone();
    sorted.sort();
    assert_eq!(sorted, vec![2, 3], "{versions:?}");
    assert_eq!(published_version(&server), 3);
}

#[test]
fn a_release_whose_snapshot_does_not_match_is_refused() {
    let server = Server::start();
    let pack = bundled_pack();
    // Sign a release for one pack, upload the snapshot of another.
    let (other, _) = edited(&pack, 1, "Marigold");
    let (snapshot, decoded_size) = fieldref_core::pack::encode_sized(&other).expect("encode");
    let release = fieldref_core::pack::Release {
        channel: pack.info.channel.clone(),
        version: 1,
        previous: 0,
        created: chrono::Utc::now().to_rfc3339(),
        state_sha256: fieldref_core::store::state_hash(&pack).expect("hash"),
        snapshot: fieldref_core::pack::BlobRef::of(&snapshot),
        decoded_size,
        audience: fieldref_core::content::Audience::Public,
    };
    let envelope = fieldref_core::pack::Envelope::sign(
        fieldref_core::pack::Role::Release,
        &release,
        &[&server.keys.release_key],
    )
    .expect("sign");
    use base64::Engine as _;
    let body = serde_json::json!({ "release": envelope, "snapshot": base64::engine::general_purpose::STANDARD.encode(&snapshot) });
    let response = UreqTransport
        .send(&HttpRequest {
            method: "POST".to_owned(),
            url: format!("{}/v1/port-alder/publish", server.url()),
            headers: vec![(
                "Authorization".to_owned(),
                format!("Bearer {}", server.token),
            )],
            body: serde_json::to_vec(&body).expect("json"),
            max_response_bytes: 1 << 20,
            timeout_ms: 10_000,
        })
        .expect("post");
    assert_eq!(response.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&response.body).expect("json error");
    assert!(
        body["error"]
            .as_str()
            .expect("message")
            .contains("state hash"),
        "{body}"
    );
    assert_eq!(
        get(
            &format!("{}/v1/port-alder/manifest.json", server.url()),
            None
        )
        .0,
        404,
        "nothing published"
    );
}

fn post(url: &str, token: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = UreqTransport
        .send(&HttpRequest {
            method: "POST".to_owned(),
            url: url.to_owned(),
            headers: vec![("Authorization".to_owned(), format!("Bearer {token}"))],
            body: serde_json::to_vec(&body).expect("json"),
            max_response_bytes: 1 << 20,
            timeout_ms: 10_000,
        })
        .expect("post");
    (
        response.status,
        serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null),
    )
}

#[test]
fn only_admins_create_tokens_and_new_tokens_work() {
    let server = Server::start();
    let url = format!("{}/v1/tokens", server.url());
    let request =
        serde_json::json!({ "name": "bob", "role": "trainer", "channels": ["port-alder"] });
    assert_eq!(
        post(&url, &server.token, request.clone()).0,
        403,
        "a trainer may not"
    );
    assert_eq!(post(&url, "bogus", request.clone()).0, 401);
    let (status, created) = post(&url, &server.admin_token, request);
    assert_eq!(status, 201);
    let token = created["token"].as_str().expect("token");
    let (status, _) = get(
        &format!("{}/v1/port-alder/feedback", server.url()),
        Some(token),
    );
    assert_eq!(status, 200, "the new token authenticates");
    let (status, body) = post(
        &url,
        &server.admin_token,
        serde_json::json!({ "name": "x", "role": "superuser" }),
    );
    assert_eq!(status, 400);
    assert!(body["error"]
        .as_str()
        .expect("message")
        .contains("superuser"));
}
