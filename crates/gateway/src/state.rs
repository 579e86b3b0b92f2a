use fragment_redis_protocol::reply::Encoding;
use std::sync::Arc;

use tokio::sync::{watch, Semaphore};

use crate::http::simulate::Simulator;
use crate::redis::Pool;
use crate::scripts::ScriptAliases;
use crate::sync_token::SyncTokens;
use crate::GatewayConfig;

/// What every request handler shares.
pub struct State {
    pub config: GatewayConfig,
    pub pool: Pool,
    pub scripts: ScriptAliases,
    pub sync_tokens: SyncTokens,
    /// One permit per open Server-Sent Events stream (`GatewayConfig::max_streams`).
    pub streams: Arc<Semaphore>,
    /// Flips to `true` when the gateway starts draining; SSE streams end on it.
    pub shutdown: watch::Receiver<bool>,
    /// `--latency` and the fault flags; inert when they are off.
    pub simulator: Simulator,
}

/// How the client asked for replies to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyFormat {
    Json(Encoding),
    /// `Upstash-Response-Format: resp2`: raw RESP2 bytes.
    Resp2,
}
