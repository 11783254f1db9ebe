//! HTTP for sync, implemented by the shells with platform networking (OkHttp or
//! HttpURLConnection on Android, URLSession on iOS) and handed to [`crate::FieldRefApp::sync`].
//! The contract is the core's: stop reading past `max_response_bytes`, give up after
//! `timeout_ms`, and return HTTP statuses (304, 4xx, 5xx) as responses.

use std::sync::Arc;

use fieldref_core::sync as core_sync;

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransportRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<HttpHeader>,
    pub body: Vec<u8>,
    pub max_response_bytes: u64,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransportResponse {
    pub status: u16,
    pub headers: Vec<HttpHeader>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportFailure {
    #[error("timed out")]
    Timeout,
    #[error("response larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{detail}")]
    Network { detail: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportFailure {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportFailure::Network { detail: e.reason }
    }
}

/// Implemented by the shell.
#[uniffi::export(foreign)]
pub trait HttpTransport: Send + Sync {
    fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportFailure>;
}

/// Implemented by a shell whose platform HTTP is async (URLSession's `data(for:)` on iOS), for
/// [`crate::FieldRefApp::sync_async`]: no thread of the shell waits on a semaphore for a reply.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait AsyncHttpTransport: Send + Sync {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportFailure>;
}

/// Lets the core call a shell's transport.
pub(crate) struct ForeignTransport(pub Arc<dyn HttpTransport>);

/// Lets the core (blocking, on the sync's own thread) call a shell's async transport: that
/// thread parks until the shell's future completes; the shell's threads never block.
pub(crate) struct ForeignAsyncTransport(pub Arc<dyn AsyncHttpTransport>);

impl core_sync::Transport for ForeignTransport {
    fn send(
        &self,
        request: &core_sync::HttpRequest,
    ) -> Result<core_sync::HttpResponse, core_sync::TransportError> {
        into_core(self.0.send(from_core(request)))
    }
}

impl core_sync::Transport for ForeignAsyncTransport {
    fn send(
        &self,
        request: &core_sync::HttpRequest,
    ) -> Result<core_sync::HttpResponse, core_sync::TransportError> {
        into_core(crate::background::block_on(self.0.send(from_core(request))))
    }
}

fn from_core(request: &core_sync::HttpRequest) -> TransportRequest {
    TransportRequest {
        method: request.method.clone(),
        url: request.url.clone(),
        headers: request
            .headers
            .iter()
            .map(|(name, value)| HttpHeader {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        body: request.body.clone(),
        max_response_bytes: request.max_response_bytes,
        timeout_ms: request.timeout_ms,
    }
}

fn into_core(
    result: Result<TransportResponse, TransportFailure>,
) -> Result<core_sync::HttpResponse, core_sync::TransportError> {
    let response = result.map_err(|failure| match failure {
        TransportFailure::Timeout => core_sync::TransportError::Timeout,
        TransportFailure::TooLarge { limit } => core_sync::TransportError::TooLarge(limit),
        TransportFailure::Network { detail } => core_sync::TransportError::Network(detail),
    })?;
    Ok(core_sync::HttpResponse {
        status: response.status,
        headers: response
            .headers
            .into_iter()
            .map(|h| (h.name, h.value))
            .collect(),
        body: response.body,
    })
}
