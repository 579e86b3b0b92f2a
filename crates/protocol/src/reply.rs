//! The Upstash REST reply format, shared by the gateway's writer (`reply_writer.rs`) and the
//! client's reader (`reply_reader.rs`).
//!
//! Envelope: `{"result": …}` or `{"error": "…"}`. With `Upstash-Encoding: base64` every string at
//! every depth is base64, except a whole-result `OK` status (what Upstash documents and both
//! official SDK decoders accept). Without it, strings are UTF-8 with invalid bytes replaced by
//! U+FFFD, as Upstash does.

/// How strings inside `result` are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Plain,
    Base64,
}
