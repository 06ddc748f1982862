//! The honest promise: what the widget tells a visitor about when the shop will call.
//!
//! The promise is computed from the shop's hours in the shop's zone, and is only ever one the
//! shop can keep: "within 30 minutes" is said only when the shop is open for at least 30 more
//! minutes. Its `due_by` instant travels with the callback so the shop sees the deadline it
//! was given. Wording is chosen here too (which string, which placeholders, which instant each
//! one shows); the widget only formats instants with `Intl` in the visitor's zone and fills.
use crate::hours::{ClosedDates, OpeningHours};
use crate::i18n::{fill, Strings};
use crate::zone::{Date, Zone, DAY_MS, MINUTE_MS};

/// How far ahead the next opening is looked for. A year covers any holiday; hours that never
/// open within it are treated like no hours at all.
const SEARCH_DAYS: i64 = 366;

/// How long "as soon as we can" gives the shop when it has no opening hours: a day.
pub const NO_HOURS_DUE_MS: i64 = DAY_MS;

/// What the visitor asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Call me as soon as possible.
    Asap,
    /// Call me within this slot (UTC milliseconds, from [`crate::slots::slots`]).
    Slot {
        /// Start of the slot.
        from: i64,
        /// End of the slot.
        to: i64,
    },
}

/// What the shop promises; every variant carries the deadline it commits to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Promise {
    /// Open, and staying open long enough: "We'll call you within N minutes."
    OpenNow {
        /// N.
        within_minutes: u32,
        /// Now plus N minutes.
        due_by_ms: i64,
    },
    /// Closed now: "We're closed right now. We'll call you tomorrow from 09:00."
    ClosedUntil {
        /// When the shop next opens (for at least N minutes).
        opens_at_ms: i64,
        /// The opening plus N minutes.
        due_by_ms: i64,
    },
    /// Open now, but closing in less than N minutes: "We're closing soon, so we'll call you
    /// tomorrow from 09:00." Kept apart from [`Promise::ClosedUntil`] because telling a
    /// visitor "we're closed" while the shop is still open would be untrue.
    ClosingSoon {
        /// When the shop next opens (for at least N minutes) after this closing.
        opens_at_ms: i64,
        /// The opening plus N minutes.
        due_by_ms: i64,
    },
    /// The visitor picked a slot: "We'll call you on … between … and …."
    Slot {
        /// Start of the slot.
        from_ms: i64,
        /// End of the slot.
        to_ms: i64,
        /// The end of the slot.
        due_by_ms: i64,
    },
    /// The owner set no opening hours (or none that ever open): "We'll call you back as soon
    /// as we can." The deadline is a day away ([`NO_HOURS_DUE_MS`]): without hours nothing
    /// better can be promised, and the shop still sees a deadline to sort callbacks by.
    NoHours {
        /// Now plus a day.
        due_by_ms: i64,
    },
}

impl Promise {
    /// The latest instant the shop promised to call by.
    pub fn due_by_ms(&self) -> i64 {
        match *self {
            Promise::OpenNow { due_by_ms, .. }
            | Promise::ClosedUntil { due_by_ms, .. }
            | Promise::ClosingSoon { due_by_ms, .. }
            | Promise::Slot { due_by_ms, .. }
            | Promise::NoHours { due_by_ms } => due_by_ms,
        }
    }

    /// The instant the wording talks about (the next opening, the slot's start), to pass to
    /// [`relative_day`]; `None` when the wording names no day.
    pub fn about_ms(&self) -> Option<i64> {
        match *self {
            Promise::ClosedUntil { opens_at_ms, .. } | Promise::ClosingSoon { opens_at_ms, .. } => {
                Some(opens_at_ms)
            }
            Promise::Slot { from_ms, .. } => Some(from_ms),
            Promise::OpenNow { .. } | Promise::NoHours { .. } => None,
        }
    }

    /// The wording for a visitor in `visitor_zone`: [`wording`] with the day computed by
    /// [`relative_day`].
    pub fn wording_for(&self, visitor_zone: &dyn Zone, now_utc_ms: i64) -> Wording {
        let day = self.about_ms().map_or(RelativeDay::Today, |at| {
            relative_day(visitor_zone, now_utc_ms, at)
        });
        wording(self, day)
    }
}

