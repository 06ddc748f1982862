//! The callback queue: which open request to call first, and how much time is left, in words.
//!
//! Pure (records and a clock in, an ordered queue out), so the order and the wording are
//! tested here for every case, in the owner's zone and across midnight. The order:
//!
//! 1. **overdue** — the promised time passed: the latest first ("how late");
//! 2. **urgent** — marked urgent by the visitor, by time;
//! 3. **the rest**, by time: the due time of an "as soon as possible" request, the start of a
//!    chosen slot.
//!
//! A request whose call did not reach the visitor waits out of the queue until the time set
//! for the next try, then comes back with that time as its due time; one flagged for another
//! channel (attempts used up, wrong number) is listed apart. The tab's title counts what is
//! overdue or due within [`DUE_SOON_MS`].
use std::cmp::Ordering;

use crate::owner_zone::Zone;
use crate::store::Record;
use crate::time;

/// "Due soon": within this long (15 minutes), counted in the tab's title.
pub const DUE_SOON_MS: i64 = 15 * 60_000;

/// What the queue knows about one request's timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Call by this instant (as soon as possible, a moved promise, or a retry).
    By(i64),
    /// Call within this slot.
    Slot {
        /// Its start.
        from: i64,
        /// Its end, the promised time.
        to: i64,
    },
    /// Delayed without a new time: the visitor was told, nothing is promised.
    Open,
}

/// Where a request stands in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// The promised time passed.
    Overdue,
    /// Marked urgent.
    Urgent,
    /// Everything else, by time.
    Normal,
}

/// One request in the queue.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// The request.
    pub record: &'a Record,
    /// Its timing.
    pub due: Due,
    /// Its place.
    pub group: Group,
    /// The time left, in words, in the owner's zone.
    pub left: String,
    /// Overdue, or due within [`DUE_SOON_MS`].
    pub soon: bool,
}

/// The queue: what to call now, what waits for a retry, what needs another channel.
#[derive(Clone, Debug, Default)]
pub struct Queue<'a> {
    /// To call, in order.
    pub now: Vec<Entry<'a>>,
    /// Waiting for the next try, soonest first.
    pub later: Vec<Entry<'a>>,
    /// Calling given up: write to them (or find another number).
    pub other_channel: Vec<Entry<'a>>,
}

impl Queue<'_> {
    /// How many requests are overdue or due within [`DUE_SOON_MS`], retries included.
    pub fn due_soon(&self) -> usize {
        self.now
            .iter()
            .chain(&self.later)
            .filter(|e| e.soon)
            .count()
    }
}

fn ms(ts: &str) -> Option<i64> {
    time::parse_millis(ts).and_then(|m| i64::try_from(m).ok())
}

/// A request's timing: a planned retry first, then a moved promise, then the slot or the
/// widget's promised time.
pub fn due_of(r: &Record) -> Due {
    if let Some(retry) = r.retry_at.as_deref().and_then(ms) {
        return Due::By(retry);
    }
    if let Some(moved) = r.rescheduled_due_by.as_deref().and_then(ms) {
        return Due::By(moved);
    }
    if r.status == crate::status::Status::Delayed {
        return Due::Open;
    }
    let slot = (
        r.callback_slot_from.as_deref().and_then(ms),
        r.callback_slot_to.as_deref().and_then(ms),
    );
    match (slot, r.callback_due_by.as_deref().and_then(ms)) {
        ((Some(from), Some(to)), _) => Due::Slot { from, to },
        (_, Some(due)) => Due::By(due),
        _ => Due::Open,
    }
}

impl Due {
    /// The instant after which the request is late.
    fn deadline(self) -> Option<i64> {
        match self {
            Due::By(at) => Some(at),
            Due::Slot { to, .. } => Some(to),
            Due::Open => None,
        }
    }

    /// The instant the queue sorts by: the due time, or the slot's start.
    fn sort_key(self) -> i64 {
        match self {
            Due::By(at) => at,
            Due::Slot { from, .. } => from,
            // Nothing promised: after everything that is.
            Due::Open => i64::MAX,
        }
    }
}

/// "5 min", "1 h", "1 h 20 min", "2 days": a duration to the minute, rounded down.
pub fn span(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, _, _) => "1 day".to_owned(),
        (d, _, _) => format!("{d} days"),
    }
}

/// The day of `at` as the owner says it at `now`: "today", "tomorrow", a weekday within the
/// week, else the date; in the owner's zone, so 00:10 after 23:50 is "tomorrow".
pub fn day_word(zone: &Zone, now_ms: i64, at_ms: i64) -> String {
    let (Some(now), Some(at)) = (zone.at_ms(now_ms), zone.at_ms(at_ms)) else {
        return String::new();
    };
    let days = (at.date() - now.date()).get_days();
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        2..=6 => at.strftime("%A").to_string(),
        _ => at.strftime("%Y-%m-%d").to_string(),
    }
}

