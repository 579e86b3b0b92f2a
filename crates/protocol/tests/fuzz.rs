//! Fuzz targets for every decoder that reads bytes from the network: RESP2 replies, JSON/base64
//! reply bodies, the SSE stream, and the gateway's request parsing (JSON bodies, the path form).
//!
//! Stable toolchain, no extra crates: a seeded generator builds valid inputs (so the properties
//! can be checked exactly) and mutates them (so the error paths run). Each target checks that
//! nothing panics and that what parses means what was sent.
//!
//! * `cargo test -p fragment-redis-protocol --test fuzz`: a short run of every target (CI).
//! * Long run, one target at a time:
//!   `FUZZ_SECONDS=600 FUZZ_TARGET=resp cargo test --release -p fragment-redis-protocol --test fuzz -- --nocapture`
//!   (`FUZZ_TARGET` = `resp`, `json_reply`, `sse`, `request`; unset runs all; `FUZZ_SEED` to replay).
//!
//! A failing input is printed (hex) with its seed; it becomes a case in [`REGRESSIONS`].

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use fragment_redis_protocol::reply::Encoding;
use fragment_redis_protocol::reply_reader::parse_envelopes;
use fragment_redis_protocol::reply_writer::write_envelopes;
use fragment_redis_protocol::request::{parse_command, parse_commands, parse_path_command, percent_decode};
use fragment_redis_protocol::resp::{encode_value, parse};
use fragment_redis_protocol::sse::{encode_pubsub, parse_event_for, Decoder, Event, PubSubEvent};
use fragment_redis_protocol::Value;

/// Inputs that once failed (or that probe an edge on purpose), replayed by every run: (target, bytes).
const REGRESSIONS: &[(&str, &[u8])] = &[
    ("resp", b"*2\r\n*1\r\n*0\r\n:1\r\n"),
    ("resp", b"$9223372036854775807\r\n"),
    ("resp", b"*9223372036854775807\r\n"),
    ("resp", b"$-9223372036854775808\r\n"),
    ("json_reply", br#"[{"result":[[[[{"error":{"x":[1,{"y":"\ud800"}]}}]]]]}]"#),
    ("json_reply", br#"[{"result":-0},{"result":1e400},{"result":"O\u004b"}]"#),
    ("sse", b"data: message,c,x\r\r\n\r\ndata:\n\n:\r\nevent: base64\ndata: message,c,!!!\n\n"),
    ("request", b"[\"\\u0000\",\"\\ud800\",-0,1e999,true]"),
];

// ---------------------------------------------------------------------------------------------
// The generator: xorshift64*, seeded, so any failure replays from its seed.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        // Bias towards the bytes that matter to these formats.
        const SPECIAL: &[u8] = b"\r\n\0\\\"%,:[]{}*$+-0123456789 \xff\xc3\xa9";
        (0..len).map(|_| if self.chance(2) { SPECIAL[self.below(SPECIAL.len())] } else { self.next() as u8 }).collect()
    }
    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &["a", "Z", "0", " ", ",", "\n", "é", "€", "😀", "\"", "\\", "/", "%", "\u{1}", "OK"];
        (0..self.below(max + 1)).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }
}

/// Bit flips, truncation, duplication, insertion of format tokens: one to four of them.
fn mutate(rng: &mut Rng, mut input: Vec<u8>) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b"\r\n",
        b"*-1\r\n",
        b"$-1\r\n",
        b"*1\r\n",
        b"$99999999\r\n",
        b":9223372036854775808\r\n",
        b"\"",
        b"\\u",
        b"[",
        b"]",
        b"{",
        b"}",
        b",",
        b"data:",
        b"event: base64\n",
        b"%",
        b"%zz",
        b"\xff",
    ];
    for _ in 0..=rng.below(3) {
        let at = rng.below(input.len() + 1);
        match rng.below(5) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 => input.truncate(at),
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, token.iter().copied());
            }
            3 if !input.is_empty() => {
                let end = (at + rng.below(16)).min(input.len());
                let piece = input[at.min(end)..end].to_vec();
                input.splice(at..at, piece);
            }
            _ => {
                let end = (at + rng.below(8)).min(input.len());
                input.drain(at..end);
            }
        }
    }
    input
}

