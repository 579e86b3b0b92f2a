//! What every Server-Sent Events endpoint shares (`/subscribe`, `/psubscribe`, `/monitor`): the
//! pump from a Redis connection of the stream's own to the client, keep-alive comments, the end of
//! the stream (client gone, Redis gone, the gateway draining, the caller's ACL user changed),
//! `--latency`, and the response's headers. Each endpoint says only how a reply becomes an event.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use fragment_redis_protocol::sse::KEEPALIVE;
use http_body_util::BodyExt;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::Response;
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::time::Instant;

use crate::access::Caller;
use crate::http::body::{Body, ChannelBody};
use crate::redis::{Connection, Reply};
use crate::state::State;
use crate::GatewayError;

/// Events buffered per stream before a slow reader slows Redis reads down.
pub(super) const BUFFERED_EVENTS: usize = 256;

/// A stream's own Redis connection, with what bounds and ends it.
pub(super) struct Opened {
    /// Dedicated to this stream (never a pooled one: SUBSCRIBE and MONITOR take it over), with the
    /// caller's credentials.
    pub conn: Connection,
    /// Held for exactly as long as the pump runs: the stream counts against `--max-streams`.
    permit: OwnedSemaphorePermit,
    /// Completes when the caller's ACL user was changed (see `Pool::retired`).
    retired: Pin<Box<dyn Future<Output = ()> + Send>>,
}

/// Takes a stream permit (or `429`), then dials the caller's own connection.
pub(super) async fn open(state: &State, caller: &Caller) -> Result<Opened, GatewayError> {
    let permit = state
        .streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| GatewayError::TooManyStreams(state.config.max_streams))?;
    // Taken before the dial: an ACL user changed from now on ends the stream.
    let retired = Box::pin(caller.pool(state).retired());
    let conn = caller.pool(state).dedicated().await?;
    Ok(Opened { conn, permit, retired })
}

/// Spawns the pump of a stream Redis confirmed and answers with it: `rx` already holds the first
/// events (the confirmations), `tx` feeds it. `to_event` turns each reply Redis sends into the
/// event to write, or `None` to leave it out.
pub(super) fn respond(
    state: &Arc<State>,
    opened: Opened,
    (tx, rx): (mpsc::Sender<Bytes>, mpsc::Receiver<Bytes>),
    to_event: impl FnMut(Reply) -> Option<Bytes> + Send + 'static,
) -> Response<Body> {
    let Opened { conn, permit, retired } = opened;
    let pump_state = state.clone();
    tokio::spawn(async move {
        // Dropping the pump drops its connection and its sender: the client's stream ends.
        tokio::select! {
            _ = pump(&pump_state, conn, tx, to_event) => {}
            _ = retired => {}
        }
        drop(permit);
    });

    let rx = if state.simulator.has_latency() {
        let (delayed_tx, delayed_rx) = mpsc::channel(BUFFERED_EVENTS);
        tokio::spawn(delay_events(state.clone(), rx, delayed_tx));
        delayed_rx
    } else {
        rx
    };
    let mut response = Response::new(ChannelBody::new(rx).boxed());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn pump(
    state: &State,
    mut conn: Connection,
    tx: mpsc::Sender<Bytes>,
    mut to_event: impl FnMut(Reply) -> Option<Bytes>,
) {
    let keepalive = state.config.keepalive_interval;
    let mut shutdown = state.shutdown.clone();
    let mut ticker = tokio::time::interval_at(Instant::now() + keepalive, keepalive);
    loop {
        // `Connection::read` keeps partial input in its own buffer, so losing the race is harmless.
        let chunk = tokio::select! {
            reply = conn.read(false) => match reply {
                Ok(reply) => match to_event(reply) {
                    Some(event) => event,
                    None => continue,
                },
                Err(_) => break,
            },
            _ = ticker.tick() => Bytes::from_static(KEEPALIVE),
            _ = tx.closed() => break,
            _ = shutdown.changed() => break,
        };
        if tx.send(chunk).await.is_err() {
            break;
        }
    }
    // Dropping `conn` here closes the stream's connection: Redis stops feeding it at once.
}

/// `--latency` for a stream: each event is held back by its own drawn delay, as the network
/// would, without throttling the stream (events keep their order; a later one never overtakes).
/// A slow reader still slows the pump: while a send waits, nothing more is read.
async fn delay_events(state: Arc<State>, mut rx: mpsc::Receiver<Bytes>, tx: mpsc::Sender<Bytes>) {
    let mut due: VecDeque<(Instant, Bytes)> = VecDeque::new();
    let mut open = true;
    while open || !due.is_empty() {
        let next = due.front().map(|(at, _)| *at);
        tokio::select! {
            chunk = rx.recv(), if open => match chunk {
                Some(bytes) => {
                    let at = Instant::now() + state.simulator.next_delay();
                    let at = due.back().map_or(at, |(last, _)| at.max(*last));
                    due.push_back((at, bytes));
                }
                None => open = false,
            },
            _ = tokio::time::sleep_until(next.unwrap_or_else(Instant::now)), if next.is_some() => {
                let (_, bytes) = due.pop_front().expect("a due event");
                if tx.send(bytes).await.is_err() {
                    break;
                }
            }
            _ = tx.closed() => break,
        }
    }
}
