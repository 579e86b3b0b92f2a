//! Commands the REST API does not run, with the message each refusal carries.
//!
//! One table, asked by the gateway for every command of every request and by the client before a
//! command is sent, so both refuse with the same text. Two reasons to refuse:
//!
//! * A stateless REST API cannot run it: each request may land on a different pooled connection,
//!   so anything that blocks a connection or changes its state would hang a request or poison the
//!   pool.
//! * Upstash does not run it: of Redis's server and cluster categories Upstash runs only `ACL …`,
//!   `COMMAND …`, `CONFIG GET`, `CONFIG SET notify-keyspace-events`, `DBSIZE`, `FLUSHALL`,
//!   `FLUSHDB`, `INFO`, `TIME` (and `MONITOR` as the `/monitor` stream). Code that works against the
//!   local gateway must work against Upstash, so the gateway refuses the rest too.

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
    /// Server administration Upstash does not run (SAVE, DEBUG, CONFIG SET of most parameters …).
    Administrative,
}

/// Every command Redis 7 flags `blocking`, plus the replication waits.
const BLOCKING: &[&str] =
    &["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF"];
const CONNECTION_STATE: &[&str] =
    &["SELECT", "AUTH", "HELLO", "RESET", "QUIT", "CLIENT", "READONLY", "READWRITE", "SWAPDB"];
const TRANSACTION: &[&str] = &["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"];
const STREAMING: &[&str] =
    &["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR"];
/// Redis 7's server category (`COMMAND DOCS`, group `server`) minus what Upstash runs, plus the
/// cluster category. SWAPDB and MONITOR are listed above with their own reasons.
const ADMINISTRATIVE: &[&str] = &[
    "BGREWRITEAOF",
    "BGSAVE",
    "DEBUG",
    "FAILOVER",
    "LASTSAVE",
    "LATENCY",
    "LOLWUT",
    "MEMORY",
    "MODULE",
    "PSYNC",
    "REPLCONF",
    "REPLICAOF",
    "RESTORE-ASKING",
    "ROLE",
    "SAVE",
    "SHUTDOWN",
    "SLAVEOF",
    "SLOWLOG",
    "SYNC",
    "CLUSTER",
    "ASKING",
];
/// Refused only in some forms: XREAD/XREADGROUP with BLOCK, CONFIG other than GET and SET of
/// `notify-keyspace-events`, SCRIPT DEBUG (it puts the connection into the Lua debugger, so the
/// next request's EVAL on that pooled connection would start a debugging session).
const BY_ARGUMENTS: &[&str] = &["XREAD", "XREADGROUP", "CONFIG", "SCRIPT"];

/// The one CONFIG parameter Upstash lets a client set.
const SETTABLE_CONFIG: &[u8] = b"notify-keyspace-events";

/// Where the refusals for Upstash's reasons point.
const COMPATIBILITY_URL: &str = "https://upstash.com/docs/redis/overall/rediscompatibility";

/// Every command name that may be refused, upper-case: a caller asks [`refusal`] only for these.
pub fn candidate_names() -> impl Iterator<Item = &'static str> {
    [BLOCKING, CONNECTION_STATE, TRANSACTION, STREAMING, ADMINISTRATIVE, BY_ARGUMENTS].into_iter().flatten().copied()
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

/// Longer names cannot be in the table (the longest is 14 bytes).
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
    match upper {
        b"XREAD" => xread_blocks(&command[1..], false).then_some(Restriction::Blocking),
        b"XREADGROUP" => xread_blocks(&command[1..], true).then_some(Restriction::Blocking),
        b"CONFIG" => (!config_allowed(&command[1..])).then_some(Restriction::Administrative),
        b"SCRIPT" => command
            .get(1)
            .is_some_and(|sub| sub.as_ref().eq_ignore_ascii_case(b"DEBUG"))
            .then_some(Restriction::ConnectionState),
        _ => None,
    }
}

