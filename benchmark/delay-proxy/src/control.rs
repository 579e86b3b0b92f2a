//! The control messages, one JSON object a line: requests on stdin, replies on stdout.
//!
//! ```text
//! { "type": "listen", id, upstreamPort, rttMs }  →  { "type": "listening", id, port }
//! { "type": "stats", id }                        →  { "type": "stats", id, stats }  (and resets them)
//! { "type": "close", id }                        →  { "type": "closed", id }
//! anything unreadable or invalid                 →  { "type": "error", id, message }
//! ```
//!
//! The messages are flat (strings and numbers), so a small reader for flat objects is all this
//! needs: the proxy stays std-only and builds in seconds when `benchmark/rtt.js` builds it before a
//! run. A nested value is refused, not skipped. The `id` is echoed back exactly as it came (its
//! JSON text), so the caller matches replies by any id it likes.

use std::fmt::Write as _;

/// One value of a flat object, with the JSON text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value's JSON text, as received (what an echoed `id` writes back).
    pub raw: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    String(String),
    Number(f64),
    /// `true`, `false` or `null`: accepted in a message, meaningful in none.
    Literal,
}

/// A request, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Listen { id: String, upstream_port: u16, rtt_ms: f64 },
    Stats { id: String },
    Close { id: String },
}

/// The longest RTT a listener takes: far beyond any network, short enough that a typo in
/// milliseconds-versus-seconds is an error instead of a proxy that seems to hang.
pub const MAX_RTT_MS: f64 = 60_000.0;

/// A request that cannot be served, with the `id` to answer to when one was readable.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub id: Option<String>,
    pub message: String,
}

/// Reads one line into a request.
pub fn parse_request(line: &str) -> Result<Request, Invalid> {
    let fields = parse_object(line).map_err(|message| Invalid { id: None, message })?;
    let field = |name: &str| fields.iter().find(|(key, _)| key == name).map(|(_, value)| value);
    let id = field("id").map(|value| value.raw.clone());
    let invalid = |message: String| Invalid { id: id.clone(), message };
    let Some(id_text) = id.clone() else { return Err(invalid("a message needs an \"id\"".into())) };
    let kind = match field("type").map(|value| &value.kind) {
        Some(Kind::String(kind)) => kind.as_str(),
        _ => return Err(invalid("a message needs a string \"type\"".into())),
    };
    match kind {
        "listen" => {
            let upstream_port = match field("upstreamPort").map(|value| &value.kind) {
                Some(&Kind::Number(port)) if port.fract() == 0.0 && (1.0..=65535.0).contains(&port) => port as u16,
                _ => return Err(invalid("\"upstreamPort\" must be an integer from 1 to 65535".into())),
            };
            let rtt_ms = match field("rttMs").map(|value| &value.kind) {
                Some(&Kind::Number(rtt)) if (0.0..=MAX_RTT_MS).contains(&rtt) => rtt,
                _ => return Err(invalid(format!("\"rttMs\" must be a number from 0 to {MAX_RTT_MS}"))),
            };
            Ok(Request::Listen { id: id_text, upstream_port, rtt_ms })
        }
        "stats" => Ok(Request::Stats { id: id_text }),
        "close" => Ok(Request::Close { id: id_text }),
        other => Err(invalid(format!("unknown message type {}", quote(other)))),
    }
}

/// `{"type":"error","id":…,"message":…}`.
pub fn error_reply(invalid: &Invalid) -> String {
    let id = invalid.id.as_deref().unwrap_or("null");
    format!("{{\"type\":\"error\",\"id\":{id},\"message\":{}}}", quote(&invalid.message))
}

