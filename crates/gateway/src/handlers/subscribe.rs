use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use fragment_redis_protocol::sse::{encode_data, encode_pubsub, KEEPALIVE};
use fragment_redis_protocol::Value;
use http_body_util::BodyExt;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::Response;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::access::Caller;
use crate::http::body::{Body, ChannelBody};
use crate::redis::Connection;
use crate::state::State;
use crate::GatewayError;

/// Which endpoint: `/subscribe/<channel>…` or `/psubscribe/<pattern>…`.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Channels,
    Patterns,
}

/// Events buffered per stream before a slow reader slows Redis reads down.
const BUFFERED_EVENTS: usize = 256;

/// Opens a Server-Sent Events stream of pub/sub messages on a connection of its own.
///
/// The response starts only after Redis confirmed every subscription, so a message published
/// once the client has seen the headers is never missed. The connection closes when the client
/// goes away, when Redis drops it, or when the gateway drains.
///
/// A read-only token may subscribe (a read); an ACL user's stream runs on a connection of that
/// user, so Redis's channel rules apply to it.
pub async fn stream(
    state: Arc<State>,
    caller: &Caller,
    kind: Kind,
    names: Vec<Vec<u8>>,
) -> Result<Response<Body>, GatewayError> {
    if names.is_empty() {
        return Err(GatewayError::BadRequest(
            "ERR name at least one channel: /subscribe/<channel> or /psubscribe/<pattern>".into(),
        ));
    }
    // Each stream holds a Redis connection for as long as it is open: their number is capped, and
    // the permit lives exactly as long as the stream's pump.
    let permit = state
        .streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| GatewayError::TooManyStreams(state.config.max_streams))?;
    // Taken before the dial: an ACL user changed from now on ends the stream (see `Pool::retired`).
    let retired = caller.pool(&state).retired();
    let mut conn = caller.pool(&state).dedicated().await?;
    let verb: &[u8] = match kind {
        Kind::Channels => b"SUBSCRIBE",
        Kind::Patterns => b"PSUBSCRIBE",
    };
    let mut command = vec![verb.to_vec()];
    command.extend(names.iter().cloned());

    let (tx, rx) = mpsc::channel(BUFFERED_EVENTS + names.len());
    let timeout = state.config.request_timeout;
    let confirm = async {
        conn.send(&[command]).await?;
        for _ in &names {
            let reply = conn.read(false).await?;
            if let Value::Error(message) = reply.value {
                return Err(GatewayError::BadRequest(message));
            }
            tx.try_send(frame(&reply.value)).expect("the channel has room for every confirmation");
        }
        Ok(())
    };
    tokio::time::timeout(timeout, confirm).await.map_err(|_| GatewayError::Timeout(timeout.as_millis()))??;
    let (keepalive, shutdown) = (state.config.keepalive_interval, state.shutdown.clone());
    tokio::spawn(async move {
        // Dropping the pump drops its connection and its sender: the client's stream ends.
        tokio::select! {
            _ = pump(conn, tx, keepalive, shutdown) => {}
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
    Ok(response)
}

async fn pump(mut conn: Connection, tx: mpsc::Sender<Bytes>, keepalive: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    loop {
        // `Connection::read` keeps partial input in its own buffer, so losing the race is harmless.
        let chunk = tokio::select! {
            reply = conn.read(false) => match reply {
                Ok(reply) => frame(&reply.value),
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
}

/// `--latency` for a stream: each event is held back by its own drawn delay, as the network
/// would, without throttling the stream (events keep their order; a later one never overtakes).
/// A slow reader still slows the pump: while a send waits, nothing more is read.
pub(super) async fn delay_events(state: Arc<State>, mut rx: mpsc::Receiver<Bytes>, tx: mpsc::Sender<Bytes>) {
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

/// `["message", ch, payload]` → `data: message,<ch>,<payload>`; counts are written as numbers. A payload
/// with a carriage return goes base64 in a `base64` event (see `fragment_redis_protocol::sse`).
fn frame(value: &Value) -> Bytes {
    let mut fields: Vec<Vec<u8>> = match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Bulk(b) | Value::Status(b) => b.clone(),
                Value::Int(n) => n.to_string().into_bytes(),
                other => format!("{other:?}").into_bytes(),
            })
            .collect(),
        other => vec![format!("{other:?}").into_bytes()],
    };
    let payload = fields.pop().unwrap_or_default();
    let framed = encode_pubsub(&fields, &payload).unwrap_or_else(|_| {
        let name = fields.last().map(|c| String::from_utf8_lossy(c).into_owned()).unwrap_or_default();
        let message = format!("ERR the name {name:?} contains a carriage return, which Server-Sent Events cannot carry; the message was not delivered");
        encode_data(message.as_bytes(), Some("error")).expect("Debug formatting escapes carriage returns")
    });
    Bytes::from(framed)
}
