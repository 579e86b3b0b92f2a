use std::time::Duration;

use crate::TransportError;

/// How the server encodes replies on the wire (the `responseEncoding` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseEncoding {
    /// JSON with every string base64-encoded (`Upstash-Encoding: base64`): binary-exact.
    Base64Json,
    /// Raw RESP2 bytes (`Upstash-Response-Format: resp2`); `/multi-exec` still answers in JSON.
    Resp2,
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, e.g. `https://eu1-x.upstash.io`.
    pub url: String,
    pub token: String,
    pub response_encoding: ResponseEncoding,
    /// Send the last `upstash-sync-token` with every request.
    pub read_your_writes: bool,
    /// One attempt without an answer after this long fails (`ETIMEDOUT_MAYBE_APPLIED`): the bound
    /// for a server that accepts and never answers, whatever timeout the caller gave a submission.
    pub request_timeout: Duration,
    /// Extra attempts for a request that provably did not reach the server, or is read-only.
    pub max_retries: u32,
    /// Back-off before retry `n` (1-based): `min(base × 2^(n-1), cap)`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Idle keep-alive connections kept per host.
    pub pool_size: usize,
    /// PEM certificates to trust for `https://` instead of the built-in roots (a private CA, the
    /// local gateway's). Certificate verification itself cannot be turned off.
    pub tls_ca: Option<Vec<u8>>,
}

impl ClientConfig {
    pub fn new(url: &str, token: &str) -> Result<Self, TransportError> {
        let url = url.trim().trim_end_matches('/').to_owned();
        let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        if host.is_none_or(str::is_empty) {
            return Err(TransportError::Config(format!(
                "the REST URL must start with https:// (or http:// for a local gateway), got {:?}",
                url.chars().take(80).collect::<String>()
            )));
        }
        let token = token.trim().to_owned();
        if token.is_empty() {
            return Err(TransportError::Config("the REST token is empty".into()));
        }
        Ok(Self {
            url,
            token,
            response_encoding: ResponseEncoding::Base64Json,
            read_your_writes: true,
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            retry_base: Duration::from_millis(50),
            retry_cap: Duration::from_secs(2),
            pool_size: 16,
            tls_ca: None,
        })
    }

    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.retry_base.saturating_mul(factor).min(self.retry_cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_normalizes() {
        let c = ClientConfig::new(" http://127.0.0.1:8079/ ", " t ").unwrap();
        assert_eq!((c.url.as_str(), c.token.as_str()), ("http://127.0.0.1:8079", "t"));
        assert!(ClientConfig::new("redis://x", "t").is_err());
        assert!(ClientConfig::new("https://x", "").is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let c = ClientConfig::new("http://h", "t").unwrap();
        assert_eq!(c.backoff(1), Duration::from_millis(50));
        assert_eq!(c.backoff(3), Duration::from_millis(200));
        assert_eq!(c.backoff(40), Duration::from_secs(2));
    }
}
