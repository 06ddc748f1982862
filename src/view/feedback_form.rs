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
use crate::view::announcer::Announcer;
use crate::view::category::Category;
use crate::view::checkbox::Checkbox;
use crate::view::field::TextField;
use crate::view::rating::Rating;
use crate::view::send_status::{announcement, failure_text, SendButton};
use crate::view::thanks::Thanks;

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
    let (form, sender) = use_feedback();
    {
        let form = form.clone();
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
    let announcer = html! { <Announcer text={said} /> };

    if let Status::Sent { reference } | Status::Queued { reference } = &form.status {
        let onagain = make_callback(&form, |()| Action::Reset);
        let queued = matches!(form.status, Status::Queued { .. });
        return html! { <><Thanks reference={AttrValue::from(reference.clone())} {queued} {onagain} tracked={(*sender.tracked).clone()} />{ announcer }</> };
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
    let error = |field: &str| {
        form.problem(field)
            .map(|p| AttrValue::from(ctx.problem_message(p)))
    };
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
            <Rating value={form.score} onchange={onscore} error={error(fields::SCORE)} readonly={sending} />
            { offer }
            <div data-field={fields::MESSAGE}>
                <TextField id="allo-message" label={AttrValue::Static(message_label)} multiline=true
                    value={AttrValue::from(form.message.clone())} oninput={dispatch(Action::Message)}
                    required={rules.message == FieldRule::Required} readonly={sending}
                    error={error(fields::MESSAGE)} hint={counter} />
            </div>
            if !ctx.config.categories.is_empty() {
                <Category value={form.category.clone()} onchange={oncategory} />
            }
            if rules.name != FieldRule::Hidden {
                <div data-field={fields::NAME}>
                    <TextField id="allo-name" label={AttrValue::Static(s.name_label)} autocomplete="name"
                        value={AttrValue::from(form.name.clone())} oninput={dispatch(Action::Name)}
                        required={rules.name == FieldRule::Required} readonly={sending} error={error(fields::NAME)} />
                </div>
            }
            if rules.email != FieldRule::Hidden {
                <div data-field={fields::EMAIL}>
                    <TextField id="allo-email" label={AttrValue::Static(s.email_label)} kind="email" autocomplete="email"
                        value={AttrValue::from(form.email.clone())} oninput={dispatch(Action::Email)}
                        required={rules.email == FieldRule::Required} readonly={sending} error={error(fields::EMAIL)} />
                </div>
            }
            if rules.name != FieldRule::Hidden || rules.email != FieldRule::Hidden {
                <Checkbox id="allo-remember" label={AttrValue::Static(s.remember_me)} checked={form.remember} onchange={onremember} />
            }
            if let Some(text) = failed {
                <p class="allo-alert" role="alert">{ text }</p>
            }
            <SendButton label={AttrValue::Static(s.send)} status={form.status.clone()} />
        </form>
        { announcer }
        </>
    }
}
