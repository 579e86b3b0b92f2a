//! A local, Upstash-compatible Redis REST gateway in front of a real `redis-server`.
//!
//! `start()` binds the HTTP listener and returns a [`RunningGateway`]; requests are served on the
//! caller's Tokio runtime until [`RunningGateway::shutdown`] drains them.

mod config;
mod error;
mod handlers;
mod http;
mod redis;
mod scripts;
mod state;
mod sync_token;

pub use config::{
    GatewayConfig, RedisTarget, TlsFiles, DEFAULT_MAX_BODY, DEFAULT_MAX_REPLY, DEFAULT_MAX_STREAMS,
    DEFAULT_POOL_TIMEOUT,
};
pub use error::GatewayError;
pub use http::server::{start, start_on_own_thread, RunningGateway};
pub use http::simulate::Simulation;