/// A JSON string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A flat JSON object → its fields in order. Nested objects and arrays are refused.
pub fn parse_object(text: &str) -> Result<Vec<(String, Value)>, String> {
    let mut reader = Reader { text, at: 0 };
    reader.skip_space();
    reader.expect(b'{')?;
    let mut fields = Vec::new();
    reader.skip_space();
    if reader.peek() == Some(b'}') {
        reader.at += 1;
    } else {
        loop {
            reader.skip_space();
            let key = reader.string()?;
            reader.skip_space();
            reader.expect(b':')?;
            reader.skip_space();
            let value = reader.value()?;
            fields.push((key, value));
            reader.skip_space();
            match reader.next() {
                Some(b',') => continue,
                Some(b'}') => break,
                _ => return Err(reader.error("expected ',' or '}'")),
            }
        }
    }
    reader.skip_space();
    if reader.at != text.len() {
        return Err(reader.error("unexpected text after the object"));
    }
    Ok(fields)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        format!("not a flat JSON object: {what} at byte {}", self.at)
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.next() == Some(byte) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", byte as char)))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        let start = self.at;
        let kind = match self.peek() {
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => {
                while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    self.at += 1;
                }
                let number: f64 = self.text[start..self.at].parse().map_err(|_| self.error("bad number"))?;
                Kind::Number(number)
            }
            Some(b'{' | b'[') => return Err(self.error("nested values are not supported")),
            _ => {
                let rest = &self.text[self.at..];
                let literal = ["true", "false", "null"].into_iter().find(|word| rest.starts_with(word));
                let Some(literal) = literal else { return Err(self.error("expected a value")) };
                self.at += literal.len();
                Kind::Literal
            }
        };
        Ok(Value { raw: self.text[start..self.at].to_owned(), kind })
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else { return Err(self.error("unterminated string")) };
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let escaped = match self.next() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hex =
                                self.text.get(self.at..self.at + 4).ok_or_else(|| self.error("bad \\u escape"))?;
                            let code = u32::from_str_radix(hex, 16).map_err(|_| self.error("bad \\u escape"))?;
                            self.at += 4;
                            // A surrogate (half of a pair) stands for itself as U+FFFD: ids and
                            // types are ASCII, so this never changes a meaningful value.
                            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                        }
                        _ => return Err(self.error("bad escape")),
                    };
                    out.push(escaped);
                }
                c if (c as u32) < 0x20 => return Err(self.error("control character in a string")),
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_request() {
        assert_eq!(
            parse_request(r#"{"type":"listen","id":3,"upstreamPort":6379,"rttMs":2.5}"#),
            Ok(Request::Listen { id: "3".into(), upstream_port: 6379, rtt_ms: 2.5 })
        );
        assert_eq!(
            parse_request(r#" { "id" : "a\"b" , "type" : "stats" } "#),
            Ok(Request::Stats { id: r#""a\"b""#.into() })
        );
        assert_eq!(parse_request(r#"{"type":"close","id":7}"#), Ok(Request::Close { id: "7".into() }));
    }

    #[test]
    fn refuses_bad_requests_with_the_id_when_readable() {
        let refused = |line: &str| parse_request(line).unwrap_err();
        assert_eq!(refused("not json").id, None);
        assert_eq!(refused(r#"{"type":"listen","id":1,"upstreamPort":0,"rttMs":1}"#).id.as_deref(), Some("1"));
        assert!(refused(r#"{"type":"listen","id":1,"upstreamPort":80.5,"rttMs":1}"#).message.contains("upstreamPort"));
        assert!(refused(r#"{"type":"listen","id":1,"upstreamPort":80,"rttMs":-1}"#).message.contains("rttMs"));
        assert!(refused(r#"{"type":"listen","id":1,"upstreamPort":80}"#).message.contains("rttMs"));
        assert!(refused(r#"{"type":"jump","id":1}"#).message.contains("\"jump\""));
        assert!(refused(r#"{"type":"stats"}"#).message.contains("id"));
        assert!(refused(r#"{"type":"stats","id":{"a":1}}"#).message.contains("nested"));
        assert!(refused(r#"{"type":"stats","id":1} x"#).message.contains("after the object"));
        assert!(refused(r#"{"type":"stats","id":1"#).message.contains("expected"));
    }

    #[test]
    fn quotes_and_reads_back_every_character() {
        let text = "a\"b\\c\nd\u{1}é";
        let fields = parse_object(&format!("{{\"k\":{}}}", quote(text))).unwrap();
        assert_eq!(fields[0].1.kind, Kind::String(text.into()));
        assert_eq!(
            error_reply(&Invalid { id: None, message: "x\"y".into() }),
            r#"{"type":"error","id":null,"message":"x\"y"}"#
        );
    }
}
