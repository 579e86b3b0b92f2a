//! Pub/sub over Server-Sent Events: one `POST /subscribe/<channel>` (or `/psubscribe/<pattern>`)
//! stream per subscription, parsed here, delivered in batches, and re-opened with back-off when it
//! drops. Messages published while a stream is down are lost, as with any pub/sub; durable delivery
//! is what Redis streams are for.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fragment_redis_protocol::sse::{self, Decoder, PubSubEvent};
use reqwest::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL};
use tokio::sync::watch;

use crate::{ClientConfig, TransportError};

/// Subscribe to channels or to patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Channel,
    Pattern,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Channel => "subscribe",
            Kind::Pattern => "psubscribe",
        }
    }
}

/// What a subscription reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The server confirmed the subscription (again, after a reconnect, when `resumed`).
    Subscribed {
        kind: Kind,
        name: Vec<u8>,
        resumed: bool,
    },
    Message {
        channel: Vec<u8>,
        payload: Vec<u8>,
    },
    Pmessage {
        pattern: Vec<u8>,
        channel: Vec<u8>,
        payload: Vec<u8>,
    },
    /// The stream dropped; it is re-opened after `delay`.
    Reconnecting {
        kind: Kind,
        name: Vec<u8>,
        delay: Duration,
        error: TransportError,
    },
    /// The server reported a problem on the stream (e.g. a message SSE cannot carry).
    StreamError {
        kind: Kind,
        name: Vec<u8>,
        message: String,
    },
    /// Given up for good (the token was rejected, or the server refused the subscription).
    Failed {
        kind: Kind,
        name: Vec<u8>,
        error: TransportError,
    },
}

pub type EventSink = Arc<dyn Fn(Vec<Event>) + Send + Sync>;
pub type Spawner = Arc<dyn Fn(Pin<Box<dyn Future<Output = ()> + Send>>) + Send + Sync>;

/// A stream that sends nothing, not even a keep-alive comment, for this long is presumed dead.
const IDLE_LIMIT: Duration = Duration::from_secs(45);

/// The live subscriptions of one client.
pub struct Subscriptions {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    sink: EventSink,
    spawn: Spawner,
    active: Mutex<HashMap<(Kind, Vec<u8>), watch::Sender<bool>>>,
}

impl Subscriptions {
    pub fn new(config: Arc<ClientConfig>, sink: EventSink, spawn: Spawner) -> Result<Self, TransportError> {
        // No overall timeout: these responses never end. Idle streams are caught by IDLE_LIMIT.
        let http = crate::http::with_tls(reqwest::Client::builder(), &config)?
            .http1_only()
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| TransportError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { http, config, sink, spawn, active: Mutex::new(HashMap::new()) })
    }

    /// Opens the stream unless it is open already; returns false in that case.
    pub fn subscribe(&self, kind: Kind, name: Vec<u8>) -> bool {
        let mut active = self.active.lock().expect("subscriptions lock");
        if active.contains_key(&(kind, name.clone())) {
            return false;
        }
        let (stop, stopped) = watch::channel(false);
        active.insert((kind, name.clone()), stop);
        let stream =
            Stream { http: self.http.clone(), config: self.config.clone(), sink: self.sink.clone(), kind, name };
        (self.spawn)(Box::pin(stream.run(stopped)));
        true
    }

    /// Closes the stream; returns false when there was none.
    pub fn unsubscribe(&self, kind: Kind, name: &[u8]) -> bool {
        let stop = self.active.lock().expect("subscriptions lock").remove(&(kind, name.to_vec()));
        stop.map(|s| s.send(true)).is_some()
    }

    /// Closes every stream.
    pub fn close(&self) {
        for (_, stop) in self.active.lock().expect("subscriptions lock").drain() {
            let _ = stop.send(true);
        }
    }
}

struct Stream {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    sink: EventSink,
    kind: Kind,
    name: Vec<u8>,
}

