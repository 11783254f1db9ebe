//! Who may do what on the server: scoped, expiring, revocable tokens (a test per refusal);
//! feedback only with a device credential, validated, rate-limited and kept for a bounded time;
//! and the server's own keys (online key 0600, no release key in its data directory).

use fieldref_server::db::{NewToken, TokenRole};
use fieldref_server::FeedbackPolicy;
use fieldref_tests::{add_token, bundled_pack, call, enroll, Server, CHANNEL};

fn bearer(token: &str) -> [(&'static str, String); 1] {
    [("Authorization", format!("Bearer {token}"))]
}

fn device_auth(credential: &str) -> [(&'static str, String); 1] {
    [("Authorization", format!("Device {credential}"))]
}

fn new_token(server: &Server, role: TokenRole, channels: &[&str]) -> String {
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    add_token(&conn, "someone", role, channels)
}

/// Publishes the next version with `token` (the real client and release key); the status.
fn publish_status(server: &Server, token: &str) -> u16 {
    let options = fieldref_core::sync::publish::PublishOptions {
        server: server.url(),
        token,
        key: &server.keys.release_key,
        dry_run: false,
        timeout_ms: 30_000,
    };
    let (pack, _) = fieldref_tests::edited(&bundled_pack(), 1, "Heliotrope");
    match fieldref_core::sync::publish::publish(
        &fieldref_core::sync::UreqTransport,
        &pack,
        &options,
        &mut |_| {},
    ) {
        Ok(_) => 201,
        Err(fieldref_core::Error::Sync(fieldref_core::sync::SyncError::Refused {
            status, ..
        })) => status,
        Err(e) => panic!("not a refusal: {e}"),
    }
}

fn feedback_url(server: &Server, channel: &str) -> String {
    format!("{}/v1/{channel}/feedback", server.url())
}

#[test]
fn a_trainer_token_for_another_channel_is_refused_with_403() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let other = new_token(&server, TokenRole::Trainer, &["river-bend"]);
    assert_eq!(publish_status(&server, &other), 403);
    let (status, _, body) = call(
        "GET",
        &feedback_url(&server, CHANNEL),
        &bearer(&other),
        None,
    );
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    // The same role on the right channel may.
    assert_eq!(publish_status(&server, &server.token), 201);
}

#[test]
fn a_viewer_reads_feedback_of_its_channel_and_may_not_publish() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let viewer = new_token(&server, TokenRole::Viewer, &[CHANNEL]);
    let (status, _, _) = call(
        "GET",
        &feedback_url(&server, CHANNEL),
        &bearer(&viewer),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(publish_status(&server, &viewer), 403);
    let tokens = format!("{}/v1/tokens", server.url());
    let request = serde_json::json!({ "name": "x", "role": "admin" });
    assert_eq!(
        call("POST", &tokens, &bearer(&viewer), Some(&request)).0,
        403
    );
    assert_eq!(call("GET", &tokens, &bearer(&viewer), None).0, 403);
}

#[test]
fn a_revoked_token_is_refused_with_401() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let trainer = new_token(&server, TokenRole::Trainer, &[CHANNEL]);
    let feedback = feedback_url(&server, CHANNEL);
    assert_eq!(call("GET", &feedback, &bearer(&trainer), None).0, 200);

    // Revoked over HTTP by an admin, by the public id `token list` shows.
    let tokens = format!("{}/v1/tokens", server.url());
    let (status, _, listed) = call("GET", &tokens, &bearer(&server.admin_token), None);
    assert_eq!(status, 200);
    let listed = listed["tokens"].as_array().expect("tokens");
    assert!(
        listed
            .iter()
            .all(|t| t.get("token").is_none() && t.get("hash").is_none()),
        "no secrets listed: {listed:?}"
    );
    let id = listed
        .iter()
        .find(|t| t["name"] == "someone")
        .and_then(|t| t["id"].as_str())
        .expect("listed");
    let revoke = format!("{tokens}/{id}");
    let (status, _, body) = call("DELETE", &revoke, &bearer(&server.admin_token), None);
    assert_eq!((status, body["revoked"].as_u64()), (200, Some(1)));

    let (status, _, body) = call("GET", &feedback, &bearer(&trainer), None);
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(publish_status(&server, &trainer), 401);
    assert_eq!(
        call("DELETE", &revoke, &bearer(&server.admin_token), None).0,
        404,
        "nothing left to revoke"
    );
}

