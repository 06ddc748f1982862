//! Where submissions are kept: the [`Store`] trait, its types, and two implementations.
//!
//! [`sqlite::SqliteStore`] (the default: a single file, no server) and
//! [`postgres::PgStore`] (`--database-url postgres://…`) keep the same schema semantics:
//! a submission is stored once per id, callbacks are guarded against duplicates and floods
//! in the same transaction that stores them, every status change lands in a history table
//! with who, when and a note, and webhook deliveries wait in an outbox table written in that
//! same transaction, so nothing acknowledged with a 201 is ever lost or left unforwarded.
//!
//! Instants are RFC 3339 UTC strings (see [`crate::time`]) on both backends, so the same
//! comparisons hold and exports read the same.
pub mod accounts;
mod columns;
pub mod migrations;
pub mod postgres;
pub mod sqlite;

use allo_core::submission::{Submission, When};
use async_trait::async_trait;
use serde::Serialize;

use crate::attempts::{Applied, AttemptInput, CallState, Outcome};
use crate::insights::InsightRow;
use crate::status::Status;

pub use accounts::{AccountStore, Assigned};
pub(crate) use columns::{
    delivery_from, insert_sql, insert_values, record_from, reply_from, Cells, Value, COLUMNS,
};

/// Refuses a `queue_once` key without [`ONCE_PREFIX`] (it would not be told from the other
/// keys of the outbox).
pub(crate) fn check_once_key(key: &str) -> Result<(), StoreError> {
    if key.starts_with(ONCE_PREFIX) {
        return Ok(());
    }
    Err(StoreError::Invalid(format!(
        "queue_once key `{key}` lacks {ONCE_PREFIX}"
    )))
}

/// The health check's verdict on what the database answered to `SELECT 1`.
pub(crate) fn answered_one(one: i64) -> Result<(), StoreError> {
    if one == 1 {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "SELECT 1 returned something else".into(),
        ))
    }
}
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// One submission as stored: the raw JSON plus the columns shops query by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    /// The submission id (UUID v4 from the browser), the primary key.
    pub id: String,
    /// The short reference shown to the visitor (`XXXX-XXXX`).
    pub reference: String,
    /// `feedback` or `callback`.
    pub kind: String,
    /// Where the owner's work on it stands.
    #[serde(serialize_with = "status_name")]
    pub status: Status,
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
    pub feedback_metric: Option<String>,
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
    pub callback_when_mode: Option<String>,
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
    /// What the owner last told the visitor (shown by the status endpoint), if anything.
    pub visitor_message: Option<String>,
    /// A new promised time the owner set (delaying a callback), replacing `callback_due_by`.
    pub rescheduled_due_by: Option<String>,
    /// When the owner last changed the status (None: never, the status is still `new`).
    pub status_updated_at: Option<String>,
    /// When the next call is planned after one that did not reach the visitor.
    pub retry_at: Option<String>,
    /// Calls that did not reach the visitor (no answer, voicemail, wrong number).
    pub attempts_failed: u32,
    /// When the first call was made, whatever came of it.
    pub first_attempt_at: Option<String>,
    /// Whether the first call was made by the time the widget promised (`callback_due_by`);
    /// set with the first call, `None` before it.
    pub promise_kept: Option<bool>,
    /// When the last call was made.
    pub last_attempt_at: Option<String>,
    /// What came of the last call ([`crate::attempts::Outcome`]'s name).
    pub last_outcome: Option<String>,
    /// Calling is given up (attempts used up, or a wrong number): reach them another way.
    pub other_channel: bool,
    /// When the shop last answered the visitor by email from the inbox.
    pub answered_at: Option<String>,
    /// When the visitor asked for no more emails about this request.
    pub unsubscribed_at: Option<String>,
    /// The owner's context (`{"orderId": "1042"}`, see [`crate::context`]).
    pub context: allo_core::owner_context::Context,
    /// The request body exactly as received.
    #[serde(skip)]
    pub body: String,
}

fn status_name<S: serde::Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.as_str())
}

impl Record {
    /// The text this record is found by in the inbox's search ([`crate::search`]): its
    /// reference (with and without its dash), id, name, email, message, reason, the owner's
    /// context values, and its phone numbers.
    pub fn search_text(&self) -> String {
        let mut texts: Vec<String> = vec![
            self.reference.clone(),
            self.reference.replace('-', ""),
            self.id.clone(),
        ];
        let fields = [
            &self.visitor_name,
            &self.visitor_email,
            &self.feedback_message,
            &self.callback_reason,
        ];
        texts.extend(fields.into_iter().flatten().cloned());
        // The owner's context values (an order number finds its feedback).
        texts.extend(self.context.0.values().cloned());
        let phones: Vec<&str> = [&self.visitor_phone, &self.callback_phone_e164]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        crate::search::index_text(texts, &phones, self.callback_phone_e164.as_deref())
    }

