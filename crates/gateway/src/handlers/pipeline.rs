use fragment_redis_protocol::reply_writer::write_envelopes;
use fragment_redis_protocol::request::Command;
use hyper::{Response, StatusCode};

use super::{acl, refusal_for, refused, restore_sha, run};
use crate::access::Caller;
use crate::http::body::Body;
use crate::http::response;
use crate::redis::Reply;
use crate::state::{ResponseEncoding, State};
use crate::GatewayError;

/// `POST /pipeline`: every command runs, in order, on one connection; a failure stays in its slot.
pub async fn pipeline(
    state: &State,
    caller: &Caller,
    commands: Vec<Command>,
    response_encoding: ResponseEncoding,
) -> Result<Response<Body>, GatewayError> {
    let mut slots: Vec<Option<Reply>> = Vec::with_capacity(commands.len());
    let mut to_send = Vec::with_capacity(commands.len());
    let mut expected_shas = Vec::with_capacity(commands.len());
    for mut command in commands {
        if let Some(minted) = acl::answer(state, caller, &command).await {
            slots.push(Some(minted.unwrap_or_else(|e| refused(e.to_string()))));
            continue;
        }
        match refusal_for(caller, &command) {
            Some(message) => slots.push(Some(refused(message))),
            None => {
                expected_shas.push(state.scripts.rewrite(&mut command));
                to_send.push(command);
                slots.push(None);
            }
        }
    }
    let replies = if to_send.is_empty() {
        Vec::new()
    } else {
        run(state, caller.pool(state), &to_send, response_encoding == ResponseEncoding::Resp2).await?
    };
    let mut fresh = replies.into_iter().zip(expected_shas).map(|(mut reply, sha)| {
        restore_sha(&mut reply, sha);
        reply
    });
    let replies: Vec<Reply> = slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| fresh.next().expect("one reply per sent command")))
        .collect();
    Ok(match response_encoding {
        ResponseEncoding::Json(encoding) => {
            let mut body = String::new();
            write_envelopes(replies.iter().map(|r| &r.value), encoding, &mut body);
            response::json(StatusCode::OK, body)
        }
        ResponseEncoding::Resp2 => response::full(
            StatusCode::OK,
            "application/octet-stream",
            replies.into_iter().flat_map(|r| r.raw.unwrap_or_default()).collect::<Vec<u8>>(),
        ),
    })
}
