//! The SQLite store: one file, no server, durable on commit.
//!
//! WAL with `synchronous=FULL` means a row is on disk once its transaction commits. One
//! connection behind a mutex: SQLite serialises writers anyway, and holding the mutex for a
//! whole check-then-insert transaction is what makes the callback guard race-free.
mod accounts;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use rusqlite::{
    params, params_from_iter, Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior,
};

use super::{
    attempts_sql, call_state, count_sql, delivery_problems_sql, insert_attempt_sql, insert_sql,
    judge, list_sql, open_callback_sql, phone_count_sql, queue_stamp_sql, update_attempt_sql,
    AttemptInput, CallAttempt, Delivery, DeliveryKind, Filter, Guard, Inserted, NewReply,
    OutboxItem, OutboxMessage, Record, RecordStream, Recorded, Replied, ReplyRow, StatusChange,
    StatusEvent, Store, StoreError, CALL_STATE_SELECT, EXPORT_AHEAD,
};
use super::{insight_sql, queue_once_sql, InsightRow, ONCE_PREFIX};
use crate::attempts;
use crate::status::Status;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

/// The schema, one step per entry: entry `n` takes `user_version` from `n` to `n + 1`.
/// Append new steps; never edit a released one, databases in the field already ran it.
pub const MIGRATIONS: &[&str] = &[
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
    // 2: status history, the per-number callback checks, the webhook outbox.
    "CREATE TABLE status_history (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        changed_at    TEXT NOT NULL,
        changed_by    TEXT NOT NULL,
        from_status   TEXT NOT NULL,
        to_status     TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX status_history_submission ON status_history (submission_id, id);
    CREATE INDEX submissions_callback_phone ON submissions (callback_phone_e164, received_at)
        WHERE callback_phone_e164 IS NOT NULL;
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        submission_id   TEXT NOT NULL,
        url             TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        payload         TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        delivered_at    TEXT,
        failed_at       TEXT,
        last_error      TEXT
    );
    CREATE INDEX outbox_pending ON outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL;",
    // 3: what the visitor is told (status endpoint), email deliveries, server settings.
    "ALTER TABLE submissions ADD COLUMN visitor_message TEXT;
    ALTER TABLE submissions ADD COLUMN rescheduled_due_by TEXT;
    ALTER TABLE submissions ADD COLUMN status_updated_at TEXT;
    ALTER TABLE status_history ADD COLUMN visitor_message TEXT;
    ALTER TABLE status_history ADD COLUMN due_by TEXT;
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook';
    CREATE INDEX outbox_submission ON outbox (submission_id, id);
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    );",
    // 4: calls to callbacks' visitors, what they changed, and the search text (filled for
    // older rows by the code after migrating: it is folded in Rust, see crate::search).
    "CREATE TABLE call_attempts (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        at            TEXT NOT NULL,
        by_name       TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        retry_at      TEXT,
        note          TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX call_attempts_submission ON call_attempts (submission_id, id);
    ALTER TABLE submissions ADD COLUMN retry_at TEXT;
    ALTER TABLE submissions ADD COLUMN attempts_failed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE submissions ADD COLUMN first_attempt_at TEXT;
    ALTER TABLE submissions ADD COLUMN promise_kept INTEGER;
    ALTER TABLE submissions ADD COLUMN last_attempt_at TEXT;
    ALTER TABLE submissions ADD COLUMN last_outcome TEXT;
    ALTER TABLE submissions ADD COLUMN other_channel INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE submissions ADD COLUMN search_text TEXT;",
    // 5: inbox accounts, their sessions (only the id's hash is kept), failed logins counted
    // per account and per address, and who took each submission.
    "CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        email         TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL DEFAULT '',
        role          TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
        password_hash TEXT NOT NULL,
        disabled_at   TEXT,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY NOT NULL,
        account_id INTEGER NOT NULL REFERENCES accounts (id),
        csrf       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX sessions_account ON sessions (account_id);
    CREATE TABLE login_failures (
        id    INTEGER PRIMARY KEY AUTOINCREMENT,
        key   TEXT NOT NULL,
        at_ms INTEGER NOT NULL
    );
    CREATE INDEX login_failures_key ON login_failures (key, at_ms);
    ALTER TABLE submissions ADD COLUMN assigned_to INTEGER REFERENCES accounts (id);
    CREATE INDEX submissions_assigned ON submissions (assigned_to);",
    // 6: emails to visitors: each one's event key (unique: queued once whichever collector
    // queues it), the owner's replies, when the shop last answered, unsubscribing.
    "ALTER TABLE outbox ADD COLUMN event_key TEXT;
    CREATE UNIQUE INDEX outbox_event_key ON outbox (event_key);
    ALTER TABLE submissions ADD COLUMN answered_at TEXT;
    ALTER TABLE submissions ADD COLUMN unsubscribed_at TEXT;
    CREATE TABLE replies (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        at            TEXT NOT NULL,
        by_name       TEXT NOT NULL,
        body          TEXT NOT NULL,
        message_id    TEXT NOT NULL,
        event_key     TEXT NOT NULL
    );
    CREATE INDEX replies_submission ON replies (submission_id, id);",
    // 7: Insights reads by received time.
    "CREATE INDEX submissions_received ON submissions (received_at);",
    // 8: the owner's context of each submission (compact JSON, see crate::context).
    "ALTER TABLE submissions ADD COLUMN context TEXT;",
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

