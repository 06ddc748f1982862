//! Who may open the inbox: the owner's token, as a Bearer header or through a login session.
//!
//! The token is never stored in a cookie. Logging in with it creates a random session id
//! (kept in memory: a restart only means logging in again) that the browser holds in an
//! `HttpOnly`, `SameSite=Strict` cookie scoped to `/inbox`, so it is neither readable by
//! scripts nor sent with a visitor's widget request. Each session has its own CSRF token that
//! every inbox form carries. Bearer requests need no CSRF token: browsers never attach that
//! header on their own.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE: &str = "allo_inbox";
/// How long a login lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
/// Most sessions kept at once; the oldest go first (a flood of logins cannot fill memory).
const MAX_SESSIONS: usize = 1000;

/// A logged-in browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The CSRF token its forms must carry.
    pub csrf: String,
    /// The name given at login, recorded in the status history.
    pub name: String,
    expires: Instant,
}

/// How a request proved it is the owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// `Authorization: Bearer <token>` (scripts, curl).
    Bearer,
    /// A login session cookie.
    Session {
        /// The session id (the cookie value).
        id: String,
        /// The session.
        session: Session,
    },
}

impl Owner {
    /// The name to record in the status history.
    pub fn name(&self) -> &str {
        match self {
            Owner::Bearer => "api",
            Owner::Session { session, .. } => &session.name,
        }
    }

    /// The CSRF token to put in forms (empty for Bearer, which needs none).
    pub fn csrf(&self) -> &str {
        match self {
            Owner::Bearer => "",
            Owner::Session { session, .. } => &session.csrf,
        }
    }

    /// True when a submitted form's token is acceptable for this owner.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        match self {
            Owner::Bearer => true,
            Owner::Session { session, .. } => {
                !submitted.is_empty()
                    && constant_time_eq(session.csrf.as_bytes(), submitted.as_bytes())
            }
        }
    }
}

/// The inbox's credentials and live sessions.
pub struct InboxAuth {
    token_digest: [u8; 32],
    sessions: Mutex<HashMap<String, Session>>,
}

impl InboxAuth {
    /// Guards the inbox with `token`.
    pub fn new(token: &str) -> InboxAuth {
        InboxAuth {
            token_digest: Sha256::digest(token.as_bytes()).into(),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// True when `candidate` is the token. Digests are compared in constant time, so neither
    /// the token's content nor its length leaks through timing.
    pub fn token_matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        constant_time_eq(&digest, &self.token_digest)
    }

    /// Starts a session for `name`; returns its id (the cookie value).
    pub fn login(&self, name: &str, now: Instant) -> Result<String, getrandom::Error> {
        let id = random_hex(32)?;
        let session = Session {
            csrf: random_hex(32)?,
            name: name.to_owned(),
            expires: now + SESSION_TTL,
        };
        let mut sessions = self.lock();
        sessions.retain(|_, s| s.expires > now);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, s)| s.expires)
                .map(|(k, _)| k.clone())
            {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(id.clone(), session);
        Ok(id)
    }

    /// Ends a session.
    pub fn logout(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Who the request is from, if it proves to be the owner.
    pub fn authenticate(&self, headers: &HeaderMap, now: Instant) -> Option<Owner> {
        if let Some(token) = bearer(headers) {
            return self.token_matches(token).then_some(Owner::Bearer);
        }
        let id = cookie(headers, COOKIE)?;
        let sessions = self.lock();
        let session = sessions.get(id).filter(|s| s.expires > now)?;
        Some(Owner::Session {
            id: id.to_owned(),
            session: session.clone(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value for a session; `secure` when the browser talks https to us.
pub fn session_cookie(id: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={id}; Path=/inbox; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_TTL.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/inbox; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// `n` random bytes from the operating system, as lowercase hex.
pub fn random_hex(n: usize) -> Result<String, getrandom::Error> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal contents, compared without an early exit.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn bearer_and_sessions() {
        let auth = InboxAuth::new("correct horse battery");
        let now = Instant::now();
        assert_eq!(
            auth.authenticate(
                &headers(&[("authorization", "Bearer correct horse battery")]),
                now
            ),
            Some(Owner::Bearer)
        );
        assert_eq!(
            auth.authenticate(&headers(&[("authorization", "Bearer wrong")]), now),
            None
        );
        assert_eq!(auth.authenticate(&headers(&[]), now), None);

        let id = auth.login("Ada", now).unwrap();
        assert_eq!(id.len(), 64);
        let cookie_header = format!("theme=dark; {COOKIE}={id}");
        let owner = auth
            .authenticate(&headers(&[("cookie", &cookie_header)]), now)
            .unwrap();
        assert_eq!(owner.name(), "Ada");
        assert!(owner.csrf_ok(owner.csrf()));
        assert!(!owner.csrf_ok(""));
        assert!(!owner.csrf_ok("nope"));
        // Expired, then logged out.
        assert_eq!(
            auth.authenticate(&headers(&[("cookie", &cookie_header)]), now + SESSION_TTL),
            None
        );
        auth.logout(&id);
        assert_eq!(
            auth.authenticate(&headers(&[("cookie", &cookie_header)]), now),
            None
        );
    }

    #[test]
    fn cookie_attributes() {
        let c = session_cookie("abc", false);
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Path=/inbox")
        );
        assert!(!c.contains("Secure"));
        assert!(session_cookie("abc", true).ends_with("; Secure"));
    }
}
