//! Who may open the inbox: a person's account through a login session, or the
//! `--inbox-token` as a Bearer header (the API credential for scripts).
//!
//! Sessions live in the database (see [`crate::store::accounts`]), so a restart logs nobody
//! out and several collectors sharing a database accept each other's sessions. The browser
//! holds a random 256-bit id in an `HttpOnly`, `SameSite=Strict` cookie scoped to `/inbox`
//! (`Secure` behind https); the database keeps only its SHA-256, so a copy of the database
//! does not hold usable sessions. Each session has its own CSRF token that every inbox form
//! carries. Bearer requests need no CSRF token: browsers never attach that header on their
//! own. A session ends at its expiry, on logout, on "log out everywhere", and when its
//! account is disabled or its password changes.
//!
//! Logins are limited per email and per client address through the database (so the limit
//! holds across collectors), and an unknown email is checked against a dummy Argon2id hash,
//! so it answers the same, in about the same time, as a wrong password.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use crate::accounts::{self, Account, Action, LoginLimits, Role};
use crate::store::accounts::NewSession;
use crate::store::{Store, StoreError};

/// The session cookie's name.
pub const COOKIE: &str = "allo_inbox";
/// How long a login lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// How a request proved who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// `Authorization: Bearer <token>` (scripts, curl): the owner's rights.
    Bearer,
    /// A login session cookie.
    Session {
        /// SHA-256 of the cookie value (what the database keys it by).
        id_hash: String,
        /// The CSRF token its forms must carry.
        csrf: String,
        /// Whose session it is.
        account: Account,
    },
}

impl Owner {
    /// The name to record in the history: the account's email, or `api` for the token.
    pub fn name(&self) -> &str {
        match self {
            Owner::Bearer => "api",
            Owner::Session { account, .. } => &account.email,
        }
    }

    /// What it may do: the token has the owner's rights.
    pub fn role(&self) -> Role {
        match self {
            Owner::Bearer => Role::Owner,
            Owner::Session { account, .. } => account.role,
        }
    }

    /// True when it may do `action`.
    pub fn may(&self, action: Action) -> bool {
        self.role().may(action)
    }

    /// The account, for a session.
    pub fn account(&self) -> Option<&Account> {
        match self {
            Owner::Bearer => None,
            Owner::Session { account, .. } => Some(account),
        }
    }

    /// The CSRF token to put in forms (empty for Bearer, which needs none).
    pub fn csrf(&self) -> &str {
        match self {
            Owner::Bearer => "",
            Owner::Session { csrf, .. } => csrf,
        }
    }

    /// True when a submitted form's token is acceptable for this caller.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        match self {
            Owner::Bearer => true,
            Owner::Session { csrf, .. } => {
                !submitted.is_empty() && constant_time_eq(csrf.as_bytes(), submitted.as_bytes())
            }
        }
    }
}

/// What a login attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    /// A session began: the cookie value.
    Session(String),
    /// Wrong email or password (the same answer for both).
    Wrong,
    /// Too many wrong attempts for this email or address: wait this long.
    Limited(Duration),
}

/// A login or session failure.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The database did not answer.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The system's random source failed.
    #[error("no randomness for a session id")]
    Random,
}

/// The inbox's credentials: the optional API token, and the accounts and sessions in the store.
pub struct InboxAuth {
    token_digest: Option<[u8; 32]>,
    store: Arc<dyn Store>,
    /// Failed-login limits per email and per address.
    pub limits: LoginLimits,
}

impl InboxAuth {
    /// Accounts in `store`, and `token` (if any) for Bearer requests.
    pub fn new(store: Arc<dyn Store>, token: Option<&str>) -> InboxAuth {
        InboxAuth {
            token_digest: token.map(|t| Sha256::digest(t.as_bytes()).into()),
            store,
            limits: LoginLimits::default(),
        }
    }

