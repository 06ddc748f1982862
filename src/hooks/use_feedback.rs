//! `use_feedback`: the feedback form's state, its draft in storage, and its delivery.
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::form::{Action, FeedbackForm, Status};
use allo_core::submission::{Kind, Submission, Visitor, SCHEMA};
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::context::AppContext;
use crate::state::FeedbackState;
use crate::delivery::{deliver, Outcome};
use crate::{browser, storage};

const DRAFT_KEY: &str = "draft:feedback";

/// What survives a reload: only what the visitor typed or chose.
#[derive(Serialize, Deserialize, Default, PartialEq)]
struct Draft {
    score: Option<u8>,
    message: String,
}

/// The form's state and a dispatcher. Dispatching `Action::Submit` validates; a valid form
/// moves to `Sending`, which this hook turns into one network attempt.
#[hook]
pub fn use_feedback() -> UseReducerHandle<FeedbackState> {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let metric = ctx.config.metric;
    let state = use_reducer(move || {
        let mut form = FeedbackForm::new(metric);
        if let Some(d) = storage::load::<Draft>(DRAFT_KEY) {
            form.score = d
                .score
                .filter(|s| (metric.range().0..=metric.range().1).contains(s));
            form.message = d.message;
        }
        FeedbackState(form)
    });
    // The id is made once per message and reused by every retry, so the endpoint can tell a
    // retry from a new message (it is also the Idempotency-Key).
    let pending_id = use_mut_ref(|| None::<String>);

    // Draft safety: persist what the visitor typed; nothing is written before they type.
    {
        let draft = Draft {
            score: state.score,
            message: state.message.clone(),
        };
        let sent = matches!(state.status, Status::Sent { .. } | Status::Queued { .. });
        use_effect_with((draft, sent), |(draft, sent)| {
            if *sent || *draft == Draft::default() {
                storage::remove(DRAFT_KEY);
            } else if storage::load::<Draft>(DRAFT_KEY).as_ref() != Some(draft) {
                storage::save(DRAFT_KEY, draft);
            }
        });
    }

    {
        let sending = state.status == Status::Sending;
        let state = state.clone();
        use_effect_with(sending, move |sending| {
            if *sending {
                send(ctx, state, pending_id);
            }
        });
    }
    state
}

fn send(
    ctx: AppContext,
    state: UseReducerHandle<FeedbackState>,
    pending_id: Rc<RefCell<Option<String>>>,
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
        visitor: Visitor::default(),
        feedback: Some(feedback),
        callback: None,
        consent: None,
        client: meta.then(browser::client),
    };
    let endpoint = ctx.config.endpoint.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match deliver(&endpoint, &sub).await {
            Outcome::Delivered => {
                pending_id.borrow_mut().take();
                state.dispatch(Action::Sent(id));
            }
            Outcome::Queued => {
                pending_id.borrow_mut().take();
                state.dispatch(Action::Queued(id));
            }
            Outcome::Failed(f) => state.dispatch(Action::Failed(f)),
        }
    });
}
