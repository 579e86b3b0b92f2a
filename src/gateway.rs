use std::sync::Arc;

use fragment_redis_gateway::{
    self as g, GatewayConfig, GatewayError, Given, LatencyGiven, RunningGateway, Simulation, TlsFiles,
};
use napi::bindgen_prelude::{Either, Either3};
use napi::{Error, Result, Status};
use napi_derive::napi;

/// Options of `startGateway()`; the CLI fills them from flags and environment variables, as the
/// text it was given. Every default and every check lives in Rust (`crates/gateway/src/config.rs`,
/// `given.rs`, `http/simulate.rs`): JS passes values through. Numbers arrive as JS numbers (`f64`)
/// so a fraction or a negative is refused with the option's name, never truncated; text is read
/// by `given.rs`.
#[napi(object)]
pub struct GatewayOptions {
    /// `redis://[user:password@]host:port[/db]` of the redis-server to front.
    pub redis: Option<String>,
    /// IP address to listen on.
    pub host: Option<String>,
    /// Port to listen on, `0` picks a free one.
    pub port: Option<Either<f64, String>>,
    /// The bearer token clients must present (required).
    pub token: Option<String>,
    /// A second token that may run read commands only.
    pub readonly_token: Option<String>,
    /// Largest accepted request body in bytes.
    pub max_request_size: Option<Either<f64, String>>,
    /// Largest reply relayed, in bytes.
    pub max_reply: Option<Either<f64, String>>,
    /// Most pooled Redis connections for ordinary requests.
    pub pool_size: Option<Either<f64, String>>,
    /// Milliseconds a request waits for a free pooled connection before a 503.
    pub pool_timeout: Option<Either<f64, String>>,
    /// Most Server-Sent Events streams open at once.
    pub max_streams: Option<Either<f64, String>>,
    /// PEM certificate chain file: serve HTTPS (together with `tlsKey`).
    pub tls_cert: Option<String>,
    /// PEM private key file for `tlsCert`.
    pub tls_key: Option<String>,
    /// Simulated latency: every response (and SSE event) delayed this many ms, or `[min, max]`
    /// (text: `50` or `20-80`).
    pub latency: Option<Either3<f64, Vec<f64>, String>>,
    /// Fraction of command requests answered 503 without running them; default 0.
    pub fail_rate: Option<Either<f64, String>>,
    /// Fraction of command requests run, then cut without an answer; default 0.
    pub drop_after_apply: Option<Either<f64, String>>,
    /// Fraction of command requests never answered (and not run); default 0.
    pub stall: Option<Either<f64, String>>,
    /// Seed of the simulated outcomes; default: picked at start and reported in `simulation`.
    pub seed: Option<Either<f64, String>>,
    /// One line per request on stderr (route, command names, status, time; never the token or
    /// values); default false.
    pub verbose: Option<bool>,
}

/// The gateway's defaults, as `startGateway()` and `fragment-redis gateway --help` show them.
#[napi(object)]
pub struct GatewayDefaults {
    pub redis: String,
    pub host: String,
    pub port: u32,
    pub max_request_size: f64,
    pub max_reply: f64,
    pub pool_size: u32,
    pub pool_timeout: u32,
    pub max_streams: u32,
}

#[napi]
pub fn gateway_defaults() -> GatewayDefaults {
    use fragment_redis_gateway as g;
    GatewayDefaults {
        redis: g::DEFAULT_REDIS.to_owned(),
        host: g::DEFAULT_HOST.to_owned(),
        port: u32::from(g::DEFAULT_PORT),
        max_request_size: g::DEFAULT_MAX_REQUEST_SIZE as f64,
        max_reply: g::DEFAULT_MAX_REPLY as f64,
        pool_size: g::DEFAULT_POOL_SIZE as u32,
        pool_timeout: g::DEFAULT_POOL_TIMEOUT.as_millis() as u32,
        max_streams: g::DEFAULT_MAX_STREAMS as u32,
    }
}

/// A value as given, for `given.rs` to read.
fn given(value: &Either<f64, String>) -> Given<'_> {
    match value {
        Either::A(n) => Given::Number(*n),
        Either::B(text) => Given::Text(text),
    }
}

/// A running gateway.
#[napi]
pub struct GatewayHandle {
    inner: Arc<RunningGateway>,
}

