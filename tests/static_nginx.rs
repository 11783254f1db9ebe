//! The static export served by a real web server: `fieldref-server export` output under nginx
//! (Debian's package; `tests/suites/nginx.sh` installs it when missing and runs this test) on
//! loopback, and a device syncing from it by snapshot, then by delta, then with one 304 from
//! nginx's own ETag. Ignored in a plain `cargo test` so a machine without nginx still runs the
//! rest; the suite runs it with `--ignored`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fieldref_core::sync::{
    HttpRequest, HttpResponse, SyncConfig, SyncOutcome, Transport, TransportError, UpdatePath,
    UreqTransport,
};
use fieldref_tests::{bundled_pack, edited, Device, Server};

/// nginx in the foreground on 127.0.0.1, serving `root`; stopped (by its own pid) on drop.
struct Nginx {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn serve(root: &Path) -> Nginx {
        let binary = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("nginx is not installed: run tests/suites/nginx.sh (apt-get install -y nginx)");
        let dir = tempfile::tempdir().expect("tempdir");
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            probe.local_addr().expect("address").port()
        };
        let d = dir.path().display();
        // One process, no user switch (so it reads the test's private temp dirs), no daemon.
        let config = format!(
            r#"daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ application/json json; }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location ~ /manifest\.json$ {{ add_header Cache-Control "public, max-age=60"; }}
        location ~ /blobs/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
    }}
}}
"#,
            root = root.display()
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config).expect("config");
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nginx");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start: {}", {
                std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            });
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            child,
            url,
            _dir: dir,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Records the status of every manifest request (what the device saw from nginx).
#[derive(Default)]
struct Recording {
    manifest_statuses: Mutex<Vec<u16>>,
    etags: Mutex<Vec<String>>,
}

impl Transport for Recording {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = UreqTransport.send(request)?;
        if request.url.ends_with("/manifest.json") {
            self.manifest_statuses
                .lock()
                .expect("lock")
                .push(response.status);
            if let Some(tag) = response.header("etag") {
                self.etags.lock().expect("lock").push(tag.to_owned());
            }
        }
        Ok(response)
    }
}

fn updated(outcome: &SyncOutcome) -> Option<(u64, u64, UpdatePath)> {
    match outcome {
        SyncOutcome::Updated { from, to, path, .. } => Some((*from, *to, *path)),
        _ => None,
    }
}

#[test]
#[ignore = "needs nginx: run by tests/suites/nginx.sh"]
fn a_device_syncs_from_the_static_export_served_by_nginx_by_snapshot_delta_and_304() {
    let server = Server::start();
    let v1 = bundled_pack();
    server.publish(&v1);
    let site = tempfile::tempdir().expect("tempdir");
    fieldref_server::export(&server.state, site.path()).expect("export v1");
    let nginx = Nginx::serve(site.path());
    let device = Device::new(&server.keys);
    let wire = Recording::default();
    let config = SyncConfig::new(nginx.url.clone());

    let first = device.app.sync(&wire, &config).expect("sync v1 from nginx");
    assert_eq!(
        updated(&first.outcome),
        Some((0, 1, UpdatePath::Snapshot)),
        "{first:?}"
    );
    assert!(
        first.outbox_error.is_none(),
        "nothing queued, nothing to upload"
    );

    let (v2, changed) = edited(&v1, 3, "Marigold");
    server.publish(&v2);
    fieldref_server::export(&server.state, site.path()).expect("export v2 over v1");
    let second = device.app.sync(&wire, &config).expect("sync v2 from nginx");
    assert_eq!(
        updated(&second.outcome),
        Some((1, 2, UpdatePath::Delta)),
        "{second:?}"
    );
    assert!(device.search("Marigold").contains(&changed[0]));

    let third = device.app.sync(&wire, &config).expect("check again");
    assert_eq!(third.outcome, SyncOutcome::UpToDate { version: 2 });
    let statuses = wire.manifest_statuses.lock().expect("lock").clone();
    assert_eq!(
        statuses,
        vec![200, 200, 304],
        "nginx answered the unchanged manifest with 304"
    );
    let etags = wire.etags.lock().expect("lock").clone();
    assert!(
        etags.len() >= 2 && etags[0] != etags[1],
        "nginx's own ETags change with the file: {etags:?}"
    );
    assert_eq!(device.state().version, 2);
    drop(nginx);
}
