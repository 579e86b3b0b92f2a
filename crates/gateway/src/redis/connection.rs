use std::time::Duration;

use fragment_redis_protocol::{request::Command, resp, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{GatewayError, RedisTarget};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

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
}

impl Connection {
    /// Dials Redis and runs the handshake the URL asks for (AUTH, SELECT).
    pub async fn open(target: &RedisTarget) -> Result<Self, GatewayError> {
        let unavailable = |reason: String| GatewayError::RedisUnavailable {
            target: format!("{}:{}", target.host, target.port),
            reason,
        };
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((target.host.as_str(), target.port)))
            .await
            .map_err(|_| unavailable("connect timed out".into()))?
            .map_err(|e| unavailable(e.to_string()))?;
        stream.set_nodelay(true).map_err(|e| unavailable(e.to_string()))?;
        let mut conn = Self { stream, buf: Vec::with_capacity(16 * 1024), pos: 0 };
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
            conn.send(&handshake).await?;
            for _ in &handshake {
                if let Value::Error(e) = conn.read(false).await?.value {
                    return Err(unavailable(format!("handshake refused: {e}")));
                }
            }
        }
        Ok(conn)
    }

    /// Writes all `commands` in one go (RESP pipelining).
    pub async fn send(&mut self, commands: &[Command]) -> Result<(), GatewayError> {
        let mut out = Vec::with_capacity(commands.iter().map(|c| c.iter().map(|a| a.len() + 16).sum::<usize>()).sum());
        for command in commands {
            resp::encode_command(command, &mut out);
        }
        self.stream.write_all(&out).await.map_err(io_error)
    }

    /// Reads the next reply.
    pub async fn read(&mut self, keep_raw: bool) -> Result<Reply, GatewayError> {
        loop {
            if let Some((value, used)) = resp::parse(&self.buf[self.pos..])? {
                let raw = keep_raw.then(|| self.buf[self.pos..self.pos + used].to_vec());
                self.pos += used;
                if self.pos == self.buf.len() {
                    self.buf.clear();
                    self.pos = 0;
                }
                return Ok(Reply { value, raw });
            }
            if self.pos > 0 {
                self.buf.drain(..self.pos);
                self.pos = 0;
            }
            self.buf.reserve(16 * 1024);
            let n = self.stream.read_buf(&mut self.buf).await.map_err(io_error)?;
            if n == 0 {
                return Err(GatewayError::RedisIo("Redis closed the connection".into()));
            }
        }
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

fn io_error(e: std::io::Error) -> GatewayError {
    GatewayError::RedisIo(e.to_string())
}
