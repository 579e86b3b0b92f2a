//! The client's I/O core: it owns the HTTP connection pool and runs each submitted request as soon
//! as it arrives, several at a time, with retries where they are safe.
//!
//! No JavaScript types here: the binding hands over [`Submission`]s, each answered through a sink
//! callback under the id [`Client::submit`] gave it. What may leave together, and when, is decided
//! by the caller (`lib/dispatcher.js`): a submission is one request, sent at once.

mod client;
mod config;
mod error;
mod http;
pub mod subscription;
mod worker;

pub use client::Client;
pub use config::{ClientConfig, ResponseEncoding};
pub use error::{codes, TransportError};

use fragment_redis_protocol::Value;

/// One request handed over by the caller, sent as soon as it arrives.
#[derive(Debug)]
pub enum Submission {
    /// Commands for one `/pipeline` request, run by the server in this order: `json` is the whole
    /// body, their JSON arrays in one array (`[["GET","a"],["SET","b","1"]]`), `count` how many
    /// there are.
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

/// Receives the outcomes of each finished request (in the order of its commands) under the id of
/// its submission. Requests finish in any order.
pub type Sink = std::sync::Arc<dyn Fn(u32, Vec<Outcome>) + Send + Sync>;

/// The text of a panic payload (a `&str` or `String` message, as `panic!` makes them).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
