//! Client side: Upstash JSON reply bodies (plain or base64, the format: `reply.rs`) decoded
//! straight into [`Value`]s.
//!
//! A small JSON reader of its own rather than `serde_json::Value`: it is iterative, so a reply
//! nested as deep as Redis allows (Lua tables thousands of levels deep) decodes on a small thread
//! stack, where serde_json stops at 128 levels; and it builds `Value`s without an intermediate
//! tree. Decoding rules are those of the official SDKs:
//!
//! * `{"error": …}` wins over `{"result": …}`; an error is never base64.
//! * With base64, every string is decoded, leniently (text that is not base64 stays as it is),
//!   except a whole-result `"OK"`, the one string Upstash leaves unencoded.
//! * Integers that fit i64 are integers; other numbers keep their literal text; `true`/`false` are
//!   1/0; an object inside a result is its `error` or its `result` (else nil).

use std::borrow::Cow;

use base64::Engine as _;

use crate::json_text::plain_prefix_len;
use crate::reply::Encoding;
use crate::resp::MAX_DEPTH;
use crate::{ProtocolError, Value};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The decoded result of one envelope, `Ok` for `{"result"}`, `Err` for `{"error"}`.
pub type Decoded = Result<Value, String>;

/// Parses a single-command response body (`{"result":…}` or `{"error":…}`).
pub fn parse_envelope(body: &[u8], encoding: Encoding) -> Result<Decoded, crate::ProtocolError> {
    let mut envelopes = decode(body, encoding, false)?;
    Ok(envelopes.pop().expect("a single envelope"))
}

/// Parses a `/pipeline` or `/multi-exec` response body: `[envelope, …]`.
pub fn parse_envelopes(body: &[u8], encoding: Encoding) -> Result<Vec<Decoded>, crate::ProtocolError> {
    decode(body, encoding, true)
}

/// The text of a non-2xx body: its `{"error"}` if it is one, else a short excerpt.
pub fn error_text(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => match map.get("error") {
            Some(serde_json::Value::String(text)) => text.clone(),
            _ => excerpt(body),
        },
        _ => excerpt(body),
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    if text.trim().is_empty() {
        "empty response body".into()
    } else {
        text
    }
}

/// Decodes one envelope (`list == false`) or an array of envelopes.
fn decode(body: &[u8], encoding: Encoding, list: bool) -> Result<Vec<Decoded>, ProtocolError> {
    std::str::from_utf8(body).map_err(|e| bad(format!("not UTF-8: {e}")))?;
    let mut reader = Reader { buf: body, pos: 0, encoding, envelopes: Vec::new(), open: Vec::new() };
    reader.skip_ws();
    if list {
        if !reader.eat(b'[') {
            return Err(bad("expected an array of {result}/{error} objects"));
        }
        reader.skip_ws();
        if !reader.eat(b']') {
            loop {
                reader.envelope()?;
                reader.skip_ws();
                if reader.eat(b',') {
                    continue;
                }
                if reader.eat(b']') {
                    break;
                }
                return Err(reader.unexpected());
            }
        }
    } else {
        reader.envelope()?;
    }
    reader.skip_ws();
    if reader.pos != body.len() {
        return Err(reader.unexpected());
    }
    Ok(reader.envelopes)
}

fn bad(message: impl Into<String>) -> ProtocolError {
    ProtocolError::Json(message.into())
}

/// An array or object still being read.
enum Open {
    Array(Vec<Value>),
    Object(Members),
}

/// What an object inside a result has said so far.
#[derive(Default)]
struct Members {
    result: Option<Value>,
    error: Option<String>,
    /// The key whose value is being read, and where that value started.
    key: Key,
    value_start: usize,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Key {
    #[default]
    Other,
    Result,
    Error,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    encoding: Encoding,
    envelopes: Vec<Decoded>,
    open: Vec<Open>,
}

impl<'a> Reader<'a> {
    /// `{"result": …}` or `{"error": …}` at the top of a body or of a pipeline's array.
    fn envelope(&mut self) -> Result<(), ProtocolError> {
        self.skip_ws();
        if !self.eat(b'{') {
            return Err(bad("expected a {result} or {error} object"));
        }
        let (mut result, mut error) = (None, None);
        self.skip_ws();
        if !self.eat(b'}') {
            loop {
                let key = self.key()?;
                self.skip_ws();
                match key {
                    Key::Error => error = Some(self.error_text()?),
                    // A whole-result "OK" is the one string Upstash leaves unencoded.
                    Key::Result if self.peek() == Some(b'"') => {
                        let text = self.string()?;
                        result = Some(if *text == *b"OK" { Value::Status(text.into_owned()) } else { self.bulk(text) });
                    }
                    Key::Result => result = Some(self.value()?),
                    Key::Other => drop(self.value()?),
                }
                self.skip_ws();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return Err(self.unexpected());
            }
        }
        self.envelopes.push(match (error, result) {
            (Some(text), _) => Err(text),
            (None, Some(value)) => Ok(value),
            (None, None) => return Err(bad("object has neither result nor error")),
        });
        Ok(())
    }

