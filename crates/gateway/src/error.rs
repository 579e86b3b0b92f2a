use hyper::StatusCode;
use thiserror::Error;

/// Every way a request or the gateway itself can fail. Mapped to HTTP in one place: [`GatewayError::status`].
#[derive(Debug, Error)]
pub enum GatewayError {
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("WRONGPASS invalid or missing auth token")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("ERR method not allowed: use GET or POST")]
    MethodNotAllowed,
    #[error("ERR not found: {0}")]
    NotFound(String),
    #[error("ERR max request size exceeded: the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("ERR Redis is unavailable at {target}: {reason}")]
    RedisUnavailable { target: String, reason: String },
    #[error("ERR the connection to Redis failed during the request: {0}")]
    RedisIo(String),
    #[error("ERR Redis did not answer within {0} ms")]
    Timeout(u128),
}

impl GatewayError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RedisUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::RedisIo(_) => StatusCode::BAD_GATEWAY,
            Self::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Self::Config(_) | Self::Bind { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<fragment_redis_protocol::ProtocolError> for GatewayError {
    fn from(e: fragment_redis_protocol::ProtocolError) -> Self {
        match e {
            fragment_redis_protocol::ProtocolError::Request(m) => Self::BadRequest(m),
            // Redis sent bytes we cannot parse: the connection is no longer trustworthy.
            other => Self::RedisIo(other.to_string()),
        }
    }
}
