//! The feedback form as a pure state machine: `reduce(state, action) -> state`.
//!
//! The Yew component is a thin adapter (`impl Reducible` in the widget); every rule about what
//! a click or a keystroke does, what is valid, and how the follow-up question adapts to the
//! score lives here and is tested on the host.
use crate::submission::{Feedback, Metric, Visitor};
use crate::validate::{is_email, Code, Problem, EMAIL_MAX, MESSAGE_MAX, NAME_MAX};

/// Whether a form field is shown, and whether it must be filled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldRule {
    /// Shown, may stay empty.
    #[default]
    Optional,
    /// Shown and must be filled.
    Required,
    /// Not shown at all.
    Hidden,
}

/// Why a send failed, as the visitor is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// No answer: offline, DNS, CORS refusal, or a timeout.
    Network,
    /// The endpoint answered 5xx.
    Server,
    /// The endpoint refused it for good (4xx), with its message when it sent one.
    Rejected(Option<String>),
    /// The endpoint already has an open request like this one (409): reassure, don't alarm.
    Duplicate,
}

/// Where a form is in its life.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// The visitor is filling it in.
    #[default]
    Editing,
    /// A send is under way; inputs are read-only.
    Sending,
    /// Accepted by the endpoint; `reference` is what the visitor can quote.
    Sent {
        /// Short reference derived from the submission id.
        reference: String,
    },
    /// Not delivered yet but safely stored in the outbox: it goes out when the visitor (or
    /// the endpoint) is back. Not an error: nothing was lost.
    Queued {
        /// Short reference derived from the submission id.
        reference: String,
    },
    /// The last send failed; the visitor's text is still in the form.
    Failed(SendFailure),
}

impl Status {
    /// Delivered: the visitor gets the short reference of submission `id`.
    pub fn sent(id: &str) -> Status {
        Status::Sent {
            reference: crate::id::reference(id),
        }
    }

    /// Waiting in the outbox: the visitor still gets the reference of submission `id`.
    pub fn queued(id: &str) -> Status {
        Status::Queued {
            reference: crate::id::reference(id),
        }
    }
}

/// How the visitor feels, read from the score: decides the follow-up question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sentiment {
    /// Unhappy: ask what went wrong and offer a call.
    Low,
    /// In between: ask what could be better.
    Neutral,
    /// Happy: ask what went well.
    High,
}

/// The sentiment of `score` on `metric`, using each scale's usual bands: CSAT 1–2 / 3 / 4–5,
/// NPS detractors 0–6 / passives 7–8 / promoters 9–10, CES 1–3 / 4 / 5–7.
pub fn sentiment(metric: Metric, score: u8) -> Sentiment {
    let (low_max, high_min) = match metric {
        Metric::Csat => (2, 4),
        Metric::Nps => (6, 9),
        Metric::Ces => (3, 5),
    };
    if score <= low_max {
        Sentiment::Low
    } else if score >= high_min {
        Sentiment::High
    } else {
        Sentiment::Neutral
    }
}

/// Which fields the owner shows and requires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// The message field.
    pub message: FieldRule,
    /// The name field.
    pub name: FieldRule,
    /// The email field.
    pub email: FieldRule,
}

/// The feedback form's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedbackForm {
    /// The rating scale.
    pub metric: Metric,
    /// What the owner shows and requires.
    pub rules: Rules,
    /// The chosen score, if any.
    pub score: Option<u8>,
    /// The chosen category, if any.
    pub category: Option<String>,
    /// The message typed so far.
    pub message: String,
    /// The visitor's name.
    pub name: String,
    /// The visitor's email.
    pub email: String,
    /// The visitor asked to be remembered on this device.
    pub remember: bool,
    /// Problems found by the last submit attempt, shown next to their fields.
    pub problems: Vec<Problem>,
    /// Where the form is.
    pub status: Status,
}

