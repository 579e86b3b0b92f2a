//! One file per kind of endpoint. Each turns parsed commands into a response.

mod acl;
pub mod command;
mod event_stream;
pub mod monitor;
pub mod pipeline;
pub mod subscribe;
pub mod transaction;

use fragment_redis_protocol::request::Command;
use fragment_redis_protocol::Value;

use crate::access::Caller;
use crate::redis::{Pool, Reply};
use crate::state::State;
use crate::GatewayError;

/// Why `caller` may not run `command` here, if so: the REST API's own refusals first (the same
/// text as the client's), then the caller's token (a read-only token runs reads only), then
/// Upstash's max key size.
fn refusal_for(caller: &Caller, command: &Command) -> Option<String> {
    fragment_redis_protocol::restricted::refusal(command)
        .or_else(|| caller.refusal(command))
        .or_else(|| crate::key_size::refusal(command))
}

/// Runs `commands` in order on one connection exclusively borrowed from `pool` and reads every reply.
///
/// The connection returns to the pool only after the last reply; on a timeout or an I/O error it
/// is dropped, so no later request can read a stale reply. Nothing is ever re-sent.
pub async fn run(state: &State, pool: &Pool, commands: &[Command], keep_raw: bool) -> Result<Vec<Reply>, GatewayError> {
    let timeout = state.config.request_timeout;
    let mut conn = pool.get().await?;
    let exchange = async {
        conn.send(commands).await?;
        let mut replies = Vec::with_capacity(commands.len());
        for _ in commands {
            replies.push(conn.read(keep_raw).await?);
        }
        Ok::<_, GatewayError>(replies)
    };
    let outcome = tokio::time::timeout(timeout, exchange).await;
    // Whatever the outcome, an ACL change may have reached Redis: those users' connections
    // authenticate again.
    for command in commands {
        if let Some(names) = changed_acl_users(command) {
            state.tokens.retire_user_connections(names);
        }
    }
    let replies = outcome.map_err(|_| GatewayError::Timeout(timeout.as_millis()))??;
    conn.release();
    Ok(replies)
}

/// The ACL users whose password, rules or existence `command` may change: `ACL SETUSER <name> …`,
/// `ACL DELUSER <name>…`, or `None` (all of them) for `ACL LOAD`.
fn changed_acl_users(command: &Command) -> Option<Option<&[Vec<u8>]>> {
    if !command.first()?.eq_ignore_ascii_case(b"ACL") {
        return None;
    }
    let sub = command.get(1)?;
    if sub.eq_ignore_ascii_case(b"SETUSER") {
        Some(Some(command.get(2..3)?))
    } else if sub.eq_ignore_ascii_case(b"DELUSER") {
        Some(Some(&command[2..]))
    } else if sub.eq_ignore_ascii_case(b"LOAD") {
        Some(None)
    } else {
        None
    }
}

/// Puts back the SHA-1 a client knows its script by (see [`crate::scripts::Restore`]).
fn restore_sha(reply: &mut Reply, restore: Option<crate::scripts::Restore>) {
    if restore.is_some_and(|restore| restore.apply(&mut reply.value)) {
        reply.raw = reply.raw.is_some().then(|| {
            let mut out = Vec::new();
            fragment_redis_protocol::resp::encode_value(&reply.value, &mut out);
            out
        });
    }
}

/// A refused command's error, in the shape of a reply.
fn refused(message: String) -> Reply {
    let value = Value::Error(message);
    let mut raw = Vec::new();
    fragment_redis_protocol::resp::encode_value(&value, &mut raw);
    Reply { value, raw: Some(raw) }
}
