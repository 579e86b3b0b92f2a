//! The runtime that drives every client's I/O: one thread, shared by all clients in the process.
//!
//! A request touches the worker task, reqwest's connection task and the response path; on one
//! thread none of those hand-offs wakes another thread, which is most of the latency a small request
//! pays beyond the network round trip (see docs/boundary.md). JavaScript stays on its own thread.

use std::future::Future;
use std::sync::LazyLock;

use tokio::runtime::{Builder, Handle};

static HANDLE: LazyLock<Handle> = LazyLock::new(|| {
    let runtime = Builder::new_current_thread().enable_all().build().expect("the I/O runtime starts");
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("fragment-redis-io".into())
        // Runs for the life of the process; an idle runtime costs nothing but a parked thread.
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .expect("the I/O thread starts");
    handle
});

pub fn spawn(future: impl Future<Output = ()> + Send + 'static) {
    HANDLE.spawn(future);
}
