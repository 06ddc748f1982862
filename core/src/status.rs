//! A request's status as the endpoint reports it, and what the visitor is told about it.
//!
//! Honesty first: a callback whose promised time has passed while nobody called (and nobody
//! told the visitor about a delay) is shown as overdue with an apology, never as the stale
//! promise — whether or not the endpoint already flagged it. A call that did not reach the
//! visitor is told as it happened ("We tried to call you at 10:05 but couldn't reach you.
//! We'll try again around 10:35."), and a retry time that passed in turn is overdue again.
use allo_core_derive::Json;

use crate::i18n::Strings;
use crate::json::{FromJson, Value};
use crate::promise::{relative_day, say, Fill, RelativeDay, Wording};
use crate::validate::is_utc_timestamp;
use crate::zone::{instant_ms, Zone};

/// Where a request stands in the owner's work, set in the inbox. The one list of statuses: the
/// collector stores them by [`Status::as_str`] (also used in URLs and exports), the status
/// endpoint names them by [`Status::visitor_name`], and the widget reads them from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Json)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Just arrived; nobody acted yet (`received`, to the visitor).
    New,
    /// A call is planned.
    Scheduled,
    /// The shop called the visitor back.
    CalledBack,
    /// Nothing left to do.
    Handled,
    /// The promise will not be kept on time; the shop's message says why.
    Delayed,
}

impl Status {
    /// Every status, in the order the inbox offers them.
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Scheduled,
        Status::CalledBack,
        Status::Handled,
        Status::Delayed,
    ];

    /// The label the inbox shows.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Scheduled => "Scheduled",
            Status::CalledBack => "Called back",
            Status::Handled => "Handled",
            Status::Delayed => "Delayed",
        }
    }

    /// The name the visitor-facing API gives a status: `new` reads as `received` there.
    pub fn visitor_name(self) -> &'static str {
        match self {
            Status::New => "received",
            other => other.as_str(),
        }
    }

    /// True while the shop still owes the visitor something. A callback that was made
    /// (`called_back`) counts as closed: a visitor who asks again afterwards, say because
    /// they missed the call, must get through rather than be told "we already have it".
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Scheduled | Status::Delayed)
    }

    /// The statuses [`Status::is_open`] accepts, as stored names (for SQL `IN` lists).
    pub fn open_names() -> impl Iterator<Item = &'static str> {
        Status::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(Status::as_str)
    }
}

impl std::str::FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Status, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// [`Status`] under its visitor-facing name (`with = "status::visitor_name"` on a field).
pub mod visitor_name {
    use super::Status;
    use crate::json::{FromJson, Value};

    /// `received` for `new`, else the stored name.
    pub fn to_json(status: &Status) -> Value {
        status.visitor_name().into()
    }

    /// Either name of `new` (`received`, and `new` from older collectors), or a stored name.
    pub fn from_json(v: &Value) -> Option<Status> {
        match v.as_str()? {
            "received" => Some(Status::New),
            _ => Status::from_json(v),
        }
    }

    /// The visitor-facing name, for serde.
    #[cfg(feature = "serde")]
    pub fn serialize<S: serde::Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(status.visitor_name())
    }
}

/// What the shop does after a call that did not reach the visitor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[serde(rename_all = "snake_case")]
pub enum Next {
    /// Calls again at `retry_at`.
    Call,
    /// Writes to the visitor's email address instead.
    Email,
    /// Nothing more by phone, and no other way to reach them.
    #[default]
    #[serde(rename = "none")]
    Nothing,
}

