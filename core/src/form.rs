//! The feedback form as a pure state machine: `reduce(state, action) -> state`.
//!
//! The Yew component is a thin adapter (`impl Reducible` in the widget); every rule about what
//! a click or a keystroke does lives here and is tested on the host.
use crate::submission::{Feedback, Metric};
use crate::validate::{Code, Problem, MESSAGE_MAX};

/// Why a send failed, as the visitor is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// No answer: offline, DNS, CORS refusal, or a timeout.
    Network,
    /// The endpoint answered 5xx.
    Server,
    /// The endpoint refused it for good (4xx), with its message when it sent one.
    Rejected(Option<String>),
}

/// Where the form is in its life.
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

/// The feedback form's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedbackForm {
    /// The rating scale.
    pub metric: Metric,
    /// The chosen score, if any.
    pub score: Option<u8>,
    /// The message typed so far.
    pub message: String,
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
    /// The message changed.
    Message(String),
    /// The visitor pressed send: validate, and start sending when valid.
    Submit,
    /// The endpoint accepted the submission with this id.
    Sent(String),
    /// The submission with this id is stored in the outbox, to be sent later.
    Queued(String),
    /// The send failed.
    Failed(SendFailure),
    /// Start over after a success.
    Reset,
}

impl FeedbackForm {
    /// A fresh form on the given scale.
    pub fn new(metric: Metric) -> Self {
        FeedbackForm {
            metric,
            ..Default::default()
        }
    }

    /// Every problem with what has been entered so far.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let (lo, hi) = self.metric.range();
        if !self.score.is_some_and(|s| (lo..=hi).contains(&s)) {
            out.push(Problem {
                field: "feedback.score",
                code: Code::Required,
            });
        }
        if self.message.chars().count() > MESSAGE_MAX {
            out.push(Problem {
                field: "feedback.message",
                code: Code::TooLong { max: MESSAGE_MAX },
            });
        }
        out
    }

    /// The feedback part of the submission, once the form is valid.
    pub fn feedback(&self) -> Option<Feedback> {
        Some(Feedback {
            metric: self.metric,
            score: self.score?,
            category: None,
            message: self.message.trim().to_owned(),
        })
    }

    /// The problem for `field`, if the last submit found one.
    pub fn problem(&self, field: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.field == field)
    }

    /// Applies one action.
    pub fn reduce(mut self, action: Action) -> Self {
        let busy = matches!(self.status, Status::Sending);
        match action {
            // Inputs are frozen while sending so what is sent is what is shown.
            Action::Score(_) | Action::Message(_) if busy => {}
            Action::Score(s) => {
                self.score = Some(s);
                self.problems.retain(|p| p.field != "feedback.score");
            }
            Action::Message(m) => {
                self.message = m;
                if self.message.chars().count() <= MESSAGE_MAX {
                    self.problems.retain(|p| p.field != "feedback.message");
                }
            }
            Action::Submit if busy => {}
            Action::Submit => {
                self.problems = self.validate();
                self.status = if self.problems.is_empty() {
                    Status::Sending
                } else {
                    Status::Editing
                };
            }
            Action::Sent(id) => {
                self = FeedbackForm::new(self.metric);
                self.status = Status::Sent {
                    reference: crate::id::reference(&id),
                };
            }
            Action::Queued(id) => {
                self = FeedbackForm::new(self.metric);
                self.status = Status::Queued { reference: crate::id::reference(&id) };
            }
            Action::Failed(f) => self.status = Status::Failed(f),
            Action::Reset => self = FeedbackForm::new(self.metric),
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(actions: Vec<Action>) -> FeedbackForm {
        actions
            .into_iter()
            .fold(FeedbackForm::new(Metric::Csat), FeedbackForm::reduce)
    }

    #[test]
    fn submit_without_rating_shows_the_problem_and_stays_editing() {
        let f = run(vec![Action::Message("hi".into()), Action::Submit]);
        assert_eq!(f.status, Status::Editing);
        assert_eq!(f.problem("feedback.score").unwrap().code, Code::Required);
        // Choosing a rating clears that problem at once.
        let f = f.reduce(Action::Score(4));
        assert!(f.problems.is_empty());
    }

    #[test]
    fn valid_submit_sends_and_freezes_inputs() {
        let f = run(vec![
            Action::Score(5),
            Action::Message("Lovely".into()),
            Action::Submit,
        ]);
        assert_eq!(f.status, Status::Sending);
        let f = f
            .reduce(Action::Message("changed".into()))
            .reduce(Action::Score(1))
            .reduce(Action::Submit);
        assert_eq!(
            (f.score, f.message.as_str(), &f.status),
            (Some(5), "Lovely", &Status::Sending)
        );
        assert_eq!(f.feedback().unwrap().message, "Lovely");
    }

    #[test]
    fn success_clears_the_form_and_gives_a_reference() {
        let f = run(vec![
            Action::Score(2),
            Action::Submit,
            Action::Sent("3f2504e0-4f89-41d3-9a0c-0305e82c3301".into()),
        ]);
        assert_eq!(
            f.status,
            Status::Sent {
                reference: "3F25-04E0".into()
            }
        );
        assert_eq!(f.score, None);
        assert_eq!(run(vec![Action::Reset]).status, Status::Editing);
    }

    #[test]
    fn queued_is_a_success_for_the_visitor() {
        let f = run(vec![Action::Score(2), Action::Message("m".into()), Action::Submit, Action::Queued("ab12cd34-0000-4000-8000-000000000000".into())]);
        assert_eq!(f.status, Status::Queued { reference: "AB12-CD34".into() });
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
        // And they can try again.
        assert_eq!(f.reduce(Action::Submit).status, Status::Sending);
    }

    #[test]
    fn too_long_message_is_a_problem() {
        let f = run(vec![
            Action::Score(3),
            Action::Message("x".repeat(MESSAGE_MAX + 1)),
            Action::Submit,
        ]);
        assert_eq!(
            f.problem("feedback.message").unwrap().code,
            Code::TooLong { max: MESSAGE_MAX }
        );
        let f = f.reduce(Action::Message("short".into()));
        assert!(f.problems.is_empty());
    }
}
