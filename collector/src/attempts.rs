//! Calls to a callback's visitor: the four outcomes, what each one changes, when to try again.
//!
//! Pure: the store calls [`apply`] inside the transaction that records a call, so two
//! colleagues recording calls at once still count attempts right, and the inbox computes the
//! retry times it offers with [`RetryChoice::at`]. The rules:
//!
//! - **Reached**: the request is called back and leaves the queue.
//! - **No answer**, **Voicemail**: a failed attempt; the owner picks when to try again (the
//!   suggestion is in 30 minutes, moved into the opening hours) and the request comes back to
//!   the queue then, the visitor being told so. The attempt that reaches the owner's limit
//!   (`--callback-attempts`, 3 by default) gives up calling instead: the request is flagged
//!   for another channel (email, when the visitor left one).
//! - **Wrong number**: no point in calling again, flagged for another channel at once.
//!
//! The first call, whatever came of it, settles whether the promise was kept: made by the
//! time the widget promised (`callback_due_by`), or not.
use std::fmt;
use std::str::FromStr;

use allo_core::hours::{ClosedDates, OpeningHours};

use crate::owner_zone::Zone;
use crate::status::Status;
use crate::time;

/// Failed attempts after which calling is given up, unless the owner says otherwise.
pub const DEFAULT_MAX_FAILED: u32 = 3;
/// The retry offered first: in 30 minutes.
pub const DEFAULT_RETRY: RetryChoice = RetryChoice::Minutes(30);
/// How far ahead an owner-typed retry time may be.
pub const RETRY_HORIZON_MS: u64 = 30 * 24 * 3_600_000;

/// What came of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The visitor answered.
    Reached,
    /// Nobody answered.
    NoAnswer,
    /// A voicemail answered (a message may have been left).
    Voicemail,
    /// The number is not the visitor's, or does not work.
    WrongNumber,
}

impl Outcome {
    /// Every outcome, in the order the buttons show them.
    pub const ALL: [Outcome; 4] = [
        Outcome::Reached,
        Outcome::NoAnswer,
        Outcome::Voicemail,
        Outcome::WrongNumber,
    ];

    /// The stored name, also the form value and the status endpoint's `outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::NoAnswer => "no_answer",
            Outcome::Voicemail => "voicemail",
            Outcome::WrongNumber => "wrong_number",
        }
    }

    /// The inbox's label.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Reached => "Reached",
            Outcome::NoAnswer => "No answer",
            Outcome::Voicemail => "Voicemail",
            Outcome::WrongNumber => "Wrong number",
        }
    }

    /// True when the call did not reach the visitor.
    pub fn failed(self) -> bool {
        self != Outcome::Reached
    }

    /// True when trying the same number again makes sense.
    pub fn may_retry(self) -> bool {
        matches!(self, Outcome::NoAnswer | Outcome::Voicemail)
    }
}

impl FromStr for Outcome {
    // The message is the sentence a 400 page shows (see `InboxError::bad_input`), never matched
    // on; its words are tested.
    type Err = String;

    fn from_str(s: &str) -> Result<Outcome, String> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| {
                format!("unknown outcome `{s}`; use reached, no_answer, voicemail or wrong_number")
            })
    }
}

impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A call as the owner records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptInput {
    /// When (server clock, RFC 3339 UTC).
    pub at: String,
    /// Who called.
    pub by: String,
    /// What came of it.
    pub outcome: Outcome,
    /// When to try again (RFC 3339 UTC), for an outcome that [`Outcome::may_retry`].
    pub retry_at: Option<String>,
    /// The caller's note, possibly empty.
    pub note: String,
}

/// A callback's calls so far, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallState {
    /// Its status.
    pub status: Status,
    /// Calls that did not reach the visitor.
    pub attempts_failed: u32,
    /// When the first call was made.
    pub first_attempt_at: Option<String>,
    /// Whether the first call kept the promise.
    pub promise_kept: Option<bool>,
    /// Calling was given up.
    pub other_channel: bool,
    /// The time the widget promised.
    pub due_by: Option<String>,
}

