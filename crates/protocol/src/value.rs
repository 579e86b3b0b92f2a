/// One RESP2 reply, as Redis sent it.
///
/// Strings are bytes: Redis values are binary-safe and only the edges (JSON, JS strings)
/// decide how to show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `$-1` or `*-1`.
    Nil,
    /// `:n`.
    Int(i64),
    /// `+text`: a status reply such as `OK` or `PONG`.
    Status(Vec<u8>),
    /// `$n` bulk string.
    Bulk(Vec<u8>),
    /// `*n`, possibly nested, possibly holding nils and errors (EXEC, Lua tables).
    Array(Vec<Value>),
    /// `-ERR text`: the text without the leading `-`.
    Error(String),
}

impl Value {
    /// The reply that Upstash leaves unencoded in base64 mode when it is the whole result.
    pub fn is_ok_status(&self) -> bool {
        matches!(self, Value::Status(s) if s == b"OK")
    }
}
