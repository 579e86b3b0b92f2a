//! `/monitor`: every command Redis runs, as Server-Sent Events in Upstash's format.
//!
//! ```text
//! data: "OK"
//! data: 1721284005.242090 [0 0.0.0.0:0] "GET" "k"
//! ```
//!
//! Each line is Redis's own MONITOR line with the client's address masked as `0.0.0.0:0`, as
//! Upstash prints it. Everything else is Redis's, unchanged: the timestamp, the database number
//! (0 unless `--redis` names another database; Upstash has only 0), `lua` for a command a script
//! ran, and the quoting of every argument (double quotes; `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`
//! and `\xHH` for any other byte outside printable ASCII). So a line is always one line of ASCII,
//! whatever the keys and values hold, and needs no framing of its own.
//!
//! Left out, because the application did not send them: the gateway's own connection handshake
//! (AUTH, SELECT, on a connection the gateway opened: [`crate::redis::OwnConnections`]) and the key
//! checks of `allow-key-locking` scripts ([`crate::scripts::is_key_locking_probe`]).

use std::sync::Arc;

use bytes::Bytes;
use fragment_redis_protocol::sse::encode_data;
use fragment_redis_protocol::Value;
use hyper::Response;
use tokio::sync::mpsc;

use super::event_stream::{self, BUFFERED_EVENTS};
use crate::access::Caller;
use crate::http::body::Body;
use crate::redis::{OwnConnections, Reply};
use crate::scripts::{is_key_locking_probe, without_preamble};
use crate::state::State;
use crate::GatewayError;

/// What a client's address becomes, as on Upstash.
const MASKED_ADDRESS: &[u8] = b"0.0.0.0:0";
/// Redis's first answer to MONITOR, and the stream's first event.
const FIRST_EVENT: &[u8] = b"data: \"OK\"\n\n";

/// Opens a monitor on a Redis connection of its own (never a pooled one: MONITOR takes the
/// connection over). It counts against `--max-streams` with the subscriptions, and closes when the
/// client goes away, when Redis drops it, or when the gateway drains.
///
/// MONITOR is an admin command: the read-only token is refused it like any write, and an ACL
/// user's monitor runs on a connection of that user, so Redis's own ACL rules decide.
pub async fn stream(state: Arc<State>, caller: &Caller) -> Result<Response<Body>, GatewayError> {
    if let Some(message) = caller.refusal(&vec![b"MONITOR".to_vec()]) {
        return Err(GatewayError::BadRequest(message));
    }
    let mut opened = event_stream::open(&state, caller).await?;
    let conn = &mut opened.conn;
    let timeout = state.config.request_timeout;
    let confirm = async {
        conn.send(&[vec![b"MONITOR".to_vec()]]).await?;
        match conn.read(false).await?.value {
            Value::Error(message) => Err(GatewayError::BadRequest(message)),
            _ => Ok(()),
        }
    };
    tokio::time::timeout(timeout, confirm).await.map_err(|_| GatewayError::Timeout(timeout.as_millis()))??;

    let (tx, rx) = mpsc::channel(BUFFERED_EVENTS);
    tx.try_send(Bytes::from_static(FIRST_EVENT)).expect("an empty channel has room");
    let own = state.clone();
    Ok(event_stream::respond(&state, opened, (tx, rx), move |reply| match reply {
        Reply { value: Value::Status(line) | Value::Bulk(line), .. } => {
            public_line(&line, own.pool.own_connections()).map(|line| event(&line))
        }
        _ => None,
    }))
}

fn event(line: &[u8]) -> Bytes {
    // Redis escapes CR and LF inside a MONITOR line, so it always frames; a line that somehow
    // does not is shown escaped rather than lost.
    Bytes::from(encode_data(line, None).unwrap_or_else(|_| {
        encode_data(line.escape_ascii().to_string().as_bytes(), None).expect("escaped text has no CR")
    }))
}

/// A MONITOR line as the developer sees it: the client's address masked, or `None` for the
/// gateway's own housekeeping. A line that does not parse is passed on unchanged.
fn public_line(line: &[u8], own: &OwnConnections) -> Option<Vec<u8>> {
    let Some(parts) = Parts::parse(line) else { return Some(line.to_vec()) };
    let source = std::str::from_utf8(parts.source).unwrap_or("");
    if source == "lua" && is_key_locking_probe(parts.args) || is_handshake(parts.args) && own.contains(source) {
        return None;
    }
    let mut out = Vec::with_capacity(line.len());
    out.extend_from_slice(parts.head);
    out.extend_from_slice(if source == "lua" { parts.source } else { MASKED_ADDRESS });
    match without_preamble(parts.tail) {
        Some(tail) => out.extend_from_slice(&tail),
        None => out.extend_from_slice(parts.tail),
    }
    Some(out)
}

