//! The callback form: phone with country, name, reason, urgency, when (ASAP or a slot inside
//! opening hours), consent — and, before sending, the honest promise of when the call comes.
use allo_core::callback::{fields, Action, Notice, WhenChoice};
use allo_core::config::FieldRule;
use allo_core::form::Status;
use allo_core::i18n::fill;
use allo_core::validate::SHORT_MAX;
use yew::prelude::*;

use crate::context::{use_app_ctx, AppContext};
use crate::hooks::use_callback_request::{use_callback_request, CallbackView};
use crate::hooks::use_form_focus::{use_form_focus, FormFocus};
use crate::intl;
use crate::state::make_callback;
use crate::view::announcer::announcer;
use crate::view::checkbox::{checkbox, Check};
use crate::view::field::{self, option, text, Shape, Text};
use crate::view::send_status::{announcement, failure_text, send_button};
use crate::view::thanks::Thanks;

/// Props of [`CallbackForm`].
#[derive(Properties, PartialEq)]
pub struct CallbackFormProps {
    /// Text carried over from the feedback form, used as the reason.
    #[prop_or_default]
    pub reason: Option<String>,
}

/// The callback form, or its confirmation once sent.
#[component]
pub fn CallbackForm(props: &CallbackFormProps) -> Html {
    let ctx = use_app_ctx();
    let s = &ctx.strings;
    let view = use_callback_request(props.reason.clone());
    // Borrowed, not cloned: each handle clone is an allocation and its drop.
    let form = &view.form;
    let done = matches!(form.status, Status::Sent { .. } | Status::Queued { .. });
    let focus = use_form_focus(form.problems.first().map(|p| p.field), done);
    let said = announcement(
        s,
        &form.status,
        Some(s.callback_thanks_title),
        focus.spoken(!form.problems.is_empty()),
    );
    let body = match &form.status {
        Status::Sent { reference } | Status::Queued { reference } => {
            let onagain = make_callback(form, |()| Action::Reset);
            let queued = matches!(form.status, Status::Queued { .. });
            html! {
                <Thanks reference={AttrValue::from(reference.clone())} {queued} {onagain} ids={&["allo-cb-thanks-next", "allo-cb-thanks-ref", "allo-cb-thanks-next allo-cb-thanks-ref"]}
                    title={AttrValue::Static(s.callback_thanks_title)} next={AttrValue::from(view.promise.clone())}
                    tracked={(*view.sender.tracked).clone()} />
            }
        }
        _ => fields(&ctx, &view, focus),
    };
    // One fragment for both states: the live region stays in place when the thank-you
    // message replaces the form, and one copy of the fragment code (−78 B gzip).
    html! { <>{ body }{ announcer(said) }</> }
}

