//! Server-Sent Events as the Upstash REST API uses them for pub/sub:
//! `data: message,<channel>,<payload>` events separated by blank lines, `:` comments as keep-alives.
//!
//! A payload containing `\n` is sent as several `data:` lines, which the SSE standard joins back
//! with `\n`, so it round-trips byte-exact through a standard decoder (this one). SSE cannot carry a
//! `\r` at all (it ends a line), so a payload containing one travels base64-encoded in an event of
//! type `base64` ([`encode_pubsub`]); this crate's decoder restores it exactly.

use base64::Engine as _;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The `event:` type of a pub/sub event whose payload is base64 (it contained a carriage return).
pub const BASE64_EVENT: &str = "base64";

/// The keep-alive comment sent while a stream is idle.
pub const KEEPALIVE: &[u8] = b": keepalive\n\n";

/// Why an event could not be framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    CarriageReturn,
}

/// Frames a pub/sub event: `fields` are the fixed parts (`message`, channel, …), `payload` the last.
/// A payload with a carriage return goes base64-encoded in a `base64` event; only fixed parts with a
/// carriage return (a channel name, say) cannot be framed.
pub fn encode_pubsub<A: AsRef<[u8]>>(fields: &[A], payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut data = Vec::with_capacity(payload.len() + 32);
    for field in fields {
        data.extend_from_slice(field.as_ref());
        data.push(b',');
    }
    if payload.contains(&b'\r') {
        data.extend_from_slice(B64.encode(payload).as_bytes());
        encode_data(&data, Some(BASE64_EVENT))
    } else {
        data.extend_from_slice(payload);
        encode_data(&data, None)
    }
}

/// Frames `data` as one event, optionally with an `event:` type line.
pub fn encode_data(data: &[u8], event: Option<&str>) -> Result<Vec<u8>, FrameError> {
    if data.contains(&b'\r') {
        return Err(FrameError::CarriageReturn);
    }
    let mut out = Vec::with_capacity(data.len() + 16);
    if let Some(event) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(event.as_bytes());
        out.push(b'\n');
    }
    for line in data.split(|&b| b == b'\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.push(b'\n');
    Ok(out)
}

/// One decoded event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The `event:` field, empty for the default `message` type.
    pub event: String,
    /// All `data:` lines of the event joined by `\n`.
    pub data: Vec<u8>,
}

/// Incremental SSE decoder: feed it chunks split anywhere, get whole events back.
#[derive(Debug, Default)]
pub struct Decoder {
    line: Vec<u8>,
    pending: Event,
    has_data: bool,
    /// A chunk ended in `\r`; a `\n` at the start of the next one belongs to the same terminator.
    after_cr: bool,
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes `chunk`, appending every completed event to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Event>) {
        for &byte in chunk {
            if self.after_cr {
                self.after_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' => self.end_line(out),
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(out);
                }
                _ => self.line.push(byte),
            }
        }
    }

    fn end_line(&mut self, out: &mut Vec<Event>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            if self.has_data {
                out.push(std::mem::take(&mut self.pending));
            }
            self.pending = Event::default();
            self.has_data = false;
            return;
        }
        if line[0] == b':' {
            return; // comment / keep-alive
        }
        let (field, value) = match memchr::memchr(b':', &line) {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (&line[..], &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.pending.data.push(b'\n');
                }
                self.pending.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => self.pending.event = String::from_utf8_lossy(value).into_owned(),
            _ => {} // id:, retry: and unknown fields carry nothing for pub/sub
        }
    }
}

/// A pub/sub event carried in an SSE `data` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PubSubEvent {
    Subscribe { channel: Vec<u8>, count: i64 },
    Psubscribe { pattern: Vec<u8>, count: i64 },
    Unsubscribe { channel: Vec<u8>, count: i64 },
    Punsubscribe { pattern: Vec<u8>, count: i64 },
    Message { channel: Vec<u8>, payload: Vec<u8> },
    Pmessage { pattern: Vec<u8>, channel: Vec<u8>, payload: Vec<u8> },
}

