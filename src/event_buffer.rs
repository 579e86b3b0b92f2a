//! Pub/sub events as they cross to JavaScript, decoded by `lib/pubsub/event-reader.js`.
//!
//! Little-endian, `bytes` = u32 length + bytes, `kind` = u8 (0 channel, 1 pattern):
//! `1` subscribed: kind, u8 resumed, bytes name · `2` message: bytes channel, bytes payload ·
//! `3` pmessage: bytes pattern, bytes channel, bytes payload ·
//! `4` reconnecting: kind, bytes name, u32 delay ms, bytes code, bytes message ·
//! `5` stream error: kind, bytes name, bytes message · `6` failed: kind, bytes name, bytes code, bytes message

use fragment_redis_transport::subscription::{Event, Kind};

pub fn encode_event(event: &Event, out: &mut Vec<u8>) {
    match event {
        Event::Subscribed { kind, name, resumed } => {
            out.extend_from_slice(&[1, kind_byte(*kind), u8::from(*resumed)]);
            put(name, out);
        }
        Event::Message { channel, payload } => {
            out.push(2);
            put(channel, out);
            put(payload, out);
        }
        Event::Pmessage { pattern, channel, payload } => {
            out.push(3);
            put(pattern, out);
            put(channel, out);
            put(payload, out);
        }
        Event::Reconnecting { kind, name, delay, error } => {
            out.extend_from_slice(&[4, kind_byte(*kind)]);
            put(name, out);
            out.extend_from_slice(&(delay.as_millis().min(u128::from(u32::MAX)) as u32).to_le_bytes());
            put(error.code().as_bytes(), out);
            put(error.to_string().as_bytes(), out);
        }
        Event::StreamError { kind, name, message } => {
            out.extend_from_slice(&[5, kind_byte(*kind)]);
            put(name, out);
            put(message.as_bytes(), out);
        }
        Event::Failed { kind, name, error } => {
            out.extend_from_slice(&[6, kind_byte(*kind)]);
            put(name, out);
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

fn kind_byte(kind: Kind) -> u8 {
    match kind {
        Kind::Channel => 0,
        Kind::Pattern => 1,
    }
}

fn put(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}
