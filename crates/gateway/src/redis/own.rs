//! The local addresses of the gateway's own Redis connections.
//!
//! `/monitor` relays every command Redis runs, the gateway's connection handshake (AUTH, SELECT)
//! included. A REST caller can never send AUTH or SELECT (they are refused), so such a line from
//! one of these addresses is the gateway's housekeeping, and `/monitor` leaves it out.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct OwnConnections {
    addrs: Mutex<HashSet<SocketAddr>>,
}

impl OwnConnections {
    /// Records `addr` for as long as the returned registration lives (a connection holds it).
    pub fn register(self: &Arc<Self>, addr: SocketAddr) -> Registration {
        self.addrs.lock().expect("own connections lock").insert(addr);
        Registration { owner: self.clone(), addr }
    }

    /// Whether `addr`, as Redis prints a client (`127.0.0.1:5000`, `[::1]:5000`), is one of ours.
    pub fn contains(&self, addr: &str) -> bool {
        addr.parse::<SocketAddr>().is_ok_and(|addr| self.addrs.lock().expect("own connections lock").contains(&addr))
    }
}

/// Removes its address when the connection it belongs to is dropped.
pub struct Registration {
    owner: Arc<OwnConnections>,
    addr: SocketAddr,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.owner.addrs.lock().expect("own connections lock").remove(&self.addr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_ours_while_its_registration_lives() {
        let own = Arc::new(OwnConnections::default());
        let v4 = own.register("127.0.0.1:5000".parse().unwrap());
        let v6 = own.register("[::1]:5001".parse().unwrap());
        assert!(own.contains("127.0.0.1:5000") && own.contains("[::1]:5001"));
        assert!(!own.contains("127.0.0.1:5002") && !own.contains("lua") && !own.contains("unix:/tmp/r.sock"));
        drop(v4);
        assert!(!own.contains("127.0.0.1:5000"));
        drop(v6);
        assert!(!own.contains("[::1]:5001"));
    }
}