/// The error text for a refused command, or `None` when it may run.
pub fn refusal<A: AsRef<[u8]>>(command: &[A]) -> Option<String> {
    let kind = restriction(command)?;
    let mut name = String::from_utf8_lossy(command[0].as_ref()).to_ascii_uppercase();
    if name == "SCRIPT" {
        name.push_str(" DEBUG");
    }
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
        Restriction::Streaming if name == "MONITOR" => "ERR MONITOR is not available as a command over the REST API: it is served as the Server-Sent Events endpoint /monitor".to_owned(),
        // No endpoint to point at: sharded channels are a Redis Cluster feature, and an Upstash
        // database is not split into shards a client could subscribe to one by one.
        Restriction::Streaming if name == "SSUBSCRIBE" || name == "SUNSUBSCRIBE" => format!(
            "ERR {name} is not available over the REST API: it has no sharded subscription endpoint (an Upstash database is not a cluster of shards). Use SUBSCRIBE (redis.subscribe(), the /subscribe/<channel> endpoint) with PUBLISH instead; SPUBLISH runs, but its messages reach only SSUBSCRIBE subscribers"
        ),
        Restriction::Streaming => format!(
            "ERR {name} is not available as a command over the REST API: subscribe through the Server-Sent Events endpoints /subscribe/<channel> and /psubscribe/<pattern>"
        ),
        // Upstash's own wording first, so code matching on it behaves the same against both.
        Restriction::Administrative => format!(
            "ERR Command is not available: '{}'. Of the server commands Upstash runs only ACL, COMMAND, CONFIG GET, CONFIG SET notify-keyspace-events, DBSIZE, FLUSHALL, FLUSHDB, INFO and TIME. See {COMPATIBILITY_URL} for details",
            administrative_form(&name, command)
        ),
    })
}

/// `CONFIG SET slowlog-max-len` rather than just `CONFIG`: the subcommand is what was refused.
fn administrative_form<A: AsRef<[u8]>>(name: &str, command: &[A]) -> String {
    if name != "CONFIG" {
        return name.to_owned();
    }
    let words: Vec<String> = command[1..]
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, arg)| {
            let text = String::from_utf8_lossy(arg.as_ref());
            let text: String = text.chars().take(64).collect();
            if i == 0 {
                text.to_ascii_uppercase()
            } else {
                text
            }
        })
        .collect();
    std::iter::once(name.to_owned()).chain(words).collect::<Vec<_>>().join(" ")
}

fn connection_state_alternative(name: &str) -> &'static str {
    match name {
        "SELECT" | "SWAPDB" => "Use the REST URL of another database, or a key prefix (keyPrefix) to keep data apart",
        "AUTH" | "HELLO" => "The REST token authenticates every request",
        _ => "The REST API has no client connection to manage",
    }
}

/// `CONFIG GET …`, or `CONFIG SET` whose every parameter is `notify-keyspace-events`.
fn config_allowed<A: AsRef<[u8]>>(args: &[A]) -> bool {
    let Some((sub, rest)) = args.split_first() else { return false };
    let sub = sub.as_ref();
    if sub.eq_ignore_ascii_case(b"GET") {
        return true;
    }
    // CONFIG SET p1 v1 [p2 v2 …] (Redis 7): pairs; an odd count is Redis's arity error to give.
    sub.eq_ignore_ascii_case(b"SET")
        && !rest.is_empty()
        && rest.len() % 2 == 0
        && rest.iter().step_by(2).all(|p| p.as_ref().eq_ignore_ascii_case(SETTABLE_CONFIG))
}

