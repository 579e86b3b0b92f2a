use thiserror::Error;

/// A request that produced no Redis reply. Each kind has a stable `code` for JavaScript.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TransportError {
    #[error("{0}")]
    Config(String),
    #[error("cannot connect to the REST endpoint: {0}")]
    ConnectRefused(String),
    #[error("cannot connect to the REST endpoint: {0}")]
    Connect(String),
    #[error("the connection to the REST endpoint failed: {0}")]
    Io(String),
    /// The TLS handshake failed: an untrusted, expired or misnamed certificate, or no TLS at all.
    #[error("TLS handshake with the REST endpoint failed: {0}")]
    Tls(String),
    /// A stream that went silent (subscriptions), where nothing is applied by the request itself.
    #[error("no answer from the REST endpoint within {0} ms")]
    Timeout(u128),
    /// A command request that was sent and got no answer in time: it may have run.
    #[error("no answer from the REST endpoint within {0} ms; the request was sent and may have been applied")]
    Unanswered(u128),
    /// Never carries the token: only the server's own error text.
    #[error("the REST token was rejected (HTTP 401): {0}")]
    Unauthorized(String),
    #[error("HTTP {status} from the REST endpoint: {message}")]
    Http { status: u16, message: String },
    #[error("unexpected response from the REST endpoint: {0}")]
    InvalidResponse(String),
    /// Same text as ioredis.
    #[error("Connection is closed.")]
    Closed,
    /// A bug in the native code (a panic), reported instead of aborting the process.
    #[error("internal error in the native client: {0}")]
    Internal(String),
}

/// The `code` of every error the package reports, in one place: JavaScript reads this list
/// (`Redis.errorCodes`) and a test holds `index.d.ts` to it. HTTP failures add `EHTTP_<status>`.
pub mod codes {
    pub const INVALID_CONFIG: &str = "ERR_INVALID_CONFIG";
    /// No REST URL or token (neither passed nor in the environment): the client is built, so a
    /// `next build` without secrets works, and its commands reject with this code. Raised in JS.
    pub const MISSING_CONFIG: &str = "ERR_MISSING_CONFIG";
    pub const CONNECTION_REFUSED: &str = "ECONNREFUSED";
    pub const CONNECT: &str = "ECONNECT";
    pub const CONNECTION_RESET: &str = "ECONNRESET";
    /// The TLS handshake failed (untrusted, expired or misnamed certificate).
    pub const TLS: &str = "ETLS";
    /// Timed out and provably not applied: never sent (a command), or nothing to apply (a stream).
    pub const TIMEOUT: &str = "ETIMEDOUT";
    /// Timed out after it was sent: it may have been applied.
    pub const TIMEOUT_MAYBE_APPLIED: &str = "ETIMEDOUT_MAYBE_APPLIED";
    pub const UNAUTHORIZED: &str = "EUNAUTHORIZED";
    pub const PROTOCOL: &str = "EPROTOCOL";
    pub const CLOSED: &str = "ECLOSED";
    /// Too many commands waiting to be sent (the client's queue cap); refused, never sent.
    pub const QUEUE_FULL: &str = "EQUEUEFULL";
    /// A command the REST API cannot run, refused before sending (`crates/protocol/src/restricted.rs`).
    pub const REST_UNSUPPORTED: &str = "ERR_REST_UNSUPPORTED";
    pub const INTERNAL: &str = "EINTERNAL";
    /// Prefix of `EHTTP_<status>`.
    pub const HTTP_PREFIX: &str = "EHTTP_";

    pub const ALL: &[&str] = &[
        INVALID_CONFIG,
        MISSING_CONFIG,
        CONNECTION_REFUSED,
        CONNECT,
        CONNECTION_RESET,
        TLS,
        TIMEOUT,
        TIMEOUT_MAYBE_APPLIED,
        UNAUTHORIZED,
        PROTOCOL,
        CLOSED,
        QUEUE_FULL,
        REST_UNSUPPORTED,
        INTERNAL,
    ];
}

impl TransportError {
    /// The `code` property of the JavaScript error (Node's conventions where one exists).
    pub fn code(&self) -> String {
        let code = match self {
            Self::Config(_) => codes::INVALID_CONFIG,
            Self::ConnectRefused(_) => codes::CONNECTION_REFUSED,
            Self::Connect(_) => codes::CONNECT,
            Self::Io(_) => codes::CONNECTION_RESET,
            Self::Tls(_) => codes::TLS,
            Self::Timeout(_) => codes::TIMEOUT,
            Self::Unanswered(_) => codes::TIMEOUT_MAYBE_APPLIED,
            Self::Unauthorized(_) => codes::UNAUTHORIZED,
            Self::Http { status, .. } => return format!("{}{status}", codes::HTTP_PREFIX),
            Self::InvalidResponse(_) => codes::PROTOCOL,
            Self::Closed => codes::CLOSED,
            Self::Internal(_) => codes::INTERNAL,
        };
        code.to_owned()
    }

    /// True when the request cannot have reached the server, so even a write may be re-sent.
    pub fn never_sent(&self) -> bool {
        matches!(self, Self::ConnectRefused(_) | Self::Connect(_))
    }

    /// True for failures worth another attempt (for reads; writes only when [`Self::never_sent`]).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::ConnectRefused(_) | Self::Connect(_) | Self::Io(_) | Self::Timeout(_) | Self::Unanswered(_) => true,
            Self::Http { status, .. } => matches!(status, 502 | 503 | 504),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed() {
        let errors = [
            TransportError::Config(String::new()),
            TransportError::ConnectRefused(String::new()),
            TransportError::Connect(String::new()),
            TransportError::Io(String::new()),
            TransportError::Timeout(1),
            TransportError::Unanswered(1),
            TransportError::Unauthorized(String::new()),
            TransportError::InvalidResponse(String::new()),
            TransportError::Closed,
            TransportError::Internal(String::new()),
        ];
        for error in errors {
            assert!(codes::ALL.contains(&error.code().as_str()), "{error:?}");
        }
        assert_eq!(TransportError::Http { status: 502, message: String::new() }.code(), "EHTTP_502");
    }
}