    /// An `error` member's text: the string, or the JSON text of whatever else it is.
    fn error_text(&mut self) -> Result<String, ProtocolError> {
        if self.peek() == Some(b'"') {
            return Ok(
                String::from_utf8(self.string()?.into_owned()).expect("escapes decode to UTF-8 and the body is UTF-8")
            );
        }
        let start = self.pos;
        drop(self.value()?);
        Ok(String::from_utf8_lossy(&self.buf[start..self.pos]).into_owned())
    }

    /// One JSON value as a [`Value`], iteratively.
    fn value(&mut self) -> Result<Value, ProtocolError> {
        let base = self.open.len();
        loop {
            self.skip_ws();
            let mut done = match self.peek() {
                Some(b'[') => {
                    self.pos += 1;
                    self.push(Open::Array(Vec::new()))?;
                    self.skip_ws();
                    if self.eat(b']') {
                        self.pop_array()
                    } else {
                        continue;
                    }
                }
                Some(b'{') => {
                    self.pos += 1;
                    self.push(Open::Object(Members::default()))?;
                    self.skip_ws();
                    if self.eat(b'}') {
                        self.pop_object()
                    } else {
                        self.member_key()?;
                        continue;
                    }
                }
                Some(b'"') => {
                    let text = self.string()?;
                    self.bulk(text)
                }
                Some(b'n') => self.literal(b"null", Value::Nil)?,
                Some(b't') => self.literal(b"true", Value::Int(1))?,
                Some(b'f') => self.literal(b"false", Value::Int(0))?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                _ => return Err(self.unexpected()),
            };
            // Hand the finished value to the innermost open container; close what it completes.
            loop {
                if self.open.len() == base {
                    return Ok(done);
                }
                self.skip_ws();
                let more = self.eat(b',');
                let end = !more && self.eat(if matches!(self.open.last(), Some(Open::Array(_))) { b']' } else { b'}' });
                if !more && !end {
                    return Err(self.unexpected());
                }
                let pos = self.pos;
                match self.open.last_mut().expect("inside a container") {
                    Open::Array(items) => items.push(done),
                    Open::Object(members) => {
                        // The raw text stops before the `,` or `}` just read.
                        let raw_end = self.buf[..pos - 1].trim_ascii_end().len();
                        match members.key {
                            Key::Result => members.result = Some(done),
                            Key::Error => {
                                members.error = Some(match done {
                                    Value::Bulk(_) if self.buf[members.value_start] == b'"' => {
                                        String::from_utf8(string_at(self.buf, members.value_start)?.0)
                                            .expect("escapes decode to UTF-8 and the body is UTF-8")
                                    }
                                    _ => String::from_utf8_lossy(&self.buf[members.value_start..raw_end]).into_owned(),
                                })
                            }
                            Key::Other => {}
                        }
                    }
                }
                if more {
                    if matches!(self.open.last(), Some(Open::Object(_))) {
                        self.member_key()?;
                    }
                    break;
                }
                done = match self.open.last() {
                    Some(Open::Array(_)) => self.pop_array(),
                    _ => self.pop_object(),
                };
            }
        }
    }

    /// A string value: base64-decoded when the body is base64 and it is valid base64.
    fn bulk(&self, text: Cow<'_, [u8]>) -> Value {
        Value::Bulk(match self.encoding {
            Encoding::Base64 => B64.decode(&*text).unwrap_or_else(|_| text.into_owned()),
            Encoding::Plain => text.into_owned(),
        })
    }

