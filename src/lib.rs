//! The Node.js binding: conversions between JS and the Rust crates, nothing else.
//!
//! Logic lives in `crates/`; each file here exposes one of them.

mod client;
mod event_buffer;
mod gateway;
mod reply_buffer;
mod restricted;
mod runtime;
