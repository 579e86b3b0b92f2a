use std::sync::Arc;

use fragment_redis_gateway::{GatewayConfig, GatewayError, RunningGateway, Simulation, TlsFiles};
use napi::{Error, Result, Status};
use napi_derive::napi;

/// Options of `startGateway()`; the CLI fills them from flags and environment variables.
#[napi(object)]
pub struct GatewayOptions {
    /// `redis://[user:password@]host:port[/db]` of the redis-server to front.
    pub redis: String,
    /// IP address to listen on. Required here: its default lives in `lib/gateway.js` (`DEFAULTS`).
    pub host: String,
    /// Port to listen on, `0` picks a free one. Required here: its default lives in `lib/gateway.js`.
    pub port: u32,
    /// The bearer token clients must present.
    pub token: String,
    /// Largest accepted request body in bytes; default 10 MB.
    pub max_body: Option<u32>,
    /// Largest reply relayed, in bytes; default 100 MB.
    pub max_reply: Option<u32>,
    /// Most pooled Redis connections for ordinary requests; default 64.
    pub pool_size: Option<u32>,
    /// Milliseconds a request waits for a free pooled connection before a 503; default 5000.
    pub pool_timeout: Option<u32>,
    /// Most Server-Sent Events streams open at once; default 128.
    pub max_streams: Option<u32>,
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

/// A running gateway.
#[napi]
pub struct GatewayHandle {
    inner: Arc<RunningGateway>,
}

/// Starts a gateway (on a thread of its own) and resolves once it is listening.
#[napi]
pub async fn start_gateway(options: GatewayOptions) -> Result<GatewayHandle> {
    let port =
        u16::try_from(options.port).map_err(|_| Error::new(Status::InvalidArg, "port must be between 0 and 65535"))?;
    let mut config = GatewayConfig::new(&options.redis, &options.host, port, &options.token).map_err(to_js)?;
    if let Some(max_body) = options.max_body {
        config.max_body = max_body as usize;
    }
    if let Some(max_reply) = options.max_reply {
        config.max_reply = max_reply as usize;
    }
    if let Some(size) = options.pool_size {
        config.pool_size = positive(size, "poolSize")?;
    }
    if let Some(ms) = options.pool_timeout {
        config.pool_timeout = std::time::Duration::from_millis(u64::from(ms));
    }
    if let Some(streams) = options.max_streams {
        config.max_streams = positive(streams, "maxStreams")?;
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

fn positive(n: u32, name: &str) -> Result<usize> {
    if n == 0 {
        return Err(Error::new(Status::InvalidArg, format!("{name} must be at least 1")));
    }
    Ok(n as usize)
}

fn to_js(e: GatewayError) -> Error {
    let status = match e {
        GatewayError::Config(_) | GatewayError::Tls(_) => Status::InvalidArg,
        _ => Status::GenericFailure,
    };
    Error::new(status, e.to_string())
}
