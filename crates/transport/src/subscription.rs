//! Pub/sub over Server-Sent Events: one `POST /subscribe/<channel>` (or `/psubscribe/<pattern>`)
//! stream per subscription, parsed here, delivered in batches, and re-opened with back-off when it
//! drops. Messages published while a stream is down are lost, as with any pub/sub; durable delivery
//! is what Redis streams are for.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fragment_redis_protocol::sse::{self, Decoder, PubSubEvent};
use reqwest::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL};
use tokio::sync::watch;
use tokio::time::Instant;

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

/// One stream, from `subscribe` until it is closed or fails. Every event names the stream it came
/// from, never just the channel: after unsubscribe → subscribe of the same name, events the old
/// stream queued before it stopped cannot be taken for the new one's. Unique in the process, so not
/// even a client re-opened by `disconnect(true)` sees an id twice.
pub type StreamId = u64;

static NEXT_STREAM: AtomicU64 = AtomicU64::new(1);

/// What a subscription reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The server confirmed the subscription (again, after a reconnect, when `resumed`).
    Subscribed {
        stream: StreamId,
        resumed: bool,
    },
    Message {
        stream: StreamId,
        channel: Vec<u8>,
        payload: Vec<u8>,
    },
    Pmessage {
        stream: StreamId,
        pattern: Vec<u8>,
        channel: Vec<u8>,
        payload: Vec<u8>,
    },
    /// An attempt failed (the stream dropped, or was never confirmed); it is tried again after `delay`.
    Reconnecting {
        stream: StreamId,
        delay: Duration,
        error: TransportError,
    },
    /// The server reported a problem on the stream (e.g. a message SSE cannot carry), or sent an
    /// event this client cannot read: reported, never dropped silently.
    StreamError {
        stream: StreamId,
        message: String,
    },
    /// Given up for good: the token was rejected, the server refused the subscription, or a stream
    /// never confirmed ran out of retries. The stream does nothing more.
    Failed {
        stream: StreamId,
        error: TransportError,
    },
}

pub type EventSink = Arc<dyn Fn(Vec<Event>) + Send + Sync>;
pub type Spawner = Arc<dyn Fn(Pin<Box<dyn Future<Output = ()> + Send>>) + Send + Sync>;

/// A confirmed stream that sends nothing, not even a keep-alive comment, for this long is presumed
/// dead. (Before its confirmation, a stream is bounded by the client's request timeout instead.)
const IDLE_LIMIT: Duration = Duration::from_secs(45);

/// A stream must stay up this long before its back-off starts again from the base delay. Longer
/// than the default cap (2 s), so a server that confirms and then drops is dialled at the capped
/// rate, not at the base rate forever.
const HEALTHY_AFTER: Duration = Duration::from_secs(10);

/// The live subscriptions of one client.
pub struct Subscriptions {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    sink: EventSink,
    spawn: Spawner,
    active: Mutex<HashMap<StreamId, watch::Sender<bool>>>,
}

impl Subscriptions {
    pub fn new(config: Arc<ClientConfig>, sink: EventSink, spawn: Spawner) -> Result<Self, TransportError> {
        // No overall timeout: these responses never end. Until its confirmation a stream is bounded
        // by `request_timeout` (connecting included), then by IDLE_LIMIT.
        let http = crate::http::with_tls(reqwest::Client::builder(), &config)?
            .http1_only()
            .tcp_nodelay(true)
            .build()
            .map_err(|e| TransportError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { http, config, sink, spawn, active: Mutex::new(HashMap::new()) })
    }

    /// Opens a stream; its events carry the returned id.
    pub fn subscribe(&self, kind: Kind, name: Vec<u8>) -> StreamId {
        let id = NEXT_STREAM.fetch_add(1, Ordering::Relaxed);
        let (stop, stopped) = watch::channel(false);
        self.active.lock().expect("subscriptions lock").insert(id, stop);
        let stream =
            Stream { id, http: self.http.clone(), config: self.config.clone(), sink: self.sink.clone(), kind, name };
        (self.spawn)(Box::pin(stream.run(stopped)));
        id
    }

