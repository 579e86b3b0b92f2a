use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::http::Http;
use crate::{worker, ClientConfig, Sink, Submission, TransportError};

/// A handle to one client's ordered request queue.
pub struct Client {
    tx: Mutex<Option<mpsc::UnboundedSender<Submission>>>,
    sync_token: Arc<Mutex<String>>,
}

impl Client {
    /// Builds the client and the future that drives it; the caller spawns the future on its runtime.
    /// The future ends once [`Client::close`] was called and every submission was answered.
    pub fn start(
        config: ClientConfig,
        sink: Sink,
    ) -> Result<(Self, impl Future<Output = ()> + Send + 'static), TransportError> {
        let config = Arc::new(config);
        let sync_token = Arc::new(Mutex::new(String::new()));
        let http = Http::new(config.clone(), sync_token.clone())?;
        let (tx, rx) = mpsc::unbounded_channel();
        let driver = worker::run(rx, http, config, sink);
        Ok((Self { tx: Mutex::new(Some(tx)), sync_token }, driver))
    }

    /// Queues work; its outcomes reach the sink after everything submitted before it.
    pub fn submit(&self, submission: Submission) -> Result<(), TransportError> {
        let tx = self.tx.lock().expect("sender lock");
        tx.as_ref().ok_or(TransportError::Closed)?.send(submission).map_err(|_| TransportError::Closed)
    }

    /// Accepts no more work; what was queued still runs.
    pub fn close(&self) {
        self.tx.lock().expect("sender lock").take();
    }

    /// The last `upstash-sync-token` seen: hand it to another client for read-your-writes across them.
    pub fn sync_token(&self) -> String {
        self.sync_token.lock().expect("sync token lock").clone()
    }

    pub fn set_sync_token(&self, token: String) {
        *self.sync_token.lock().expect("sync token lock") = token;
    }
}