#[test]
fn an_expired_token_is_refused_with_401() {
    let server = Server::start();
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    let channels = vec![CHANNEL.to_owned()];
    let expired = fieldref_server::db::add_token(
        &conn,
        &NewToken {
            name: "last-year",
            role: TokenRole::Trainer,
            channels: &channels,
            expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
        },
    )
    .expect("token");
    drop(conn);
    let (status, _, _) = call(
        "GET",
        &feedback_url(&server, CHANNEL),
        &bearer(&expired),
        None,
    );
    assert_eq!(status, 401);
    assert_eq!(publish_status(&server, &expired), 401);
}

#[test]
fn a_trainer_or_viewer_token_must_name_a_channel() {
    let server = Server::start();
    let tokens = format!("{}/v1/tokens", server.url());
    for role in ["trainer", "viewer"] {
        let request = serde_json::json!({ "name": "x", "role": role });
        let (status, _, body) = call(
            "POST",
            &tokens,
            &bearer(&server.admin_token),
            Some(&request),
        );
        assert_eq!(status, 400, "{body}");
    }
    let request = serde_json::json!({ "name": "x", "role": "trainer", "channels": ["../x"] });
    let (status, _, _) = call(
        "POST",
        &tokens,
        &bearer(&server.admin_token),
        Some(&request),
    );
    assert_eq!(status, 400);
}

fn item(id: &str, doc: &str, created_at: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "kind": "feedback", "doc_id": doc, "payload": "Number rings out",
        "created_at": created_at, "sent_at": null,
    })
}

fn items(list: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({ "items": list })
}

fn outbox_url(server: &Server) -> String {
    format!("{}/v1/{CHANNEL}/outbox", server.url())
}

fn stored_feedback(server: &Server) -> Vec<serde_json::Value> {
    let (status, _, body) = call(
        "GET",
        &feedback_url(server, CHANNEL),
        &bearer(&server.admin_token),
        None,
    );
    assert_eq!(status, 200);
    body["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn feedback_without_a_device_credential_is_refused_with_401() {
    let server = Server::start();
    let pack = bundled_pack();
    server.publish(&pack);
    let doc = &pack.documents[0].id;
    let now = chrono::Utc::now().to_rfc3339();
    let body = items(vec![item("a1", doc, &now)]);
    for auth in [
        vec![],
        vec![("Authorization", "Device not-a-credential".to_owned())],
        bearer(&server.token).to_vec(),
    ] {
        let (status, _, answer) = call("POST", &outbox_url(&server), &auth, Some(&body));
        assert_eq!(
            (status, answer["code"].as_str()),
            (401, Some("unauthorized"))
        );
    }
    assert!(stored_feedback(&server).is_empty(), "nothing stored");
    let credential = enroll(server.url());
    let (status, _, _) = call(
        "POST",
        &outbox_url(&server),
        &device_auth(&credential),
        Some(&body),
    );
    assert_eq!(status, 200, "a device credential is enough");
    assert_eq!(stored_feedback(&server).len(), 1);
}

#[test]
fn a_credential_from_another_channel_is_refused() {
    let server = Server::start();
    let pack = bundled_pack();
    server.publish(&pack);
    let other = fieldref_tests::edited(&pack, 0, "").0;
    let mut other = other;
    other.info.channel = "river-bend".to_owned();
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    let admin_publishes_anywhere = add_token(&conn, "ops", TokenRole::Admin, &[]);
    drop(conn);
    let options = fieldref_core::sync::publish::PublishOptions {
        server: server.url(),
        token: &admin_publishes_anywhere,
        key: &server.keys.release_key,
        dry_run: false,
        timeout_ms: 30_000,
    };
    fieldref_core::sync::publish::publish(
        &fieldref_core::sync::UreqTransport,
        &other,
        &options,
        &mut |_| {},
    )
    .expect("publish river-bend");
    let (status, _, body) = call(
        "POST",
        &format!("{}/v1/river-bend/devices", server.url()),
        &[],
        None,
    );
    assert_eq!(status, 201);
    let credential = body["credential"].as_str().expect("credential");
    let doc = &pack.documents[0].id;
    let body = items(vec![item("b1", doc, &chrono::Utc::now().to_rfc3339())]);
    let (status, _, _) = call(
        "POST",
        &outbox_url(&server),
        &device_auth(credential),
        Some(&body),
    );
    assert_eq!(status, 401);
}

#[test]
fn enrolling_on_an_unknown_channel_is_refused() {
    let server = Server::start();
    let url = format!("{}/v1/{CHANNEL}/devices", server.url());
    assert_eq!(call("POST", &url, &[], None).0, 404, "no release yet");
    let url = format!("{}/v1/..%2Fx/devices", server.url());
    assert_eq!(call("POST", &url, &[], None).0, 400);
}

#[test]
fn a_hundred_quick_posts_get_429_with_retry_after() {
    let server = Server::start();
    let pack = bundled_pack();
    server.publish(&pack);
    let credential = enroll(server.url());
    let doc = &pack.documents[0].id;
    let limit = FeedbackPolicy::default().posts_per_minute as usize;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..100 {
        let body = items(vec![item(
            &format!("q{i}"),
            doc,
            &chrono::Utc::now().to_rfc3339(),
        )]);
        let (status, headers, _) = call(
            "POST",
            &outbox_url(&server),
            &device_auth(&credential),
            Some(&body),
        );
        if status == 429 && retry_after.is_none() {
            retry_after = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
                .and_then(|(_, v)| v.parse::<u64>().ok());
        }
        statuses.push(status);
    }
    assert!(statuses[..limit].iter().all(|s| *s == 200), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|s| *s == 429), "{statuses:?}");
    assert!(
        retry_after.is_some_and(|s| (1..=60).contains(&s)),
        "Retry-After: {retry_after:?}"
    );
    assert_eq!(
        stored_feedback(&server).len(),
        limit,
        "refused posts stored nothing"
    );
    // Another install is not punished for this one.
    let other = enroll(server.url());
    let body = items(vec![item("other-1", doc, &chrono::Utc::now().to_rfc3339())]);
    assert_eq!(
        call(
            "POST",
            &outbox_url(&server),
            &device_auth(&other),
            Some(&body)
        )
        .0,
        200
    );
}

