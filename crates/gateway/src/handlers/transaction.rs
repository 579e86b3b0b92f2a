use fragment_redis_protocol::reply::Encoding;
use fragment_redis_protocol::reply_writer::write_envelopes;
use fragment_redis_protocol::request::Command;
use fragment_redis_protocol::Value;
use hyper::{Response, StatusCode};

use super::{acl, refusal_for, restore_sha, run};
use crate::access::Caller;
use crate::http::body::Body;
use crate::http::response;
use crate::state::State;
use crate::GatewayError;

/// `POST /multi-exec`: MULTI, the commands and EXEC go out together on a connection no other request
/// can touch until EXEC has answered. Always JSON, as on Upstash (`Upstash-Response-Format` is
/// not looked at: the router passes only the encoding). One refused command refuses the whole
/// transaction, before anything reaches Redis.
pub async fn multi_exec(
    state: &State,
    caller: &Caller,
    commands: Vec<Command>,
    encoding: Encoding,
) -> Result<Response<Body>, GatewayError> {
    if let Some(message) = commands.iter().find_map(|c| {
        acl::is_token_command(c)
            .then(|| "ERR ACL RESTTOKEN cannot run inside a transaction: send it on its own".to_owned())
            .or_else(|| refusal_for(caller, c))
    }) {
        return Err(GatewayError::BadRequest(message));
    }
    let mut wrapped = Vec::with_capacity(commands.len() + 2);
    wrapped.push(vec![b"MULTI".to_vec()]);
    let mut expected_shas = Vec::with_capacity(commands.len());
    for mut command in commands {
        expected_shas.push(state.scripts.rewrite(&mut command));
        wrapped.push(command);
    }
    wrapped.push(vec![b"EXEC".to_vec()]);

    let replies = run(state, caller.pool(state), &wrapped, false).await?;
    let exec = replies.into_iter().last().expect("EXEC reply").value;
    match exec {
        Value::Array(results) => {
            let results: Vec<Value> = results
                .into_iter()
                .zip(expected_shas)
                .map(|(value, sha)| {
                    let mut reply = crate::redis::Reply { value, raw: None };
                    restore_sha(&mut reply, sha);
                    reply.value
                })
                .collect();
            let mut body = String::new();
            write_envelopes(&results, encoding, &mut body);
            Ok(response::json(StatusCode::OK, body))
        }
        // EXECABORT: a command was refused while queueing; nothing ran.
        Value::Error(message) => Err(GatewayError::BadRequest(message)),
        other => Err(GatewayError::BadRequest(format!("ERR transaction aborted: EXEC answered {other:?}"))),
    }
}