    /// Flattens a validated submission into its row (status `new`).
    ///
    /// Free-text columns lose any NUL character (`\u0000` is valid JSON): PostgreSQL's text
    /// cannot hold one (the insert would fail, a 503), spreadsheets cut cells at one, and it
    /// never means anything in a name or a message. `body` keeps the document exactly as
    /// received, where a NUL is the escape `\u0000`, six plain characters.
    pub fn new(sub: &Submission, body: String, received_at: String) -> Record {
        let text = |s: &str| s.replace('\0', "");
        let opt = |s: &Option<String>| s.as_deref().map(text);
        let page = sub.page.as_ref();
        let fb = sub.feedback.as_ref();
        let cb = sub.callback.as_ref();
        let consent = sub.consent.as_ref();
        let slot = cb.and_then(|c| match &c.when {
            When::Slot { from, to } => Some((from.clone(), to.clone())),
            When::Asap {} => None,
        });
        Record {
            id: sub.id.clone(),
            reference: allo_core::id::reference(&sub.id),
            kind: sub.kind.as_str().to_owned(),
            status: Status::New,
            created_at: sub.created_at.clone(),
            received_at,
            locale: sub.locale.clone(),
            page_url: page.map(|p| text(&p.url)),
            page_title: page.map(|p| text(&p.title)),
            visitor_name: opt(&sub.visitor.name),
            visitor_email: opt(&sub.visitor.email),
            visitor_phone: opt(&sub.visitor.phone),
            feedback_metric: fb.map(|f| f.metric.as_str().to_owned()),
            feedback_score: fb.map(|f| f.score),
            feedback_category: fb.and_then(|f| opt(&f.category)),
            feedback_message: fb.map(|f| text(&f.message)),
            callback_phone_e164: cb.map(|c| c.phone_e164.clone()),
            callback_country: cb.map(|c| c.country.clone()),
            callback_when_mode: cb.map(|c| {
                match c.when {
                    When::Asap {} => "asap",
                    When::Slot { .. } => "slot",
                }
                .to_owned()
            }),
            callback_slot_from: slot.as_ref().map(|s| s.0.clone()),
            callback_slot_to: slot.map(|s| s.1),
            callback_timezone: cb.map(|c| text(&c.timezone)),
            callback_reason: cb.map(|c| text(&c.reason)),
            callback_urgent: cb.map(|c| c.urgent),
            callback_promise_text: cb.map(|c| text(&c.promise.text)),
            callback_due_by: cb.map(|c| c.promise.due_by.clone()),
            consent_given_at: consent.map(|c| c.given_at.clone()),
            consent_text: consent.map(|c| text(&c.text)),
            consent_version: consent.map(|c| text(&c.version)),
            visitor_message: None,
            rescheduled_due_by: None,
            status_updated_at: None,
            retry_at: None,
            attempts_failed: 0,
            first_attempt_at: None,
            promise_kept: None,
            last_attempt_at: None,
            last_outcome: None,
            other_channel: false,
            answered_at: None,
            unsubscribed_at: None,
            context: sub.context.clone(),
            body,
        }
    }

    /// True for a callback request.
    pub fn is_callback(&self) -> bool {
        self.kind == "callback"
    }

    /// The time the shop promises now: the owner's new time when they set one, else the
    /// time the widget promised.
    pub fn due_by(&self) -> Option<&str> {
        self.rescheduled_due_by
            .as_deref()
            .or(self.callback_due_by.as_deref())
    }

    /// When the status last changed, or when the submission arrived.
    pub fn updated_at(&self) -> &str {
        self.status_updated_at
            .as_deref()
            .unwrap_or(&self.received_at)
    }

    /// True when a callback's promised time passed at `now` and the shop has not answered
    /// for it: still `new` or `scheduled`, or `delayed` to a new time that also passed.
    /// Delaying without a new time is an answer (the visitor was told), so it is not overdue;
    /// called back and handled never are. After a call that did not reach the visitor, the
    /// promise is the time they were told the shop would try again; once calling is given up
    /// for another channel, nothing is promised by phone any more.
    pub fn is_overdue(&self, now: &str) -> bool {
        if !self.is_callback() || !self.status.is_open() || self.other_channel {
            return false;
        }
        if let Some(retry) = &self.retry_at {
            return retry.as_str() < now;
        }
        match self.status {
            Status::New | Status::Scheduled => self.due_by().is_some_and(|due| due < now),
            Status::Delayed => self
                .rescheduled_due_by
                .as_deref()
                .is_some_and(|due| due < now),
            Status::CalledBack | Status::Handled => false,
        }
    }
}

/// Checks made atomically with storing a callback request (both are about its phone number).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guard {
    /// Refuse when a callback for the same number, still open, was received at or after this
    /// instant (the duplicate window).
    pub duplicate_since: Option<String>,
    /// Refuse when this many callbacks for the same number were received at or after `.0`.
    pub phone_limit: Option<(String, u32)>,
}

/// What [`Store::insert`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// A new row was written and committed.
    New,
    /// A row with this id already existed; nothing was written. It is an idempotent retry
    /// only if `body` (the stored one) is the same submission: the caller decides.
    Duplicate {
        /// The body stored under this id.
        body: String,
    },
    /// Refused: an open callback for this number is already waiting.
    OpenCallback {
        /// The waiting request's reference, to quote back to the visitor.
        reference: String,
    },
    /// Refused: the number reached its limit of callback requests.
    PhoneLimited {
        /// When the oldest request counted was received (the limit frees up a window after).
        oldest: String,
    },
}

