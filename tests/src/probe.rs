//! What tests send and measure: single requests with the real client, a device enrollment,
//! request counting around the real transport, and the process's peak memory.

use fieldref_core::sync::UreqTransport;

use crate::CHANNEL;

/// Asks `server` for a new anonymous device credential (what a device's first sync does).
pub fn enroll(server: &str) -> String {
    use fieldref_core::sync::{HttpRequest, Transport};
    let response = UreqTransport
        .send(&HttpRequest {
            method: "POST".to_owned(),
            url: format!("{server}/v1/{CHANNEL}/devices"),
            headers: Vec::new(),
            body: Vec::new(),
            max_response_bytes: 65536,
            timeout_ms: 10_000,
        })
        .expect("enroll");
    assert_eq!(response.status, 201, "enrollment");
    let body: serde_json::Value = serde_json::from_slice(&response.body).expect("json");
    body["credential"].as_str().expect("credential").to_owned()
}

/// The peak resident memory of this test process so far (Linux `VmHWM`), in bytes.
pub fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// A transport that counts the requests whose URL contains a marker (e.g. `/root/`).
pub struct Counting {
    pub marker: &'static str,
    pub count: std::sync::atomic::AtomicUsize,
}

impl Counting {
    pub fn new(marker: &'static str) -> Counting {
        Counting {
            marker,
            count: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    pub fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl fieldref_core::sync::Transport for Counting {
    fn send(
        &self,
        request: &fieldref_core::sync::HttpRequest,
    ) -> Result<fieldref_core::sync::HttpResponse, fieldref_core::sync::TransportError> {
        if request.url.contains(self.marker) {
            self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        fieldref_core::sync::Transport::send(&UreqTransport, request)
    }
}

/// One HTTP request with the real client; the status and the body as JSON (Null if not JSON).
pub fn call(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Option<&serde_json::Value>,
) -> (u16, Vec<(String, String)>, serde_json::Value) {
    use fieldref_core::sync::{HttpRequest, Transport};
    let response = UreqTransport
        .send(&HttpRequest {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            body: body
                .map(|b| serde_json::to_vec(b).expect("json"))
                .unwrap_or_default(),
            max_response_bytes: 1 << 20,
            timeout_ms: 30_000,
        })
        .expect("request");
    let json = serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null);
    (response.status, response.headers, json)
}