/// `14:00` in the owner's zone.
pub fn clock(zone: &Zone, at_ms: i64) -> String {
    zone.at_ms(at_ms)
        .map(|z| z.strftime("%H:%M").to_string())
        .unwrap_or_default()
}

/// The time left in words at `now_ms`: "due in 6 min", "12 min late", "due today 16:00",
/// "today 14:00–14:30", "now, until 14:30", "retry in 25 min". Times and days are the
/// owner's.
pub fn time_left(due: Due, retry: bool, now_ms: i64, zone: &Zone) -> String {
    let at = |t: i64| format!("{} {}", day_word(zone, now_ms, t), clock(zone, t));
    match due {
        Due::Open => "delayed, no new time".to_owned(),
        Due::By(t) if t <= now_ms => {
            if now_ms - t < 60_000 {
                "due now".to_owned()
            } else {
                format!("{} late", span(now_ms - t))
            }
        }
        Due::By(t) => {
            let what = if retry { "retry" } else { "due" };
            if t - now_ms < 60 * 60_000 {
                // Rounded up: with 5 min 30 s left, "in 6 min" is the honest reading.
                let minutes = (t - now_ms + 59_999) / 60_000;
                format!("{what} in {minutes} min")
            } else {
                format!("{what} {}", at(t))
            }
        }
        Due::Slot { to, .. } if to <= now_ms => format!("{} late", span(now_ms - to)),
        Due::Slot { from, to } if from <= now_ms => format!("now, until {}", clock(zone, to)),
        Due::Slot { from, to } => format!("{}–{}", at(from), clock(zone, to)),
    }
}

/// The queue of `records` (open callbacks; anything else is left out) at `now_ms`.
pub fn build<'a>(records: &'a [Record], now_ms: i64, zone: &Zone) -> Queue<'a> {
    let mut queue = Queue::default();
    for r in records {
        if !r.is_callback() || !r.status.is_open() {
            continue;
        }
        let due = due_of(r);
        let late = due.deadline().is_some_and(|d| d < now_ms);
        let waiting = r.retry_at.is_some() && due.sort_key() > now_ms;
        let group = if late {
            Group::Overdue
        } else if r.callback_urgent == Some(true) {
            Group::Urgent
        } else {
            Group::Normal
        };
        let soon = !r.other_channel
            && due
                .deadline()
                .is_some_and(|d| d - now_ms <= DUE_SOON_MS || late);
        let entry = Entry {
            record: r,
            due,
            group,
            left: if r.other_channel {
                "calling given up".to_owned()
            } else {
                time_left(due, r.retry_at.is_some(), now_ms, zone)
            },
            soon,
        };
        if r.other_channel {
            queue.other_channel.push(entry);
        } else if waiting {
            queue.later.push(entry);
        } else {
            queue.now.push(entry);
        }
    }
    queue.now.sort_by(order);
    queue.later.sort_by_key(|e| e.due.sort_key());
    queue
        .other_channel
        .sort_by(|a, b| a.record.last_attempt_at.cmp(&b.record.last_attempt_at));
    queue
}

