//! Commands that cannot run over a stateless REST API.
//!
//! Each request may land on a different pooled connection, so anything that blocks a
//! connection or changes its state would either hang a request or poison the pool. Both the
//! gateway and the client refuse them up front, with a message that names the alternative.

use std::collections::HashMap;

/// Why a command is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// Waits on the server (BLPOP, XREAD … BLOCK, WAIT …).
    Blocking,
    /// Changes per-connection state (SELECT, AUTH, CLIENT, WATCH …).
    ConnectionState,
    /// Transaction verbs that only make sense inside `/multi-exec`.
    Transaction,
    /// Pub/sub and other push streams: the REST API serves them as Server-Sent Events.
    Streaming,
    /// Administration that would stop or hijack the server.
    Administrative,
}

const BLOCKING: &[&str] =
    &["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF"];
const CONNECTION_STATE: &[&str] =
    &["SELECT", "AUTH", "HELLO", "RESET", "QUIT", "CLIENT", "READONLY", "READWRITE", "SWAPDB"];
const TRANSACTION: &[&str] = &["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"];
const STREAMING: &[&str] =
    &["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR"];
const ADMINISTRATIVE: &[&str] = &["SHUTDOWN", "SYNC", "PSYNC", "REPLCONF", "REPLICAOF", "SLAVEOF", "FAILOVER", "DEBUG"];

/// Every command name that may be refused (XREAD and XREADGROUP only with BLOCK), upper-case.
pub fn candidate_names() -> impl Iterator<Item = &'static str> {
    [BLOCKING, CONNECTION_STATE, TRANSACTION, STREAMING, ADMINISTRATIVE, &["XREAD", "XREADGROUP"]]
        .into_iter()
        .flatten()
        .copied()
}

/// Upper-case name → restriction, built once: asked for every command of every request.
static TABLE: std::sync::LazyLock<HashMap<&'static [u8], Restriction>> = std::sync::LazyLock::new(|| {
    let groups: [(&[&'static str], Restriction); 5] = [
        (BLOCKING, Restriction::Blocking),
        (CONNECTION_STATE, Restriction::ConnectionState),
        (TRANSACTION, Restriction::Transaction),
        (STREAMING, Restriction::Streaming),
        (ADMINISTRATIVE, Restriction::Administrative),
    ];
    groups.iter().flat_map(|(names, kind)| names.iter().map(move |name| (name.as_bytes(), *kind))).collect()
});

/// Longer names cannot be in the table (the longest is 12 bytes).
const MAX_NAME: usize = 16;

/// The restriction that applies to `command` (name first), if any.
pub fn restriction<A: AsRef<[u8]>>(command: &[A]) -> Option<Restriction> {
    let name = command.first()?.as_ref();
    if name.len() > MAX_NAME {
        return None;
    }
    let mut upper = [0u8; MAX_NAME];
    for (slot, byte) in upper.iter_mut().zip(name) {
        *slot = byte.to_ascii_uppercase();
    }
    let upper = &upper[..name.len()];
    if let Some(kind) = TABLE.get(upper) {
        return Some(*kind);
    }
    ((upper == b"XREAD" || upper == b"XREADGROUP") && has_block_option(command)).then_some(Restriction::Blocking)
}

/// The error text for a refused command, or `None` when it may run.
pub fn refusal<A: AsRef<[u8]>>(command: &[A]) -> Option<String> {
    let kind = restriction(command)?;
    let name = String::from_utf8_lossy(command[0].as_ref()).to_ascii_uppercase();
    Some(match kind {
        Restriction::Blocking if name.starts_with("XREAD") => format!(
            "ERR {name} with BLOCK is not available over the REST API: it would hold a connection. Call {name} without BLOCK, or follow the stream with the resumable stream helper (require('@fragment/redis-native/stream')), which reads after pub/sub notifications"
        ),
        Restriction::Blocking if name.starts_with("WAIT") => format!(
            "ERR {name} is not available over the REST API: it waits on replication of one connection's writes, and REST requests have no connection of their own"
        ),
        Restriction::Blocking => format!(
            "ERR {name} is a blocking command and is not available over the REST API: it would hold a connection. Use its non-blocking form (e.g. LPOP, ZPOPMIN) and poll, or use Redis streams"
        ),
        Restriction::ConnectionState => format!(
            "ERR {name} changes connection state and is not available over the REST API: every request may use a different connection. {}",
            connection_state_alternative(&name)
        ),
        Restriction::Transaction => format!(
            "ERR {name} is not available as a single command over the REST API: send the whole transaction to /multi-exec"
        ),
        Restriction::Streaming => format!(
            "ERR {name} is not available as a command over the REST API: subscribe through the Server-Sent Events endpoints /subscribe/<channel> and /psubscribe/<pattern>"
        ),
        Restriction::Administrative => format!("ERR {name} is not available over the REST API"),
    })
}

fn connection_state_alternative(name: &str) -> &'static str {
    match name {
        "SELECT" | "SWAPDB" => "Use the REST URL of another database, or a key prefix (keyPrefix) to keep data apart",
        "AUTH" | "HELLO" => "The REST token authenticates every request",
        _ => "The REST API has no client connection to manage",
    }
}

fn has_block_option<A: AsRef<[u8]>>(command: &[A]) -> bool {
    command[1..]
        .iter()
        .map(AsRef::as_ref)
        .take_while(|arg| !arg.eq_ignore_ascii_case(b"STREAMS"))
        .any(|arg| arg.eq_ignore_ascii_case(b"BLOCK"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cmd: &[&str]) -> Option<Restriction> {
        restriction(cmd)
    }

    #[test]
    fn classifies() {
        assert_eq!(check(&["blpop", "q", "0"]), Some(Restriction::Blocking));
        assert_eq!(check(&["XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$"]), Some(Restriction::Blocking));
        assert_eq!(check(&["XREAD", "COUNT", "1", "STREAMS", "block", "0"]), None);
        assert_eq!(
            check(&["xreadgroup", "GROUP", "g", "c", "block", "10", "STREAMS", "s", ">"]),
            Some(Restriction::Blocking)
        );
        assert_eq!(check(&["select", "1"]), Some(Restriction::ConnectionState));
        assert_eq!(check(&["Client", "list"]), Some(Restriction::ConnectionState));
        assert_eq!(check(&["multi"]), Some(Restriction::Transaction));
        assert_eq!(check(&["subscribe", "c"]), Some(Restriction::Streaming));
        assert_eq!(check(&["shutdown"]), Some(Restriction::Administrative));
        assert_eq!(check(&["GET", "k"]), None);
        assert_eq!(check(&["LPOP", "q"]), None);
    }

    #[test]
    fn messages_name_the_command_and_the_way_out() {
        let m = refusal(&["blpop", "q", "0"]).unwrap();
        assert!(m.starts_with("ERR BLPOP") && m.contains("LPOP"), "{m}");
        assert!(refusal(&["watch", "k"]).unwrap().contains("/multi-exec"));
        assert!(refusal(&["select", "1"]).unwrap().contains("keyPrefix"));
        assert!(!refusal(&["wait", "1", "0"]).unwrap().contains("LPOP"));
        assert!(refusal(&["GET", "k"]).is_none());
    }
}
