//! Listeners and the connections through them: every chunk read from one side is written to the
//! other side half the RTT later, in the order it was read.
//!
//! Because the delay is fixed, due times on one direction of one connection never decrease, so a
//! FIFO per direction keeps the byte order: per direction a reader thread (a blocking read, then
//! the chunk with its due time onto a channel) and a writer thread (sleeps until the head of the
//! channel is due, then writes it and whatever else is due by then). The sleep is a nanosleep on
//! the kernel's high-resolution timers, so a chunk leaves within tens of microseconds of its due
//! time on an idle machine, and a waiting thread costs no CPU: the client under test, the gateway
//! and redis-server share the cores with the proxy.
//!
//! A new connection also pays the TCP handshake: data from the client does not leave before
//! `accepted + RTT` plus its own half RTT, so data sent right after connecting reaches the server
//! 1.5 RTT after the connect, as on a real network. An EOF on one side becomes a `shutdown(Write)`
//! on the other once the bytes before it are out; an error on either side (a reset) tears both
//! down, dropping what is still queued, as a reset on a real network does.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, Weak};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::lateness::{Lateness, Summary};

/// Every thread here only moves bytes through a heap buffer: a small stack is plenty, and a
/// connection costs four of them.
const STACK_SIZE: usize = 64 * 1024;
/// The most one read takes (Node's own read size).
const READ_SIZE: usize = 64 * 1024;

/// One listening port in front of one upstream port, at one RTT.
pub struct Listener {
    port: u16,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    upstream_port: u16,
    one_way: Duration,
    lateness: Mutex<Lateness>,
    connections: Mutex<Connections>,
}

/// The live connections, and whether the listener is closed: one lock, so a connection set up
/// while `close` runs is either torn down by it or sees `closed` and tears itself down.
#[derive(Default)]
struct Connections {
    closed: bool,
    live: Vec<Weak<Connection>>,
}

struct Connection {
    client: TcpStream,
    upstream: TcpStream,
    torn_down: AtomicBool,
}

impl Connection {
    fn tear_down(&self) {
        self.torn_down.store(true, Ordering::SeqCst);
        // Wakes every thread of the connection: blocked reads return, blocked writes fail.
        let _ = self.client.shutdown(Shutdown::Both);
        let _ = self.upstream.shutdown(Shutdown::Both);
    }

    fn is_torn_down(&self) -> bool {
        self.torn_down.load(Ordering::SeqCst)
    }
}

/// Which socket of a connection.
#[derive(Clone, Copy)]
enum Side {
    Client,
    Upstream,
}

impl Side {
    fn of(self, connection: &Connection) -> &TcpStream {
        match self {
            Side::Client => &connection.client,
            Side::Upstream => &connection.upstream,
        }
    }
}

