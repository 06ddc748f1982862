//! The feedback form: a rating and a message, validated in `allo_core`, sent by `use_feedback`.
use allo_core::form::{Action, SendFailure, Status};
use allo_core::i18n::{fill, Strings};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::context::AppContext;
use crate::hooks::use_feedback::use_feedback;
use crate::view::rating::Rating;
use crate::view::thanks::Thanks;

fn failure_text(s: &Strings, f: &SendFailure) -> String {
    match f {
        SendFailure::Network => s.err_network.to_string(),
        SendFailure::Server => s.err_server.to_string(),
        SendFailure::Rejected(Some(detail)) => fill(&s.err_rejected, &[("detail", detail)]),
        SendFailure::Rejected(None) => {
            fill(&s.err_rejected, &[("detail", "")])
                .trim_end_matches([' ', ':'])
                .to_owned()
                + "."
        }
    }
}

/// The feedback form, or its thank-you state once sent.
#[component]
pub fn FeedbackForm() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let s = &ctx.strings;
    let form = use_feedback();
    let form_ref = use_node_ref();

    // After a submit that found problems, move focus to the first field in error.
    {
        let form_ref = form_ref.clone();
        let first = form.problems.first().map(|p| p.field);
        use_effect_with(first, move |first| {
            let target = match first {
                Some("feedback.score") => "input[name='allo-score']",
                Some("feedback.message") => "#allo-message",
                _ => return,
            };
            if let Some(el) = form_ref
                .cast::<web_sys::Element>()
                .and_then(|f| f.query_selector(target).ok().flatten())
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
        });
    }

    if let Status::Sent { reference } | Status::Queued { reference } = &form.status {
        let onagain = {
            let form = form.clone();
            Callback::from(move |()| form.dispatch(Action::Reset))
        };
        let queued = matches!(form.status, Status::Queued { .. });
        return html! { <Thanks reference={AttrValue::from(reference.clone())} {queued} {onagain} /> };
    }

    let sending = form.status == Status::Sending;
    let onscore = {
        let form = form.clone();
        Callback::from(move |score| form.dispatch(Action::Score(score)))
    };
    let oninput = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            form.dispatch(Action::Message(
                e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            ))
        })
    };
    let onsubmit = {
        let form = form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            form.dispatch(Action::Submit);
        })
    };
    let score_error = form
        .problem("feedback.score")
        .map(|p| AttrValue::from(p.message(s)));
    let message_error = form.problem("feedback.message").map(|p| p.message(s));
    let failed = match &form.status {
        Status::Failed(f) => Some(failure_text(s, f)),
        _ => None,
    };
    html! {
        <form class="allo-form" ref={form_ref} novalidate=true {onsubmit} aria-busy={sending.then_some("true")}>
            <Rating value={form.score} onchange={onscore} error={score_error} />
            <div class="allo-field">
                <label class="allo-label" for="allo-message">
                    { &*s.message_label }{" "}<span class="allo-hint">{ format!("({})", s.optional) }</span>
                </label>
                <textarea id="allo-message" class="allo-textarea" value={form.message.clone()} {oninput}
                    readonly={sending}
                    aria-invalid={message_error.is_some().then_some("true")}
                    aria-describedby={message_error.is_some().then_some("allo-message-error")} />
                if let Some(err) = message_error {
                    <p id="allo-message-error" class="allo-error">{ err }</p>
                }
            </div>
            if let Some(text) = failed {
                <p class="allo-alert" role="alert">{ text }</p>
            }
            <button type="submit" class="allo-button" aria-disabled={sending.then_some("true")}>
                { if sending { &*s.sending } else if form.status == Status::Editing { &*s.send } else { &*s.retry } }
            </button>
            <p class="allo-status" role="status">{ if sending { s.sending.to_string() } else { String::new() } }</p>
        </form>
    }
}