/// Which statuses a listing includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// All of them.
    #[default]
    Any,
    /// Only [`Status::is_open`] ones.
    Open,
    /// Exactly this one.
    Only(Status),
}

/// How a listing is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest received first.
    #[default]
    Newest,
    /// Urgent first, then by the promised time, earliest first (the callbacks view).
    Urgency,
}

/// What to list; `None` fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// `feedback` or `callback`.
    pub kind: Option<String>,
    /// Which statuses.
    pub status: StatusFilter,
    /// Received at or after this instant.
    pub received_from: Option<String>,
    /// Received at or before this instant.
    pub received_to: Option<String>,
    /// The sort order.
    pub order: Order,
    /// Only callbacks overdue at this instant (see [`Record::is_overdue`]).
    pub overdue_at: Option<String>,
    /// Only rows whose search text holds every one of these terms (see [`crate::search`]).
    pub search: Vec<String>,
    /// At most this many rows.
    pub limit: Option<u32>,
    /// Skip this many rows first (paging).
    pub offset: Option<u64>,
    /// Only those taken by one account, or by nobody.
    pub assigned: Assigned,
    /// Only those whose context holds this entry.
    pub context: Option<crate::context::EntryFilter>,
}

/// A status change to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// The new status (may equal the current one: then it only adds a note).
    pub status: Status,
    /// Who made the change.
    pub by: String,
    /// Why, or what was agreed; may be empty.
    pub note: String,
    /// When (server clock).
    pub at: String,
    /// The message shown to the visitor from now on: `None` keeps the current one, an empty
    /// string removes it.
    pub visitor_message: Option<String>,
    /// A new promised time (RFC 3339 UTC): `None` keeps the current one, an empty string
    /// goes back to the time the widget promised.
    pub due_by: Option<String>,
}

/// One line of a submission's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusEvent {
    /// When.
    pub at: String,
    /// Who.
    pub by: String,
    /// The status before.
    #[serde(serialize_with = "status_name")]
    pub from: Status,
    /// The status after.
    #[serde(serialize_with = "status_name")]
    pub to: Status,
    /// The note, possibly empty.
    pub note: String,
    /// The visitor message set by this change, if it set one (empty: removed).
    pub visitor_message: Option<String>,
    /// The promised time set by this change, if it set one (empty: back to the original).
    pub due_by: Option<String>,
}

/// What an outbox row delivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// An HTTP POST to a webhook URL.
    Webhook,
    /// An email to the owner through SMTP.
    Email,
}

impl DeliveryKind {
    /// The name stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Webhook => "webhook",
            DeliveryKind::Email => "email",
        }
    }

    /// Reads a stored name; unknown names (from a newer collector) are `None`.
    pub fn parse(s: &str) -> Option<DeliveryKind> {
        match s {
            "webhook" => Some(DeliveryKind::Webhook),
            "email" => Some(DeliveryKind::Email),
            _ => None,
        }
    }
}

/// One delivery of a submission as the inbox shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Webhook or email (`None` for a kind this build does not know).
    pub kind: Option<DeliveryKind>,
    /// The webhook URL or the recipient's address.
    pub target: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due (meaningful while pending).
    pub next_attempt_at: String,
    /// When it was delivered.
    pub delivered_at: Option<String>,
    /// When it was abandoned.
    pub failed_at: Option<String>,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// A delivery to queue with a new submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Webhook or email.
    pub kind: DeliveryKind,
    /// Where to send it: the webhook URL, or the recipient's email address.
    pub url: String,
    /// The Standard Webhooks message id, or the email's Message-ID (the same on every retry).
    pub message_id: String,
    /// The exact body to send.
    pub payload: String,
    /// What the message is about, unique in the whole outbox (`delay:{id}:{due}`…): queueing
    /// the same event twice, from any collector, queues it once. Every email to a visitor
    /// has one; owner notifications and webhooks have none.
    pub event_key: Option<String>,
}

/// A queued delivery claimed for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxItem {
    /// The queue row.
    pub id: i64,
    /// Webhook or email (`None`: a kind this build does not know; it is left alone).
    pub kind: Option<DeliveryKind>,
    /// The webhook URL or the recipient.
    pub url: String,
    /// The Standard Webhooks message id, or the email's Message-ID.
    pub message_id: String,
    /// The body (for email, the whole message).
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// The records of an export, one at a time, as the store reads them (see [`Store::export`]).
pub type RecordStream = tokio::sync::mpsc::Receiver<Result<Record, StoreError>>;

/// How many records an export reads ahead of the client: the memory it holds is this many
/// records, whatever the export's size.
pub const EXPORT_AHEAD: usize = 64;

