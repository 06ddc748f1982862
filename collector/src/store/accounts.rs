//! Where accounts, login sessions, login failures and assignments are kept: the
//! [`AccountStore`] half of [`super::Store`], with the SQL both backends share.
//!
//! Everything here is in the database, not in a process, so a restart logs nobody out and
//! several collectors sharing one database accept each other's sessions and count the same
//! login failures. Session ids are never stored: only their SHA-256 (see the `auth` module).
use async_trait::async_trait;

use super::StoreError;
use crate::accounts::{Account, Role, Tally};

/// A new account to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    /// Normalised email (see [`crate::accounts::normalize_email`]).
    pub email: String,
    /// Display name, possibly empty.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The Argon2id PHC string.
    pub password_hash: String,
    /// When (UTC RFC 3339).
    pub created_at: String,
}

/// A change to an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountChange {
    /// No more logins; its sessions end now.
    Disable,
    /// May log in again.
    Enable,
    /// A new password hash; its sessions end now (whoever knew the old one is logged out).
    Password(String),
    /// A new role (takes effect on the next request of its sessions).
    Role(Role),
}

/// What [`AccountStore::change_account`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    /// Done; the account as it is now.
    Done(Account),
    /// No account has this id.
    NotFound,
    /// Refused: it would leave no enabled owner.
    LastOwner,
}

/// A session to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 of the cookie value, hex.
    pub id_hash: String,
    /// Whose.
    pub account_id: i64,
    /// Its CSRF token.
    pub csrf: String,
    /// When it began (UTC RFC 3339).
    pub created_at: String,
    /// When it ends (UTC RFC 3339).
    pub expires_at: String,
}

/// Which submissions a listing includes, by who took them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Assigned {
    /// Whoever.
    #[default]
    Any,
    /// Taken by this account.
    To(i64),
    /// Taken by nobody.
    Nobody,
}

impl Assigned {
    /// The SQL condition (ids are integers from our own code: safe to inline).
    pub(crate) fn clause(self) -> Option<String> {
        match self {
            Assigned::Any => None,
            Assigned::To(id) => Some(format!("assigned_to = {id}")),
            Assigned::Nobody => Some("assigned_to IS NULL".to_owned()),
        }
    }
}

/// Accounts, sessions, login failures and assignments (both backends).
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Stores a new account; `None` when another has the email.
    async fn create_account(&self, account: NewAccount) -> Result<Option<Account>, StoreError>;

    /// Every account, by email.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// The account with this (normalised) email and its password hash.
    async fn account_by_email(
        &self,
        email: String,
    ) -> Result<Option<(Account, String)>, StoreError>;

    /// Applies `change` to account `id` in one transaction (ending its sessions when the
    /// change says so), unless it would leave no enabled owner.
    async fn change_account(&self, id: i64, change: AccountChange) -> Result<Changed, StoreError>;

    /// Stores a session (and drops expired ones, so the table does not grow forever).
    async fn create_session(&self, session: NewSession) -> Result<(), StoreError>;

    /// The enabled account and CSRF token of an unexpired session at `now`.
    async fn session(
        &self,
        id_hash: String,
        now: String,
    ) -> Result<Option<(Account, String)>, StoreError>;

    /// Ends one session.
    async fn end_session(&self, id_hash: String) -> Result<(), StoreError>;

    /// Ends every session of an account ("log out everywhere"); how many there were.
    async fn end_sessions(&self, account_id: i64) -> Result<u64, StoreError>;

    /// Counts one failed login under each of `keys` at `at_ms`; failures before
    /// `forget_before_ms` are dropped.
    async fn login_failed(
        &self,
        keys: Vec<String>,
        at_ms: i64,
        forget_before_ms: i64,
    ) -> Result<(), StoreError>;

    /// The failures of `key` since `since_ms`.
    async fn login_tally(&self, key: String, since_ms: i64) -> Result<Tally, StoreError>;

    /// Forgets the failures of `key` (after a successful login).
    async fn login_forget(&self, key: String) -> Result<(), StoreError>;

    /// Gives submission `id` to `to` (`None`: nobody), with a history line `note` by `by` at
    /// `at`, in one transaction; `false` when no submission has this id.
    async fn assign(
        &self,
        id: String,
        to: Option<i64>,
        by: String,
        note: String,
        at: String,
    ) -> Result<bool, StoreError>;

    /// Among `ids`, the submissions someone took, with the account id.
    async fn assignees(&self, ids: Vec<String>) -> Result<Vec<(String, i64)>, StoreError>;
}

/// The columns of an [`Account`] for `SELECT`s, in [`account_from`]'s order.
pub(crate) const ACCOUNT_COLUMNS: &str = "id, email, name, role, disabled_at, created_at";

/// Builds an account from its columns; an unknown role (from a newer build) reads as agent,
/// the lesser one.
pub(crate) fn account_from(
    id: i64,
    email: String,
    name: String,
    role: &str,
    disabled_at: Option<String>,
    created_at: String,
) -> Account {
    Account {
        id,
        email,
        name,
        role: role.parse().unwrap_or(Role::Agent),
        disabled: disabled_at.is_some(),
        created_at,
    }
}

/// Enabled owners other than `id` (the last-owner rule).
pub(crate) const OTHER_OWNERS_SQL: &str =
    "SELECT COUNT(*) FROM accounts WHERE role = 'owner' AND disabled_at IS NULL AND id <> ";

/// True when `change` to an account that is now (`role`, `disabled`) would remove an enabled
/// owner.
pub(crate) fn removes_an_owner(change: &AccountChange, role: Role, disabled: bool) -> bool {
    role == Role::Owner
        && !disabled
        && matches!(
            change,
            AccountChange::Disable | AccountChange::Role(Role::Agent)
        )
}

