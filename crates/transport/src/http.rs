use std::error::Error as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};

use crate::{ClientConfig, ResponseEncoding, TransportError};

const SYNC_TOKEN: &str = "upstash-sync-token";

/// The answer to one request: any status, whole body.
pub struct HttpReply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// One pooled keep-alive HTTP/1.1 client per Redis client, plus the read-your-writes token.
pub struct Http {
    client: reqwest::Client,
    config: Arc<ClientConfig>,
    sync_token: Arc<Mutex<String>>,
}

impl Http {
    pub fn new(config: Arc<ClientConfig>, sync_token: Arc<Mutex<String>>) -> Result<Self, TransportError> {
        let mut headers = HeaderMap::new();
        // lib/options.js refuses such a token (`isHeaderValue`, this same rule) before any client is
        // built, naming the option; reaching this is a bug, not a configuration error.
        let bearer = HeaderValue::from_str(&format!("Bearer {}", config.token)).map_err(|_| {
            TransportError::Internal("the REST token contains characters that cannot be sent in a header".into())
        })?;
        headers.insert(AUTHORIZATION, sensitive(bearer));
        let client = with_tls(reqwest::Client::builder(), &config)?
            .default_headers(headers)
            .http1_only()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(config.pool_size)
            .build()
            .map_err(|e| TransportError::Config(format!("cannot build the HTTP client: {}", root_cause(&e))))?;
        Ok(Self { client, config, sync_token })
    }

    /// POSTs `body` to `path` (`""` for the base URL), asking for replies in `encoding`, and
    /// returns the reply, whatever its status; no answer within `timeout` is
    /// [`TransportError::Unanswered`].
    pub async fn post(
        &self,
        path: &str,
        body: Vec<u8>,
        content_type: &'static str,
        encoding: ResponseEncoding,
        timeout: Duration,
    ) -> Result<HttpReply, TransportError> {
        let classify = |e| match classify(e, timeout) {
            TransportError::Timeout(ms) => TransportError::Unanswered(ms),
            other => other,
        };
        let mut request = self
            .client
            .post(format!("{}{}", self.config.url, path))
            .header(CONTENT_TYPE, content_type)
            .timeout(timeout)
            .body(body);
        request = match encoding {
            ResponseEncoding::Resp2 => request.header("Upstash-Response-Format", "resp2"),
            ResponseEncoding::Base64Json => request.header("Upstash-Encoding", "base64"),
        };
        if self.config.read_your_writes {
            let token = self.sync_token.lock().expect("sync token lock").clone();
            request = request.header(SYNC_TOKEN, token);
        }
        let response = request.send().await.map_err(classify)?;
        if let Some(token) = response.headers().get(SYNC_TOKEN).and_then(|v| v.to_str().ok()) {
            *self.sync_token.lock().expect("sync token lock") = token.to_owned();
        }
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(classify)?;
        Ok(HttpReply { status, body: body.to_vec() })
    }
}

/// Trust exactly the configured CA certificates when there are some (as Node's `tls.ca` does),
/// else the built-in roots. Used by every HTTP client of the transport.
pub(crate) fn with_tls(
    builder: reqwest::ClientBuilder,
    config: &ClientConfig,
) -> Result<reqwest::ClientBuilder, TransportError> {
    let Some(pem) = &config.tls_ca else { return Ok(builder) };
    let certs = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| TransportError::Config(format!("tls.ca is not PEM certificates: {}", root_cause(&e))))?;
    if certs.is_empty() {
        return Err(TransportError::Config(
            "tls.ca holds no certificate: expected PEM text with -----BEGIN CERTIFICATE-----".into(),
        ));
    }
    Ok(certs.into_iter().fold(builder.tls_built_in_root_certs(false), |b, cert| b.add_root_certificate(cert)))
}

/// A reqwest failure as a [`TransportError`], so every request path reports failures alike.
pub(crate) fn classify(e: reqwest::Error, timeout: Duration) -> TransportError {
    let cause = root_cause(&e);
    if let Some(tls) = tls_failure(&e) {
        return tls;
    }
    if e.is_builder() {
        TransportError::Config(format!("invalid request: {cause}"))
    } else if e.is_timeout() {
        TransportError::Timeout(timeout.as_millis())
    } else if e.is_connect() {
        let refused = source_io_kind(&e) == Some(std::io::ErrorKind::ConnectionRefused);
        if refused {
            TransportError::ConnectRefused(cause)
        } else {
            TransportError::Connect(cause)
        }
    } else {
        TransportError::Io(cause)
    }
}

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

/// The innermost error text: reqwest's own text names the URL, which callers already know.
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// A rustls error anywhere in the chain (reqwest wraps it in an `io::Error`), with a hint for the
/// certificate problems a configuration can fix.
fn tls_failure(e: &reqwest::Error) -> Option<TransportError> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = current {
        if let Some(rustls) = rustls_in(err) {
            let hint = match rustls {
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => {
                    ": the certificate is not signed by a trusted CA (pass the CA as tls: { ca })"
                }
                rustls::Error::InvalidCertificate(
                    rustls::CertificateError::NotValidForName | rustls::CertificateError::NotValidForNameContext { .. },
                ) => ": the certificate does not name this host",
                rustls::Error::InvalidCertificate(
                    rustls::CertificateError::Expired | rustls::CertificateError::ExpiredContext { .. },
                ) => ": the certificate has expired",
                _ => "",
            };
            return Some(TransportError::Tls(format!("{rustls}{hint}")));
        }
        current = err.source();
    }
    None
}

/// `err` itself, or what `io::Error` wrappers (which hide it from `source()`) carry inside.
fn rustls_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = err;
    loop {
        if let Some(rustls) = current.downcast_ref::<rustls::Error>() {
            return Some(rustls);
        }
        current = current.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

fn source_io_kind(e: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        current = err.source();
    }
    None
}