/// A storage failure; its `Display` is one line fit for the log (never for a client: see
/// `ApiError::Storage` in the `error` module, which answers it).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused a statement.
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL (or the connection to it) failed; the driver's terse `Display` ("db
    /// error") is followed by the server's message.
    #[error("{}", postgres_message(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error("database pool: {0}")]
    Pool(String),
    /// The `--database-url` does not parse.
    #[error("bad database URL: {0}")]
    BadUrl(tokio_postgres::Error),
    /// The SQLite file cannot be opened.
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        source: rusqlite::Error,
    },
    /// The database opened but preparing or migrating it failed.
    #[error("cannot use database {database}: {source}")]
    Unusable {
        /// The file or the redacted URL.
        database: String,
        /// Why.
        source: Box<StoreError>,
    },
    /// The database was migrated by a newer collector.
    #[error(
        "its schema version {found} is newer than this collector's ({known}); upgrade allo-collector"
    )]
    NewerSchema {
        /// The database's version.
        found: usize,
        /// This build's.
        known: usize,
    },
    /// The blocking task running a SQLite call panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A stored value this build cannot read, or a store call it should not have made.
    #[error("{0}")]
    Invalid(String),
}

fn postgres_message(e: &tokio_postgres::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => format!("{e}: {source}"),
        None => e.to_string(),
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> StoreError {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => StoreError::Pool(other.to_string()),
        }
    }
}

