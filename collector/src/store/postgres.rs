//! The PostgreSQL store (`--database-url postgres://…`), on `tokio-postgres` with a
//! `deadpool` pool.
//!
//! Same schema semantics as SQLite (see the parent module), with PostgreSQL's own tools for
//! the races SQLite avoids by having one writer: a transaction-scoped advisory lock per phone
//! number serialises the callback guard, `ON CONFLICT` settles concurrent retries of one id,
//! and `FOR UPDATE SKIP LOCKED` lets several collectors share one outbox. Commits are durable
//! under PostgreSQL's default `synchronous_commit = on`.
//!
//! Connections are plain TCP (no TLS in this build, to keep the dependency tree lean): use a
//! database on the same host or private network, or a TLS tunnel in front of it.
mod accounts;

use std::sync::LazyLock;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::{
    attempts_sql, call_state, count_sql, delivery_problems_sql, insert_attempt_sql, insert_sql,
    judge, list_sql, open_callback_sql, phone_count_sql, queue_stamp_sql, update_attempt_sql,
    AttemptInput, CallAttempt, Delivery, DeliveryKind, Filter, Guard, Inserted, NewReply,
    OutboxItem, OutboxMessage, Record, RecordStream, Recorded, Replied, ReplyRow, StatusChange,
    StatusEvent, Store, StoreError, CALL_STATE_SELECT, COLUMNS, EXPORT_AHEAD,
};
use super::{insert_values, record_from, Cells, Value};
use super::{insight_sql, migrations, queue_once_sql, InsightRow};
use crate::attempts;
use crate::status::Status;

/// The schema's steps in PostgreSQL's words (see [`super::migrations`]).
pub static MIGRATIONS: LazyLock<Vec<String>> = LazyLock::new(|| migrations::POSTGRES.steps());

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: usize = migrations::SCHEMA_VERSION;

/// Advisory lock namespace (first key) for this crate's locks: "AL" "LO".
const LOCK_NAMESPACE: i32 = 0x414c_4c4f;
/// Second key of the migration lock.
const MIGRATION_LOCK: i32 = 0;

/// Submissions in a PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    display: String,
}

/// True for a URL this store handles (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The URL without its password, for logs and the start-up line.
pub fn redact(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("");
    let db = config.get_dbname().unwrap_or(user);
    let at = if user.is_empty() {
        String::new()
    } else {
        format!("{user}@")
    };
    format!("postgres://{at}{host}:{port}/{db}")
}

impl PgStore {
    /// Connects to `url`, checks the server answers and brings the schema up to date.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(StoreError::BadUrl)?;
        let display = redact(&config);
        let mut config = config;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("allo-collector");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        // A few connections cover a form endpoint plus the inbox and the outbox worker; the
        // timeouts turn an unreachable server into a prompt 503 instead of a hung request.
        let pool = Pool::builder(manager)
            .max_size(8)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let store = PgStore { pool, display };
        let unusable = |e: StoreError| StoreError::Unusable {
            database: store.display.clone(),
            source: Box::new(e),
        };
        store.migrate().await.map_err(unusable)?;
        store.backfill_search().await.map_err(unusable)?;
        Ok(store)
    }

    /// The database as shown in logs: `postgres://user@host:port/db`, never the password.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Writes the search text of rows stored before it existed (a no-op once done; collectors
    /// starting together may both write a row, with the same text).
    async fn backfill_search(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        loop {
            let rows = client
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM submissions WHERE search_text IS NULL LIMIT 500"
                    ),
                    &[],
                )
                .await?;
            if rows.is_empty() {
                return Ok(());
            }
            for row in &rows {
                let r = record_from_row(row)?;
                client
                    .execute(
                        "UPDATE submissions SET search_text = $2 WHERE id = $1",
                        &[&r.id, &r.search_text()],
                    )
                    .await?;
            }
            tracing::info!(rows = rows.len(), "search text written for older rows");
        }
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Two collectors starting at once must not both run a step: the second waits here.
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_NAMESPACE, &MIGRATION_LOCK],
        )
        .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS allo_schema_version (version INTEGER NOT NULL)",
        )
        .await?;
        let current: Option<i32> = tx
            .query_one("SELECT MAX(version) FROM allo_schema_version", &[])
            .await?
            .get(0);
        let current = usize::try_from(current.unwrap_or(0)).unwrap_or(usize::MAX);
        if current > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: current,
                known: SCHEMA_VERSION,
            });
        }
        for (step, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            tx.batch_execute(sql).await?;
            let version = (step + 1) as i32;
            tx.execute("DELETE FROM allo_schema_version", &[]).await?;
            tx.execute(
                "INSERT INTO allo_schema_version (version) VALUES ($1)",
                &[&version],
            )
            .await?;
            tracing::info!(version, "database migrated");
        }
        // DDL is transactional here: a crash leaves the old version whole.
        tx.commit().await?;
        Ok(())
    }
}

