//! Upstash-only Lua shebang flags.
//!
//! Upstash accepts `#!lua flags=allow-key-locking`; vanilla Redis rejects unknown flags. The
//! gateway drops flags Redis does not know before a script reaches Redis, and remembers which SHA-1
//! the client computed (over the original text) so a later EVALSHA with it finds the script.

use std::collections::HashMap;
use std::sync::Mutex;

use fragment_redis_protocol::request::Command;

const REDIS_FLAGS: &[&str] = &["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"];

#[derive(Default)]
pub struct ScriptAliases {
    /// SHA-1 of the client's text → SHA-1 of the text Redis actually loaded.
    to_redis: Mutex<HashMap<String, String>>,
}

impl ScriptAliases {
    /// Rewrites `command` in place where it carries a script or a script SHA.
    ///
    /// Returns the SHA-1 the client expects back when the command is a SCRIPT LOAD whose text was
    /// rewritten: Redis answers with the SHA of what it loaded, the client computed the original's.
    pub fn rewrite(&self, command: &mut Command) -> Option<String> {
        // Only EVAL…/SCRIPT qualify: skip the rest without allocating (this runs for every command).
        if !matches!(command[0].first(), Some(b'E' | b'e' | b'S' | b's')) {
            return None;
        }
        let name = command[0].to_ascii_uppercase();
        match name.as_slice() {
            b"EVAL" | b"EVAL_RO" => {
                self.normalize_script(command, 1);
                None
            }
            b"SCRIPT" if is_sub(command, b"LOAD") => self.normalize_script(command, 2),
            b"EVALSHA" | b"EVALSHA_RO" => {
                self.translate(command, 1..2);
                None
            }
            b"SCRIPT" if is_sub(command, b"EXISTS") => {
                self.translate(command, 2..command.len());
                None
            }
            _ => None,
        }
    }

    /// Returns the original script's SHA-1 when the script was rewritten.
    fn normalize_script(&self, command: &mut Command, index: usize) -> Option<String> {
        let script = command.get(index)?;
        let normalized = strip_unknown_flags(script)?;
        let (from, to) = (sha1_hex(script), sha1_hex(&normalized));
        self.to_redis.lock().expect("alias lock").insert(from.clone(), to);
        command[index] = normalized;
        Some(from)
    }

    fn translate(&self, command: &mut Command, range: std::ops::Range<usize>) {
        let aliases = self.to_redis.lock().expect("alias lock");
        for arg in command.get_mut(range).into_iter().flatten() {
            if let Some(to) = std::str::from_utf8(arg).ok().and_then(|sha| aliases.get(&sha.to_ascii_lowercase())) {
                *arg = to.clone().into_bytes();
            }
        }
    }
}

fn is_sub(command: &Command, sub: &[u8]) -> bool {
    command.get(1).is_some_and(|s| s.eq_ignore_ascii_case(sub))
}

fn sha1_hex(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// The script with flags Redis does not know removed from its shebang, or `None` if unchanged.
fn strip_unknown_flags(script: &[u8]) -> Option<Vec<u8>> {
    if !script.starts_with(b"#!") {
        return None;
    }
    let line_end = script.iter().position(|&b| b == b'\n').unwrap_or(script.len());
    let line = std::str::from_utf8(&script[..line_end]).ok()?;
    let mut words: Vec<String> = Vec::new();
    let mut changed = false;
    for word in line.split_whitespace() {
        match word.strip_prefix("flags=") {
            Some(flags) => {
                let kept: Vec<&str> = flags.split(',').filter(|f| REDIS_FLAGS.contains(f)).collect();
                changed |= kept.len() != flags.split(',').count();
                if !kept.is_empty() {
                    words.push(format!("flags={}", kept.join(",")));
                }
            }
            None => words.push(word.to_owned()),
        }
    }
    if !changed {
        return None;
    }
    let mut out = words.join(" ").into_bytes();
    out.extend_from_slice(&script[line_end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(parts: &[&str]) -> Command {
        parts.iter().map(|p| p.as_bytes().to_vec()).collect()
    }

    #[test]
    fn strips_only_unknown_flags() {
        assert_eq!(strip_unknown_flags(b"#!lua flags=allow-key-locking\nreturn 1").unwrap(), b"#!lua\nreturn 1");
        assert_eq!(
            strip_unknown_flags(b"#!lua flags=no-writes,allow-key-locking\nreturn 1").unwrap(),
            b"#!lua flags=no-writes\nreturn 1"
        );
        assert_eq!(strip_unknown_flags(b"#!lua flags=no-writes\nreturn 1"), None);
        assert_eq!(strip_unknown_flags(b"return 1"), None);
    }

    #[test]
    fn evalsha_with_the_original_sha_finds_the_rewritten_script() {
        let aliases = ScriptAliases::default();
        let script = "#!lua flags=allow-key-locking\nreturn 1";
        let mut eval = cmd(&["EVAL", script, "0"]);
        aliases.rewrite(&mut eval);
        assert_eq!(eval[1], b"#!lua\nreturn 1");

        let mut evalsha = cmd(&["evalsha", &sha1_hex(script.as_bytes()), "0"]);
        aliases.rewrite(&mut evalsha);
        assert_eq!(evalsha[1], sha1_hex(b"#!lua\nreturn 1").into_bytes());

        let mut load = cmd(&["SCRIPT", "LOAD", script]);
        assert_eq!(aliases.rewrite(&mut load), Some(sha1_hex(script.as_bytes())));
        assert_eq!(aliases.rewrite(&mut cmd(&["SCRIPT", "LOAD", "return 2"])), None);
    }
}