fn value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 6 { 5 } else { 7 }) {
        0 => Value::Nil,
        1 => Value::Int(match rng.below(3) {
            0 => rng.next() as i64,
            1 => i64::MIN,
            _ => rng.below(100) as i64 - 50,
        }),
        2 => Value::Status(rng.text(8).replace(['\r', '\n'], " ").into_bytes()),
        3 => Value::Error(format!("ERR {}", rng.text(8).replace(['\r', '\n'], " "))),
        4 => Value::Bulk(rng.bytes(24)),
        5 if rng.chance(8) => {
            let depth = 1 + rng.below(3000);
            deep(rng, depth)
        }
        _ => Value::Array((0..rng.below(5)).map(|_| value(rng, depth + 1)).collect()),
    }
}

fn deep(rng: &mut Rng, depth: usize) -> Value {
    let mut v = Value::Bulk(rng.bytes(4));
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Targets. Each takes one generated case; `Some(bytes)` is the input to print if it fails.

fn resp_case(rng: &mut Rng) -> Vec<u8> {
    let values: Vec<Value> = (0..1 + rng.below(3)).map(|_| value(rng, 0)).collect();
    let mut wire = Vec::new();
    for v in &values {
        encode_value(v, &mut wire);
    }
    if rng.chance(3) {
        // Valid input: every reply comes back exactly, and every cut short of one is "incomplete".
        let mut pos = 0;
        for v in &values {
            let (got, used) = parse(&wire[pos..]).unwrap().expect("a whole reply");
            assert_eq!(&got, v);
            if used < 300 {
                for cut in 0..used {
                    assert_eq!(parse(&wire[pos..pos + cut]).unwrap(), None, "cut at {cut}");
                }
            }
            pos += used;
        }
        assert_eq!(pos, wire.len());
        wire
    } else {
        let input = mutate(rng, wire);
        check_resp(&input);
        input
    }
}

fn check_resp(input: &[u8]) {
    if let Ok(Some((v, used))) = parse(input) {
        assert!(used <= input.len());
        // What parsed is a reply of exactly `used` bytes, and encodes to one that parses back.
        assert_eq!(parse(&input[..used]).unwrap().map(|(_, n)| n), Some(used));
        let mut again = Vec::new();
        encode_value(&v, &mut again);
        assert_eq!(parse(&again).unwrap().map(|(_, n)| n), Some(again.len()));
    }
}

fn json_reply_case(rng: &mut Rng) -> Vec<u8> {
    let values: Vec<Value> = (0..1 + rng.below(3)).map(|_| value(rng, 0)).collect();
    let encoding = if rng.chance(2) { Encoding::Base64 } else { Encoding::Plain };
    let mut body = String::new();
    write_envelopes(&values, encoding, &mut body);
    if rng.chance(3) {
        let parsed = parse_envelopes(body.as_bytes(), encoding).unwrap();
        assert_eq!(parsed.len(), values.len());
        for (got, sent) in parsed.iter().zip(&values) {
            assert_eq!(got, &expected_after_json(sent, encoding, true));
        }
        body.into_bytes()
    } else {
        let input = mutate(rng, body.into_bytes());
        check_json_reply(&input, encoding);
        input
    }
}

fn check_json_reply(input: &[u8], encoding: Encoding) {
    let ours = parse_envelopes(input, encoding);
    // serde_json as the oracle where it can be one: shallow bodies (it stops at 128 levels) without
    // the spellings the two may treat differently by design (floats, -0, \u escapes).
    let text = String::from_utf8_lossy(input);
    let nesting = input.iter().filter(|&&b| b == b'[' || b == b'{').count();
    let exponent = input.windows(2).any(|w| w[0].is_ascii_digit() && matches!(w[1], b'e' | b'E'));
    if nesting < 100 && !text.contains("\\u") && !exponent {
        let theirs = serde_json::from_slice::<serde_json::Value>(input);
        if let (Err(e), Ok(_)) = (&ours, &theirs) {
            // Structurally valid JSON we refuse must be for the envelope shape, not the syntax.
            let shaped = matches!(theirs.as_ref().unwrap(), serde_json::Value::Array(items) if items.iter().all(|i| i.as_object().is_some_and(|o| o.contains_key("result") || o.contains_key("error"))));
            assert!(!shaped, "valid body refused: {e}");
        }
        if ours.is_ok() {
            assert!(theirs.is_ok(), "accepted a body that is not JSON");
        }
    }
}

/// What a value looks like after the JSON round trip (statuses become strings, plain text is
/// lossy UTF-8, a whole-result OK stays a status).
fn expected_after_json(v: &Value, encoding: Encoding, top: bool) -> Result<Value, String> {
    Ok(match v {
        Value::Error(text) if top => return Err(text.clone()),
        Value::Status(s) if top && s == b"OK" => Value::Status(s.clone()),
        Value::Status(b) | Value::Bulk(b) => Value::Bulk(match encoding {
            Encoding::Base64 => b.clone(),
            Encoding::Plain => String::from_utf8_lossy(b).into_owned().into_bytes(),
        }),
        Value::Array(items) => Value::Array(
            items.iter().map(|i| expected_after_json(i, encoding, false).unwrap_or_else(Value::Error)).collect(),
        ),
        other => other.clone(),
    })
}

fn sse_case(rng: &mut Rng) -> Vec<u8> {
    let channel = rng.text(6).replace(['\r', ','], "").into_bytes();
    let payloads: Vec<Vec<u8>> = (0..1 + rng.below(4)).map(|_| rng.bytes(40)).collect();
    let mut stream = Vec::new();
    for p in &payloads {
        stream.extend(encode_pubsub(&[&b"message"[..], &channel], p).expect("payloads may hold anything"));
        if rng.chance(3) {
            stream.extend_from_slice(b": keepalive\n\n");
        }
    }
    let input = if rng.chance(2) { stream } else { mutate(rng, stream) };
    let whole = decode(&input, &[]);
    // Any split into chunks gives the same events.
    let cuts: Vec<usize> = (0..rng.below(5)).map(|_| rng.below(input.len() + 1)).collect();
    assert_eq!(decode(&input, &cuts), whole);
    for event in &whole {
        let _ = parse_event_for(event, &channel, false);
    }
    input
}

fn decode(input: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    let mut d = Decoder::new();
    let mut out = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([input.len()]) {
        d.feed(&input[from..cut], &mut out);
        from = cut;
    }
    out
}

fn sse_exact_case(rng: &mut Rng) {
    let channel = rng.text(6).replace(['\r', ','], "").into_bytes();
    let payload = rng.bytes(60);
    let framed = encode_pubsub(&[&b"message"[..], &channel], &payload).unwrap();
    let events = decode(&framed, &[rng.below(framed.len() + 1)]);
    assert_eq!(events.len(), 1);
    assert_eq!(
        parse_event_for(&events[0], &channel, false),
        Some(PubSubEvent::Message { channel: channel.clone(), payload })
    );
}

fn request_case(rng: &mut Rng) -> Vec<u8> {
    let args: Vec<String> = (0..1 + rng.below(5)).map(|_| rng.text(10)).collect();
    let body = serde_json::to_vec(&args).unwrap();
    match rng.below(4) {
        0 => {
            // Strings arrive byte-exact.
            let parsed = parse_command(&body).unwrap();
            assert_eq!(parsed, args.iter().map(|a| a.as_bytes().to_vec()).collect::<Vec<_>>());
            body
        }
        1 => {
            // The path form: every non-empty segment, percent-encoded, arrives exact.
            let segments: Vec<Vec<u8>> = args.iter().map(|_| rng.bytes(12)).filter(|s| !s.is_empty()).collect();
            let path: String = segments.iter().map(|s| format!("/{}", percent_encode(s))).collect();
            let raw = rng.bytes(8);
            if !segments.is_empty() {
                let mut expected = segments.clone();
                if !raw.is_empty() {
                    expected.push(raw.clone());
                }
                assert_eq!(parse_path_command(&path, Some("_token=x"), &raw).unwrap(), expected);
            }
            path.into_bytes()
        }
        2 => {
            let mutated = mutate(rng, body);
            let _ = parse_command(&mutated);
            let _ = parse_commands(&mutated);
            let mut rows = b"[".to_vec();
            rows.extend_from_slice(&mutated);
            rows.push(b']');
            let _ = parse_commands(&rows);
            mutated
        }
        _ => {
            let junk = rng.bytes(40);
            let text = String::from_utf8_lossy(&junk).into_owned();
            let (path, query) = text.split_once('?').unwrap_or((&text, ""));
            let _ = parse_path_command(path, Some(query), &junk);
            assert_eq!(percent_decode(&percent_encode(&junk)), junk);
            junk
        }
    }
}

fn percent_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

// ---------------------------------------------------------------------------------------------
// The driver.

/// Runs `case` on a thread with a 16 MB stack: the checks here compare and clone values
/// recursively (derived `PartialEq`/`Clone`). The code under test does not recurse on nesting;
/// its unit tests prove that on a 2 MB stack.
fn run(target: &'static str, case: fn(&mut Rng) -> Vec<u8>) {
    if std::env::var("FUZZ_TARGET").is_ok_and(|t| t != target) {
        return;
    }
    let worker = std::thread::Builder::new().stack_size(16 << 20).spawn(move || drive(target, case)).unwrap();
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

fn drive(target: &str, case: fn(&mut Rng) -> Vec<u8>) {
    let seconds: f64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let (mut cases, mut bytes) = (0u64, 0u64);
    let started = Instant::now();
    // Each case gets its own seed, so a failure replays alone with FUZZ_SEED=<case seed>.
    let mut seeds = Rng::new(seed);
    while Instant::now() < deadline {
        let case_seed = seeds.next();
        let outcome = catch_unwind(AssertUnwindSafe(|| case(&mut Rng::new(case_seed))));
        match outcome {
            Ok(input) => bytes += input.len() as u64,
            Err(_) => {
                let mut replay = Rng::new(case_seed);
                let input = catch_unwind(AssertUnwindSafe(|| case(&mut replay))).unwrap_or_default();
                panic!("{target}: case seed {case_seed} failed (replay with FUZZ_TARGET={target} FUZZ_SEED=<seed>; input {input:02x?})");
            }
        }
        cases += 1;
    }
    println!(
        "fuzz {target}: {cases} cases, {} MB of input, {:.0} s, no failure (seed {seed})",
        bytes / 1_000_000,
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn fuzz_resp() {
    run("resp", resp_case);
}

#[test]
fn fuzz_json_reply() {
    run("json_reply", json_reply_case);
}

#[test]
fn fuzz_sse() {
    run("sse", |rng| {
        sse_exact_case(rng);
        sse_case(rng)
    });
}

#[test]
fn fuzz_request() {
    run("request", request_case);
}

#[test]
fn regressions() {
    for (target, input) in REGRESSIONS {
        match *target {
            "resp" => check_resp(input),
            "json_reply" => {
                check_json_reply(input, Encoding::Base64);
                check_json_reply(input, Encoding::Plain);
            }
            "sse" => {
                let whole = decode(input, &[]);
                for cut in 0..input.len() {
                    assert_eq!(decode(input, &[cut]), whole);
                }
            }
            "request" => {
                let _ = parse_command(input);
                let _ = parse_commands(input);
                let _ = parse_path_command(&String::from_utf8_lossy(input), None, input);
            }
            other => panic!("unknown target {other}"),
        }
    }
}
