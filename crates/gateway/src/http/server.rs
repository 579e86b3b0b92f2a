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
use super::state::State;
use crate::redis::Pool;
use crate::scripts::ScriptAliases;
use crate::sync_token::SyncTokens;
use crate::{GatewayConfig, GatewayError};

/// A gateway that is accepting requests.
pub struct RunningGateway {
    local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    stopped: watch::Receiver<bool>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

/// Binds the listener and starts serving on the current Tokio runtime.
pub async fn start(config: GatewayConfig) -> Result<RunningGateway, GatewayError> {
    let addr = SocketAddr::new(config.host, config.port);
    let listener =
        TcpListener::bind(addr).await.map_err(|source| GatewayError::Bind { addr: addr.to_string(), source })?;
    let local_addr = listener.local_addr().map_err(|source| GatewayError::Bind { addr: addr.to_string(), source })?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (stopped_tx, stopped) = watch::channel(false);
    let state = Arc::new(State {
        pool: Pool::new(config.redis.clone(), config.pool_size),
        scripts: ScriptAliases::default(),
        sync_tokens: SyncTokens::new(),
        shutdown: shutdown_rx.clone(),
        config,
    });
    let task = tokio::spawn(async move {
        serve(listener, state, shutdown_rx).await;
        let _ = stopped_tx.send(true);
    });
    Ok(RunningGateway { local_addr, shutdown, stopped, task: std::sync::Mutex::new(Some(task)) })
}

async fn serve(listener: TcpListener, state: Arc<State>, mut shutdown: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let service = service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(req, state).await) }
                });
                let conn = http1::Builder::new().timer(TokioTimer::new()).serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
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

    /// `http://host:port`, the value for `UPSTASH_REDIS_REST_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
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
