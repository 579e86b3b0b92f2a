//! RESP2 connections to `redis-server` and the pool that lends them out.

mod connection;
mod own;
mod pool;

pub use connection::{Connection, Reply};
pub use own::OwnConnections;
pub use pool::{Pool, PoolUsage};
