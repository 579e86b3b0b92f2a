use fragment_redis_protocol::restricted;
use napi_derive::napi;

/// Names of commands the REST API may refuse, so JS only asks about those.
#[napi]
pub fn restricted_command_names() -> Vec<String> {
    restricted::candidate_names().map(str::to_ascii_lowercase).collect()
}

/// Why `command` (name first) cannot run over REST, or `null` when it can.
#[napi]
pub fn command_refusal(command: Vec<String>) -> Option<String> {
    restricted::refusal(&command)
}
