//! The callback form as a pure state machine: phone, name, reason, urgency, when, consent, and
//! the light abuse controls a person never notices (a honeypot, a minimum time to fill, a
//! per-browser cooldown).
use crate::form::{FieldRule, SendFailure, Status};
use crate::phone::{normalize, E164};
use crate::validate::{is_email, Code, Problem, NAME_MAX, SHORT_MAX};

/// Faster than this from first interaction to send is not a person typing a phone number.
pub const MIN_FILL_MS: i64 = 3_000;
/// One callback request per browser per this many minutes, unless the owner sets
/// `cooldownMinutes` (read in `Config::parse`).
pub const DEFAULT_COOLDOWN_MINUTES: u32 = 5;
/// [`DEFAULT_COOLDOWN_MINUTES`] in milliseconds, as the form's reducer counts.
pub const DEFAULT_COOLDOWN_MS: i64 = DEFAULT_COOLDOWN_MINUTES as i64 * 60_000;

/// The field paths problems are reported under (the collector uses the same).
pub mod fields {
    /// The phone number.
    pub const PHONE: &str = "callback.phone_raw";
    /// The name.
    pub const NAME: &str = "visitor.name";
    /// The email (to tell the visitor about a delay).
    pub const EMAIL: &str = "visitor.email";
    /// The reason.
    pub const REASON: &str = "callback.reason";
    /// The slot.
    pub const WHEN: &str = "callback.when";
    /// The consent box.
    pub const CONSENT: &str = "consent";
}

/// When the visitor wants the call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenChoice {
    /// As soon as possible.
    #[default]
    Asap,
    /// In a slot; `None` until one is picked. UTC milliseconds.
    Slot(Option<(i64, i64)>),
}

/// A form-level notice (not tied to one field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Sent faster than a person could: check and send again.
    TooFast,
    /// A request was sent from this browser a moment ago; `minutes` until the next.
    Cooldown {
        /// Whole minutes left, at least 1.
        minutes: i64,
    },
}

/// The callback form's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallbackForm {
    /// ISO country the number is read in.
    pub country: String,
    /// The number as typed.
    pub phone: String,
    /// The visitor's name (required: the shop must know whom to ask for).
    pub name: String,
    /// The visitor's email, so the shop can tell them about a delay.
    pub email: String,
    /// Whether the email is asked for (the owner's `callbackEmail`).
    pub email_rule: FieldRule,
    /// What it is about.
    pub reason: String,
    /// The visitor marked it urgent.
    pub urgent: bool,
    /// ASAP or a slot.
    pub when: WhenChoice,
    /// When the consent box was ticked (RFC 3339), `None` while unticked.
    pub consent_at: Option<String>,
    /// Remember the visitor on this device.
    pub remember: bool,
    /// The hidden field only bots fill in.
    pub honeypot: String,
    /// First interaction, UTC ms (for the minimum fill time).
    pub started_ms: Option<i64>,
    /// Field problems from the last submit.
    pub problems: Vec<Problem>,
    /// A form-level notice from the last submit.
    pub notice: Option<Notice>,
    /// True once a bot was detected: the form pretends success and sends nothing.
    pub discarded: bool,
    /// Where the form is.
    pub status: Status,
}

/// Everything that can happen to the form. Actions that carry time take it from the caller,
/// so the reducer stays pure.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The visitor touched the form at this instant (the first one counts).
    Touch(i64),
    /// Country changed.
    Country(String),
    /// Phone changed.
    Phone(String),
    /// Name changed.
    Name(String),
    /// Email changed.
    Email(String),
    /// Reason changed.
    Reason(String),
    /// Urgent toggled.
    Urgent(bool),
    /// ASAP or slot mode chosen.
    When(WhenChoice),
    /// Consent ticked (with the instant, RFC 3339) or unticked (`None`).
    Consent(Option<String>),
    /// Remember toggled.
    Remember(bool),
    /// The honeypot changed (only a bot can do this).
    Honeypot(String),
    /// Send pressed at `now_ms`; `last_sent_ms` is this browser's previous request, if any.
    Submit {
        /// Now, UTC ms.
        now_ms: i64,
        /// This browser's last callback request, UTC ms.
        last_sent_ms: Option<i64>,
        /// The owner's cooldown.
        cooldown_ms: i64,
    },
    /// Accepted with this id.
    Sent(String),
    /// Stored in the outbox with this id.
    Queued(String),
    /// Failed.
    Failed(SendFailure),
    /// Start over.
    Reset,
}

impl CallbackForm {
    /// A fresh form reading numbers in `country`.
    #[allow(clippy::field_reassign_with_default)] // on purpose: see below
    pub fn new(country: &str) -> Self {
        // Built in place and then given its country: `..Default::default()` built a whole
        // second form to move fields out of (with `cleared` below, −176 B gzip).
        let mut form = CallbackForm::default();
        form.country = country.to_owned();
        form
    }

