//! Where submissions are kept: the [`Store`] trait and its SQLite implementation.
//!
//! The trait is deliberately small and blocking (callers run it on the blocking pool) so
//! another backend, say Postgres or a mail relay, only has to implement two methods.
//! SQLite is the default because a single file needs no server and survives restarts:
//! WAL with `synchronous=FULL` means a row is on disk once `insert` returns.
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use allo_core::submission::{Submission, When};
use rusqlite::{params, Connection, OpenFlags};

/// One submission as stored: the raw JSON plus the columns shops query by.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The submission id (UUID v4 from the browser), the primary key.
    pub id: String,
    /// The short reference shown to the visitor (`XXXX-XXXX`).
    pub reference: String,
    /// `feedback` or `callback`.
    pub kind: &'static str,
    /// When the visitor pressed send (client clock).
    pub created_at: String,
    /// When the collector received it (server clock, UTC RFC 3339).
    pub received_at: String,
    /// The widget's language.
    pub locale: String,
    /// Page URL, when captured.
    pub page_url: Option<String>,
    /// Page title, when captured.
    pub page_title: Option<String>,
    /// Visitor's name.
    pub visitor_name: Option<String>,
    /// Visitor's email.
    pub visitor_email: Option<String>,
    /// Visitor's phone as typed.
    pub visitor_phone: Option<String>,
    /// `csat`, `nps` or `ces`.
    pub feedback_metric: Option<&'static str>,
    /// The score.
    pub feedback_score: Option<u8>,
    /// The chosen category.
    pub feedback_category: Option<String>,
    /// The message.
    pub feedback_message: Option<String>,
    /// The number to call, E.164.
    pub callback_phone_e164: Option<String>,
    /// ISO country of the number.
    pub callback_country: Option<String>,
    /// `asap` or `slot`.
    pub callback_when_mode: Option<&'static str>,
    /// Slot start.
    pub callback_slot_from: Option<String>,
    /// Slot end.
    pub callback_slot_to: Option<String>,
    /// The shop's time zone.
    pub callback_timezone: Option<String>,
    /// Why they want a call.
    pub callback_reason: Option<String>,
    /// Marked urgent.
    pub callback_urgent: Option<bool>,
    /// The promise shown to the visitor.
    pub callback_promise_text: Option<String>,
    /// The latest time the shop promised to call.
    pub callback_due_by: Option<String>,
    /// When consent was given.
    pub consent_given_at: Option<String>,
    /// The consent text shown.
    pub consent_text: Option<String>,
    /// The owner's consent version label.
    pub consent_version: Option<String>,
    /// The request body exactly as received.
    pub body: String,
}

impl Record {
    /// Flattens a validated submission into its row.
    pub fn new(sub: &Submission, body: String, received_at: String) -> Record {
        let page = sub.page.as_ref();
        let fb = sub.feedback.as_ref();
        let cb = sub.callback.as_ref();
        let consent = sub.consent.as_ref();
        let slot = cb.and_then(|c| match &c.when {
            When::Slot { from, to } => Some((from.clone(), to.clone())),
            When::Asap => None,
        });
        Record {
            id: sub.id.clone(),
            reference: allo_core::id::reference(&sub.id),
            kind: sub.kind.as_str(),
            created_at: sub.created_at.clone(),
            received_at,
            locale: sub.locale.clone(),
            page_url: page.map(|p| p.url.clone()),
            page_title: page.map(|p| p.title.clone()),
            visitor_name: sub.visitor.name.clone(),
            visitor_email: sub.visitor.email.clone(),
            visitor_phone: sub.visitor.phone.clone(),
            feedback_metric: fb.map(|f| f.metric.as_str()),
            feedback_score: fb.map(|f| f.score),
            feedback_category: fb.and_then(|f| f.category.clone()),
            feedback_message: fb.map(|f| f.message.clone()),
            callback_phone_e164: cb.map(|c| c.phone_e164.clone()),
            callback_country: cb.map(|c| c.country.clone()),
            callback_when_mode: cb.map(|c| match c.when {
                When::Asap => "asap",
                When::Slot { .. } => "slot",
            }),
            callback_slot_from: slot.as_ref().map(|s| s.0.clone()),
            callback_slot_to: slot.map(|s| s.1),
            callback_timezone: cb.map(|c| c.timezone.clone()),
            callback_reason: cb.map(|c| c.reason.clone()),
            callback_urgent: cb.map(|c| c.urgent),
            callback_promise_text: cb.map(|c| c.promise.text.clone()),
            callback_due_by: cb.map(|c| c.promise.due_by.clone()),
            consent_given_at: consent.map(|c| c.given_at.clone()),
            consent_text: consent.map(|c| c.text.clone()),
            consent_version: consent.map(|c| c.version.clone()),
            body,
        }
    }
}

/// What [`Store::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// A new row was written and committed.
    New,
    /// A row with this id already existed; nothing was written (an idempotent retry).
    Duplicate,
}

/// A storage failure, with a message fit for the log.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

/// A place to keep submissions. Methods block; call them off the async runtime.
pub trait Store: Send + Sync + 'static {
    /// Stores the record unless its id is already stored; durable when it returns `Ok`.
    fn insert(&self, record: &Record) -> Result<Inserted, StoreError>;
    /// A trivial round trip proving the store answers, for `/healthz`.
    fn ping(&self) -> Result<(), StoreError>;
}