/// A place to keep submissions.
///
/// Async so PostgreSQL's driver runs natively; the SQLite implementation moves its blocking
/// calls to the blocking pool itself. Every write is durable when its future returns `Ok`.
#[async_trait]
pub trait Store: AccountStore + Send + Sync + 'static {
    /// Stores the record unless its id is already stored or, for a callback, the guard
    /// refuses it; queues `outbox` in the same transaction when (and only when) it is new.
    async fn insert(
        &self,
        record: Record,
        guard: Guard,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Inserted, StoreError>;

    /// A trivial round trip proving the store answers, for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The submissions matching `filter`, in its order.
    async fn list(&self, filter: Filter) -> Result<Vec<Record>, StoreError>;

    /// The submissions matching `filter`, in its order, read row by row while the receiver
    /// takes them (at most [`EXPORT_AHEAD`] ahead), so an export of any size holds a few
    /// records in memory, not all of them. A failure arrives as an `Err` item and ends the
    /// stream; dropping the receiver stops the reading.
    async fn export(&self, filter: Filter) -> Result<RecordStream, StoreError>;

    /// One submission with its status history (oldest first), if stored.
    async fn get(&self, id: String) -> Result<Option<(Record, Vec<StatusEvent>)>, StoreError>;

    /// Sets the status and appends the history line in one transaction; `false` when no
    /// submission has this id.
    async fn change_status(&self, id: String, change: StatusChange) -> Result<bool, StoreError>;

    /// How many submissions match `filter` (its order, limit and offset aside).
    async fn count(&self, filter: Filter) -> Result<u64, StoreError>;

    /// Records a call to a callback's visitor and what it changes ([`crate::attempts::apply`]), in
    /// one transaction with the history line of a status change.
    async fn record_attempt(
        &self,
        id: String,
        attempt: AttemptInput,
        max_failed: u32,
    ) -> Result<Recorded, StoreError>;

    /// The calls made to one callback's visitor, oldest first.
    async fn attempts(&self, id: String) -> Result<Vec<CallAttempt>, StoreError>;

    /// A stamp that changes whenever the callback queue may have: a callback arrived, a call
    /// was recorded, a status changed. Read from the database, so changes made through
    /// another collector sharing it count too.
    async fn queue_stamp(&self) -> Result<String, StoreError>;

    /// Claims up to `limit` deliveries due at `now`: they are pushed to `lease_until` so a
    /// crash mid-delivery (or a second collector on the same database) retries them later
    /// instead of losing or doubling them.
    async fn claim_outbox(
        &self,
        now: String,
        lease_until: String,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError>;

    /// Marks a delivery done.
    async fn outbox_delivered(&self, id: i64, at: String) -> Result<(), StoreError>;

    /// Records a failed attempt: retry at `next_at`, or give up for good when `None`.
    async fn outbox_failed(
        &self,
        id: i64,
        attempts: u32,
        next_at: Option<String>,
        error: String,
    ) -> Result<(), StoreError>;

    /// When the next pending delivery is due, if any.
    async fn next_outbox_due(&self) -> Result<Option<String>, StoreError>;

    /// Every delivery queued for one submission, oldest first.
    async fn deliveries(&self, submission_id: String) -> Result<Vec<Delivery>, StoreError>;

    /// Among `ids`, the submissions with a delivery that failed at least once and is not
    /// delivered, each with `true` when one was abandoned for good.
    async fn delivery_problems(&self, ids: Vec<String>) -> Result<Vec<(String, bool)>, StoreError>;

    /// The stored value of setting `name`, storing `candidate` first when there is none (the
    /// first writer wins, so collectors sharing a database agree).
    async fn setting(&self, name: String, candidate: String) -> Result<String, StoreError>;

    /// Queues emails to the visitor of submission `id` at `at`, unless they unsubscribed; a
    /// message whose event key is already in the outbox is skipped (see
    /// [`OutboxMessage::event_key`]). Returns how many were queued.
    async fn queue_notices(
        &self,
        id: String,
        at: String,
        messages: Vec<OutboxMessage>,
    ) -> Result<usize, StoreError>;

    /// Records the owner's reply and queues its email, in one transaction.
    async fn reply(
        &self,
        id: String,
        reply: NewReply,
        message: OutboxMessage,
    ) -> Result<Replied, StoreError>;

    /// The owner's replies to one submission, oldest first, with their delivery state.
    async fn replies(&self, id: String) -> Result<Vec<ReplyRow>, StoreError>;

    /// Stops every further email to the visitor about `id` (pending ones included); `false`
    /// when no submission has this id. Repeating it changes nothing.
    async fn unsubscribe(&self, id: String, at: String) -> Result<bool, StoreError>;
    /// The submissions received from `start` to `end` (inclusive, UTC RFC 3339) as Insights
    /// reads them, oldest first (see [`crate::insights`]: every figure is computed from these).
    async fn insight_rows(&self, start: String, end: String)
        -> Result<Vec<InsightRow>, StoreError>;

    /// Queues `outbox` (not tied to a submission) under `key` unless that key was queued
    /// before, by this collector or another sharing the database: a unique index makes a
    /// second queueing a no-op. `true` when the rows were queued now. Keys start with
    /// [`ONCE_PREFIX`].
    async fn queue_once(
        &self,
        key: String,
        at: String,
        outbox: Vec<OutboxMessage>,
    ) -> Result<bool, StoreError>;
}

/// The prefix of [`Store::queue_once`] keys (the outbox's `submission_id` column holds them;
/// no submission id starts so).
pub const ONCE_PREFIX: &str = "once:";

/// The `SELECT` of [`Store::insight_rows`] (both backends), columns in [`InsightRow`] order;
/// placeholders `ph(1)`, `ph(2)` are the bounds. `received_at` is indexed (migration 7).
pub(crate) fn insight_sql(ph: impl Fn(usize) -> String) -> String {
    format!(
        "SELECT id, reference, kind, received_at, locale, page_url, feedback_metric, \
         feedback_score, feedback_category, feedback_message, visitor_email, visitor_phone, \
         callback_phone_e164, callback_country, callback_due_by, first_attempt_at, promise_kept \
         FROM submissions WHERE received_at >= {} AND received_at <= {} \
         ORDER BY received_at, id",
        ph(1),
        ph(2)
    )
}

/// The insert of one [`Store::queue_once`] row (both backends): 1 key, 2 kind, 3 url,
/// 4 message id, 5 payload, 6 when. Its event key is the key and the recipient, so the unique
/// index on `outbox.event_key` (the one visitor emails use) makes a second queueing of the
/// same key for the same recipient a no-op, whichever collector tries.
pub(crate) fn queue_once_sql(ph: impl Fn(usize) -> String) -> String {
    let p: Vec<String> = (1..=6).map(ph).collect();
    format!(
        "INSERT INTO outbox (submission_id, kind, url, message_id, payload, created_at, \
         next_attempt_at, event_key) VALUES ({}, {}, {}, {}, {}, {}, {}, {} || ' ' || {}) \
         ON CONFLICT DO NOTHING",
        p[0], p[1], p[2], p[3], p[4], p[5], p[5], p[0], p[2]
    )
}

impl From<&Record> for InsightRow {
    fn from(r: &Record) -> InsightRow {
        InsightRow {
            id: r.id.clone(),
            reference: r.reference.clone(),
            kind: r.kind.clone(),
            received_at: r.received_at.clone(),
            locale: r.locale.clone(),
            page_url: r.page_url.clone(),
            metric: r.feedback_metric.clone(),
            score: r.feedback_score,
            category: r.feedback_category.clone(),
            message: r.feedback_message.clone(),
            email: r.visitor_email.clone(),
            phone: r.visitor_phone.clone(),
            callback_phone: r.callback_phone_e164.clone(),
            callback_country: r.callback_country.clone(),
            due_by: r.callback_due_by.clone(),
            first_attempt_at: r.first_attempt_at.clone(),
            promise_kept: r.promise_kept,
        }
    }
}

/// A reply to record (see [`Store::reply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReply {
    /// When (server clock).
    pub at: String,
    /// Who wrote it (the inbox's current actor).
    pub by: String,
    /// The text sent.
    pub body: String,
    /// The email's `Message-ID`.
    pub message_id: String,
}

/// What [`Store::reply`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replied {
    /// Recorded and queued.
    Done,
    /// No submission has this id.
    NotFound,
    /// The visitor asked for no more emails about this request: nothing was sent.
    Unsubscribed,
}

/// One reply as the item's history shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplyRow {
    /// When it was written.
    pub at: String,
    /// Who wrote it.
    pub by: String,
    /// The text.
    pub body: String,
    /// Attempts to send it so far.
    pub attempts: u32,
    /// When the visitor's server accepted it.
    pub delivered_at: Option<String>,
    /// When it was abandoned (or stopped by an unsubscribe).
    pub failed_at: Option<String>,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// [`Store::queue_notices`]'s insert (both backends): 1 submission id, 2 kind, 3 recipient,