    /// The number in E.164, when it is valid.
    pub fn e164(&self) -> Option<E164> {
        normalize(&self.phone, &self.country).ok()
    }

    /// Every field problem, in the order the fields are shown.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut push = |field, code| out.push(Problem { field, code });
        if self.phone.trim().is_empty() {
            push(fields::PHONE, Code::Required);
        } else if self.e164().is_none() {
            push(fields::PHONE, Code::Invalid);
        }
        let name = self.name.trim().chars().count();
        if name == 0 {
            push(fields::NAME, Code::Required);
        } else if name > NAME_MAX {
            push(fields::NAME, Code::TooLong { max: NAME_MAX });
        }
        let email = self.email.trim();
        match self.email_rule {
            FieldRule::Hidden => {}
            FieldRule::Required if email.is_empty() => push(fields::EMAIL, Code::Required),
            _ if !email.is_empty() && !is_email(email) => push(fields::EMAIL, Code::Invalid),
            _ => {}
        }
        if self.reason.trim().chars().count() > SHORT_MAX {
            push(fields::REASON, Code::TooLong { max: SHORT_MAX });
        }
        if self.when == WhenChoice::Slot(None) {
            push(fields::WHEN, Code::Required);
        }
        if self.consent_at.is_none() {
            push(fields::CONSENT, Code::Required);
        }
        out
    }

    /// The problem for `field`, if any.
    pub fn problem(&self, field: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.field == field)
    }

    fn recheck(&mut self, field: &str) {
        if self.problem(field).is_some() {
            let still = self.validate();
            self.problems
                .retain(|p| p.field != field || still.iter().any(|s| s.field == field));
        }
    }

    /// Applies one action.
    pub fn reduce(mut self, action: Action) -> Self {
        if self.status == Status::Sending
            && !matches!(
                action,
                Action::Sent(_) | Action::Queued(_) | Action::Failed(_)
            )
        {
            return self; // inputs are frozen while sending
        }
        match action {
            Action::Touch(now) => {
                self.started_ms.get_or_insert(now);
            }
            Action::Country(c) => {
                self.country = c;
                self.recheck(fields::PHONE);
            }
            Action::Phone(p) => {
                self.phone = p;
                self.recheck(fields::PHONE);
            }
            Action::Name(n) => {
                self.name = n;
                self.recheck(fields::NAME);
            }
            Action::Email(e) => {
                self.email = e;
                self.recheck(fields::EMAIL);
            }
            Action::Reason(r) => {
                self.reason = r;
                self.recheck(fields::REASON);
            }
            Action::Urgent(u) => self.urgent = u,
            Action::When(w) => {
                self.when = w;
                self.recheck(fields::WHEN);
            }
            Action::Consent(at) => {
                self.consent_at = at;
                self.recheck(fields::CONSENT);
            }
            Action::Remember(r) => self.remember = r,
            Action::Honeypot(h) => self.honeypot = h,
            Action::Submit {
                now_ms,
                last_sent_ms,
                cooldown_ms,
            } => {
                self.notice = None;
                if !self.honeypot.is_empty() {
                    // Look like success so the bot moves on; nothing is sent.
                    self.discarded = true;
                    self.status = Status::Sent {
                        reference: String::new(),
                    };
                    return self;
                }
                self.problems = self.validate();
                if !self.problems.is_empty() {
                    self.status = Status::Editing;
                    return self;
                }
                if let Some(last) = last_sent_ms.filter(|l| now_ms - l < cooldown_ms) {
                    let left = cooldown_ms - (now_ms - last);
                    self.notice = Some(Notice::Cooldown {
                        minutes: ((left + 59_999) / 60_000).max(1),
                    });
                    return self;
                }
                if self.started_ms.is_some_and(|s| now_ms - s < MIN_FILL_MS) {
                    self.notice = Some(Notice::TooFast);
                    // Reset the clock: a person who checks and sends again gets through.
                    self.started_ms = Some(now_ms - MIN_FILL_MS);
                    return self;
                }
                self.status = Status::Sending;
            }
            Action::Sent(id) => {
                self = self.cleared();
                self.status = Status::sent(&id);
            }
            Action::Queued(id) => {
                self = self.cleared();
                self.status = Status::queued(&id);
            }
            Action::Failed(f) => self.status = Status::Failed(f),
            Action::Reset => self = self.cleared(),
        }
        self
    }

    /// A fresh form that still knows who the visitor is.
    fn cleared(&self) -> Self {
        let mut form = CallbackForm::new(&self.country);
        form.phone.clone_from(&self.phone);
        form.name.clone_from(&self.name);
        form.email.clone_from(&self.email);
        form.email_rule = self.email_rule;
        form.remember = self.remember;
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;

    fn filled() -> CallbackForm {
        [
            Action::Touch(T0),
            Action::Phone("06 12 34 56 78".into()),
            Action::Name("Ana".into()),
            Action::Consent(Some("2026-11-23T18:00:00.000Z".into())),
        ]
        .into_iter()
        .fold(CallbackForm::new("FR"), CallbackForm::reduce)
    }

    fn submit(f: CallbackForm, now: i64, last: Option<i64>) -> CallbackForm {
        f.reduce(Action::Submit {
            now_ms: now,
            last_sent_ms: last,
            cooldown_ms: DEFAULT_COOLDOWN_MS,
        })
    }

    #[test]
    fn the_email_follows_the_owners_rule() {
        let f = filled().reduce(Action::Email("not an email".into()));
        let f = submit(f, T0 + 10_000, None);
        assert_eq!(
            f.problem(fields::EMAIL).map(|p| p.code),
            Some(Code::Invalid)
        );
        let f = f.reduce(Action::Email("ana@example.com".into()));
        assert!(f.problem(fields::EMAIL).is_none(), "fixed as typed");
        assert_eq!(submit(f, T0 + 10_000, None).status, Status::Sending);
        let mut required = filled();
        required.email_rule = FieldRule::Required;
        let f = submit(required, T0 + 10_000, None);
        assert_eq!(
            f.problem(fields::EMAIL).map(|p| p.code),
            Some(Code::Required)
        );
        let mut hidden = filled().reduce(Action::Email("not an email".into()));
        hidden.email_rule = FieldRule::Hidden;
        assert_eq!(submit(hidden, T0 + 10_000, None).status, Status::Sending);
    }

    #[test]
    fn a_complete_request_sends_with_an_e164_number() {
        let f = submit(filled(), T0 + 10_000, None);
        assert_eq!(f.status, Status::Sending);
        assert_eq!(f.e164().unwrap().as_str(), "+33612345678");
    }

    #[test]
    fn empty_form_lists_every_problem() {
        let f = submit(
            CallbackForm::new("FR").reduce(Action::When(WhenChoice::Slot(None))),
            T0,
            None,
        );
        let got: Vec<_> = f.problems.iter().map(|p| (p.field, p.code)).collect();
        assert_eq!(
            got,
            [
                (fields::PHONE, Code::Required),
                (fields::NAME, Code::Required),
                (fields::WHEN, Code::Required),
                (fields::CONSENT, Code::Required)
            ]
        );
        assert_eq!(f.status, Status::Editing);
    }

    #[test]
    fn a_bad_number_is_invalid_and_switching_country_can_fix_it() {
        let f = submit(
            filled()
                .reduce(Action::Phone("(415) 555-2671".into()))
                .reduce(Action::Country("ZZ".into())),
            T0 + 10_000,
            None,
        );
        assert_eq!(f.problem(fields::PHONE).unwrap().code, Code::Invalid);
        let f = f.reduce(Action::Country("US".into()));
        assert!(f.problem(fields::PHONE).is_none(), "{:?}", f.problems);
    }

    #[test]
    fn honeypot_pretends_success_and_sends_nothing() {
        let f = submit(
            filled().reduce(Action::Honeypot("http://spam".into())),
            T0 + 10_000,
            None,
        );
        assert!(f.discarded);
        assert!(matches!(f.status, Status::Sent { .. }));
    }

    #[test]
    fn too_fast_then_a_second_try_goes_through() {
        let f = submit(filled(), T0 + 800, None);
        assert_eq!(
            (f.notice, &f.status),
            (Some(Notice::TooFast), &Status::Editing)
        );
        let f = submit(f, T0 + 1_500, None);
        assert_eq!(f.status, Status::Sending);
    }

    #[test]
    fn cooldown_counts_whole_minutes_left() {
        let f = submit(filled(), T0 + 10_000, Some(T0 + 10_000 - 61_000));
        assert_eq!(f.notice, Some(Notice::Cooldown { minutes: 4 }));
        let f = submit(f, T0 + 10_000, Some(T0 + 10_000 - DEFAULT_COOLDOWN_MS));
        assert_eq!(f.status, Status::Sending);
    }

    #[test]
    fn slot_must_be_picked() {
        let f = submit(
            filled().reduce(Action::When(WhenChoice::Slot(None))),
            T0 + 10_000,
            None,
        );
        assert_eq!(f.problem(fields::WHEN).unwrap().code, Code::Required);
        let f = f.reduce(Action::When(WhenChoice::Slot(Some((T0, T0 + 1_800_000)))));
        assert!(f.problems.is_empty());
    }

    #[test]
    fn success_keeps_phone_and_name_for_a_second_request() {
        let f = submit(filled(), T0 + 10_000, None)
            .reduce(Action::Sent("3f2504e0-4f89-41d3-9a0c-0305e82c3301".into()));
        assert_eq!(
            f.status,
            Status::Sent {
                reference: "3F25-04E0".into()
            }
        );
        assert_eq!(
            (f.phone.as_str(), f.name.as_str(), f.consent_at.as_deref()),
            ("06 12 34 56 78", "Ana", None)
        );
    }
}