/// The schema, one step per entry: entry `n` takes `user_version` from `n` to `n + 1`.
/// Append new steps; never edit a released one, databases in the field already ran it.
const MIGRATIONS: &[&str] = &[
    // 1: the submissions table.
    "CREATE TABLE submissions (
        id                    TEXT PRIMARY KEY NOT NULL,
        reference             TEXT NOT NULL,
        kind                  TEXT NOT NULL CHECK (kind IN ('feedback', 'callback')),
        created_at            TEXT NOT NULL,
        received_at           TEXT NOT NULL,
        locale                TEXT NOT NULL,
        page_url              TEXT,
        page_title            TEXT,
        visitor_name          TEXT,
        visitor_email         TEXT,
        visitor_phone         TEXT,
        feedback_metric       TEXT,
        feedback_score        INTEGER,
        feedback_category     TEXT,
        feedback_message      TEXT,
        callback_phone_e164   TEXT,
        callback_country      TEXT,
        callback_when_mode    TEXT,
        callback_slot_from    TEXT,
        callback_slot_to      TEXT,
        callback_timezone     TEXT,
        callback_reason       TEXT,
        callback_urgent       INTEGER,
        callback_promise_text TEXT,
        callback_due_by       TEXT,
        consent_given_at      TEXT,
        consent_text          TEXT,
        consent_version       TEXT,
        status                TEXT NOT NULL DEFAULT 'new',
        body                  TEXT NOT NULL
    );
    -- The shop's usual questions: what is new, what is due, and 'my reference is 3F25-04E0'.
    CREATE INDEX submissions_status_received ON submissions (status, received_at);
    CREATE INDEX submissions_kind_received ON submissions (kind, received_at);
    CREATE INDEX submissions_due_by ON submissions (callback_due_by) WHERE callback_due_by IS NOT NULL;
    CREATE INDEX submissions_reference ON submissions (reference);",
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Submissions in one SQLite file.
pub struct SqliteStore {
    // One connection behind a mutex: SQLite serialises writers anyway, and the widget's
    // traffic (a few submissions a minute) is nowhere near what one connection can do.
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError(format!("cannot open database {}: {e}", path.display())))?;
        Self::prepare(&conn)
            .map_err(|e| StoreError(format!("cannot use database {}: {e}", path.display())))?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn prepare(conn: &Connection) -> Result<(), StoreError> {
        // Another process (a shop's admin script) may hold the lock for a moment: wait for it
        // rather than failing a visitor's submission.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL lets readers (exports, dashboards) run while the collector writes; FULL syncs the
        // WAL on every commit so a 201 survives a power cut, not only a crash.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "SQLite refused WAL mode (network filesystem?); continuing");
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrate(conn)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half transaction behind (SQLite rolls
        // back an unfinished one), so a poisoned lock is still safe to use.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Runs every migration newer than the database's `user_version`, each in its own transaction.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > SCHEMA_VERSION {
        return Err(StoreError(format!(
            "its schema version {current} is newer than this collector's ({SCHEMA_VERSION}); upgrade allo-collector"
        )));
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let version = step + 1;
        // `user_version` is set inside the same transaction, so a crash mid-migration leaves
        // the old version and the step simply runs again.
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })?;
        tracing::info!(version, "database migrated");
    }
    Ok(())
}

impl Store for SqliteStore {
    fn insert(&self, r: &Record) -> Result<Inserted, StoreError> {
        let conn = self.lock();
        // ON CONFLICT DO NOTHING makes "is it new?" and "store it" one atomic statement, so two
        // concurrent retries of the same submission cannot both get a 201. Autocommit: the row
        // is committed (and, with synchronous=FULL, synced) when `execute` returns.
        let changed = conn
            .prepare_cached(
                "INSERT INTO submissions (
                    id, reference, kind, created_at, received_at, locale, page_url, page_title,
                    visitor_name, visitor_email, visitor_phone,
                    feedback_metric, feedback_score, feedback_category, feedback_message,
                    callback_phone_e164, callback_country, callback_when_mode, callback_slot_from,
                    callback_slot_to, callback_timezone, callback_reason, callback_urgent,
                    callback_promise_text, callback_due_by,
                    consent_given_at, consent_text, consent_version, body
                ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                          ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)
                ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                r.id,
                r.reference,
                r.kind,
                r.created_at,
                r.received_at,
                r.locale,
                r.page_url,
                r.page_title,
                r.visitor_name,
                r.visitor_email,
                r.visitor_phone,
                r.feedback_metric,
                r.feedback_score,
                r.feedback_category,
                r.feedback_message,
                r.callback_phone_e164,
                r.callback_country,
                r.callback_when_mode,
                r.callback_slot_from,
                r.callback_slot_to,
                r.callback_timezone,
                r.callback_reason,
                r.callback_urgent,
                r.callback_promise_text,
                r.callback_due_by,
                r.consent_given_at,
                r.consent_text,
                r.consent_version,
                r.body,
            ])?;
        Ok(if changed == 1 {
            Inserted::New
        } else {
            Inserted::Duplicate
        })
    }

    fn ping(&self) -> Result<(), StoreError> {
        let one: i64 = self.lock().query_row("SELECT 1", [], |row| row.get(0))?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError("SELECT 1 returned something else".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("allo-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("db.sqlite")
    }

    #[test]
    fn migrations_run_once_and_set_user_version() {
        let path = temp_db("migrate");
        drop(SqliteStore::open(&path).unwrap());
        // Reopening must not try to create the table again.
        let store = SqliteStore::open(&path).unwrap();
        let conn = store.lock();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, SCHEMA_VERSION);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let path = temp_db("newer");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA user_version = 99").unwrap();
        }
        let err = SqliteStore::open(&path).err().unwrap();
        assert!(err.0.contains("newer"), "{err}");
    }

    #[test]
    fn unopenable_path_names_the_path() {
        let err = SqliteStore::open(Path::new("/nonexistent-dir/x.sqlite"))
            .err()
            .unwrap();
        assert!(err.0.contains("/nonexistent-dir/x.sqlite"), "{err}");
    }
}
