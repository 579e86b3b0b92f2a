use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fragment_redis_transport::subscription::{EventSink, Spawner, Subscriptions};
use fragment_redis_transport::{Client, ClientConfig, ResponseEncoding, Sink, Submission, TransportError};
use napi::bindgen_prelude::{Buffer, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;

use crate::errors::{guard, to_js, Result};
use crate::event_buffer::{encode_event, kind_from};
use crate::reply_buffer::encode_request;

/// Options of the native client. `lib/options.js` owns every rule and default: `nativeOptions()`
/// checks each value and passes them all, so every field is required and `config_from` copies them.
#[napi(object)]
pub struct NativeClientOptions {
    /// Without a trailing slash.
    pub url: String,
    pub token: String,
    /// `"base64"` (JSON with base64 strings) or `"resp2"`.
    pub response_encoding: String,
    pub read_your_writes: bool,
    /// The bound of one attempt without an answer, ≥ 1 (`commandTimeout` when set, else the JS
    /// default); it is also what an unconfirmed subscription may take.
    pub request_timeout_ms: u32,
    pub max_retries: u32,
    pub retry_base_ms: u32,
    pub retry_cap_ms: u32,
    pub pool_size: u32,
    /// PEM certificates to trust for `https://` instead of the built-in roots (`tls: { ca }`);
    /// absent: the built-in roots.
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
        guard(|| Self::build(options, on_results))
    }

    fn build(options: NativeClientOptions, on_results: Function<(), ()>) -> Result<Self> {
        let config = Arc::new(config_from(options).map_err(to_js)?);
        let wake = on_results
            .build_threadsafe_function::<()>()
            .callee_handled::<false>()
            .weak::<true>()
            .build()
            .map_err(|e| to_js(TransportError::Internal(format!("cannot create the wake-up callback: {e}"))))?;
        let completed = Arc::new(Completed {
            outcomes: Mutex::new(Vec::new()),
            events: Mutex::new(Vec::new()),
            wake_pending: AtomicBool::new(false),
            wake,
        });
        let target = completed.clone();
        let sink: Sink = Arc::new(move |id, outcomes| {
            target.push(&target.outcomes, |out| encode_request(id, &outcomes, out));
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

    /// Sends one `/pipeline` request now: `json` is the whole body, one array of the commands'
    /// JSON arrays. Returns the id its outcomes will carry. `timeoutMs`: what is left of the
    /// commands' `commandTimeout` (absent: none); nothing is sent or retried for them after it.
    #[napi]
    pub fn submit_commands(&self, json: String, count: u32, read_only: bool, timeout_ms: Option<u32>) -> Result<u32> {
        self.submit(Submission::Commands { json, count: count as usize, read_only }, timeout_ms)
    }

    /// Sends one transaction now: the whole `/multi-exec` body. Returns its id.
    #[napi]
    pub fn submit_multi(&self, json: String, count: u32, timeout_ms: Option<u32>) -> Result<u32> {
        self.submit(Submission::Multi { json, count: count as usize }, timeout_ms)
    }

    /// Sends one path-form command now, its binary last argument as the raw body. Returns its id.
    #[napi]
    pub fn submit_raw(&self, path: String, body: Buffer, read_only: bool, timeout_ms: Option<u32>) -> Result<u32> {
        // Copied now: JS may reuse the Buffer's memory once this call returns.
        self.submit(Submission::Raw { path, body: body.to_vec(), read_only }, timeout_ms)
    }

    /// Every request finished since the last drain, encoded as described in `reply_buffer.rs`.
    /// Call `drainEvents()` in the same wake-up.
    #[napi]
    pub fn drain(&self) -> Result<Buffer> {
        guard(|| {
            // Clear first: whatever lands after this point wakes JavaScript again.
            self.completed.wake_pending.store(false, Ordering::Release);
            Ok(std::mem::take(&mut *self.completed.outcomes.lock().expect("buffer lock")).into())
        })
    }

    /// Pub/sub events since the last drain, encoded as described in `event_buffer.rs`.
    #[napi]
    pub fn drain_events(&self) -> Result<Buffer> {
        guard(|| Ok(std::mem::take(&mut *self.completed.events.lock().expect("buffer lock")).into()))
    }

    /// Opens a Server-Sent Events stream for a channel (`kind` 0) or a pattern (`kind` 1); returns
    /// the id its events carry (an integer, exact as a JS number: ids start at 1 and count up).
    #[napi]
    pub fn subscribe(&self, kind: u32, name: Buffer) -> Result<i64> {
        guard(|| Ok(self.subscriptions.subscribe(kind_from(kind), name.to_vec()) as i64))
    }

    /// Closes the stream with that id; false when there was none.
    #[napi]
    pub fn unsubscribe(&self, stream: i64) -> Result<bool> {
        guard(|| Ok(u64::try_from(stream).is_ok_and(|id| self.subscriptions.unsubscribe(id))))
    }

    /// The last `upstash-sync-token`; assign it to another client to read this one's writes.
    #[napi(getter)]
    pub fn sync_token(&self) -> Result<String> {
        guard(|| Ok(self.client.sync_token()))
    }

    #[napi(setter)]
    pub fn set_sync_token(&self, token: String) -> Result<()> {
        guard(|| Ok(self.client.set_sync_token(token)))
    }

    /// Accepts no more submissions (those sent still complete) and closes every subscription.
    #[napi]
    pub fn close(&self) -> Result<()> {
        guard(|| {
            self.client.close();
            self.subscriptions.close();
            Ok(())
        })
    }

    fn submit(&self, submission: Submission, timeout_ms: Option<u32>) -> Result<u32> {
        // ≥ 1 as given: lib/dispatcher.js rounds what is left up to a whole millisecond.
        let timeout = timeout_ms.map(|ms| Duration::from_millis(u64::from(ms)));
        guard(|| self.client.submit(submission, timeout).map_err(to_js))
    }
}

fn config_from(o: NativeClientOptions) -> std::result::Result<ClientConfig, TransportError> {
    let response_encoding = match o.response_encoding.as_str() {
        "base64" => ResponseEncoding::Base64Json,
        "resp2" => ResponseEncoding::Resp2,
        // lib/options.js refuses any other value at construction, naming the option: one that
        // arrives here is a bug in the binding's caller, not the user's configuration.
        other => {
            return Err(TransportError::Internal(format!("unknown responseEncoding {other:?} reached the binding")))
        }
    };
    let ms = |v: u32| Duration::from_millis(u64::from(v));
    Ok(ClientConfig {
        url: o.url,
        token: o.token,
        response_encoding,
        read_your_writes: o.read_your_writes,
        request_timeout: ms(o.request_timeout_ms),
        max_retries: o.max_retries,
        retry_base: ms(o.retry_base_ms),
        retry_cap: ms(o.retry_cap_ms),
        pool_size: o.pool_size as usize,
        tls_ca: o.tls_ca.map(String::into_bytes),
    })
}
