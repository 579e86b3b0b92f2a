//! Upstash-only Lua shebang flags.
//!
//! Upstash accepts `#!lua flags=allow-key-locking`; vanilla Redis rejects unknown flags. The
//! gateway drops flags Redis does not know before a script reaches Redis, and remembers which SHA-1
//! the client computed (over the original text) so a later EVALSHA with it finds the script.
//!
//! `allow-key-locking` is also enforced, as Upstash does: such a script may touch only the keys it
//! declared in KEYS. The gateway puts [`KEY_LOCKING_PREAMBLE`] in front of the script's body: a
//! local `redis` whose `call` and `pcall` first ask Redis itself for the command's keys
//! (`COMMAND GETKEYS`, the same key extraction Redis uses; one source of truth) and fail with
//! Upstash's error for a key not in KEYS (`call` raises it, `pcall` returns it), and a local `_G`
//! that hands out that `redis` too. A chunk compiled with `loadstring` sees the real globals (Redis
//! offers no `setfenv` to change that): the one way around the checks, documented. The preamble has
//! no newline, so line numbers in the script's errors stay the user's (except after a tail call,
//! `return redis.call(…)`: Lua keeps no frame for the caller of a Lua function it tail-calls, and
//! the error then names line 2). A script without the flag reaches Redis byte for byte as sent.
//!
//! Redis names a script by the SHA-1 of what it loaded, and error replies carry it (`… script:
//! <sha>, on @user_script:2.`); the gateway answers with the client's SHA-1 instead, in SCRIPT
//! LOAD's reply and in those errors ([`Restore`]).

use std::collections::HashMap;
use std::sync::Mutex;

use fragment_redis_protocol::request::Command;
use fragment_redis_protocol::Value;

const REDIS_FLAGS: &[&str] = &["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"];
const KEY_LOCKING_FLAG: &str = "allow-key-locking";

/// Upstash's error for a key a key-locking script did not declare (the key follows it), as a
/// literal so [`KEY_LOCKING_PREAMBLE`] can be built from it at compile time.
macro_rules! undeclared_key_error {
    () => {
        "ERR Dynamic keys are not allowed in Lua scripts when 'allow-key-locking' flag is set. Key was: "
    };
}
#[cfg(test)]
const UNDECLARED_KEY_ERROR: &str = undeclared_key_error!();

/// Put at the start of a key-locking script's second line (its first line after the shebang).
/// One line without `"` or `\\`, so a MONITOR line shows it verbatim and `/monitor` can remove it;
/// `GetKeys` is spelled so `/monitor` can tell its own key checks from a script's.
pub const KEY_LOCKING_PREAMBLE: &str = concat!(
    "local redis = (function(r) local call, rpcall, declared = r.call, r.pcall, {} ",
    "for _, k in ipairs(KEYS) do declared[k] = true end ",
    "local function undeclared(...) local keys = rpcall('command', 'GetKeys', ...) ",
    "if type(keys) == 'table' and not keys.err then for _, k in ipairs(keys) do if not declared[k] then ",
    "return {err = [[",
    undeclared_key_error!(),
    "]] .. k} end end end end ",
    // Redis names the line of the frame that called the failing function; the wrapper is one
    // more frame, so it names the caller's line itself (level 4: error, pcall, raise, wrapper).
    // The fields are read through `__index` because Redis's error handler overwrites them.
    "local function raise(e) local _, where = pcall(error, '', 4) ",
    "local line = tonumber(string.match(tostring(where), ':(%d+): $')) ",
    "if line then error(setmetatable({}, {__index = {err = e.err, source = '@user_script', line = line}, ",
    "__newindex = function() end})) end error(e) end ",
    "return setmetatable({",
    "call = function(...) local e = undeclared(...) if not e then local reply = rpcall(...) ",
    "if type(reply) ~= 'table' or not reply.err then return reply end e = reply end raise(e) end, ",
    "pcall = function(...) return undeclared(...) or rpcall(...) end",
    "}, {__index = r, __metatable = false}) end)(redis) ",
    // The global `redis` is reachable through `_G` too (`_G.redis`, `rawget(_G, 'redis')`): a
    // local `_G` whose own `redis` field is the checked one, every other global read through, and
    // writes passed on to the real globals (which Redis keeps read-only); a local `rawget` that
    // reads any other name of it from the real globals. Neither metatable is handed out
    // (`__metatable`): its `__index` is the real `redis`, or the real globals.
    "local _G, rawget = (function(g, raw, checked) ",
    "local proxy = setmetatable({redis = checked}, {__index = g, __newindex = g, __metatable = false}) ",
    "return proxy, function(t, k) if rawequal(t, proxy) and k ~= 'redis' then return raw(g, k) end ",
    "return raw(t, k) end end)(_G, rawget, redis) ",
);

