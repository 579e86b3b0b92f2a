//! The Node.js binding: conversions between JS and the Rust crates, nothing else.
//!
//! Logic lives in `crates/`; each file here exposes one of them.

mod client;
mod errors;
mod event_buffer;
mod gateway;
mod reply_buffer;
mod restricted;
mod runtime;

/// Every Rust allocation of the addon (gateway, transport, reply buffers). The gateway spends about a
/// quarter of its time in glibc malloc/free under load (perf), mostly small per-command buffers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
