//! Pub/sub events as they cross to JavaScript, decoded by `lib/pubsub/event-reader.js`.
//!
//! Little-endian; every event starts with its tag (u8) and the id of its stream (u64, see
//! `StreamId`), `bytes` = u32 length + bytes:
//! `1` subscribed: u8 resumed · `2` message: bytes channel, bytes payload ·
//! `3` pmessage: bytes pattern, bytes channel, bytes payload ·
//! `4` reconnecting: u32 delay ms, bytes code, bytes message · `5` stream error: bytes message ·
//! `6` failed: bytes code, bytes message

use fragment_redis_transport::subscription::{Event, Kind, StreamId};

pub fn encode_event(event: &Event, out: &mut Vec<u8>) {
    match event {
        Event::Subscribed { stream, resumed } => {
            head(1, *stream, out);
            out.push(u8::from(*resumed));
        }
        Event::Message { stream, channel, payload } => {
            head(2, *stream, out);
            put(channel, out);
            put(payload, out);
        }
        Event::Pmessage { stream, pattern, channel, payload } => {
            head(3, *stream, out);
            put(pattern, out);
            put(channel, out);
            put(payload, out);
        }
        Event::Reconnecting { stream, delay, error } => {
            head(4, *stream, out);
            out.extend_from_slice(&(delay.as_millis().min(u128::from(u32::MAX)) as u32).to_le_bytes());
            put(error.code().as_bytes(), out);
            put(error.to_string().as_bytes(), out);
        }
        Event::StreamError { stream, message } => {
            head(5, *stream, out);
            put(message.as_bytes(), out);
        }
        Event::Failed { stream, error } => {
            head(6, *stream, out);
            put(error.code().as_bytes(), out);
            put(error.to_string().as_bytes(), out);
        }
    }
}

pub fn kind_from(byte: u32) -> Kind {
    if byte == 1 {
        Kind::Pattern
    } else {
        Kind::Channel
    }
}

fn head(tag: u8, stream: StreamId, out: &mut Vec<u8>) {
    out.push(tag);
    out.extend_from_slice(&stream.to_le_bytes());
}

fn put(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}