impl Stream {
    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let mut confirmed_before = false;
        let mut attempt = 0u32;
        loop {
            let outcome = tokio::select! {
                outcome = self.read_once(&mut confirmed_before, &mut attempt) => outcome,
                _ = stopped.wait_for(|stop| *stop) => return,
            };
            let error = match outcome {
                Ok(()) => TransportError::Io("the server ended the stream".into()),
                Err(e) if matches!(e, TransportError::Unauthorized(_) | TransportError::Http { status: 400, .. }) => {
                    (self.sink)(vec![Event::Failed { kind: self.kind, name: self.name.clone(), error: e }]);
                    return;
                }
                Err(e) => e,
            };
            attempt += 1;
            let delay = self.config.backoff(attempt);
            (self.sink)(vec![Event::Reconnecting { kind: self.kind, name: self.name.clone(), delay, error }]);
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// One connection: open, confirm, deliver until it ends.
    async fn read_once(&self, confirmed_before: &mut bool, attempt: &mut u32) -> Result<(), TransportError> {
        let url = format!("{}/{}/{}", self.config.url, self.kind.path(), encode_segment(&self.name));
        let response = self
            .http
            .post(url)
            .header(AUTHORIZATION, format!("Bearer {}", self.config.token))
            .header(ACCEPT, "text/event-stream")
            .header(CACHE_CONTROL, "no-cache")
            .body("[]")
            .send()
            .await
            .map_err(|e| crate::http::classify(e, IDLE_LIMIT))?;
        let status = response.status().as_u16();
        if status != 200 {
            let body = response.bytes().await.unwrap_or_default();
            let message = fragment_redis_protocol::reply::error_text(&body);
            return Err(if status == 401 {
                TransportError::Unauthorized(message)
            } else {
                TransportError::Http { status, message }
            });
        }
        let mut response = response;
        let mut decoder = Decoder::new();
        let mut decoded = Vec::new();
        loop {
            let chunk = match tokio::time::timeout(IDLE_LIMIT, response.chunk()).await {
                Err(_) => return Err(TransportError::Timeout(IDLE_LIMIT.as_millis())),
                Ok(Err(e)) => return Err(crate::http::classify(e, IDLE_LIMIT)),
                Ok(Ok(None)) => return Ok(()),
                Ok(Ok(Some(chunk))) => chunk,
            };
            decoder.feed(&chunk, &mut decoded);
            let events: Vec<Event> =
                decoded.drain(..).filter_map(|e| self.translate(e, confirmed_before, attempt)).collect();
            if !events.is_empty() {
                (self.sink)(events);
            }
        }
    }

    fn translate(&self, event: sse::Event, confirmed_before: &mut bool, attempt: &mut u32) -> Option<Event> {
        if event.event == "error" {
            return Some(Event::StreamError {
                kind: self.kind,
                name: self.name.clone(),
                message: String::from_utf8_lossy(&event.data).into_owned(),
            });
        }
        Some(match sse::parse_event_for(&event, &self.name, self.kind == Kind::Pattern)? {
            PubSubEvent::Subscribe { .. } | PubSubEvent::Psubscribe { .. } => {
                let resumed = std::mem::replace(confirmed_before, true);
                *attempt = 0;
                Event::Subscribed { kind: self.kind, name: self.name.clone(), resumed }
            }
            PubSubEvent::Message { channel, payload } => Event::Message { channel, payload },
            PubSubEvent::Pmessage { pattern, channel, payload } => Event::Pmessage { pattern, channel, payload },
            PubSubEvent::Unsubscribe { .. } | PubSubEvent::Punsubscribe { .. } => return None,
        })
    }
}

/// Percent-encodes a channel or pattern for one path segment (every byte but unreserved ones).
fn encode_segment(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for &b in name {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment(b"chat:room/1*"), "chat%3Aroom%2F1%2A");
        assert_eq!(encode_segment("é".as_bytes()), "%C3%A9");
    }
}
