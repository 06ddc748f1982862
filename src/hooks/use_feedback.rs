//! `use_feedback`: the feedback form's state, its draft in storage, and its delivery.
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::form::{Action, FeedbackForm, Rules, Status};
use allo_core::json::{FromJson, Obj, ToJson, Value};
use allo_core::submission::{Kind, Submission, SCHEMA};
use yew::prelude::*;

use crate::context::AppContext;
use crate::delivery::{deliver, Outcome};
use crate::state::FeedbackState;
use crate::tracking::{self, Tracked};
use crate::{browser, memory, storage};

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
    let remembered = memory::load();
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

/// The form's state and dispatcher, and the request to follow once it is sent (when the
/// endpoint offers status). Dispatching `Action::Submit` validates; a valid form moves to
/// `Sending`, which this hook turns into one delivery.
#[hook]
pub fn use_feedback() -> (
    UseReducerHandle<FeedbackState>,
    UseStateHandle<Option<Tracked>>,
) {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
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
    // The id is made once per message and reused by every retry, so the endpoint can tell a
    // retry from a new message (it is also the Idempotency-Key).
    let pending_id = use_mut_ref(|| None::<String>);
    let tracked = use_state(|| None::<Tracked>);

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
        let (state, tracked) = (state.clone(), tracked.clone());
        use_effect_with(sending, move |sending| {
            if *sending {
                send(ctx, state, pending_id, tracked);
            }
        });
    }
    (state, tracked)
}

fn send(
    ctx: AppContext,
    state: UseReducerHandle<FeedbackState>,
    pending_id: Rc<RefCell<Option<String>>>,
    tracked: UseStateHandle<Option<Tracked>>,
) {
    let Some(feedback) = state.feedback() else {
        return;
    };
    let id = pending_id
        .borrow_mut()
        .get_or_insert_with(|| allo_core::id::uuid_v4(browser::random_bytes()))
        .clone();
    let meta = ctx.config.capture_metadata;
    let sub = Submission {
        schema: SCHEMA.to_owned(),
        id: id.clone(),
        kind: Kind::Feedback,
        created_at: browser::now_iso(),
        locale: ctx.locale.clone(),
        page: meta.then(browser::page),
        visitor: state.visitor(),
        feedback: Some(feedback),
        callback: None,
        consent: None,
        client: meta.then(browser::client),
        context: ctx.config.context.clone(),
    };
    let endpoint = ctx.config.endpoint.clone();
    let (remember, name, email) = (state.remember, state.name.clone(), state.email.clone());
    let full_events = ctx.config.events == allo_core::config::EventDetail::Full;
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = deliver(&endpoint, &sub).await;
        crate::events::after_send(&sub, &outcome, full_events);
        if matches!(outcome, Outcome::Delivered(_) | Outcome::Queued) {
            pending_id.borrow_mut().take();
            memory::update(remember, &name, &email, "");
        }
        if let Outcome::Delivered(token) = &outcome {
            follow(
                &endpoint,
                &id,
                Kind::Feedback,
                token.clone(),
                remember,
                &tracked,
            );
        }
        state.dispatch(match outcome {
            Outcome::Delivered(_) => Action::Sent(id),
            Outcome::Queued => Action::Queued(id),
            Outcome::Failed(f) => Action::Failed(f),
        });
    });
}

/// Offers the status of a delivered request when the endpoint gave a token, and remembers it
/// only for a visitor who asked to be remembered (unticking the box forgets them all: that is
/// `memory::update`'s, which the hooks call after every send, delivered or queued).
pub fn follow(
    endpoint: &str,
    id: &str,
    kind: Kind,
    token: Option<String>,
    remember: bool,
    tracked: &UseStateHandle<Option<Tracked>>,
) {
    let t = token.and_then(|token| Tracked::new(endpoint, id, kind, token));
    if let (Some(t), true) = (&t, remember) {
        tracking::add(t.clone());
    }
    tracked.set(t);
}
