use std::sync::Arc;
use std::time::Duration;

use fragment_redis_protocol::{request::Command, resp, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::own::{OwnConnections, Registration};
use crate::{GatewayError, RedisTarget};

/// Bounds the whole dial: TCP connect and the AUTH/SELECT handshake (a mute server never hangs it).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Read buffer kept between replies; a larger one (after a large reply) is given back.
const BUFFER: usize = 16 * 1024;
/// Bulk replies from this size on are handed over without a copy (see `take_large_bulk`).
const LARGE_BULK: usize = 1024 * 1024;

/// One reply, with its exact wire bytes when the caller asked for them (`resp2` responses).
pub struct Reply {
    pub value: Value,
    pub raw: Option<Vec<u8>>,
}

/// A RESP2 connection: write commands, read replies in order.
pub struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    pos: usize,
    /// Largest reply read; see [`crate::GatewayConfig::max_reply`].
    max_reply: usize,
    /// Keeps this connection's local address known as the gateway's own (see [`OwnConnections`]).
    _own: Registration,
}

impl Connection {
    /// Dials Redis and runs the handshake the URL asks for (AUTH, SELECT), within [`CONNECT_TIMEOUT`].
    pub async fn open(target: &RedisTarget, max_reply: usize, own: &Arc<OwnConnections>) -> Result<Self, GatewayError> {
        Self::open_or(target, max_reply, own, |e| format!("handshake refused: {e}")).await.map_err(|e| match e {
            Dialled::Unavailable(e) | Dialled::Refused(e) => e,
        })
    }

    /// Like [`Connection::open`], but a refused AUTH is Redis's own error as a `400` (`WRONGPASS
    /// invalid username-password pair or user is disabled.`): how `ACL RESTTOKEN` checks a password.
    pub async fn open_checking_credentials(
        target: &RedisTarget,
        max_reply: usize,
        own: &Arc<OwnConnections>,
    ) -> Result<Self, GatewayError> {
        Self::open_or(target, max_reply, own, |e| e.to_owned()).await.map_err(|e| match e {
            Dialled::Unavailable(e) => e,
            Dialled::Refused(GatewayError::RedisUnavailable { reason, .. }) => GatewayError::BadRequest(reason),
            Dialled::Refused(e) => e,
        })
    }

    async fn open_or(
        target: &RedisTarget,
        max_reply: usize,
        own: &Arc<OwnConnections>,
        refused: impl Fn(&str) -> String,
    ) -> Result<Self, Dialled> {
        let unavailable = |reason: String| GatewayError::RedisUnavailable {
            target: format!("{}:{}", target.host, target.port),
            reason,
        };
        let dial = async {
            let stream = TcpStream::connect((target.host.as_str(), target.port))
                .await
                .map_err(|e| Dialled::Unavailable(unavailable(e.to_string())))?;
            stream.set_nodelay(true).map_err(|e| Dialled::Unavailable(unavailable(e.to_string())))?;
            // Registered before the handshake is sent, so a monitor sees it as ours.
            let local = stream.local_addr().map_err(|e| Dialled::Unavailable(unavailable(e.to_string())))?;
            let _own = own.register(local);
            let mut conn = Self { stream, buf: Vec::with_capacity(BUFFER), pos: 0, max_reply, _own };
            let mut handshake: Vec<Command> = Vec::new();
            if let Some(password) = &target.password {
                let mut auth = vec![b"AUTH".to_vec()];
                auth.extend(target.username.iter().map(|u| u.as_bytes().to_vec()));
                auth.push(password.as_bytes().to_vec());
                handshake.push(auth);
            }
            if target.db != 0 {
                handshake.push(vec![b"SELECT".to_vec(), target.db.to_string().into_bytes()]);
            }
            if !handshake.is_empty() {
                conn.send(&handshake).await.map_err(Dialled::Unavailable)?;
                for _ in &handshake {
                    if let Value::Error(e) = conn.read(false).await.map_err(Dialled::Unavailable)?.value {
                        return Err(Dialled::Refused(unavailable(refused(&e))));
                    }
                }
            }
            Ok(conn)
        };
        tokio::time::timeout(CONNECT_TIMEOUT, dial).await.map_err(|_| {
            Dialled::Unavailable(unavailable(format!(
                "no connection and handshake within {} ms",
                CONNECT_TIMEOUT.as_millis()
            )))
        })?
    }

