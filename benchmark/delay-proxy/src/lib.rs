//! The benchmark's delay proxy (`benchmark/rtt.js` runs it): a TCP proxy that adds a fixed
//! round-trip time, in a process of its own so that its timing never shares an event loop or a
//! runtime with the client under test. It forwards bytes, so the same proxy carries HTTP (the
//! clients of the REST API → gateway) and RESP (ioredis → redis-server): every client pays exactly
//! the same network.
//!
//! The model is latency, not bandwidth ([`proxy`]); the lateness of every delivery is recorded
//! ([`lateness`]) and reported with the results, so a run shows what RTT it really applied. The
//! parent drives it with JSON lines on stdin ([`control`]).

pub mod control;
pub mod lateness;
pub mod proxy;