struct Inner {
    conn: Mutex<Connection>,
    path: PathBuf,
}

/// Submissions in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `path` and brings its schema up to date.
    /// Blocking: call it before serving or on the blocking pool.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError(format!("cannot open database {}: {e}", path.display())))?;
        Self::prepare(&conn)
            .map_err(|e| StoreError(format!("cannot use database {}: {e}", path.display())))?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                conn: Mutex::new(conn),
                path: path.to_owned(),
            }),
        })
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.inner.path
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
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(conn)?;
        backfill_search(conn)
    }

    #[cfg(test)]
    fn lock(&self) -> MutexGuard<'_, Connection> {
        lock(&self.inner)
    }

    /// Runs `f` with the connection on the blocking pool (rusqlite blocks and fsyncs).
    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&mut lock(&inner)))
            .await
            .map_err(|e| StoreError(format!("database task failed: {e}")))?
    }
}

fn lock(inner: &Inner) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave a half transaction behind (SQLite rolls
    // back an unfinished one when the transaction guard drops), so a poisoned lock is safe.
    inner
        .conn
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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

/// Writes the search text of rows stored before it existed (a no-op once done).
fn backfill_search(conn: &Connection) -> Result<(), StoreError> {
    loop {
        let records = conn
            .prepare(&format!(
                "SELECT {} FROM submissions WHERE search_text IS NULL LIMIT 500",
                super::COLUMNS
            ))?
            .query_map([], record_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        if records.is_empty() {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        for r in &records {
            conn.prepare_cached("UPDATE submissions SET search_text = ?2 WHERE id = ?1")?
                .execute(params![r.id, crate::search::index_text(r)])?;
        }
        conn.execute_batch("COMMIT")?;
        tracing::info!(rows = records.len(), "search text written for older rows");
    }
}

fn placeholder(n: usize) -> String {
    format!("?{n}")
}

fn record_from_row(row: &Row<'_>) -> rusqlite::Result<Record> {
    let status: String = row.get(3)?;
    Ok(Record {
        id: row.get(0)?,
        reference: row.get(1)?,
        kind: row.get(2)?,
        status: status.parse().map_err(|e: String| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
        })?,
        created_at: row.get(4)?,
        received_at: row.get(5)?,
        locale: row.get(6)?,
        page_url: row.get(7)?,
        page_title: row.get(8)?,
        visitor_name: row.get(9)?,
        visitor_email: row.get(10)?,
        visitor_phone: row.get(11)?,
        feedback_metric: row.get(12)?,
        feedback_score: row.get(13)?,
        feedback_category: row.get(14)?,
        feedback_message: row.get(15)?,
        callback_phone_e164: row.get(16)?,
        callback_country: row.get(17)?,
        callback_when_mode: row.get(18)?,
        callback_slot_from: row.get(19)?,
        callback_slot_to: row.get(20)?,
        callback_timezone: row.get(21)?,
        callback_reason: row.get(22)?,
        callback_urgent: row.get(23)?,
        callback_promise_text: row.get(24)?,
        callback_due_by: row.get(25)?,
        consent_given_at: row.get(26)?,
        consent_text: row.get(27)?,
        consent_version: row.get(28)?,
        body: row.get(29)?,
        visitor_message: row.get(30)?,
        rescheduled_due_by: row.get(31)?,
        status_updated_at: row.get(32)?,
        retry_at: row.get(33)?,
        attempts_failed: row.get(34)?,
        first_attempt_at: row.get(35)?,
        promise_kept: row.get(36)?,
        last_attempt_at: row.get(37)?,
        last_outcome: row.get(38)?,
        other_channel: row.get(39)?,
        answered_at: row.get(40)?,
        unsubscribed_at: row.get(41)?,
        context: crate::context::from_column(row.get(42)?),
    })
}

fn parse_status(s: String) -> rusqlite::Result<Status> {
    s.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

fn insert_tx(
    conn: &mut Connection,
    r: &Record,
    guard: &Guard,
    outbox: &[OutboxMessage],
) -> Result<Inserted, StoreError> {
    // IMMEDIATE takes the write lock up front: the checks below and the insert see one state.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored: Option<String> = tx
        .prepare_cached("SELECT body FROM submissions WHERE id = ?1")?
        .query_row([&r.id], |row| row.get(0))
        .optional()?;
    if let Some(body) = stored {
        return Ok(Inserted::Duplicate { body });
    }
    if let (true, Some(phone)) = (r.is_callback(), &r.callback_phone_e164) {
        let open = match &guard.duplicate_since {
            Some(since) => tx
                .prepare_cached(&open_callback_sql(placeholder))?
                .query_row(params![phone, since], |row| row.get(0))
                .optional()?,
            None => None,
        };
        let (count, oldest) = match &guard.phone_limit {
            Some((since, _)) => tx
                .prepare_cached(&phone_count_sql(placeholder))?
                .query_row(params![phone, since], |row| Ok((row.get(0)?, row.get(1)?)))?,
            None => (0, None),
        };
        if let Some(refused) = judge(guard, open, count, oldest) {
            return Ok(refused);
        }
    }
    tx.prepare_cached(&insert_sql(placeholder))?
        .execute(params![
            r.id,
            r.reference,
            r.kind,
            r.status.as_str(),
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
            crate::search::index_text(r),
            crate::context::column(&r.context),
        ])?;
    for m in outbox {
        tx.prepare_cached(
            "INSERT INTO outbox (submission_id, kind, url, message_id, payload, created_at, next_attempt_at, event_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            r.id,
            m.kind.as_str(),
            m.url,
            m.message_id,
            m.payload,
            r.received_at,
            m.event_key,
        ])?;
    }
    // With synchronous=FULL the commit returns once the WAL is on disk.
    tx.commit()?;
    Ok(Inserted::New)
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert(
        &self,
        record: Record,
        guard: Guard,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Inserted, StoreError> {
        self.run(move |conn| insert_tx(conn, &record, &guard, &outbox))
            .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let one: i64 = self
            .run(|conn| Ok(conn.query_row("SELECT 1", [], |row| row.get(0))?))
            .await?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError("SELECT 1 returned something else".into()))
        }
    }

    async fn list(&self, filter: Filter) -> Result<Vec<Record>, StoreError> {
        self.run(move |conn| {
            let (sql, values) = list_sql(&filter, placeholder);
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(values.iter()), record_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn export(&self, filter: Filter) -> Result<RecordStream, StoreError> {
        let (tx, rx) = tokio::sync::mpsc::channel(EXPORT_AHEAD);
        let path = self.inner.path.clone();
        // A connection of its own, read-only: WAL lets it read a consistent snapshot while
        // the main connection keeps storing submissions, so a long export never holds the
        // writers' mutex.
        tokio::task::spawn_blocking(move || {
            let read = || -> Result<(), StoreError> {
                let conn = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                let (sql, values) = list_sql(&filter, placeholder);
                let mut stmt = conn.prepare(&sql)?;
                let mut rows = stmt.query(params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    // The client went away: stop reading.
                    if tx.blocking_send(Ok(record_from_row(row)?)).is_err() {
                        return Ok(());
                    }
                }
                Ok(())
            };
            if let Err(e) = read() {
                let _ = tx.blocking_send(Err(e));
            }
        });
        Ok(rx)
    }

    async fn get(&self, id: String) -> Result<Option<(Record, Vec<StatusEvent>)>, StoreError> {
        self.run(move |conn| {
            let record = conn
                .prepare_cached(&format!(
                    "SELECT {} FROM submissions WHERE id = ?1",
                    super::COLUMNS
                ))?
                .query_row([&id], record_from_row)
                .optional()?;
            let Some(record) = record else {
                return Ok(None);
            };
            let mut stmt = conn.prepare_cached(
                "SELECT changed_at, changed_by, from_status, to_status, note, visitor_message, due_by
                 FROM status_history WHERE submission_id = ?1 ORDER BY id",
            )?;
            let history = stmt
                .query_map([&id], |row| {
                    Ok(StatusEvent {
                        at: row.get(0)?,
                        by: row.get(1)?,
                        from: parse_status(row.get(2)?)?,
                        to: parse_status(row.get(3)?)?,
                        note: row.get(4)?,
                        visitor_message: row.get(5)?,
                        due_by: row.get(6)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some((record, history)))
        })
        .await
    }

    async fn change_status(&self, id: String, change: StatusChange) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let from: Option<String> = tx
                .prepare_cached("SELECT status FROM submissions WHERE id = ?1")?
                .query_row([&id], |row| row.get(0))
                .optional()?;
            let Some(from) = from else {
                return Ok(false);
            };
            tx.prepare_cached(&super::update_status_sql(placeholder))?
                .execute(params![
                    id,
                    change.status.as_str(),
                    change.at,
                    change.visitor_message.is_some(),
                    super::empty_is_null(&change.visitor_message),
                    change.due_by.is_some(),
                    super::empty_is_null(&change.due_by),
                ])?;
            tx.prepare_cached(
                "INSERT INTO status_history (submission_id, changed_at, changed_by, from_status, to_status, note, visitor_message, due_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                change.at,
                change.by,
                from,
                change.status.as_str(),
                change.note,
                change.visitor_message,
                change.due_by,
            ])?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn count(&self, filter: Filter) -> Result<u64, StoreError> {
        self.run(move |conn| {
            let (sql, values) = count_sql(&filter, placeholder);
            let n: i64 = conn
                .prepare_cached(&sql)?
                .query_row(params_from_iter(values.iter()), |row| row.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    async fn record_attempt(
        &self,
        id: String,
        input: AttemptInput,
        max_failed: u32,
    ) -> Result<Recorded, StoreError> {
        self.run(move |conn| {
            // IMMEDIATE: two colleagues recording calls at once are counted one after the other.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .prepare_cached(&format!("{CALL_STATE_SELECT}?1"))?
                .query_row([&id], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                    ))
                })
                .optional()?;
            let Some((kind, status, failed, first, kept, other, due)) = row else {
                return Ok(Recorded::NotFound);
            };
            let Some(state) = call_state(&kind, &status, failed, first, kept, other, due)? else {
                return Ok(Recorded::NotCallback);
            };
            let applied = attempts::apply(&state, &input, max_failed);
            tx.prepare_cached(&insert_attempt_sql(placeholder))?
                .execute(params![
                    id,
                    input.at,
                    input.by,
                    input.outcome.as_str(),
                    applied.retry_at,
                    input.note,
                ])?;
            let changed = applied.status != applied.from;
            tx.prepare_cached(&update_attempt_sql(placeholder))?
                .execute(params![
                    id,
                    applied.status.as_str(),
                    input.at,
                    applied.retry_at,
                    applied.attempts_failed,
                    applied.first_attempt_at,
                    applied.promise_kept,
                    input.outcome.as_str(),
                    applied.other_channel,
                    changed,
                ])?;
            if changed {
                tx.prepare_cached(
                    "INSERT INTO status_history (submission_id, changed_at, changed_by, from_status, to_status, note)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id,
                    input.at,
                    input.by,
                    applied.from.as_str(),
                    applied.status.as_str(),
                    attempts::history_note(&input, &applied),
                ])?;
            }
            tx.commit()?;
            Ok(Recorded::Done(applied))
        })
        .await
    }

    async fn attempts(&self, id: String) -> Result<Vec<CallAttempt>, StoreError> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&attempts_sql(placeholder))?;
            let rows = stmt.query_map([&id], |row| {
                Ok(CallAttempt {
                    at: row.get(0)?,
                    by: row.get(1)?,
                    outcome: row.get::<_, String>(2)?.parse().ok(),
                    retry_at: row.get(3)?,
                    note: row.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn queue_stamp(&self) -> Result<String, StoreError> {
        self.run(|conn| {
            let (a, b, c): (i64, i64, i64) = conn
                .prepare_cached(&queue_stamp_sql())?
                .query_row([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            Ok(format!("{a}.{b}.{c}"))
        })
        .await
    }

    async fn claim_outbox(
        &self,
        now: String,
        lease_until: String,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let items = tx
                .prepare_cached(
                    "SELECT id, url, message_id, payload, attempts, kind FROM outbox
                     WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, id LIMIT ?2",
                )?
                .query_map(params![now, limit], |row| {
                    Ok(OutboxItem {
                        id: row.get(0)?,
                        url: row.get(1)?,
                        message_id: row.get(2)?,
                        payload: row.get(3)?,
                        attempts: row.get(4)?,
                        kind: DeliveryKind::parse(&row.get::<_, String>(5)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for item in &items {
                tx.prepare_cached("UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1")?
                    .execute(params![item.id, lease_until])?;
            }
            tx.commit()?;
            Ok(items)
        })
        .await
    }

    async fn outbox_delivered(&self, id: i64, at: String) -> Result<(), StoreError> {
        self.run(move |conn| {
            conn.prepare_cached(
                "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1 WHERE id = ?1",
            )?
            .execute(params![id, at])?;
            Ok(())
        })
        .await
    }

    async fn outbox_failed(
        &self,
        id: i64,
        attempts: u32,
        next_at: Option<String>,
        error: String,
    ) -> Result<(), StoreError> {
        self.run(move |conn| {
            match next_at {
                Some(next) => conn
                    .prepare_cached(
                        "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4
                         WHERE id = ?1",
                    )?
                    .execute(params![id, attempts, next, error])?,
                None => conn
                    .prepare_cached(
                        "UPDATE outbox SET attempts = ?2, failed_at = ?3, last_error = ?4
                         WHERE id = ?1",
                    )?
                    .execute(params![id, attempts, crate::time::now_rfc3339(), error])?,
            };
            Ok(())
        })
        .await
    }

    async fn next_outbox_due(&self) -> Result<Option<String>, StoreError> {
        self.run(|conn| {
            Ok(conn.query_row(
                "SELECT MIN(next_attempt_at) FROM outbox
                 WHERE delivered_at IS NULL AND failed_at IS NULL",
                [],
                |row| row.get(0),
            )?)
        })
        .await
    }

    async fn deliveries(&self, submission_id: String) -> Result<Vec<Delivery>, StoreError> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "{} WHERE submission_id = ?1 ORDER BY id",
                super::DELIVERIES_SELECT
            ))?;
            let rows = stmt.query_map([&submission_id], |row| {
                Ok(Delivery {
                    kind: DeliveryKind::parse(&row.get::<_, String>(0)?),
                    target: row.get(1)?,
                    attempts: row.get(2)?,
                    next_attempt_at: row.get(3)?,
                    delivered_at: row.get(4)?,
                    failed_at: row.get(5)?,
                    last_error: row.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn delivery_problems(&self, ids: Vec<String>) -> Result<Vec<(String, bool)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.run(move |conn| {
            let mut stmt = conn.prepare(&delivery_problems_sql(ids.len(), placeholder))?;
            let rows = stmt.query_map(params_from_iter(ids.iter()), |row| {
                Ok((row.get(0)?, row.get::<_, i64>(1)? != 0))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn setting(&self, name: String, candidate: String) -> Result<String, StoreError> {
        self.run(move |conn| {
            conn.prepare_cached(
                "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            )?
            .execute(params![name, candidate])?;
            Ok(conn.query_row(
                "SELECT value FROM settings WHERE name = ?1",
                [&name],
                |row| row.get(0),
            )?)
        })
        .await
    }

    async fn queue_notices(
        &self,
        id: String,
        at: String,
        messages: Vec<OutboxMessage>,
    ) -> Result<usize, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut queued = 0;
            for m in &messages {
                queued += tx
                    .prepare_cached(&super::notice_insert_sql(placeholder))?
                    .execute(params![
                        id,
                        m.kind.as_str(),
                        m.url,
                        m.message_id,
                        m.payload,
                        at,
                        m.event_key
                    ])?;
            }
            tx.commit()?;
            Ok(queued)
        })
        .await
    }

    async fn reply(
        &self,
        id: String,
        reply: NewReply,
        message: OutboxMessage,
    ) -> Result<Replied, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found: Option<Option<String>> = tx
                .prepare_cached("SELECT unsubscribed_at FROM submissions WHERE id = ?1")?
                .query_row([&id], |row| row.get(0))
                .optional()?;
            match found {
                None => return Ok(Replied::NotFound),
                Some(Some(_)) => return Ok(Replied::Unsubscribed),
                Some(None) => {}
            }
            let key = message.event_key.clone().unwrap_or_default();
            tx.prepare_cached(&super::notice_insert_sql(placeholder))?
                .execute(params![
                    id,
                    message.kind.as_str(),
                    message.url,
                    message.message_id,
                    message.payload,
                    reply.at,
                    key
                ])?;
            tx.prepare_cached(
                "INSERT INTO replies (submission_id, at, by_name, body, message_id, event_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                reply.at,
                reply.by,
                reply.body,
                reply.message_id,
                key
            ])?;
            tx.prepare_cached("UPDATE submissions SET answered_at = ?2 WHERE id = ?1")?
                .execute(params![id, reply.at])?;
            tx.commit()?;
            Ok(Replied::Done)
        })
        .await
    }

    async fn replies(&self, id: String) -> Result<Vec<ReplyRow>, StoreError> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&super::replies_sql(placeholder))?;
            let rows = stmt.query_map([&id], |row| {
                Ok(ReplyRow {
                    at: row.get(0)?,
                    by: row.get(1)?,
                    body: row.get(2)?,
                    attempts: row.get(3)?,
                    delivered_at: row.get(4)?,
                    failed_at: row.get(5)?,
                    last_error: row.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn unsubscribe(&self, id: String, at: String) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let [mark, stop] = super::unsubscribe_sql(placeholder);
            let found = tx.prepare_cached(&mark)?.execute(params![id, at])? > 0;
            tx.prepare_cached(&stop)?.execute(params![id, at])?;
            tx.commit()?;
            Ok(found)
        })
        .await
    }

    async fn insight_rows(
        &self,
        start: String,
        end: String,
    ) -> Result<Vec<InsightRow>, StoreError> {
        self.run(move |conn| {
            let mut stmt = conn.prepare_cached(&insight_sql(|n| format!("?{n}")))?;
            let rows = stmt
                .query_map(params![start, end], |row| {
                    Ok(InsightRow {
                        id: row.get(0)?,
                        reference: row.get(1)?,
                        kind: row.get(2)?,
                        received_at: row.get(3)?,
                        locale: row.get(4)?,
                        page_url: row.get(5)?,
                        metric: row.get(6)?,
                        score: row.get(7)?,
                        category: row.get(8)?,
                        message: row.get(9)?,
                        email: row.get(10)?,
                        phone: row.get(11)?,
                        callback_phone: row.get(12)?,
                        callback_country: row.get(13)?,
                        due_by: row.get(14)?,
                        first_attempt_at: row.get(15)?,
                        promise_kept: row.get(16)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn queue_once(
        &self,
        key: String,
        at: String,
        outbox: Vec<OutboxMessage>,
    ) -> Result<bool, StoreError> {
        if !key.starts_with(ONCE_PREFIX) {
            return Err(StoreError(format!(
                "queue_once key `{key}` lacks {ONCE_PREFIX}"
            )));
        }
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut queued = 0;
            for m in &outbox {
                queued += tx
                    .prepare_cached(&queue_once_sql(|n| format!("?{n}")))?
                    .execute(params![
                        key,
                        m.kind.as_str(),
                        m.url,
                        m.message_id,
                        m.payload,
                        at
                    ])?;
            }
            tx.commit()?;
            Ok(queued > 0)
        })
        .await
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
        // Reopening must not try to create the tables again.
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
    fn a_version_1_database_is_upgraded() {
        let path = temp_db("upgrade");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&format!("{}\nPRAGMA user_version = 1;", MIGRATIONS[0]))
                .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let n: i64 = store
            .lock()
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
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
