//! The compact binary form in which outcomes cross to JavaScript: one Buffer per drain, decoded
//! by `lib/reply-reader.js`. Far cheaper than building JS objects through Node-API one by one,
//! and the JS side decides per command whether a string becomes a `string` or a `Buffer`.
//!
//! Little-endian. One group per finished request, in the order requests finished:
//! `u32 id` (what the submit call returned), `u32 count`, then `count` outcomes in command order.
//! One entry per outcome:
//! `0` nil · `1` int: i64 · `2` bulk: u32 len, bytes · `3` status: u32 len, bytes ·
//! `4` Redis error: u32 len, UTF-8 · `5` array: u32 count, entries ·
//! `6` transport failure: u32 len, code, u32 len, message

use fragment_redis_protocol::Value;
use fragment_redis_transport::Outcome;

pub fn encode_request(id: u32, outcomes: &[Outcome], out: &mut Vec<u8>) {
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(outcomes.len() as u32).to_le_bytes());
    for outcome in outcomes {
        encode_outcome(outcome, out);
    }
}

fn encode_outcome(outcome: &Outcome, out: &mut Vec<u8>) {
    match outcome {
        Ok(value) => encode_value(value, out),
        Err(failure) => {
            out.push(6);
            put_bytes(failure.code().as_bytes(), out);
            put_bytes(failure.to_string().as_bytes(), out);
        }
    }
}

fn encode_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Nil => out.push(0),
        Value::Int(n) => {
            out.push(1);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Bulk(bytes) => {
            out.push(2);
            put_bytes(bytes, out);
        }
        Value::Status(bytes) => {
            out.push(3);
            put_bytes(bytes, out);
        }
        Value::Error(text) => {
            out.push(4);
            put_bytes(text.as_bytes(), out);
        }
        Value::Array(items) => {
            out.push(5);
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for item in items {
                encode_value(item, out);
            }
        }
    }
}

fn put_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}
