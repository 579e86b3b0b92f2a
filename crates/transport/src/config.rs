use std::time::Duration;

/// How the server encodes replies on the wire (the `responseEncoding` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseEncoding {
    /// JSON with every string base64-encoded (`Upstash-Encoding: base64`): binary-exact.
    Base64Json,
    /// Raw RESP2 bytes (`Upstash-Response-Format: resp2`); `/multi-exec` still answers in JSON.
    Resp2,
}

/// What one client needs, every field given: the values, their defaults and their checks belong to
/// the JS layer (`lib/options.js`), which validates every option (URL scheme, token, ranges) and
/// passes them all; the transport keeps no defaults and re-checks nothing.
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
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.retry_base.saturating_mul(factor).min(self.retry_cap)
    }

    /// A config for this crate's own tests. The values are test values, not the client's defaults
    /// (those are `lib/options.js`'s); tests that depend on one set it themselves.
    #[cfg(test)]
    pub(crate) fn for_tests(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            token: "t".to_owned(),
            response_encoding: ResponseEncoding::Base64Json,
            read_your_writes: true,
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            retry_base: Duration::from_millis(50),
            retry_cap: Duration::from_secs(2),
            pool_size: 16,
            tls_ca: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let c = ClientConfig {
            retry_base: Duration::from_millis(50),
            retry_cap: Duration::from_secs(2),
            ..ClientConfig::for_tests("http://h")
        };
        assert_eq!(c.backoff(1), Duration::from_millis(50));
        assert_eq!(c.backoff(3), Duration::from_millis(200));
        assert_eq!(c.backoff(40), Duration::from_secs(2));
    }
}
