use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use fragment_redis_protocol::reply::Encoding;
use tokio::sync::{watch, Semaphore};

use crate::access::Tokens;
use crate::http::simulate::Simulator;
use crate::redis::{Pool, PoolUsage};
use crate::scripts::ScriptAliases;
use crate::sync_token::SyncTokens;
use crate::GatewayConfig;

/// What every request handler shares.
pub struct State {
    pub config: GatewayConfig,
    pub pool: Pool,
    /// The standard token, the read-only one, and the REST tokens minted for ACL users.
    pub tokens: Tokens,
    pub scripts: ScriptAliases,
    pub sync_tokens: SyncTokens,
    /// One permit per open Server-Sent Events stream (`GatewayConfig::max_streams`).
    pub streams: Arc<Semaphore>,
    /// Flips to `true` when the gateway starts draining; SSE streams end on it.
    pub shutdown: watch::Receiver<bool>,
    /// `--latency` and the fault flags; inert when they are off.
    pub simulator: Simulator,
    /// What `GET /__gateway/stats` reports.
    pub stats: Stats,
}

impl State {
    /// Server-Sent Events streams open now.
    pub fn open_streams(&self) -> usize {
        self.config.max_streams - self.streams.available_permits()
    }

    /// The body of `GET /__gateway/stats`.
    pub fn stats_json(&self) -> String {
        let PoolUsage { size, idle, in_use } = self.pool.usage();
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        let (acl_users, minted_tokens) = self.tokens.minted_counts();
        format!(
            r#"{{"requests":{},"commands":{},"errors":{},"openStreams":{},"maxStreams":{},"pool":{{"size":{size},"idle":{idle},"inUse":{in_use}}},"aclUsers":{acl_users},"mintedTokens":{minted_tokens}}}"#,
            load(&self.stats.requests),
            load(&self.stats.commands),
            load(&self.stats.errors),
            self.open_streams(),
            self.config.max_streams,
        )
    }
}

/// Counters of everything served since start: one relaxed atomic add each, nothing locked.
#[derive(Default)]
pub struct Stats {
    /// HTTP requests answered (or cut by the fault simulation), whatever their status.
    pub requests: AtomicU64,
    /// Commands sent to Redis or refused, counted as parsed (a pipeline of 3 counts 3).
    pub commands: AtomicU64,
    /// Responses with a status of 400 or more.
    pub errors: AtomicU64,
}

impl Stats {
    pub fn count(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// How the client asked for replies to be encoded on the wire (the client's `responseEncoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseEncoding {
    /// JSON envelopes, strings plain or base64 (`Upstash-Encoding: base64`).
    Json(Encoding),
    /// `Upstash-Response-Format: resp2`: raw RESP2 bytes.
    Resp2,
}