/// The MONITOR arguments of the preamble's key check (`[0 lua] "command" "GetKeys" …`).
const PROBE_ARGS: &[u8] = b"\"command\" \"GetKeys\"";

/// Whether a MONITOR line's arguments are the key check of a key-locking script.
pub fn is_key_locking_probe(args: &[u8]) -> bool {
    args.starts_with(PROBE_ARGS)
}

/// A MONITOR line's arguments without the key-locking preamble (an EVAL of such a script shows
/// the script as the user wrote its body), or `None` when there is none.
pub fn without_preamble(args: &[u8]) -> Option<Vec<u8>> {
    let preamble = KEY_LOCKING_PREAMBLE.as_bytes();
    let at = args.windows(preamble.len()).position(|w| w == preamble)?;
    Some([&args[..at], &args[at + preamble.len()..]].concat())
}

/// What the gateway changes back in a rewritten command's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restore {
    /// The SHA-1 Redis knows the script by.
    pub redis_sha: String,
    /// The SHA-1 the client computed over what it sent.
    pub client_sha: String,
    /// SCRIPT LOAD: the reply is the SHA-1, which must be the client's.
    pub is_load: bool,
}

#[derive(Default)]
pub struct ScriptAliases {
    /// SHA-1 of the client's text → SHA-1 of the text Redis actually loaded.
    to_redis: Mutex<HashMap<String, String>>,
}

impl ScriptAliases {
    /// Rewrites `command` in place where it carries a script or a script SHA, and says what to
    /// change back in its reply (see [`Restore::apply`]).
    pub fn rewrite(&self, command: &mut Command) -> Option<Restore> {
        // Only EVAL…/SCRIPT qualify: skip the rest without allocating (this runs for every command).
        if !matches!(command[0].first(), Some(b'E' | b'e' | b'S' | b's')) {
            return None;
        }
        let name = command[0].to_ascii_uppercase();
        match name.as_slice() {
            b"EVAL" | b"EVAL_RO" => self.normalize_script(command, 1),
            b"SCRIPT" if is_sub(command, b"LOAD") => {
                self.normalize_script(command, 2).map(|restore| Restore { is_load: true, ..restore })
            }
            b"EVALSHA" | b"EVALSHA_RO" => {
                let client_sha = command.get(1).map(|sha| String::from_utf8_lossy(sha).to_ascii_lowercase());
                self.translate(command, 1..2);
                let redis_sha = String::from_utf8_lossy(command.get(1)?).into_owned();
                let client_sha = client_sha?;
                (!redis_sha.eq_ignore_ascii_case(&client_sha)).then_some(Restore {
                    redis_sha,
                    client_sha,
                    is_load: false,
                })
            }
            b"SCRIPT" if is_sub(command, b"EXISTS") => {
                self.translate(command, 2..command.len());
                None
            }
            _ => None,
        }
    }

