//! Gateway side: Redis replies written the way the Upstash REST API writes them (the format:
//! `reply.rs`).

use base64::Engine as _;

use crate::json_text::plain_prefix_len;
use crate::reply::Encoding;
use crate::Value;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Appends the envelope of one reply: `{"error":…}` for an error reply, else `{"result":…}`.
pub fn write_envelope(value: &Value, encoding: Encoding, out: &mut String) {
    match value {
        Value::Error(text) => write_error(text, out),
        Value::Status(s) if s == b"OK" => out.push_str(r#"{"result":"OK"}"#),
        _ => {
            out.push_str(r#"{"result":"#);
            write_json(value, encoding, out);
            out.push('}');
        }
    }
}

/// Appends `[envelope, …]`: the body of a `/pipeline` or `/multi-exec` response.
pub fn write_envelopes<'a>(values: impl IntoIterator<Item = &'a Value>, encoding: Encoding, out: &mut String) {
    out.push('[');
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_envelope(value, encoding, out);
    }
    out.push(']');
}

/// Appends `{"error":"…"}`.
pub fn write_error(text: &str, out: &mut String) {
    out.push_str(r#"{"error":"#);
    write_json_string(text, out);
    out.push('}');
}

/// The body of a JSON error response.
pub fn error_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 12);
    write_error(text, &mut out);
    out
}

/// Iterative, so a reply nested as deep as Redis allows costs heap, not stack.
fn write_json(value: &Value, encoding: Encoding, out: &mut String) {
    let mut open: Vec<std::slice::Iter<'_, Value>> = Vec::new();
    let mut next = Some(value);
    loop {
        let value = match next.take() {
            Some(value) => value,
            None => match open.last_mut().map(Iterator::next) {
                None => return,
                Some(Some(value)) => {
                    out.push(',');
                    value
                }
                Some(None) => {
                    open.pop();
                    out.push(']');
                    continue;
                }
            },
        };
        match value {
            Value::Nil => out.push_str("null"),
            Value::Int(n) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{n}"); // into the String itself: no temporary allocation
            }
            Value::Status(bytes) | Value::Bulk(bytes) => write_bytes(bytes, encoding, out),
            // Errors nested in arrays (EXEC results inside a Lua table, …) keep their envelope shape.
            Value::Error(text) => write_error(text, out),
            Value::Array(items) => {
                out.push('[');
                let mut items = items.iter();
                match items.next() {
                    Some(first) => {
                        next = Some(first);
                        open.push(items);
                    }
                    None => out.push(']'),
                }
            }
        }
    }
}

fn write_bytes(bytes: &[u8], encoding: Encoding, out: &mut String) {
    match encoding {
        Encoding::Base64 => {
            out.push('"');
            B64.encode_string(bytes, out);
            out.push('"');
        }
        // Valid UTF-8 (nearly every reply) is checked by the fast validator and borrowed; only
        // invalid bytes take the slower replacing path.
        Encoding::Plain => match std::str::from_utf8(bytes) {
            Ok(text) => write_json_string(text, out),
            Err(_) => write_json_string(&String::from_utf8_lossy(bytes), out),
        },
    }
}

/// JSON string escaping without an intermediate allocation: runs of plain characters are copied
/// whole, and only `"`, `\\` and control characters are escaped (all JSON requires).
///
/// This is the gateway's hottest loop (every plain-JSON reply string passes through it): runs of
/// plain bytes are found eight bytes at a time (`json_text`). An escaped byte is ASCII, so every
/// slice below starts and ends on a char boundary.
fn write_json_string(text: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.reserve(text.len() + 2);
    out.push('"');
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    loop {
        i += plain_prefix_len(&bytes[i..]);
        let Some(&byte) = bytes.get(i) else { break };
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            _ => "",
        };
        out.push_str(&text[plain_from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}"); // into the String itself: no temporary allocation
        } else {
            out.push_str(escape);
        }
        i += 1;
        plain_from = i;
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(v: &Value, e: Encoding) -> String {
        let mut s = String::new();
        write_envelope(v, e, &mut s);
        s
    }

    fn bulk(s: &[u8]) -> Value {
        Value::Bulk(s.to_vec())
    }

    #[test]
    fn whole_ok_stays_plain_in_base64() {
        assert_eq!(render(&Value::Status(b"OK".to_vec()), Encoding::Base64), r#"{"result":"OK"}"#);
    }

    #[test]
    fn ok_inside_arrays_is_always_encoded() {
        let v = Value::Array(vec![Value::Status(b"OK".to_vec()), bulk(b"OK"), Value::Nil, Value::Int(5)]);
        assert_eq!(render(&v, Encoding::Base64), r#"{"result":["T0s=","T0s=",null,5]}"#);
    }

    #[test]
    fn bulk_ok_and_other_statuses_are_encoded() {
        assert_eq!(render(&bulk(b"OK"), Encoding::Base64), r#"{"result":"T0s="}"#);
        assert_eq!(render(&Value::Status(b"PONG".to_vec()), Encoding::Base64), r#"{"result":"UE9ORw=="}"#);
    }

    #[test]
    fn binary_is_exact_in_base64_and_replaced_in_plain() {
        let v = bulk(b"\xff\x00a");
        assert_eq!(render(&v, Encoding::Base64), r#"{"result":"/wBh"}"#);
        assert_eq!(render(&v, Encoding::Plain), "{\"result\":\"\u{FFFD}\\u0000a\"}");
    }

    #[test]
    fn escaping_matches_serde_json_for_every_ascii_byte() {
        let all: String = (0u8..128).map(char::from).chain("é€😀".chars()).collect();
        let mut ours = String::new();
        write_json_string(&all, &mut ours);
        assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), all);
    }

    /// Every escaped byte at every offset around the eight-byte words, next to multi-byte chars.
    #[test]
    fn escaping_is_exact_at_every_word_offset() {
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', 'é', '€', '😀', ' ', '~', '\u{7f}'] {
            for len in 0..20 {
                for at in 0..=len {
                    let text: String =
                        (0..len).map(|i| if i == at { special } else { (b'a' + (i % 26) as u8) as char }).collect();
                    let mut ours = String::new();
                    write_json_string(&text, &mut ours);
                    assert_eq!(ours, serde_json::to_string(&text).unwrap(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn plain_strings_are_json_escaped() {
        assert_eq!(render(&bulk("a\"b\n€".as_bytes()), Encoding::Plain), r#"{"result":"a\"b\n€"}"#);
    }

    #[test]
    fn errors_are_never_encoded() {
        assert_eq!(render(&Value::Error("ERR bad".into()), Encoding::Base64), r#"{"error":"ERR bad"}"#);
        let nested = Value::Array(vec![Value::Error("WRONGTYPE x".into())]);
        assert_eq!(render(&nested, Encoding::Base64), r#"{"result":[{"error":"WRONGTYPE x"}]}"#);
    }

    #[test]
    fn envelopes_list() {
        let mut s = String::new();
        write_envelopes(
            &[Value::Int(1), Value::Error("ERR e".into()), Value::Status(b"OK".to_vec())],
            Encoding::Base64,
            &mut s,
        );
        assert_eq!(s, r#"[{"result":1},{"error":"ERR e"},{"result":"OK"}]"#);
    }

    #[test]
    fn nested_arrays_and_nils() {
        let v = Value::Array(vec![Value::Array(vec![bulk(b"a"), Value::Nil]), Value::Array(vec![])]);
        assert_eq!(render(&v, Encoding::Plain), r#"{"result":[["a",null],[]]}"#);
    }
}
