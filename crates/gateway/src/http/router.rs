use std::sync::Arc;

use fragment_redis_protocol::reply::Encoding;
use fragment_redis_protocol::request::{parse_command, parse_commands, parse_path_command, percent_decode};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH};
use hyper::{HeaderMap, Method, Request, Response};

use super::body::{read_limited, Body};
use super::log::RequestLine;
use super::simulate::Fault;
use super::{auth, response};
use crate::access::Caller;
use crate::handlers::{command, monitor, pipeline, subscribe, transaction};
use crate::state::{ResponseEncoding, State, Stats};
use crate::GatewayError;

/// The gateway's own counters: not part of Upstash's API, hence the prefix no command can have.
const STATS_PATH: &str = "/__gateway/stats";

/// Serves one request. Every response, error or not, carries a fresh `upstash-sync-token`.
/// `Err(ConnectionCut)` tells the server to close the connection without answering
/// (`--drop-after-apply`, `--stall`).
pub async fn handle(req: Request<Incoming>, state: Arc<State>) -> Result<Response<Body>, ConnectionCut> {
    let started = std::time::Instant::now();
    let method = state.config.verbose.then(|| req.method().to_string());
    let mut seen = Seen::default();
    let mut response = route(req, state.clone(), &mut seen).await.unwrap_or_else(|e| response::error(&e));
    Stats::count(&state.stats.requests, 1);
    let cut = matches!(seen.fault, Fault::DropAfterApply | Fault::Stall);
    if cut || response.status().as_u16() >= 400 {
        Stats::count(&state.stats.errors, 1);
    }
    let delay = state.simulator.next_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(method) = method {
        let outcome = match seen.fault {
            Fault::DropAfterApply => "cut-after-apply".to_owned(),
            Fault::Stall => "stalled".to_owned(),
            _ => response.status().as_u16().to_string(),
        };
        seen.line.print(&method, &outcome, started.elapsed());
    }
    if cut {
        return Err(ConnectionCut);
    }
    let token = HeaderValue::from_str(&state.sync_tokens.next()).expect("sync tokens are ASCII");
    response.headers_mut().insert("upstash-sync-token", token);
    Ok(response)
}

/// What routing learned about a request, for [`handle`]: its simulated fault and its log line.
#[derive(Default)]
struct Seen {
    fault: Fault,
    line: RequestLine,
}

/// The request's connection is closed with no response written (a simulated fault).
#[derive(Debug)]
pub struct ConnectionCut;

impl std::fmt::Display for ConnectionCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection cut by the gateway's fault simulation")
    }
}

impl std::error::Error for ConnectionCut {}

/// Draws a command request's simulated fault once it is authorized, before it runs: a failure is
/// answered here, a stall waits here (until the client leaves, which drops this future, or the
/// gateway drains). The fault is recorded in `fault` for [`handle`].
async fn simulate_fault(state: &State, fault: &mut Fault) -> Result<(), GatewayError> {
    *fault = state.simulator.next_fault();
    match fault {
        Fault::Fail => Err(GatewayError::SimulatedFailure),
        Fault::Stall => {
            let mut shutdown = state.shutdown.clone();
            let _ = shutdown.wait_for(|draining| *draining).await;
            // Not run, and never sent: `handle` cuts the connection.
            Err(GatewayError::SimulatedFailure)
        }
        Fault::None | Fault::DropAfterApply => Ok(()),
    }
}

async fn route(req: Request<Incoming>, state: Arc<State>, seen: &mut Seen) -> Result<Response<Body>, GatewayError> {
    let method = req.method().clone();
    if !matches!(method, Method::GET | Method::POST | Method::PUT | Method::HEAD) {
        return Err(GatewayError::MethodNotAllowed);
    }
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    // Auth comes first: nothing about the request is looked at for a caller without a token.
    let caller = auth::presented(req.headers(), query.as_deref())
        .and_then(|token| state.tokens.identify(&token))
        .ok_or(GatewayError::Unauthorized)?;
    if path == STATS_PATH {
        seen.line.route = STATS_PATH;
        if !matches!(caller, Caller::Standard) {
            return Err(GatewayError::Forbidden(format!("NOPERM {STATS_PATH} needs the standard token")));
        }
        return Ok(response::json(hyper::StatusCode::OK, state.stats_json()));
    }
    let requested = requested(req.headers())?;
    let first_segment = path.trim_start_matches('/').split('/').next().unwrap_or("");

    match first_segment {
        "subscribe" | "psubscribe" => {
            seen.line.route = if first_segment == "subscribe" { "/subscribe" } else { "/psubscribe" };
            let kind = if first_segment == "subscribe" { subscribe::Kind::Channels } else { subscribe::Kind::Patterns };
            let names: Vec<Vec<u8>> = path.split('/').skip(2).filter(|s| !s.is_empty()).map(percent_decode).collect();
            Stats::count(&state.stats.commands, 1);
            subscribe::stream(state, &caller, kind, names).await
        }
        // `/monitor` exactly: a longer path is the path form of a command (MONITOR is refused there).
        "monitor" if path.trim_matches('/') == "monitor" => {
            seen.line.route = "/monitor";
            monitor::stream(state, &caller).await
        }
        "pipeline" | "multi-exec" => {
            if method != Method::POST {
                return Err(GatewayError::MethodNotAllowed);
            }
            seen.line.route = if first_segment == "pipeline" { "/pipeline" } else { "/multi-exec" };
            simulate_fault(&state, &mut seen.fault).await?;
            let commands = parse_commands(&read_body(req, &state).await?)?;
            seen.line.commands(&commands);
            Stats::count(&state.stats.commands, commands.len());
            if first_segment == "pipeline" {
                pipeline::pipeline(&state, &caller, commands, requested.response_encoding()?).await
            } else {
                // Always JSON, as on Upstash: `Upstash-Response-Format: resp2` is ignored here,
                // and with it its conflict with base64.
                transaction::multi_exec(&state, &caller, commands, requested.json_encoding()).await
            }
        }
        // The base URL: a JSON command in the body (the query may only carry `_token`).
        "" => {
            seen.line.route = "/";
            simulate_fault(&state, &mut seen.fault).await?;
            let response_encoding = requested.response_encoding()?;
            let body = read_body(req, &state).await?;
            let command = if body.is_empty() {
                within_request_size(&state, target_len(&path, query.as_deref()), 0)?;
                parse_path_command(&path, query.as_deref(), &body)?
            } else {
                parse_command(&body)?
            };
            seen.line.commands([&command]);
            Stats::count(&state.stats.commands, 1);
            command::single(&state, &caller, command, response_encoding).await
        }
        _ => {
            seen.line.route = "/<command>/…";
            simulate_fault(&state, &mut seen.fault).await?;
            let response_encoding = requested.response_encoding()?;
            let target = target_len(&path, query.as_deref());
            within_request_size(&state, target, 0)?;
            let body = read_body(req, &state).await.map_err(|e| match e {
                GatewayError::RequestTooLarge { limit, actual } => {
                    GatewayError::RequestTooLarge { limit, actual: actual + target }
                }
                other => other,
            })?;
            within_request_size(&state, target, body.len())?;
            let command = parse_path_command(&path, query.as_deref(), &body)?;
            seen.line.commands([&command]);
            Stats::count(&state.stats.commands, 1);
            command::single(&state, &caller, command, response_encoding).await
        }
    }
}

