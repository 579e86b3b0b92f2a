//! `fragment-redis-delay-proxy`: reads control messages on stdin, one JSON object a line, and
//! answers each on stdout (`control.rs` lists them). Exits when stdin closes: the parent is gone.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use fragment_redis_delay_proxy::control::{self, Invalid, Request};
use fragment_redis_delay_proxy::proxy::Listener;

fn main() {
    precise_sleeps();
    let stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut listeners: HashMap<String, Listener> = HashMap::new();
    for line in stdin.split(b'\n') {
        let Ok(line) = line else { break };
        let reply = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => serve(text, &mut listeners),
            Err(_) => control::error_reply(&Invalid { id: None, message: "a message must be UTF-8".into() }),
        };
        if writeln!(stdout, "{reply}").and_then(|()| stdout.flush()).is_err() {
            break; // nobody reads the replies: the parent is gone
        }
    }
    // Connections still open end with the process.
    std::process::exit(0);
}

fn serve(line: &str, listeners: &mut HashMap<String, Listener>) -> String {
    let request = match control::parse_request(line) {
        Ok(request) => request,
        Err(invalid) => return control::error_reply(&invalid),
    };
    match request {
        Request::Listen { id, upstream_port, rtt_ms } => {
            if listeners.contains_key(&id) {
                let message = format!("listener {id} is already open");
                return control::error_reply(&Invalid { id: Some(id), message });
            }
            match Listener::bind(upstream_port, rtt_ms) {
                Ok(listener) => {
                    let reply = format!("{{\"type\":\"listening\",\"id\":{id},\"port\":{}}}", listener.port());
                    listeners.insert(id, listener);
                    reply
                }
                Err(error) => {
                    control::error_reply(&Invalid { id: Some(id), message: format!("cannot listen: {error}") })
                }
            }
        }
        Request::Stats { id } => {
            let stats =
                listeners.get(&id).map_or_else(|| "null".to_owned(), |listener| listener.take_stats().to_json());
            format!("{{\"type\":\"stats\",\"id\":{id},\"stats\":{stats}}}")
        }
        Request::Close { id } => {
            if let Some(listener) = listeners.remove(&id) {
                listener.close();
            }
            format!("{{\"type\":\"closed\",\"id\":{id}}}")
        }
    }
}

/// Sleeps as precise as the kernel's high-resolution timers allow. Linux lets a sleeping thread
/// wake up to its timer slack late (50 µs by default) so that wake-ups can be merged; the proxy's
/// whole job is to wake on time, and a thread's slack is inherited by the threads it creates, so
/// it is set here, before any other thread exists.
fn precise_sleeps() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_TIMERSLACK takes one integer argument and touches only this thread's slack.
    unsafe {
        libc::prctl(
            libc::PR_SET_TIMERSLACK,
            1 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        );
    }
}