/// Starts a gateway (on a thread of its own) and resolves once it is listening.
#[napi]
pub async fn start_gateway(options: GatewayOptions) -> Result<GatewayHandle> {
    let port = match &options.port {
        Some(port) => g::whole(given(port), g::PORT).map_err(to_js)? as u16,
        None => g::DEFAULT_PORT,
    };
    let mut config = GatewayConfig::new(
        options.redis.as_deref().unwrap_or(g::DEFAULT_REDIS),
        options.host.as_deref().unwrap_or(g::DEFAULT_HOST),
        port,
        options.token.as_deref().unwrap_or(""),
    )
    .map_err(to_js)?;
    config.readonly_token = options.readonly_token;
    if let Some(n) = &options.max_request_size {
        config.max_request_size = g::size(given(n), g::MAX_REQUEST_SIZE).map_err(to_js)? as usize;
    }
    if let Some(n) = &options.max_reply {
        config.max_reply = g::size(given(n), g::MAX_REPLY).map_err(to_js)? as usize;
    }
    if let Some(n) = &options.pool_size {
        config.pool_size = g::whole(given(n), g::POOL_SIZE).map_err(to_js)? as usize;
    }
    if let Some(ms) = &options.pool_timeout {
        config.pool_timeout = std::time::Duration::from_millis(g::whole(given(ms), g::POOL_TIMEOUT).map_err(to_js)?);
    }
    if let Some(n) = &options.max_streams {
        config.max_streams = g::whole(given(n), g::MAX_STREAMS).map_err(to_js)? as usize;
    }
    config.tls = match (options.tls_cert, options.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.into(), key: key.into() }),
        (None, None) => None,
        _ => {
            return Err(Error::new(
                Status::InvalidArg,
                "HTTPS needs both a certificate and its key (--tls-cert and --tls-key)",
            ))
        }
    };
    let fraction = |value: &Option<Either<f64, String>>, option| match value {
        Some(p) => g::fraction(given(p), option).map_err(to_js),
        None => Ok(0.0),
    };
    config.simulation = Simulation {
        latency: match &options.latency {
            None => None,
            Some(Either3::A(ms)) => Some(g::latency(LatencyGiven::Millis(*ms)).map_err(to_js)?),
            Some(Either3::B(range)) => Some(g::latency(LatencyGiven::Range(range)).map_err(to_js)?),
            Some(Either3::C(text)) => Some(g::latency(LatencyGiven::Text(text)).map_err(to_js)?),
        },
        fail_rate: fraction(&options.fail_rate, g::FAIL_RATE)?,
        drop_after_apply: fraction(&options.drop_after_apply, g::DROP_AFTER_APPLY)?,
        stall: fraction(&options.stall, g::STALL)?,
        seed: match &options.seed {
            Some(seed) => Some(g::whole(given(seed), g::SEED).map_err(to_js)?),
            None => None,
        },
    };
    if let Some(verbose) = options.verbose {
        config.verbose = verbose;
    }
    let running = fragment_redis_gateway::start_on_own_thread(config).await.map_err(to_js)?;
    Ok(GatewayHandle { inner: Arc::new(running) })
}

#[napi]
impl GatewayHandle {
    /// `http://host:port` (`https://` with TLS): the value for `UPSTASH_REDIS_REST_URL`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url()
    }

    /// The port actually bound (useful after asking for port 0).
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        u32::from(self.inner.local_addr().port())
    }

    /// One line per active simulation setting (latency, faults, seed); empty when all are off.
    #[napi(getter)]
    pub fn simulation(&self) -> Vec<String> {
        self.inner.simulation().to_vec()
    }

    /// True when the listener is bound to a loopback address.
    #[napi(getter)]
    pub fn is_loopback(&self) -> bool {
        self.inner.local_addr().ip().is_loopback()
    }

    /// Stops accepting, lets in-flight requests finish, then resolves.
    #[napi]
    pub async fn close(&self) -> Result<()> {
        self.inner.shutdown().await;
        Ok(())
    }

    /// Resolves when the gateway has stopped. While pending it keeps Node's event loop alive,
    /// which is what the CLI wants.
    #[napi]
    pub async fn closed(&self) -> Result<()> {
        self.inner.stopped().await;
        Ok(())
    }
}

fn to_js(e: GatewayError) -> Error {
    let status = match e {
        GatewayError::Config(_) | GatewayError::Tls(_) => Status::InvalidArg,
        _ => Status::GenericFailure,
    };
    Error::new(status, e.to_string())
}
