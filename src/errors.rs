//! Errors as they cross to JavaScript: a real `code` property (the transport's code, built once
//! here) and the message without decoration. `lib/errors.js` turns them into its classes by code.
//! A panic in a call becomes an `EINTERNAL` error instead of unwinding into Node (an abort).

use std::panic::{catch_unwind, AssertUnwindSafe};

use fragment_redis_transport::{codes, panic_message, TransportError};
use napi_derive::napi;

/// napi's error with our code as its `code` (napi's default would be a `Status` name).
pub type Error = napi::Error<String>;
pub type Result<T> = std::result::Result<T, Error>;

pub fn to_js(e: TransportError) -> Error {
    Error::new(e.code(), e.to_string())
}

/// Runs the body of a native call, turning a panic into an `EINTERNAL` error.
pub fn guard<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(to_js(TransportError::Internal(panic_message(payload.as_ref())))))
}

/// Every error `code` the package reports (`EHTTP_<status>` aside): the one list JavaScript uses.
#[napi]
pub fn error_codes() -> Vec<String> {
    codes::ALL.iter().map(|&code| code.to_owned()).collect()
}

/// For the test that a panic reaches JavaScript as an error: panics inside a guarded call.
#[napi(js_name = "__panicForTests")]
pub fn panic_for_tests() -> Result<()> {
    guard(|| panic!("a panic provoked by a test"))
}
