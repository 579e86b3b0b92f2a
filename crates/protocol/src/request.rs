//! Request bodies and paths of the REST API, turned into Redis argument lists.
//!
//! Conversions follow what clients send: strings verbatim, JSON numbers by their literal text
//! (`1.50` stays `1.50`, big integers stay exact), booleans as `true`/`false`. Anything else —
//! null, objects, nested arrays — is refused rather than guessed at.

use serde_json::value::RawValue;

use crate::ProtocolError;

/// One command: the name followed by its arguments, all binary-safe.
pub type Command = Vec<Vec<u8>>;

/// `["SET","k","v"]` → one command.
pub fn parse_command(body: &[u8]) -> Result<Command, ProtocolError> {
    let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(json_error)?;
    command_from_items(&items)
}

/// `[["SET","k","v"],["GET","k"]]` → commands, for `/pipeline` and `/multi-exec`.
pub fn parse_commands(body: &[u8]) -> Result<Vec<Command>, ProtocolError> {
    let rows: Vec<Vec<&RawValue>> = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            invalid("ERR invalid pipeline: expected a JSON array of command arrays")
        } else {
            json_error(e)
        }
    })?;
    if rows.is_empty() {
        return Err(invalid("ERR empty pipeline: send at least one command"));
    }
    rows.iter().map(|row| command_from_items(row)).collect()
}

/// The path form: `/set/foo/bar?EX=100` with an optional raw body as the last path argument.
///
/// Segments are percent-decoded (so `%2F` carries a slash and any byte can be sent); the body
/// comes after the path arguments and before the query pairs; `_token` is dropped from the query.
pub fn parse_path_command(path: &str, query: Option<&str>, body: &[u8]) -> Result<Command, ProtocolError> {
    let mut command: Command = path.split('/').filter(|segment| !segment.is_empty()).map(percent_decode).collect();
    if command.is_empty() {
        return Err(invalid("ERR no command: POST a JSON array such as [\"PING\"] or use a path such as /ping"));
    }
    if !body.is_empty() {
        command.push(body.to_vec());
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (pair, None),
        };
        if key == "_token" {
            continue;
        }
        command.push(percent_decode(key));
        if let Some(value) = value {
            command.push(percent_decode(value));
        }
    }
    Ok(command)
}

/// Decodes `%XX` escapes; a malformed escape is kept as it was written.
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn command_from_items(items: &[&RawValue]) -> Result<Command, ProtocolError> {
    let Some((name, args)) = items.split_first() else {
        return Err(invalid("ERR empty command: expected [\"COMMAND\", args…]"));
    };
    if !name.get().starts_with('"') {
        return Err(invalid("ERR invalid command name: the first element must be a string"));
    }
    // Any name goes to Redis as it is: an unknown one (empty, non-ASCII, with spaces) gets Redis's
    // own `ERR unknown command …`, as on Upstash.
    let name = argument(name)?;
    let mut command = Vec::with_capacity(items.len());
    command.push(name);
    for arg in args {
        command.push(argument(arg)?);
    }
    Ok(command)
}

fn argument(raw: &RawValue) -> Result<Vec<u8>, ProtocolError> {
    let text = raw.get();
    match text.as_bytes().first() {
        // Without escapes the text between the quotes is the argument (serde_json checked it is UTF-8).
        Some(b'"') if !text.contains('\\') => Ok(text.as_bytes()[1..text.len() - 1].to_vec()),
        Some(b'"') => serde_json::from_str::<String>(text).map(String::into_bytes).map_err(json_error),
        Some(b'-' | b'0'..=b'9') => Ok(text.as_bytes().to_vec()),
        Some(b't' | b'f') => Ok(text.as_bytes().to_vec()),
        Some(b'n') => Err(invalid("ERR invalid argument: null is not a Redis value (send \"\" for an empty string)")),
        Some(b'{') => {
            Err(invalid("ERR invalid argument: objects are not Redis values (serialize them to a string first)"))
        }
        Some(b'[') => Err(invalid("ERR invalid argument: nested arrays are not allowed inside a command")),
        _ => Err(invalid("ERR invalid argument")),
    }
}

fn invalid(message: &str) -> ProtocolError {
    ProtocolError::Request(message.to_owned())
}

fn json_error(e: serde_json::Error) -> ProtocolError {
    if e.is_data() {
        invalid("ERR invalid command: expected a JSON array such as [\"SET\",\"key\",\"value\"]")
    } else {
        ProtocolError::Request(format!("ERR malformed JSON body: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(c: &Command) -> Vec<String> {
        c.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
    }

    #[test]
    fn strings_numbers_booleans() {
        let c = parse_command(br#"["SET","k",1.50,12345678901234567890,-3,true,false,"\u00e9"]"#).unwrap();
        assert_eq!(args(&c), ["SET", "k", "1.50", "12345678901234567890", "-3", "true", "false", "é"]);
    }

    #[test]
    fn refuses_null_objects_nested_and_empty() {
        for body in [
            &br#"["SET","k",null]"#[..],
            br#"["SET","k",{"a":1}]"#,
            br#"["SET",["k"]]"#,
            b"[]",
            br#"{"cmd":"GET"}"#,
            b"\"GET\"",
            br#"[1,"k"]"#,
        ] {
            let err = parse_command(body).unwrap_err();
            assert!(matches!(err, ProtocolError::Request(ref m) if m.starts_with("ERR")), "{body:?}: {err:?}");
        }
    }

    #[test]
    fn any_string_name_is_passed_on_for_redis_to_judge() {
        for name in ["é", "GET\u{00a0}", "a b", ""] {
            let body = format!("[{},\"k\"]", serde_json::to_string(name).unwrap());
            assert_eq!(parse_command(body.as_bytes()).unwrap()[0], name.as_bytes(), "{name:?}");
        }
    }

    #[test]
    fn malformed_json_is_reported_as_such() {
        let ProtocolError::Request(m) = parse_command(b"[\"GET\",").unwrap_err() else { panic!() };
        assert!(m.contains("malformed JSON"), "{m}");
    }

    #[test]
    fn pipelines() {
        let cs = parse_commands(br#"[["SET","a",1],["GET","a"]]"#).unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(args(&cs[1]), ["GET", "a"]);
        assert!(parse_commands(b"[]").is_err());
        assert!(parse_commands(br#"["GET","a"]"#).is_err());
        assert!(parse_commands(br#"[["GET","a"],[]]"#).is_err());
    }

    #[test]
    fn path_form_with_body_and_query() {
        let c = parse_path_command("/set/a%2Fb", Some("EX=100&_token=secret&NX"), b"\xff\x00").unwrap();
        assert_eq!(
            c,
            vec![
                b"set".to_vec(),
                b"a/b".to_vec(),
                b"\xff\x00".to_vec(),
                b"EX".to_vec(),
                b"100".to_vec(),
                b"NX".to_vec()
            ]
        );
        assert!(parse_path_command("/", None, b"").is_err());
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("x%20y%zz%4"), b"x y%zz%4");
        assert_eq!(percent_decode("%ff%41"), b"\xffA");
    }
}