/// The path form carries its command in the request target (`/set/k/v?EX=10`) as well as the body,
/// so Upstash's max request size counts both: the target's bytes as sent, plus the body's.
fn target_len(path: &str, query: Option<&str>) -> usize {
    path.len() + query.map_or(0, |q| 1 + q.len())
}

fn within_request_size(state: &State, target: usize, body: usize) -> Result<(), GatewayError> {
    let (limit, actual) = (state.config.max_request_size, target + body);
    if actual > limit {
        return Err(GatewayError::RequestTooLarge { limit, actual });
    }
    Ok(())
}

/// The whole body, within the size limit and the request timeout (a client that stops sending
/// halfway holds its task no longer than that).
async fn read_body(req: Request<Incoming>, state: &State) -> Result<Vec<u8>, GatewayError> {
    let content_length = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse().ok());
    let timeout = state.config.request_timeout;
    tokio::time::timeout(timeout, read_limited(req.into_body(), content_length, state.config.max_request_size))
        .await
        .map_err(|_| GatewayError::BodyTimeout(timeout.as_millis()))?
}

/// The reply headers as sent: `Upstash-Encoding: base64` and `Upstash-Response-Format`.
struct Requested {
    base64: bool,
    resp2: bool,
}

impl Requested {
    /// `/`, the path form and `/pipeline`: resp2 together with base64 is refused (400), as Upstash
    /// documents.
    fn response_encoding(&self) -> Result<ResponseEncoding, GatewayError> {
        match (self.resp2, self.base64) {
            (true, true) => Err(GatewayError::BadRequest(
                "ERR Upstash-Response-Format: resp2 cannot be combined with Upstash-Encoding: base64".into(),
            )),
            (true, false) => Ok(ResponseEncoding::Resp2),
            (false, base64) => Ok(ResponseEncoding::Json(if base64 { Encoding::Base64 } else { Encoding::Plain })),
        }
    }

    /// `/multi-exec`, always JSON as on Upstash: resp2 is ignored, and with it its conflict with base64.
    fn json_encoding(&self) -> Encoding {
        if self.base64 {
            Encoding::Base64
        } else {
            Encoding::Plain
        }
    }
}

/// Reads the two reply headers; an `Upstash-Response-Format` other than json/resp2 is a 400 on
/// every route.
fn requested(headers: &HeaderMap) -> Result<Requested, GatewayError> {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or("").trim().to_ascii_lowercase());
    let base64 = header("upstash-encoding").is_some_and(|v| v == "base64");
    let resp2 = match header("upstash-response-format").as_deref() {
        None | Some("json") => false,
        Some("resp2") => true,
        Some(other) => {
            return Err(GatewayError::BadRequest(format!(
                "ERR unknown Upstash-Response-Format {other:?}: use json or resp2"
            )))
        }
    };
    Ok(Requested { base64, resp2 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (hyper::header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn reply_headers_as_upstash_reads_them() {
        let base64 = ("upstash-encoding", "base64");
        let resp2 = ("upstash-response-format", "resp2");
        fn got(pairs: &[(&'static str, &'static str)]) -> Requested {
            requested(&headers(pairs)).unwrap()
        }
        assert_eq!(got(&[]).response_encoding().unwrap(), ResponseEncoding::Json(Encoding::Plain));
        assert_eq!(got(&[base64]).response_encoding().unwrap(), ResponseEncoding::Json(Encoding::Base64));
        assert_eq!(got(&[resp2]).response_encoding().unwrap(), ResponseEncoding::Resp2);
        assert!(got(&[resp2, base64]).response_encoding().is_err());
        // /multi-exec ignores resp2, and so its conflict with base64.
        assert_eq!(got(&[resp2, base64]).json_encoding(), Encoding::Base64);
        assert_eq!(got(&[resp2]).json_encoding(), Encoding::Plain);
        assert!(requested(&headers(&[("upstash-response-format", "xml")])).is_err());
        assert_eq!(
            got(&[("upstash-response-format", "JSON")]).response_encoding().unwrap(),
            ResponseEncoding::Json(Encoding::Plain)
        );
    }
}
