//! `use_send`: the one send path both forms share. A form builds its submission; this hook
//! gives it its id, delivers it, reports the outcome to the page (`allo:submit` /
//! `allo:error`), remembers (or forgets) the visitor, follows the request when the endpoint
//! offers its status, and hands the outcome back to the form's reducer.
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::config::EventDetail;
use allo_core::form::SendFailure;
use allo_core::submission::{Kind, Submission, Visitor, SCHEMA};
use yew::prelude::*;

use crate::context::AppContext;
use crate::sender::{deliver, Outcome};
use crate::visitor::{self, Tracked};
use crate::{browser, events};

/// How a send ended, in the terms both forms' reducers take (`Sent`, `Queued`, `Failed`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finished {
    /// The endpoint has it; the submission's id.
    Sent(String),
    /// Saved in the outbox to go out later; the submission's id.
    Queued(String),
    /// Not sent, and not retried by itself.
    Failed(SendFailure),
}

/// What the visitor typed about themselves, remembered after a send only when `remember`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Who {
    /// The "remember me" box.
    pub remember: bool,
    /// Their name as typed.
    pub name: String,
    /// Their email as typed (empty when the form has none).
    pub email: String,
    /// Their phone number as typed (empty when the form has none).
    pub phone: String,
}

/// A form's sender: the id of the message under way and the request to follow once sent.
#[derive(Clone, PartialEq)]
pub struct Sender {
    pending_id: Rc<RefCell<Option<String>>>,
    /// The request to follow once sent, when the endpoint offers status.
    pub tracked: UseStateHandle<Option<Tracked>>,
}

impl Sender {
    /// A submission of `kind` with the envelope filled in: the message's id (made once per
    /// message and reused by every retry, so the endpoint can tell a retry from a new message;
    /// it is also the Idempotency-Key), the language, and the page and client when the owner
    /// captures them. The form adds what the visitor wrote.
    pub fn submission(&self, ctx: &AppContext, kind: Kind, created_at: String) -> Submission {
        let id = self
            .pending_id
            .borrow_mut()
            .get_or_insert_with(|| allo_core::id::uuid_v4(browser::random_bytes()))
            .clone();
        let meta = ctx.config.capture_metadata;
        Submission {
            schema: SCHEMA.to_owned(),
            id,
            kind,
            created_at,
            locale: ctx.locale.clone(),
            page: meta.then(browser::page),
            visitor: Visitor::default(),
            feedback: None,
            callback: None,
            consent: None,
            client: meta.then(browser::client),
            context: ctx.config.context.clone(),
        }
    }

    /// Delivers `sub` in the background and calls `done` with how it ended.
    pub fn send(&self, ctx: &AppContext, sub: Submission, who: Who, done: Callback<Finished>) {
        let endpoint = ctx.config.endpoint.clone();
        let full_events = ctx.config.events == EventDetail::Full;
        let sender = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = deliver(&endpoint, &sub).await;
            events::after_send(&sub, &outcome, full_events);
            if !matches!(outcome, Outcome::Failed(_)) {
                sender.pending_id.borrow_mut().take();
                visitor::update(who.remember, &who.name, &who.email, &who.phone);
            }
            let id = sub.id;
            done.emit(match outcome {
                Outcome::Delivered(token) => {
                    sender.follow(&endpoint, &id, sub.kind, token, who.remember);
                    Finished::Sent(id)
                }
                Outcome::Queued => Finished::Queued(id),
                Outcome::Failed(f) => Finished::Failed(f),
            });
        });
    }

    /// Offers the status of a delivered request when the endpoint gave a token, and remembers
    /// it only for a visitor who asked to be remembered (unticking the box forgets them all:
    /// that is `visitor::update`'s, called after every send, delivered or queued).
    fn follow(&self, endpoint: &str, id: &str, kind: Kind, token: Option<String>, remember: bool) {
        let t = token.and_then(|token| Tracked::new(endpoint, id, kind, token));
        if let (Some(t), true) = (&t, remember) {
            visitor::add(t.clone());
        }
        self.tracked.set(t);
    }
}

/// A form's sender, kept across renders.
#[hook]
pub fn use_send() -> Sender {
    let pending_id = use_mut_ref(|| None::<String>);
    let tracked = use_state(|| None::<Tracked>);
    Sender {
        pending_id,
        tracked,
    }
}