/// Whether XREAD/XREADGROUP arguments (after the name) carry a BLOCK option, read by Redis's own
/// grammar (`xreadCommand`): options until STREAMS, each with its fixed arity, so a group, consumer
/// or count spelled `STREAMS` or `BLOCK` is an operand, never a keyword. Where Redis would stop
/// with a syntax error, nothing blocks.
fn xread_blocks<A: AsRef<[u8]>>(args: &[A], group: bool) -> bool {
    let mut i = 0;
    while i < args.len() {
        let option = args[i].as_ref();
        let more = args.len() - i - 1;
        let is = |word: &[u8]| option.eq_ignore_ascii_case(word);
        if is(b"BLOCK") && more >= 1 {
            return true;
        } else if is(b"COUNT") && more >= 1 {
            i += 2;
        } else if is(b"STREAMS") && more >= 1 {
            return false;
        } else if group && is(b"GROUP") && more >= 2 {
            i += 3;
        } else if group && is(b"NOACK") {
            i += 1;
        } else {
            return false;
        }
    }
    false
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
        assert_eq!(check(&["script", "Debug", "yes"]), Some(Restriction::ConnectionState));
        assert_eq!(check(&["SCRIPT", "LOAD", "return 1"]), None);
        assert_eq!(check(&["SCRIPT"]), None);
        assert_eq!(check(&["multi"]), Some(Restriction::Transaction));
        assert_eq!(check(&["subscribe", "c"]), Some(Restriction::Streaming));
        assert_eq!(check(&["shutdown"]), Some(Restriction::Administrative));
        assert_eq!(check(&["GET", "k"]), None);
        assert_eq!(check(&["LPOP", "q"]), None);
    }

    #[test]
    fn xread_options_follow_redis_grammar() {
        let blocking: &[&[&str]] = &[
            &["XREADGROUP", "GROUP", "STREAMS", "c", "BLOCK", "0", "STREAMS", "s", ">"],
            &["XREADGROUP", "GROUP", "g", "STREAMS", "BLOCK", "0", "STREAMS", "s", ">"],
            &["XREADGROUP", "GROUP", "g", "c", "COUNT", "STREAMS", "BLOCK", "0", "STREAMS", "s", ">"],
            &["XREADGROUP", "NOACK", "BLOCK", "0", "GROUP", "g", "c", "STREAMS", "s", ">"],
            &["XREAD", "COUNT", "STREAMS", "BLOCK", "0", "STREAMS", "s", "$"],
            &["XREAD", "BLOCK", "-1", "STREAMS", "s", "$"],
        ];
        for cmd in blocking {
            assert_eq!(check(cmd), Some(Restriction::Blocking), "{cmd:?}");
        }
        let not_blocking: &[&[&str]] = &[
            &["XREAD", "STREAMS", "BLOCK", "s", "0", "0"],
            &["XREADGROUP", "GROUP", "BLOCK", "c", "STREAMS", "s", ">"],
            &["XREAD", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "$"], // Redis: GROUP is XREADGROUP's
            &["XREAD", "COUNT"],
            &["XREAD", "BLOCK"],
            &["XREAD"],
        ];
        for cmd in not_blocking {
            assert_eq!(check(cmd), None, "{cmd:?}");
        }
    }

    #[test]
    fn server_category_as_upstash_runs_it() {
        for allowed in [
            &["CONFIG", "GET", "maxmemory"][..],
            &["config", "set", "notify-keyspace-events", "KEA"],
            &["CONFIG", "SET", "notify-keyspace-events", "", "NOTIFY-KEYSPACE-EVENTS", "Ex"],
            &["ACL", "WHOAMI"],
            &["COMMAND", "COUNT"],
            &["DBSIZE"],
            &["FLUSHALL"],
            &["INFO"],
            &["TIME"],
        ] {
            assert_eq!(check(allowed), None, "{allowed:?}");
        }
        for refused in [
            &["CONFIG", "SET", "slowlog-max-len", "1"][..],
            &["CONFIG", "SET", "notify-keyspace-events", "KEA", "maxmemory", "1"],
            &["CONFIG", "SET", "notify-keyspace-events"],
            &["CONFIG", "REWRITE"],
            &["CONFIG", "RESETSTAT"],
            &["CONFIG"],
            &["save"],
            &["BGSAVE"],
            &["SLOWLOG", "GET"],
            &["MEMORY", "USAGE", "k"],
            &["CLUSTER", "INFO"],
        ] {
            assert_eq!(check(refused), Some(Restriction::Administrative), "{refused:?}");
        }
        let m = refusal(&["config", "set", "slowlog-max-len", "1"]).unwrap();
        assert!(m.starts_with("ERR Command is not available: 'CONFIG SET slowlog-max-len'."), "{m}");
        assert!(refusal(&["save"]).unwrap().starts_with("ERR Command is not available: 'SAVE'."));
    }

    #[test]
    fn every_candidate_fits_the_name_buffer() {
        assert!(
            candidate_names().all(|n| n.len() <= MAX_NAME && n.bytes().all(|b| b.is_ascii_uppercase() || b == b'-'))
        );
    }

    #[test]
    fn messages_name_the_command_and_the_way_out() {
        let m = refusal(&["blpop", "q", "0"]).unwrap();
        assert!(m.starts_with("ERR BLPOP") && m.contains("LPOP"), "{m}");
        assert!(refusal(&["watch", "k"]).unwrap().contains("/multi-exec"));
        assert!(refusal(&["select", "1"]).unwrap().contains("keyPrefix"));
        assert!(refusal(&["script", "debug", "yes"]).unwrap().starts_with("ERR SCRIPT DEBUG changes connection state"));
        assert!(!refusal(&["wait", "1", "0"]).unwrap().contains("LPOP"));
        assert!(refusal(&["monitor"]).unwrap().contains("/monitor"));
        for sharded in ["ssubscribe", "SUNSUBSCRIBE"] {
            let m = refusal(&[sharded, "ch"]).unwrap();
            assert!(
                m.contains("sharded") && m.contains("SUBSCRIBE (redis.subscribe()") && m.contains("PUBLISH"),
                "{m}"
            );
        }
        assert!(refusal(&["GET", "k"]).is_none());
    }
}
