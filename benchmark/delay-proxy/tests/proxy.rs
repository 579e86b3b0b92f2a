//! The delay proxy's binary, driven over stdin/stdout as `benchmark/rtt.js` drives it, in front of
//! a local echo server: bytes arrive complete and in order per connection, never earlier than the
//! RTT it was asked for (a lower bound only: a loaded machine may make them later, never earlier),
//! the first round trip pays the handshake, a close on one side reaches the other, `close` closes
//! the connections, and the process ends with its stdin.
//!
//! No test bounds a time from above: the deadlines below only turn a hang into a failure.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use fragment_redis_delay_proxy::control::{parse_object, Kind, Value};

/// How long a read may wait before the test calls it a hang.
const HANG: Duration = Duration::from_secs(10);

struct Proxy {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

type Reply = Vec<(String, Value)>;

impl Proxy {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fragment-redis-delay-proxy"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the proxy starts");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self { child, stdin, stdout }
    }

    fn ask_line(&mut self, line: &str) -> String {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let mut reply = String::new();
        self.stdout.read_line(&mut reply).unwrap();
        assert!(reply.ends_with('\n'), "a whole reply line: {reply:?}");
        reply.trim_end().to_owned()
    }

    fn ask(&mut self, line: &str) -> Reply {
        let reply = self.ask_line(line);
        parse_object(&reply).unwrap_or_else(|e| panic!("reply {reply:?}: {e}"))
    }

    fn listen(&mut self, id: u32, upstream_port: u16, rtt_ms: u32) -> u16 {
        let reply =
            self.ask(&format!(r#"{{"type":"listen","id":{id},"upstreamPort":{upstream_port},"rttMs":{rtt_ms}}}"#));
        assert_eq!(string(&reply, "type"), "listening", "{reply:?}");
        assert_eq!(number(&reply, "id"), f64::from(id));
        number(&reply, "port") as u16
    }

    /// The `stats` object of a stats reply. The reply nests it, and the control reader reads flat
    /// objects only, so the two are read apart: `{"type":"stats","id":N,"stats":{…}}`.
    fn stats(&mut self, id: u32) -> Reply {
        let reply = self.ask_line(&format!(r#"{{"type":"stats","id":{id}}}"#));
        let prefix = format!(r#"{{"type":"stats","id":{id},"stats":"#);
        let stats = reply.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix('}'));
        let stats = stats.unwrap_or_else(|| panic!("a stats reply: {reply:?}"));
        parse_object(stats).unwrap_or_else(|e| panic!("stats {stats:?}: {e}"))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn field<'a>(reply: &'a Reply, name: &str) -> &'a Value {
    &reply.iter().find(|(key, _)| key == name).unwrap_or_else(|| panic!("no {name} in {reply:?}")).1
}

fn string(reply: &Reply, name: &str) -> String {
    match &field(reply, name).kind {
        Kind::String(s) => s.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

fn number(reply: &Reply, name: &str) -> f64 {
    match field(reply, name).kind {
        Kind::Number(n) => n,
        ref other => panic!("{name} is {other:?}"),
    }
}

/// A server on a free port; `serve` runs for each connection in a thread of its own.
fn server(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let serve = std::sync::Arc::new(serve);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = std::sync::Arc::clone(&serve);
            thread::spawn(move || serve(stream));
        }
    });
    port
}

/// Writes back whatever it reads; an EOF is passed on as a shutdown.
fn echo_server() -> u16 {
    server(|mut stream| {
        let mut buffer = [0; 4096];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if stream.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = stream.shutdown(Shutdown::Write);
    })
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream.set_read_timeout(Some(HANG)).unwrap();
    stream
}

fn read_exactly(stream: &mut TcpStream, bytes: usize) -> Vec<u8> {
    let mut got = vec![0; bytes];
    stream.read_exact(&mut got).expect("the bytes arrive");
    got
}

/// After the data, the stream reports its end (EOF, or a reset after the proxy tore it down).
fn ends(stream: &mut TcpStream) -> bool {
    let mut byte = [0; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

fn in_order_at(rtt_ms: u32) {
    let mut proxy = Proxy::start();
    let port = proxy.listen(1, echo_server(), rtt_ms);
    let mut socket = connect(port);
    let expected: String = (0..500).map(|i| format!("<{i}>")).collect();
    let mut writer = socket.try_clone().unwrap();
    let writing = thread::spawn(move || {
        for i in 0..500 {
            writer.write_all(format!("<{i}>").as_bytes()).unwrap();
        }
    });
    let got = read_exactly(&mut socket, expected.len());
    writing.join().unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), expected);
}

#[test]
fn many_small_writes_come_back_whole_and_in_order_at_rtt_0() {
    in_order_at(0);
}

#[test]
fn many_small_writes_come_back_whole_and_in_order_at_rtt_20() {
    in_order_at(20);
}

#[test]
fn a_round_trip_takes_at_least_the_rtt_and_the_first_one_also_pays_the_handshake() {
    let rtt = Duration::from_millis(30);
    let mut proxy = Proxy::start();
    let port = proxy.listen(1, echo_server(), 30);
    let round_trip = |socket: &mut TcpStream, text: &[u8]| {
        socket.write_all(text).unwrap();
        assert_eq!(read_exactly(socket, text.len()), text);
    };

    let before_connect = Instant::now();
    let mut socket = connect(port);
    round_trip(&mut socket, b"ping");
    // SYN, SYN-ACK, then the data one way and the echo back: two RTTs after the connect began.
    assert!(before_connect.elapsed() >= 2 * rtt, "first round trip after {:?}", before_connect.elapsed());

    for text in [&b"pong"[..], b"again"] {
        let start = Instant::now();
        round_trip(&mut socket, text);
        assert!(start.elapsed() >= rtt, "round trip in {:?}", start.elapsed());
    }

    let stats = proxy.stats(1);
    // Three round trips, each a chunk each way (more if the kernel split one).
    assert!(number(&stats, "chunks") >= 6.0, "{stats:?}");
    for name in ["meanMs", "p50Ms", "p99Ms", "maxMs"] {
        assert!(number(&stats, name) >= 0.0, "{name} in {stats:?}");
    }
    assert!(number(&stats, "p50Ms") <= number(&stats, "maxMs"), "{stats:?}");
    assert_eq!(number(&proxy.stats(1), "chunks"), 0.0, "a stats request resets them");
}

#[test]
fn stats_of_an_unknown_listener_are_null() {
    let mut proxy = Proxy::start();
    assert_eq!(proxy.ask_line(r#"{"type":"stats","id":9}"#), r#"{"type":"stats","id":9,"stats":null}"#);
}

#[test]
fn a_close_on_one_side_reaches_the_other_after_the_bytes_before_it() {
    // The upstream reads to the client's EOF, answers with what it read, then closes.
    let upstream = server(|mut stream| {
        let mut got = Vec::new();
        stream.read_to_end(&mut got).unwrap();
        stream.write_all(&got).unwrap();
    });
    for rtt_ms in [0, 10] {
        let mut proxy = Proxy::start();
        let port = proxy.listen(1, upstream, rtt_ms);
        let mut socket = connect(port);
        socket.write_all(b"bye").unwrap();
        socket.shutdown(Shutdown::Write).unwrap();
        // The client's EOF reached the upstream (it answered only after it), the answer came back
        // over the half-open connection, and then the upstream's close.
        assert_eq!(read_exactly(&mut socket, 3), b"bye", "RTT {rtt_ms}");
        assert!(ends(&mut socket), "RTT {rtt_ms}: the upstream's close reaches the client");
    }
}

#[test]
fn close_closes_the_listener_and_its_connections() {
    let mut proxy = Proxy::start();
    let port = proxy.listen(4, echo_server(), 10);
    let mut socket = connect(port);
    socket.write_all(b"x").unwrap();
    assert_eq!(read_exactly(&mut socket, 1), b"x");
    let reply = proxy.ask(r#"{"type":"close","id":4}"#);
    assert_eq!(string(&reply, "type"), "closed");
    assert_eq!(number(&reply, "id"), 4.0);
    assert!(ends(&mut socket), "the open connection is closed");
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(), "the port no longer accepts");
    // Closing what is not open is answered too.
    assert_eq!(string(&proxy.ask(r#"{"type":"close","id":4}"#), "type"), "closed");
}

#[test]
fn bad_messages_are_answered_with_an_error_and_the_proxy_keeps_serving() {
    let mut proxy = Proxy::start();
    let reply = proxy.ask("{not json");
    assert_eq!(string(&reply, "type"), "error");
    assert_eq!(field(&reply, "id").raw, "null");
    let reply = proxy.ask(r#"{"type":"listen","id":"a","upstreamPort":70000,"rttMs":1}"#);
    assert_eq!(string(&reply, "type"), "error");
    assert_eq!(string(&reply, "id"), "a");
    assert!(string(&reply, "message").contains("upstreamPort"), "{reply:?}");
    proxy.listen(1, echo_server(), 0);
    let reply = proxy.ask(r#"{"type":"listen","id":1,"upstreamPort":80,"rttMs":0}"#);
    assert!(string(&reply, "message").contains("already open"), "{reply:?}");
}

#[test]
fn the_process_ends_when_its_stdin_closes() {
    let mut proxy = Proxy::start();
    let port = proxy.listen(1, echo_server(), 10);
    let mut socket = connect(port);
    socket.write_all(b"x").unwrap();
    assert_eq!(read_exactly(&mut socket, 1), b"x");
    drop(proxy.stdin.take());
    let deadline = Instant::now() + HANG;
    let status = loop {
        if let Some(status) = proxy.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the proxy outlived its stdin");
        thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status:?}");
    assert!(ends(&mut socket), "its connections end with it");
}

#[cfg(unix)]
#[test]
fn a_reset_tears_both_sides_down_and_drops_what_is_queued() {
    use std::os::fd::AsRawFd;
    use std::sync::mpsc;

    let (seen, upstream_saw) = mpsc::channel();
    let upstream = server(move |mut stream| {
        let mut got = Vec::new();
        let _ = stream.read_to_end(&mut got); // to the end, clean or not
        let _ = seen.send(got);
    });
    let mut proxy = Proxy::start();
    // A long RTT: the bytes below are due seconds after the reset, so they are still queued.
    let port = proxy.listen(1, upstream, 2000);
    let mut socket = connect(port);
    socket.write_all(b"queued").unwrap();
    let linger = libc::linger { l_onoff: 1, l_linger: 0 };
    // SAFETY: a valid socket, and the option's own struct and size.
    let set = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(set, 0);
    drop(socket); // closes with a reset
    let got = upstream_saw.recv_timeout(HANG).expect("the upstream side is closed too");
    assert!(got.is_empty(), "queued bytes were dropped, got {got:?}");
}
