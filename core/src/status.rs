//! A request's status as the endpoint reports it, and what the visitor is told about it.
//!
//! Honesty first: a callback whose promised time has passed while nobody called (and nobody
//! told the visitor about a delay) is shown as overdue with an apology, never as the stale
//! promise — whether or not the endpoint already flagged it.
use crate::json::Value;

use crate::i18n::Strings;
use crate::validate::is_utc_timestamp;

/// Where a request is, in the owner's workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Received, nobody has acted yet.
    Received,
    /// The shop planned the call.
    Scheduled,
    /// The shop called.
    CalledBack,
    /// Done.
    Handled,
    /// Late, with a message for the visitor.
    Delayed,
}

impl Stage {
    fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "new" | "received" => Stage::Received,
            "scheduled" => Stage::Scheduled,
            "called_back" => Stage::CalledBack,
            "handled" => Stage::Handled,
            "delayed" => Stage::Delayed,
            _ => return None,
        })
    }

    /// Still waiting for the shop.
    pub fn is_open(self) -> bool {
        matches!(self, Stage::Received | Stage::Scheduled | Stage::Delayed)
    }
}

/// The status endpoint's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestStatus {
    /// Where it is.
    pub stage: Stage,
    /// The shop's message to the visitor (e.g. why it is late).
    pub message: Option<String>,
    /// The promise sentence sent with the request.
    pub promise_text: Option<String>,
    /// The promised deadline, RFC 3339 UTC.
    pub due_by: Option<String>,
    /// The endpoint says the deadline passed.
    pub overdue: bool,
}

fn text(v: &Value, key: &str) -> Option<String> {
    let s = v.get(key)?.as_str()?.trim();
    // Shown to the visitor: one short paragraph at most.
    (!s.is_empty()).then(|| s.chars().take(300).collect())
}

impl RequestStatus {
    /// Reads `{ status, message?, promise?: { text, due_by }, overdue? }`; `None` for anything
    /// else (an endpoint that is not the collector never gets here, but stays harmless).
    pub fn from_json(v: &Value) -> Option<RequestStatus> {
        let stage = Stage::parse(v.get("status")?.as_str()?)?;
        let promise = v.get("promise");
        Some(RequestStatus {
            stage,
            message: text(v, "message"),
            promise_text: promise.and_then(|p| text(p, "text")),
            due_by: promise
                .and_then(|p| text(p, "due_by"))
                .filter(|d| is_utc_timestamp(d)),
            overdue: v.get("overdue").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// True when the promise has passed without a call or a word from the shop. `now_iso` is
    /// RFC 3339 UTC with the same precision rules, so the strings compare in time order.
    pub fn is_overdue(&self, now_iso: &str) -> bool {
        let passed = self.due_by.as_deref().is_some_and(|due| due < now_iso);
        matches!(self.stage, Stage::Received | Stage::Scheduled) && (self.overdue || passed)
    }

    /// The headline and the detail line to show.
    pub fn describe(&self, s: &Strings, now_iso: &str) -> (String, Option<String>) {
        if self.is_overdue(now_iso) {
            return (s.status_overdue.to_string(), self.message.clone());
        }
        let headline = match self.stage {
            Stage::Received => &s.status_received,
            Stage::Scheduled => &s.status_scheduled,
            Stage::CalledBack => &s.status_called_back,
            Stage::Handled => &s.status_handled,
            Stage::Delayed => &s.status_delayed,
        };
        let detail = match self.stage {
            Stage::Delayed => self.message.clone(),
            Stage::Received | Stage::Scheduled => {
                self.message.clone().or_else(|| self.promise_text.clone())
            }
            Stage::CalledBack | Stage::Handled => self.message.clone(),
        };
        (headline.to_string(), detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;
    use crate::j as json;

    const NOW: &str = "2026-11-24T10:00:00.000Z";

    #[test]
    fn reads_the_collector_answer() {
        let v = json!({ "status": "delayed", "message": "Running late, we'll call at 15:30 instead",
                        "promise": { "text": "We'll call you within 15 minutes.", "due_by": "2026-11-24T09:15:00.000Z" },
                        "overdue": false, "updated_at": "x" });
        let st = RequestStatus::from_json(&v).unwrap();
        assert_eq!(st.stage, Stage::Delayed);
        assert_eq!(
            st.describe(&EN, NOW),
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
            let (headline, _) = st.describe(&EN, NOW);
            assert_eq!(headline == EN.status_overdue, want);
        }
    }

    #[test]
    fn open_requests_show_their_promise() {
        let v = json!({ "status": "new", "promise": { "text": "We'll call you within 15 minutes.", "due_by": "2026-11-24T10:15:00.000Z" } });
        let (h, d) = RequestStatus::from_json(&v).unwrap().describe(&EN, NOW);
        assert_eq!(
            (h.as_str(), d.as_deref()),
            (
                EN.status_received,
                Some("We'll call you within 15 minutes.")
            )
        );
        assert!(Stage::Delayed.is_open() && !Stage::Handled.is_open());
    }
}