/// The promise for a request made at `now_utc_ms`.
///
/// For [`Request::Asap`], the shop must be open for `within_minutes` from the moment it can
/// start: if it is open now and stays open that long, the promise is [`Promise::OpenNow`];
/// otherwise it is the next opening that lasts that long: [`Promise::ClosingSoon`] when the
/// shop is open now but closes sooner (promising a call that would fall after closing is
/// exactly the dishonesty this avoids, and so is saying "closed" while it is open), else
/// [`Promise::ClosedUntil`]. Back-to-back openings (`09:00-12:00,12:00-18:00`, a night running into the
/// next day) count as one. A request for a slot is promised as asked.
pub fn promise(
    hours: &OpeningHours,
    closed: &ClosedDates,
    shop_zone: &dyn Zone,
    now_utc_ms: i64,
    within_minutes: u32,
    request: Request,
) -> Promise {
    if let Request::Slot { from, to } = request {
        return Promise::Slot {
            from_ms: from,
            to_ms: to,
            due_by_ms: to,
        };
    }
    let need = i64::from(within_minutes) * MINUTE_MS;
    let today = Date::in_zone(shop_zone, now_utc_ms);
    // Whether a span judged so far contains now: spans are judged in order, so by the time a
    // later opening is promised this says whether the shop is open at this moment.
    let mut open_now = false;
    // The promise a span of continuous opening allows, if any.
    let mut keepable = |(from, to): (i64, i64)| {
        open_now |= from <= now_utc_ms && now_utc_ms < to;
        if to - from.max(now_utc_ms) < need {
            None
        } else if from <= now_utc_ms {
            Some(Promise::OpenNow {
                within_minutes,
                due_by_ms: now_utc_ms + need,
            })
        } else if open_now {
            Some(Promise::ClosingSoon {
                opens_at_ms: from,
                due_by_ms: from + need,
            })
        } else {
            Some(Promise::ClosedUntil {
                opens_at_ms: from,
                due_by_ms: from + need,
            })
        }
    };
    // Merge back-to-back and overlapping openings into spans; a span is judged once the next
    // opening starts after it, so the search usually stops within a day or two.
    let mut span: Option<(i64, i64)> = None;
    for (from, to) in hours.openings_utc(closed, shop_zone, today.add_days(-1), SEARCH_DAYS + 1) {
        match span {
            Some((start, end)) if from <= end => span = Some((start, end.max(to))),
            _ => {
                if let Some(p) = span.and_then(&mut keepable) {
                    return p;
                }
                span = Some((from, to));
            }
        }
    }
    if let Some(p) = span.and_then(keepable) {
        return p;
    }
    Promise::NoHours {
        due_by_ms: now_utc_ms + NO_HOURS_DUE_MS,
    }
}

/// How an instant relates to today, in the visitor's zone, for wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelativeDay {
    /// The visitor's today.
    Today,
    /// The visitor's tomorrow.
    Tomorrow,
    /// Two to six days ahead: name the weekday (0 = Monday … 6 = Sunday).
    Weekday(u8),
    /// Further ahead (or in the past): give the date.
    Date,
}

/// Whether `at_utc_ms` is today, tomorrow, this coming week or later *for the visitor*.
///
/// Computed in the visitor's zone, not the shop's: at 20:00 in Paris a Paris shop opening at
/// 09:00 opens "tomorrow", but for a visitor in Tokyo (04:00 there) it opens "today".
pub fn relative_day(visitor_zone: &dyn Zone, now_utc_ms: i64, at_utc_ms: i64) -> RelativeDay {
    let today = Date::in_zone(visitor_zone, now_utc_ms);
    let day = Date::in_zone(visitor_zone, at_utc_ms);
    match day.days() - today.days() {
        0 => RelativeDay::Today,
        1 => RelativeDay::Tomorrow,
        2..=6 => RelativeDay::Weekday(day.weekday()),
        _ => RelativeDay::Date,
    }
}

/// What one placeholder shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A plain number (minutes).
    Number(u32),
    /// The time of day of an instant, e.g. `09:00` / `9:00 AM`.
    Time(i64),
    /// The weekday name of an instant, e.g. `Monday`.
    Weekday(i64),
    /// The date of an instant, e.g. `Monday 5 January` (weekday optional, no year needed).
    Date(i64),
}