    /// True when `candidate` is the token. Digests are compared in constant time, so neither
    /// the token's content nor its length leaks through timing.
    pub fn token_matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        self.token_digest
            .is_some_and(|d| constant_time_eq(&digest, &d))
    }

    /// Checks `email` and `password` at `now_ms`, counting a failure against the email and
    /// `ip`, and starts a session on success.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        ip: Option<IpAddr>,
        now_ms: u64,
    ) -> Result<Login, AuthError> {
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        let since = now - i64::try_from(self.limits.window.as_millis()).unwrap_or(0);
        let email = email.trim().to_lowercase();
        let mut keys = vec![(accounts::email_key(&email), self.limits.per_account)];
        if let Some(ip) = ip {
            keys.push((accounts::address_key(ip), self.limits.per_address));
        }
        let mut wait = None;
        for (key, limit) in &keys {
            let tally = self.store.login_tally(key.clone(), since).await?;
            wait = wait.max(self.limits.wait(tally, *limit, now));
        }
        if let Some(wait) = wait {
            tracing::debug!(?ip, "login refused unchecked: too many wrong ones");
            return Ok(Login::Limited(wait));
        }
        let found = self.store.account_by_email(email.clone()).await?;
        let (account, hash) = match &found {
            Some((a, hash)) if !a.disabled => (Some(a.clone()), hash.clone()),
            // Unknown or disabled: the same work as a wrong password, then the same answer.
            _ => (None, accounts::dummy_hash().to_owned()),
        };
        let typed = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || accounts::verify_password(&typed, &hash))
            .await
            .unwrap_or(false);
        match account {
            Some(account) if matches => {
                self.store.login_forget(keys[0].0.clone()).await?;
                let id = self.start_session(account.id, now_ms).await?;
                tracing::info!(account = account.id, "inbox login");
                Ok(Login::Session(id))
            }
            _ => {
                tracing::warn!(?ip, "wrong inbox email or password");
                self.store
                    .login_failed(keys.into_iter().map(|(k, _)| k).collect(), now, since)
                    .await?;
                Ok(Login::Wrong)
            }
        }
    }

    /// Starts a session for account `account_id` at `now_ms`; returns the cookie value.
    pub async fn start_session(&self, account_id: i64, now_ms: u64) -> Result<String, AuthError> {
        let id = random_hex(32).map_err(|_| AuthError::Random)?;
        let csrf = random_hex(32).map_err(|_| AuthError::Random)?;
        let ttl = u64::try_from(SESSION_TTL.as_millis()).unwrap_or(u64::MAX);
        self.store
            .create_session(NewSession {
                id_hash: session_hash(&id),
                account_id,
                csrf,
                created_at: crate::time::format_millis(now_ms),
                expires_at: crate::time::format_millis(now_ms.saturating_add(ttl)),
            })
            .await?;
        Ok(id)
    }

    /// Ends a session.
    pub async fn logout(&self, id_hash: &str) -> Result<(), StoreError> {
        self.store.end_session(id_hash.to_owned()).await
    }

    /// Who the request is from at `now_ms`, if it proves anyone.
    pub async fn authenticate(
        &self,
        headers: &HeaderMap,
        now_ms: u64,
    ) -> Result<Option<Owner>, StoreError> {
        if let Some(token) = bearer(headers) {
            return Ok(self.token_matches(token).then_some(Owner::Bearer));
        }
        let Some(id) = cookie(headers, COOKIE) else {
            return Ok(None);
        };
        let id_hash = session_hash(id);
        let found = self
            .store
            .session(id_hash.clone(), crate::time::format_millis(now_ms))
            .await?;
        Ok(found.map(|(account, csrf)| Owner::Session {
            id_hash,
            csrf,
            account,
        }))
    }
}

