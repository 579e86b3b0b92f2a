//! HTTPS: the certificate and key from PEM files, served with rustls (ring), as Upstash serves
//! every database. Loaded once at start, so a bad file stops the gateway with a clear error.

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::{GatewayError, TlsFiles};

/// A client that has not finished its TLS handshake by then is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub fn acceptor(files: &TlsFiles) -> Result<TlsAcceptor, GatewayError> {
    let bad = |what: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        GatewayError::Tls(format!("{what} {}: {e}", path.display()))
    };
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| bad("cannot read the certificate file", &files.cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad("cannot parse the certificate file", &files.cert, &e))?;
    if certs.is_empty() {
        return Err(bad("no PEM certificate in", &files.cert, &"expected -----BEGIN CERTIFICATE-----"));
    }
    let key =
        PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad("cannot read a private key from", &files.key, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| GatewayError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| GatewayError::Tls(format!("the certificate and key do not make a usable pair: {e}")))?;
    let mut config = config;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