/// The answer of the collector's status endpoint (`GET /v1/submissions/{id}/status`): what the
/// visitor may know, nothing personal. The collector writes it (serde), the widget reads it
/// ([`RequestStatus::from_json`]); members the widget can do without read as their default.
#[derive(Clone, Debug, PartialEq, Eq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StatusAnswer {
    /// `received`, `scheduled`, `called_back`, `handled` or `delayed`.
    #[serde(with = "visitor_name")]
    pub status: Status,
    /// What the shop wants the visitor to read, e.g. "We're running late, we'll call you at
    /// 15:30 instead"; `null` when nothing.
    pub message: Option<String>,
    /// The callback's promise; `null` for feedback.
    pub promise: Option<PromiseView>,
    /// True when the promised time passed and the shop has not answered for it.
    #[serde(default)]
    pub overdue: bool,
    /// When the status last changed (or the submission arrived), RFC 3339 UTC.
    #[serde(default)]
    pub updated_at: String,
    /// The last call, when it did not reach the visitor and the request is still open;
    /// `null` otherwise.
    pub attempt: Option<AttemptView>,
    /// When the shop last answered the visitor by email (RFC 3339 UTC); `null` when never.
    pub answered_at: Option<String>,
}

/// The promise as the status endpoint tells it.
#[derive(Clone, Debug, PartialEq, Eq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PromiseView {
    /// The sentence the widget showed, in the visitor's language.
    #[serde(default)]
    pub text: String,
    /// The time the shop now promises: the widget's, or the new one the owner set.
    #[serde(default)]
    pub due_by: String,
}

/// A call that did not reach the visitor, as the status endpoint tells it.
#[derive(Clone, Debug, PartialEq, Eq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AttemptView {
    /// `no_answer`, `voicemail` or `wrong_number`.
    #[serde(default)]
    pub outcome: String,
    /// When the shop called.
    pub tried_at: String,
    /// When it will try again (`next` is `call`), else `null`.
    pub retry_at: Option<String>,
    /// `call` (again at `retry_at`), `email` (calling given up, the shop writes instead) or
    /// `none` (calling given up, no other way known).
    #[serde(default)]
    pub next: Next,
    /// What the widget says, in the visitor's language, times in the shop's zone: "We tried
    /// to call you at 10:05 but couldn't reach you. We'll try again around 10:35."
    #[serde(default)]
    pub text: String,
}

/// The outcome of a call that found a number that does not work.
pub const WRONG_NUMBER: &str = "wrong_number";

/// The last call, when it did not reach the visitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissedCall {
    /// When the shop called, RFC 3339 UTC.
    pub tried_at: String,
    /// The number did not work (rather than nobody answering).
    pub wrong_number: bool,
    /// When the shop will try again, for [`Next::Call`].
    pub retry_at: Option<String>,
    /// What happens next.
    pub next: Next,
}

impl MissedCall {
    /// The attempt as the visitor is told about it: `None` without a valid call time; a
    /// retry only counts with a valid time, and only when the shop calls again.
    fn of(a: &AttemptView) -> Option<MissedCall> {
        let tried_at = text(&a.tried_at).filter(|t| is_utc_timestamp(t))?;
        let retry_at = a
            .retry_at
            .as_deref()
            .and_then(text)
            .filter(|t| is_utc_timestamp(t));
        let next = match a.next {
            Next::Call if retry_at.is_none() => Next::Nothing,
            other => other,
        };
        Some(MissedCall {
            tried_at,
            wrong_number: a.outcome == WRONG_NUMBER,
            retry_at: retry_at.filter(|_| next == Next::Call),
            next,
        })
    }
}

/// A request's status as the widget works with it: [`StatusAnswer`] with every text the
/// visitor will read checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestStatus {
    /// Where it is.
    pub stage: Status,
    /// The shop's message to the visitor (e.g. why it is late).
    pub message: Option<String>,
    /// The promise sentence sent with the request.
    pub promise_text: Option<String>,
    /// The promised deadline, RFC 3339 UTC.
    pub due_by: Option<String>,
    /// The endpoint says the deadline passed.
    pub overdue: bool,
    /// The last call, when it did not reach the visitor (and the request is still open).
    pub missed: Option<MissedCall>,
    /// When the shop last answered the visitor by email, RFC 3339 UTC.
    pub answered_at: Option<String>,
}

/// A text shown to the visitor: trimmed, non-empty, one short paragraph at most.
fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.chars().take(300).collect())
}

