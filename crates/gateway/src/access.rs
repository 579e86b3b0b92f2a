//! Who a request runs as, from the token it presents: the standard token (everything), the
//! read-only token (reads only, as Upstash's), or a REST token minted with `ACL RESTTOKEN` for an
//! ACL user of the real redis-server (that user's connections, so Redis's own ACL rules apply).
//!
//! Minted tokens live in this process's memory only: a restarted gateway has forgotten them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use fragment_redis_protocol::request::Command;
use subtle::{Choice, ConstantTimeEq};

use crate::read_commands::{CONTAINERS, READ_COMMANDS};
use crate::redis::Pool;
use crate::state::State;
use crate::GatewayError;

/// Distinct ACL users (user and password) with minted tokens; each holds a small pool of its own.
pub const MAX_ACL_USERS: usize = 16;
/// Tokens minted in all, so a loop of `ACL RESTTOKEN` cannot grow memory without bound.
pub const MAX_MINTED_TOKENS: usize = 1024;
/// Connections each ACL user's pool keeps to Redis.
pub const ACL_USER_POOL_SIZE: usize = 4;

/// The identity a request runs with.
#[derive(Clone)]
pub enum Caller {
    Standard,
    ReadOnly,
    User(Arc<AclUser>),
}

/// An ACL user with minted tokens: every command of its callers runs on `pool`, whose connections
/// all authenticated as this user at connect (`AUTH user pass`), and no other caller borrows them.
pub struct AclUser {
    pub name: String,
    password: String,
    pub pool: Pool,
}

struct Minted {
    token: Digest,
    user: Arc<AclUser>,
}

/// What a token is known by: its SHA-1, so every comparison is of 20 bytes against 20 bytes and
/// its time tells nothing of a token's length either (`ct_eq` on slices of unequal length answers
/// at once). SHA-1 is enough here: finding a token from its digest is still a preimage problem.
type Digest = [u8; 20];

fn digest(token: &[u8]) -> Digest {
    sha1_smol::Sha1::from(token).digest().bytes()
}

/// Every token the gateway accepts.
pub struct Tokens {
    standard: Digest,
    readonly: Option<Digest>,
    minted: Mutex<Vec<Minted>>,
    /// `ACL GENTOKEN <user> <password>`: (user, password) → the token it was wrapped in.
    wrapped: Mutex<Vec<(String, String, String)>>,
}

impl Tokens {
    pub fn new(standard: &str, readonly: Option<&str>) -> Self {
        Self {
            standard: digest(standard.as_bytes()),
            readonly: readonly.map(|t| digest(t.as_bytes())),
            minted: Mutex::new(Vec::new()),
            wrapped: Mutex::new(Vec::new()),
        }
    }

    /// `ACL GENTOKEN`: a new random token that is also the password the user is to be given
    /// (`ACL SETUSER <user> >token`), accepted at once as that user's REST token (its
    /// connections then `AUTH user token`). With `password`, remembered as that password's token.
    pub fn generate(
        &self,
        name: &str,
        password: Option<&str>,
        pool: impl FnOnce(&str) -> Pool,
    ) -> Result<String, GatewayError> {
        let token = random_token();
        let minted = self.mint_as(name, &token, token.clone(), || pool(&token))?;
        if let Some(password) = password {
            let mut wrapped = self.wrapped.lock().expect("token lock");
            wrapped.retain(|(n, p, _)| !(n == name && p == password));
            wrapped.push((name.to_owned(), password.to_owned(), minted.clone()));
        }
        Ok(minted)
    }

    /// The token `ACL GENTOKEN <name> <password>` wrapped `password` in, if it did.
    pub fn unwrap_password(&self, name: &str, password: &str) -> Option<String> {
        let wrapped = self.wrapped.lock().expect("token lock");
        wrapped.iter().find(|(n, p, _)| n == name && p == password).map(|(_, _, token)| token.clone())
    }