/// The status of submission `id`, its row locked (`FOR UPDATE`) until `tx` ends; `None`
/// when no submission has this id.
async fn locked_status(
    tx: &deadpool_postgres::Transaction<'_>,
    id: &str,
) -> Result<Option<String>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT status FROM submissions WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// A list of ids as the parameters of an `IN (…)` query.
fn as_params(ids: &[String]) -> Vec<&(dyn ToSql + Sync)> {
    ids.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

fn placeholder(n: usize) -> String {
    format!("${n}")
}

/// A PostgreSQL row as [`Cells`].
impl Cells for Row {
    type Error = StoreError;
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i32>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_flag(&self, i: usize) -> Result<Option<bool>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn invalid(&self, i: usize, problem: String) -> StoreError {
        StoreError::Invalid(format!("column {i}: {problem}"))
    }
}

fn record_from_row(row: &Row) -> Result<Record, StoreError> {
    record_from(row)
}

/// A neutral value as tokio-postgres binds it.
fn bind<'a>(v: &'a Value<'a>) -> &'a (dyn ToSql + Sync) {
    match v {
        Value::Text(t) => t,
        Value::Int(n) => n,
        Value::Flag(f) => f,
    }
}

fn status_at(row: &Row, i: usize) -> Result<Status, StoreError> {
    let s: String = row.try_get(i)?;
    s.parse().map_err(StoreError::Invalid)
}

#[async_trait]
impl Store for PgStore {
    async fn insert(
        &self,
        r: Record,
        guard: Guard,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Inserted, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let phone = r.callback_phone_e164.clone().filter(|_| r.is_callback());
        if let Some(phone) = &phone {
            // Serialises requests for one number (and only that number) until commit, so two
            // concurrent requests cannot both pass the duplicate check.
            tx.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                &[&LOCK_NAMESPACE, phone],
            )
            .await?;
        }
        if let Some(row) = tx
            .query_opt("SELECT body FROM submissions WHERE id = $1", &[&r.id])
            .await?
        {
            return Ok(Inserted::Duplicate {
                body: row.try_get(0)?,
            });
        }
        if let Some(phone) = &phone {
            let open = match &guard.duplicate_since {
                Some(since) => tx
                    .query_opt(&open_callback_sql(placeholder), &[phone, since])
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?,
                None => None,
            };
            let (count, oldest) = match &guard.phone_limit {
                Some((since, _)) => {
                    let row = tx
                        .query_one(&phone_count_sql(placeholder), &[phone, since])
                        .await?;
                    (row.try_get::<_, i64>(0)?, row.try_get(1)?)
                }
                None => (0, None),
            };
            if let Some(refused) = judge(&guard, open, count, oldest) {
                return Ok(refused);
            }
        }
        let search_text = r.search_text();
        let context = crate::context::column(&r.context);
        let values = insert_values(&r, &search_text, context.as_deref());
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(bind).collect();
        let stmt = tx.prepare_cached(&insert_sql(placeholder)).await?;
        let changed = tx.execute(&stmt, &params).await?;
        if changed == 0 {
            // A concurrent send of the same id committed between our check and insert (ON
            // CONFLICT waited for it); under READ COMMITTED this statement sees its row.
            let row = tx
                .query_one("SELECT body FROM submissions WHERE id = $1", &[&r.id])
                .await?;
            return Ok(Inserted::Duplicate {
                body: row.try_get(0)?,
            });
        }
        for m in &outbox {
            tx.execute(
                "INSERT INTO outbox (submission_id, kind, url, message_id, payload, created_at, next_attempt_at, event_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    &r.id,
                    &m.kind.as_str(),
                    &m.url,
                    &m.message_id,
                    &m.payload,
                    &r.received_at,
                    &m.event_key,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Inserted::New)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        let one: i32 = client.query_one("SELECT 1", &[]).await?.try_get(0)?;
        super::answered_one(i64::from(one))
    }

    async fn list(&self, filter: Filter) -> Result<Vec<Record>, StoreError> {
        let client = self.pool.get().await?;
        let (sql, values) = list_sql(&filter, placeholder);
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let rows = client.query(&sql, &params).await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn export(&self, filter: Filter) -> Result<RecordStream, StoreError> {
        let (tx, rx) = tokio::sync::mpsc::channel(EXPORT_AHEAD);
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let read = async {
                let mut client = pool.get().await?;
                // A portal inside a read-only transaction fetches EXPORT_AHEAD rows per round
                // trip: a plain query would have the server send every row at once, and the
                // driver buffer them.
                let txn = client
                    .build_transaction()
                    .read_only(true)
                    .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                    .start()
                    .await?;
                let (sql, values) = list_sql(&filter, placeholder);
                let params: Vec<&(dyn ToSql + Sync)> =
                    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                let stmt = txn.prepare(&sql).await?;
                let portal = txn.bind(&stmt, &params).await?;
                loop {
                    let rows = txn.query_portal(&portal, EXPORT_AHEAD as i32).await?;
                    if rows.is_empty() {
                        return Ok(());
                    }
                    for row in &rows {
                        if tx.send(record_from_row(row)).await.is_err() {
                            return Ok(());
                        }
                    }
                }
            };
            let result: Result<(), StoreError> = read.await;
            if let Err(e) = result {
                let _ = tx.send(Err(e)).await;
            }
        });
        Ok(rx)
    }

    async fn get(&self, id: String) -> Result<Option<(Record, Vec<StatusEvent>)>, StoreError> {
        let client = self.pool.get().await?;
        let Some(row) = client
            .query_opt(
                &format!("SELECT {COLUMNS} FROM submissions WHERE id = $1"),
                &[&id],
            )
            .await?
        else {
            return Ok(None);
        };
        let record = record_from_row(&row)?;
        let history = client
            .query(
                "SELECT changed_at, changed_by, from_status, to_status, note, visitor_message, due_by
                 FROM status_history WHERE submission_id = $1 ORDER BY id",
                &[&id],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(StatusEvent {
                    at: row.try_get(0)?,
                    by: row.try_get(1)?,
                    from: status_at(row, 2)?,
                    to: status_at(row, 3)?,
                    note: row.try_get(4)?,
                    visitor_message: row.try_get(5)?,
                    due_by: row.try_get(6)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some((record, history)))
    }

    async fn change_status(&self, id: String, change: StatusChange) -> Result<bool, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Locked: two owners changing the same item get a consistent "from" each.
        let Some(from) = locked_status(&tx, &id).await? else {
            return Ok(false);
        };
        let to = change.status.as_str();
        let set_message = change.visitor_message.is_some();
        let set_due = change.due_by.is_some();
        tx.execute(
            &super::update_status_sql(placeholder),
            &[
                &id,
                &to,
                &change.at,
                &set_message,
                &super::empty_is_null(&change.visitor_message),
                &set_due,
                &super::empty_is_null(&change.due_by),
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO status_history (submission_id, changed_at, changed_by, from_status, to_status, note, visitor_message, due_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &id,
                &change.at,
                &change.by,
                &from,
                &to,
                &change.note,
                &change.visitor_message,
                &change.due_by,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn count(&self, filter: Filter) -> Result<u64, StoreError> {
        let client = self.pool.get().await?;
        let (sql, values) = count_sql(&filter, placeholder);
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let n: i64 = client.query_one(&sql, &params).await?.try_get(0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn record_attempt(
        &self,
        id: String,
        input: AttemptInput,
        max_failed: u32,
    ) -> Result<Recorded, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // FOR UPDATE: two colleagues recording calls at once are counted one after the other.
        let Some(row) = tx
            .query_opt(&format!("{CALL_STATE_SELECT}$1 FOR UPDATE"), &[&id])
            .await?
        else {
            return Ok(Recorded::NotFound);
        };
        let Some(state) = call_state(
            &row.try_get::<_, String>(0)?,
            &row.try_get::<_, String>(1)?,
            i64::from(row.try_get::<_, i32>(2)?),
            row.try_get(3)?,
            row.try_get(4)?,
            row.try_get(5)?,
            row.try_get(6)?,
        )?
        else {
            return Ok(Recorded::NotCallback);
        };
        let applied = attempts::apply(&state, &input, max_failed);
        let outcome = input.outcome.as_str();
        tx.execute(
            &insert_attempt_sql(placeholder),
            &[
                &id,
                &input.at,
                &input.by,
                &outcome,
                &applied.retry_at,
                &input.note,
            ],
        )
        .await?;
        let changed = applied.status != applied.from;
        let failed = i32::try_from(applied.attempts_failed).unwrap_or(i32::MAX);
        tx.execute(
            &update_attempt_sql(placeholder),
            &[
                &id,
                &applied.status.as_str(),
                &input.at,
                &applied.retry_at,
                &failed,
                &applied.first_attempt_at,
                &applied.promise_kept,
                &outcome,
                &applied.other_channel,
                &changed,
            ],
        )
        .await?;
        if changed {
            tx.execute(
                "INSERT INTO status_history (submission_id, changed_at, changed_by, from_status, to_status, note)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &id,
                    &input.at,
                    &input.by,
                    &applied.from.as_str(),
                    &applied.status.as_str(),
                    &attempts::history_note(&input, &applied),
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Recorded::Done(applied))
    }

    async fn attempts(&self, id: String) -> Result<Vec<CallAttempt>, StoreError> {
        let client = self.pool.get().await?;
        client
            .query(&attempts_sql(placeholder), &[&id])
            .await?
            .iter()
            .map(|row| {
                Ok(CallAttempt {
                    at: row.try_get(0)?,
                    by: row.try_get(1)?,
                    outcome: row.try_get::<_, String>(2)?.parse().ok(),
                    retry_at: row.try_get(3)?,
                    note: row.try_get(4)?,
                })
            })
            .collect()
    }

    async fn queue_stamp(&self) -> Result<String, StoreError> {
        let client = self.pool.get().await?;
        let row = client.query_one(&queue_stamp_sql(), &[]).await?;
        let (a, b, c): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        Ok(format!("{a}.{b}.{c}"))
    }

    async fn claim_outbox(
        &self,
        now: String,
        lease_until: String,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "UPDATE outbox SET next_attempt_at = $2 WHERE id IN (
                        SELECT id FROM outbox
                        WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                        ORDER BY next_attempt_at, id LIMIT {limit}
                        FOR UPDATE SKIP LOCKED)
                     RETURNING id, url, message_id, payload, attempts, kind"
                ),
                &[&now, &lease_until],
            )
            .await?;
        let mut items = rows
            .iter()
            .map(|row| {
                let attempts: i32 = row.try_get(4)?;
                let kind: String = row.try_get(5)?;
                Ok(OutboxItem {
                    kind: DeliveryKind::parse(&kind),
                    id: row.try_get(0)?,
                    url: row.try_get(1)?,
                    message_id: row.try_get(2)?,
                    payload: row.try_get(3)?,
                    attempts: u32::try_from(attempts).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // RETURNING has no order; deliver oldest first like SQLite.
        items.sort_by_key(|i| i.id);
        Ok(items)
    }

    async fn outbox_delivered(&self, id: i64, at: String) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE outbox SET delivered_at = $2, attempts = attempts + 1 WHERE id = $1",
                &[&id, &at],
            )
            .await?;
        Ok(())
    }

    async fn outbox_failed(
        &self,
        id: i64,
        attempts: u32,
        next_at: Option<String>,
        error: String,
    ) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
        match next_at {
            Some(next) => {
                client
                    .execute(
                        "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4
                         WHERE id = $1",
                        &[&id, &attempts, &next, &error],
                    )
                    .await?
            }
            None => {
                client
                    .execute(
                        "UPDATE outbox SET attempts = $2, failed_at = $3, last_error = $4
                         WHERE id = $1",
                        &[&id, &attempts, &crate::time::now_rfc3339(), &error],
                    )
                    .await?
            }
        };
        Ok(())
    }

    async fn next_outbox_due(&self) -> Result<Option<String>, StoreError> {
        let client = self.pool.get().await?;
        Ok(client
            .query_one(
                "SELECT MIN(next_attempt_at) FROM outbox
                 WHERE delivered_at IS NULL AND failed_at IS NULL",
                &[],
            )
            .await?
            .try_get(0)?)
    }

    async fn deliveries(&self, submission_id: String) -> Result<Vec<Delivery>, StoreError> {
        let client = self.pool.get().await?;
        client
            .query(
                &format!(
                    "{} WHERE submission_id = $1 ORDER BY id",
                    super::DELIVERIES_SELECT
                ),
                &[&submission_id],
            )
            .await?
            .iter()
            .map(super::delivery_from)
            .collect()
    }

    async fn delivery_problems(&self, ids: Vec<String>) -> Result<Vec<(String, bool)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.pool.get().await?;
        client
            .query(
                &delivery_problems_sql(ids.len(), placeholder),
                &as_params(&ids),
            )
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get::<_, i32>(1)? != 0)))
            .collect()
    }

    async fn setting(&self, name: String, candidate: String) -> Result<String, StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &candidate],
            )
            .await?;
        Ok(client
            .query_one("SELECT value FROM settings WHERE name = $1", &[&name])
            .await?
            .try_get(0)?)
    }

    async fn queue_notices(
        &self,
        id: String,
        at: String,
        messages: Vec<OutboxMessage>,
    ) -> Result<usize, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let mut queued = 0;
        for m in &messages {
            queued += tx
                .execute(
                    &super::notice_insert_sql(placeholder),
                    &[
                        &id,
                        &m.kind.as_str(),
                        &m.url,
                        &m.message_id,
                        &m.payload,
                        &at,
                        &m.event_key,
                    ],
                )
                .await?;
        }
        tx.commit().await?;
        Ok(usize::try_from(queued).unwrap_or(usize::MAX))
    }

    async fn reply(
        &self,
        id: String,
        reply: NewReply,
        message: OutboxMessage,
    ) -> Result<Replied, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "SELECT unsubscribed_at FROM submissions WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .await?
        else {
            return Ok(Replied::NotFound);
        };
        if row.try_get::<_, Option<String>>(0)?.is_some() {
            return Ok(Replied::Unsubscribed);
        }
        let key = message.event_key.clone().unwrap_or_default();
        tx.execute(
            &super::notice_insert_sql(placeholder),
            &[
                &id,
                &message.kind.as_str(),
                &message.url,
                &message.message_id,
                &message.payload,
                &reply.at,
                &key,
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO replies (submission_id, at, by_name, body, message_id, event_key)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &reply.at,
                &reply.by,
                &reply.body,
                &reply.message_id,
                &key,
            ],
        )
        .await?;
        tx.execute(
            "UPDATE submissions SET answered_at = $2 WHERE id = $1",
            &[&id, &reply.at],
        )
        .await?;
        tx.commit().await?;
        Ok(Replied::Done)
    }

    async fn replies(&self, id: String) -> Result<Vec<ReplyRow>, StoreError> {
        let client = self.pool.get().await?;
        client
            .query(&super::replies_sql(placeholder), &[&id])
            .await?
            .iter()
            .map(super::reply_from)
            .collect()
    }

    async fn unsubscribe(&self, id: String, at: String) -> Result<bool, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let [mark, stop] = super::unsubscribe_sql(placeholder);
        let found = tx.execute(&mark, &[&id, &at]).await? > 0;
        tx.execute(&stop, &[&id, &at]).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn insight_rows(
        &self,
        start: String,
        end: String,
    ) -> Result<Vec<InsightRow>, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client.prepare_cached(&insight_sql(placeholder)).await?;
        let rows = client.query(&stmt, &[&start, &end]).await?;
        rows.iter()
            .map(|row| {
                let score: Option<i32> = row.try_get(7)?;
                Ok(InsightRow {
                    id: row.try_get(0)?,
                    reference: row.try_get(1)?,
                    kind: row.try_get(2)?,
                    received_at: row.try_get(3)?,
                    locale: row.try_get(4)?,
                    page_url: row.try_get(5)?,
                    metric: row.try_get(6)?,
                    score: score.and_then(|s| u8::try_from(s).ok()),
                    category: row.try_get(8)?,
                    message: row.try_get(9)?,
                    email: row.try_get(10)?,
                    phone: row.try_get(11)?,
                    callback_phone: row.try_get(12)?,
                    callback_country: row.try_get(13)?,
                    due_by: row.try_get(14)?,
                    first_attempt_at: row.try_get(15)?,
                    promise_kept: row.try_get(16)?,
                })
            })
            .collect()
    }

    async fn queue_once(
        &self,
        key: String,
        at: String,
        outbox: Vec<OutboxMessage>,
    ) -> Result<bool, StoreError> {
        super::check_once_key(&key)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let sql = queue_once_sql(placeholder);
        let mut queued = 0;
        // A second collector inserting the same key waits for this transaction on the unique
        // index, then inserts nothing.
        for m in &outbox {
            queued += tx
                .execute(
                    &sql,
                    &[
                        &key,
                        &m.kind.as_str(),
                        &m.url,
                        &m.message_id,
                        &m.payload,
                        &at,
                    ],
                )
                .await?;
        }
        tx.commit().await?;
        Ok(queued > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognised_and_redacted() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("PostgreSQL://u@h/db"));
        assert!(!is_postgres_url("sqlite:x.db"));
        let c: tokio_postgres::Config = "postgres://ada:s3cret@db.example:6543/allo"
            .parse()
            .unwrap();
        let shown = redact(&c);
        assert_eq!(shown, "postgres://ada@db.example:6543/allo");
        assert!(!shown.contains("s3cret"));
    }
}