    fn push(&mut self, open: Open) -> Result<(), ProtocolError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(bad("arrays nested too deeply"));
        }
        self.open.push(open);
        Ok(())
    }

    fn pop_array(&mut self) -> Value {
        match self.open.pop() {
            Some(Open::Array(items)) => Value::Array(items),
            _ => unreachable!("the innermost container is an array"),
        }
    }

    fn pop_object(&mut self) -> Value {
        match self.open.pop() {
            Some(Open::Object(members)) => match (members.error, members.result) {
                (Some(text), _) => Value::Error(text),
                (None, Some(value)) => value,
                (None, None) => Value::Nil,
            },
            _ => unreachable!("the innermost container is an object"),
        }
    }

    /// Reads `"key":` of the innermost object and notes where its value starts.
    fn member_key(&mut self) -> Result<(), ProtocolError> {
        let key = self.key()?;
        self.skip_ws();
        let start = self.pos;
        if let Some(Open::Object(members)) = self.open.last_mut() {
            members.key = key;
            members.value_start = start;
        }
        Ok(())
    }

    fn key(&mut self) -> Result<Key, ProtocolError> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.unexpected());
        }
        let key = self.string()?;
        self.skip_ws();
        if !self.eat(b':') {
            return Err(self.unexpected());
        }
        Ok(match &*key {
            b"result" => Key::Result,
            b"error" => Key::Error,
            _ => Key::Other,
        })
    }

    /// The string at `pos` (its opening quote), and `pos` moved past it, in one pass. Borrowed from
    /// the body when it has no escape (every base64 string, most plain ones), so it is neither
    /// copied nor scanned twice; decoded into a buffer of its own when it has one.
    fn string(&mut self) -> Result<Cow<'a, [u8]>, ProtocolError> {
        let start = self.pos + 1;
        let end = start + plain_prefix_len(self.buf.get(start..).unwrap_or_default());
        if self.buf.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(&self.buf[start..end]));
        }
        let (text, after) = string_at(self.buf, self.pos)?;
        self.pos = after;
        Ok(Cow::Owned(text))
    }

    fn number(&mut self) -> Result<Value, ProtocolError> {
        let start = self.pos;
        self.eat(b'-');
        let int_digits = self.digits();
        if int_digits == 0 || (int_digits > 1 && self.buf[self.pos - int_digits] == b'0') {
            return Err(bad(format!("invalid number at byte {start}")));
        }
        let mut integer = true;
        if self.eat(b'.') {
            integer = false;
            if self.digits() == 0 {
                return Err(bad(format!("invalid number at byte {start}")));
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            integer = false;
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(bad(format!("invalid number at byte {start}")));
            }
        }
        let text = &self.buf[start..self.pos];
        let parsed = integer.then(|| std::str::from_utf8(text).ok()?.parse::<i64>().ok()).flatten();
        Ok(match parsed {
            Some(n) => Value::Int(n),
            None => Value::Bulk(text.to_vec()),
        })
    }

    fn digits(&mut self) -> usize {
        let n = self.rest().iter().take_while(|b| b.is_ascii_digit()).count();
        self.pos += n;
        n
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Result<Value, ProtocolError> {
        if !self.rest().starts_with(word) {
            return Err(self.unexpected());
        }
        self.pos += word.len();
        Ok(value)
    }

    fn rest(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.pos += usize::from(hit);
        hit
    }

    fn skip_ws(&mut self) {
        self.pos += self.rest().iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count();
    }

    fn unexpected(&self) -> ProtocolError {
        match self.peek() {
            Some(b) => bad(format!("unexpected {:?} at byte {}", char::from(b), self.pos)),
            None => bad("unexpected end of the body"),
        }
    }
}

/// The decoded bytes of the string starting (at its quote) at `from`, and where it ends (past its
/// closing quote).
fn string_at(buf: &[u8], from: usize) -> Result<(Vec<u8>, usize), ProtocolError> {
    let mut out = Vec::new();
    let mut i = from + 1;
    loop {
        let n = plain_prefix_len(buf.get(i..).unwrap_or_default());
        out.extend_from_slice(&buf[i..i + n]);
        i += n;
        match buf.get(i) {
            None => return Err(bad("unterminated string")),
            Some(b'"') => return Ok((out, i + 1)),
            Some(b'\\') => {
                let escape = *buf.get(i + 1).ok_or_else(|| bad("unterminated string"))?;
                i += 2;
                let byte = match escape {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'/' => b'/',
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'u' => {
                        let (c, used) = unicode_escape(buf, i)?;
                        i += used;
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        continue;
                    }
                    other => return Err(bad(format!("invalid escape \\{} in a string", char::from(other)))),
                };
                out.push(byte);
            }
            Some(_) => return Err(bad("control character in a string")),
        }
    }
}