/// 4 message id, 5 payload, 6 when, 7 event key. Nothing when the visitor unsubscribed, nothing
/// when the event key is taken.
pub(crate) fn notice_insert_sql(ph: impl Fn(usize) -> String) -> String {
    let p: Vec<String> = (1..=7).map(ph).collect();
    format!(
        "INSERT INTO outbox (submission_id, kind, url, message_id, payload, created_at, \
         next_attempt_at, event_key) \
         SELECT {id}, {kind}, {to}, {mid}, {payload}, {at}, {at}, {key} \
         WHERE EXISTS (SELECT 1 FROM submissions WHERE id = {id} AND unsubscribed_at IS NULL) \
         ON CONFLICT DO NOTHING",
        id = p[0],
        kind = p[1],
        to = p[2],
        mid = p[3],
        payload = p[4],
        at = p[5],
        key = p[6],
    )
}

/// [`Store::unsubscribe`]'s two updates (both backends): 1 id, 2 when. Pending visitor
/// emails (those with an event key) are closed as failed with the reason.
pub(crate) fn unsubscribe_sql(ph: impl Fn(usize) -> String) -> [String; 2] {
    let (id, at) = (ph(1), ph(2));
    [
        format!(
            "UPDATE submissions SET unsubscribed_at = COALESCE(unsubscribed_at, {at}) WHERE id = {id}"
        ),
        format!(
            "UPDATE outbox SET failed_at = {at}, last_error = 'the visitor unsubscribed' \
             WHERE submission_id = {id} AND event_key IS NOT NULL AND delivered_at IS NULL \
             AND failed_at IS NULL"
        ),
    ]
}

/// [`Store::replies`]'s `SELECT` (both backends), in [`ReplyRow`] order; the id is `ph(1)`.
pub(crate) fn replies_sql(ph: impl Fn(usize) -> String) -> String {
    format!(
        "SELECT r.at, r.by_name, r.body, COALESCE(o.attempts, 0), o.delivered_at, o.failed_at, \
         o.last_error FROM replies r LEFT JOIN outbox o ON o.event_key = r.event_key \
         WHERE r.submission_id = {} ORDER BY r.id",
        ph(1)
    )
}

/// A `SELECT` for `filter` with placeholders written by `ph(n)`, and the values they stand for.
pub(crate) fn list_sql(filter: &Filter, ph: impl Fn(usize) -> String) -> (String, Vec<String>) {
    let (conditions, values) = where_sql(filter, ph);
    let mut sql = format!("SELECT {COLUMNS} FROM submissions{conditions}");
    sql.push_str(match filter.order {
        Order::Newest => " ORDER BY received_at DESC, id DESC",
        Order::Urgency => {
            " ORDER BY callback_urgent DESC, callback_due_by ASC, received_at ASC, id ASC"
        }
    });
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    if let Some(offset) = filter.offset.filter(|&o| o > 0) {
        // Both backends want a LIMIT before OFFSET; -1 / ALL is not portable, a huge one is.
        if filter.limit.is_none() {
            sql.push_str(&format!(" LIMIT {}", i64::MAX));
        }
        sql.push_str(&format!(" OFFSET {offset}"));
    }
    (sql, values)
}

/// [`Store::count`]'s `SELECT` for `filter`, and the values of its placeholders.
pub(crate) fn count_sql(filter: &Filter, ph: impl Fn(usize) -> String) -> (String, Vec<String>) {
    let (conditions, values) = where_sql(filter, ph);
    (
        format!("SELECT COUNT(*) FROM submissions{conditions}"),
        values,
    )
}

/// The ` WHERE …` of `filter` (empty when it filters nothing) and its placeholders' values.
fn where_sql(filter: &Filter, ph: impl Fn(usize) -> String) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let mut bind = |clause: &str, value: String| {
        values.push(value);
        clauses.push(clause.replace('?', &ph(values.len())));
    };
    if let Some(kind) = &filter.kind {
        bind("kind = ?", kind.clone());
    }
    if let StatusFilter::Only(s) = filter.status {
        bind("status = ?", s.as_str().to_owned());
    }
    if let Some(from) = &filter.received_from {
        bind("received_at >= ?", from.clone());
    }
    if let Some(to) = &filter.received_to {
        bind("received_at <= ?", to.clone());
    }
    for term in &filter.search {
        // Both sides are normalised the same way in Rust (crate::search), so a plain LIKE
        // means the same on both backends.
        bind(
            "search_text LIKE ? ESCAPE '\\'",
            crate::search::like_pattern(term),
        );
    }
    if let Some(entry) = &filter.context {
        bind("context LIKE ? ESCAPE '\\'", entry.like_pattern());
    }
    if let Some(now) = &filter.overdue_at {
        values.push(now.clone());
        let now = ph(values.len());
        // Record::is_overdue, in SQL: a planned retry is the promise while there is one;
        // nothing is promised by phone once calling is given up.
        clauses.push(format!(
            "kind = 'callback' AND NOT other_channel AND status IN ('new', 'scheduled', 'delayed') \
             AND ((retry_at IS NOT NULL AND retry_at < {now}) \
             OR (retry_at IS NULL AND ((status IN ('new', 'scheduled') \
             AND COALESCE(rescheduled_due_by, callback_due_by) < {now}) \
             OR (status = 'delayed' AND rescheduled_due_by < {now}))))"
        ));
    }
    if let Some(clause) = filter.assigned.clause() {
        clauses.push(clause);
    }
    if filter.status == StatusFilter::Open {
        // Fixed names from the code, not user input: safe to inline.
        let names: Vec<String> = Status::open_names().map(|n| format!("'{n}'")).collect();
        clauses.push(format!("status IN ({})", names.join(", ")));
    }
    if clauses.is_empty() {
        (String::new(), values)
    } else {
        (format!(" WHERE {}", clauses.join(" AND ")), values)
    }
}

