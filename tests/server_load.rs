//! The server under a big publish: devices' manifest reads do not wait for it (SQLite work runs
//! on blocking threads, the publish's slow part outside its short write transaction).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use fieldref_core::content::Pack;
use fieldref_core::sync::publish::{publish, PublishOptions};
use fieldref_core::sync::{HttpRequest, Transport, UreqTransport};
use fieldref_tests::{bundled_pack, Server, CHANNEL};

/// Documents in the big release (the size of a large city's directory).
const BIG: usize = 52_000;

/// The bundled pack plus `BIG` contacts cloned from its first contact under new ids.
fn big_pack() -> Pack {
    let mut pack = bundled_pack();
    let template = pack
        .documents
        .iter()
        .find(|d| d.as_contact().is_some())
        .expect("a contact")
        .clone();
    for i in 0..BIG {
        let mut doc = template.clone();
        doc.id = format!("{}-copy-{i:05}", template.id);
        doc.title = format!("{} {i}", template.title);
        pack.documents.push(doc);
    }
    pack.documents.sort_by(|a, b| a.id.cmp(&b.id));
    pack
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[test]
fn manifest_reads_stay_fast_while_a_52000_document_publish_runs() {
    let server = Server::start();
    server.publish(&bundled_pack());
    let big = big_pack();
    let uploading = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let url = format!("{}/v1/{CHANNEL}/manifest.json", server.url());
    let (samples, publish_time) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut samples = Vec::new();
            while !done.load(Ordering::SeqCst) {
                if !uploading.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                let started = Instant::now();
                let response = UreqTransport
                    .send(&HttpRequest {
                        method: "GET".to_owned(),
                        url: url.clone(),
                        headers: Vec::new(),
                        body: Vec::new(),
                        max_response_bytes: 1 << 20,
                        timeout_ms: 30_000,
                    })
                    .expect("manifest");
                assert_eq!(response.status, 200);
                samples.push(started.elapsed());
                std::thread::sleep(Duration::from_millis(10));
            }
            samples
        });
        let options = PublishOptions {
            server: server.url(),
            token: &server.token,
            key: &server.keys.release_key,
            dry_run: false,
            timeout_ms: 600_000,
        };
        let mut upload_started = None;
        let outcome = publish(&UreqTransport, &big, &options, &mut |step| {
            if step.starts_with("signing and uploading") {
                upload_started = Some(Instant::now());
                uploading.store(true, Ordering::SeqCst);
            }
        })
        .expect("big publish");
        done.store(true, Ordering::SeqCst);
        assert_eq!(outcome.version, 2);
        let publish_time = upload_started.map(|t| t.elapsed()).unwrap_or_default();
        (reader.join().expect("reader"), publish_time)
    });
    let mut sorted = samples.clone();
    sorted.sort();
    assert!(
        sorted.len() >= 20,
        "{} manifest reads during a {publish_time:?} upload and server-side publish",
        sorted.len()
    );
    let p99 = percentile(&sorted, 0.99);
    eprintln!(
        "manifest during a {BIG}-document publish ({publish_time:?} server side): {} reads, p50 {:?}, p99 {:?}, max {:?}",
        sorted.len(),
        percentile(&sorted, 0.5),
        p99,
        sorted[sorted.len() - 1]
    );
    assert!(p99 < Duration::from_millis(50), "p99 {p99:?}");
}
