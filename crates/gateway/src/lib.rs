//! A local, Upstash-compatible Redis REST gateway in front of a real `redis-server`.
//!
//! `start()` binds the HTTP listener and returns a [`RunningGateway`]; requests are served on the
//! caller's Tokio runtime until [`RunningGateway::shutdown`] drains them.

mod access;
mod config;
mod error;
mod given;
mod handlers;
mod http;
mod key_positions;
mod key_size;
mod read_commands;
mod redis;
mod scripts;
mod state;
mod sync_token;

pub use config::{
    GatewayConfig, RedisTarget, TlsFiles, DEFAULT_HOST, DEFAULT_MAX_REPLY, DEFAULT_MAX_REQUEST_SIZE,
    DEFAULT_MAX_STREAMS, DEFAULT_POOL_SIZE, DEFAULT_POOL_TIMEOUT, DEFAULT_PORT, DEFAULT_REDIS, MAX_REPLY,
    MAX_REQUEST_SIZE, MAX_STREAMS, POOL_SIZE, POOL_TIMEOUT, PORT, SEED,
};
pub use error::GatewayError;
pub use given::{fraction, latency, size, whole, Bounded, Given, LatencyGiven, Named};
pub use http::server::{start, start_on_own_thread, RunningGateway};
pub use http::simulate::{Simulation, DROP_AFTER_APPLY, FAIL_RATE, STALL};