/// The sentence to show: a key of [`crate::i18n::Strings`] and what fills each placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wording {
    /// The string's key, e.g. `promise_closed_tomorrow`.
    pub key: &'static str,
    /// Placeholder names (without braces) and what to put there, all in the visitor's zone.
    pub fills: Vec<(&'static str, Fill)>,
}

/// A wording's sentence in `s`, each placeholder filled with what `show` makes of its
/// [`Fill`] (the widget formats with `Intl`, the collector in the shop's zone).
pub fn say(s: &Strings, w: &Wording, show: &dyn Fn(Fill) -> String) -> String {
    // One placeholder at a time (`fill` replaces them in turn anyway), rather than two lists
    // collected to pass them all at once (−179 B gzip).
    let mut out = s.get(w.key).unwrap_or_default().to_owned();
    for &(key, f) in &w.fills {
        out = fill(&out, &[(key, &show(f))]);
    }
    out
}

/// Picks the sentence for `promise`, with `day` the [`relative_day`] of
/// [`Promise::about_ms`] (ignored by promises that name no day).
pub fn wording(promise: &Promise, day: RelativeDay) -> Wording {
    let (key, fills) = match *promise {
        Promise::OpenNow { within_minutes, .. } => (
            "promise_open",
            vec![("minutes", Fill::Number(within_minutes))],
        ),
        Promise::ClosedUntil { opens_at_ms, .. } => next_opening(
            [
                "promise_closed_today",
                "promise_closed_tomorrow",
                "promise_closed_day",
            ],
            opens_at_ms,
            day,
        ),
        Promise::ClosingSoon { opens_at_ms, .. } => next_opening(
            [
                "promise_closing_today",
                "promise_closing_tomorrow",
                "promise_closing_day",
            ],
            opens_at_ms,
            day,
        ),
        Promise::Slot { from_ms, to_ms, .. } => (
            "promise_slot",
            vec![
                ("date", Fill::Date(from_ms)),
                ("from", Fill::Time(from_ms)),
                ("to", Fill::Time(to_ms)),
            ],
        ),
        Promise::NoHours { .. } => ("promise_no_hours", Vec::new()),
    };
    Wording { key, fills }
}