impl From<&StatusAnswer> for RequestStatus {
    fn from(a: &StatusAnswer) -> RequestStatus {
        let promise = a.promise.as_ref();
        RequestStatus {
            stage: a.status,
            message: a.message.as_deref().and_then(text),
            promise_text: promise.and_then(|p| text(&p.text)),
            due_by: promise
                .and_then(|p| text(&p.due_by))
                .filter(|d| is_utc_timestamp(d)),
            overdue: a.overdue,
            missed: a
                .attempt
                .as_ref()
                .and_then(MissedCall::of)
                .filter(|_| a.status.is_open()),
            answered_at: a
                .answered_at
                .as_deref()
                .and_then(text)
                .filter(|d| is_utc_timestamp(d)),
        }
    }
}

impl RequestStatus {
    /// Reads a [`StatusAnswer`]; `None` for anything else (an endpoint that is not the
    /// collector never gets here, but stays harmless).
    pub fn from_json(v: &Value) -> Option<RequestStatus> {
        StatusAnswer::from_json(v).map(|a| RequestStatus::from(&a))
    }

    /// True when the promise has passed without a call or a word from the shop: the promised
    /// time, or after a missed call the time the shop said it would try again. `now_iso` is
    /// RFC 3339 UTC with the same precision rules, so the strings compare in time order.
    pub fn is_overdue(&self, now_iso: &str) -> bool {
        if let Some(m) = &self.missed {
            return m.retry_at.as_deref().is_some_and(|at| at < now_iso);
        }
        let passed = self.due_by.as_deref().is_some_and(|due| due < now_iso);
        matches!(self.stage, Status::New | Status::Scheduled) && (self.overdue || passed)
    }

    /// The sentences about a missed call, as wordings to fill: the call itself, then what
    /// happens next ("around 10:35", "tomorrow around 09:00", by email…), with the day of
    /// the retry as the visitor in `zone` says it. Empty without a missed call.
    pub fn missed_wordings(&self, now_iso: &str, zone: &dyn Zone) -> Vec<Wording> {
        let Some(m) = &self.missed else {
            return Vec::new();
        };
        let Some(tried) = instant_ms(&m.tried_at) else {
            return Vec::new();
        };
        let mut out = vec![Wording {
            key: if m.wrong_number {
                "status_wrong_number"
            } else {
                "status_tried"
            },
            fills: vec![("time", Fill::Time(tried))],
        }];
        let next = match (m.next, m.retry_at.as_deref().and_then(instant_ms)) {
            (Next::Call, Some(retry)) if !self.is_overdue(now_iso) => {
                let now = instant_ms(now_iso).unwrap_or(tried);
                let time = ("time", Fill::Time(retry));
                Some(match relative_day(zone, now, retry) {
                    RelativeDay::Today => ("status_retry_today", vec![time]),
                    RelativeDay::Tomorrow => ("status_retry_tomorrow", vec![time]),
                    RelativeDay::Weekday(_) => (
                        "status_retry_day",
                        vec![("day", Fill::Weekday(retry)), time],
                    ),
                    RelativeDay::Date => {
                        ("status_retry_day", vec![("day", Fill::Date(retry)), time])
                    }
                })
            }
            // The retry time passed: the apology headline says so, no stale promise.
            (Next::Call, _) => None,
            (Next::Email, _) => Some(("status_by_email", Vec::new())),
            (Next::Nothing, _) => Some(("status_ask_again", Vec::new())),
        };
        out.extend(next.map(|(key, fills)| Wording { key, fills }));
        out
    }

