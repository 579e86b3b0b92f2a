//! HTTP side: listener, routing, auth, bodies, responses.

mod auth;
pub mod body;
mod log;
pub mod response;
mod router;
pub mod server;
pub mod simulate;
mod tls;
