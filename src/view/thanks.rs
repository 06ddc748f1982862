//! The thank-you state: what happened (delivered, or saved to go out later), a reference to
//! quote, and what happens next.
//!
//! A plain function, not a component (each component type is its own copy of Yew's lifecycle
//! code, `view::field`): what it keeps, its heading's and status list's refs and the request
//! whose status the visitor asked to see, is the form's [`ThanksState`], kept by
//! `use_form_focus`, which already follows the form into and out of this state.
use allo_core::i18n::fill;
use yew::prelude::*;

use crate::context::Ctx;
use crate::hooks::use_form_focus::ThanksState;
use crate::hooks::use_visitor::status_at;
use crate::view::requests::status_card;
use crate::visitor::Tracked;

/// The ids of the feedback form's thank-you state (see [`Thanks::ids`]).
pub const FEEDBACK_IDS: &[&str; 3] = &[
    "allo-thanks-next",
    "allo-thanks-ref",
    "allo-thanks-next allo-thanks-ref",
];

/// The ids of the callback form's thank-you state.
pub const CALLBACK_IDS: &[&str; 3] = &[
    "allo-cb-thanks-next",
    "allo-cb-thanks-ref",
    "allo-cb-thanks-next allo-cb-thanks-ref",
];

/// What a form's thank-you state shows.
pub struct Thanks<'a> {
    /// The short reference of the accepted submission.
    pub reference: &'a str,
    /// True when the submission waits in the outbox rather than having been delivered.
    pub queued: bool,
    /// Replaces the heading of a delivered submission.
    pub title: Option<&'static str>,
    /// Replaces the "what happens next" line (the callback form puts its promise here).
    pub next: Option<&'a str>,
    /// The request, when the endpoint lets the visitor follow its status.
    pub tracked: Option<&'a Tracked>,
    /// Starts a new message.
    pub onagain: &'a Callback<()>,
    /// The ids inside, unique per form (both forms stay mounted): what happens next, the
    /// reference, and both (the heading's description), written out rather than formatted.
    pub ids: &'static [&'static str; 3],
}

/// The thank-you message. Its heading takes focus (the send button that had it is gone) and is
/// described by the rest, so a screen reader reads the whole message; the form's live region
/// announces the title too, for screen readers that stay quiet on a focus move. The focus
/// moves are `use_form_focus`'s.
pub fn thanks(ctx: &Ctx, state: &ThanksState, t: Thanks) -> Html {
    let s = &ctx.strings;
    // Read out with the heading when it takes focus: what happens next, and the reference.
    let [next_id, ref_id, both] = *t.ids;
    let described = if t.reference.is_empty() {
        next_id
    } else {
        both
    };
    // Queued means the shop does not have it yet: no "reached the team", no promise.
    let (title, next) = if t.queued {
        (s.queued_title, s.queued_body)
    } else {
        (
            t.title.unwrap_or(s.thanks_title),
            t.next.unwrap_or(s.thanks_next),
        )
    };
    html! {
        <div class="allo-thanks">
            <h3 class="allo-thanks__title" tabindex="-1" ref={state.heading.clone()} aria-describedby={described}>
                { title }
            </h3>
            <p id={next_id}>{ next }</p>
            if !t.reference.is_empty() {
                <p id={ref_id} class="allo-thanks__ref">{ fill(s.thanks_reference, &[("ref", t.reference)]) }</p>
            }
            if let Some(tracked) = t.tracked {
                if let Some(shown) = &*state.shown {
                    <ul class="allo-thanks__status" tabindex="-1" ref={state.status_list.clone()} aria-label={AttrValue::Static(s.status_title)}>
                        { status_card(ctx, shown, &status_at(&state.statuses, 0)) }
                    </ul>
                } else {
                    <button type="button" class="allo-button allo-button--quiet"
                        onclick={ let (shown, t) = (state.shown.clone(), tracked.clone()); move |_: MouseEvent| shown.set(Some(t.clone())) }>
                        { s.status_show }
                    </button>
                }
            }
            <button type="button" class="allo-button allo-button--quiet" onclick={crate::view::on_click(t.onagain)}>
                { s.send_another }
            </button>
        </div>
    }
}
