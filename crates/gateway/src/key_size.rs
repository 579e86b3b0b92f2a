//! Upstash's max key size: a key longer than [`MAX_KEY_SIZE`] is refused with Upstash's text, so a
//! key that works locally works in production. Which arguments are keys comes from Redis's own
//! `COMMAND` reply (`key_positions.rs`, generated), and, for scripts and functions, their `numkeys`.
//! Other commands whose keys move with their arguments (`ZUNIONSTORE`, `XREAD`, `SORT … STORE`, …)
//! are not checked.

use std::collections::HashMap;

use fragment_redis_protocol::request::Command;

use crate::key_positions::KEY_POSITIONS;
use crate::read_commands::CONTAINERS;

/// Upstash's limit (troubleshooting/max_key_size_exceeded: "32Kb", a hard-coded limit).
pub const MAX_KEY_SIZE: usize = 32 * 1024;

/// `(first, last, step)` of a command's keys, as `COMMAND` gives them.
type Positions = (i64, i64, i64);

static POSITIONS: std::sync::LazyLock<HashMap<&'static [u8], Positions>> = std::sync::LazyLock::new(|| {
    KEY_POSITIONS.iter().map(|(name, first, last, step)| (name.as_bytes(), (*first, *last, *step))).collect()
});

/// Upstash's error for the first key of `command` over the limit, if any.
pub fn refusal(command: &Command) -> Option<String> {
    // The common case costs one pass over the lengths: no argument that long, no key that long.
    if command.iter().skip(1).all(|arg| arg.len() <= MAX_KEY_SIZE) {
        return None;
    }
    let longest = keys(command).map(<[u8]>::len).max()?;
    (longest > MAX_KEY_SIZE)
        .then(|| format!("ERR max key size exceeded. Limit: {MAX_KEY_SIZE} bytes, Actual: {longest} bytes"))
}

/// The arguments of `command` that are keys, as far as they can be known without Redis.
fn keys(command: &Command) -> Box<dyn Iterator<Item = &[u8]> + '_> {
    let Some(name) = command.first().map(|n| n.to_ascii_uppercase()) else { return Box::new(std::iter::empty()) };
    // Scripts and functions: `<script|sha|function> numkeys key…`.
    if matches!(name.as_slice(), b"EVAL" | b"EVALSHA" | b"EVAL_RO" | b"EVALSHA_RO" | b"FCALL" | b"FCALL_RO") {
        let numkeys = command.get(2).and_then(|n| std::str::from_utf8(n).ok()?.parse::<usize>().ok()).unwrap_or(0);
        return Box::new(command.iter().skip(3).take(numkeys).map(Vec::as_slice));
    }
    let full = match command.get(1) {
        Some(sub) if CONTAINERS.iter().any(|c| c.as_bytes() == name.as_slice()) => {
            [name.as_slice(), b"|", sub.to_ascii_uppercase().as_slice()].concat()
        }
        _ => name,
    };
    let Some(&(first, last, step)) = POSITIONS.get(full.as_slice()) else { return Box::new(std::iter::empty()) };
    let len = command.len() as i64;
    let last = if last < 0 { len + last } else { last.min(len - 1) };
    let step = step.max(1) as usize;
    Box::new((first..=last).step_by(step).filter_map(|i| command.get(i as usize)).map(Vec::as_slice))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(parts: &[&[u8]]) -> Command {
        parts.iter().map(|p| p.to_vec()).collect()
    }

    #[test]
    fn keys_by_redis_positions_and_script_numkeys() {
        let big = vec![b'k'; MAX_KEY_SIZE + 1];
        let ok = vec![b'k'; MAX_KEY_SIZE];
        let value = vec![b'v'; MAX_KEY_SIZE * 2];
        assert_eq!(
            refusal(&cmd(&[b"set", &big, b"v"])).unwrap(),
            format!("ERR max key size exceeded. Limit: 32768 bytes, Actual: {} bytes", MAX_KEY_SIZE + 1)
        );
        assert_eq!(refusal(&cmd(&[b"SET", &ok, &value])), None, "a large value is not a key");
        assert!(refusal(&cmd(&[b"MSET", b"a", b"1", &big, b"2"])).is_some());
        assert_eq!(refusal(&cmd(&[b"MSET", b"a", &value, b"b", &value])), None);
        assert!(refusal(&cmd(&[b"object", b"encoding", &big])).is_some());
        assert!(refusal(&cmd(&[b"EVAL", b"return 1", b"1", &big])).is_some());
        assert_eq!(refusal(&cmd(&[b"EVAL", b"return 1", b"0", &big])), None, "an ARGV, not a key");
        assert_eq!(refusal(&cmd(&[b"PING", &big])), None);
        assert_eq!(refusal(&cmd(&[b"GET"])), None);
    }
}