    /// `(ACL users, minted tokens)` held now, for `/__gateway/stats`.
    pub fn minted_counts(&self) -> (usize, usize) {
        let minted = self.minted.lock().expect("token lock");
        let users: HashSet<*const AclUser> = minted.iter().map(|m| Arc::as_ptr(&m.user)).collect();
        (users.len(), minted.len())
    }

    /// Closes the connections of the pools of the ACL users `names` (of every ACL user for `None`;
    /// see [`Pool::retire`]): after an `ACL` command that may have changed them, each next request
    /// authenticates again, so a changed password or a disabled user refuses the old token at once
    /// rather than once its pooled connections happen to be replaced.
    pub fn retire_user_connections(&self, names: Option<&[Vec<u8>]>) {
        let minted = self.minted.lock().expect("token lock");
        let mut seen: HashSet<*const AclUser> = HashSet::new();
        for entry in minted.iter() {
            let named = names.is_none_or(|names| names.iter().any(|n| n == entry.user.name.as_bytes()));
            if named && seen.insert(Arc::as_ptr(&entry.user)) {
                entry.user.pool.retire();
            }
        }
    }

    /// The caller a presented token stands for. Every known token is compared, each in constant
    /// time, whichever matches: timing says neither how much of a guess was right nor which token
    /// it resembled.
    pub fn identify(&self, presented: &[u8]) -> Option<Caller> {
        let presented = digest(presented);
        let standard = presented.ct_eq(&self.standard);
        let readonly = self.readonly.as_ref().map_or(Choice::from(0), |t| presented.ct_eq(t));
        let minted = self.minted.lock().expect("token lock");
        let mut user = None;
        for entry in minted.iter() {
            if bool::from(presented.ct_eq(&entry.token)) {
                user = Some(entry.user.clone());
            }
        }
        if bool::from(standard) {
            Some(Caller::Standard)
        } else if bool::from(readonly) {
            Some(Caller::ReadOnly)
        } else {
            user.map(Caller::User)
        }
    }

    /// A fresh token for `name`/`password`, whose requests will run as that user on `pool` (made
    /// only for a user not seen before). The caller has checked the password against Redis.
    pub fn mint(&self, name: &str, password: &str, pool: impl FnOnce() -> Pool) -> Result<String, GatewayError> {
        self.mint_as(name, password, random_token(), pool)
    }

    fn mint_as(
        &self,
        name: &str,
        password: &str,
        token: String,
        pool: impl FnOnce() -> Pool,
    ) -> Result<String, GatewayError> {
        let mut minted = self.minted.lock().expect("token lock");
        if minted.len() >= MAX_MINTED_TOKENS {
            return Err(GatewayError::BadRequest(format!(
                "ERR the gateway keeps at most {MAX_MINTED_TOKENS} minted REST tokens; restart it to forget them"
            )));
        }
        let known = minted.iter().find(|m| m.user.name == name && m.user.password == password).map(|m| m.user.clone());
        let user = match known {
            Some(user) => user,
            None => {
                let users: HashSet<(&str, &str)> =
                    minted.iter().map(|m| (m.user.name.as_str(), m.user.password.as_str())).collect();
                if users.len() >= MAX_ACL_USERS {
                    return Err(GatewayError::BadRequest(format!(
                        "ERR the gateway mints REST tokens for at most {MAX_ACL_USERS} ACL users (each holds Redis connections of its own)"
                    )));
                }
                Arc::new(AclUser { name: name.to_owned(), password: password.to_owned(), pool: pool() })
            }
        };
        minted.push(Minted { token: digest(token.as_bytes()), user });
        Ok(token)
    }
}