/// `XXXX` (after `\u`) at `at`, with a following `\uXXXX` low surrogate when it is a high one.
/// A lone surrogate becomes U+FFFD, as a lossy UTF-8 decoder would.
fn unicode_escape(buf: &[u8], at: usize) -> Result<(char, usize), ProtocolError> {
    let hex4 = |at: usize| -> Result<u32, ProtocolError> {
        let digits = buf.get(at..at + 4).ok_or_else(|| bad("short \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| bad("invalid \\u escape"))?;
        u32::from_str_radix(text, 16).map_err(|_| bad("invalid \\u escape"))
    };
    let first = hex4(at)?;
    if (0xD800..0xDC00).contains(&first) && buf.get(at + 4..at + 6) == Some(b"\\u") {
        let second = hex4(at + 6)?;
        if (0xDC00..0xE000).contains(&second) {
            let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return Ok((char::from_u32(c).unwrap_or('\u{FFFD}'), 10));
        }
    }
    Ok((char::from_u32(first).unwrap_or('\u{FFFD}'), 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(body: &str, encoding: Encoding) -> Decoded {
        decode(body.as_bytes(), encoding, false).unwrap().pop().unwrap()
    }

    /// Every escape JSON has, at every offset around the eight-byte words the scan skips, next to
    /// multi-byte text: the string decodes as serde_json decodes it, whether it is read borrowed
    /// (no escape) or decoded (escapes), and the reader goes on after it.
    #[test]
    fn strings_decode_as_serde_json_at_every_word_offset() {
        let escapes =
            [r#"\""#, r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t", r"\u0001", r"\u20ac", r"\ud83d\ude00", ""];
        for escape in escapes {
            for at in 0..20 {
                let text = format!("{}{escape}é{}", "a".repeat(at), "z".repeat(20 - at));
                let body = format!(r#"{{"result":["{text}",7]}}"#);
                let expected: String = serde_json::from_str(&format!(r#""{text}""#)).unwrap();
                let decoded = one(&body, Encoding::Plain);
                assert_eq!(
                    decoded,
                    Ok(Value::Array(vec![Value::Bulk(expected.into_bytes()), Value::Int(7)])),
                    "{body}"
                );
            }
        }
    }

    #[test]
    fn unterminated_strings_and_raw_control_characters_are_refused() {
        for body in [r#"{"result":"abcdefghijkl"#, "{\"result\":\"abcdefghij\u{1}k\"}", "{\"result\":\"ab\ncd\"}"] {
            assert!(decode(body.as_bytes(), Encoding::Plain, false).is_err(), "{body:?}");
        }
    }

    #[test]
    fn scalars_strings_and_escapes() {
        assert_eq!(one(r#"{"result":"OK"}"#, Encoding::Base64), Ok(Value::Status(b"OK".to_vec())));
        assert_eq!(one(r#"{"result":"T0s="}"#, Encoding::Base64), Ok(Value::Bulk(b"OK".to_vec())));
        assert_eq!(one(r#"{"result":"not base64!"}"#, Encoding::Base64), Ok(Value::Bulk(b"not base64!".to_vec())));
        assert_eq!(one(r#" { "result" : -12 } "#, Encoding::Plain), Ok(Value::Int(-12)));
        assert_eq!(one(r#"{"result":1.50}"#, Encoding::Plain), Ok(Value::Bulk(b"1.50".to_vec())));
        assert_eq!(one(r#"{"result":true}"#, Encoding::Plain), Ok(Value::Int(1)));
        assert_eq!(one(r#"{"result":null}"#, Encoding::Plain), Ok(Value::Nil));
        assert_eq!(
            one(r#"{"result":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\ud800"}"#, Encoding::Plain),
            Ok(Value::Bulk("a\"\\/\u{8}\u{c}\n\r\té😀\u{FFFD}".as_bytes().to_vec()))
        );
        assert_eq!(one(r#"{"error":"ERR x","result":1}"#, Encoding::Base64), Err("ERR x".into()));
        assert_eq!(one(r#"{"error":{"code":1}}"#, Encoding::Base64), Err(r#"{"code":1}"#.into()));
    }

    #[test]
    fn nested_objects_and_arrays() {
        let body = r#"{"result":[[],{"error":"WRONGTYPE"},{"result":"YQ=="},{},["T0s=",null,[1]],{"x":[1,{"y":2}],"error":[1, 2] }]}"#;
        assert_eq!(
            one(body, Encoding::Base64),
            Ok(Value::Array(vec![
                Value::Array(vec![]),
                Value::Error("WRONGTYPE".into()),
                Value::Bulk(b"a".to_vec()),
                Value::Nil,
                Value::Array(vec![Value::Bulk(b"OK".to_vec()), Value::Nil, Value::Array(vec![Value::Int(1)])]),
                Value::Error("[1, 2]".into()),
            ]))
        );
    }

    #[test]
    fn refuses_what_is_not_json() {
        for body in [
            "",
            "{",
            r#"{"result":}"#,
            r#"{"result":[1,]}"#,
            r#"{"result":01}"#,
            r#"{"result":1}x"#,
            r#"{"result":"a"#,
            r#"{"result":"\q"}"#,
            "{\"result\":\"\u{1}\"}",
            r#"{}"#,
            r#"[]"#,
            r#"{"result":[1}"#,
        ] {
            assert!(decode(body.as_bytes(), Encoding::Plain, false).is_err(), "{body:?}");
        }
        assert!(decode(br#"[{"result":1},]"#, Encoding::Plain, true).is_err());
        assert_eq!(decode(b" [ ] ", Encoding::Plain, true).unwrap(), vec![]);
    }

    #[test]
    fn depth_is_bounded_only_by_max_depth() {
        let deep = format!(r#"{{"result":{}"T0s="{}}}"#, "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let mut value = one(&deep, Encoding::Base64).unwrap();
        let mut depth = 0;
        while let Value::Array(mut items) = value {
            value = items.pop().unwrap();
            depth += 1;
        }
        assert_eq!((depth, value), (MAX_DEPTH, Value::Bulk(b"OK".to_vec())));
        let deeper = format!(r#"{{"result":{}1{}}}"#, "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(decode(deeper.as_bytes(), Encoding::Plain, false).is_err());
    }
}

#[cfg(test)]
mod envelope_tests {
    use super::*;
    use crate::reply_writer::write_envelopes;

    #[test]
    fn rendered_replies_parse_back_to_the_same_bytes() {
        let values = vec![
            Value::Status(b"OK".to_vec()),
            Value::Bulk(b"\xff\x00binary".to_vec()),
            Value::Int(-7),
            Value::Nil,
            Value::Array(vec![Value::Bulk(b"OK".to_vec()), Value::Nil, Value::Array(vec![Value::Int(1)])]),
            Value::Error("ERR nope".into()),
        ];
        let mut body = String::new();
        write_envelopes(&values, Encoding::Base64, &mut body);
        let parsed = parse_envelopes(body.as_bytes(), Encoding::Base64).unwrap();
        assert_eq!(parsed[0], Ok(Value::Status(b"OK".to_vec())));
        assert_eq!(parsed[1], Ok(Value::Bulk(b"\xff\x00binary".to_vec())));
        assert_eq!(parsed[2], Ok(Value::Int(-7)));
        assert_eq!(parsed[3], Ok(Value::Nil));
        assert_eq!(
            parsed[4],
            Ok(Value::Array(vec![Value::Bulk(b"OK".to_vec()), Value::Nil, Value::Array(vec![Value::Int(1)])]))
        );
        assert_eq!(parsed[5], Err("ERR nope".to_owned()));
    }

    #[test]
    fn single_envelopes_and_errors() {
        assert_eq!(
            parse_envelope(br#"{"result":"YmFy"}"#, Encoding::Base64).unwrap(),
            Ok(Value::Bulk(b"bar".to_vec()))
        );
        assert_eq!(parse_envelope(br#"{"result":"bar"}"#, Encoding::Plain).unwrap(), Ok(Value::Bulk(b"bar".to_vec())));
        assert!(parse_envelope(b"<html>", Encoding::Base64).is_err());
        assert_eq!(error_text(br#"{"error":"WRONGPASS x"}"#), "WRONGPASS x");
        assert_eq!(error_text(b"Bad Gateway"), "Bad Gateway");
    }
}
