//! HTTP behind one trait, so the phone shells sync with their platform's networking (OkHttp,
//! URLSession) and the CLI and tests with [`UreqTransport`]. The contract every implementation
//! keeps: never buffer more than `max_response_bytes` (fail with `TooLarge`), give up after
//! `timeout_ms`, and report HTTP statuses (including 304, 4xx, 5xx) as responses, not errors.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub max_response_bytes: u64,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("timed out")]
    Timeout,
    #[error("response larger than the {0} bytes expected")]
    TooLarge(u64),
    #[error("{0}")]
    Network(String),
}

/// Refuses plain `http://` except to this machine (loopback): content, manifests and feedback
/// cross networks only over HTTPS. Any other scheme is refused too.
pub fn check_server_url(url: &str) -> Result<(), super::SyncError> {
    let insecure = || super::SyncError::InsecureUrl {
        url: url.to_owned(),
    };
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(());
    }
    let rest = lower.strip_prefix("http://").ok_or_else(insecure)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(insecure())
    }
}

pub trait Transport: Send + Sync {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[cfg(feature = "http-client")]
pub use ureq_transport::{UreqTransport, UreqTransportTrusting};

#[cfg(feature = "http-client")]
mod ureq_transport {
    use std::time::Duration;

    use super::*;

    /// Blocking HTTP with rustls: the transport of the CLI, the server's tests and benchmarks.
    #[derive(Debug, Default, Clone)]
    pub struct UreqTransport;

    impl Transport for UreqTransport {
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
            send_with(ureq::tls::TlsConfig::default(), request)
        }
    }

    /// Like [`UreqTransport`], but HTTPS trusts only the given certificates (a department's own
    /// CA, or a test server's self-signed certificate) instead of the public web roots.
    #[derive(Debug, Clone)]
    pub struct UreqTransportTrusting {
        roots: std::sync::Arc<Vec<ureq::tls::Certificate<'static>>>,
    }

    impl UreqTransportTrusting {
        /// Every certificate in `pem`; `Network` if there is none or one is unreadable.
        pub fn from_pem(pem: &[u8]) -> Result<UreqTransportTrusting, TransportError> {
            let mut roots = Vec::new();
            for item in ureq::tls::parse_pem(pem) {
                match item.map_err(|e| TransportError::Network(format!("certificate: {e}")))? {
                    ureq::tls::PemItem::Certificate(cert) => roots.push(cert),
                    _ => continue,
                }
            }
            if roots.is_empty() {
                return Err(TransportError::Network(
                    "no certificate in the PEM file".to_owned(),
                ));
            }
            Ok(UreqTransportTrusting {
                roots: std::sync::Arc::new(roots),
            })
        }
    }

    impl Transport for UreqTransportTrusting {
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
            let tls = ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::clone(
                    &self.roots,
                )))
                .build();
            send_with(tls, request)
        }
    }

    fn send_with(
        tls: ureq::tls::TlsConfig,
        request: &HttpRequest,
    ) -> Result<HttpResponse, TransportError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(request.timeout_ms.max(1))))
            .http_status_as_error(false)
            .tls_config(tls)
            .build()
            .into();
        let result = match request.method.as_str() {
            "GET" => {
                let mut builder = agent.get(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(k, v);
                }
                builder.call()
            }
            "DELETE" => {
                let mut builder = agent.delete(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(k, v);
                }
                builder.call()
            }
            _ => {
                let mut builder = agent.post(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(k, v);
                }
                builder.send(&request.body[..])
            }
        };
        let mut response = result.map_err(map_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(request.max_response_bytes)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    TransportError::TooLarge(request.max_response_bytes)
                }
                other => map_error(other),
            })?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn map_error(e: ureq::Error) -> TransportError {
        match e {
            ureq::Error::Timeout(_) => TransportError::Timeout,
            ureq::Error::BodyExceedsLimit(n) => TransportError::TooLarge(n),
            other => TransportError::Network(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_server_url;

    #[test]
    fn plain_http_is_refused_except_to_loopback() {
        for ok in [
            "https://updates.example.org",
            "HTTPS://updates.example.org/x",
            "http://127.0.0.1:8750",
            "http://127.8.9.1/",
            "http://localhost:80/v1",
            "http://[::1]:8750",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://updates.example.org",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil.example",
            "http://user@10.0.0.1/",
            "http://127.0.0.1@evil.example/",
            "ftp://127.0.0.1/",
            "updates.example.org",
            "http://[::2]:80",
        ] {
            assert!(
                matches!(
                    check_server_url(refused),
                    Err(crate::sync::SyncError::InsecureUrl { .. })
                ),
                "{refused}"
            );
        }
    }
}
