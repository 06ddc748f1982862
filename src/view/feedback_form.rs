//! The feedback form: rating, follow-up message, category, and who the visitor is. Validated
//! in `allo_core`, sent by `use_feedback`.
use allo_core::config::FieldRule;
use allo_core::form::{fields, Action, Sentiment, Status};
use allo_core::i18n::fill;
use allo_core::submission::Kind;
use allo_core::validate::MESSAGE_MAX;
use yew::prelude::*;

use crate::context::use_app_ctx;
use crate::hooks::use_feedback::use_feedback;
use crate::hooks::use_form_focus::use_form_focus;
use crate::state::make_callback;
use crate::view::announcer::announcer;
use crate::view::category::category;
use crate::view::checkbox::{checkbox, Check};
use crate::view::field::{self, text, Shape, Text};
use crate::view::rating::rating;
use crate::view::send_status::{announcement, failure_text, send_button};
use crate::view::thanks::{thanks, Thanks, FEEDBACK_IDS};

/// The counter appears this close to the limit: earlier it is only noise.
const COUNTER_FROM: usize = 400;

/// Props of [`FeedbackForm`].
#[derive(Properties, PartialEq)]
pub struct FeedbackFormProps {
    /// Switches to the callback form carrying the message over; absent when the owner offers
    /// no callbacks.
    #[prop_or_default]
    pub onswitch: Option<Callback<String>>,
    /// The score chosen in the prompt card, set when it changes (issue 21).
    #[prop_or_default]
    pub score: Option<u8>,
}

/// The feedback form, or its thank-you state once sent.
#[component]
pub fn FeedbackForm(props: &FeedbackFormProps) -> Html {
    let ctx = use_app_ctx();
    let s = &ctx.strings;
    let (form, sender) = use_feedback(&ctx);
    {
        let form = form.dispatcher();
        use_effect_with(props.score, move |score| {
            if let Some(score) = score {
                form.dispatch(Action::Score(*score));
            }
        });
    }
    let done = matches!(form.status, Status::Sent { .. } | Status::Queued { .. });
    let focus = use_form_focus(form.problems.first().map(|p| p.field), done);
    let said = announcement(
        s,
        &form.status,
        None,
        focus.spoken(!form.problems.is_empty()),
    );
    let announcer = announcer(said);

    if let Status::Sent { reference } | Status::Queued { reference } = &form.status {
        let onagain = make_callback(&form, |()| Action::Reset);
        let queued = matches!(form.status, Status::Queued { .. });
        let t = Thanks {
            reference,
            queued,
            title: None,
            next: None,
            tracked: sender.tracked.as_ref(),
            onagain: &onagain,
            ids: FEEDBACK_IDS,
        };
        return html! { <>{ thanks(&ctx, &focus.thanks, t) }{ announcer }</> };
    }

    let sending = form.status == Status::Sending;
    let dispatch = |f: fn(String) -> Action| make_callback(&form, f);
    let onscore = make_callback(&form, Action::Score);
    let oncategory = make_callback(&form, Action::Category);
    let onremember = make_callback(&form, Action::Remember);
    let form_ref = focus.form_ref.clone();
    let onsubmit = {
        let (form, ctx) = (form.clone(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            focus.submitted(&ctx, &form.validate());
            form.dispatch(Action::Submit);
        })
    };
    let error = |field: &str| field::problem_text(&ctx, &form.problems, field);
    let message_label = match form.sentiment() {
        Some(Sentiment::Low) => s.followup_low,
        Some(Sentiment::Neutral) => s.followup_neutral,
        Some(Sentiment::High) => s.followup_high,
        None => s.message_label,
    };
    let left = MESSAGE_MAX.saturating_sub(form.message.chars().count());
    let counter = (left <= COUNTER_FROM)
        .then(|| AttrValue::from(fill(s.chars_left, &[("n", &ctx.number(left))])));
    let offer = match (&props.onswitch, form.sentiment()) {
        (Some(onswitch), Some(Sentiment::Low)) if ctx.config.kinds.contains(&Kind::Callback) => {
            let onclick = {
                let (onswitch, message) = (onswitch.clone(), form.message.clone());
                Callback::from(move |_: MouseEvent| onswitch.emit(message.clone()))
            };
            html! {
                <div class="allo-offer">
                    <p class="allo-offer__text">{ s.offer_callback }</p>
                    <button type="button" class="allo-button allo-button--quiet" {onclick}>{ s.offer_callback_button }</button>
                </div>
            }
        }
        _ => html! {},
    };
    let failed = match &form.status {
        Status::Failed(f) => Some(failure_text(s, f)),
        _ => None,
    };
    let rules = form.rules;
    html! {
        <>
        <form class="allo-form" ref={form_ref} novalidate=true {onsubmit} aria-busy={sending.then_some("true")}>
            { rating(&ctx, form.score, &onscore, error(fields::SCORE), sending) }
            { offer }
            { text(Text { strings: s, field: fields::MESSAGE, id: "allo-message", label: message_label, shape: Shape::Multiline,
                autocomplete: None, value: &form.message, oninput: dispatch(Action::Message),
                required: rules.message == FieldRule::Required, readonly: sending, error: error(fields::MESSAGE), hint: counter }) }
            if !ctx.config.categories.is_empty() {
                { category(s, &ctx.config.categories, form.category.as_deref(), oncategory) }
            }
            if rules.name != FieldRule::Hidden {
                { text(Text { strings: s, field: fields::NAME, id: "allo-name", label: s.name_label, shape: Shape::Text,
                    autocomplete: Some("name"), value: &form.name, oninput: dispatch(Action::Name),
                    required: rules.name == FieldRule::Required, readonly: sending, error: error(fields::NAME), hint: None }) }
            }
            if rules.email != FieldRule::Hidden {
                { text(Text { strings: s, field: fields::EMAIL, id: "allo-email", label: s.email_label, shape: Shape::Email,
                    autocomplete: Some("email"), value: &form.email, oninput: dispatch(Action::Email),
                    required: rules.email == FieldRule::Required, readonly: sending, error: error(fields::EMAIL), hint: None }) }
            }
            if rules.name != FieldRule::Hidden || rules.email != FieldRule::Hidden {
                { checkbox(Check::plain("allo-remember", s.remember_me, form.remember, onremember)) }
            }
            if let Some(text) = failed {
                <p class="allo-alert" role="alert">{ text }</p>
            }
            { send_button(s, s.send, &form.status) }
        </form>
        { announcer }
        </>
    }
}
