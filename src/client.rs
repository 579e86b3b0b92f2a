use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fragment_redis_transport::subscription::{EventSink, Spawner, Subscriptions};
use fragment_redis_transport::{Client, ClientConfig, ResponseFormat, Sink, Submission, TransportError};
use napi::bindgen_prelude::{Buffer, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Error, Result, Status};
use napi_derive::napi;

use crate::event_buffer::{encode_event, kind_from};
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
    /// PEM certificates to trust for `https://` instead of the built-in roots (`tls: { ca }`).
    pub tls_ca: Option<String>,
}

/// Outcomes and pub/sub events waiting for JavaScript, and the one pending wake-up that tells it
/// to come and get them.
struct Completed {
    outcomes: Mutex<Vec<u8>>,
    events: Mutex<Vec<u8>>,
    wake_pending: AtomicBool,
    /// Weak: it never keeps Node alive; the JS side holds the event loop open while work is pending.
    wake: ThreadsafeFunction<(), (), (), Status, false, true>,
}

impl Completed {
    fn push(&self, buffer: &Mutex<Vec<u8>>, encode: impl FnOnce(&mut Vec<u8>)) {
        encode(&mut buffer.lock().expect("buffer lock"));
        // Coalesce: one wake-up per drain, however many requests or events finish meanwhile.
        if !self.wake_pending.swap(true, Ordering::AcqRel) {
            self.wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// The native half of a client: submissions go in with one call per tick; outcomes and pub/sub
/// events come out with one call each per wake-up.
#[napi]
pub struct NativeClient {
    client: Client,
    subscriptions: Subscriptions,
    completed: Arc<Completed>,
}

#[napi]
impl NativeClient {
    /// `onResults` is called (without arguments) when outcomes or events are ready to drain.
    #[napi(constructor)]
    pub fn new(options: NativeClientOptions, on_results: Function<(), ()>) -> Result<Self> {
        let config = Arc::new(config_from(options).map_err(to_js)?);
        let wake = on_results.build_threadsafe_function::<()>().callee_handled::<false>().weak::<true>().build()?;
        let completed = Arc::new(Completed {
            outcomes: Mutex::new(Vec::new()),
            events: Mutex::new(Vec::new()),
            wake_pending: AtomicBool::new(false),
            wake,
        });
        let target = completed.clone();
        let sink: Sink = Arc::new(move |outcomes| {
            target.push(&target.outcomes, |out| outcomes.iter().for_each(|o| encode_outcome(o, out)));
        });
        let target = completed.clone();
        let event_sink: EventSink = Arc::new(move |events| {
            target.push(&target.events, |out| events.iter().for_each(|e| encode_event(e, out)));
        });
        let spawner: Spawner = Arc::new(|future| crate::runtime::spawn(future));
        let subscriptions = Subscriptions::new(config.clone(), event_sink, spawner).map_err(to_js)?;
        let (client, driver) = Client::start((*config).clone(), sink).map_err(to_js)?;
        crate::runtime::spawn(driver);
        Ok(Self { client, subscriptions, completed })
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
    /// Call `drainEvents()` in the same wake-up.
    #[napi]
    pub fn drain(&self) -> Buffer {
        // Clear first: whatever lands after this point wakes JavaScript again.
        self.completed.wake_pending.store(false, Ordering::Release);
        std::mem::take(&mut *self.completed.outcomes.lock().expect("buffer lock")).into()
    }

    /// Pub/sub events since the last drain, encoded as described in `event_buffer.rs`.
    #[napi]
    pub fn drain_events(&self) -> Buffer {
        std::mem::take(&mut *self.completed.events.lock().expect("buffer lock")).into()
    }

    /// Opens a Server-Sent Events stream for a channel (`kind` 0) or a pattern (`kind` 1);
    /// false when this client has it already.
    #[napi]
    pub fn subscribe(&self, kind: u32, name: Buffer) -> bool {
        self.subscriptions.subscribe(kind_from(kind), name.to_vec())
    }

    /// Closes that stream; false when there was none.
    #[napi]
    pub fn unsubscribe(&self, kind: u32, name: Buffer) -> bool {
        self.subscriptions.unsubscribe(kind_from(kind), &name)
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

    /// Accepts no more submissions (queued ones still complete) and closes every subscription.
    #[napi]
    pub fn close(&self) {
        self.client.close();
        self.subscriptions.close();
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
    config.tls_ca = o.tls_ca.map(String::into_bytes);
    Ok(config)
}

fn to_js(e: TransportError) -> Error {
    let status = if matches!(e, TransportError::Config(_)) { Status::InvalidArg } else { Status::GenericFailure };
    Error::new(status, format!("[{}] {e}", e.code()))
}
