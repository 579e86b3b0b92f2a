//! The client's I/O core: it owns the HTTP connection pool and turns submitted commands into
//! as few REST requests as possible without ever reordering them.
//!
//! No JavaScript types here: the binding hands over [`Submission`]s and receives [`Outcome`]s
//! through a sink callback, one call per completed request.

mod batch;
mod client;
mod config;
mod error;
mod http;
pub mod subscription;
mod worker;

pub use client::Client;
pub use config::{ClientConfig, ResponseFormat};
pub use error::TransportError;

use fragment_redis_protocol::Value;

/// Work handed over by the caller, executed strictly in submission order.
#[derive(Debug)]
pub enum Submission {
    /// Commands that may share a `/pipeline` request with their neighbours: `json` is their
    /// JSON arrays joined by commas (`["GET","a"],["SET","b","1"]`), `count` how many there are.
    Commands { json: String, count: usize, read_only: bool },
    /// One transaction for `/multi-exec`: `json` is the whole body (`[[…],[…]]`).
    Multi { json: String, count: usize },
    /// One command in the path form, for a binary last argument that JSON cannot carry:
    /// `path` is `/<cmd>/<arg>…` already percent-encoded, `body` the raw last argument.
    Raw { path: String, body: Vec<u8>, read_only: bool },
}

impl Submission {
    /// How many outcomes this submission produces: one per command, one for a whole transaction.
    pub fn outcomes(&self) -> usize {
        match self {
            Submission::Commands { count, .. } => *count,
            Submission::Multi { .. } | Submission::Raw { .. } => 1,
        }
    }
}

/// The result of one command (or of one whole transaction): a Redis reply, which may itself be a
/// Redis error, or a transport failure.
pub type Outcome = Result<Value, TransportError>;

/// Receives the outcomes of each finished request, in submission order.
pub type Sink = std::sync::Arc<dyn Fn(Vec<Outcome>) + Send + Sync>;
