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

pub trait Transport: Send + Sync {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[cfg(feature = "http-client")]
pub use ureq_transport::UreqTransport;

#[cfg(feature = "http-client")]
mod ureq_transport {
    use std::time::Duration;

    use super::*;

    /// Blocking HTTP with rustls: the transport of the CLI, the server's tests and benchmarks.
    #[derive(Debug, Default, Clone)]
    pub struct UreqTransport;

    impl Transport for UreqTransport {
        fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_millis(request.timeout_ms.max(1))))
                .http_status_as_error(false)
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
    }

    fn map_error(e: ureq::Error) -> TransportError {
        match e {
            ureq::Error::Timeout(_) => TransportError::Timeout,
            ureq::Error::BodyExceedsLimit(n) => TransportError::TooLarge(n),
            other => TransportError::Network(other.to_string()),
        }
    }
}
