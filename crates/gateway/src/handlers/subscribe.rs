use std::sync::Arc;

use bytes::Bytes;
use fragment_redis_protocol::sse::{encode_data, encode_pubsub};
use fragment_redis_protocol::Value;
use hyper::Response;
use tokio::sync::mpsc;

use super::event_stream::{self, BUFFERED_EVENTS};
use crate::access::Caller;
use crate::http::body::Body;
use crate::state::State;
use crate::GatewayError;

/// Which endpoint: `/subscribe/<channel>…` or `/psubscribe/<pattern>…`.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Channels,
    Patterns,
}

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
    // Each stream holds a Redis connection for as long as it is open: their number is capped.
    let mut opened = event_stream::open(&state, caller).await?;
    let conn = &mut opened.conn;
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
    Ok(event_stream::respond(&state, opened, (tx, rx), |reply| Some(frame(&reply.value))))
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
