use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::BodyExt;
use hyper::body::{Body as HttpBody, Frame, Incoming};
use tokio::sync::mpsc;

use crate::GatewayError;

pub type Body = BoxBody<Bytes, Infallible>;

/// Bodies larger than this many times the limit are not drained: the connection is dropped instead.
const DRAIN_FACTOR: usize = 4;

/// Reads the whole request body, refusing more than `limit` bytes.
///
/// An oversized body is still read (and discarded) up to a bound, so the client gets its answer
/// instead of a reset connection halfway through sending.
pub async fn read_limited(
    mut body: Incoming,
    content_length: Option<usize>,
    limit: usize,
) -> Result<Vec<u8>, GatewayError> {
    let too_large = |actual| GatewayError::RequestTooLarge { limit, actual };
    let drain_cap = limit.saturating_mul(DRAIN_FACTOR);
    if let Some(announced) = content_length.filter(|&n| n > drain_cap) {
        return Err(too_large(announced));
    }
    let mut buf = Vec::with_capacity(content_length.unwrap_or(0).min(limit));
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| GatewayError::BadRequest(format!("ERR could not read the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > drain_cap {
                return Err(too_large(content_length.unwrap_or(seen)));
            }
            if seen <= limit {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        return Err(too_large(seen));
    }
    Ok(buf)
}

/// A streaming response body fed through a channel (Server-Sent Events).
///
/// When hyper drops it (the client went away), the sender's `closed()` fires and the producer stops.
pub struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl ChannelBody {
    pub fn new(rx: mpsc::Receiver<Bytes>) -> Self {
        Self { rx }
    }
}

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx.poll_recv(cx).map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}
