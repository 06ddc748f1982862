//! People who work in the inbox: account rules, roles and what each may do, password hashing,
//! and the login limits. Pure apart from the hashing (CPU only): the store keeps the rows,
//! `auth` the sessions, `inbox` the pages.
//!
//! Passwords are hashed with Argon2id (RustCrypto's `argon2`, PHC string format) with the
//! parameters in [`ARGON2_PARAMS`]: 19 MiB of memory, 2 passes, 1 lane — the OWASP
//! password-storage recommendation, about 30 ms a hash on one core of a small server. A
//! stored hash carries its own parameters, so raising them later only affects new hashes.
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use std::time::Duration;

/// Argon2id's memory (KiB), passes and lanes: OWASP's first recommended setting.
pub const ARGON2_PARAMS: (u32, u32, u32) = (19 * 1024, 2, 1);
/// Shortest password accepted (NIST SP 800-63B asks at least 8; a shop's shared inbox
/// deserves a little more).
pub const PASSWORD_MIN: usize = 10;
/// Longest password accepted: hashing cost does not depend on length with Argon2, but a
/// megabyte "password" is not one.
pub const PASSWORD_MAX: usize = 256;
/// Longest email address (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest display name.
pub const NAME_MAX: usize = 100;

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything: the queue and items, exports, accounts, settings.
    Owner,
    /// The queue and items only: no export, no accounts, no settings.
    Agent,
}

impl Role {
    /// Both roles, owner first.
    pub const ALL: [Role; 2] = [Role::Owner, Role::Agent];

    /// The name stored and typed (`owner`, `agent`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Agent => "agent",
        }
    }

    /// The label shown in the inbox.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Agent => "Agent",
        }
    }

    /// True when this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::Work => true,
            Action::Export | Action::ManageAccounts | Action::Settings => self == Role::Owner,
        }
    }
}

impl std::str::FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Role, AccountError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Role::Owner),
            "agent" => Ok(Role::Agent),
            other => Err(AccountError::UnknownRole(other.to_owned())),
        }
    }
}

/// What an inbox route needs the caller to be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read the queue and items, change statuses, record calls, take and reassign.
    Work,
    /// Download CSV/JSON exports.
    Export,
    /// Add, disable, reset and change the role of accounts.
    ManageAccounts,
    /// Change the collector's settings from the inbox.
    Settings,
}

/// One account as the inbox and the CLI show it (never its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The database id.
    pub id: i64,
    /// The login email, lowercase.
    pub email: String,
    /// The name shown beside the email (may be empty).
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// True once disabled: it cannot log in and its sessions are gone.
    pub disabled: bool,
    /// When it was created (UTC RFC 3339).
    pub created_at: String,
}

impl Account {
    /// How the history and the pages name it: the name and email, or the email alone.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }
}

/// A refused account change, in words fit for the CLI and the inbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// Not an email address.
    #[error("`{0}` is not an email address")]
    BadEmail(String),
    /// Too short or too long.
    #[error("a password needs {PASSWORD_MIN} to {PASSWORD_MAX} characters")]
    BadPassword,
    /// Not `owner` or `agent`.
    #[error("unknown role `{0}`; use owner or agent")]
    UnknownRole(String),
    /// The name is too long or has control characters.
    #[error("a name is at most {NAME_MAX} characters, without control characters")]
    BadName,
    /// Another account has this email.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// No account with this email or id.
    #[error("no such account")]
    NotFound,
    /// Would leave no enabled owner: nobody could manage accounts any more.
    #[error("this is the last enabled owner: add or promote another owner first")]
    LastOwner,
    /// The system's random source failed.
    #[error("no randomness for a password salt")]
    Random,
    /// Hashing failed (only with broken parameters).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// The email as stored and compared: trimmed and lowercase, checked to look like one
/// (`local@domain.tld`, no spaces or control characters).
pub fn normalize_email(raw: &str) -> Result<String, AccountError> {
    let email = raw.trim().to_lowercase();
    let ok = email.len() <= EMAIL_MAX
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !local.contains('@')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && domain.contains('.')
            }
            None => false,
        };
    if ok {
        Ok(email)
    } else {
        Err(AccountError::BadEmail(
            raw.trim().chars().take(80).collect(),
        ))
    }
}

/// A display name, trimmed; control characters and overlong names are refused.
pub fn normalize_name(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim();
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(AccountError::BadName);
    }
    Ok(name.to_owned())
}

/// Checks a new password's length (in characters, whatever the script). Nothing else is
/// imposed: composition rules make passwords worse, length makes them better.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if (PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        Ok(())
    } else {
        Err(AccountError::BadPassword)
    }
}

