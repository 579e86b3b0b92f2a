use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fragment_redis_transport::{Client, ClientConfig, ResponseFormat, Sink, Submission, TransportError};
use napi::bindgen_prelude::{Buffer, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Error, Result, Status};
use napi_derive::napi;

use crate::reply_buffer::encode_outcome;

/// Options of the native client; `index.js` maps the ioredis-style options onto these.
#[napi(object)]
pub struct NativeClientOptions {
    pub url: String,
    pub token: String,
    /// `"base64"` (JSON with base64 strings, the default) or `"resp2"`.
    pub response_format: Option<String>,
    pub read_your_writes: Option<bool>,
    pub max_batch_commands: Option<u32>,
    pub max_batch_bytes: Option<u32>,
    pub request_timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
    pub retry_base_ms: Option<u32>,
    pub retry_cap_ms: Option<u32>,
    pub pool_size: Option<u32>,
}

/// Outcomes waiting for JavaScript, and the one pending wake-up that tells it to come and get them.
struct Completed {
    encoded: Mutex<Vec<u8>>,
    wake_pending: AtomicBool,
    /// Weak: it never keeps Node alive; `index.js` holds the event loop open while work is pending.
    wake: ThreadsafeFunction<(), (), (), Status, false, true>,
}

/// The native half of a client: submissions go in with one call per tick, outcomes come out
/// with one call per wake-up.
#[napi]
pub struct NativeClient {
    client: Client,
    completed: Arc<Completed>,
}

#[napi]
impl NativeClient {
    /// `onResults` is called (without arguments) when outcomes are ready to `drain()`.
    #[napi(constructor)]
    pub fn new(options: NativeClientOptions, on_results: Function<(), ()>) -> Result<Self> {
        let config = config_from(options).map_err(to_js)?;
        let wake = on_results.build_threadsafe_function::<()>().callee_handled::<false>().weak::<true>().build()?;
        let completed =
            Arc::new(Completed { encoded: Mutex::new(Vec::new()), wake_pending: AtomicBool::new(false), wake });
        let sink_target = completed.clone();
        let sink: Sink = Arc::new(move |outcomes| {
            {
                let mut encoded = sink_target.encoded.lock().expect("results lock");
                for outcome in &outcomes {
                    encode_outcome(outcome, &mut encoded);
                }
            }
            // Coalesce: one wake-up per drain, however many requests finish meanwhile.
            if !sink_target.wake_pending.swap(true, Ordering::AcqRel) {
                sink_target.wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
            }
        });
        let (client, driver) = Client::start(config, sink).map_err(to_js)?;
        napi::bindgen_prelude::spawn(driver);
        Ok(Self { client, completed })
    }

    /// Queues commands that may share a `/pipeline` request: their JSON arrays joined by commas.
    #[napi]
    pub fn submit_commands(&self, json: String, count: u32, read_only: bool) -> Result<()> {
        self.submit(Submission::Commands { json, count: count as usize, read_only })
    }

    /// Queues one transaction: the whole `/multi-exec` body.
    #[napi]
    pub fn submit_multi(&self, json: String, count: u32) -> Result<()> {
        self.submit(Submission::Multi { json, count: count as usize })
    }

    /// Queues one path-form command whose binary last argument travels as the raw body.
    #[napi]
    pub fn submit_raw(&self, path: String, body: Buffer, read_only: bool) -> Result<()> {
        // Copied now: JS may reuse the Buffer's memory once this call returns.
        self.submit(Submission::Raw { path, body: body.to_vec(), read_only })
    }

    /// Everything finished since the last drain, encoded as described in `reply_buffer.rs`.
    #[napi]
    pub fn drain(&self) -> Buffer {
        // Clear first: outcomes that land after this point wake JavaScript again.
        self.completed.wake_pending.store(false, Ordering::Release);
        let encoded = std::mem::take(&mut *self.completed.encoded.lock().expect("results lock"));
        encoded.into()
    }

    /// The last `upstash-sync-token`; assign it to another client to read this one's writes.
    #[napi(getter)]
    pub fn sync_token(&self) -> String {
        self.client.sync_token()
    }

    #[napi(setter)]
    pub fn set_sync_token(&self, token: String) {
        self.client.set_sync_token(token);
    }

    /// Accepts no more submissions; queued ones still complete.
    #[napi]
    pub fn close(&self) {
        self.client.close();
    }

    fn submit(&self, submission: Submission) -> Result<()> {
        self.client.submit(submission).map_err(to_js)
    }
}

fn config_from(o: NativeClientOptions) -> std::result::Result<ClientConfig, TransportError> {
    let mut config = ClientConfig::new(&o.url, &o.token)?;
    config.format = match o.response_format.as_deref() {
        None | Some("base64") => ResponseFormat::Base64Json,
        Some("resp2") => ResponseFormat::Resp2,
        Some(other) => {
            return Err(TransportError::Config(format!(
                "responseFormat must be \"base64\" or \"resp2\", got {other:?}"
            )))
        }
    };
    let ms = |v: u32| Duration::from_millis(u64::from(v));
    if let Some(v) = o.read_your_writes {
        config.read_your_writes = v
    }
    if let Some(v) = o.max_batch_commands {
        config.max_batch_commands = (v as usize).max(1)
    }
    if let Some(v) = o.max_batch_bytes {
        config.max_batch_bytes = v as usize
    }
    if let Some(v) = o.request_timeout_ms {
        config.request_timeout = ms(v.max(1))
    }
    if let Some(v) = o.max_retries {
        config.max_retries = v
    }
    if let Some(v) = o.retry_base_ms {
        config.retry_base = ms(v)
    }
    if let Some(v) = o.retry_cap_ms {
        config.retry_cap = ms(v)
    }
    if let Some(v) = o.pool_size {
        config.pool_size = v as usize
    }
    Ok(config)
}

fn to_js(e: TransportError) -> Error {
    let status = if matches!(e, TransportError::Config(_)) { Status::InvalidArg } else { Status::GenericFailure };
    Error::new(status, format!("[{}] {e}", e.code()))
}