/// Everything that can happen to the form.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A rating option was chosen.
    Score(u8),
    /// A category was chosen (`None`: cleared).
    Category(Option<String>),
    /// The message changed.
    Message(String),
    /// The name changed.
    Name(String),
    /// The email changed.
    Email(String),
    /// "Remember me" was toggled.
    Remember(bool),
    /// The visitor pressed send: validate, and start sending when valid.
    Submit,
    /// The endpoint accepted the submission with this id.
    Sent(String),
    /// The submission with this id is stored in the outbox, to be sent later.
    Queued(String),
    /// The send failed.
    Failed(SendFailure),
    /// Start over after a success (keeps who the visitor is).
    Reset,
}

/// The field paths problems are reported under (the same paths the collector uses).
pub mod fields {
    /// The score.
    pub const SCORE: &str = "feedback.score";
    /// The message.
    pub const MESSAGE: &str = "feedback.message";
    /// The name.
    pub const NAME: &str = "visitor.name";
    /// The email.
    pub const EMAIL: &str = "visitor.email";
}

fn check_text(
    out: &mut Vec<Problem>,
    field: &'static str,
    value: &str,
    rule: FieldRule,
    max: usize,
) {
    let len = value.trim().chars().count();
    if rule == FieldRule::Required && len == 0 {
        out.push(Problem {
            field,
            code: Code::Required,
        });
    } else if rule != FieldRule::Hidden && len > max {
        out.push(Problem {
            field,
            code: Code::TooLong { max },
        });
    }
}

impl FeedbackForm {
    /// A fresh form on the given scale with the owner's field rules.
    #[allow(clippy::field_reassign_with_default)] // on purpose: see below
    pub fn new(metric: Metric, rules: Rules) -> Self {
        // Built in place and then given its settings, as `CallbackForm::new` is: struct-update
        // syntax builds a whole second form to move fields out of.
        let mut form = FeedbackForm::default();
        form.metric = metric;
        form.rules = rules;
        form
    }

