//! `use_feedback`: the feedback form's state, its draft in storage, and what it sends.
use allo_core::form::{Action, FeedbackForm, Rules, Status};
use allo_core::json::{FromJson, Obj, ToJson, Value};
use allo_core::submission::Kind;
use yew::prelude::*;

use crate::context::AppContext;
use crate::hooks::use_send::{use_send, Finished, Sender, Who};
use crate::state::{make_callback, FeedbackState};
use crate::{browser, storage, visitor};

const DRAFT_KEY: &str = "draft:feedback";

/// What survives closing the panel and reloading the page: only what the visitor typed or chose.
#[derive(Clone, Default, PartialEq)]
struct Draft {
    score: Option<u8>,
    category: Option<String>,
    message: String,
    name: String,
    email: String,
}

impl ToJson for Draft {
    fn to_json(&self) -> Value {
        Obj::new()
            .opt("score", &self.score)
            .opt("category", &self.category)
            .set("message", &self.message)
            .set("name", &self.name)
            .set("email", &self.email)
            .build()
    }
}

impl FromJson for Draft {
    fn from_json(v: &Value) -> Option<Draft> {
        v.as_object()?;
        Some(Draft {
            score: v.field("score"),
            category: v.field("category"),
            message: v.field_or_default("message"),
            name: v.field_or_default("name"),
            email: v.field_or_default("email"),
        })
    }
}

impl Draft {
    fn of(f: &FeedbackForm) -> Draft {
        Draft {
            score: f.score,
            category: f.category.clone(),
            message: f.message.clone(),
            name: f.name.clone(),
            email: f.email.clone(),
        }
    }
}

/// The form as it first appears: the owner's prefill, else what a visitor who opted in to be
/// remembered told us, then their unsent draft on top.
fn initial(ctx: &AppContext) -> FeedbackForm {
    let c = &ctx.config;
    let mut form = FeedbackForm::new(
        c.metric,
        Rules {
            message: c.message,
            name: c.name,
            email: c.email,
        },
    );
    let remembered = visitor::load();
    form.remember = remembered.is_some();
    let r = remembered.unwrap_or_default();
    form.name = c.prefill.name.clone().unwrap_or(r.name);
    form.email = c.prefill.email.clone().unwrap_or(r.email);
    if let Some(d) = storage::load::<Draft>(DRAFT_KEY) {
        let (lo, hi) = c.metric.range();
        form.score = d.score.filter(|s| (lo..=hi).contains(s));
        form.category = d.category.filter(|cat| c.categories.contains(cat));
        form.message = d.message;
        if !d.name.is_empty() {
            form.name = d.name;
        }
        if !d.email.is_empty() {
            form.email = d.email;
        }
    }
    form
}

/// The form's state and dispatcher, and its sender (whose `tracked` is the request to follow
/// once it is sent, when the endpoint offers status). Dispatching `Action::Submit` validates;
/// a valid form moves to `Sending`, which this hook turns into one send. `ctx` is the form's
/// (read once by the form rather than twice).
#[hook]
pub fn use_feedback(ctx: &AppContext) -> (UseReducerHandle<FeedbackState>, Sender) {
    let ctx = ctx.clone();
    let state = {
        let ctx = ctx.clone();
        use_reducer(move || FeedbackState(initial(&ctx)))
    };
    // What the form looked like before the visitor touched it: the draft is written only once
    // they have changed something (private by default: no storage before interaction).
    let pristine = use_memo((), {
        let state = state.clone();
        move |_| Draft::of(&state)
    });
    let sender = use_send();

    {
        let draft = Draft::of(&state);
        let done = matches!(state.status, Status::Sent { .. } | Status::Queued { .. });
        use_effect_with((draft, done), move |(draft, done)| {
            if *done {
                storage::remove(DRAFT_KEY);
            } else if draft != &*pristine
                && storage::load::<Draft>(DRAFT_KEY).as_ref() != Some(draft)
            {
                storage::save(DRAFT_KEY, draft, storage::Kept::Draft);
            }
        });
    }

    {
        let sending = state.status == Status::Sending;
        let (state, sender) = (state.clone(), sender.clone());
        use_effect_with(sending, move |sending| {
            if *sending {
                send(&ctx, &state, &sender);
            }
        });
    }
    (state, sender)
}

fn send(ctx: &AppContext, state: &UseReducerHandle<FeedbackState>, sender: &Sender) {
    let Some(feedback) = state.feedback() else {
        return;
    };
    let mut sub = sender.submission(ctx, Kind::Feedback, browser::now_iso());
    sub.visitor = state.visitor();
    sub.feedback = Some(feedback);
    let who = Who {
        remember: state.remember,
        name: state.name.clone(),
        email: state.email.clone(),
        phone: String::new(),
    };
    let done = make_callback(state, |f: Finished| match f {
        Finished::Sent(id) => Action::Sent(id),
        Finished::Queued(id) => Action::Queued(id),
        Finished::Failed(f) => Action::Failed(f),
    });
    sender.send(ctx, sub, who, done);
}