/// What recording a call changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The status before.
    pub from: Status,
    /// The status after.
    pub status: Status,
    /// Calls that did not reach the visitor, this one included.
    pub attempts_failed: u32,
    /// When the next call is planned; `None` when none is.
    pub retry_at: Option<String>,
    /// Calling is given up: reach the visitor another way.
    pub other_channel: bool,
    /// When the first call was made.
    pub first_attempt_at: String,
    /// Whether the first call kept the promise (`None` without a promised time).
    pub promise_kept: Option<bool>,
}

/// What recording `input` on a callback in `state` changes, with `max_failed` the owner's
/// limit of failed attempts (0 counts as 1: there is always a first call).
pub fn apply(state: &CallState, input: &AttemptInput, max_failed: u32) -> Applied {
    let first_attempt_at = state
        .first_attempt_at
        .clone()
        .unwrap_or_else(|| input.at.clone());
    let promise_kept = match (&state.first_attempt_at, &state.due_by) {
        (Some(_), _) => state.promise_kept,
        // The instants share one format, so they compare as strings.
        (None, Some(due)) => Some(input.at.as_str() <= due.as_str()),
        (None, None) => None,
    };
    let base = Applied {
        from: state.status,
        status: state.status,
        attempts_failed: state.attempts_failed,
        retry_at: None,
        other_channel: state.other_channel,
        first_attempt_at,
        promise_kept,
    };
    if !input.outcome.failed() {
        return Applied {
            status: Status::CalledBack,
            ..base
        };
    }
    let attempts_failed = state.attempts_failed.saturating_add(1);
    let give_up = state.other_channel
        || !input.outcome.may_retry()
        || attempts_failed >= max_failed.max(1)
        || input.retry_at.is_none();
    Applied {
        // Someone is on it and a call is planned (or another channel is): no longer `new`.
        status: Status::Scheduled,
        attempts_failed,
        retry_at: if give_up {
            None
        } else {
            input.retry_at.clone()
        },
        other_channel: give_up,
        ..base
    }
}

/// The status history's note for a call that changed the status: "No answer (call 2);
/// trying again at …" in UTC (the page shows the history's own time in the owner's zone, the
/// note is kept as written).
pub fn history_note(input: &AttemptInput, applied: &Applied) -> String {
    let mut note = format!("Call: {}", input.outcome.label());
    if let Some(retry) = &applied.retry_at {
        note.push_str(&format!("; next try {retry}"));
    } else if applied.other_channel {
        note.push_str("; calling given up, try another channel");
    }
    if !input.note.trim().is_empty() {
        note.push_str(" — ");
        note.push_str(input.note.trim());
    }
    note
}

/// When to try again, as the owner picks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryChoice {
    /// This many minutes from now, moved into the opening hours.
    Minutes(u32),
    /// The same time tomorrow, moved into the opening hours.
    Tomorrow,
}

impl RetryChoice {
    /// The choices the inbox offers, the suggested one first.
    pub const OFFERED: [RetryChoice; 4] = [
        RetryChoice::Minutes(30),
        RetryChoice::Minutes(60),
        RetryChoice::Minutes(120),
        RetryChoice::Tomorrow,
    ];

    /// The form value: `30m`, `60m`, `120m`, `tomorrow`.
    pub fn value(self) -> String {
        match self {
            RetryChoice::Minutes(m) => format!("{m}m"),
            RetryChoice::Tomorrow => "tomorrow".to_owned(),
        }
    }

    /// Reads a form value; `None` for anything but the offered shapes.
    pub fn parse(s: &str) -> Option<RetryChoice> {
        if s == "tomorrow" {
            return Some(RetryChoice::Tomorrow);
        }
        let minutes: u32 = s.strip_suffix('m')?.parse().ok()?;
        (1..=24 * 60)
            .contains(&minutes)
            .then_some(RetryChoice::Minutes(minutes))
    }