/// Parses `kind,field,…`. The payload is everything after the last fixed comma, commas included.
pub fn parse_pubsub(data: &[u8]) -> Option<PubSubEvent> {
    let mut parts = data.splitn(2, |&b| b == b',');
    let kind = parts.next()?;
    let rest = parts.next()?;
    let split2 = |s: &[u8]| {
        let i = memchr::memchr(b',', s)?;
        Some((s[..i].to_vec(), s[i + 1..].to_vec()))
    };
    let count = |s: &[u8]| std::str::from_utf8(s).ok()?.trim().parse::<i64>().ok();
    Some(match kind {
        b"message" => {
            let (channel, payload) = split2(rest)?;
            PubSubEvent::Message { channel, payload }
        }
        b"pmessage" => {
            let (pattern, rest) = split2(rest)?;
            let (channel, payload) = split2(&rest)?;
            PubSubEvent::Pmessage { pattern, channel, payload }
        }
        b"subscribe" | b"psubscribe" | b"unsubscribe" | b"punsubscribe" => {
            let i = memchr::memrchr(b',', rest)?;
            let (name, n) = (rest[..i].to_vec(), count(&rest[i + 1..])?);
            match kind {
                b"subscribe" => PubSubEvent::Subscribe { channel: name, count: n },
                b"psubscribe" => PubSubEvent::Psubscribe { pattern: name, count: n },
                b"unsubscribe" => PubSubEvent::Unsubscribe { channel: name, count: n },
                _ => PubSubEvent::Punsubscribe { pattern: name, count: n },
            }
        }
        _ => return None,
    })
}

/// A decoded event as a pub/sub event, for a stream whose channel or pattern is known: the name is
/// matched as a whole, so a comma inside it cannot shift the payload, and `base64` events are decoded.
/// A channel matched by a pattern is not known in advance: in a `base64` event the payload has no
/// comma, so the channel is everything up to the last one; in a plain event Upstash's format cannot
/// tell a comma in the channel from one in the payload, and the channel is read up to its first comma.
/// `None`: the event is not a pub/sub event this stream can read (or its base64 is corrupt).
pub fn parse_event_for(event: &Event, name: &[u8], is_pattern: bool) -> Option<PubSubEvent> {
    let base64 = event.event == BASE64_EVENT;
    let mut parsed = parse_known(&event.data, name, is_pattern, base64)?;
    if base64 {
        if let PubSubEvent::Message { payload, .. } | PubSubEvent::Pmessage { payload, .. } = &mut parsed {
            *payload = B64.decode(&payload[..]).ok()?;
        }
    }
    Some(parsed)
}

/// Like [`parse_pubsub`], with the channel or pattern of the stream known (see [`parse_event_for`]).
pub fn parse_pubsub_for(data: &[u8], name: &[u8], is_pattern: bool) -> Option<PubSubEvent> {
    parse_known(data, name, is_pattern, false)
}

