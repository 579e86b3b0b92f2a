//! The Upstash Redis REST wire format, shared by the client and the local gateway.
//!
//! Pure functions over bytes: no sockets, no clocks, no allocation beyond the values built.
//! That keeps every piece unit-testable and fuzzable.

pub mod error;
pub mod json_text;
pub mod reply;
pub mod reply_reader;
pub mod reply_writer;
pub mod request;
pub mod resp;
pub mod restricted;
pub mod sse;
pub mod value;

pub use error::ProtocolError;
pub use value::Value;
