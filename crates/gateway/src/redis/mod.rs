//! RESP2 connections to `redis-server` and the pool that lends them out.

mod connection;
mod pool;

pub use connection::{Connection, Reply};
pub use pool::{Pool, PoolUsage};