/// The form itself: a plain function of the component's hooks (the component keeps only
/// what must be a hook).
fn fields(ctx: &AppContext, view: &CallbackView, focus: FormFocus) -> Html {
    let s = &ctx.strings;
    let form = &view.form;
    let sending = form.status == Status::Sending;
    let send = |f: fn(String) -> Action| {
        let form = form.dispatcher();
        Callback::from(move |v: String| {
            form.dispatch(Action::Touch(intl::now_ms()));
            form.dispatch(f(v));
        })
    };
    let toggle = |f: fn(bool) -> Action| make_callback(form, f);
    // Plain functions through `make_callback`: the callbacks of one event type share one
    // closure body instead of one closure type each.
    let onconsent = make_callback(form, |on: bool| {
        Action::Consent(on.then(|| intl::iso(intl::now_ms())))
    });
    let oncountry = make_callback(form, |e: Event| Action::Country(field::value_of(&e)));
    let onmode = |slot: bool| {
        make_callback(
            form,
            if slot {
                |_: Event| Action::When(WhenChoice::Slot(None))
            } else {
                |_: Event| Action::When(WhenChoice::Asap)
            },
        )
    };
    let onslot = {
        let (form, setup) = (form.dispatcher(), view.setup.clone());
        Callback::from(move |e: Event| {
            let i: Option<usize> = field::value_of(&e).parse().ok();
            let chosen = i
                .and_then(|i| setup.slots.get(i))
                .map(|s| (s.from_utc_ms, s.to_utc_ms));
            form.dispatch(Action::When(WhenChoice::Slot(chosen)));
        })
    };
    let onhoneypot = make_callback(form, |e: InputEvent| Action::Honeypot(field::value_of(&e)));
    let form_ref = focus.form_ref.clone();
    let onsubmit = {
        let (view, ctx) = (view.clone(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            focus.submitted(&ctx, &view.form.validate());
            view.submit(&ctx);
        })
    };
    let error = |field: &str| field::problem_text(ctx, &form.problems, field);
    let phone_error = error(fields::PHONE);
    let notice = form.notice.map(|n| match n {
        Notice::TooFast => AttrValue::Static(s.err_too_fast),
        Notice::Cooldown { minutes } => AttrValue::from(fill(
            s.err_cooldown,
            &[("minutes", &ctx.number(minutes.max(0) as usize))],
        )),
    });
    let failed = match &form.status {
        Status::Failed(f) => Some(failure_text(s, f)),
        _ => None,
    };
    let slot_mode = matches!(form.when, WhenChoice::Slot(_));
    let chosen = match form.when {
        WhenChoice::Slot(Some((from, _))) => {
            view.setup.slots.iter().position(|s| s.from_utc_ms == from)
        }
        _ => None,
    };
    let cb = &ctx.config.callback;
    let privacy = cb
        .privacy_url
        .clone()
        .map(|u| (s.privacy_link, AttrValue::from(u)));
    let phone_described = phone_error.as_ref().map(|_| "allo-phone-error");
    let reason_len = form.reason.chars().count();
    let reason_hint = (reason_len > SHORT_MAX - 100).then(|| {
        AttrValue::from(fill(
            s.chars_left,
            &[("n", &ctx.number(SHORT_MAX.saturating_sub(reason_len)))],
        ))
    });
    let when_error = error(fields::WHEN);
    html! {
        <form class="allo-form" ref={form_ref} novalidate=true {onsubmit} aria-busy={sending.then_some("true")}>
            <div class="allo-field" data-field={fields::PHONE}>
                <label class="allo-label" for="allo-phone">{ s.phone_label }</label>
                <div class="allo-phone">
                    <label class="allo-visually-hidden" for="allo-country">{ s.country_label }</label>
                    <select id="allo-country" class="allo-input allo-select allo-phone__country" onchange={oncountry} autocomplete="tel-country-code">
                        { for view.setup.countries.iter().map(|c| option(AttrValue::Static(c.iso), form.country == c.iso, c.label.clone())) }
                    </select>
                    <input id="allo-phone" class="allo-input allo-phone__number" type="tel" autocomplete="tel" inputmode="tel"
                        value={form.phone.clone()} readonly={sending} required=true
                        aria-invalid={phone_error.is_some().then_some("true")} aria-describedby={phone_described}
                        oninput={send(Action::Phone).reform(|e: InputEvent| field::value_of(&e))} />
                </div>
                if let Some(err) = phone_error {
                    { field::error(AttrValue::Static("allo-phone-error"), "allo-error", err) }
                }
            </div>
            { text(Text { strings: s, field: fields::NAME, id: "allo-cb-name", label: s.name_label, shape: Shape::Text,
                autocomplete: Some("name"), value: &form.name, oninput: send(Action::Name), required: true,
                readonly: sending, error: error(fields::NAME), hint: None }) }
            if form.email_rule != FieldRule::Hidden {
                { text(Text { strings: s, field: fields::EMAIL, id: "allo-cb-email", label: s.email_label, shape: Shape::Email,
                    autocomplete: Some("email"), value: &form.email, oninput: send(Action::Email),
                    required: form.email_rule == FieldRule::Required, readonly: sending, error: error(fields::EMAIL),
                    hint: Some(AttrValue::Static(s.callback_email_hint)) }) }
            }
            { text(Text { strings: s, field: fields::REASON, id: "allo-reason", label: s.reason_label, shape: Shape::Multiline,
                autocomplete: None, value: &form.reason, oninput: send(Action::Reason), required: false,
                readonly: sending, error: error(fields::REASON), hint: reason_hint }) }
            { checkbox(Check::plain("allo-urgent", s.urgent_label, form.urgent, toggle(Action::Urgent))) }
            <fieldset class="allo-field" data-field={fields::WHEN}>
                <legend class="allo-legend">{ s.when_label }</legend>
                { choice("allo-when-asap", !slot_mode, onmode(false), s.when_asap) }
                if !view.setup.slots.is_empty() {
                    { choice("allo-when-slot", slot_mode, onmode(true), s.when_slot) }
                }
                if slot_mode {
                    <label class="allo-label" for="allo-slot">{ s.slot_label }</label>
                    <select id="allo-slot" class="allo-input allo-select" onchange={onslot}
                        aria-invalid={when_error.is_some().then_some("true")}
                        aria-describedby={when_error.is_some().then_some("allo-slot-error")}>
                        { option(AttrValue::Static(""), chosen.is_none(), AttrValue::Static(s.slot_label)) }
                        { for view.setup.days().iter().map(|(day, items)| html! {
                            <optgroup label={day.clone()}>
                                { for items.iter().map(|(i, label)| option(AttrValue::from(i.to_string()), chosen == Some(*i), label.clone())) }
                            </optgroup>
                        }) }
                    </select>
                    if let Some(err) = when_error {
                        { field::error(AttrValue::Static("allo-slot-error"), "allo-error", err) }
                    }
                }
                <p class="allo-promise" aria-live="polite">{ view.promise.clone() }</p>
            </fieldset>
            <div data-field={fields::CONSENT}>
                { checkbox(Check { id: "allo-consent", label: s.consent_text, checked: form.consent_at.is_some(),
                    onchange: onconsent, link: privacy, error: error(fields::CONSENT), required: true }) }
            </div>
            { checkbox(Check::plain("allo-cb-remember", s.remember_me, form.remember, toggle(Action::Remember))) }
            // A field people never see or reach; bots that fill every input give themselves away.
            <div class="allo-hp" aria-hidden="true">
                <label for="allo-website">{ "Website" }</label>
                <input id="allo-website" name="website" type="text" tabindex="-1" autocomplete="off" value={form.honeypot.clone()} oninput={onhoneypot} />
            </div>
            if let Some(text) = notice.or(failed) {
                <p class="allo-alert" role="alert">{ text }</p>
            }
            { send_button(s, s.callback_send, &form.status) }
        </form>
    }
}

/// One choice of the "when" radio group.
#[inline(never)]
fn choice(id: &'static str, checked: bool, onchange: Callback<Event>, label: &'static str) -> Html {
    html! {
        <div class="allo-choice">
            <input type="radio" {id} name="allo-when" {checked} {onchange} />
            <label for={id}>{ label }</label>
        </div>
    }
}