    /// Rewrites the script at `index` if its shebang carries flags Redis does not know.
    fn normalize_script(&self, command: &mut Command, index: usize) -> Option<Restore> {
        let script = command.get(index)?;
        let normalized = normalize(script)?;
        let (client_sha, redis_sha) = (sha1_hex(script), sha1_hex(&normalized));
        self.to_redis.lock().expect("alias lock").insert(client_sha.clone(), redis_sha.clone());
        command[index] = normalized;
        Some(Restore { redis_sha, client_sha, is_load: false })
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

impl Restore {
    /// SCRIPT LOAD answers the client's SHA-1; an error naming Redis's SHA-1 names the client's.
    pub fn apply(&self, value: &mut Value) -> bool {
        match value {
            Value::Bulk(sha) if self.is_load => {
                *sha = self.client_sha.clone().into_bytes();
                true
            }
            Value::Error(message) if message.contains(&self.redis_sha) => {
                *message = message.replace(&self.redis_sha, &self.client_sha);
                true
            }
            _ => false,
        }
    }
}

fn is_sub(command: &Command, sub: &[u8]) -> bool {
    command.get(1).is_some_and(|s| s.eq_ignore_ascii_case(sub))
}

fn sha1_hex(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// The script as Redis should run it, or `None` when it goes as sent: flags Redis does not know
/// removed from the shebang, and the key checks put in when one was `allow-key-locking`.
fn normalize(script: &[u8]) -> Option<Vec<u8>> {
    let (mut out, key_locking) = strip_unknown_flags(script)?;
    if key_locking {
        let body = match out.iter().position(|&b| b == b'\n') {
            Some(at) => at + 1,
            None => {
                out.push(b'\n');
                out.len()
            }
        };
        out.splice(body..body, KEY_LOCKING_PREAMBLE.bytes());
    }
    Some(out)
}

/// The script with flags Redis does not know removed from its shebang, and whether one of them
/// was `allow-key-locking`; `None` if unchanged.
fn strip_unknown_flags(script: &[u8]) -> Option<(Vec<u8>, bool)> {
    if !script.starts_with(b"#!") {
        return None;
    }
    let line_end = script.iter().position(|&b| b == b'\n').unwrap_or(script.len());
    let line = std::str::from_utf8(&script[..line_end]).ok()?;
    let mut words: Vec<String> = Vec::new();
    let mut changed = false;
    let mut key_locking = false;
    for word in line.split_whitespace() {
        match word.strip_prefix("flags=") {
            Some(flags) => {
                key_locking |= flags.split(',').any(|f| f == KEY_LOCKING_FLAG);
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
    Some((out, key_locking))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(parts: &[&str]) -> Command {
        parts.iter().map(|p| p.as_bytes().to_vec()).collect()
    }

    fn locked(body: &str) -> Vec<u8> {
        format!("#!lua\n{KEY_LOCKING_PREAMBLE}{body}").into_bytes()
    }

    #[test]
    fn strips_only_unknown_flags() {
        let strip = |s: &[u8]| strip_unknown_flags(s).map(|(out, locking)| (String::from_utf8(out).unwrap(), locking));
        assert_eq!(strip(b"#!lua flags=allow-key-locking\nreturn 1").unwrap(), ("#!lua\nreturn 1".into(), true));
        assert_eq!(
            strip(b"#!lua flags=no-writes,allow-key-locking\nreturn 1").unwrap(),
            ("#!lua flags=no-writes\nreturn 1".into(), true)
        );
        assert_eq!(
            strip(b"#!lua flags=no-writes,made-up\nreturn 1").unwrap(),
            ("#!lua flags=no-writes\nreturn 1".into(), false)
        );
        assert_eq!(strip(b"#!lua flags=no-writes\nreturn 1"), None);
        assert_eq!(strip(b"return 1"), None);
    }

    #[test]
    fn key_locking_scripts_get_the_checks_on_their_second_line_others_go_as_sent() {
        assert_eq!(normalize(b"#!lua flags=allow-key-locking\nreturn 1").unwrap(), locked("return 1"));
        assert_eq!(normalize(b"#!lua flags=allow-key-locking").unwrap(), locked(""));
        assert_eq!(
            normalize(b"#!lua flags=allow-key-locking,no-writes\nreturn 1\n").unwrap(),
            format!("#!lua flags=no-writes\n{KEY_LOCKING_PREAMBLE}return 1\n").into_bytes()
        );
        assert_eq!(normalize(b"#!lua flags=made-up\nreturn 1").unwrap(), b"#!lua\nreturn 1");
        for untouched in [&b"return redis.call('GET', 'x')"[..], b"#!lua flags=no-writes\nreturn 1", b"#!lua\nreturn 1"]
        {
            let aliases = ScriptAliases::default();
            let mut eval = vec![b"EVAL".to_vec(), untouched.to_vec(), b"0".to_vec()];
            assert_eq!(aliases.rewrite(&mut eval), None);
            assert_eq!(eval[1], untouched);
        }
        // One line, nothing MONITOR would escape: `/monitor` finds it verbatim.
        assert!(!KEY_LOCKING_PREAMBLE.contains(['\n', '\r', '"', '\\']));
        assert!(KEY_LOCKING_PREAMBLE.contains(UNDECLARED_KEY_ERROR));
    }

    #[test]
    fn evalsha_with_the_original_sha_finds_the_rewritten_script() {
        let aliases = ScriptAliases::default();
        let script = "#!lua flags=allow-key-locking\nreturn 1";
        let (client, redis) = (sha1_hex(script.as_bytes()), sha1_hex(&locked("return 1")));
        let mut eval = cmd(&["EVAL", script, "0"]);
        let restore = aliases.rewrite(&mut eval).unwrap();
        assert_eq!(eval[1], locked("return 1"));
        assert_eq!(restore, Restore { redis_sha: redis.clone(), client_sha: client.clone(), is_load: false });

        let mut evalsha = cmd(&["evalsha", &client.to_uppercase(), "0"]);
        assert_eq!(aliases.rewrite(&mut evalsha).unwrap().client_sha, client);
        assert_eq!(evalsha[1], redis.clone().into_bytes());

        let mut load = cmd(&["SCRIPT", "LOAD", script]);
        let restore = aliases.rewrite(&mut load).unwrap();
        let mut reply = Value::Bulk(redis.clone().into_bytes());
        assert!(restore.apply(&mut reply));
        assert_eq!(reply, Value::Bulk(client.clone().into_bytes()));
        assert_eq!(aliases.rewrite(&mut cmd(&["SCRIPT", "LOAD", "return 2"])), None);
        assert_eq!(aliases.rewrite(&mut cmd(&["EVALSHA", &sha1_hex(b"return 2"), "0"])), None);

        let mut exists = cmd(&["SCRIPT", "EXISTS", &client, "abc"]);
        aliases.rewrite(&mut exists);
        assert_eq!(exists[2], redis.clone().into_bytes());
        assert_eq!(exists[3], b"abc");
    }

    #[test]
    fn errors_name_the_clients_sha() {
        let restore = Restore { redis_sha: "aaa".into(), client_sha: "bbb".into(), is_load: false };
        let mut error = Value::Error(format!("{UNDECLARED_KEY_ERROR}k script: aaa, on @user_script:2."));
        assert!(restore.apply(&mut error));
        assert_eq!(error, Value::Error(format!("{UNDECLARED_KEY_ERROR}k script: bbb, on @user_script:2.")));
        // Only SCRIPT LOAD's bulk reply is a SHA; an EVAL returning a string is left alone.
        let mut result = Value::Bulk(b"aaa".to_vec());
        assert!(!restore.apply(&mut result));
    }

    #[test]
    fn monitor_helpers_see_the_preamble_and_the_probe() {
        let line = format!("\"EVAL\" \"#!lua\\n{KEY_LOCKING_PREAMBLE}return 1\" \"0\"");
        assert_eq!(without_preamble(line.as_bytes()).unwrap(), b"\"EVAL\" \"#!lua\\nreturn 1\" \"0\"");
        assert_eq!(without_preamble(b"\"GET\" \"k\""), None);
        assert!(is_key_locking_probe(b"\"command\" \"GetKeys\" \"GET\" \"k\""));
        assert!(!is_key_locking_probe(b"\"COMMAND\" \"GETKEYS\" \"GET\" \"k\""));
    }
}
