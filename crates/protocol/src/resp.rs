//! RESP2: the Redis wire protocol the gateway speaks to `redis-server`, and the raw reply format
//! (`Upstash-Response-Format: resp2`) a client may ask for.

use crate::{ProtocolError, Value};

/// Arrays nested deeper than this are rejected. Far above any reply Redis produces (a Lua table
/// reply stops at Lua's C-stack limit, about 8,000 levels), low enough that the recursive parts
/// of the code base (dropping, comparing or printing a [`Value`]) stay within a 2 MB thread stack.
pub const MAX_DEPTH: usize = 10_000;

/// Appends one command (`*n` of bulk strings) to `out`.
pub fn encode_command<A: AsRef<[u8]>>(args: &[A], out: &mut Vec<u8>) {
    write_header(b'*', args.len() as i64, out);
    for arg in args {
        write_bulk(arg.as_ref(), out);
    }
}

/// Appends `value` in RESP2 form (iteratively, like [`parse`]).
pub fn encode_value(value: &Value, out: &mut Vec<u8>) {
    let mut open: Vec<std::slice::Iter<'_, Value>> = Vec::new();
    let mut next = Some(value);
    loop {
        let value = match next.take() {
            Some(value) => value,
            None => match open.last_mut().map(Iterator::next) {
                None => return,
                Some(Some(value)) => value,
                Some(None) => {
                    open.pop();
                    continue;
                }
            },
        };
        match value {
            Value::Nil => out.extend_from_slice(b"$-1\r\n"),
            Value::Int(n) => write_header(b':', *n, out),
            Value::Status(s) => write_line(b'+', s, out),
            Value::Error(e) => write_line(b'-', e.as_bytes(), out),
            Value::Bulk(b) => write_bulk(b, out),
            Value::Array(items) => {
                write_header(b'*', items.len() as i64, out);
                open.push(items.iter());
            }
        }
    }
}

/// Parses one reply from the front of `buf`.
///
/// `Ok(None)` means the reply is not complete yet; `Ok(Some((value, n)))` consumed `n` bytes.
/// Iterative, so nesting costs heap, not stack: a Lua script may legally return tables nested
/// thousands deep, and Redis's limits are the only ones that apply (see [`MAX_DEPTH`]).
pub fn parse(buf: &[u8]) -> Result<Option<(Value, usize)>, ProtocolError> {
    // Open arrays, innermost last: the items so far and how many are still to come.
    let mut open: Vec<(Vec<Value>, usize)> = Vec::new();
    let mut pos = 0;
    loop {
        let Some(&kind) = buf.get(pos) else {
            return Ok(None);
        };
        let Some((line, after)) = read_line(buf, pos + 1) else {
            return Ok(None);
        };
        let mut value = match kind {
            b'+' => Value::Status(line.to_vec()),
            b'-' => Value::Error(String::from_utf8_lossy(line).into_owned()),
            b':' => Value::Int(parse_int(line)?),
            b'$' => {
                let len = parse_int(line)?;
                if len < 0 {
                    pos = after;
                    Value::Nil
                } else {
                    let end = after.checked_add(len as usize).ok_or(ProtocolError::Resp("bulk length overflows"))?;
                    if buf.len() < end.saturating_add(2) {
                        return Ok(None);
                    }
                    if &buf[end..end + 2] != b"\r\n" {
                        return Err(ProtocolError::Resp("bulk string not terminated by CRLF"));
                    }
                    pos = end + 2;
                    Value::Bulk(buf[after..end].to_vec())
                }
            }
            b'*' => {
                let len = parse_int(line)?;
                pos = after;
                if len < 0 {
                    Value::Nil
                } else if len == 0 {
                    Value::Array(Vec::new())
                } else {
                    if open.len() >= MAX_DEPTH {
                        return Err(ProtocolError::Resp("arrays nested too deeply"));
                    }
                    // Cap the pre-allocation: a hostile length must not allocate before bytes arrive.
                    open.push((Vec::with_capacity((len as usize).min(1024)), len as usize));
                    continue;
                }
            }
            _ => return Err(ProtocolError::Resp("unknown reply type byte")),
        };
        if !matches!(kind, b'$' | b'*') {
            pos = after;
        }
        // Hand the finished value to its array; every array it completes is finished in turn.
        loop {
            let Some((items, remaining)) = open.last_mut() else {
                return Ok(Some((value, pos)));
            };
            items.push(value);
            *remaining -= 1;
            if *remaining > 0 {
                break;
            }
            let (items, _) = open.pop().expect("just looked at it");
            value = Value::Array(items);
        }
    }
}

