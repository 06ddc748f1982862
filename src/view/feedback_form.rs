//! The feedback form: rating, follow-up message, category, and who the visitor is. Validated
//! in `allo_core`, sent by `use_feedback`.
use allo_core::config::FieldRule;
use allo_core::form::{fields, Action, Sentiment, Status};
use allo_core::i18n::{fill, problems_summary};
use allo_core::submission::Kind;
use allo_core::validate::MESSAGE_MAX;
use yew::prelude::*;

use crate::context::AppContext;
use crate::hooks::use_feedback::use_feedback;
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

/// Submits so far and what the live region said about the last one: the form's own record,
/// so a repeated submit with the same problems is announced and focused again.
#[derive(Clone, Default, PartialEq)]
pub struct Attempts {
    /// How many times the visitor pressed send.
    pub count: u32,
    /// "2 problems: …" for the last submit (empty when it found none).
    pub summary: String,
}

impl Attempts {
    /// The next attempt, finding `messages` (the localized problems, in field order).
    pub fn next(&self, s: &allo_core::i18n::Strings, messages: &[String]) -> Attempts {
        Attempts {
            count: self.count + 1,
            summary: problems_summary(s, messages),
        }
    }

    /// The summary to put in the live region while problems remain. Every other attempt ends
    /// in a no-break space: the same words twice are a change, so they are spoken again.
    pub fn spoken(&self, problems_left: bool) -> String {
        match (problems_left && !self.summary.is_empty(), self.count % 2) {
            (false, _) => String::new(),
            (true, 0) => format!("{}\u{a0}", self.summary),
            (true, _) => self.summary.clone(),
        }
    }
}

