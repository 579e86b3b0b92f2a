use std::net::SocketAddr;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::router::handle;
use super::simulate::Simulator;
use super::tls::HANDSHAKE_TIMEOUT;
use crate::access::Tokens;
use crate::redis::Pool;
use crate::scripts::ScriptAliases;
use crate::state::{State, Stats};
use crate::sync_token::SyncTokens;
use crate::{GatewayConfig, GatewayError};
use tokio_rustls::TlsAcceptor;

/// A gateway that is accepting requests.
pub struct RunningGateway {
    local_addr: SocketAddr,
    tls: bool,
    simulation: Vec<String>,
    shutdown: watch::Sender<bool>,
    stopped: watch::Receiver<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

/// Binds the listener and starts serving on the current Tokio runtime.
pub async fn start(config: GatewayConfig) -> Result<RunningGateway, GatewayError> {
    config.validate()?;
    let addr = SocketAddr::new(config.host, config.port);
    let listener =
        TcpListener::bind(addr).await.map_err(|source| GatewayError::Bind { addr: addr.to_string(), source })?;
    let local_addr = listener.local_addr().map_err(|source| GatewayError::Bind { addr: addr.to_string(), source })?;
    let tls = config.tls.as_ref().map(super::tls::acceptor).transpose()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (stopped_tx, stopped) = watch::channel(false);
    let state = Arc::new(State {
        pool: Pool::new(config.redis.clone(), config.pool_size, config.pool_timeout, config.max_reply),
        tokens: Tokens::new(&config.token, config.readonly_token.as_deref()),
        scripts: ScriptAliases::default(),
        sync_tokens: SyncTokens::new(),
        streams: Arc::new(tokio::sync::Semaphore::new(config.max_streams)),
        shutdown: shutdown_rx.clone(),
        simulator: Simulator::new(config.simulation.clone()),
        stats: Stats::default(),
        config,
    });
    let simulation = state.simulator.settings.describe(state.simulator.seed);
    let is_tls = tls.is_some();
    let task = tokio::spawn(async move {
        serve(listener, tls, state, shutdown_rx).await;
        let _ = stopped_tx.send(true);
    });
    Ok(RunningGateway {
        local_addr,
        tls: is_tls,
        simulation,
        shutdown,
        stopped,
        task: std::sync::Mutex::new(Some(task)),
    })
}

/// Starts the gateway on a thread of its own with a single-threaded runtime, and resolves once it
/// listens. Redis serves one command at a time anyway; one thread avoids cross-thread wake-ups per
/// request (lower latency) and leaves the host's other cores to Redis and the application.
pub async fn start_on_own_thread(config: GatewayConfig) -> Result<RunningGateway, GatewayError> {
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("fragment-redis-gateway".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = started_tx.send(Err(GatewayError::Config(format!("cannot start a runtime: {e}"))));
                    return;
                }
            };
            runtime.block_on(async move {
                match start(config).await {
                    Ok(running) => {
                        let mut stopped = running.stopped.clone();
                        let _ = started_tx.send(Ok(running));
                        let _ = stopped.wait_for(|done| *done).await;
                    }
                    Err(e) => {
                        let _ = started_tx.send(Err(e));
                    }
                }
            });
        })
        .map_err(|e| GatewayError::Config(format!("cannot start the gateway thread: {e}")))?;
    started_rx.await.map_err(|_| GatewayError::Config("the gateway thread ended before it listened".into()))?
}

async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let service = service_fn(move |req| {
                    let state = state.clone();
                    // An `Err` (a simulated fault) makes hyper close the connection unanswered.
                    async move { handle(req, state).await }
                });
                let http = http1::Builder::new().timer(TokioTimer::new()).clone();
                match &tls {
                    None => {
                        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                        tokio::spawn(async move {
                            let _ = conn.await;
                        });
                    }
                    // The handshake runs in the connection's own task, bounded, so a client that
                    // never finishes it holds nothing but its socket.
                    Some(acceptor) => {
                        let (acceptor, watcher) = (acceptor.clone(), graceful.watcher());
                        tokio::spawn(async move {
                            let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await else {
                                return;
                            };
                            let _ = watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await;
                        });
                    }
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    // In-flight requests finish; idle keep-alive connections close; SSE streams end on the same signal.
    let _ = tokio::time::timeout(state.config.drain_timeout, graceful.shutdown()).await;
}

impl RunningGateway {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://host:port` (`https://` with TLS), the value for `UPSTASH_REDIS_REST_URL`.
    pub fn url(&self) -> String {
        format!("{}://{}", if self.tls { "https" } else { "http" }, self.local_addr)
    }

    /// One line per active simulation setting (latency, faults, seed); empty when off.
    pub fn simulation(&self) -> &[String] {
        &self.simulation
    }

    /// Stops accepting, drains in-flight requests (bounded by the drain timeout) and returns.
    pub async fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        self.stopped().await;
        let task = self.task.lock().expect("task lock").take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Resolves once the gateway has stopped serving.
    pub async fn stopped(&self) {
        let mut stopped = self.stopped.clone();
        let _ = stopped.wait_for(|done| *done).await;
    }
}