/// The length of the whole reply at the front of `buf`, when its header already tells (a bulk
/// string), so a reader can allocate once and refuse an oversized reply before reading it.
pub fn announced_len(buf: &[u8]) -> Option<usize> {
    if buf.first() != Some(&b'$') {
        return None;
    }
    let (line, after) = read_line(buf, 1)?;
    let len = usize::try_from(parse_int(line).ok()?).ok()?;
    after.checked_add(len)?.checked_add(2)
}

/// The line starting at `from` (without CRLF) and the index after its CRLF.
fn read_line(buf: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(from..)?;
    let cr = memchr::memmem::find(rest, b"\r\n")?;
    Some((&rest[..cr], from + cr + 2))
}

fn parse_int(line: &[u8]) -> Result<i64, ProtocolError> {
    std::str::from_utf8(line).ok().and_then(|s| s.parse::<i64>().ok()).ok_or(ProtocolError::Resp("invalid integer"))
}

fn write_header(kind: u8, n: i64, out: &mut Vec<u8>) {
    out.push(kind);
    push_int(n, out);
    out.extend_from_slice(b"\r\n");
}

/// Decimal text of `n` without a temporary String: run for every command and reply.
pub fn push_int(n: i64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

fn write_line(kind: u8, text: &[u8], out: &mut Vec<u8>) {
    out.push(kind);
    // A status or error line cannot carry CR/LF; Redis never sends them, so keep the codec total.
    out.extend(text.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
    out.extend_from_slice(b"\r\n");
}

fn write_bulk(bytes: &[u8], out: &mut Vec<u8>) {
    write_header(b'$', bytes.len() as i64, out);
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(v: Value) {
        let mut out = Vec::new();
        encode_value(&v, &mut out);
        assert_eq!(parse(&out).unwrap(), Some((v, out.len())));
    }

    #[test]
    fn parses_every_reply_kind() {
        roundtrip(Value::Status(b"OK".to_vec()));
        roundtrip(Value::Error("ERR boom".into()));
        roundtrip(Value::Int(-42));
        roundtrip(Value::Bulk(b"a\r\nb\0\xff".to_vec()));
        roundtrip(Value::Nil);
        roundtrip(Value::Array(vec![
            Value::Int(1),
            Value::Nil,
            Value::Array(vec![Value::Bulk(b"x".to_vec()), Value::Error("ERR in array".into())]),
        ]));
    }

    #[test]
    fn null_array_is_nil() {
        assert_eq!(parse(b"*-1\r\n").unwrap(), Some((Value::Nil, 5)));
    }

    #[test]
    fn incomplete_at_every_split_point() {
        let mut full = Vec::new();
        encode_value(&Value::Array(vec![Value::Bulk(b"hello".to_vec()), Value::Int(7), Value::Nil]), &mut full);
        for cut in 0..full.len() {
            assert_eq!(parse(&full[..cut]).unwrap(), None, "cut at {cut}");
        }
        assert!(parse(&full).unwrap().is_some());
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse(b"?what\r\n").is_err());
        assert!(parse(b":notanumber\r\n").is_err());
        assert!(parse(b"$3\r\nabcXY").is_err());
        let deep = "*1\r\n".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(parse(b"$9223372036854775807\r\n").unwrap().is_none());
    }

    #[test]
    fn nesting_as_deep_as_lua_allows_parses_on_a_small_stack() {
        // 2 MB: the default for spawned threads, where the gateway and the transport parse.
        let text = format!("{}$4\r\nleaf\r\n", "*1\r\n".repeat(MAX_DEPTH));
        let depth = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let (mut value, used) = parse(text.as_bytes()).unwrap().unwrap();
                assert_eq!(used, text.len());
                let mut out = Vec::new();
                encode_value(&value, &mut out);
                assert_eq!(out, text.as_bytes());
                let mut depth = 0;
                while let Value::Array(mut items) = value {
                    value = items.pop().unwrap();
                    depth += 1;
                }
                depth
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(depth, MAX_DEPTH);
    }

    #[test]
    fn announced_length_of_bulk_replies() {
        assert_eq!(announced_len(b"$5\r\nhel"), Some(4 + 5 + 2));
        assert_eq!(announced_len(b"$-1\r\n"), None);
        assert_eq!(announced_len(b"*1\r\n"), None);
        assert_eq!(announced_len(b"$5"), None);
    }

    #[test]
    fn encodes_commands_binary_safe() {
        let mut out = Vec::new();
        encode_command(&[&b"SET"[..], b"k", b"\x00\r\n"], &mut out);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\x00\r\n\r\n");
    }

    #[test]
    fn integers_print_like_to_string() {
        for n in [0, 7, -7, 10, 1234567890, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            push_int(n, &mut out);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn consumes_only_one_reply() {
        let (v, n) = parse(b"+OK\r\n:1\r\n").unwrap().unwrap();
        assert_eq!((v, n), (Value::Status(b"OK".to_vec()), 5));
    }
}
