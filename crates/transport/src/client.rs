use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::http::Http;
use crate::worker::{self, Job};
use crate::{ClientConfig, Sink, Submission, TransportError};

/// A handle to one client's request executor.
pub struct Client {
    tx: Mutex<Option<mpsc::UnboundedSender<Job>>>,
    next_id: AtomicU32,
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
        Ok((Self { tx: Mutex::new(Some(tx)), next_id: AtomicU32::new(0), sync_token }, driver))
    }

    /// Sends the request now (alongside any in flight) and returns the id its outcomes will carry.
    /// `timeout`: what is left of its commands' `commandTimeout`; no attempt or retry starts after
    /// it, and none runs past it. Ids wrap at 2³²; the caller never has that many in flight.
    pub fn submit(&self, submission: Submission, timeout: Option<Duration>) -> Result<u32, TransportError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let tx = self.tx.lock().expect("sender lock");
        let tx = tx.as_ref().ok_or(TransportError::Closed)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        tx.send(Job { id, submission, deadline }).map_err(|_| TransportError::Closed)?;
        Ok(id)
    }

    /// Accepts no more work; what was submitted still completes.
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use tokio::net::TcpListener;

    use super::*;

    /// A server that accepts and at once drops every connection; counts the attempts.
    async fn dropping_server() -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        (url, accepted)
    }

    async fn run_one(url: &str, timeout: Option<Duration>) -> Vec<crate::Outcome> {
        let mut config = ClientConfig::for_tests(url);
        config.retry_base = Duration::from_millis(100);
        config.retry_cap = Duration::from_secs(1);
        config.max_retries = 5;
        let (tx, mut rx) = mpsc::unbounded_channel();
        let sink: Sink = Arc::new(move |id, outcomes| tx.send((id, outcomes)).unwrap());
        let (client, driver) = Client::start(config, sink).unwrap();
        tokio::spawn(driver);
        let submission = Submission::Commands { json: r#"[["GET","k"]]"#.into(), count: 1, read_only: true };
        let id = client.submit(submission, timeout).unwrap();
        let (answered, outcomes) = rx.recv().await.unwrap();
        assert_eq!(answered, id);
        outcomes
    }

    #[tokio::test]
    async fn no_retry_starts_after_the_callers_deadline() {
        // Attempts at 0 and 100 ms; the next would start at 300 ms, past the 150 ms deadline.
        let (url, accepted) = dropping_server().await;
        let outcomes = run_one(&url, Some(Duration::from_millis(150))).await;
        assert!(matches!(outcomes[..], [Err(TransportError::Io(_))]), "{outcomes:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn without_a_deadline_a_read_is_retried_up_to_max_retries() {
        let (url, accepted) = dropping_server().await;
        run_one(&url, None).await;
        assert_eq!(accepted.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn ids_are_distinct_and_requests_run_side_by_side() {
        // Each request hangs until its own deadline: ten of them finish together, not one by one.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let (tx, mut rx) = mpsc::unbounded_channel();
        let sink: Sink = Arc::new(move |id, outcomes| tx.send((id, outcomes)).unwrap());
        let (client, driver) = Client::start(ClientConfig::for_tests(&url), sink).unwrap();
        tokio::spawn(driver);
        let started = Instant::now();
        let mut ids = Vec::new();
        for _ in 0..10 {
            let submission = Submission::Commands { json: r#"[["INCR","k"]]"#.into(), count: 1, read_only: false };
            ids.push(client.submit(submission, Some(Duration::from_millis(300))).unwrap());
        }
        let mut answered = Vec::new();
        for _ in 0..10 {
            let (id, outcomes) = rx.recv().await.unwrap();
            assert!(matches!(outcomes[..], [Err(TransportError::Unanswered(_))]), "{outcomes:?}");
            answered.push(id);
        }
        answered.sort();
        assert_eq!(answered, ids);
        assert!(started.elapsed() < Duration::from_secs(2), "ran one after another: {:?}", started.elapsed());
    }
}
