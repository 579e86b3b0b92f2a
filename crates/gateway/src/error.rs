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
    #[error("ERR method not allowed: the REST API answers HEAD, GET, POST and PUT")]
    MethodNotAllowed,
    /// Authorized, but this token may not use the endpoint (`/__gateway/stats` needs the standard one).
    #[error("{0}")]
    Forbidden(String),
    #[error("ERR not found: {0}")]
    NotFound(String),
    /// Upstash's text, word for word, so code matching on it behaves the same against both. `actual`
    /// is the body's length (announced, or read whole); for an unannounced body sent far past the
    /// limit, what was read before the gateway stopped reading.
    #[error("ERR max request size exceeded. Limit: {limit} bytes, Actual: {actual} bytes. See https://upstash.com/docs/redis/troubleshooting/max_request_size_exceeded for details")]
    RequestTooLarge { limit: usize, actual: usize },
    #[error("ERR Redis is unavailable at {target}: {reason}")]
    RedisUnavailable { target: String, reason: String },
    #[error("ERR the connection to Redis failed during the request: {0}")]
    RedisIo(String),
    #[error("ERR Redis did not answer within {0} ms")]
    Timeout(u128),
    #[error("ERR no Redis connection became free within {waited_ms} ms: all {size} pooled connections are busy (raise --pool-size or --pool-timeout)")]
    PoolExhausted { waited_ms: u128, size: usize },
    #[error("ERR too many open streams: the gateway serves at most {0} Server-Sent Events streams at once (raise --max-streams, FRAGMENT_GATEWAY_MAX_STREAMS)")]
    TooManyStreams(usize),
    #[error("ERR max reply size exceeded. Limit: {limit} bytes, Actual: at least {actual} bytes (the gateway's --max-reply, FRAGMENT_GATEWAY_MAX_REPLY). The command ran; its reply was not delivered")]
    ReplyTooLarge { limit: usize, actual: usize },
    #[error("ERR the request body did not arrive within {0} ms")]
    BodyTimeout(u128),
    #[error("ERR simulated failure (the gateway's --fail-rate): the request was not run")]
    SimulatedFailure,
    #[error("cannot use the TLS certificate and key: {0}")]
    Tls(String),
}

impl GatewayError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            // Upstash documents 400 for every failed request that is not about auth or the method.
            Self::RequestTooLarge { .. } => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::RedisUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::RedisIo(_) => StatusCode::BAD_GATEWAY,
            Self::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Self::PoolExhausted { .. } | Self::SimulatedFailure => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyStreams(_) => StatusCode::TOO_MANY_REQUESTS,
            // Like Upstash's other limits (max request size, daily requests): a 400 with ERR text.
            Self::ReplyTooLarge { .. } => StatusCode::BAD_REQUEST,
            Self::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Config(_) | Self::Bind { .. } | Self::Tls(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
