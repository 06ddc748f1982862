//! The thank-you state: what happened (delivered, or saved to go out later), a reference to
//! quote, and what happens next.
use std::rc::Rc;

use allo_core::i18n::fill;
use yew::prelude::*;

use crate::context::use_app_ctx;
use crate::hooks::use_visitor::use_request_statuses;
use crate::view::requests::status_card;
use crate::visitor::Tracked;

/// Props of [`Thanks`].
#[derive(Properties, PartialEq)]
pub struct ThanksProps {
    /// The short reference of the accepted submission.
    pub reference: AttrValue,
    /// True when the submission waits in the outbox rather than having been delivered.
    #[prop_or_default]
    pub queued: bool,
    /// Replaces the heading of a delivered submission.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// Replaces the "what happens next" line (the callback form puts its promise here).
    #[prop_or_default]
    pub next: Option<AttrValue>,
    /// The request, when the endpoint lets the visitor follow its status.
    #[prop_or_default]
    pub tracked: Option<Tracked>,
    /// Starts a new message.
    pub onagain: Callback<()>,
    /// The ids inside, unique per form (both forms stay mounted): what happens next, the
    /// reference, and both (the heading's description), written out rather than formatted.
    #[prop_or(&["allo-thanks-next", "allo-thanks-ref", "allo-thanks-next allo-thanks-ref"])]
    pub ids: &'static [&'static str; 3],
}

/// The thank-you message. Its heading takes focus (the send button that had it is gone) and is
/// described by the rest, so a screen reader reads the whole message; the form's live region
/// announces the title too, for screen readers that stay quiet on a focus move.
#[component]
pub fn Thanks(props: &ThanksProps) -> Html {
    let ctx = use_app_ctx();
    let s = &ctx.strings;
    let heading = use_node_ref();
    // The request whose status the visitor asked to see; none until they ask. The request
    // rather than a flag: `use_send` already keeps a state of this type, and each state type
    // is its own copy of Yew's hook code.
    let status_shown = use_state(|| None::<Tracked>);
    // Its status, fetched once shown (the panel's list uses the same hook).
    let statuses = use_request_statuses(Rc::new(status_shown.iter().cloned().collect()));
    let status_list = use_node_ref();
    {
        // On mount the heading takes focus. The "show the status" button goes away when
        // pressed: focus moves to what replaced it, rather than falling out of the dialog. One
        // effect for both (it first runs with the status hidden, and once shown the status
        // stays until the next mount): each effect is its own copy of Yew's effect code.
        let (heading, status_list) = (heading.clone(), status_list.clone());
        use_effect_with(status_shown.is_some(), move |shown| {
            crate::view::focus(if *shown { &status_list } else { &heading })
        });
    }
    // Read out with the heading when it takes focus: what happens next, and the reference.
    let [next_id, ref_id, both] = *props.ids;
    let described = if props.reference.is_empty() {
        next_id
    } else {
        both
    };
    // Queued means the shop does not have it yet: no "reached the team", no promise.
    let next = if props.queued {
        AttrValue::Static(s.queued_body)
    } else {
        props
            .next
            .clone()
            .unwrap_or(AttrValue::Static(s.thanks_next))
    };
    html! {
        <div class="allo-thanks">
            <h3 class="allo-thanks__title" tabindex="-1" ref={heading} aria-describedby={described}>
                { if props.queued { AttrValue::Static(s.queued_title) } else { props.title.clone().unwrap_or(AttrValue::Static(s.thanks_title)) } }
            </h3>
            <p id={next_id}>{ next }</p>
            if !props.reference.is_empty() {
                <p id={ref_id} class="allo-thanks__ref">{ fill(s.thanks_reference, &[("ref", &props.reference)]) }</p>
            }
            if let Some(t) = &props.tracked {
                if let Some(shown) = &*status_shown {
                    <ul class="allo-thanks__status" tabindex="-1" ref={status_list} aria-label={AttrValue::Static(s.status_title)}>
                        { status_card(&ctx, shown, statuses.borrow().first().unwrap_or(&None)) }
                    </ul>
                } else {
                    <button type="button" class="allo-button allo-button--quiet"
                        onclick={ let (shown, t) = (status_shown.clone(), t.clone()); move |_: MouseEvent| shown.set(Some(t.clone())) }>
                        { s.status_show }
                    </button>
                }
            }
            <button type="button" class="allo-button allo-button--quiet" onclick={crate::view::on_click(&props.onagain)}>
                { s.send_another }
            </button>
        </div>
    }
}
