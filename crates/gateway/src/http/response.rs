use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};

use super::body::Body;
use crate::GatewayError;

pub const JSON: &str = "application/json";

pub fn full(status: StatusCode, content_type: &'static str, bytes: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(bytes.into()).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub fn json(status: StatusCode, body: String) -> Response<Body> {
    full(status, JSON, body)
}

/// The one place a [`GatewayError`] becomes HTTP: its status and a JSON `{"error"}` body.
pub fn error(e: &GatewayError) -> Response<Body> {
    json(e.status(), fragment_redis_protocol::reply_writer::error_body(&e.to_string()))
}
