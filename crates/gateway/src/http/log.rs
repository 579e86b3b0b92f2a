//! `--verbose`: one line per request on stderr — method, route, command names, status, time.
//! Never the token, a key, a value or a channel: the path form's path and the body are not
//! printed, and a command name is printed only when it looks like one.

use std::time::Duration;

use fragment_redis_protocol::request::Command;

/// Command names shown per line; a longer pipeline adds `+N`.
const NAMES_SHOWN: usize = 8;

/// What one request's line will say, filled in while it is routed.
#[derive(Debug, Default)]
pub struct RequestLine {
    pub route: &'static str,
    names: Vec<String>,
    more: usize,
}

impl RequestLine {
    pub fn commands<'a>(&mut self, commands: impl IntoIterator<Item = &'a Command>) {
        for command in commands {
            if self.names.len() < NAMES_SHOWN {
                self.names.push(command.first().map_or_else(|| "?".into(), |raw| name(raw)));
            } else {
                self.more += 1;
            }
        }
    }

    pub fn print(&self, method: &str, outcome: &str, elapsed: Duration) {
        let mut names = self.names.join(",");
        if self.more > 0 {
            names.push_str(&format!(",+{}", self.more));
        }
        if names.is_empty() {
            names.push('-');
        }
        let route = if self.route.is_empty() { "?" } else { self.route };
        eprintln!("fragment-redis gateway: {method} {route} {names} {outcome} {:.1}ms", elapsed.as_secs_f64() * 1000.0);
    }
}

/// A command name as Redis spells them (letters, digits, `_`, `-`, `|`, up to 32), upper-cased;
/// anything else is `?`, so a value sent where a name belongs never reaches the log.
fn name(raw: &[u8]) -> String {
    let looks_like_a_name = !raw.is_empty()
        && raw.len() <= 32
        && raw.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'|'));
    if looks_like_a_name {
        String::from_utf8_lossy(raw).to_ascii_uppercase()
    } else {
        "?".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_name_shaped_names_are_kept() {
        assert_eq!(name(b"set"), "SET");
        assert_eq!(name(b"my secret value"), "?");
        assert_eq!(name(&[b'x'; 33]), "?");
        let mut line = RequestLine::default();
        let commands: Vec<Command> = (0..10).map(|_| vec![b"get".to_vec(), b"k".to_vec()]).collect();
        line.commands(&commands);
        assert_eq!((line.names.len(), line.more), (NAMES_SHOWN, 2));
    }
}
