//! The visitor-facing status of a request: what the status endpoint answers, the status page
//! shows and the missed-call email says, built once from the stored record.
use allo_core::i18n::Lang;
use allo_core::status::{AttemptView, MissedCall, Next, PromiseView, StatusAnswer};

use crate::attempts::Outcome;
use crate::owner_zone::Zone;
use crate::store::Record;
use crate::visitor_text;

/// The last missed call of `record` at `now`, if the visitor should hear about one; `zone` is
/// the owner's, used when the record names no shop zone.
pub fn attempt_view(record: &Record, now: &str, zone: &Zone) -> Option<AttemptView> {
    let outcome: Outcome = record.last_outcome.as_deref()?.parse().ok()?;
    let planned = record.retry_at.is_some();
    if !record.is_callback() || !record.status.is_open() || !outcome.failed() {
        return None;
    }
    // A new promised time set after the call replaced the retry: that is the news now.
    if !planned && !record.other_channel {
        return None;
    }
    let next = match (planned, &record.visitor_email) {
        (true, _) => Next::Call,
        (false, Some(_)) => Next::Email,
        (false, None) => Next::Nothing,
    };
    let missed = MissedCall {
        tried_at: record.last_attempt_at.clone()?,
        wrong_number: outcome == Outcome::WrongNumber,
        retry_at: record.retry_at.clone(),
        next,
    };
    let zone = record
        .callback_timezone
        .as_deref()
        .and_then(|name| Zone::named(name).ok())
        .unwrap_or_else(|| zone.clone());
    let lang = Lang::from_tag(&record.locale).unwrap_or(Lang::En);
    let text = visitor_text::missed_call(&missed, lang, now, &zone);
    Some(AttemptView {
        outcome: outcome.as_str().to_owned(),
        tried_at: missed.tried_at,
        retry_at: missed.retry_at,
        next,
        text,
    })
}

/// The status endpoint's answer for a record at `now` (the type the widget reads too); `zone`
/// is the owner's (see [`attempt_view`]).
pub fn of(record: &Record, now: &str, zone: &Zone) -> StatusAnswer {
    StatusAnswer {
        status: record.status,
        message: record.visitor_message.clone().filter(|m| !m.is_empty()),
        promise: match (&record.callback_promise_text, record.due_by()) {
            (Some(text), Some(due)) if record.is_callback() => Some(PromiseView {
                text: text.clone(),
                due_by: due.to_owned(),
            }),
            _ => None,
        },
        overdue: record.is_overdue(now),
        updated_at: record.updated_at().to_owned(),
        attempt: attempt_view(record, now, zone),
        answered_at: record.answered_at.clone(),
    }
}
