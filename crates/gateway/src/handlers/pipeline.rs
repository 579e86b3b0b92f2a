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
///
/// An `ACL RESTTOKEN`/`GENTOKEN` is answered by the gateway in its place: the commands before it
/// have run (an `ACL SETUSER` there decides whether the password holds), those after it run after.
pub async fn pipeline(
    state: &State,
    caller: &Caller,
    commands: Vec<Command>,
    response_encoding: ResponseEncoding,
) -> Result<Response<Body>, GatewayError> {
    let mut slots: Vec<Option<Reply>> = Vec::with_capacity(commands.len());
    let mut to_send = Vec::with_capacity(commands.len());
    let mut expected_shas = Vec::with_capacity(commands.len());
    let mut sent: Vec<Reply> = Vec::with_capacity(commands.len());
    for mut command in commands {
        if acl::is_token_command(&command) {
            flush(state, caller, &mut to_send, &mut expected_shas, response_encoding, &mut sent).await?;
            let minted = acl::answer(state, caller, &command).await.expect("a token command");
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
    flush(state, caller, &mut to_send, &mut expected_shas, response_encoding, &mut sent).await?;
    let mut fresh = sent.into_iter();
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

/// Runs the commands gathered so far (if any) and appends their replies, SHA-1s restored, to `sent`.
async fn flush(
    state: &State,
    caller: &Caller,
    to_send: &mut Vec<Command>,
    expected_shas: &mut Vec<Option<crate::scripts::Restore>>,
    response_encoding: ResponseEncoding,
    sent: &mut Vec<Reply>,
) -> Result<(), GatewayError> {
    if to_send.is_empty() {
        return Ok(());
    }
    let replies = run(state, caller.pool(state), to_send, response_encoding == ResponseEncoding::Resp2).await?;
    to_send.clear();
    sent.extend(replies.into_iter().zip(expected_shas.drain(..)).map(|(mut reply, sha)| {
        restore_sha(&mut reply, sha);
        reply
    }));
    Ok(())
}