#[test]
fn minting_credentials_from_one_address_is_limited_too() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let per_address = FeedbackPolicy::default().enrollments_per_address_per_minute as usize;
    let url = format!("{}/v1/{CHANNEL}/devices", server.url());
    let statuses: Vec<u16> = (0..per_address + 3)
        .map(|_| call("POST", &url, &[], None).0)
        .collect();
    assert!(
        statuses[..per_address].iter().all(|s| *s == 201),
        "{statuses:?}"
    );
    assert!(
        statuses[per_address..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
}

#[test]
fn feedback_is_validated_and_a_bad_item_stores_nothing_of_its_upload() {
    let server = Server::start();
    let pack = bundled_pack();
    server.publish(&pack);
    let credential = enroll(server.url());
    let doc = &pack.documents[0].id;
    let now = chrono::Utc::now();
    let fine = item("ok-1", doc, &now.to_rfc3339());
    let cases = [
        (
            "unknown document",
            item("v1", "no-such-doc", &now.to_rfc3339()),
        ),
        (
            "created tomorrow",
            item("v2", doc, &(now + chrono::Duration::days(1)).to_rfc3339()),
        ),
        (
            "created years ago",
            item(
                "v3",
                doc,
                &(now - chrono::Duration::days(3650)).to_rfc3339(),
            ),
        ),
        ("not a time", item("v4", doc, "yesterday")),
        ("bad id", item("../../etc", doc, &now.to_rfc3339())),
    ];
    for (what, bad) in cases {
        let body = items(vec![fine.clone(), bad]);
        let (status, _, answer) = call(
            "POST",
            &outbox_url(&server),
            &device_auth(&credential),
            Some(&body),
        );
        assert_eq!(status, 400, "{what}: {answer}");
        assert_eq!(answer["code"], "bad_request", "{what}");
    }
    assert!(stored_feedback(&server).is_empty(), "nothing stored");
    let unknown = format!("{}/v1/river-bend/outbox", server.url());
    let body = items(vec![fine]);
    let (status, _, _) = call("POST", &unknown, &device_auth(&credential), Some(&body));
    assert_eq!(status, 401, "the credential is for port-alder only");
}

#[test]
fn feedback_past_its_retention_is_deleted() {
    let server = Server::start();
    let pack = bundled_pack();
    server.publish(&pack);
    let doc = &pack.documents[0].id;
    let old = (chrono::Utc::now() - chrono::Duration::days(400)).to_rfc3339();
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    conn.execute(
        "INSERT INTO outbox(id, channel, kind, doc_id, payload, created_at, received_at)
         VALUES ('ancient', ?1, 'feedback', ?2, 'old news', ?3, ?3)",
        [CHANNEL, doc.as_str(), old.as_str()],
    )
    .expect("insert");
    drop(conn);
    assert_eq!(stored_feedback(&server).len(), 1);
    let credential = enroll(server.url());
    let body = items(vec![item("new-1", doc, &chrono::Utc::now().to_rfc3339())]);
    assert_eq!(
        call(
            "POST",
            &outbox_url(&server),
            &device_auth(&credential),
            Some(&body)
        )
        .0,
        200
    );
    let ids: Vec<_> = stored_feedback(&server)
        .iter()
        .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        ids,
        vec!["new-1".to_owned()],
        "the 400-day-old item is gone"
    );
}

