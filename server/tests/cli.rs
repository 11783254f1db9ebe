//! The `fieldref-server` binary as an operator uses it: init, token create / list / revoke, and
//! refusing to serve with a release key in the data directory.

use std::path::Path;
use std::process::{Command, Output};

use fieldref_core::pack::{Envelope, Role, Root, SecretKey};

fn server(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldref-server"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run fieldref-server")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A data directory set up with `init` from freshly generated keys; returns the release key.
fn initialised(dir: &Path) -> SecretKey {
    let (root_key, release_key, online_key) = (
        SecretKey::generate().expect("randomness"),
        SecretKey::generate().expect("randomness"),
        SecretKey::generate().expect("randomness"),
    );
    let root = Root::first(root_key.public(), release_key.public(), online_key.public());
    let signed = Envelope::sign(Role::Root, &root, &[&root_key]).expect("sign");
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).expect("mkdir");
    std::fs::write(
        keys.join("root.json"),
        serde_json::to_vec(&signed).expect("json"),
    )
    .expect("write");
    std::fs::write(keys.join("online.key"), online_key.to_file(Role::Online)).expect("write");
    let data = dir.join("data");
    let root_arg = keys.join("root.json").display().to_string();
    let key_arg = keys.join("online.key").display().to_string();
    stdout(&server(
        &data,
        &["init", "--root", &root_arg, "--online-key", &key_arg],
    ));
    release_key
}

#[test]
fn tokens_are_created_listed_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    initialised(dir.path());
    let data = dir.path().join("data");
    let trainer = stdout(&server(
        &data,
        &[
            "token",
            "create",
            "--name",
            "ana",
            "--role",
            "trainer",
            "--channel",
            "port-alder",
        ],
    ));
    assert_eq!(trainer.trim().len(), 48, "a 24-byte hex token: {trainer}");
    let refused = server(
        &data,
        &["token", "create", "--name", "bo", "--role", "trainer"],
    );
    assert!(!refused.status.success(), "a trainer needs a channel");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("at least one channel"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&server(&data, &["token", "list", "--json"]))).expect("json");
    let tokens = listed.as_array().expect("list");
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["name"], "ana");
    assert_eq!(tokens[0]["channels"], serde_json::json!(["port-alder"]));
    assert!(tokens[0]["expires_at"].is_string(), "90 days by default");
    assert!(
        !listed.to_string().contains(trainer.trim()),
        "no secret listed"
    );

    let id = tokens[0]["id"].as_str().expect("id");
    assert!(stdout(&server(&data, &["token", "revoke", id])).contains("revoked 1"));
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&server(&data, &["token", "list", "--json"]))).expect("json");
    assert!(listed[0]["revoked_at"].is_string());
    assert!(!server(&data, &["token", "revoke", id]).status.success());
}

#[cfg(unix)]
#[test]
fn init_writes_the_online_key_0600_and_serve_refuses_a_release_key_in_the_data_dir() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let release_key = initialised(dir.path());
    let data = dir.path().join("data");
    let mode = std::fs::metadata(data.join("online.key"))
        .expect("online.key")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    std::fs::write(data.join("release.key"), release_key.to_file(Role::Release)).expect("write");
    let output = server(&data, &["--listen", "127.0.0.1:0"]);
    assert!(!output.status.success(), "must not serve");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("release key"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Stops the child server (by its own pid) when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_with_a_certificate_speaks_https_only() {
    use fieldref_core::sync::{HttpRequest, Transport, UreqTransport, UreqTransportTrusting};
    let dir = tempfile::tempdir().expect("tempdir");
    initialised(dir.path());
    let data = dir.path().join("data");
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).expect("write");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let _server = Running(
        Command::new(env!("CARGO_BIN_EXE_fieldref-server"))
            .arg("--data-dir")
            .arg(&data)
            .args(["--listen", &listen, "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key)
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let request = |url: &str| HttpRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: Vec::new(),
        body: Vec::new(),
        max_response_bytes: 65536,
        timeout_ms: 5_000,
    };
    let trusting = UreqTransportTrusting::from_pem(certified.cert.pem().as_bytes()).expect("pem");
    let https = format!("https://{listen}/healthz");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let response = loop {
        match trusting.send(&request(&https)) {
            Ok(response) => break response,
            // Not listening yet.
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("no HTTPS answer: {e}"),
        }
    };
    assert_eq!(response.status, 200);
    assert!(
        UreqTransport
            .send(&request(&format!("http://{listen}/healthz")))
            .map_or(true, |r| r.status != 200),
        "plain HTTP is not served on the TLS port"
    );
}