/// The commands the gateway sends when it opens a connection (which REST callers cannot send).
fn is_handshake(args: &[u8]) -> bool {
    let name = args.split(|&b| b == b' ').next().unwrap_or(b"");
    name.eq_ignore_ascii_case(b"\"AUTH\"") || name.eq_ignore_ascii_case(b"\"SELECT\"")
}

/// `1721284005.242090 [0 127.0.0.1:5000] "GET" "k"`, split around the client's address.
struct Parts<'a> {
    /// Up to and including the space after the database number.
    head: &'a [u8],
    /// `127.0.0.1:5000`, `[::1]:5000`, `unix:/path` or `lua`.
    source: &'a [u8],
    /// From the `]` on.
    tail: &'a [u8],
    /// The quoted arguments.
    args: &'a [u8],
}

impl<'a> Parts<'a> {
    fn parse(line: &'a [u8]) -> Option<Self> {
        let open = line.iter().position(|&b| b == b'[')?;
        let space = open + 1 + line[open + 1..].iter().position(|&b| b == b' ')?;
        if !line[open + 1..space].iter().all(u8::is_ascii_digit) || space == open + 1 {
            return None;
        }
        // Arguments always start with a quote, and an IPv6 address's own `]` is followed by `:`.
        let close = space + line[space..].windows(3).position(|w| w == b"] \"")?;
        Some(Self {
            head: &line[..=space],
            source: &line[space + 1..close],
            tail: &line[close..],
            args: &line[close + 2..],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(line: &str, own: &OwnConnections) -> Option<String> {
        public_line(line.as_bytes(), own).map(|l| String::from_utf8(l).unwrap())
    }

    #[test]
    fn masks_the_client_address_and_keeps_the_rest_byte_for_byte() {
        let own = OwnConnections::default();
        assert_eq!(
            show(r#"1721284005.242090 [0 127.0.0.1:5000] "GET" "k""#, &own).unwrap(),
            r#"1721284005.242090 [0 0.0.0.0:0] "GET" "k""#
        );
        assert_eq!(
            show(r#"1.000001 [3 [::1]:6000] "set" "a\x01\"\\\n b" "\xff""#, &own).unwrap(),
            r#"1.000001 [3 0.0.0.0:0] "set" "a\x01\"\\\n b" "\xff""#
        );
        assert_eq!(show(r#"1.5 [0 unix:/tmp/r.sock] "PING""#, &own).unwrap(), r#"1.5 [0 0.0.0.0:0] "PING""#);
        // A value that looks like the address part is an argument, left alone.
        assert_eq!(
            show(r#"1.5 [0 10.0.0.1:1] "SET" "] \"x" "[0 1.2.3.4:5]""#, &own).unwrap(),
            r#"1.5 [0 0.0.0.0:0] "SET" "] \"x" "[0 1.2.3.4:5]""#
        );
        assert_eq!(show(r#"1.5 [0 lua] "GET" "k""#, &own).unwrap(), r#"1.5 [0 lua] "GET" "k""#);
        assert_eq!(show("not a monitor line", &own).unwrap(), "not a monitor line");
    }

    #[test]
    fn leaves_out_only_the_gateways_own_handshake() {
        let own = Arc::new(OwnConnections::default());
        let _ours = own.register("127.0.0.1:5000".parse().unwrap());
        assert_eq!(show(r#"1.5 [0 127.0.0.1:5000] "AUTH" "(redacted)""#, &own), None);
        assert_eq!(show(r#"1.5 [2 127.0.0.1:5000] "SELECT" "2""#, &own), None);
        assert!(show(r#"1.5 [0 127.0.0.1:5000] "GET" "k""#, &own).is_some());
        // Another client's handshake, and a script's SELECT, are the application's.
        assert!(show(r#"1.5 [0 127.0.0.1:5001] "AUTH" "(redacted)""#, &own).is_some());
        assert!(show(r#"1.5 [0 lua] "SELECT" "1""#, &own).is_some());
    }
}