/// The stored form of a session id: its SHA-256, hex.
pub fn session_hash(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    use crate::store::accounts::{AccountChange, NewAccount};
    use crate::store::SqliteStore;

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

    fn store() -> (Arc<dyn Store>, std::path::PathBuf) {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("allo-auth-test-{}-{n}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        (Arc::new(SqliteStore::open(&path).unwrap()), path)
    }

    async fn account(store: &Arc<dyn Store>, email: &str, role: Role) -> Account {
        store
            .create_account(NewAccount {
                email: email.into(),
                name: String::new(),
                role,
                password_hash: accounts::hash_password("correct horse battery").unwrap(),
                created_at: crate::time::now_rfc3339(),
            })
            .await
            .unwrap()
            .unwrap()
    }

    #[tokio::test]
    async fn bearer_token_and_no_token() {
        let (store, path) = store();
        let auth = InboxAuth::new(Arc::clone(&store), Some("correct horse battery"));
        let h = headers(&[("authorization", "Bearer correct horse battery")]);
        assert_eq!(auth.authenticate(&h, 0).await.unwrap(), Some(Owner::Bearer));
        assert_eq!(Owner::Bearer.role(), Role::Owner);
        let h = headers(&[("authorization", "Bearer wrong")]);
        assert_eq!(auth.authenticate(&h, 0).await.unwrap(), None);
        assert_eq!(auth.authenticate(&headers(&[]), 0).await.unwrap(), None);
        // Without --inbox-token no Bearer is ever accepted, not even an empty one.
        let tokenless = InboxAuth::new(store, None);
        assert!(!tokenless.token_matches(""));
        let _ = std::fs::remove_file(path);
    }

    use crate::accounts::VERIFY_SERIAL as SERIAL;

    #[tokio::test]
    async fn every_login_verifies_one_hash_real_or_dummy() {
        let _serial = SERIAL.lock().await;
        let (store, path) = store();
        let auth = InboxAuth::new(Arc::clone(&store), None);
        account(&store, "ada@shop.example", Role::Owner).await;
        let bo = account(&store, "bo@shop.example", Role::Agent).await;
        store
            .change_account(bo.id, AccountChange::Disable)
            .await
            .unwrap();
        let count = || accounts::VERIFICATIONS.load(std::sync::atomic::Ordering::SeqCst);
        for (email, password, want) in [
            ("nobody@shop.example", "correct horse battery", Login::Wrong),
            ("ada@shop.example", "wrong password", Login::Wrong),
            ("bo@shop.example", "correct horse battery", Login::Wrong),
        ] {
            let before = count();
            let got = auth.login(email, password, None, 0).await.unwrap();
            assert_eq!((got, count() - before), (want, 1), "{email}");
        }
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn sessions_expire_and_are_revoked() {
        let _serial = SERIAL.lock().await;
        let (store, path) = store();
        let auth = InboxAuth::new(Arc::clone(&store), None);
        let ada = account(&store, "ada@shop.example", Role::Owner).await;
        let bo = account(&store, "bo@shop.example", Role::Agent).await;
        let now = 1_800_000_000_000;
        let Login::Session(id) = auth
            .login(" Ada@Shop.example", "correct horse battery", None, now)
            .await
            .unwrap()
        else {
            panic!("login failed")
        };
        assert_eq!(id.len(), 64);
        let cookie_header = format!("theme=dark; {COOKIE}={id}");
        let h = headers(&[("cookie", &cookie_header)]);
        let owner = auth.authenticate(&h, now).await.unwrap().unwrap();
        assert_eq!(owner.name(), "ada@shop.example");
        assert!(owner.may(Action::ManageAccounts));
        assert!(owner.csrf_ok(owner.csrf()));
        assert!(!owner.csrf_ok("") && !owner.csrf_ok("nope"));
        // Only the hash is stored.
        let Owner::Session { id_hash, .. } = &owner else {
            panic!()
        };
        assert_ne!(id_hash, &id);
        assert_eq!(id_hash, &session_hash(&id));
        // Expiry.
        let ttl = SESSION_TTL.as_millis() as u64;
        assert!(auth
            .authenticate(&h, now + ttl - 1)
            .await
            .unwrap()
            .is_some());
        assert!(auth.authenticate(&h, now + ttl).await.unwrap().is_none());
        // Logout ends only that session.
        let other = auth.start_session(ada.id, now).await.unwrap();
        let h2 = headers(&[("cookie", &format!("{COOKIE}={other}"))]);
        auth.logout(&session_hash(&id)).await.unwrap();
        assert!(auth.authenticate(&h, now).await.unwrap().is_none());
        assert!(auth.authenticate(&h2, now).await.unwrap().is_some());
        // A password change ends every session; so does "log out everywhere" and disabling.
        let hash = accounts::hash_password("another good one").unwrap();
        store
            .change_account(ada.id, AccountChange::Password(hash))
            .await
            .unwrap();
        assert!(auth.authenticate(&h2, now).await.unwrap().is_none());
        let s1 = auth.start_session(bo.id, now).await.unwrap();
        let h3 = headers(&[("cookie", &format!("{COOKIE}={s1}"))]);
        let agent = auth.authenticate(&h3, now).await.unwrap().unwrap();
        assert!(agent.may(Action::Work) && !agent.may(Action::Export));
        assert_eq!(store.end_sessions(bo.id).await.unwrap(), 1);
        assert!(auth.authenticate(&h3, now).await.unwrap().is_none());
        let s2 = auth.start_session(bo.id, now).await.unwrap();
        let h4 = headers(&[("cookie", &format!("{COOKIE}={s2}"))]);
        store
            .change_account(bo.id, AccountChange::Disable)
            .await
            .unwrap();
        assert!(auth.authenticate(&h4, now).await.unwrap().is_none());
        // A disabled account cannot log in, with the answer of a wrong password.
        assert_eq!(
            auth.login("bo@shop.example", "correct horse battery", None, now)
                .await
                .unwrap(),
            Login::Wrong
        );
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn logins_are_limited_per_email_and_per_address_alike_for_unknown_emails() {
        let _serial = SERIAL.lock().await;
        let (store, path) = store();
        let auth = InboxAuth::new(Arc::clone(&store), None);
        account(&store, "ada@shop.example", Role::Owner).await;
        let now = 1_800_000_000_000;
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for email in ["ada@shop.example", "nobody@shop.example"] {
            for _ in 0..5 {
                assert_eq!(
                    auth.login(email, "wrong password!", Some(ip), now)
                        .await
                        .unwrap(),
                    Login::Wrong,
                    "{email}"
                );
            }
            // The sixth is refused unchecked, even with the right password.
            let Login::Limited(wait) = auth
                .login(email, "correct horse battery", None, now + 1000)
                .await
                .unwrap()
            else {
                panic!("{email}: not limited")
            };
            assert_eq!(wait.as_secs(), 15 * 60 - 1, "{email}");
        }
        // Ten failures from one address so far; the per-address limit is twenty.
        for i in 0..10 {
            let email = format!("guess{i}@shop.example");
            assert_eq!(
                auth.login(&email, "x", Some(ip), now).await.unwrap(),
                Login::Wrong
            );
        }
        assert!(matches!(
            auth.login("new@shop.example", "x", Some(ip), now)
                .await
                .unwrap(),
            Login::Limited(_)
        ));
        // The window passes: the right password works again, and forgets the email's count.
        let later = now + 15 * 60 * 1000 + 1;
        assert!(matches!(
            auth.login("ada@shop.example", "correct horse battery", Some(ip), later)
                .await
                .unwrap(),
            Login::Session(_)
        ));
        let _ = std::fs::remove_file(path);
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