/// The status update of [`Store::change_status`] (both backends). Parameters: 1 id, 2 status,
/// 3 when, 4 whether to set the visitor message, 5 the message (NULL clears), 6 whether to
/// set the promised time, 7 the time (NULL goes back to the original). A new promised time
/// replaces a planned retry: it is what the visitor is told now.
pub(crate) fn update_status_sql(ph: impl Fn(usize) -> String) -> String {
    let (id, status, at) = (ph(1), ph(2), ph(3));
    let (set_message, message, set_due, due) = (ph(4), ph(5), ph(6), ph(7));
    format!(
        "UPDATE submissions SET status = {status}, status_updated_at = {at}, \
         visitor_message = CASE WHEN {set_message} THEN {message} ELSE visitor_message END, \
         rescheduled_due_by = CASE WHEN {set_due} THEN {due} ELSE rescheduled_due_by END, \
         retry_at = CASE WHEN {set_due} THEN NULL ELSE retry_at END \
         WHERE id = {id}"
    )
}

/// One call to a callback's visitor, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallAttempt {
    /// When the call was made (server clock).
    pub at: String,
    /// Who called (the name given at login).
    pub by: String,
    /// What came of it (`None`: a name this build does not know).
    pub outcome: Option<Outcome>,
    /// When the next try was planned, if one was.
    pub retry_at: Option<String>,
    /// The caller's note, possibly empty.
    pub note: String,
}

/// What [`Store::record_attempt`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Stored, with what it changed.
    Done(Applied),
    /// No submission has this id.
    NotFound,
    /// The submission is feedback: there is nobody to call.
    NotCallback,
}

/// The call state [`crate::attempts::apply`] starts from, as stored: `SELECT` it with
/// [`CALL_STATE_SELECT`]. Columns: kind, status, attempts_failed, first_attempt_at,
/// promise_kept, other_channel, callback_due_by.
pub(crate) const CALL_STATE_SELECT: &str = "SELECT kind, status, attempts_failed, \
    first_attempt_at, promise_kept, other_channel, callback_due_by FROM submissions WHERE id = ";

/// The update of [`Store::record_attempt`] (both backends). Parameters: 1 id, 2 status, 3
/// when, 4 retry_at, 5 attempts_failed, 6 first_attempt_at, 7 promise_kept, 8 outcome,
/// 9 other_channel, 10 whether the status changed.
pub(crate) fn update_attempt_sql(ph: impl Fn(usize) -> String) -> String {
    let p: Vec<String> = (1..=10).map(ph).collect();
    format!(
        "UPDATE submissions SET status = {status}, retry_at = {retry}, attempts_failed = {failed}, \
         first_attempt_at = {first}, promise_kept = {kept}, last_attempt_at = {at}, \
         last_outcome = {outcome}, other_channel = {other}, \
         status_updated_at = CASE WHEN {changed} THEN {at} ELSE status_updated_at END \
         WHERE id = {id}",
        id = p[0],
        status = p[1],
        at = p[2],
        retry = p[3],
        failed = p[4],
        first = p[5],
        kept = p[6],
        outcome = p[7],
        other = p[8],
        changed = p[9],
    )
}

/// The insert of one call (both backends). Parameters: 1 submission id, 2 when, 3 who,
/// 4 outcome, 5 retry_at, 6 note.
pub(crate) fn insert_attempt_sql(ph: impl Fn(usize) -> String) -> String {
    let p: Vec<String> = (1..=6).map(ph).collect();
    format!(
        "INSERT INTO call_attempts (submission_id, at, by_name, outcome, retry_at, note) \
         VALUES ({})",
        p.join(", ")
    )
}

/// The `SELECT` of [`Store::attempts`], in [`CallAttempt`] order; the id is `ph(1)`.
pub(crate) fn attempts_sql(ph: impl Fn(usize) -> String) -> String {
    format!(
        "SELECT at, by_name, outcome, retry_at, note FROM call_attempts \
         WHERE submission_id = {} ORDER BY id",
        ph(1)
    )
}

/// [`Store::queue_stamp`]'s query (both backends): open callbacks, the last status change,
/// the last call. Each only grows or changes with a change, whichever collector made it (the
/// ids come from the database's own sequences, not a clock).
pub(crate) fn queue_stamp_sql() -> String {
    let names: Vec<String> = Status::open_names().map(|n| format!("'{n}'")).collect();
    format!(
        "SELECT (SELECT COUNT(*) FROM submissions WHERE kind = 'callback' AND status IN ({})), \
         (SELECT COALESCE(MAX(id), 0) FROM status_history), \
         (SELECT COALESCE(MAX(id), 0) FROM call_attempts)",
        names.join(", ")
    )
}