/// The queue's order: group, then within overdue the longest late first (the earliest
/// deadline), elsewhere the earliest time; then arrival.
fn order(a: &Entry<'_>, b: &Entry<'_>) -> Ordering {
    a.group
        .cmp(&b.group)
        .then_with(|| match a.group {
            Group::Overdue => a.due.deadline().cmp(&b.due.deadline()),
            _ => a.due.sort_key().cmp(&b.due.sort_key()),
        })
        .then_with(|| a.record.received_at.cmp(&b.record.received_at))
        .then_with(|| a.record.id.cmp(&b.record.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use crate::store::fixtures;

    const NOW: &str = "2026-11-24T10:00:00.000Z";

    fn at(ts: &str) -> i64 {
        ms(ts).unwrap()
    }

    fn asap(id: u8, due: &str, urgent: bool) -> Record {
        let mut r = fixtures::callback("2026-11-24T09:00:00.000Z", due);
        r.id = format!("id-{id}");
        r.callback_urgent = Some(urgent);
        r
    }

    fn slot(id: u8, from: &str, to: &str) -> Record {
        let mut r = asap(id, to, false);
        r.callback_when_mode = Some("slot".into());
        r.callback_slot_from = Some(from.into());
        r.callback_slot_to = Some(to.into());
        r
    }

    fn ids(entries: &[Entry<'_>]) -> Vec<String> {
        entries.iter().map(|e| e.record.id.clone()).collect()
    }

    #[test]
    fn overdue_first_then_urgent_then_by_time() {
        let records = vec![
            asap(1, "2026-11-24T10:30:00.000Z", false),
            asap(2, "2026-11-24T09:50:00.000Z", false), // 10 min late
            asap(3, "2026-11-24T11:00:00.000Z", true),
            slot(4, "2026-11-24T10:15:00.000Z", "2026-11-24T10:45:00.000Z"),
            asap(5, "2026-11-24T09:30:00.000Z", true), // 30 min late
            asap(6, "2026-11-24T10:20:00.000Z", true),
            slot(7, "2026-11-24T09:00:00.000Z", "2026-11-24T09:45:00.000Z"), // 15 min late
        ];
        let q = build(&records, at(NOW), &Zone::utc());
        assert_eq!(
            ids(&q.now),
            ["id-5", "id-7", "id-2", "id-6", "id-3", "id-4", "id-1"],
            "most late first, urgent by time, then the rest by due time or slot start"
        );
        let groups: Vec<Group> = q.now.iter().map(|e| e.group).collect();
        assert_eq!(groups[..3], [Group::Overdue; 3]);
        assert_eq!(groups[3..5], [Group::Urgent; 2]);
        // Overdue (3) plus due within 15 minutes: the slot starting at 10:15 ends at 10:45,
        // so only what must be called by 10:15.
        assert_eq!(q.due_soon(), 3);
    }

    #[test]
    fn closed_requests_and_feedback_are_not_in_the_queue() {
        let mut done = asap(1, "2026-11-24T10:30:00.000Z", false);
        done.status = Status::CalledBack;
        let mut handled = asap(2, "2026-11-24T10:30:00.000Z", false);
        handled.status = Status::Handled;
        let mut feedback = asap(3, "2026-11-24T10:30:00.000Z", false);
        feedback.kind = "feedback".into();
        let open = asap(4, "2026-11-24T10:30:00.000Z", false);
        let records = [done, handled, feedback, open];
        let q = build(&records, at(NOW), &Zone::utc());
        assert_eq!(ids(&q.now), ["id-4"]);
    }

    #[test]
    fn a_retry_waits_out_of_the_queue_until_its_time() {
        let mut retry = asap(1, "2026-11-24T09:15:00.000Z", true);
        retry.status = Status::Scheduled;
        retry.retry_at = Some("2026-11-24T10:35:00.000Z".into());
        retry.attempts_failed = 1;
        let mut given_up = asap(2, "2026-11-24T09:15:00.000Z", false);
        given_up.other_channel = true;
        given_up.attempts_failed = 3;
        let records = vec![
            retry.clone(),
            given_up,
            asap(3, "2026-11-24T11:00:00.000Z", false),
        ];
        let q = build(&records, at(NOW), &Zone::utc());
        assert_eq!(ids(&q.now), ["id-3"]);
        assert_eq!(ids(&q.later), ["id-1"]);
        assert_eq!(q.later[0].left, "retry in 35 min");
        assert_eq!(ids(&q.other_channel), ["id-2"]);
        assert_eq!(q.other_channel[0].left, "calling given up");
        assert_eq!(q.due_soon(), 0, "the given-up one is not due by phone");

        // At 10:35 it is back, due now; at 10:47 it is 12 minutes late and first in line.
        let q = build(&records, at("2026-11-24T10:35:00.000Z"), &Zone::utc());
        assert_eq!(ids(&q.now), ["id-1", "id-3"]);
        assert_eq!(q.now[0].left, "due now");
        let q = build(&records, at("2026-11-24T10:47:00.000Z"), &Zone::utc());
        assert_eq!(q.now[0].left, "12 min late");
        assert_eq!(q.now[0].group, Group::Overdue);
    }

    #[test]
    fn time_left_in_words() {
        let utc = Zone::utc();
        let now = at(NOW);
        let by = |ts: &str| Due::By(at(ts));
        let cases = [
            (by("2026-11-24T10:06:00.000Z"), false, "due in 6 min"),
            (by("2026-11-24T10:05:30.000Z"), false, "due in 6 min"),
            (by("2026-11-24T10:00:00.000Z"), false, "due now"),
            (by("2026-11-24T09:59:30.000Z"), false, "due now"),
            (by("2026-11-24T09:48:00.000Z"), false, "12 min late"),
            (by("2026-11-24T08:40:00.000Z"), false, "1 h 20 min late"),
            (by("2026-11-24T08:00:00.000Z"), false, "2 h late"),
            (by("2026-11-23T09:00:00.000Z"), false, "1 day late"),
            (by("2026-11-21T09:00:00.000Z"), false, "3 days late"),
            (by("2026-11-24T16:00:00.000Z"), false, "due today 16:00"),
            (by("2026-11-25T09:15:00.000Z"), false, "due tomorrow 09:15"),
            (by("2026-11-27T09:15:00.000Z"), false, "due Friday 09:15"),
            (
                by("2026-12-24T09:15:00.000Z"),
                false,
                "due 2026-12-24 09:15",
            ),
            (by("2026-11-24T10:25:00.000Z"), true, "retry in 25 min"),
            (by("2026-11-25T08:00:00.000Z"), true, "retry tomorrow 08:00"),
            (
                Due::Slot {
                    from: at("2026-11-24T14:00:00.000Z"),
                    to: at("2026-11-24T14:30:00.000Z"),
                },
                false,
                "today 14:00–14:30",
            ),
            (
                Due::Slot {
                    from: at("2026-11-24T09:45:00.000Z"),
                    to: at("2026-11-24T10:15:00.000Z"),
                },
                false,
                "now, until 10:15",
            ),
            (
                Due::Slot {
                    from: at("2026-11-24T09:00:00.000Z"),
                    to: at("2026-11-24T09:30:00.000Z"),
                },
                false,
                "30 min late",
            ),
            (Due::Open, false, "delayed, no new time"),
        ];
        for (due, retry, want) in cases {
            assert_eq!(time_left(due, retry, now, &utc), want, "{due:?}");
        }
    }

    #[test]
    fn days_are_the_owners_days_across_midnight() {
        let paris = Zone::named("Europe/Paris").unwrap();
        // 23:50 in Paris (22:50 UTC, winter).
        let now = at("2026-11-24T22:50:00.000Z");
        // A slot at 00:00–00:30 Paris time is tomorrow there, although still the 24th in UTC.
        let slot = Due::Slot {
            from: at("2026-11-24T23:00:00.000Z"),
            to: at("2026-11-24T23:30:00.000Z"),
        };
        assert_eq!(time_left(slot, false, now, &paris), "tomorrow 00:00–00:30");
        assert_eq!(
            time_left(slot, false, now, &Zone::utc()),
            "today 23:00–23:30",
            "the same instants read in UTC"
        );
        // Within the hour: minutes, whatever the date.
        let soon = Due::By(at("2026-11-24T23:10:00.000Z"));
        assert_eq!(time_left(soon, false, now, &paris), "due in 20 min");
        // Opening tomorrow at 09:15 Paris time.
        let next = Due::By(at("2026-11-25T08:15:00.000Z"));
        assert_eq!(time_left(next, false, now, &paris), "due tomorrow 09:15");
        // Summer time: 09:15 in July Paris is 07:15 UTC.
        let july_now = at("2027-07-01T06:00:00.000Z");
        let july = Due::By(at("2027-07-01T07:15:00.000Z"));
        assert_eq!(time_left(july, false, july_now, &paris), "due today 09:15");
        assert_eq!(
            day_word(&paris, now, at("2026-11-24T22:59:00.000Z")),
            "today"
        );
        assert_eq!(
            day_word(&paris, now, at("2026-11-24T23:00:00.000Z")),
            "tomorrow"
        );
    }

    #[test]
    fn due_times_follow_moves_and_retries() {
        let mut r = asap(1, "2026-11-24T10:15:00.000Z", false);
        assert_eq!(due_of(&r), Due::By(at("2026-11-24T10:15:00.000Z")));
        r.rescheduled_due_by = Some("2026-11-24T15:30:00.000Z".into());
        r.status = Status::Delayed;
        assert_eq!(due_of(&r), Due::By(at("2026-11-24T15:30:00.000Z")));
        r.retry_at = Some("2026-11-24T11:00:00.000Z".into());
        assert_eq!(due_of(&r), Due::By(at("2026-11-24T11:00:00.000Z")));
        let mut told = asap(2, "2026-11-24T09:15:00.000Z", false);
        told.status = Status::Delayed;
        assert_eq!(due_of(&told), Due::Open);
        let q = build(std::slice::from_ref(&told), at(NOW), &Zone::utc());
        assert_eq!(
            (q.now[0].group, q.now[0].left.as_str(), q.now[0].soon),
            (Group::Normal, "delayed, no new time", false),
            "told about the delay: not overdue"
        );
    }

    #[test]
    fn spans() {
        assert_eq!(span(0), "0 min");
        assert_eq!(span(59_999), "0 min");
        assert_eq!(span(60 * 60_000), "1 h");
        assert_eq!(span(25 * 60 * 60_000), "1 day");
        assert_eq!(span(-5), "0 min");
    }
}