#[cfg(unix)]
#[test]
fn the_online_key_is_written_0600_and_a_release_key_in_the_data_dir_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let server = Server::start();
    let key = server.data_dir().join("online.key");
    let mode = std::fs::metadata(&key).expect("key").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "online.key mode {mode:o}");

    // Loosened by hand: tightened again when the server opens.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let config = fieldref_server::Config::new(server.data_dir());
    fieldref_server::AppState::open(&config).expect("opens");
    let mode = std::fs::metadata(&key).expect("key").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let stray = server.data_dir().join("roots").join("release.key");
    std::fs::write(
        &stray,
        server
            .keys
            .release_key
            .to_file(fieldref_core::pack::Role::Release),
    )
    .expect("write");
    let err = match fieldref_server::AppState::open(&config) {
        Ok(_) => panic!("must refuse to start with the release key"),
        Err(err) => err,
    };
    assert!(
        matches!(
            err.downcast_ref::<fieldref_server::SetupError>(),
            Some(fieldref_server::SetupError::ReleaseKeyInDataDir(p)) if *p == stray
        ),
        "{err}"
    );
}

#[test]
fn a_trainer_marks_feedback_resolved_and_a_viewer_may_not() {
    let server = Server::start();
    let pack = bundled_pack();
    server.publish(&pack);
    let now = chrono::Utc::now().to_rfc3339();
    let credential = enroll(server.url());
    let body = items(vec![item("r1", &pack.documents[0].id, &now)]);
    let (status, _, _) = call(
        "POST",
        &outbox_url(&server),
        &device_auth(&credential),
        Some(&body),
    );
    assert_eq!(status, 200);
    assert!(stored_feedback(&server)[0]["resolved_at"].is_null());
    let resolve = |id: &str, token: &str| {
        let url = format!("{}/v1/{CHANNEL}/feedback/{id}/resolve", server.url());
        call("POST", &url, &bearer(token), None)
    };
    let viewer = new_token(&server, TokenRole::Viewer, &[CHANNEL]);
    assert_eq!(resolve("r1", &viewer).0, 403, "viewers only read");
    let elsewhere = new_token(&server, TokenRole::Trainer, &["another-city"]);
    assert_eq!(
        resolve("r1", &elsewhere).0,
        403,
        "a trainer of another channel"
    );
    assert_eq!(resolve("r1", "not-a-token").0, 401);
    assert!(
        stored_feedback(&server)[0]["resolved_at"].is_null(),
        "refusals change nothing"
    );
    let (status, _, answer) = resolve("r1", &server.token);
    assert_eq!(status, 200);
    let first = answer["resolved_at"]
        .as_str()
        .expect("resolved_at")
        .to_owned();
    let stored = &stored_feedback(&server)[0];
    assert_eq!(stored["resolved_at"].as_str(), Some(first.as_str()));
    assert!(stored["resolved_by"].is_string());
    let (_, _, again) = resolve("r1", &server.token);
    assert_eq!(
        again["resolved_at"].as_str(),
        Some(first.as_str()),
        "idempotent"
    );
    assert_eq!(resolve("no-such-item", &server.token).0, 404);
}
