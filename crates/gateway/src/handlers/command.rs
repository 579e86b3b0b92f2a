use fragment_redis_protocol::reply_writer::write_envelope;
use fragment_redis_protocol::request::Command;
use fragment_redis_protocol::Value;
use hyper::{Response, StatusCode};

use super::{acl, refusal_for, restore_sha, run};
use crate::access::Caller;
use crate::http::body::Body;
use crate::http::response;
use crate::state::{ResponseEncoding, State};
use crate::GatewayError;

/// `POST /` with a JSON command, or the path form: one command, one reply.
pub async fn single(
    state: &State,
    caller: &Caller,
    mut command: Command,
    response_encoding: ResponseEncoding,
) -> Result<Response<Body>, GatewayError> {
    let reply = if let Some(minted) = acl::answer(state, caller, &command).await {
        minted?
    } else {
        if let Some(message) = refusal_for(caller, &command) {
            return Err(GatewayError::BadRequest(message));
        }
        let expected_sha = state.scripts.rewrite(&mut command);
        let mut reply = run(
            state,
            caller.pool(state),
            std::slice::from_ref(&command),
            response_encoding == ResponseEncoding::Resp2,
        )
        .await?
        .pop()
        .expect("one reply per command");
        restore_sha(&mut reply, expected_sha);
        reply
    };
    let status = if matches!(reply.value, Value::Error(_)) { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    Ok(match response_encoding {
        ResponseEncoding::Json(encoding) => {
            let mut body = String::new();
            write_envelope(&reply.value, encoding, &mut body);
            response::json(status, body)
        }
        ResponseEncoding::Resp2 => response::full(status, "application/octet-stream", reply.raw.unwrap_or_default()),
    })
}