/// The sentence naming the next opening: `keys` are its today, tomorrow and later-day
/// strings, the later-day one naming the weekday within a week and the date beyond.
fn next_opening(
    keys: [&'static str; 3],
    opens_at_ms: i64,
    day: RelativeDay,
) -> (&'static str, Vec<(&'static str, Fill)>) {
    let [today, tomorrow, later] = keys;
    let time = ("time", Fill::Time(opens_at_ms));
    match day {
        RelativeDay::Today => (today, vec![time]),
        RelativeDay::Tomorrow => (tomorrow, vec![time]),
        RelativeDay::Weekday(_) => (later, vec![("day", Fill::Weekday(opens_at_ms)), time]),
        RelativeDay::Date => (later, vec![("day", Fill::Date(opens_at_ms)), time]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Strings};
    use crate::zone::tests::utc;
    use crate::zone::{EuropeanZone, FixedZone, UsZone};

    const PARIS: EuropeanZone = EuropeanZone { standard: 60 };
    const SHOP: &str = "Mo-Fr 09:00-18:00; Sa 10:00-13:00";
    const MIN: i64 = MINUTE_MS;

    fn asap(hours: &str, closed: &str, now: i64, within: u32) -> Promise {
        let hours = OpeningHours::parse(hours).unwrap();
        let closed = ClosedDates::parse(closed).unwrap();
        promise(&hours, &closed, &PARIS, now, within, Request::Asap)
    }

    #[test]
    fn asap_promises_only_what_the_hours_allow() {
        // Times are UTC; Paris is UTC+1 in winter. 2026-11-23 is a Monday.
        let closed_until = |opens: i64, within: i64| Promise::ClosedUntil {
            opens_at_ms: opens,
            due_by_ms: opens + within * MIN,
        };
        let closing_soon = |opens: i64, within: i64| Promise::ClosingSoon {
            opens_at_ms: opens,
            due_by_ms: opens + within * MIN,
        };
        let tuesday_9 = utc(2026, 11, 24, 8, 0);
        let cases = [
            // Open at 10:00 local.
            (
                "open now",
                SHOP,
                "",
                utc(2026, 11, 23, 9, 0),
                30,
                Promise::OpenNow {
                    within_minutes: 30,
                    due_by_ms: utc(2026, 11, 23, 9, 30),
                },
            ),
            // 17:30 local: exactly 30 minutes left is enough.
            (
                "just in time",
                SHOP,
                "",
                utc(2026, 11, 23, 16, 30),
                30,
                Promise::OpenNow {
                    within_minutes: 30,
                    due_by_ms: utc(2026, 11, 23, 17, 0),
                },
            ),
            // 17:45 local: still open but closing in 15 minutes, so promise tomorrow's
            // opening without saying the shop is closed.
            (
                "closing soon",
                SHOP,
                "",
                utc(2026, 11, 23, 16, 45),
                30,
                closing_soon(tuesday_9, 30),
            ),
            // 11:50 local before a lunch break: today 14:00.
            (
                "closing for lunch",
                "Mo-Fr 09:00-12:00,14:00-18:00",
                "",
                utc(2026, 11, 23, 10, 50),
                30,
                closing_soon(utc(2026, 11, 23, 13, 0), 30),
            ),
            // Saturday 12:45 local, closing at 13:00 until Monday 09:00.
            (
                "closing soon for the weekend",
                SHOP,
                "",
                utc(2026, 11, 28, 11, 45),
                30,
                closing_soon(utc(2026, 11, 30, 8, 0), 30),
            ),
            // Open for 10 minutes, and the next opening is too short: the first one that
            // lasts is promised, still as "closing soon".
            (
                "closing soon, next opening too short",
                "Mo 09:00-09:10,12:00-12:10; Tu 09:00-18:00",
                "",
                utc(2026, 11, 23, 8, 0),
                30,
                closing_soon(tuesday_9, 30),
            ),
            // A night opening crossing midnight: Saturday 01:50 local, closing at 02:00.
            (
                "closing soon after midnight",
                "Fr 22:00-02:00; Sa 22:00-02:00",
                "",
                utc(2026, 11, 28, 0, 50),
                30,
                closing_soon(utc(2026, 11, 28, 21, 0), 30),
            ),
            // 18:00 local exactly: the closing time itself is closed.
            (
                "at closing time",
                SHOP,
                "",
                utc(2026, 11, 23, 17, 0),
                30,
                closed_until(tuesday_9, 30),
            ),
            // 20:00 local: tomorrow 09:00.
            (
                "evening",
                SHOP,
                "",
                utc(2026, 11, 23, 19, 0),
                30,
                closed_until(tuesday_9, 30),
            ),
            // 07:00 local: today 09:00.
            (
                "early morning",
                SHOP,
                "",
                utc(2026, 11, 23, 6, 0),
                15,
                closed_until(utc(2026, 11, 23, 8, 0), 15),
            ),
            // Saturday 14:00 local, after 13:00: Monday 09:00.
            (
                "saturday afternoon",
                SHOP,
                "",
                utc(2026, 11, 28, 13, 0),
                30,
                closed_until(utc(2026, 11, 30, 8, 0), 30),
            ),
            // Thursday 24 December 19:00 local, Christmas closed: Saturday 10:00.
            (
                "closed date",
                SHOP,
                "2026-12-25",
                utc(2026, 12, 24, 18, 0),
                30,
                closed_until(utc(2026, 12, 26, 9, 0), 30),
            ),
            // Back-to-back openings are one: 11:50 local still gives 30 minutes.
            (
                "back to back",
                "Mo-Fr 09:00-12:00,12:00-18:00",
                "",
                utc(2026, 11, 23, 10, 50),
                30,
                Promise::OpenNow {
                    within_minutes: 30,
                    due_by_ms: utc(2026, 11, 23, 11, 20),
                },
            ),
            // An opening too short for the promise is skipped.
            (
                "short opening",
                "Mo 09:00-09:10; Tu 09:00-18:00",
                "",
                utc(2026, 11, 23, 6, 0),
                30,
                closed_until(tuesday_9, 30),
            ),
            // Saturday 28 March 2026 evening: Monday 09:00 is summer time, 07:00 UTC.
            (
                "after DST start",
                SHOP,
                "",
                utc(2026, 3, 28, 19, 0),
                30,
                closed_until(utc(2026, 3, 30, 7, 0), 30),
            ),
            (
                "no hours",
                "",
                "",
                utc(2026, 11, 23, 9, 0),
                30,
                Promise::NoHours {
                    due_by_ms: utc(2026, 11, 24, 9, 0),
                },
            ),
            (
                "never open",
                "Mo-Su off",
                "",
                utc(2026, 11, 23, 9, 0),
                30,
                Promise::NoHours {
                    due_by_ms: utc(2026, 11, 24, 9, 0),
                },
            ),
        ];
        for (name, hours, closed, now, within, want) in cases {
            assert_eq!(asap(hours, closed, now, within), want, "{name}");
        }
    }

    #[test]
    fn asks_the_zone_sparingly() {
        // In the browser every offset lookup is an `Intl` call: the search for the next opening
        // must stop after a few days, not walk its whole year.
        let calls = std::cell::Cell::new(0);
        let zone = |utc_ms: i64| {
            calls.set(calls.get() + 1);
            PARIS.offset_minutes(utc_ms)
        };
        let hours = OpeningHours::parse(SHOP).unwrap();
        let now = utc(2026, 11, 23, 19, 0);
        let p = promise(
            &hours,
            &ClosedDates::default(),
            &zone,
            now,
            30,
            Request::Asap,
        );
        assert_eq!(p.about_ms(), Some(utc(2026, 11, 24, 8, 0)));
        assert!(calls.get() <= 30, "{} offset lookups", calls.get());
    }

    #[test]
    fn slots_are_promised_as_asked() {
        let (from, to) = (utc(2026, 11, 24, 9, 0), utc(2026, 11, 24, 9, 30));
        let hours = OpeningHours::parse(SHOP).unwrap();
        let p = promise(
            &hours,
            &ClosedDates::default(),
            &PARIS,
            utc(2026, 11, 23, 19, 0),
            30,
            Request::Slot { from, to },
        );
        assert_eq!(
            p,
            Promise::Slot {
                from_ms: from,
                to_ms: to,
                due_by_ms: to
            }
        );
        assert_eq!(p.due_by_ms(), to);
        assert_eq!(p.about_ms(), Some(from));
    }

    #[test]
    fn relative_day_is_the_visitors() {
        // Monday 2026-11-23, 20:00 in Paris; the shop opens Tuesday 09:00 Paris (08:00 UTC).
        let now = utc(2026, 11, 23, 19, 0);
        let opens = utc(2026, 11, 24, 8, 0);
        let new_york = UsZone { standard: -300 };
        let los_angeles = UsZone { standard: -480 };
        let tokyo = FixedZone(540);
        let cases: &[(&str, &dyn Zone, i64, i64, RelativeDay)] = &[
            ("Paris", &PARIS, now, opens, RelativeDay::Tomorrow),
            // 14:00 Monday → 03:00 Tuesday.
            ("New York", &new_york, now, opens, RelativeDay::Tomorrow),
            // 04:00 Tuesday → 17:00 Tuesday: the visitor's midnight has passed.
            ("Tokyo", &tokyo, now, opens, RelativeDay::Today),
            // 11:00 Monday → 00:00 Tuesday, and one minute earlier is still Monday.
            (
                "LA midnight",
                &los_angeles,
                now,
                opens,
                RelativeDay::Tomorrow,
            ),
            (
                "LA 23:59",
                &los_angeles,
                now,
                opens - MIN,
                RelativeDay::Today,
            ),
            // Saturday 14:00 → Monday: a weekday; a week on: a date.
            (
                "weekday",
                &PARIS,
                utc(2026, 11, 28, 13, 0),
                utc(2026, 11, 30, 8, 0),
                RelativeDay::Weekday(0),
            ),
            (
                "six days",
                &PARIS,
                now,
                now + 6 * DAY_MS,
                RelativeDay::Weekday(6),
            ),
            (
                "seven days",
                &PARIS,
                now,
                now + 7 * DAY_MS,
                RelativeDay::Date,
            ),
            ("past", &PARIS, now, now - DAY_MS, RelativeDay::Date),
        ];
        for (name, zone, now, at, want) in cases {
            assert_eq!(relative_day(*zone, *now, *at), *want, "{name}");
        }
    }

    #[test]
    fn wording_picks_a_string_and_its_fills() {
        let opens = utc(2026, 11, 24, 8, 0);
        let closed = Promise::ClosedUntil {
            opens_at_ms: opens,
            due_by_ms: opens + 30 * MIN,
        };
        let closing = Promise::ClosingSoon {
            opens_at_ms: opens,
            due_by_ms: opens + 30 * MIN,
        };
        let slot = Promise::Slot {
            from_ms: opens,
            to_ms: opens + 30 * MIN,
            due_by_ms: opens + 30 * MIN,
        };
        let open = Promise::OpenNow {
            within_minutes: 20,
            due_by_ms: 0,
        };
        let cases = [
            (
                open,
                RelativeDay::Today,
                "promise_open",
                vec![("minutes", Fill::Number(20))],
            ),
            (
                closed,
                RelativeDay::Today,
                "promise_closed_today",
                vec![("time", Fill::Time(opens))],
            ),
            (
                closed,
                RelativeDay::Tomorrow,
                "promise_closed_tomorrow",
                vec![("time", Fill::Time(opens))],
            ),
            (
                closed,
                RelativeDay::Weekday(1),
                "promise_closed_day",
                vec![("day", Fill::Weekday(opens)), ("time", Fill::Time(opens))],
            ),
            (
                closed,
                RelativeDay::Date,
                "promise_closed_day",
                vec![("day", Fill::Date(opens)), ("time", Fill::Time(opens))],
            ),
            (
                closing,
                RelativeDay::Today,
                "promise_closing_today",
                vec![("time", Fill::Time(opens))],
            ),
            (
                closing,
                RelativeDay::Tomorrow,
                "promise_closing_tomorrow",
                vec![("time", Fill::Time(opens))],
            ),
            (
                closing,
                RelativeDay::Weekday(1),
                "promise_closing_day",
                vec![("day", Fill::Weekday(opens)), ("time", Fill::Time(opens))],
            ),
            (
                closing,
                RelativeDay::Date,
                "promise_closing_day",
                vec![("day", Fill::Date(opens)), ("time", Fill::Time(opens))],
            ),
            (
                slot,
                RelativeDay::Tomorrow,
                "promise_slot",
                vec![
                    ("date", Fill::Date(opens)),
                    ("from", Fill::Time(opens)),
                    ("to", Fill::Time(opens + 30 * MIN)),
                ],
            ),
            (
                Promise::NoHours { due_by_ms: 0 },
                RelativeDay::Date,
                "promise_no_hours",
                vec![],
            ),
        ];
        for (promise, day, key, fills) in cases {
            let w = wording(&promise, day);
            assert_eq!((w.key, &w.fills), (key, &fills), "{promise:?} {day:?}");
            // Every language has the string, with exactly these placeholders.
            for lang in Lang::ALL {
                let text = lang.strings().get(key).unwrap();
                for name in ["minutes", "time", "day", "date", "from", "to"] {
                    let used = fills.iter().any(|(n, _)| *n == name);
                    assert_eq!(
                        text.contains(&format!("{{{name}}}")),
                        used,
                        "{lang:?} {key} {name}"
                    );
                }
            }
        }
        assert!(Strings::KEYS.contains(&"promise_no_hours"));
        // The convenience form computes the day in the visitor's zone.
        let now = utc(2026, 11, 23, 19, 0);
        assert_eq!(
            closed.wording_for(&PARIS, now).key,
            "promise_closed_tomorrow"
        );
        assert_eq!(
            closed.wording_for(&FixedZone(540), now).key,
            "promise_closed_today"
        );
        assert_eq!(open.wording_for(&PARIS, now).key, "promise_open");
        assert_eq!(
            closing.wording_for(&PARIS, now).key,
            "promise_closing_tomorrow"
        );
        assert_eq!(closing.about_ms(), Some(opens));
        assert_eq!(closing.due_by_ms(), opens + 30 * MIN);
    }
}