    /// Closes the stream; returns false when there was none.
    pub fn unsubscribe(&self, stream: StreamId) -> bool {
        let stop = self.active.lock().expect("subscriptions lock").remove(&stream);
        stop.map(|s| s.send(true)).is_some()
    }

    /// Closes every stream.
    pub fn close(&self) {
        for (_, stop) in self.active.lock().expect("subscriptions lock").drain() {
            let _ = stop.send(true);
        }
    }
}

/// Delays between attempts: `config.backoff` with equal jitter (half fixed, half random, so many
/// clients dropped at once do not come back in step), counted from the last healthy stretch.
struct Backoff {
    failures: u32,
    random: RandomState,
}

impl Backoff {
    fn new() -> Self {
        Self { failures: 0, random: RandomState::new() }
    }

    /// Failed attempts since the stream was last healthy (since it started, if it never was).
    fn failures(&self) -> u32 {
        self.failures
    }

    /// A stream that stayed up for `uptime` before dropping: long enough, and the count restarts.
    fn stream_was_up(&mut self, uptime: Duration) {
        if uptime >= HEALTHY_AFTER {
            self.failures = 0;
        }
    }

    /// The delay before the next attempt, within [backoff / 2, backoff], never above the cap.
    fn next(&mut self, config: &ClientConfig) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let full = config.backoff(self.failures);
        let mut hasher = self.random.build_hasher();
        hasher.write_u32(self.failures);
        let unit = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64; // uniform in [0, 1)
        full / 2 + full.mul_f64(unit / 2.0)
    }
}

struct Stream {
    id: StreamId,
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    sink: EventSink,
    kind: Kind,
    name: Vec<u8>,
}

impl Stream {
    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let mut confirmed_before = false;
        let mut backoff = Backoff::new();
        loop {
            let mut confirmed_at = None;
            let outcome = tokio::select! {
                outcome = self.read_once(&mut confirmed_before, &mut confirmed_at) => outcome,
                _ = stopped.wait_for(|stop| *stop) => return,
            };
            if let Some(at) = confirmed_at {
                backoff.stream_was_up(at.elapsed());
            }
            let error = match outcome {
                Ok(()) => TransportError::Io("the server ended the stream".into()),
                Err(e) => e,
            };
            // A rejected token or a refused name will not change by retrying. A stream never
            // confirmed retries as a command would (its subscribe() call is waiting); an
            // established one keeps trying, as ioredis does.
            let permanent = matches!(error, TransportError::Unauthorized(_) | TransportError::Http { status: 400, .. });
            if permanent || (!confirmed_before && backoff.failures() >= self.config.max_retries) {
                (self.sink)(vec![Event::Failed { stream: self.id, error }]);
                return;
            }
            let delay = backoff.next(&self.config);
            (self.sink)(vec![Event::Reconnecting { stream: self.id, delay, error }]);
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// One connection: open, confirm (within the request timeout), deliver until it ends.
    async fn read_once(
        &self,
        confirmed_before: &mut bool,
        confirmed_at: &mut Option<Instant>,
    ) -> Result<(), TransportError> {
        let confirm_within = self.config.request_timeout;
        let deadline = Instant::now() + confirm_within;
        let timed_out = || TransportError::Timeout(confirm_within.as_millis());
        let url = format!("{}/{}/{}", self.config.url, self.kind.path(), encode_segment(&self.name));
        let request = self
            .http
            .post(url)
            .header(AUTHORIZATION, format!("Bearer {}", self.config.token))
            .header(ACCEPT, "text/event-stream")
            .header(CACHE_CONTROL, "no-cache")
            .body("[]")
            .send();
        let response = tokio::time::timeout_at(deadline, request)
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| crate::http::classify(e, confirm_within))?;
        let status = response.status().as_u16();
        if status != 200 {
            let body = tokio::time::timeout_at(deadline, response.bytes()).await.ok().and_then(Result::ok);
            let message = fragment_redis_protocol::reply_reader::error_text(&body.unwrap_or_default());
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
            let limit = if confirmed_at.is_some() { Instant::now() + IDLE_LIMIT } else { deadline };
            let chunk = match tokio::time::timeout_at(limit, response.chunk()).await {
                Err(_) if confirmed_at.is_some() => return Err(TransportError::Timeout(IDLE_LIMIT.as_millis())),
                Err(_) => return Err(timed_out()),
                Ok(Err(e)) => return Err(crate::http::classify(e, IDLE_LIMIT)),
                Ok(Ok(None)) => return Ok(()),
                Ok(Ok(Some(chunk))) => chunk,
            };
            decoder.feed(&chunk, &mut decoded);
            let events: Vec<Event> =
                decoded.drain(..).filter_map(|e| self.translate(e, confirmed_before, confirmed_at)).collect();
            if !events.is_empty() {
                (self.sink)(events);
            }
        }
    }

