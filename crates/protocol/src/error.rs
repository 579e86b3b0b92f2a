use thiserror::Error;

/// Everything that can be wrong with bytes handed to this crate.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("invalid RESP2 reply: {0}")]
    Resp(&'static str),
    #[error("{0}")]
    Request(String),
    #[error("invalid JSON reply: {0}")]
    Json(String),
}
