//! DOM events for the owner's analytics and CRM scripts, dispatched on `window`:
//! `allo:open`, `allo:close`, `allo:submit` and `allo:error` (the loader adds `allo:ready`).
//!
//! The details are small JSON objects, documented in `docs/embedding.md`. `allo:submit`
//! carries the submission's id and kind only, never what the visitor wrote, unless the owner
//! opted in with `events: "full"`. Dispatching never throws: a listener that throws is the
//! page's own error, reported by the browser, and does not stop the widget.
use allo_core::form::SendFailure;
use allo_core::json::{Obj, Value};
use allo_core::submission::{Kind, Submission};
use wasm_bindgen::JsValue;

use crate::sender::Outcome;

/// Dispatches `allo:{name}` on `window` with `detail`.
pub fn emit(name: &str, detail: Value) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let detail = js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL);
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) =
        web_sys::CustomEvent::new_with_event_init_dict(&format!("allo:{name}"), &init)
    {
        let _ = window.dispatch_event(&event);
    }
}

/// The panel opened on `kind`'s form.
pub fn opened(kind: Kind) {
    emit("open", Obj::new().set("kind", kind).build());
}

/// The panel closed.
pub fn closed() {
    emit("close", Obj::new().build());
}

/// The stable code of a failed send, as `allo:error` reports it.
pub fn failure_code(f: &SendFailure) -> &'static str {
    match f {
        SendFailure::Network => "network",
        SendFailure::Server => "server",
        SendFailure::Rejected(_) => "rejected",
        SendFailure::Duplicate => "duplicate",
    }
}

/// The detail of `allo:submit` for `sub`; `full` adds the whole submission.
pub fn submit_detail(sub: &Submission, queued: bool, full: bool) -> Value {
    let detail = Obj::new()
        .set("id", &sub.id)
        .set("kind", sub.kind)
        .set("queued", queued);
    if full {
        detail.set("submission", sub)
    } else {
        detail
    }
    .build()
}

/// Reports how sending `sub` ended: `allo:submit` when it was accepted or safely queued,
/// `allo:error` with a code when it failed. The hooks call this once per send attempt.
pub fn after_send(sub: &Submission, outcome: &Outcome, full: bool) {
    match outcome {
        Outcome::Delivered(_) => emit("submit", submit_detail(sub, false, full)),
        Outcome::Queued => emit("submit", submit_detail(sub, true, full)),
        Outcome::Failed(f) => emit(
            "error",
            Obj::new()
                .set("code", failure_code(f))
                .set("kind", sub.kind)
                .set("id", &sub.id)
                .build(),
        ),
    }
}