    /// "in 30 min", "in 1 h", "tomorrow".
    pub fn label(self) -> String {
        match self {
            RetryChoice::Minutes(m) if m.is_multiple_of(60) => format!("in {} h", m / 60),
            RetryChoice::Minutes(m) => format!("in {m} min"),
            RetryChoice::Tomorrow => "tomorrow".to_owned(),
        }
    }

    /// The instant this choice means at `now_ms`, in the shop's hours.
    pub fn at(self, now_ms: i64, hours: &ShopHours) -> i64 {
        let target = match self {
            RetryChoice::Minutes(m) => now_ms + i64::from(m) * 60_000,
            RetryChoice::Tomorrow => now_ms + 86_400_000,
        };
        hours.next_open(target)
    }
}

/// The shop's opening hours for retries (`--opening-hours`, `--closed-dates`), in the
/// owner's zone. Without hours every time is a good time.
#[derive(Clone, Debug, Default)]
pub struct ShopHours {
    /// The weekly hours (empty: always open).
    pub hours: OpeningHours,
    /// Whole days closed.
    pub closed: ClosedDates,
    /// The zone the hours are in.
    pub zone: Zone,
}

impl ShopHours {
    /// The first instant at or after `at_ms` when the shop is open; `at_ms` itself without
    /// hours, or when none open within a year.
    pub fn next_open(&self, at_ms: i64) -> i64 {
        if self.hours.is_empty() {
            return at_ms;
        }
        self.hours
            .next_open(&self.closed, &self.zone, at_ms)
            .unwrap_or(at_ms)
    }
}

/// The owner's rules for calling back (`--callback-attempts`, `--opening-hours`,
/// `--closed-dates`, `--timezone`).
#[derive(Clone, Debug)]
pub struct CallPolicy {
    /// Failed attempts after which calling is given up.
    pub max_failed: u32,
    /// When retries may be planned, and the owner's zone.
    pub hours: ShopHours,
}

impl Default for CallPolicy {
    fn default() -> CallPolicy {
        CallPolicy {
            max_failed: DEFAULT_MAX_FAILED,
            hours: ShopHours::default(),
        }
    }
}

/// Reads an owner-typed retry time (`datetime-local` in the owner's zone): it must be ahead of
/// `now_ms` (a minute's slack for a slow form) and within [`RETRY_HORIZON_MS`].
// The message is the sentence a 400 page shows (see `InboxError::bad_input`), never matched
// on; its words are tested.
pub fn parse_retry_at(typed: &str, now_ms: u64, zone: &Zone) -> Result<u64, String> {
    let at = zone.parse_owner_time(typed).ok_or_else(|| {
        format!(
            "The retry time must look like 2026-11-24T15:30 ({}).",
            zone.name()
        )
    })?;
    if at + 60_000 < now_ms {
        return Err("The retry time has already passed.".into());
    }
    if at > now_ms + RETRY_HORIZON_MS {
        return Err("Pick a retry time within the next 30 days.".into());
    }
    Ok(at)
}

