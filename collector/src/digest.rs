//! The weekly digest (`--digest`): every Monday from 09:00 in the owner's zone, one email to
//! the notification recipients with last week's figures against the week before, promises
//! kept, overdue requests, the three lowest-scored comments and a link to Insights.
//!
//! It goes through the durable outbox like every other email, queued with
//! [`Store::queue_once`] under the week's key (`once:digest:2026-W49`): collectors sharing a
//! database each try when their clock says it is time, the first queues it, the unique index
//! turns every other attempt into a no-op, so each recipient gets it once. A collector that is
//! down all Monday skips that week's digest rather than sending it late in the week.
use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use allo_core::zone::Date;

use crate::insights::{self, duration_text, Insights, Period, Scope};
use crate::mail::{encode_header, quoted_printable, MailSettings};
use crate::owner_zone::Zone;
use crate::store::{DeliveryKind, OutboxMessage, Store, StoreError};
use crate::time;

/// The local hour on Monday from which the digest is due.
pub const HOUR: u8 = 9;
/// How often each collector checks whether a digest is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);
/// Comments quoted in the digest.
pub const COMMENTS: usize = 3;

/// The week a digest is due for at `now_ms`: the ISO week key of the Monday (local) when it
/// is Monday between 09:00 and midnight in `zone`, else `None`. The digest reports on the
/// week before that Monday.
pub fn due(now_ms: i64, zone: &Zone) -> Option<Date> {
    let local = zone.at_ms(now_ms)?;
    let date = Date::in_zone(zone, now_ms);
    (date.weekday() == 0 && local.hour() >= HOUR as i8).then_some(date)
}

/// The key the digest of the week starting `monday` is queued under.
pub fn key(monday: Date) -> String {
    format!(
        "{}digest:{}",
        crate::store::ONCE_PREFIX,
        insights::iso_week(monday)
    )
}

/// Last week's and the week before's figures.
async fn figures(
    store: &dyn Store,
    zone: &Zone,
    monday: Date,
    now_ms: i64,
) -> Result<(Insights, Insights), StoreError> {
    let week = |first: Date| Scope {
        period: Period::Custom(first, first.add_days(6)),
        category: None,
        path_prefix: None,
        language: None,
    };
    Ok((
        crate::inbox::insights_for(store, &week(monday.add_days(-7)), zone, now_ms).await?,
        crate::inbox::insights_for(store, &week(monday.add_days(-14)), zone, now_ms).await?,
    ))
}

/// The digest's subject and plain-text body.
pub fn compose(last: &Insights, before: &Insights, public_url: Option<&str>) -> (String, String) {
    let week = insights::iso_week(last.window.first);
    let mut b = String::new();
    let _ = writeln!(
        b,
        "Allo weekly digest for {week} ({} to {}).\n",
        last.window.first, last.window.last
    );
    let mut headline = String::new();
    let mut any = false;
    for metric in insights::Metric::ALL {
        let of = |ins: &Insights| {
            ins.metrics
                .iter()
                .find(|m| m.metric == metric)
                .filter(|m| m.tally.n() > 0)
                .map(|m| {
                    let score = m.score.map_or_else(|| "–".into(), |s| s.to_string());
                    (format!("{score} from {} answers", m.tally.n()), score)
                })
        };
        let (now, then) = (of(last), of(before));
        if now.is_none() && then.is_none() {
            continue;
        }
        any = true;
        let text = |v: &Option<(String, String)>| {
            v.as_ref()
                .map_or_else(|| "no answers".to_owned(), |(t, _)| t.clone())
        };
        let _ = writeln!(
            b,
            "{}: {} (the week before: {}).",
            metric.label(),
            text(&now),
            text(&then)
        );
        if let (true, Some((_, score))) = (headline.is_empty(), &now) {
            headline = format!("{} {score}", metric.label());
        }
    }
    if !any {
        let _ = writeln!(b, "Satisfaction: no feedback answers in either week.");
    }
    let p = &last.promises;
    let _ = writeln!(b, "\nCallback requests: {}.", p.requests);
    let _ = writeln!(
        b,
        "Promises kept: {} ({} of {} requests called by the promised time).",
        p.kept_percent
            .map_or_else(|| "–".into(), |v| format!("{v} %")),
        p.kept,
        p.judged
    );
    if let (Some(median), Some(p90)) = (p.median_ms, p.p90_ms) {
        let _ = writeln!(
            b,
            "Request to first call: median {}, 90th percentile {} ({} requests called).",
            duration_text(median),
            duration_text(p90),
            p.attempted
        );
    }
    let _ = writeln!(b, "Overdue right now: {}.", p.overdue_now);
    let _ = writeln!(b, "\nThe lowest-scored comments:");
    if last.comments.is_empty() {
        let _ = writeln!(b, "  none last week.");
    }
    for c in last.comments.iter().take(COMMENTS) {
        let text = crate::html::clip(&c.message.replace(['\r', '\n'], " "), 200);
        let _ = writeln!(
            b,
            "- {} {} ({}): {text}",
            c.metric.label(),
            c.score,
            c.reference
        );
    }
    match public_url {
        Some(base) => {
            let _ = writeln!(
                b,
                "\nInsights: {}/inbox/insights",
                base.trim_end_matches('/')
            );
        }
        None => {
            let _ = writeln!(b, "\nSee Insights in the inbox (/inbox/insights).");
        }
    }
    b.push_str("\n-- \nSent by allo-collector every Monday (--digest).\n");
    let subject = if headline.is_empty() {
        format!(
            "Allo weekly digest {week}: {} callback requests",
            p.requests
        )
    } else {
        format!(
            "Allo weekly digest {week}: {headline}, {} callback requests",
            p.requests
        )
    };
    (subject, b)
}

