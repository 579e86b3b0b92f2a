use fragment_redis_protocol::reply::{write_envelopes, Encoding};
use fragment_redis_protocol::request::Command;
use fragment_redis_protocol::restricted::refusal;
use fragment_redis_protocol::Value;
use hyper::{Response, StatusCode};

use super::{restore_sha, run};
use crate::http::body::Body;
use crate::http::response;
use crate::state::{ReplyFormat, State};
use crate::GatewayError;

/// `POST /multi-exec`: MULTI, the commands and EXEC go out together on a connection no other request
/// can touch until EXEC has answered. Always JSON, as on Upstash.
pub async fn multi_exec(
    state: &State,
    commands: Vec<Command>,
    format: ReplyFormat,
) -> Result<Response<Body>, GatewayError> {
    if let Some(message) = commands.iter().find_map(|c| refusal(c)) {
        return Err(GatewayError::BadRequest(message));
    }
    let encoding = match format {
        ReplyFormat::Json(encoding) => encoding,
        ReplyFormat::Resp2 => Encoding::Plain,
    };
    let mut wrapped = Vec::with_capacity(commands.len() + 2);
    wrapped.push(vec![b"MULTI".to_vec()]);
    let mut expected_shas = Vec::with_capacity(commands.len());
    for mut command in commands {
        expected_shas.push(state.scripts.rewrite(&mut command));
        wrapped.push(command);
    }
    wrapped.push(vec![b"EXEC".to_vec()]);

    let replies = run(state, &wrapped, false).await?;
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
