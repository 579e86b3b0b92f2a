use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use fragment_redis_protocol::sse::{encode_data, encode_pubsub, KEEPALIVE};
use fragment_redis_protocol::Value;
use http_body_util::BodyExt;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::Response;
use tokio::sync::{mpsc, watch};

use crate::http::body::{Body, ChannelBody};
use crate::http::state::State;
use crate::redis::Connection;
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
pub async fn stream(state: Arc<State>, kind: Kind, names: Vec<Vec<u8>>) -> Result<Response<Body>, GatewayError> {
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
    let mut conn = state.pool.dedicated().await?;
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
        pump(conn, tx, keepalive, shutdown).await;
        drop(permit);
    });

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
