use std::sync::Arc;

use fragment_redis_protocol::reply::{error_text, parse_envelope, parse_envelopes, Decoded, Encoding};
use fragment_redis_protocol::{resp, Value};
use tokio::sync::mpsc;

use crate::batch::PipelineBatch;
use crate::http::{Answer, Http, HttpReply};
use crate::{ClientConfig, Outcome, ResponseFormat, Sink, Submission, TransportError};

/// Executes submissions one request at a time, in order.
///
/// Everything submitted while a request is in flight waits in the channel and leaves together in
/// the next request: under load batches grow by themselves, and a command can never overtake an
/// earlier one (the official SDK splits reads and writes into parallel requests and loses that).
pub async fn run(mut rx: mpsc::UnboundedReceiver<Submission>, http: Http, config: Arc<ClientConfig>, sink: Sink) {
    let mut held: Option<Submission> = None;
    loop {
        let first = match held.take() {
            Some(submission) => submission,
            None => match rx.recv().await {
                Some(submission) => submission,
                None => return, // every handle dropped and the queue is empty
            },
        };
        let outcomes = match first {
            Submission::Commands { json, count, read_only } => {
                let mut batch = PipelineBatch::new(&json, count, read_only);
                while let Ok(next) = rx.try_recv() {
                    let merged = match &next {
                        Submission::Commands { json, count, read_only } => {
                            batch.try_add(json, *count, *read_only, config.max_batch_commands, config.max_batch_bytes)
                        }
                        _ => false,
                    };
                    if !merged {
                        held = Some(next);
                        break;
                    }
                }
                pipeline(&http, &config, batch).await
            }
            Submission::Multi { json, count } => vec![transaction(&http, &config, json.into_bytes(), count).await],
            Submission::Raw { path, body, read_only } => vec![raw(&http, &config, &path, body, read_only).await],
        };
        sink(outcomes);
    }
}

async fn pipeline(http: &Http, config: &ClientConfig, batch: PipelineBatch) -> Vec<Outcome> {
    let (count, read_only) = (batch.count, batch.read_only);
    let body = batch.into_body();
    let reply =
        send(config, read_only, || http.post("/pipeline", body.clone(), "application/json", Answer::Configured)).await;
    let decoded = reply.and_then(|reply| {
        expect_ok(&reply)?;
        let replies = match config.format {
            ResponseFormat::Base64Json => {
                parse_envelopes(&reply.body, Encoding::Base64).map_err(invalid)?.into_iter().map(reply_value).collect()
            }
            ResponseFormat::Resp2 => parse_resp2(&reply.body, count)?,
        };
        if replies.len() != count {
            return Err(TransportError::InvalidResponse(format!("{} replies for {count} commands", replies.len())));
        }
        Ok(replies)
    });
    match decoded {
        Ok(values) => values.into_iter().map(Ok).collect(),
        Err(e) => vec![Err(e); count],
    }
}

async fn transaction(http: &Http, config: &ClientConfig, body: Vec<u8>, count: usize) -> Outcome {
    let reply =
        send(config, false, || http.post("/multi-exec", body.clone(), "application/json", Answer::Json)).await?;
    match reply.status {
        200 => {
            let values: Vec<Value> =
                parse_envelopes(&reply.body, Encoding::Base64).map_err(invalid)?.into_iter().map(reply_value).collect();
            if values.len() != count {
                return Err(TransportError::InvalidResponse(format!(
                    "{} results for a transaction of {count}",
                    values.len()
                )));
            }
            Ok(Value::Array(values))
        }
        // Discarded before anything ran (EXECABORT, refused command): a Redis error, not a transport one.
        400 => Ok(Value::Error(error_text(&reply.body))),
        _ => Err(status_error(&reply)),
    }
}

async fn raw(http: &Http, config: &ClientConfig, path: &str, body: Vec<u8>, read_only: bool) -> Outcome {
    let reply =
        send(config, read_only, || http.post(path, body.clone(), "application/octet-stream", Answer::Json)).await?;
    match reply.status {
        200 | 400 => Ok(reply_value(parse_envelope(&reply.body, Encoding::Base64).map_err(invalid)?)),
        _ => Err(status_error(&reply)),
    }
}

/// Sends with retries where they are safe: a request that never left, or one that only reads.
/// A write that may have reached the server is never sent twice.
async fn send<F, Fut>(config: &ClientConfig, read_only: bool, attempt: F) -> Result<HttpReply, TransportError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<HttpReply, TransportError>>,
{
    let mut tries = 0;
    loop {
        let failure = match attempt().await {
            Ok(reply) if read_only && matches!(reply.status, 502..=504) => status_error(&reply),
            Ok(reply) => return Ok(reply),
            Err(e) => e,
        };
        let retryable = failure.never_sent() || (read_only && failure.is_transient());
        if !retryable || tries >= config.max_retries {
            return Err(failure);
        }
        tries += 1;
        tokio::time::sleep(config.backoff(tries)).await;
    }
}

fn expect_ok(reply: &HttpReply) -> Result<(), TransportError> {
    if reply.status == 200 {
        Ok(())
    } else {
        Err(status_error(reply))
    }
}

fn status_error(reply: &HttpReply) -> TransportError {
    let message = error_text(&reply.body);
    match reply.status {
        401 => TransportError::Unauthorized(message),
        status => TransportError::Http { status, message },
    }
}

fn reply_value(decoded: Decoded) -> Value {
    decoded.unwrap_or_else(Value::Error)
}

fn invalid(e: fragment_redis_protocol::ProtocolError) -> TransportError {
    TransportError::InvalidResponse(e.to_string())
}

fn parse_resp2(mut body: &[u8], count: usize) -> Result<Vec<Value>, TransportError> {
    let mut values = Vec::with_capacity(count);
    while !body.is_empty() {
        match resp::parse(body).map_err(invalid)? {
            Some((value, used)) => {
                values.push(value);
                body = &body[used..];
            }
            None => return Err(TransportError::InvalidResponse("truncated RESP2 reply".into())),
        }
    }
    Ok(values)
}