/// 32 random bytes from the system's secure generator (rustls's ring provider), as hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    tokio_rustls::rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
        .expect("the system random generator works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

static READS: std::sync::LazyLock<HashSet<&'static [u8]>> =
    std::sync::LazyLock::new(|| READ_COMMANDS.iter().map(|name| name.as_bytes()).collect());
static CONTAINER_NAMES: std::sync::LazyLock<HashSet<&'static [u8]>> =
    std::sync::LazyLock::new(|| CONTAINERS.iter().map(|name| name.as_bytes()).collect());

/// `None` when a read-only token may run `command`, else Redis's own NOPERM text for it (as
/// Upstash answers its read-only token): `NOPERM this user has no permissions to run the 'set' command`.
pub fn readonly_refusal(command: &Command) -> Option<String> {
    let name = command.first()?.to_ascii_uppercase();
    let full = match command.get(1) {
        Some(sub) if CONTAINER_NAMES.contains(name.as_slice()) => {
            [name.as_slice(), b"|", sub.to_ascii_uppercase().as_slice()].concat()
        }
        _ => name,
    };
    if READS.contains(full.as_slice()) {
        return None;
    }
    let shown = String::from_utf8_lossy(&full).to_ascii_lowercase();
    Some(format!("NOPERM this user has no permissions to run the '{shown}' command"))
}

impl Caller {
    /// The pool this caller's commands run on: an ACL user's own, else the gateway's.
    pub fn pool<'a>(&'a self, state: &'a State) -> &'a Pool {
        match self {
            Caller::User(user) => &user.pool,
            Caller::Standard | Caller::ReadOnly => &state.pool,
        }
    }

    /// Why this caller may not run `command`, if it may not (before Redis sees it). An ACL user's
    /// commands are judged by Redis itself, on that user's connection.
    pub fn refusal(&self, command: &Command) -> Option<String> {
        match self {
            Caller::ReadOnly => readonly_refusal(command),
            Caller::Standard | Caller::User(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(parts: &[&str]) -> Command {
        parts.iter().map(|p| p.as_bytes().to_vec()).collect()
    }

    #[test]
    fn reads_pass_and_everything_else_gets_redis_noperm_text() {
        for read in [&["get", "k"][..], &["EVAL_RO", "return 1", "0"], &["ping"], &["object", "encoding", "k"]] {
            assert_eq!(readonly_refusal(&cmd(read)), None, "{read:?}");
        }
        assert_eq!(
            readonly_refusal(&cmd(&["set", "k", "v"])).unwrap(),
            "NOPERM this user has no permissions to run the 'set' command"
        );
        assert_eq!(
            readonly_refusal(&cmd(&["Config", "get", "x"])).unwrap(),
            "NOPERM this user has no permissions to run the 'config|get' command"
        );
        for refused in [&["SCAN", "0"][..], &["keys", "*"], &["EVAL", "return 1", "0"], &["publish", "c", "m"]] {
            assert!(readonly_refusal(&cmd(refused)).is_some(), "{refused:?}");
        }
        // Unknown commands are not known to be reads.
        assert!(readonly_refusal(&cmd(&["NOSUCHCOMMAND"])).is_some());
    }

    #[test]
    fn tokens_identify_their_caller_and_minting_is_bounded() {
        let tokens = Tokens::new("standard", Some("reader"));
        assert!(matches!(tokens.identify(b"standard"), Some(Caller::Standard)));
        assert!(matches!(tokens.identify(b"reader"), Some(Caller::ReadOnly)));
        assert!(tokens.identify(b"reade").is_none());
        assert!(tokens.identify(b"").is_none());
        let pool = || Pool::new(crate::RedisTarget::parse("redis://127.0.0.1:1").unwrap(), 1, Default::default(), 1);
        let minted = tokens.mint("alice", "pw", pool).unwrap();
        assert_eq!(minted.len(), 64);
        assert!(matches!(tokens.identify(minted.as_bytes()), Some(Caller::User(u)) if u.name == "alice"));
        let again = tokens.mint("alice", "pw", || unreachable!("the same user reuses its pool")).unwrap();
        assert_ne!(again, minted);
        for i in 1..MAX_ACL_USERS {
            tokens.mint(&format!("user{i}"), "pw", pool).unwrap();
        }
        assert!(tokens.mint("one-too-many", "pw", pool).is_err());
        assert!(Tokens::new("t", None).identify(b"").is_none());
    }
}