    /// Every problem with what has been entered so far, in the order the fields are shown.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let (lo, hi) = self.metric.range();
        if !self.score.is_some_and(|s| (lo..=hi).contains(&s)) {
            out.push(Problem {
                field: fields::SCORE,
                code: Code::Required,
            });
        }
        check_text(
            &mut out,
            fields::MESSAGE,
            &self.message,
            self.rules.message,
            MESSAGE_MAX,
        );
        check_text(
            &mut out,
            fields::NAME,
            &self.name,
            self.rules.name,
            NAME_MAX,
        );
        check_text(
            &mut out,
            fields::EMAIL,
            &self.email,
            self.rules.email,
            EMAIL_MAX,
        );
        let email = self.email.trim();
        if self.rules.email != FieldRule::Hidden && !email.is_empty() && !is_email(email) {
            out.push(Problem {
                field: fields::EMAIL,
                code: Code::Invalid,
            });
        }
        out
    }

    /// The sentiment of the chosen score.
    pub fn sentiment(&self) -> Option<Sentiment> {
        self.score.map(|s| sentiment(self.metric, s))
    }

    /// The feedback part of the submission, once a score is chosen.
    pub fn feedback(&self) -> Option<Feedback> {
        Some(Feedback {
            metric: self.metric,
            score: self.score?,
            category: self.category.clone(),
            message: self.message.trim().to_owned(),
        })
    }

    /// Who the visitor said they are (hidden fields are never sent).
    pub fn visitor(&self) -> Visitor {
        let keep = |rule: FieldRule, v: &str| {
            let v = v.trim();
            (rule != FieldRule::Hidden && !v.is_empty()).then(|| v.to_owned())
        };
        Visitor {
            name: keep(self.rules.name, &self.name),
            email: keep(self.rules.email, &self.email),
            phone: None,
        }
    }

    /// The problem for `field`, if the last submit found one.
    pub fn problem(&self, field: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.field == field)
    }

    /// Re-checks `field` after an edit: a problem the visitor fixed disappears at once, but no
    /// new problem appears before they press send again (no scolding while typing).
    fn recheck(&mut self, field: &str) {
        if self.problem(field).is_some() {
            let still = self.validate();
            self.problems
                .retain(|p| p.field != field || still.iter().any(|s| s.field == field));
        }
    }

    /// Applies one action.
    pub fn reduce(mut self, action: Action) -> Self {
        let busy = matches!(self.status, Status::Sending);
        match action {
            // Inputs are frozen while sending so what is sent is what is shown.
            Action::Score(_)
            | Action::Category(_)
            | Action::Message(_)
            | Action::Name(_)
            | Action::Email(_)
            | Action::Remember(_)
            | Action::Submit
                if busy => {}
            Action::Score(s) => {
                self.score = Some(s);
                self.recheck(fields::SCORE);
            }
            Action::Category(c) => self.category = c,
            Action::Message(m) => {
                self.message = m;
                self.recheck(fields::MESSAGE);
            }
            Action::Name(n) => {
                self.name = n;
                self.recheck(fields::NAME);
            }
            Action::Email(e) => {
                self.email = e;
                self.recheck(fields::EMAIL);
            }
            Action::Remember(r) => self.remember = r,
            Action::Submit => {
                self.problems = self.validate();
                self.status = if self.problems.is_empty() {
                    Status::Sending
                } else {
                    Status::Editing
                };
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
        let mut form = FeedbackForm::new(self.metric, self.rules);
        form.name.clone_from(&self.name);
        form.email.clone_from(&self.email);
        form.remember = self.remember;
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(rules: Rules, actions: Vec<Action>) -> FeedbackForm {
        actions
            .into_iter()
            .fold(FeedbackForm::new(Metric::Csat, rules), FeedbackForm::reduce)
    }

    fn run(actions: Vec<Action>) -> FeedbackForm {
        run_with(Rules::default(), actions)
    }

    fn problem_fields(f: &FeedbackForm) -> Vec<(&'static str, Code)> {
        f.problems.iter().map(|p| (p.field, p.code)).collect()
    }

    #[test]
    fn sentiment_bands_per_metric() {
        let cases = [
            (Metric::Csat, 1, Sentiment::Low),
            (Metric::Csat, 2, Sentiment::Low),
            (Metric::Csat, 3, Sentiment::Neutral),
            (Metric::Csat, 4, Sentiment::High),
            (Metric::Nps, 0, Sentiment::Low),
            (Metric::Nps, 6, Sentiment::Low),
            (Metric::Nps, 7, Sentiment::Neutral),
            (Metric::Nps, 8, Sentiment::Neutral),
            (Metric::Nps, 9, Sentiment::High),
            (Metric::Ces, 3, Sentiment::Low),
            (Metric::Ces, 4, Sentiment::Neutral),
            (Metric::Ces, 5, Sentiment::High),
            (Metric::Ces, 7, Sentiment::High),
        ];
        for (metric, score, want) in cases {
            assert_eq!(sentiment(metric, score), want, "{metric:?} {score}");
        }
    }

    #[test]
    fn validation_table() {
        use FieldRule::*;
        let req = |message, name, email| Rules {
            message,
            name,
            email,
        };
        // The rules, what the visitor did, and the problems expected (field, code).
        type Case = (Rules, Vec<Action>, Vec<(&'static str, Code)>);
        let cases: Vec<Case> = vec![
            (
                Rules::default(),
                vec![],
                vec![(fields::SCORE, Code::Required)],
            ),
            (Rules::default(), vec![Action::Score(3)], vec![]),
            (
                req(Required, Optional, Optional),
                vec![Action::Score(3), Action::Message("  ".into())],
                vec![(fields::MESSAGE, Code::Required)],
            ),
            (
                req(Optional, Required, Required),
                vec![Action::Score(3)],
                vec![
                    (fields::NAME, Code::Required),
                    (fields::EMAIL, Code::Required),
                ],
            ),
            (
                Rules::default(),
                vec![Action::Score(3), Action::Email("nope".into())],
                vec![(fields::EMAIL, Code::Invalid)],
            ),
            (
                req(Optional, Optional, Hidden),
                vec![Action::Score(3), Action::Email("nope".into())],
                vec![],
            ),
            (
                Rules::default(),
                vec![Action::Score(3), Action::Name("x".repeat(NAME_MAX + 1))],
                vec![(fields::NAME, Code::TooLong { max: NAME_MAX })],
            ),
            (
                Rules::default(),
                vec![Action::Message("x".repeat(MESSAGE_MAX + 1))],
                vec![
                    (fields::SCORE, Code::Required),
                    (fields::MESSAGE, Code::TooLong { max: MESSAGE_MAX }),
                ],
            ),
        ];
        for (rules, mut actions, want) in cases {
            actions.push(Action::Submit);
            let f = run_with(rules, actions.clone());
            assert_eq!(problem_fields(&f), want, "{rules:?} {actions:?}");
            assert_eq!(f.status == Status::Sending, want.is_empty());
        }
    }

    #[test]
    fn fixing_a_field_clears_only_its_problem() {
        let rules = Rules {
            message: FieldRule::Required,
            ..Rules::default()
        };
        let f = run_with(rules, vec![Action::Submit]);
        assert_eq!(
            problem_fields(&f),
            [
                (fields::SCORE, Code::Required),
                (fields::MESSAGE, Code::Required)
            ]
        );
        let f = f.reduce(Action::Score(4));
        assert_eq!(problem_fields(&f), [(fields::MESSAGE, Code::Required)]);
        // Typing an invalid email does not add a problem before the next submit.
        let f = f.reduce(Action::Email("half@".into()));
        assert_eq!(problem_fields(&f), [(fields::MESSAGE, Code::Required)]);
        let f = f.reduce(Action::Message("ok".into()));
        assert!(f.problems.is_empty());
    }

    #[test]
    fn valid_submit_sends_and_freezes_inputs() {
        let f = run(vec![
            Action::Score(5),
            Action::Message(" Lovely ".into()),
            Action::Category(Some("praise".into())),
            Action::Submit,
        ]);
        assert_eq!(f.status, Status::Sending);
        let f = f
            .reduce(Action::Message("changed".into()))
            .reduce(Action::Score(1))
            .reduce(Action::Submit);
        assert_eq!(
            (f.score, f.message.as_str(), &f.status),
            (Some(5), " Lovely ", &Status::Sending)
        );
        let fb = f.feedback().unwrap();
        assert_eq!(
            (fb.message.as_str(), fb.category.as_deref()),
            ("Lovely", Some("praise"))
        );
    }

    #[test]
    fn success_clears_the_message_but_keeps_the_visitor() {
        let f = run(vec![
            Action::Score(2),
            Action::Name("Ana".into()),
            Action::Remember(true),
            Action::Message("m".into()),
            Action::Submit,
            Action::Sent("3f2504e0-4f89-41d3-9a0c-0305e82c3301".into()),
        ]);
        assert_eq!(
            f.status,
            Status::Sent {
                reference: "3F25-04E0".into()
            }
        );
        assert_eq!(
            (f.score, f.message.as_str(), f.name.as_str(), f.remember),
            (None, "", "Ana", true)
        );
        assert_eq!(f.reduce(Action::Reset).status, Status::Editing);
    }

    #[test]
    fn queued_is_a_success_for_the_visitor() {
        let f = run(vec![
            Action::Score(2),
            Action::Message("m".into()),
            Action::Submit,
            Action::Queued("ab12cd34-0000-4000-8000-000000000000".into()),
        ]);
        assert_eq!(
            f.status,
            Status::Queued {
                reference: "AB12-CD34".into()
            }
        );
        assert_eq!(f.message, "");
    }

    #[test]
    fn failure_keeps_what_the_visitor_typed() {
        let f = run(vec![
            Action::Score(3),
            Action::Message("keep me".into()),
            Action::Submit,
            Action::Failed(SendFailure::Network),
        ]);
        assert_eq!(f.status, Status::Failed(SendFailure::Network));
        assert_eq!(f.message, "keep me");
        assert_eq!(f.reduce(Action::Submit).status, Status::Sending);
    }

    #[test]
    fn hidden_fields_are_never_sent() {
        let rules = Rules {
            email: FieldRule::Hidden,
            ..Rules::default()
        };
        let f = run_with(
            rules,
            vec![Action::Name(" Ana ".into()), Action::Email("a@b.co".into())],
        );
        assert_eq!(
            f.visitor(),
            Visitor {
                name: Some("Ana".into()),
                email: None,
                phone: None
            }
        );
    }
}