/// True when `change` ends the account's sessions.
pub(crate) fn ends_sessions(change: &AccountChange) -> bool {
    matches!(change, AccountChange::Disable | AccountChange::Password(_))
}

/// The statements both backends run as they are, written with PostgreSQL's `$n`
/// placeholders; SQLite reads them through [`sqlite_placeholders`] (its `?n` is numbered the
/// same way, whereas its `$n` would be a *named* parameter numbered by first appearance).
pub(crate) mod sql {
    use super::ACCOUNT_COLUMNS;

    /// Stores a new account unless the email is taken; returns it.
    pub(crate) fn create_account() -> String {
        format!(
            "INSERT INTO accounts (email, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING \
             RETURNING {ACCOUNT_COLUMNS}"
        )
    }
    /// Every account, by email.
    pub(crate) fn accounts() -> String {
        format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY email")
    }
    /// An account and its password hash by email.
    pub(crate) fn account_by_email() -> String {
        format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE email = $1")
    }
    /// An account by id.
    pub(crate) fn account_by_id() -> String {
        format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1")
    }
    /// Disables account `$1` at `$2` (a disabled one keeps its first date).
    pub(crate) const DISABLE: &str =
        "UPDATE accounts SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL";
    /// Enables account `$1`.
    pub(crate) const ENABLE: &str = "UPDATE accounts SET disabled_at = NULL WHERE id = $1";
    /// Sets account `$1`'s password hash to `$2`.
    pub(crate) const PASSWORD: &str = "UPDATE accounts SET password_hash = $2 WHERE id = $1";
    /// Sets account `$1`'s role to `$2`.
    pub(crate) const ROLE: &str = "UPDATE accounts SET role = $2 WHERE id = $1";
    /// Ends every session of account `$1`.
    pub(crate) const END_SESSIONS: &str = "DELETE FROM sessions WHERE account_id = $1";
    /// Drops the sessions expired at `$1`.
    pub(crate) const DROP_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
    /// Stores a session.
    pub(crate) const CREATE_SESSION: &str =
        "INSERT INTO sessions (id_hash, account_id, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)";
    /// The enabled account and CSRF token of session `$1` unexpired at `$2`.
    pub(crate) const SESSION: &str =
        "SELECT a.id, a.email, a.name, a.role, a.disabled_at, a.created_at, s.csrf \
         FROM sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL";
    /// Ends session `$1`.
    pub(crate) const END_SESSION: &str = "DELETE FROM sessions WHERE id_hash = $1";
    /// Forgets failures before `$1`.
    pub(crate) const FORGET_OLD_FAILURES: &str = "DELETE FROM login_failures WHERE at_ms < $1";
    /// Counts one failure of key `$1` at `$2`.
    pub(crate) const LOGIN_FAILED: &str = "INSERT INTO login_failures (key, at_ms) VALUES ($1, $2)";
    /// The failures of key `$1` since `$2`: how many and the oldest.
    pub(crate) const LOGIN_TALLY: &str =
        "SELECT COUNT(*), MIN(at_ms) FROM login_failures WHERE key = $1 AND at_ms >= $2";
    /// Forgets the failures of key `$1`.
    pub(crate) const LOGIN_FORGET: &str = "DELETE FROM login_failures WHERE key = $1";
    /// Gives submission `$1` to account `$2` (NULL: nobody).
    pub(crate) const ASSIGN: &str = "UPDATE submissions SET assigned_to = $2 WHERE id = $1";
    /// The history line of an assignment: submission `$1`, at `$2`, by `$3`, status `$4`
    /// (unchanged), note `$5`.
    pub(crate) const ASSIGN_HISTORY: &str = "INSERT INTO status_history \
         (submission_id, changed_at, changed_by, from_status, to_status, note) \
         VALUES ($1, $2, $3, $4, $4, $5)";
}

/// A statement of [`sql`] with SQLite's numbered placeholders (`$n` becomes `?n`; no
/// statement there has a `$` elsewhere).
pub(crate) fn sqlite_placeholders(sql: &str) -> String {
    sql.replace('$', "?")
}

/// The assignment list query for `n` ids (both backends).
pub(crate) fn assignees_sql(n: usize, ph: impl Fn(usize) -> String) -> String {
    let list: Vec<String> = (1..=n).map(ph).collect();
    format!(
        "SELECT id, assigned_to FROM submissions WHERE assigned_to IS NOT NULL AND id IN ({})",
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_reads_the_shared_statements_with_numbered_placeholders() {
        assert_eq!(
            sqlite_placeholders(sql::PASSWORD),
            "UPDATE accounts SET password_hash = ?2 WHERE id = ?1"
        );
    }

    #[test]
    fn the_last_owner_rule_and_session_endings() {
        use AccountChange as C;
        assert!(removes_an_owner(&C::Disable, Role::Owner, false));
        assert!(removes_an_owner(&C::Role(Role::Agent), Role::Owner, false));
        assert!(
            !removes_an_owner(&C::Disable, Role::Owner, true),
            "already disabled"
        );
        assert!(!removes_an_owner(&C::Disable, Role::Agent, false));
        assert!(!removes_an_owner(
            &C::Password("h".into()),
            Role::Owner,
            false
        ));
        assert!(ends_sessions(&C::Disable) && ends_sessions(&C::Password("h".into())));
        assert!(!ends_sessions(&C::Enable) && !ends_sessions(&C::Role(Role::Owner)));
        assert_eq!(Assigned::To(7).clause().unwrap(), "assigned_to = 7");
        assert_eq!(Assigned::Any.clause(), None);
    }
}