fn focus_in(form_ref: &NodeRef, selectors: &[String]) -> bool {
    let Some(form) = form_ref.cast::<web_sys::Element>() else {
        return false;
    };
    selectors
        .iter()
        .filter_map(|sel| form.query_selector(sel).ok().flatten())
        .filter_map(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        .next()
        .is_some_and(|el| el.focus().is_ok())
}

/// After each submit that found problems, moves focus to the first field with one. Keyed on
/// the attempt, not on the field: fixing a field must never pull focus away mid-typing.
#[hook]
pub fn use_focus_first_problem(form_ref: NodeRef, first: Option<&'static str>, attempt: u32) {
    use_effect_with(attempt, move |_| {
        let selectors = match first {
            Some(fields::SCORE) => vec!["input[name='allo-score']:checked".to_owned(), "input[name='allo-score']".to_owned()],
            // The control marked invalid first (the phone number, not the country beside it).
            Some(field) => vec![
                format!("[data-field='{field}'] [aria-invalid='true']"),
                format!("[data-field='{field}'] input, [data-field='{field}'] textarea, [data-field='{field}'] select"),
            ],
            None => return,
        };
        focus_in(&form_ref, &selectors);
    });
}

/// When the thank-you state gives way to a fresh form ("Send another message"), focus goes to
/// the form's first control: the button that had it is gone, and focus left on nothing would
/// escape the dialog at the next Tab.
#[hook]
pub fn use_focus_after_thanks(form_ref: NodeRef, thanks: bool) {
    let was = use_mut_ref(|| thanks);
    use_effect_with(thanks, move |thanks| {
        if *was.borrow() && !*thanks {
            focus_in(
                &form_ref,
                &[
                    "input:not([type='hidden']):not([tabindex='-1']), textarea, select, button"
                        .to_owned(),
                ],
            );
        }
        *was.borrow_mut() = *thanks;
    });
}

/// The feedback form, or its thank-you state once sent.
#[component]
pub fn FeedbackForm(props: &FeedbackFormProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let s = &ctx.strings;
    let (form, tracked) = use_feedback();
    {
        let form = form.clone();
        use_effect_with(props.score, move |score| {
            if let Some(score) = score {
                form.dispatch(Action::Score(*score));
            }
        });
    }
    let form_ref = use_node_ref();
    let attempts = use_state(Attempts::default);
    use_focus_first_problem(
        form_ref.clone(),
        form.problems.first().map(|p| p.field),
        attempts.count,
    );
    let done = matches!(form.status, Status::Sent { .. } | Status::Queued { .. });
    use_focus_after_thanks(form_ref.clone(), done);
    let said = announcement(
        s,
        &form.status,
        None,
        &attempts.spoken(!form.problems.is_empty()),
    );
    let announcer = html! { <Announcer text={AttrValue::from(said)} /> };

    if let Status::Sent { reference } | Status::Queued { reference } = &form.status {
        let onagain = {
            let form = form.clone();
            Callback::from(move |()| form.dispatch(Action::Reset))
        };
        let queued = matches!(form.status, Status::Queued { .. });
        return html! { <><Thanks reference={AttrValue::from(reference.clone())} {queued} {onagain} tracked={(*tracked).clone()} />{ announcer }</> };
    }

    let sending = form.status == Status::Sending;
    let dispatch = |f: fn(String) -> Action| {
        let form = form.clone();
        Callback::from(move |v: String| form.dispatch(f(v)))
    };
    let onscore = {
        let form = form.clone();
        Callback::from(move |score| form.dispatch(Action::Score(score)))
    };
    let oncategory = {
        let form = form.clone();
        Callback::from(move |c| form.dispatch(Action::Category(c)))
    };
    let onremember = {
        let form = form.clone();
        Callback::from(move |r| form.dispatch(Action::Remember(r)))
    };
    let onsubmit = {
        let (form, attempts, ctx) = (form.clone(), attempts.clone(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // The reducer validates the same state, so these are the problems it will show.
            let messages: Vec<String> = form
                .validate()
                .iter()
                .map(|p| ctx.problem_message(p))
                .collect();
            attempts.set(attempts.next(&ctx.strings, &messages));
            form.dispatch(Action::Submit);
        })
    };
    let error = |field: &str| {
        form.problem(field)
            .map(|p| AttrValue::from(ctx.problem_message(p)))
    };
    let message_label = match form.sentiment() {
        Some(Sentiment::Low) => &s.followup_low,
        Some(Sentiment::Neutral) => &s.followup_neutral,
        Some(Sentiment::High) => &s.followup_high,
        None => &s.message_label,
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
                <TextField id="allo-message" label={AttrValue::from(message_label.to_string())} multiline=true
                    value={AttrValue::from(form.message.clone())} oninput={dispatch(Action::Message)}
                    required={rules.message == FieldRule::Required} readonly={sending}
                    error={error(fields::MESSAGE)} hint={counter} />
            </div>
            if !ctx.config.categories.is_empty() {
                <Category value={form.category.clone()} onchange={oncategory} />
            }
            if rules.name != FieldRule::Hidden {
                <div data-field={fields::NAME}>
                    <TextField id="allo-name" label={AttrValue::from(s.name_label.to_string())} autocomplete="name"
                        value={AttrValue::from(form.name.clone())} oninput={dispatch(Action::Name)}
                        required={rules.name == FieldRule::Required} readonly={sending} error={error(fields::NAME)} />
                </div>
            }
            if rules.email != FieldRule::Hidden {
                <div data-field={fields::EMAIL}>
                    <TextField id="allo-email" label={AttrValue::from(s.email_label.to_string())} kind="email" autocomplete="email"
                        value={AttrValue::from(form.email.clone())} oninput={dispatch(Action::Email)}
                        required={rules.email == FieldRule::Required} readonly={sending} error={error(fields::EMAIL)} />
                </div>
            }
            if rules.name != FieldRule::Hidden || rules.email != FieldRule::Hidden {
                <Checkbox id="allo-remember" label={AttrValue::from(s.remember_me.to_string())} checked={form.remember} onchange={onremember} />
            }
            if let Some(text) = failed {
                <p class="allo-alert" role="alert">{ text }</p>
            }
            <SendButton label={AttrValue::from(s.send.to_string())} status={form.status.clone()} />
        </form>
        { announcer }
        </>
    }
}