    fn translate(
        &self,
        event: sse::Event,
        confirmed_before: &mut bool,
        confirmed_at: &mut Option<Instant>,
    ) -> Option<Event> {
        let stream = self.id;
        if event.event == "error" {
            return Some(Event::StreamError { stream, message: String::from_utf8_lossy(&event.data).into_owned() });
        }
        let Some(parsed) = sse::parse_event_for(&event, &self.name, self.kind == Kind::Pattern) else {
            return Some(Event::StreamError { stream, message: unreadable(&event) });
        };
        Some(match parsed {
            PubSubEvent::Subscribe { .. } | PubSubEvent::Psubscribe { .. } => {
                confirmed_at.get_or_insert_with(Instant::now);
                let resumed = std::mem::replace(confirmed_before, true);
                Event::Subscribed { stream, resumed }
            }
            PubSubEvent::Message { channel, payload } => Event::Message { stream, channel, payload },
            PubSubEvent::Pmessage { pattern, channel, payload } => {
                Event::Pmessage { stream, pattern, channel, payload }
            }
            PubSubEvent::Unsubscribe { .. } | PubSubEvent::Punsubscribe { .. } => return None,
        })
    }
}

/// The message of a StreamError for an event that is not pub/sub (shortened: it may be a payload).
fn unreadable(event: &sse::Event) -> String {
    const SHOWN: usize = 60;
    let data = String::from_utf8_lossy(&event.data[..event.data.len().min(SHOWN)]).into_owned();
    let more = if event.data.len() > SHOWN { "…" } else { "" };
    format!("unreadable event from the server (type {:?}): {data:?}{more}", event.event)
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

    fn config() -> ClientConfig {
        ClientConfig::for_tests("http://127.0.0.1:1")
    }

    #[test]
    fn backoff_is_jittered_within_half_and_full_and_capped() {
        let config = config();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let mut backoff = Backoff::new();
            for n in 1..=12 {
                let delay = backoff.next(&config);
                let full = config.backoff(n);
                assert!(
                    delay >= full / 2 && delay <= full,
                    "attempt {n}: {delay:?} outside [{:?}, {full:?}]",
                    full / 2
                );
                assert!(delay <= config.retry_cap);
                if n == 1 {
                    seen.insert(delay);
                }
            }
        }
        assert!(seen.len() > 10, "the first delay should vary between streams, got {seen:?}");
    }

    #[test]
    fn backoff_restarts_only_after_a_healthy_stretch() {
        let config = config();
        let mut backoff = Backoff::new();
        for _ in 0..6 {
            backoff.next(&config);
            backoff.stream_was_up(Duration::from_millis(5)); // confirmed, then dropped at once
        }
        assert_eq!(backoff.failures(), 6);
        assert!(backoff.next(&config) >= config.backoff(7) / 2);
        backoff.stream_was_up(HEALTHY_AFTER);
        assert_eq!(backoff.failures(), 0);
        assert!(backoff.next(&config) <= config.retry_base);
    }

    #[test]
    fn an_unreadable_event_is_described_shortly() {
        let event = sse::Event { event: String::new(), data: vec![b'x'; 500] };
        let text = unreadable(&event);
        assert!(text.len() < 120 && text.ends_with('…'), "{text}");
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment(b"chat:room/1*"), "chat%3Aroom%2F1%2A");
        assert_eq!(encode_segment("é".as_bytes()), "%C3%A9");
    }
}
