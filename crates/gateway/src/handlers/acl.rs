//! Upstash's two REST-token extensions of `ACL`, answered by the gateway itself:
//!
//! * `ACL RESTTOKEN <user> <password>`: checks the password against the real redis-server (a
//!   connection that runs `AUTH user password`; a refusal is Redis's own error) and mints a REST
//!   token whose requests then run as that user, so Redis's ACL rules decide what they may do.
//! * `ACL GENTOKEN <user> [password]`: a token to set as the user's password
//!   (`ACL SETUSER <user> on >token …`), usable at once as that user's REST token. With a password,
//!   `ACL RESTTOKEN <user> <password>` later finds the token it was wrapped in.
//!
//! Only the standard token mints. Minted tokens live in the gateway's memory (see [`crate::access`]).

use fragment_redis_protocol::request::Command;
use fragment_redis_protocol::Value;

use super::refused;
use crate::access::{Caller, ACL_USER_POOL_SIZE};
use crate::redis::Reply;
use crate::state::State;
use crate::GatewayError;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    RestToken,
    GenToken,
}

fn verb(command: &Command) -> Option<Verb> {
    if !command.first()?.eq_ignore_ascii_case(b"ACL") {
        return None;
    }
    let sub = command.get(1)?;
    if sub.eq_ignore_ascii_case(b"RESTTOKEN") {
        Some(Verb::RestToken)
    } else if sub.eq_ignore_ascii_case(b"GENTOKEN") {
        Some(Verb::GenToken)
    } else {
        None
    }
}

/// `ACL RESTTOKEN …` or `ACL GENTOKEN …`: the gateway's to answer, never Redis's.
pub fn is_token_command(command: &Command) -> bool {
    verb(command).is_some()
}

/// The reply to a token command, or `None` for any other command. Errors that belong in the
/// reply (Redis's WRONGPASS, a wrong arity, a caller who may not mint) come back as error replies.
pub async fn answer(state: &State, caller: &Caller, command: &Command) -> Option<Result<Reply, GatewayError>> {
    let verb = verb(command)?;
    let name = match verb {
        Verb::RestToken => "acl|resttoken",
        Verb::GenToken => "acl|gentoken",
    };
    if !matches!(caller, Caller::Standard) {
        return Some(Ok(refused(format!("NOPERM this user has no permissions to run the '{name}' command"))));
    }
    let arity_ok = match verb {
        Verb::RestToken => command.len() == 4,
        Verb::GenToken => command.len() == 3 || command.len() == 4,
    };
    if !arity_ok {
        return Some(Ok(refused(format!("ERR wrong number of arguments for '{name}' command"))));
    }
    let Ok(words) = command[2..].iter().map(|arg| std::str::from_utf8(arg)).collect::<Result<Vec<&str>, _>>() else {
        return Some(Ok(refused("ERR the user name and password must be UTF-8 text".into())));
    };
    let (user, password) = (words[0], words.get(1).copied());
    let minted = match (verb, password) {
        (Verb::RestToken, Some(password)) => rest_token(state, user, password).await,
        (Verb::RestToken, None) => unreachable!("the arity was checked"),
        (Verb::GenToken, password) => {
            state.tokens.generate(user, password, |token| state.pool.for_user(user, token, ACL_USER_POOL_SIZE))
        }
    };
    Some(Ok(match minted {
        Ok(token) => {
            let value = Value::Bulk(token.into_bytes());
            let mut raw = Vec::new();
            fragment_redis_protocol::resp::encode_value(&value, &mut raw);
            Reply { value, raw: Some(raw) }
        }
        Err(GatewayError::BadRequest(message)) => refused(message),
        Err(other) => return Some(Err(other)),
    }))
}

/// Checks `user`/`password` with Redis itself (a GENTOKEN-wrapped password means its token), then
/// mints a token for that user.
async fn rest_token(state: &State, user: &str, password: &str) -> Result<String, GatewayError> {
    let password = state.tokens.unwrap_password(user, password).unwrap_or_else(|| password.to_owned());
    let pool = state.pool.for_user(user, &password, ACL_USER_POOL_SIZE);
    pool.check_credentials().await?;
    state.tokens.mint(user, &password, || pool)
}