    /// Writes all `commands` in one go (RESP pipelining).
    pub async fn send(&mut self, commands: &[Command]) -> Result<(), GatewayError> {
        let mut out = Vec::with_capacity(commands.iter().map(|c| c.iter().map(|a| a.len() + 16).sum::<usize>()).sum());
        for command in commands {
            resp::encode_command(command, &mut out);
        }
        self.stream.write_all(&out).await.map_err(io_error)
    }

    /// Reads the next reply, refusing one larger than the reply limit (the connection must then be
    /// dropped: the rest of that reply is still on its way).
    pub async fn read(&mut self, keep_raw: bool) -> Result<Reply, GatewayError> {
        loop {
            if let Some(value) = self.take_large_bulk(keep_raw) {
                return Ok(Reply { value, raw: None });
            }
            if let Some((value, used)) = resp::parse(&self.buf[self.pos..])? {
                // A reply that arrived whole in one read is held to the same limit.
                if used > self.max_reply {
                    return Err(GatewayError::ReplyTooLarge { limit: self.max_reply, actual: used });
                }
                let raw = keep_raw.then(|| self.buf[self.pos..self.pos + used].to_vec());
                self.pos += used;
                if self.pos == self.buf.len() {
                    self.buf.clear();
                    self.pos = 0;
                    if self.buf.capacity() > 4 * BUFFER {
                        self.buf = Vec::with_capacity(BUFFER); // do not hold a large reply's memory
                    }
                }
                return Ok(Reply { value, raw });
            }
            if self.pos > 0 {
                self.buf.drain(..self.pos);
                self.pos = 0;
            }
            // A bulk string says its length up front: refuse it before reading it, or read it
            // into one allocation of the right size.
            let announced = resp::announced_len(&self.buf);
            let at_least = announced.unwrap_or(0).max(self.buf.len());
            if at_least > self.max_reply {
                return Err(GatewayError::ReplyTooLarge { limit: self.max_reply, actual: at_least });
            }
            match announced {
                Some(total) if total > self.buf.len() => self.buf.reserve_exact(total - self.buf.len()),
                _ => self.buf.reserve(BUFFER),
            }
            let n = self.stream.read_buf(&mut self.buf).await.map_err(io_error)?;
            if n == 0 {
                return Err(GatewayError::RedisIo("Redis closed the connection".into()));
            }
        }
    }

    /// A large bulk string that fills the buffer exactly becomes the value without a copy: the
    /// buffer itself is handed over, so a 60 MB GET holds the value once, not twice.
    fn take_large_bulk(&mut self, keep_raw: bool) -> Option<Value> {
        if keep_raw || self.pos != 0 || self.buf.len() < LARGE_BULK {
            return None;
        }
        let total =
            resp::announced_len(&self.buf).filter(|&total| total == self.buf.len() && total <= self.max_reply)?;
        if &self.buf[total - 2..] != b"\r\n" {
            return None; // malformed: let the parser report it
        }
        let header = self.buf.iter().position(|&b| b == b'\n')? + 1;
        let mut bytes = std::mem::replace(&mut self.buf, Vec::with_capacity(BUFFER));
        bytes.truncate(total - 2);
        bytes.drain(..header);
        Some(Value::Bulk(bytes))
    }

    /// True when an idle connection is still open and has nothing unexpected to say.
    ///
    /// Checked before a pooled connection is reused, so a Redis restart costs no failed request
    /// and nothing is ever re-sent.
    pub fn is_idle_and_open(&self) -> bool {
        let mut probe = [0u8; 1];
        matches!(self.stream.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }
}

/// Why a dial failed: Redis could not be reached, or it refused the handshake (AUTH, SELECT).
enum Dialled {
    Unavailable(GatewayError),
    Refused(GatewayError),
}

fn io_error(e: std::io::Error) -> GatewayError {
    GatewayError::RedisIo(e.to_string())
}
