use std::net::IpAddr;
use std::time::Duration;

use crate::given::{Bounded, Named};
use crate::http::simulate::Simulation;
use crate::GatewayError;

/// Where the gateway finds Redis, listens and on which port, unless told otherwise. The CLI and
/// `startGateway()` take these from here (through the binding), so there is one owner.
pub const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";
pub const DEFAULT_HOST: &str = "127.0.0.1";
pub const DEFAULT_PORT: u16 = 8079;
/// Upstash's own request size limit on its Free and Pay-as-you-go plans.
pub const DEFAULT_MAX_REQUEST_SIZE: usize = 10 * 1024 * 1024;
/// Redis connections for ordinary requests.
pub const DEFAULT_POOL_SIZE: usize = 64;
/// Upstash's max record size: any value Upstash can store can be read back whole.
pub const DEFAULT_MAX_REPLY: usize = 100 * 1024 * 1024;
/// Server-Sent Events streams open at once; each holds a Redis connection of its own.
pub const DEFAULT_MAX_STREAMS: usize = 128;
/// How long a request waits for a pooled Redis connection before a 503.
pub const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(5);

const fn bounded(name: &'static str, flag: &'static str, min: u64, max: u64) -> Bounded {
    Bounded { option: Named { name, flag }, min, max }
}

/// The range of each whole-numbered option, with its names: given values are read against these
/// (`given.rs`), and [`GatewayConfig::validate`] checks a configuration built in Rust against them.
pub const PORT: Bounded = bounded("port", "--port", 0, 65535);
/// Sizes in bytes: up to 1 TiB, far past any machine's memory, so a typo is refused.
pub const MAX_REQUEST_SIZE: Bounded = bounded("maxRequestSize", "--max-request-size", 1, 1 << 40);
pub const MAX_REPLY: Bounded = bounded("maxReply", "--max-reply", 1, 1 << 40);
pub const POOL_SIZE: Bounded = bounded("poolSize", "--pool-size", 1, 65535);
/// Milliseconds.
pub const POOL_TIMEOUT: Bounded = bounded("poolTimeout", "--pool-timeout", 1, u32::MAX as u64);
pub const MAX_STREAMS: Bounded = bounded("maxStreams", "--max-streams", 1, 65535);
pub const SEED: Bounded = bounded("seed", "--seed", 0, u32::MAX as u64);

/// Everything the gateway needs to start.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub redis: RedisTarget,
    pub host: IpAddr,
    /// `0` picks a free port; [`crate::RunningGateway::local_addr`] tells which.
    pub port: u16,
    pub token: String,
    /// A second token that may run read commands only (Upstash's read-only token).
    pub readonly_token: Option<String>,
    /// Largest request body; a larger one is answered as Upstash answers it (see `GatewayError::RequestTooLarge`).
    pub max_request_size: usize,
    /// Largest reply (bytes of RESP2 from Redis) relayed; a larger one fails with 400 and its
    /// connection is closed, so the gateway's memory stays bounded by this, not by the data.
    pub max_reply: usize,
    /// Most connections kept to Redis for ordinary requests (SSE streams have their own).
    pub pool_size: usize,
    /// A request that finds every pooled connection busy for this long fails with 503.
    pub pool_timeout: Duration,
    /// Most Server-Sent Events streams open at once; one more is answered 429.
    pub max_streams: usize,
    /// Serve HTTPS with this certificate chain and key (PEM files) instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// A request still waiting on Redis after this long fails with 504 and its connection is dropped.
    pub request_timeout: Duration,
    pub keepalive_interval: Duration,
    /// How long a shutdown waits for in-flight requests.
    pub drain_timeout: Duration,
    /// Latency and fault simulation for local development; off by default.
    pub simulation: Simulation,
    /// One line per request on stderr (route, command names, status, time; never the token or values).
    pub verbose: bool,
}

impl GatewayConfig {
    /// A configuration with defaults for everything but the essentials, validated.
    pub fn new(redis_url: &str, host: &str, port: u16, token: &str) -> Result<Self, GatewayError> {
        if token.trim().is_empty() {
            return Err(GatewayError::Config(
                "a token is required: pass --token <t> (or FRAGMENT_GATEWAY_TOKEN); clients send it as UPSTASH_REDIS_REST_TOKEN".into(),
            ));
        }
        let host: IpAddr = host.parse().map_err(|_| {
            GatewayError::Config(format!("--host must be an IP address such as 127.0.0.1, got {host:?}"))
        })?;
        Ok(Self {
            redis: RedisTarget::parse(redis_url)?,
            host,
            port,
            token: token.to_owned(),
            readonly_token: None,
            max_request_size: DEFAULT_MAX_REQUEST_SIZE,
            max_reply: DEFAULT_MAX_REPLY,
            pool_size: DEFAULT_POOL_SIZE,
            pool_timeout: DEFAULT_POOL_TIMEOUT,
            max_streams: DEFAULT_MAX_STREAMS,
            tls: None,
            request_timeout: Duration::from_secs(30),
            keepalive_interval: Duration::from_secs(15),
            drain_timeout: Duration::from_secs(10),
            simulation: Simulation::default(),
            verbose: false,
        })
    }