/// A chunk with the instant it is due on the other side; `None` is the EOF.
struct Delayed {
    due: Instant,
    chunk: Option<Vec<u8>>,
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> io::Result<JoinHandle<()>> {
    thread::Builder::new().name(name.into()).stack_size(STACK_SIZE).spawn(body)
}

impl Listener {
    /// Listens on a free port of 127.0.0.1.
    pub fn bind(upstream_port: u16, rtt_ms: f64) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            upstream_port,
            one_way: Duration::from_secs_f64(rtt_ms / 2e3),
            lateness: Mutex::new(Lateness::new()),
            connections: Mutex::new(Connections::default()),
        });
        let accepting = Arc::clone(&shared);
        let accept = spawn("accept", move || accept_loop(listener, accepting))?;
        Ok(Self { port, shared, accept: Some(accept) })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The lateness since the last call.
    pub fn take_stats(&self) -> Summary {
        lock(&self.shared.lateness).take()
    }

    /// Stops accepting (the port is closed when this returns) and tears down every connection.
    pub fn close(mut self) {
        let live = {
            let mut connections = lock(&self.shared.connections);
            connections.closed = true;
            std::mem::take(&mut connections.live)
        };
        for connection in live.iter().filter_map(Weak::upgrade) {
            connection.tear_down();
        }
        // A blocking accept has no other way to wake: a connection of our own, which the accept
        // loop sees after `closed` and drops, then drops the listening socket.
        if let Some(accept) = self.accept.take() {
            let woken = TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, self.port).into(), Duration::from_secs(5));
            if woken.is_ok() {
                let _ = accept.join();
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicked proxy thread leaves plain data behind, still consistent: keep serving.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = listener.accept();
        let accepted_at = Instant::now();
        if lock(&shared.connections).closed {
            return;
        }
        match accepted {
            Ok((client, _)) => {
                let shared = Arc::clone(&shared);
                if let Err(error) = spawn("connection", move || connect(client, accepted_at, shared)) {
                    eprintln!("delay proxy: cannot start a connection thread: {error}");
                }
            }
            // Out of descriptors or a connection reset before it was accepted: the next accept
            // may succeed; a short pause keeps a persistent error from spinning.
            Err(error) => {
                eprintln!("delay proxy: accept failed: {error}");
                thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Connects upstream, then runs the connection's four threads (this one becomes one of them).
fn connect(client: TcpStream, accepted_at: Instant, shared: Arc<Shared>) {
    let upstream = match TcpStream::connect((Ipv4Addr::LOCALHOST, shared.upstream_port)) {
        Ok(upstream) => upstream,
        // Nothing to forward to: the client sees its connection closed, as the real server would
        // refuse it.
        Err(_) => return,
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let connection = Arc::new(Connection { client, upstream, torn_down: AtomicBool::new(false) });
    {
        let mut connections = lock(&shared.connections);
        if connections.closed {
            connection.tear_down();
            return;
        }
        connections.live.retain(|live| live.strong_count() > 0);
        connections.live.push(Arc::downgrade(&connection));
    }

    let one_way = shared.one_way;
    // The handshake: the SYN, then the SYN-ACK, before the client's first byte can travel.
    let handshake_done = accepted_at + 2 * one_way;
    let directions = [(Side::Client, Side::Upstream, handshake_done), (Side::Upstream, Side::Client, accepted_at)];
    let mut bodies: Vec<Box<dyn FnOnce() + Send>> = Vec::new();
    for (from, to, not_before) in directions {
        let reading = Arc::clone(&connection);
        if one_way.is_zero() {
            bodies.push(Box::new(move || forward_at_once(&reading, from, to)));
            continue;
        }
        let (sender, receiver) = mpsc::channel();
        let writing = Arc::clone(&connection);
        let lateness = Arc::clone(&shared);
        bodies.push(Box::new(move || read_into(&reading, from, sender, one_way, not_before)));
        bodies.push(Box::new(move || write_when_due(&writing, to, receiver, &lateness.lateness)));
    }
    let last = bodies.pop().expect("every connection has threads");
    for body in bodies {
        if let Err(error) = spawn("direction", body) {
            // Half a connection would hang its peers: none at all, as a reset.
            eprintln!("delay proxy: cannot start a connection thread: {error}");
            connection.tear_down();
        }
    }
    // The threads hold the connection; it closes when the last of them ends.
    drop(connection);
    last();
}

/// RTT 0: every chunk is written as soon as it is read.
fn forward_at_once(connection: &Connection, from: Side, to: Side) {
    let mut buffer = vec![0; READ_SIZE];
    loop {
        match from.of(connection).read(&mut buffer) {
            Ok(0) => {
                let _ = to.of(connection).shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => {
                if connection.is_torn_down() || to.of(connection).write_all(&buffer[..n]).is_err() {
                    connection.tear_down();
                    return;
                }
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => {
                connection.tear_down();
                return;
            }
        }
    }
}

/// One direction's reader: each chunk is due one way later than it was read (and not before the
/// handshake is done).
fn read_into(connection: &Connection, from: Side, sender: Sender<Delayed>, one_way: Duration, not_before: Instant) {
    let mut buffer = vec![0; READ_SIZE];
    loop {
        let read = from.of(connection).read(&mut buffer);
        let due = Instant::now().max(not_before) + one_way;
        match read {
            Ok(0) => {
                let _ = sender.send(Delayed { due, chunk: None });
                return;
            }
            Ok(n) => {
                if sender.send(Delayed { due, chunk: Some(buffer[..n].to_vec()) }).is_err() {
                    return; // the writer is gone: the connection was torn down
                }
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => {
                connection.tear_down();
                return;
            }
        }
    }
}

/// One direction's writer: sleeps until the oldest chunk is due, then writes it together with
/// every later chunk already due.
fn write_when_due(connection: &Connection, to: Side, receiver: Receiver<Delayed>, lateness: &Mutex<Lateness>) {
    let mut target = to.of(connection);
    let mut next: Option<Delayed> = None;
    let mut batch: Vec<u8> = Vec::new();
    let mut dues: Vec<Instant> = Vec::new();
    loop {
        let head = match next.take() {
            Some(head) => head,
            None => match receiver.recv() {
                Ok(head) => head,
                Err(_) => return, // the reader ended on an error: the connection is torn down
            },
        };
        let now = Instant::now();
        if head.due > now {
            thread::sleep(head.due - now);
        }
        if connection.is_torn_down() {
            return;
        }
        let woke = Instant::now();
        let mut eof = false;
        let mut item = Some(head);
        while let Some(Delayed { due, chunk }) = item.take() {
            match chunk {
                Some(chunk) => {
                    batch.extend_from_slice(&chunk);
                    dues.push(due);
                }
                None => {
                    eof = true;
                    break;
                }
            }
            match receiver.try_recv() {
                Ok(more) if more.due <= woke => item = Some(more),
                Ok(later) => next = Some(later),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => {}
            }
        }
        if !batch.is_empty() {
            let written = Instant::now();
            {
                let mut lateness = lock(lateness);
                for due in dues.drain(..) {
                    lateness.record(written.saturating_duration_since(due));
                }
            }
            if target.write_all(&batch).is_err() {
                connection.tear_down();
                return;
            }
            batch.clear();
        }
        if eof {
            let _ = target.shutdown(Shutdown::Write);
            return;
        }
    }
}
