//! HTTPS served by the server itself (rustls with the ring provider): give it a certificate
//! chain and its key in PEM, and devices reach it without a proxy in front.

use std::sync::Arc;

use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why a certificate or key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("certificate: {0}")]
    Certificate(String),
    #[error("private key: {0}")]
    Key(String),
    #[error("TLS configuration: {0}")]
    Config(#[from] rustls::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A server TLS configuration from a PEM certificate chain and a PEM private key.
pub fn tls_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<RustlsConfig, TlsError> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Certificate(e.to_string()))?;
    if chain.is_empty() {
        return Err(TlsError::Certificate(
            "no certificate in the PEM".to_owned(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| TlsError::Key(e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// Serves `router` over TLS on an already bound listener until the future is dropped.
pub async fn serve_tls(
    listener: std::net::TcpListener,
    router: axum::Router,
    config: RustlsConfig,
) -> Result<(), TlsError> {
    listener.set_nonblocking(true)?;
    axum_server::from_tcp_rustls(listener, config)?
        .serve(router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await?;
    Ok(())
}

/// Serves `router` over plain HTTP on `listener`, with each client's address known to the
/// routes that limit per address.
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
}
