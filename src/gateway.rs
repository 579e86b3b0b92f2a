use std::sync::Arc;

use fragment_redis_gateway::{GatewayConfig, GatewayError, RunningGateway, Simulation, TlsFiles};
use napi::{Error, Result, Status};
use napi_derive::napi;

/// Options of `startGateway()`; the CLI fills them from flags and environment variables. Every
/// default and every check lives in Rust (`crates/gateway/src/config.rs` and here): JS passes what
/// it was given. Numbers arrive as JS numbers (`f64`) so a fraction or a negative is refused with
/// the option's name, never truncated.
#[napi(object)]
pub struct GatewayOptions {
    /// `redis://[user:password@]host:port[/db]` of the redis-server to front.
    pub redis: Option<String>,
    /// IP address to listen on.
    pub host: Option<String>,
    /// Port to listen on, `0` picks a free one.
    pub port: Option<f64>,
    /// The bearer token clients must present (required).
    pub token: Option<String>,
    /// A second token that may run read commands only.
    pub readonly_token: Option<String>,
    /// Largest accepted request body in bytes.
    pub max_request_size: Option<f64>,
    /// Largest reply relayed, in bytes.
    pub max_reply: Option<f64>,
    /// Most pooled Redis connections for ordinary requests.
    pub pool_size: Option<f64>,
    /// Milliseconds a request waits for a free pooled connection before a 503.
    pub pool_timeout: Option<f64>,
    /// Most Server-Sent Events streams open at once.
    pub max_streams: Option<f64>,
    /// PEM certificate chain file: serve HTTPS (together with `tlsKey`).
    pub tls_cert: Option<String>,
    /// PEM private key file for `tlsCert`.
    pub tls_key: Option<String>,
    /// Simulated latency: every response (and SSE event) delayed `latencyMin`..`latencyMax` ms.
    pub latency_min: Option<u32>,
    pub latency_max: Option<u32>,
    /// Fraction of command requests answered 503 without running them; default 0.
    pub fail_rate: Option<f64>,
    /// Fraction of command requests run, then cut without an answer; default 0.
    pub drop_after_apply: Option<f64>,
    /// Fraction of command requests never answered (and not run); default 0.
    pub stall: Option<f64>,
    /// Seed of the simulated outcomes; default: picked at start and reported in `simulation`.
    pub seed: Option<u32>,
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

/// `value` as a whole number from `min` to `max`, or an error naming the option and its flag.
fn whole(value: f64, name: &str, flag: &str, min: u64, max: u64) -> Result<u64> {
    if value.fract() != 0.0 || !(min as f64..=max as f64).contains(&value) {
        return Err(Error::new(
            Status::InvalidArg,
            format!("{name} ({flag}) must be a whole number from {min} to {max}, got {value}"),
        ));
    }
    Ok(value as u64)
}

/// A running gateway.
#[napi]
pub struct GatewayHandle {
    inner: Arc<RunningGateway>,
}

/// Starts a gateway (on a thread of its own) and resolves once it is listening.
#[napi]
pub async fn start_gateway(options: GatewayOptions) -> Result<GatewayHandle> {
    use fragment_redis_gateway as g;
    let port = match options.port {
        Some(port) => whole(port, "port", "--port", 0, 65535)? as u16,
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
    const SIZE_MAX: u64 = 1 << 40;
    if let Some(n) = options.max_request_size {
        config.max_request_size = whole(n, "maxRequestSize", "--max-request-size", 1, SIZE_MAX)? as usize;
    }
    if let Some(n) = options.max_reply {
        config.max_reply = whole(n, "maxReply", "--max-reply", 1, SIZE_MAX)? as usize;
    }
    if let Some(n) = options.pool_size {
        config.pool_size = whole(n, "poolSize", "--pool-size", 1, 65535)? as usize;
    }
    if let Some(ms) = options.pool_timeout {
        config.pool_timeout =
            std::time::Duration::from_millis(whole(ms, "poolTimeout", "--pool-timeout", 1, u64::from(u32::MAX))?);
    }
    if let Some(n) = options.max_streams {
        config.max_streams = whole(n, "maxStreams", "--max-streams", 1, 65535)? as usize;
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
    let ms = |n: u32| std::time::Duration::from_millis(u64::from(n));
    config.simulation = Simulation {
        latency: match (options.latency_min, options.latency_max) {
            (None, None) => None,
            (min, max) => Some((ms(min.or(max).unwrap_or(0)), ms(max.or(min).unwrap_or(0)))),
        },
        fail_rate: options.fail_rate.unwrap_or(0.0),
        drop_after_apply: options.drop_after_apply.unwrap_or(0.0),
        stall: options.stall.unwrap_or(0.0),
        seed: options.seed.map(u64::from),
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