    /// The headline and the detail line to show; instants in the sentences about a missed
    /// call are shown by `show` (in the visitor's zone and language), their days judged in
    /// `zone`.
    pub fn describe(
        &self,
        s: &Strings,
        now_iso: &str,
        zone: &dyn Zone,
        show: &dyn Fn(Fill) -> String,
    ) -> (String, Option<String>) {
        let missed: Vec<String> = self
            .missed_wordings(now_iso, zone)
            .iter()
            .map(|w| say(s, w, show))
            .collect();
        let overdue = self.is_overdue(now_iso);
        // The headline, the line the shop's message follows, and whether the promise stands
        // in for a missing message. One shape for every case, so the texts are picked here and
        // joined once below (each case cloning its own was most of this function's code).
        let (headline, line, promise) = match missed.as_slice() {
            [tried, ..] if overdue => (s.status_overdue.to_owned(), Some(tried.as_str()), false),
            [tried, rest @ ..] => (tried.clone(), rest.first().map(String::as_str), false),
            [] if overdue => (s.status_overdue.to_owned(), None, false),
            [] => {
                let (headline, promise) = match self.stage {
                    Status::New => (s.status_received, true),
                    Status::Scheduled => (s.status_scheduled, true),
                    Status::CalledBack => (s.status_called_back, false),
                    Status::Handled => (s.status_handled, false),
                    Status::Delayed => (s.status_delayed, false),
                };
                (headline.to_owned(), None, promise)
            }
        };
        let detail = match (line, self.message.as_deref()) {
            (Some(l), Some(m)) => Some(format!("{l} {m}")),
            (l, m) => l
                .or(m)
                .or(self.promise_text.as_deref().filter(|_| promise))
                .map(str::to_owned),
        };
        (headline, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{DE, EN, FR};
    use crate::j as json;
    use crate::zone::FixedZone;

    const NOW: &str = "2026-11-24T10:00:00.000Z";

    /// Instants as `HH:MM` UTC, weekdays and dates by number: enough to see what was filled.
    fn show(f: Fill) -> String {
        let hm = |ms: i64| format!("{:02}:{:02}", ms / 3_600_000 % 24, ms / 60_000 % 60);
        match f {
            Fill::Number(n) => n.to_string(),
            Fill::Time(ms) => hm(ms),
            Fill::Weekday(ms) => format!("weekday {}", crate::zone::Date::of_ms(ms).weekday()),
            Fill::Date(ms) => crate::zone::Date::of_ms(ms).to_string(),
        }
    }

    fn describe(st: &RequestStatus, s: &Strings, now: &str) -> (String, Option<String>) {
        st.describe(s, now, &FixedZone(0), &show)
    }

    fn missed(next: &str, retry: Option<&str>, outcome: &str) -> RequestStatus {
        let v = json!({ "status": "scheduled",
            "promise": { "text": "We'll call you within 15 minutes.", "due_by": "2026-11-24T09:15:00.000Z" },
            "attempt": { "outcome": outcome, "tried_at": "2026-11-24T09:05:00.000Z",
                         "retry_at": retry, "next": next } });
        RequestStatus::from_json(&v).unwrap()
    }

    #[test]
    fn a_missed_call_is_told_as_it_happened() {
        let st = missed("call", Some("2026-11-24T10:35:00.000Z"), "no_answer");
        assert_eq!(
            describe(&st, &EN, NOW),
            (
                "We tried to call you at 09:05 but couldn't reach you.".to_owned(),
                Some("We'll try again around 10:35.".to_owned())
            )
        );
        assert!(
            !st.is_overdue(NOW),
            "the old promise passed, the retry is the promise now"
        );
        // The same in French and German.
        let (h, d) = describe(&st, &FR, NOW);
        assert_eq!(
            h,
            "Nous avons essayé de vous appeler à 09:05, sans réussir à vous joindre."
        );
        assert_eq!(d.as_deref(), Some("Nous réessaierons vers 10:35."));
        let (_, d) = describe(&st, &DE, NOW);
        assert_eq!(d.as_deref(), Some("Wir versuchen es gegen 10:35 erneut."));
        // Tomorrow, and later in the week.
        let st = missed("call", Some("2026-11-25T08:00:00.000Z"), "voicemail");
        assert_eq!(
            describe(&st, &EN, NOW).1.as_deref(),
            Some("We'll try again tomorrow around 08:00.")
        );
        let st = missed("call", Some("2026-11-27T08:00:00.000Z"), "voicemail");
        assert_eq!(
            describe(&st, &EN, NOW).1.as_deref(),
            Some("We'll try again on weekday 4 around 08:00.")
        );
    }

    #[test]
    fn a_retry_time_that_passed_is_overdue_again() {
        let st = missed("call", Some("2026-11-24T09:35:00.000Z"), "no_answer");
        assert!(st.is_overdue(NOW));
        assert_eq!(
            describe(&st, &EN, NOW),
            (
                EN.status_overdue.to_owned(),
                Some("We tried to call you at 09:05 but couldn't reach you.".to_owned())
            )
        );
    }

    #[test]
    fn when_calling_is_given_up_the_visitor_hears_what_comes_next() {
        let st = missed("email", None, "no_answer");
        assert!(!st.is_overdue(NOW));
        assert_eq!(
            describe(&st, &EN, NOW).1.as_deref(),
            Some("We'll write to you by email instead.")
        );
        let st = missed("none", None, "wrong_number");
        assert_eq!(
            describe(&st, &EN, NOW),
            (
                "We tried to call you at 09:05, but the number didn't work.".to_owned(),
                Some("If you still need us, please send a new request.".to_owned())
            )
        );
        // A closed request ignores its calls: "We've called you."
        let v = json!({ "status": "called_back",
            "attempt": { "outcome": "no_answer", "tried_at": "2026-11-24T09:05:00.000Z", "next": "email" } });
        let st = RequestStatus::from_json(&v).unwrap();
        assert_eq!(st.missed, None);
        assert_eq!(describe(&st, &EN, NOW).0, EN.status_called_back);
        // A malformed attempt is ignored rather than shown half.
        let v = json!({ "status": "scheduled", "attempt": { "tried_at": "yesterday" } });
        assert_eq!(RequestStatus::from_json(&v).unwrap().missed, None);
    }

    #[test]
    fn reads_the_collector_answer() {
        let v = json!({ "status": "delayed", "message": "Running late, we'll call at 15:30 instead",
                        "promise": { "text": "We'll call you within 15 minutes.", "due_by": "2026-11-24T09:15:00.000Z" },
                        "overdue": false, "updated_at": "x" });
        let st = RequestStatus::from_json(&v).unwrap();
        assert_eq!(st.stage, Status::Delayed);
        assert_eq!(
            describe(&st, &EN, NOW),
            (
                "Running late".to_owned(),
                Some("Running late, we'll call at 15:30 instead".to_owned())
            )
        );
        for bad in [
            json!({}),
            json!({ "status": "exploded" }),
            json!("new"),
            json!({ "status": 3 }),
        ] {
            assert_eq!(RequestStatus::from_json(&bad), None, "{bad}");
        }
    }

    #[test]
    fn a_passed_promise_is_never_shown_as_if_it_still_held() {
        let cases = [
            // (stage, due_by, endpoint says overdue, shown as overdue)
            ("new", "2026-11-24T09:15:00.000Z", false, true),
            ("scheduled", "2026-11-24T09:15:00.000Z", false, true),
            ("new", "2026-11-24T10:15:00.000Z", false, false),
            ("new", "2026-11-24T10:15:00.000Z", true, true),
            ("delayed", "2026-11-24T09:15:00.000Z", true, false),
            ("called_back", "2026-11-24T09:15:00.000Z", true, false),
            ("handled", "2026-11-24T09:15:00.000Z", false, false),
        ];
        for (stage, due, flagged, want) in cases {
            let v = json!({ "status": stage, "promise": { "text": "p", "due_by": due }, "overdue": flagged });
            let st = RequestStatus::from_json(&v).unwrap();
            assert_eq!(st.is_overdue(NOW), want, "{stage} {due} {flagged}");
            let (headline, _) = describe(&st, &EN, NOW);
            assert_eq!(headline == EN.status_overdue, want);
        }
    }

    #[test]
    fn open_requests_show_their_promise() {
        let v = json!({ "status": "new", "promise": { "text": "We'll call you within 15 minutes.", "due_by": "2026-11-24T10:15:00.000Z" } });
        let (h, d) = describe(&RequestStatus::from_json(&v).unwrap(), &EN, NOW);
        assert_eq!(
            (h.as_str(), d.as_deref()),
            (
                EN.status_received,
                Some("We'll call you within 15 minutes.")
            )
        );
        assert!(Status::Delayed.is_open() && !Status::Handled.is_open());
    }
}
