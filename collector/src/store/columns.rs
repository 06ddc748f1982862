//! How a [`Record`] maps to the `submissions` table's columns and back, once for both
//! backends: the column lists, the values an insert binds, and reading a row.
//!
//! The backends differ only in how a placeholder is spelled and how a driver hands over one
//! cell; each implements [`Cells`] (a few lines) and binds [`Value`]s with its own `ToSql`.
use super::{Delivery, DeliveryKind, Record, ReplyRow};

/// The columns of `submissions` for `SELECT`s, in the order [`record_from`] reads them (not
/// the struct's field order): the inserted ones, then those only the owner's changes write.
pub(crate) const COLUMNS: &str = "id, reference, kind, status, created_at, received_at, locale, \
    page_url, page_title, visitor_name, visitor_email, visitor_phone, feedback_metric, \
    feedback_score, feedback_category, feedback_message, callback_phone_e164, callback_country, \
    callback_when_mode, callback_slot_from, callback_slot_to, callback_timezone, callback_reason, \
    callback_urgent, callback_promise_text, callback_due_by, consent_given_at, consent_text, \
    consent_version, body, visitor_message, rescheduled_due_by, status_updated_at, retry_at, \
    attempts_failed, first_attempt_at, promise_kept, last_attempt_at, last_outcome, other_channel, \
    answered_at, unsubscribed_at, context";

/// The columns a new submission is inserted with, in the order of [`insert_values`]: the
/// array types make the compiler count them, not a reader.
const INSERT_COLUMNS: [&str; 32] = [
    "id",
    "reference",
    "kind",
    "status",
    "created_at",
    "received_at",
    "locale",
    "page_url",
    "page_title",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "feedback_metric",
    "feedback_score",
    "feedback_category",
    "feedback_message",
    "callback_phone_e164",
    "callback_country",
    "callback_when_mode",
    "callback_slot_from",
    "callback_slot_to",
    "callback_timezone",
    "callback_reason",
    "callback_urgent",
    "callback_promise_text",
    "callback_due_by",
    "consent_given_at",
    "consent_text",
    "consent_version",
    "body",
    "search_text",
    "context",
];

/// One value bound to a placeholder, in the three SQL types the submissions table uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// `TEXT`.
    Text(Option<&'a str>),
    /// `INTEGER` (32-bit on PostgreSQL).
    Int(Option<i32>),
    /// A boolean (`BOOLEAN` on PostgreSQL, an integer on SQLite).
    Flag(Option<bool>),
}

/// The `INSERT` of a record, with placeholders written by `ph(n)` (1-based).
pub(crate) fn insert_sql(ph: impl Fn(usize) -> String) -> String {
    let values: Vec<String> = (1..=INSERT_COLUMNS.len()).map(ph).collect();
    format!(
        "INSERT INTO submissions ({}) VALUES ({}) ON CONFLICT (id) DO NOTHING",
        INSERT_COLUMNS.join(", "),
        values.join(", ")
    )
}

/// The values [`insert_sql`] binds for `r`, in [`INSERT_COLUMNS`] order; `search_text` is
/// the folded text of [`Record::search_text`], `context` the stored context
/// ([`crate::context::column`]).
pub(crate) fn insert_values<'a>(
    r: &'a Record,
    search_text: &'a str,
    context: Option<&'a str>,
) -> [Value<'a>; INSERT_COLUMNS.len()] {
    use Value::{Flag, Int, Text};
    let t = |s: &'a Option<String>| Text(s.as_deref());
    [
        Text(Some(&r.id)),
        Text(Some(&r.reference)),
        Text(Some(&r.kind)),
        Text(Some(r.status.as_str())),
        Text(Some(&r.created_at)),
        Text(Some(&r.received_at)),
        Text(Some(&r.locale)),
        t(&r.page_url),
        t(&r.page_title),
        t(&r.visitor_name),
        t(&r.visitor_email),
        t(&r.visitor_phone),
        t(&r.feedback_metric),
        Int(r.feedback_score.map(i32::from)),
        t(&r.feedback_category),
        t(&r.feedback_message),
        t(&r.callback_phone_e164),
        t(&r.callback_country),
        t(&r.callback_when_mode),
        t(&r.callback_slot_from),
        t(&r.callback_slot_to),
        t(&r.callback_timezone),
        t(&r.callback_reason),
        Flag(r.callback_urgent),
        t(&r.callback_promise_text),
        t(&r.callback_due_by),
        t(&r.consent_given_at),
        t(&r.consent_text),
        t(&r.consent_version),
        Text(Some(&r.body)),
        Text(Some(search_text)),
        Text(context),
    ]
}

