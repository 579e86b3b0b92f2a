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
    #[error("no answer from the REST endpoint within {0} ms")]
    Timeout(u128),
    /// Never carries the token: only the server's own error text.
    #[error("the REST token was rejected (HTTP 401): {0}")]
    Unauthorized(String),
    #[error("HTTP {status} from the REST endpoint: {message}")]
    Http { status: u16, message: String },
    #[error("unexpected response from the REST endpoint: {0}")]
    InvalidResponse(String),
    #[error("the client is closed")]
    Closed,
}

impl TransportError {
    /// The `code` property of the JavaScript error (Node's conventions where one exists).
    pub fn code(&self) -> String {
        match self {
            Self::Config(_) => "ERR_INVALID_CONFIG".into(),
            Self::ConnectRefused(_) => "ECONNREFUSED".into(),
            Self::Connect(_) => "ECONNECT".into(),
            Self::Io(_) => "ECONNRESET".into(),
            Self::Tls(_) => "ETLS".into(),
            Self::Timeout(_) => "ETIMEDOUT".into(),
            Self::Unauthorized(_) => "EUNAUTHORIZED".into(),
            Self::Http { status, .. } => format!("EHTTP_{status}"),
            Self::InvalidResponse(_) => "EPROTOCOL".into(),
            Self::Closed => "ECLOSED".into(),
        }
    }

    /// True when the request cannot have reached the server, so even a write may be re-sent.
    pub fn never_sent(&self) -> bool {
        matches!(self, Self::ConnectRefused(_) | Self::Connect(_))
    }

    /// True for failures worth another attempt (for reads; writes only when [`Self::never_sent`]).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::ConnectRefused(_) | Self::Connect(_) | Self::Io(_) | Self::Timeout(_) => true,
            Self::Http { status, .. } => matches!(status, 502 | 503 | 504),
            _ => false,
        }
    }
}