    /// Checks what a caller may have set after [`GatewayConfig::new`]; `start` calls it.
    pub fn validate(&self) -> Result<(), GatewayError> {
        if let Some(readonly) = &self.readonly_token {
            if readonly.trim().is_empty() {
                return Err(GatewayError::Config("--readonly-token must not be empty".into()));
            }
            if *readonly == self.token {
                return Err(GatewayError::Config(
                    "--readonly-token must differ from --token: a request is either read-only or not".into(),
                ));
            }
        }
        for (bounds, value) in [
            (MAX_REQUEST_SIZE, self.max_request_size as f64),
            (MAX_REPLY, self.max_reply as f64),
            (POOL_SIZE, self.pool_size as f64),
            (POOL_TIMEOUT, self.pool_timeout.as_millis() as f64),
            (MAX_STREAMS, self.max_streams as f64),
        ] {
            bounds.check(value)?;
        }
        if let Some(seed) = self.simulation.seed {
            SEED.check(seed as f64)?;
        }
        self.simulation.validate()
    }
}

/// PEM files for HTTPS: the certificate chain (leaf first) and its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// Where Redis is: parsed from `redis://[user[:password]@]host[:port][/db]`.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisTarget {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    pub db: u32,
}

// Hand-written so a password never reaches a log line.
impl std::fmt::Debug for RedisTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redis://{}:{}/{}", self.host, self.port, self.db)
    }
}

impl RedisTarget {
    pub fn parse(url: &str) -> Result<Self, GatewayError> {
        let bad = |why: &str| GatewayError::Config(format!("--redis must look like redis://127.0.0.1:6379 ({why})"));
        let rest = url.trim().strip_prefix("redis://").ok_or_else(|| bad("only redis:// URLs are supported"))?;
        let (authority, db) = match rest.split_once('/') {
            Some((a, "")) => (a, 0),
            Some((a, db)) => (a, db.parse().map_err(|_| bad("the database must be a number"))?),
            None => (rest, 0),
        };
        let (credentials, hostport) = match authority.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, authority),
        };
        let (username, password) = match credentials.map(|c| c.split_once(':').unwrap_or(("", c))) {
            Some((user, pass)) => {
                ((!user.is_empty()).then(|| user.to_owned()), (!pass.is_empty()).then(|| pass.to_owned()))
            }
            None => (None, None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| bad("the port must be a number"))?),
            None => (hostport, 6379),
        };
        if host.is_empty() {
            return Err(bad("the host is missing"));
        }
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        Ok(Self { host, port, username, password, db })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_redis_urls() {
        let t = RedisTarget::parse("redis://user:pw@10.0.0.1:6380/2").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.username.as_deref(), t.password.as_deref(), t.db),
            ("10.0.0.1", 6380, Some("user"), Some("pw"), 2)
        );
        let t = RedisTarget::parse("redis://:secret@localhost").unwrap();
        assert_eq!((t.port, t.username.as_deref(), t.password.as_deref()), (6379, None, Some("secret")));
        assert!(RedisTarget::parse("http://x").is_err());
        assert!(RedisTarget::parse("redis://h:port").is_err());
        assert!(!format!("{t:?}").contains("secret"));
    }

    #[test]
    fn refuses_missing_token_and_bad_host() {
        assert!(GatewayConfig::new("redis://127.0.0.1:6379", "127.0.0.1", 0, " ").is_err());
        assert!(GatewayConfig::new("redis://127.0.0.1:6379", "localhost!", 0, "t").is_err());
    }

    #[test]
    fn the_readonly_token_is_not_empty_nor_the_standard_one() {
        let mut config = GatewayConfig::new(DEFAULT_REDIS, DEFAULT_HOST, DEFAULT_PORT, "t").unwrap();
        assert!(config.validate().is_ok());
        config.readonly_token = Some("t".into());
        assert!(config.validate().unwrap_err().to_string().contains("must differ"));
        config.readonly_token = Some(" ".into());
        assert!(config.validate().is_err());
        config.readonly_token = Some("r".into());
        config.max_request_size = 0;
        assert_eq!(
            config.validate().unwrap_err().to_string(),
            "maxRequestSize (--max-request-size) must be a whole number from 1 to 1099511627776, got 0"
        );
        config.max_request_size = DEFAULT_MAX_REQUEST_SIZE;
        config.pool_timeout = Duration::ZERO;
        assert!(config.validate().unwrap_err().to_string().starts_with("poolTimeout (--pool-timeout)"));
        config.pool_timeout = DEFAULT_POOL_TIMEOUT;
        config.max_streams = 65536;
        assert!(config.validate().unwrap_err().to_string().ends_with("from 1 to 65535, got 65536"));
        config.max_streams = DEFAULT_MAX_STREAMS;
        config.simulation.seed = Some(1 << 32);
        assert!(config.validate().unwrap_err().to_string().starts_with("seed (--seed)"));
        config.simulation.seed = Some(7);
        assert!(config.validate().is_ok());
    }
}
