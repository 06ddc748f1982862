//! The SQLite store: one file, no server, durable on commit.
//!
//! WAL with `synchronous=FULL` means a row is on disk once its transaction commits. One
//! connection behind a mutex: SQLite serialises writers anyway, and holding the mutex for a
//! whole check-then-insert transaction is what makes the callback guard race-free.
mod accounts;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use async_trait::async_trait;
use rusqlite::{
    params, params_from_iter, Connection, OpenFlags, OptionalExtension, Row, ToSql,
    TransactionBehavior,
};

use super::{
    attempts_sql, call_state, count_sql, delivery_problems_sql, insert_attempt_sql, insert_sql,
    judge, list_sql, open_callback_sql, phone_count_sql, queue_stamp_sql, update_attempt_sql,
    AttemptInput, CallAttempt, Delivery, DeliveryKind, Filter, Guard, Inserted, NewReply,
    OutboxItem, OutboxMessage, Record, RecordStream, Recorded, Replied, ReplyRow, StatusChange,
    StatusEvent, Store, StoreError, CALL_STATE_SELECT, EXPORT_AHEAD,
};
use super::{insert_values, record_from, Cells, Value};
use super::{insight_sql, migrations, queue_once_sql, InsightRow};
use crate::attempts;
use crate::status::Status;

/// The schema's steps in SQLite's words (see [`super::migrations`]).
pub static MIGRATIONS: LazyLock<Vec<String>> = LazyLock::new(|| migrations::SQLITE.steps());

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: usize = migrations::SCHEMA_VERSION;

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
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Self::prepare(&conn).map_err(|e| StoreError::Unusable {
            database: path.display().to_string(),
            source: Box::new(e),
        })?;
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
        tokio::task::spawn_blocking(move || f(&mut lock(&inner))).await?
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
        return Err(StoreError::NewerSchema {
            found: current,
            known: SCHEMA_VERSION,
        });
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
                .execute(params![r.id, r.search_text()])?;
        }
        conn.execute_batch("COMMIT")?;
        tracing::info!(rows = records.len(), "search text written for older rows");
    }
}

/// The status of submission `id` as `tx` sees it (an IMMEDIATE transaction: it holds the
/// write lock already); `None` when no submission has this id.
fn status_of(tx: &rusqlite::Transaction<'_>, id: &str) -> rusqlite::Result<Option<String>> {
    tx.prepare_cached("SELECT status FROM submissions WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()
}

fn placeholder(n: usize) -> String {
    format!("?{n}")
}

/// A SQLite row as [`Cells`]; a bad value is the driver's conversion failure, so the
/// readers below work inside rusqlite's row closures.
impl Cells for Row<'_> {
    type Error = rusqlite::Error;
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> rusqlite::Result<Option<i32>> {
        self.get(i)
    }
    fn opt_flag(&self, i: usize) -> rusqlite::Result<Option<bool>> {
        self.get(i)
    }
    fn invalid(&self, i: usize, problem: String) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, problem.into())
    }
}

fn record_from_row(row: &Row<'_>) -> rusqlite::Result<Record> {
    record_from(row)
}

/// A neutral value as rusqlite binds it.
fn bind<'a>(v: &'a Value<'a>) -> &'a dyn ToSql {
    match v {
        Value::Text(t) => t,
        Value::Int(n) => n,
        Value::Flag(f) => f,
    }
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
    let search_text = r.search_text();
    let context = crate::context::column(&r.context);
    let values = insert_values(r, &search_text, context.as_deref());
    tx.prepare_cached(&insert_sql(placeholder))?
        .execute(params_from_iter(values.iter().map(bind)))?;
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
        super::answered_one(one)
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
            let Some(from) = status_of(&tx, &id)? else {
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
            let rows = stmt.query_map([&submission_id], |row| super::delivery_from(row))?;
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
            let rows = stmt.query_map([&id], |row| super::reply_from(row))?;
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
        super::check_once_key(&key)?;
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
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn unopenable_path_names_the_path() {
        let err = SqliteStore::open(Path::new("/nonexistent-dir/x.sqlite"))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("/nonexistent-dir/x.sqlite"),
            "{err}"
        );
    }
}