/// Reads the call state; `None` for feedback.
pub(crate) fn call_state(
    kind: &str,
    status: &str,
    attempts_failed: i64,
    first_attempt_at: Option<String>,
    promise_kept: Option<bool>,
    other_channel: bool,
    due_by: Option<String>,
) -> Result<Option<CallState>, StoreError> {
    if kind != "callback" {
        return Ok(None);
    }
    Ok(Some(CallState {
        status: status.parse().map_err(StoreError::Invalid)?,
        attempts_failed: u32::try_from(attempts_failed).unwrap_or(0),
        first_attempt_at,
        promise_kept,
        other_channel,
        due_by,
    }))
}

/// `Some("")` and `None` both become SQL NULL.
pub(crate) fn empty_is_null(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// The `SELECT … FROM outbox` of [`Store::deliveries`], in [`Delivery`] order.
pub(crate) const DELIVERIES_SELECT: &str = "SELECT kind, url, attempts, next_attempt_at, \
    delivered_at, failed_at, last_error FROM outbox";

/// [`Store::delivery_problems`] for `n` ids (both backends).
pub(crate) fn delivery_problems_sql(n: usize, ph: impl Fn(usize) -> String) -> String {
    let list: Vec<String> = (1..=n).map(ph).collect();
    format!(
        "SELECT submission_id, MAX(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) FROM outbox \
         WHERE delivered_at IS NULL AND attempts > 0 AND submission_id IN ({}) \
         GROUP BY submission_id",
        list.join(", ")
    )
}

/// The duplicate-callback check (both backends): an open callback for the number since `?2`.
pub(crate) fn open_callback_sql(ph: impl Fn(usize) -> String) -> String {
    let names: Vec<String> = Status::open_names().map(|n| format!("'{n}'")).collect();
    format!(
        "SELECT reference FROM submissions WHERE kind = 'callback' AND callback_phone_e164 = {} \
         AND received_at >= {} AND status IN ({}) ORDER BY received_at DESC LIMIT 1",
        ph(1),
        ph(2),
        names.join(", ")
    )
}

/// The per-number count (both backends): callbacks for the number since `?2`, and the oldest.
pub(crate) fn phone_count_sql(ph: impl Fn(usize) -> String) -> String {
    format!(
        "SELECT COUNT(*), MIN(received_at) FROM submissions WHERE kind = 'callback' \
         AND callback_phone_e164 = {} AND received_at >= {}",
        ph(1),
        ph(2)
    )
}

/// Interprets the guard's two query results: `open` is the open duplicate's reference,
/// `count`/`oldest` the per-number tally. Pure, so both backends decide identically.
pub(crate) fn judge(
    guard: &Guard,
    open: Option<String>,
    count: i64,
    oldest: Option<String>,
) -> Option<Inserted> {
    if guard.duplicate_since.is_some() {
        if let Some(reference) = open {
            return Some(Inserted::OpenCallback { reference });
        }
    }
    if let Some((_, max)) = &guard.phone_limit {
        if count >= i64::from(*max) {
            return Some(Inserted::PhoneLimited {
                oldest: oldest.unwrap_or_default(),
            });
        }
    }
    None
}

/// Records for unit tests elsewhere in the crate.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::Record;

    /// A callback from Noor, created at `created_at`, promised by `due_by` (ASAP, shop in
    /// Europe/Paris), received a second later.
    pub(crate) fn callback(created_at: &str, due_by: &str) -> Record {
        let sub: allo_core::submission::Submission = serde_json::from_value(serde_json::json!({
            "schema": "allo.submission/1", "id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "kind": "callback", "created_at": created_at, "locale": "en",
            "visitor": { "name": "Noor" },
            "callback": { "phone_e164": "+33612345678", "phone_raw": "06 12 34 56 78", "country": "FR",
                "when": { "mode": "asap" }, "timezone": "Europe/Paris",
                "promise": { "text": "Within 15 minutes.", "due_by": due_by } }
        }))
        .unwrap();
        let received = created_at.replace(":00.000Z", ":01.000Z");
        Record::new(&sub, String::new(), received)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_found_by_each_of_its_fields() {
        let mut r = fixtures::callback("2026-11-24T10:00:00.000Z", "2026-11-24T10:15:00.000Z");
        r.visitor_phone = Some("06 12 34 56 78".into());
        r.visitor_email = Some("Noor@Example.com".into());
        r.callback_reason = Some("Ma commande n°42 est arrivée cassée".into());
        let text = r.search_text();
        let found = |q: &str| {
            crate::search::terms(q)
                .iter()
                .all(|t| text.contains(t.as_str()))
        };
        for q in [
            "noor",
            "NOOR",
            "noor@example",
            "06 12 34 56 78",
            "+33612345678",
            "+33 6 12 34 56 78",
            "0612345678",
            "arrivee cassée",
            &r.reference,
            &r.reference.replace('-', ""),
            &r.id[..8],
        ] {
            assert!(found(q), "{q} should find it in {text}");
        }
        for q in ["noor smith", "0699999999", "livraison"] {
            assert!(!found(q), "{q} should not find it");
        }
    }
}