/// One row as a backend's driver hands it over: a cell by position, in the types
/// [`record_from`] needs. `Error` is what the driver's row closures return.
pub(crate) trait Cells {
    /// The driver's (or the store's) error.
    type Error;
    /// A `TEXT` cell that cannot be NULL.
    fn text(&self, i: usize) -> Result<String, Self::Error>;
    /// A nullable `TEXT` cell.
    fn opt_text(&self, i: usize) -> Result<Option<String>, Self::Error>;
    /// A nullable `INTEGER` cell.
    fn opt_int(&self, i: usize) -> Result<Option<i32>, Self::Error>;
    /// A nullable boolean cell.
    fn opt_flag(&self, i: usize) -> Result<Option<bool>, Self::Error>;
    /// A cell that was read but does not hold a value this build knows.
    fn invalid(&self, i: usize, problem: String) -> Self::Error;
}

/// A count column (attempts); a value out of `u32`'s range reads as 0.
fn count<E>(n: Result<Option<i32>, E>) -> Result<u32, E> {
    Ok(n?.and_then(|n| u32::try_from(n).ok()).unwrap_or(0))
}

/// Reads a delivery from a row of `DELIVERIES_SELECT` (kind, target, attempts, next attempt,
/// delivered, failed, last error).
pub(crate) fn delivery_from<R: Cells>(row: &R) -> Result<Delivery, R::Error> {
    Ok(Delivery {
        kind: DeliveryKind::parse(&row.text(0)?),
        target: row.text(1)?,
        attempts: count(row.opt_int(2))?,
        next_attempt_at: row.text(3)?,
        delivered_at: row.opt_text(4)?,
        failed_at: row.opt_text(5)?,
        last_error: row.opt_text(6)?,
    })
}

/// Reads a reply from a row of `replies_sql` (at, by, body, then its email's attempts,
/// delivered, failed, last error).
pub(crate) fn reply_from<R: Cells>(row: &R) -> Result<ReplyRow, R::Error> {
    Ok(ReplyRow {
        at: row.text(0)?,
        by: row.text(1)?,
        body: row.text(2)?,
        attempts: count(row.opt_int(3))?,
        delivered_at: row.opt_text(4)?,
        failed_at: row.opt_text(5)?,
        last_error: row.opt_text(6)?,
    })
}

/// Reads a record from a row of [`COLUMNS`].
pub(crate) fn record_from<R: Cells>(row: &R) -> Result<Record, R::Error> {
    let status = row.text(3)?;
    Ok(Record {
        id: row.text(0)?,
        reference: row.text(1)?,
        kind: row.text(2)?,
        status: status.parse().map_err(|e: String| row.invalid(3, e))?,
        created_at: row.text(4)?,
        received_at: row.text(5)?,
        locale: row.text(6)?,
        page_url: row.opt_text(7)?,
        page_title: row.opt_text(8)?,
        visitor_name: row.opt_text(9)?,
        visitor_email: row.opt_text(10)?,
        visitor_phone: row.opt_text(11)?,
        feedback_metric: row.opt_text(12)?,
        feedback_score: row.opt_int(13)?.and_then(|s| u8::try_from(s).ok()),
        feedback_category: row.opt_text(14)?,
        feedback_message: row.opt_text(15)?,
        callback_phone_e164: row.opt_text(16)?,
        callback_country: row.opt_text(17)?,
        callback_when_mode: row.opt_text(18)?,
        callback_slot_from: row.opt_text(19)?,
        callback_slot_to: row.opt_text(20)?,
        callback_timezone: row.opt_text(21)?,
        callback_reason: row.opt_text(22)?,
        callback_urgent: row.opt_flag(23)?,
        callback_promise_text: row.opt_text(24)?,
        callback_due_by: row.opt_text(25)?,
        consent_given_at: row.opt_text(26)?,
        consent_text: row.opt_text(27)?,
        consent_version: row.opt_text(28)?,
        body: row.text(29)?,
        visitor_message: row.opt_text(30)?,
        rescheduled_due_by: row.opt_text(31)?,
        status_updated_at: row.opt_text(32)?,
        retry_at: row.opt_text(33)?,
        attempts_failed: row
            .opt_int(34)?
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        first_attempt_at: row.opt_text(35)?,
        promise_kept: row.opt_flag(36)?,
        last_attempt_at: row.opt_text(37)?,
        last_outcome: row.opt_text(38)?,
        other_channel: row.opt_flag(39)?.unwrap_or(false),
        answered_at: row.opt_text(40)?,
        unsubscribed_at: row.opt_text(41)?,
        context: crate::context::from_column(row.opt_text(42)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_select_list_has_every_column_the_reader_reads() {
        assert_eq!(COLUMNS.split(',').count(), 43);
        let select: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
        for (i, name) in INSERT_COLUMNS.iter().enumerate().take(30) {
            assert_eq!(select[i], *name, "insert and select agree on the first 30");
        }
        assert_eq!(
            insert_sql(|n| format!("${n}")).matches('$').count(),
            INSERT_COLUMNS.len()
        );
    }
}