/// The retry time to store for a choice: the owner's own time when typed, else the choice.
pub fn retry_instant(
    choice: Option<RetryChoice>,
    typed: Option<u64>,
    now_ms: u64,
    hours: &ShopHours,
) -> String {
    let ms = match typed {
        Some(ms) => ms,
        None => {
            let choice = choice.unwrap_or(DEFAULT_RETRY);
            let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
            u64::try_from(choice.at(now, hours)).unwrap_or(now_ms)
        }
    };
    time::format_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(failed: u32, first: Option<&str>) -> CallState {
        CallState {
            status: Status::New,
            attempts_failed: failed,
            first_attempt_at: first.map(str::to_owned),
            promise_kept: first.map(|_| true),
            other_channel: false,
            due_by: Some("2026-11-24T10:15:00.000Z".into()),
        }
    }

    fn call(at: &str, outcome: Outcome, retry: Option<&str>) -> AttemptInput {
        AttemptInput {
            at: at.into(),
            by: "Ada".into(),
            outcome,
            retry_at: retry.map(str::to_owned),
            note: String::new(),
        }
    }

    const RETRY: &str = "2026-11-24T10:45:00.000Z";

    #[test]
    fn each_outcome_does_what_it_says() {
        let at = "2026-11-24T10:05:00.000Z";
        let cases = [
            // (outcome, retry asked, status, retry kept, failed count, other channel)
            (Outcome::Reached, None, Status::CalledBack, None, 0, false),
            (
                Outcome::NoAnswer,
                Some(RETRY),
                Status::Scheduled,
                Some(RETRY),
                1,
                false,
            ),
            (
                Outcome::Voicemail,
                Some(RETRY),
                Status::Scheduled,
                Some(RETRY),
                1,
                false,
            ),
            (
                Outcome::WrongNumber,
                Some(RETRY),
                Status::Scheduled,
                None,
                1,
                true,
            ),
        ];
        for (outcome, retry, status, kept, failed, other) in cases {
            let a = apply(&state(0, None), &call(at, outcome, retry), 3);
            assert_eq!(
                (
                    a.status,
                    a.retry_at.as_deref(),
                    a.attempts_failed,
                    a.other_channel
                ),
                (status, kept, failed, other),
                "{outcome}"
            );
            assert_eq!(a.from, Status::New);
            assert_eq!(a.first_attempt_at, at);
        }
    }

    #[test]
    fn the_limit_of_failed_attempts_flags_another_channel() {
        let at = "2026-11-24T11:00:00.000Z";
        let second = apply(
            &state(1, Some("x")),
            &call(at, Outcome::NoAnswer, Some(RETRY)),
            3,
        );
        assert_eq!((second.attempts_failed, second.other_channel), (2, false));
        let third = apply(
            &state(2, Some("x")),
            &call(at, Outcome::Voicemail, Some(RETRY)),
            3,
        );
        assert_eq!(
            (third.attempts_failed, third.other_channel, third.retry_at),
            (3, true, None)
        );
        // A limit of 1: the first failure gives up; 0 counts as 1.
        for max in [0, 1] {
            let a = apply(
                &state(0, None),
                &call(at, Outcome::NoAnswer, Some(RETRY)),
                max,
            );
            assert!(a.other_channel, "max {max}");
        }
        // Once flagged, a further failure plans nothing, a success still closes it.
        let flagged = CallState {
            other_channel: true,
            ..state(3, Some("x"))
        };
        let a = apply(&flagged, &call(at, Outcome::NoAnswer, Some(RETRY)), 3);
        assert_eq!((a.retry_at, a.other_channel), (None, true));
        let a = apply(&flagged, &call(at, Outcome::Reached, None), 3);
        assert_eq!(a.status, Status::CalledBack);
        // A failure without a retry time plans no retry: it is another channel's turn.
        let a = apply(&state(0, None), &call(at, Outcome::NoAnswer, None), 3);
        assert!(a.other_channel);
    }

    #[test]
    fn the_first_call_settles_the_promise() {
        let on_time = apply(
            &state(0, None),
            &call("2026-11-24T10:15:00.000Z", Outcome::NoAnswer, Some(RETRY)),
            3,
        );
        assert_eq!(on_time.promise_kept, Some(true), "at the promised minute");
        let late = apply(
            &state(0, None),
            &call("2026-11-24T10:15:00.001Z", Outcome::Reached, None),
            3,
        );
        assert_eq!(late.promise_kept, Some(false));
        // Later calls do not change it, whatever their outcome or time.
        let earlier = CallState {
            promise_kept: Some(false),
            ..state(1, Some("2026-11-24T10:20:00.000Z"))
        };
        let a = apply(
            &earlier,
            &call("2026-11-24T10:00:00.000Z", Outcome::Reached, None),
            3,
        );
        assert_eq!(
            (a.promise_kept, a.first_attempt_at.as_str()),
            (Some(false), "2026-11-24T10:20:00.000Z")
        );
        let no_promise = CallState {
            due_by: None,
            ..state(0, None)
        };
        assert_eq!(
            apply(&no_promise, &call(RETRY, Outcome::Reached, None), 3).promise_kept,
            None
        );
    }

    #[test]
    fn outcomes_and_choices_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(o));
        }
        assert!("busy".parse::<Outcome>().is_err());
        for c in RetryChoice::OFFERED {
            assert_eq!(RetryChoice::parse(&c.value()), Some(c));
        }
        for bad in ["", "0m", "30", "99999m", "-5m", "later"] {
            assert_eq!(RetryChoice::parse(bad), None, "{bad}");
        }
        assert_eq!(RetryChoice::Minutes(30).label(), "in 30 min");
        assert_eq!(RetryChoice::Minutes(120).label(), "in 2 h");
    }

    fn ms(s: &str) -> i64 {
        time::parse_millis(s).unwrap() as i64
    }

    #[test]
    fn retries_fall_within_opening_hours() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let hours = ShopHours {
            hours: OpeningHours::parse("Mo-Fr 09:00-12:00,14:00-18:00").unwrap(),
            closed: ClosedDates::parse("2026-12-25").unwrap(),
            zone: paris.clone(),
        };
        let at =
            |choice: RetryChoice, now: &str| time::format_millis(choice.at(ms(now), &hours) as u64);
        // Tuesday 10:05 in Paris (09:05 UTC): 10:35 is open.
        assert_eq!(
            at(RetryChoice::Minutes(30), "2026-11-24T09:05:00.000Z"),
            "2026-11-24T09:35:00.000Z"
        );
        // 11:45 + 30 min falls in the lunch break: 14:00.
        assert_eq!(
            at(RetryChoice::Minutes(30), "2026-11-24T10:45:00.000Z"),
            "2026-11-24T13:00:00.000Z"
        );
        // Friday 17:50 + 30 min: Monday 09:00.
        assert_eq!(
            at(RetryChoice::Minutes(30), "2026-11-27T16:50:00.000Z"),
            "2026-11-30T08:00:00.000Z"
        );
        // Thursday 24 December 17:00 + tomorrow: the 25th is closed, the 26th a Saturday.
        assert_eq!(
            at(RetryChoice::Tomorrow, "2026-12-24T16:00:00.000Z"),
            "2026-12-28T08:00:00.000Z"
        );
        // Without hours, the time is taken as it is.
        let always = ShopHours::default();
        assert_eq!(
            RetryChoice::Minutes(30).at(ms("2026-11-28T23:50:00.000Z"), &always),
            ms("2026-11-29T00:20:00.000Z")
        );
    }

    #[test]
    fn typed_retry_times_are_checked() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let now = time::parse_millis("2026-11-24T09:05:00.000Z").unwrap();
        assert_eq!(
            parse_retry_at("2026-11-24T10:40", now, &paris).map(time::format_millis),
            Ok("2026-11-24T09:40:00.000Z".to_owned())
        );
        assert!(
            parse_retry_at("2026-11-24T09:00", now, &paris).is_err(),
            "past"
        );
        assert!(
            parse_retry_at("2027-11-24T09:00", now, &paris).is_err(),
            "far"
        );
        assert!(parse_retry_at("soon", now, &paris).is_err());
        assert_eq!(
            retry_instant(
                Some(RetryChoice::Minutes(60)),
                None,
                now,
                &ShopHours::default()
            ),
            "2026-11-24T10:05:00.000Z"
        );
        assert_eq!(
            retry_instant(None, Some(now + 60_000), now, &ShopHours::default()),
            "2026-11-24T09:06:00.000Z"
        );
    }
}