fn argon2() -> Argon2<'static> {
    let (m, t, p) = ARGON2_PARAMS;
    // The constants are valid parameters: `Params::new` only fails outside Argon2's ranges.
    let params = Params::new(m, t, p, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with Argon2id and a fresh 128-bit salt; the PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`) is what the store keeps. CPU-heavy (tens of ms):
/// call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|_| AccountError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// How many password verifications this process ran (every login attempt runs exactly one,
/// real or dummy: the tests check it, as a timing measurement on a shared machine cannot).
pub static VERIFICATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Held by every unit test that verifies passwords, so one test can count its own.
#[cfg(test)]
pub(crate) static VERIFY_SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// True when `password` matches the stored PHC string (with the parameters it names). A
/// malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    VERIFICATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match PasswordHash::new(stored) {
        Ok(hash) => argon2().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody knows, with the same parameters as real ones: a login for an
/// unknown or disabled email is verified against it, so it costs what a wrong password costs
/// and the two cannot be told apart by timing.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 24];
        let _ = getrandom::getrandom(&mut secret);
        let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        // A fixed fallback only if the system has no randomness at all (then login fails
        // elsewhere too); the timing is what matters here.
        hash_password(&secret).unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$\
             AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                .to_owned()
        })
    })
}

/// How many wrong passwords are allowed within [`LoginLimits::window`], per account and per
/// client address, counted in the database so every collector sharing it enforces the same
/// limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Wrong passwords for one email within the window before it is refused.
    pub per_account: u32,
    /// Wrong passwords from one address within the window before it is refused.
    pub per_address: u32,
    /// The sliding window.
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> LoginLimits {
        LoginLimits {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// The failure count of one login key within the window, and when its oldest counted
/// failure happened (milliseconds since the epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Failures within the window.
    pub count: u32,
    /// The oldest of them, if any.
    pub oldest_ms: Option<i64>,
}

impl LoginLimits {
    /// `Some(wait)` when a key with `tally` failures is refused at `now_ms` with `limit`: it
    /// may try again once its oldest failure leaves the window.
    pub fn wait(&self, tally: Tally, limit: u32, now_ms: i64) -> Option<Duration> {
        if limit == 0 || tally.count < limit {
            return None;
        }
        let window = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX);
        let free_at = tally.oldest_ms.unwrap_or(now_ms).saturating_add(window);
        Some(Duration::from_millis(
            u64::try_from(free_at.saturating_sub(now_ms))
                .unwrap_or(0)
                .max(1000),
        ))
    }
}

/// The login-failure key of an email (whether or not an account has it: unknown emails are
/// limited the same, so the limit says nothing about which emails exist).
pub fn email_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

/// The login-failure key of a client address.
pub fn address_key(ip: std::net::IpAddr) -> String {
    format!("ip:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        for (raw, want) in [
            ("Ada@Shop.Example", Some("ada@shop.example")),
            ("  bo@x.io ", Some("bo@x.io")),
            ("a.b+c@sub.shop.example", Some("a.b+c@sub.shop.example")),
            ("no-at.example", None),
            ("@shop.example", None),
            ("ada@localhost", None),
            ("ada@.example", None),
            ("ada@shop.", None),
            ("a da@shop.example", None),
            ("ada@shop@example.com", None),
            ("", None),
        ] {
            assert_eq!(normalize_email(raw).ok().as_deref(), want, "{raw:?}");
        }
        let long = format!("{}@shop.example", "a".repeat(250));
        assert!(normalize_email(&long).is_err());
    }

    #[test]
    fn password_and_name_rules() {
        assert_eq!(check_password("short"), Err(AccountError::BadPassword));
        assert_eq!(
            check_password(&"x".repeat(9)),
            Err(AccountError::BadPassword)
        );
        assert!(check_password(&"x".repeat(10)).is_ok());
        // Characters, not bytes: ten accented letters are ten.
        assert!(check_password(&"é".repeat(10)).is_ok());
        assert!(check_password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
        assert_eq!(normalize_name("  Ada  ").unwrap(), "Ada");
        assert!(normalize_name("A\u{7}da").is_err());
        assert!(normalize_name(&"n".repeat(101)).is_err());
    }

    #[test]
    fn roles_parse_and_allow() {
        assert_eq!("Owner".parse::<Role>().unwrap(), Role::Owner);
        assert_eq!(" agent ".parse::<Role>().unwrap(), Role::Agent);
        assert!("admin".parse::<Role>().is_err());
        // The matrix of the issue: agents work the queue and items, nothing else.
        for (role, action, allowed) in [
            (Role::Owner, Action::Work, true),
            (Role::Owner, Action::Export, true),
            (Role::Owner, Action::ManageAccounts, true),
            (Role::Owner, Action::Settings, true),
            (Role::Agent, Action::Work, true),
            (Role::Agent, Action::Export, false),
            (Role::Agent, Action::ManageAccounts, false),
            (Role::Agent, Action::Settings, false),
        ] {
            assert_eq!(role.may(action), allowed, "{role:?} {action:?}");
        }
    }

    #[test]
    fn argon2id_hashes_verify_and_carry_their_parameters() {
        let _serial = VERIFY_SERIAL.blocking_lock();
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        // A fresh salt each time: equal passwords do not give equal hashes.
        assert_ne!(hash, hash_password("correct horse battery").unwrap());
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify_password("", dummy_hash()));
    }

    #[test]
    fn login_limits_wait_until_the_oldest_failure_leaves_the_window() {
        let limits = LoginLimits::default();
        let now = 10_000_000;
        let tally = |count, oldest: i64| Tally {
            count,
            oldest_ms: Some(oldest),
        };
        assert_eq!(limits.wait(tally(4, now - 1000), 5, now), None);
        let wait = limits.wait(tally(5, now - 60_000), 5, now).unwrap();
        assert_eq!(wait, Duration::from_secs(14 * 60));
        // Never a zero Retry-After, and a limit of 0 is off.
        assert_eq!(
            limits.wait(tally(5, now - 900_000), 5, now),
            Some(Duration::from_secs(1))
        );
        assert_eq!(limits.wait(tally(99, now), 0, now), None);
        assert_eq!(email_key(" Ada@Shop.Example"), "email:ada@shop.example");
    }
}