/// The whole message to the recipients, CRLF line ends, as the outbox stores it.
fn message(settings: &MailSettings, subject: &str, body: &str, id: &str, now_ms: u64) -> String {
    let mut h = String::new();
    let mut header = |name: &str, value: &str| {
        let _ = write!(h, "{name}: {value}\r\n");
    };
    header("From", &settings.from);
    header("To", &settings.to.join(", "));
    header("Subject", &encode_header(subject));
    header("Date", &time::format_rfc5322(now_ms));
    header("Message-ID", id);
    header("Auto-Submitted", "auto-generated");
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "quoted-printable");
    h.push_str("\r\n");
    h.push_str(&quoted_printable(body));
    h
}

/// Queues the digest of the week starting `monday` (reporting on the week before), unless
/// it was queued already; `true` when this call queued it.
pub async fn queue(
    store: &dyn Store,
    settings: &MailSettings,
    monday: Date,
    now_ms: i64,
) -> Result<bool, StoreError> {
    if settings.to.is_empty() {
        return Ok(false);
    }
    let (last, before) = figures(store, &settings.zone, monday, now_ms).await?;
    let (subject, body) = compose(&last, &before, settings.public_url.as_deref());
    let key = key(monday);
    let domain = settings
        .from
        .rsplit_once('@')
        .map_or("allo.invalid", |(_, d)| d);
    let id = format!("<allo.{}@{domain}>", key.replace(':', "."));
    let now = u64::try_from(now_ms).unwrap_or(0);
    let payload = message(settings, &subject, &body, &id, now);
    let outbox = settings
        .to
        .iter()
        .map(|to| OutboxMessage {
            kind: DeliveryKind::Email,
            url: to.clone(),
            message_id: id.clone(),
            payload: payload.clone(),
            // Set by `queue_once` from the week's key and the recipient.
            event_key: None,
        })
        .collect();
    store
        .queue_once(key, time::format_millis(now), outbox)
        .await
}

/// One check: queues the digest when one is due at `now_ms` (a no-op when another collector
/// or an earlier check did). `true` when this check queued it.
pub async fn tick(
    store: &dyn Store,
    settings: &MailSettings,
    now_ms: i64,
) -> Result<bool, StoreError> {
    match due(now_ms, &settings.zone) {
        Some(monday) => queue(store, settings, monday, now_ms).await,
        None => Ok(false),
    }
}

/// Checks every [`CHECK_EVERY`] until `stop` turns true; wakes the outbox's forwarder when it
/// queued a digest.
pub async fn run(
    store: Arc<dyn Store>,
    settings: MailSettings,
    wake: Arc<tokio::sync::Notify>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        let now = i64::try_from(time::now_millis()).unwrap_or(0);
        match tick(store.as_ref(), &settings, now).await {
            Ok(true) => {
                tracing::info!(key = %due(now, &settings.zone).map(key).unwrap_or_default(),
                    "weekly digest queued");
                wake.notify_one();
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "weekly digest not queued; retrying"),
        }
        tokio::select! {
            () = tokio::time::sleep(CHECK_EVERY) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ts: &str) -> i64 {
        i64::try_from(time::parse_millis(ts).unwrap()).unwrap()
    }

    #[test]
    fn due_on_monday_from_nine_in_the_owners_zone() {
        let paris = Zone::named("Europe/Paris").unwrap();
        // Monday 2026-11-30: 09:00 CET is 08:00 UTC.
        assert_eq!(due(at("2026-11-30T07:59:59.000Z"), &paris), None);
        let monday = Date::new(2026, 11, 30).unwrap();
        assert_eq!(due(at("2026-11-30T08:00:00.000Z"), &paris), Some(monday));
        assert_eq!(due(at("2026-11-30T22:59:00.000Z"), &paris), Some(monday));
        // Tuesday 00:00 in Paris: too late for that week.
        assert_eq!(due(at("2026-11-30T23:00:00.000Z"), &paris), None);
        // In summer, 09:00 CEST is 07:00 UTC.
        assert!(due(at("2026-06-29T07:00:00.000Z"), &paris).is_some());
        assert!(due(at("2026-06-29T06:59:00.000Z"), &paris).is_none());
        // 09:30 UTC on a Monday: due in UTC, but only 01:30 in Los Angeles.
        assert!(due(at("2026-11-30T09:30:00.000Z"), &Zone::utc()).is_some());
        let la = Zone::named("America/Los_Angeles").unwrap();
        assert!(due(at("2026-11-30T09:30:00.000Z"), &la).is_none());
        assert_eq!(key(monday), "once:digest:2026-W49");
    }
}
