use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use fragment_redis_protocol::reply::Encoding;
use fragment_redis_protocol::reply_reader::{error_text, parse_envelope, parse_envelopes, Decoded};
use fragment_redis_protocol::{resp, Value};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::http::{Http, HttpReply};
use crate::{ClientConfig, Outcome, ResponseEncoding, Sink, Submission, TransportError};

/// A submission, the id its outcomes are reported under, and when its caller stops waiting.
pub struct Job {
    pub id: u32,
    pub submission: Submission,
    pub deadline: Option<Instant>,
}

/// Runs every submission as its own request the moment it arrives, concurrently with those in
/// flight, and reports each one's outcomes under its id as it finishes.
///
/// Nothing waits here: ordering (a command never overtakes an earlier one on the same key) and the
/// in-flight window are the caller's job, so a command that is still waiting can be withdrawn
/// there, and one handed over here has left.
pub async fn run(mut rx: mpsc::UnboundedReceiver<Job>, http: Http, config: Arc<ClientConfig>, sink: Sink) {
    let http = Arc::new(http);
    let mut requests = JoinSet::new();
    // Which submission each task runs, so a task that panics still answers for its commands.
    let mut owners: HashMap<tokio::task::Id, (u32, usize)> = HashMap::new();
    loop {
        tokio::select! {
            job = rx.recv() => match job {
                Some(Job { id, submission, deadline }) => {
                    let count = submission.outcomes();
                    let task = requests.spawn(execute(http.clone(), config.clone(), submission, deadline));
                    owners.insert(task.id(), (id, count));
                }
                None => break, // every handle dropped: finish what is in flight
            },
            Some(done) = requests.join_next_with_id() => report(done, &mut owners, &sink),
        }
    }
    while let Some(done) = requests.join_next_with_id().await {
        report(done, &mut owners, &sink);
    }
}

fn report(
    done: Result<(tokio::task::Id, Vec<Outcome>), tokio::task::JoinError>,
    owners: &mut HashMap<tokio::task::Id, (u32, usize)>,
    sink: &Sink,
) {
    match done {
        Ok((task, outcomes)) => {
            if let Some((id, _)) = owners.remove(&task) {
                sink(id, outcomes);
            }
        }
        Err(failure) => {
            if let Some((id, count)) = owners.remove(&failure.id()) {
                let error = TransportError::Internal(panic_text(failure));
                sink(id, vec![Err(error); count]);
            }
        }
    }
}

fn panic_text(failure: tokio::task::JoinError) -> String {
    match failure.try_into_panic() {
        Ok(payload) => crate::panic_message(payload.as_ref()),
        Err(other) => other.to_string(),
    }
}

async fn execute(
    http: Arc<Http>,
    config: Arc<ClientConfig>,
    submission: Submission,
    deadline: Option<Instant>,
) -> Vec<Outcome> {
    let budget = Budget { config: &config, deadline };
    match submission {
        Submission::Commands { json, count, read_only } => {
            pipeline(&http, &budget, json.into_bytes(), count, read_only).await
        }
        Submission::Multi { json, count } => vec![transaction(&http, &budget, json.into_bytes(), count).await],
        Submission::Raw { path, body, read_only } => vec![raw(&http, &budget, &path, body, read_only).await],
    }
}

/// How long each attempt of one submission may take, and whether another may start.
struct Budget<'a> {
    config: &'a ClientConfig,
    deadline: Option<Instant>,
}

impl Budget<'_> {
    /// The timeout of the next attempt, or `None` once the caller's deadline has passed (by then
    /// every command of the submission has been reported timed out: nothing may be sent for it).
    fn next_attempt(&self) -> Option<Duration> {
        let limit = self.config.request_timeout;
        match self.deadline {
            None => Some(limit),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                (!left.is_zero()).then(|| left.min(limit))
            }
        }
    }
}

async fn pipeline(http: &Http, budget: &Budget<'_>, body: Vec<u8>, count: usize, read_only: bool) -> Vec<Outcome> {
    let config = budget.config;
    let reply = send(budget, read_only, |timeout| {
        http.post("/pipeline", body.clone(), "application/json", config.response_encoding, timeout)
    })
    .await;
    let decoded = reply.and_then(|reply| {
        expect_ok(&reply)?;
        let replies = match config.response_encoding {
            ResponseEncoding::Base64Json => {
                parse_envelopes(&reply.body, Encoding::Base64).map_err(invalid)?.into_iter().map(reply_value).collect()
            }
            ResponseEncoding::Resp2 => parse_resp2(&reply.body, count)?,
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

async fn transaction(http: &Http, budget: &Budget<'_>, body: Vec<u8>, count: usize) -> Outcome {
    // `/multi-exec` and the path form have no RESP2 form: always base64 JSON.
    let reply = send(budget, false, |timeout| {
        http.post("/multi-exec", body.clone(), "application/json", ResponseEncoding::Base64Json, timeout)
    })
    .await?;
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

async fn raw(http: &Http, budget: &Budget<'_>, path: &str, body: Vec<u8>, read_only: bool) -> Outcome {
    let reply = send(budget, read_only, |timeout| {
        http.post(path, body.clone(), "application/octet-stream", ResponseEncoding::Base64Json, timeout)
    })
    .await?;
    match reply.status {
        200 | 400 => Ok(reply_value(parse_envelope(&reply.body, Encoding::Base64).map_err(invalid)?)),
        _ => Err(status_error(&reply)),
    }
}

/// Sends with retries where they are safe: a request that never left, or one that only reads.
/// A write that may have reached the server is never sent twice, and nothing is sent once the
/// caller's deadline has passed.
async fn send<F, Fut>(budget: &Budget<'_>, read_only: bool, attempt: F) -> Result<HttpReply, TransportError>
where
    F: Fn(Duration) -> Fut,
    Fut: std::future::Future<Output = Result<HttpReply, TransportError>>,
{
    let config = budget.config;
    let mut tries = 0;
    let mut last = None;
    loop {
        let Some(timeout) = budget.next_attempt() else {
            // Out of time before this attempt: it is not sent.
            return Err(last.unwrap_or(TransportError::Timeout(0)));
        };
        let failure = match attempt(timeout).await {
            Ok(reply) if read_only && matches!(reply.status, 502..=504) => status_error(&reply),
            Ok(reply) => return Ok(reply),
            Err(e) => e,
        };
        let retryable = failure.never_sent() || (read_only && failure.is_transient());
        if !retryable || tries >= config.max_retries {
            return Err(failure);
        }
        tries += 1;
        last = Some(failure);
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