/// `comma_free_payload`: the payload is base64, so the last comma ends the channel.
fn parse_known(data: &[u8], name: &[u8], is_pattern: bool, comma_free_payload: bool) -> Option<PubSubEvent> {
    let after = |prefix: &[u8]| {
        let rest = data.strip_prefix(prefix)?.strip_prefix(name)?;
        rest.strip_prefix(b",")
    };
    if is_pattern {
        if let Some(rest) = after(b"pmessage,") {
            let comma = if comma_free_payload { memchr::memrchr(b',', rest) } else { memchr::memchr(b',', rest) }?;
            return Some(PubSubEvent::Pmessage {
                pattern: name.to_vec(),
                channel: rest[..comma].to_vec(),
                payload: rest[comma + 1..].to_vec(),
            });
        }
    } else if let Some(payload) = after(b"message,") {
        return Some(PubSubEvent::Message { channel: name.to_vec(), payload: payload.to_vec() });
    }
    parse_pubsub(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(stream: &[u8]) -> Vec<Event> {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        d.feed(stream, &mut out);
        out
    }

    #[test]
    fn multiline_payload_roundtrips_exactly() {
        let payload = b"line one\nline, two\n\n{\"json\":true}\n";
        let framed = encode_pubsub(&[&b"message"[..], b"chat"], payload).unwrap();
        let events = decode_all(&framed);
        assert_eq!(events.len(), 1);
        assert_eq!(
            parse_pubsub(&events[0].data),
            Some(PubSubEvent::Message { channel: b"chat".to_vec(), payload: payload.to_vec() })
        );
    }

    #[test]
    fn carriage_returns_travel_base64_and_come_back_exact() {
        let payload = b"line\r\nnext\rlast\n";
        let framed = encode_pubsub(&[&b"message"[..], b"c,h"], payload).unwrap();
        assert!(framed.starts_with(b"event: base64\n"));
        let events = decode_all(&framed);
        assert_eq!(
            parse_event_for(&events[0], b"c,h", false),
            Some(PubSubEvent::Message { channel: b"c,h".to_vec(), payload: payload.to_vec() })
        );
        let framed = encode_pubsub(&[&b"pmessage"[..], b"c*", b"ch"], payload).unwrap();
        assert_eq!(
            parse_event_for(&decode_all(&framed)[0], b"c*", true),
            Some(PubSubEvent::Pmessage { pattern: b"c*".to_vec(), channel: b"ch".to_vec(), payload: payload.to_vec() })
        );
        assert_eq!(encode_pubsub(&[&b"message"[..], b"bad\rname"], b"x"), Err(FrameError::CarriageReturn));
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let mut stream = Vec::new();
        stream.extend_from_slice(b"data: subscribe,chat,1\r\n\r\n");
        stream.extend_from_slice(KEEPALIVE);
        stream.extend_from_slice(&encode_pubsub(&[&b"message"[..], b"chat"], "héllo,\nwörld".as_bytes()).unwrap());
        stream.extend_from_slice(b"event: error\ndata: boom\r\r");
        stream.extend_from_slice(b"data: pmessage,c*,chat,x\n\n");
        let whole = decode_all(&stream);
        assert_eq!(whole.len(), 4);
        assert_eq!(whole[2].event, "error");
        for a in 0..stream.len() {
            for b in a..stream.len() {
                let mut d = Decoder::new();
                let mut out = Vec::new();
                d.feed(&stream[..a], &mut out);
                d.feed(&stream[a..b], &mut out);
                d.feed(&stream[b..], &mut out);
                assert_eq!(out, whole, "split at {a},{b}");
            }
        }
    }

    #[test]
    fn a_base64_pattern_message_keeps_a_channel_with_commas_whole() {
        let payload = b"cr\r\nand, comma";
        for channel in [&b"c,h"[..], b"c,,h,", b"c,", b",c"] {
            let framed = encode_pubsub(&[&b"pmessage"[..], b"c*", channel], payload).unwrap();
            assert_eq!(
                parse_event_for(&decode_all(&framed)[0], b"c*", true),
                Some(PubSubEvent::Pmessage {
                    pattern: b"c*".to_vec(),
                    channel: channel.to_vec(),
                    payload: payload.to_vec()
                }),
                "channel {:?}",
                String::from_utf8_lossy(channel)
            );
        }
        let corrupt = Event { event: BASE64_EVENT.into(), data: b"pmessage,c*,ch,not base64!".to_vec() };
        assert_eq!(parse_event_for(&corrupt, b"c*", true), None);
    }

    #[test]
    fn known_names_may_contain_commas() {
        assert_eq!(
            parse_pubsub_for(b"message,a,b,pay,load", b"a,b", false),
            Some(PubSubEvent::Message { channel: b"a,b".to_vec(), payload: b"pay,load".to_vec() })
        );
        assert_eq!(
            parse_pubsub_for(b"pmessage,X[,x]*,Xxyz,pay,load", b"X[,x]*", true),
            Some(PubSubEvent::Pmessage {
                pattern: b"X[,x]*".to_vec(),
                channel: b"Xxyz".to_vec(),
                payload: b"pay,load".to_vec()
            })
        );
        assert_eq!(
            parse_pubsub_for(b"subscribe,a,b,1", b"a,b", false),
            Some(PubSubEvent::Subscribe { channel: b"a,b".to_vec(), count: 1 })
        );
    }

    #[test]
    fn parses_pubsub_kinds() {
        assert_eq!(
            parse_pubsub(b"subscribe,a,b,2"),
            Some(PubSubEvent::Subscribe { channel: b"a,b".to_vec(), count: 2 })
        );
        assert_eq!(
            parse_pubsub(b"pmessage,news.*,news.a,x,y"),
            Some(PubSubEvent::Pmessage {
                pattern: b"news.*".to_vec(),
                channel: b"news.a".to_vec(),
                payload: b"x,y".to_vec()
            })
        );
        assert_eq!(parse_pubsub(b"message,c,"), Some(PubSubEvent::Message { channel: b"c".to_vec(), payload: vec![] }));
        assert_eq!(parse_pubsub(b"garbage"), None);
        assert_eq!(parse_pubsub(b"subscribe,c,notanumber"), None);
    }
}
