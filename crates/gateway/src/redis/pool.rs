use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use super::{Connection, OwnConnections};
use crate::{GatewayError, RedisTarget};

/// Lends connections out exclusively: a request keeps its connection until every reply was read.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    target: RedisTarget,
    size: usize,
    /// Every wait for a free connection is bounded by this.
    wait: Duration,
    /// Replies larger than this are refused (see [`Connection::read`]).
    max_reply: usize,
    /// An ACL user's pool: a refused AUTH is that caller's answer (Redis's `WRONGPASS …`, 400: the
    /// user was deleted, disabled or given another password), not the gateway's Redis being down.
    for_user: bool,
    idle: Mutex<Vec<Connection>>,
    /// Bumped by [`Pool::retire`]: a connection lent out before is closed when given back.
    generation: AtomicU64,
    /// Told each [`Pool::retire`], so streams on this pool's dedicated connections end too.
    retired: watch::Sender<u64>,
    permits: Arc<Semaphore>,
    /// The local addresses of the gateway's connections to Redis, shared by the ACL users' pools
    /// (a monitor leaves their handshakes out too).
    own: Arc<OwnConnections>,
}

impl Pool {
    pub fn new(target: RedisTarget, size: usize, wait: Duration, max_reply: usize) -> Self {
        Self::with_own(target, size, wait, max_reply, Arc::default())
    }

    fn with_own(target: RedisTarget, size: usize, wait: Duration, max_reply: usize, own: Arc<OwnConnections>) -> Self {
        let permits = Arc::new(Semaphore::new(size));
        Self {
            inner: Arc::new(Inner {
                target,
                size,
                wait,
                max_reply,
                for_user: false,
                idle: Mutex::new(Vec::new()),
                generation: AtomicU64::new(0),
                retired: watch::Sender::new(0),
                permits,
                own,
            }),
        }
    }

    /// A pool of its own for the ACL user `name`: every connection it opens authenticates as that
    /// user (`AUTH name password`, then the base URL's database), and is lent only to callers
    /// holding this pool, so one user's connection never serves another's command.
    pub fn for_user(&self, name: &str, password: &str, size: usize) -> Self {
        let mut target = self.inner.target.clone();
        target.username = Some(name.to_owned());
        target.password = Some(password.to_owned());
        let mut pool = Self::with_own(target, size, self.inner.wait, self.inner.max_reply, self.inner.own.clone());
        Arc::get_mut(&mut pool.inner).expect("a new pool is not shared yet").for_user = true;
        pool
    }

    /// Dials once with this pool's credentials and hangs up; a refused AUTH is Redis's own error
    /// (see [`Connection::open_checking_credentials`]).
    pub async fn check_credentials(&self) -> Result<(), GatewayError> {
        Connection::open_checking_credentials(&self.inner.target, self.inner.max_reply, &self.inner.own).await.map(drop)
    }

    /// Closes every connection this pool holds (idle ones now, lent ones when given back, streams'
    /// through [`Pool::retired`]), so the
    /// next request dials and authenticates afresh: an ACL user's pool after that user changed, as
    /// Redis leaves connections already authenticated with a password since changed or a user since
    /// disabled.
    pub fn retire(&self) {
        // Bumped under the idle lock, so a connection given back concurrently is either cleared
        // here or sees the new generation.
        let mut idle = self.inner.idle.lock().expect("pool lock");
        let generation = self.inner.generation.fetch_add(1, Ordering::Relaxed) + 1;
        idle.clear();
        self.inner.retired.send_replace(generation);
    }

    /// Completes at this pool's next [`Pool::retire`] (counted from this call): a stream on one of
    /// its dedicated connections ends with it, as its requests authenticate again.
    pub fn retired(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut changes = self.inner.retired.subscribe();
        async move {
            let _ = changes.changed().await;
        }
    }

    /// The local addresses of every connection the gateway holds to Redis right now.
    pub fn own_connections(&self) -> &OwnConnections {
        &self.inner.own
    }

    /// How many connections exist, wait idle, and are lent out now.
    pub fn usage(&self) -> PoolUsage {
        let idle = self.inner.idle.lock().expect("pool lock").len();
        PoolUsage { size: self.inner.size, idle, in_use: self.inner.size - self.inner.permits.available_permits() }
    }

    /// A new connection outside the pool (an SSE stream's), with the pool's credentials and reply limit.
    pub async fn dedicated(&self) -> Result<Connection, GatewayError> {
        self.inner.dial().await
    }

    /// An open connection: an idle one that is still alive, or a new one. Waits at most the pool's
    /// wait for one to be free: a 503 beats a request that hangs because others hold the pool.
    pub async fn get(&self) -> Result<PooledConnection, GatewayError> {
        let waiting = self.inner.permits.clone().acquire_owned();
        let permit = tokio::time::timeout(self.inner.wait, waiting)
            .await
            .map_err(|_| GatewayError::PoolExhausted { waited_ms: self.inner.wait.as_millis(), size: self.inner.size })?
            .expect("the pool semaphore is never closed");
        // Read before a connection is taken or dialled: one dialled across a retire is not kept.
        let generation = self.inner.generation.load(Ordering::Relaxed);
        let reused = loop {
            let candidate = self.inner.idle.lock().expect("pool lock").pop();
            match candidate {
                Some(conn) if conn.is_idle_and_open() => break Some(conn),
                Some(_) => continue, // closed by Redis (restart, timeout): drop it
                None => break None,
            }
        };
        let conn = match reused {
            Some(conn) => conn,
            None => self.inner.dial().await?,
        };
        Ok(PooledConnection { conn: Some(conn), pool: self.inner.clone(), generation, _permit: permit })
    }
}

impl Inner {
    async fn dial(&self) -> Result<Connection, GatewayError> {
        if self.for_user {
            Connection::open_checking_credentials(&self.target, self.max_reply, &self.own).await
        } else {
            Connection::open(&self.target, self.max_reply, &self.own).await
        }
    }
}

/// A snapshot of [`Pool::usage`]: `size` is the cap, `idle` the open connections waiting to be
/// reused, `in_use` those lent out (a connection being dialled counts as in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub size: usize,
    pub idle: usize,
    pub in_use: usize,
}

/// A borrowed connection. Dropped without [`PooledConnection::release`] it is closed, never reused:
/// after an error or a cancelled request its reply stream can no longer be trusted.
pub struct PooledConnection {
    conn: Option<Connection>,
    pool: Arc<Inner>,
    /// The pool's generation when lent: after a [`Pool::retire`] the connection is not reused.
    generation: u64,
    _permit: OwnedSemaphorePermit,
}

impl PooledConnection {
    /// Every reply was read: the connection goes back to the pool.
    pub fn release(mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.pool.idle.lock().expect("pool lock");
            if self.pool.generation.load(Ordering::Relaxed) == self.generation {
                idle.push(conn);
            }
        }
    }
}

impl std::ops::Deref for PooledConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until released")
    }
}

impl std::ops::DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("present until released")
    }
}
