use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Issues the `upstash-sync-token` of each response.
///
/// A single Redis has nothing to catch up with, so the token only has to be new every time
/// (clients and the official SDK's tests check that it changes). A per-process random prefix
/// keeps tokens from two gateway runs apart.
pub struct SyncTokens {
    prefix: u64,
    counter: AtomicU64,
}

impl SyncTokens {
    pub fn new() -> Self {
        let mut h = RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        Self { prefix: h.finish(), counter: AtomicU64::new(0) }
    }

    pub fn next(&self) -> String {
        format!("{:016x}-{}", self.prefix, self.counter.fetch_add(1, Ordering::Relaxed) + 1)
    }
}
