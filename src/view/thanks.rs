//! The thank-you state: what happened (delivered, or saved to go out later), a reference to
//! quote, and what happens next.
use allo_core::i18n::fill;
use yew::prelude::*;

use crate::context::AppContext;
use crate::tracking::Tracked;
use crate::view::status::StatusCard;

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
}

/// The thank-you message. Its heading takes focus so screen readers announce it.
#[component]
pub fn Thanks(props: &ThanksProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let s = &ctx.strings;
    let heading = use_node_ref();
    let show_status = use_state(|| false);
    {
        let heading = heading.clone();
        use_effect_with((), move |_| crate::view::focus(&heading));
    }
    html! {
        <div class="allo-thanks" role="status">
            <h3 class="allo-thanks__title" tabindex="-1" ref={heading}>
                { if props.queued { s.queued_title.to_string() } else { props.title.as_deref().unwrap_or(&s.thanks_title).to_string() } }
            </h3>
            // Queued means the shop does not have it yet: no "reached the team", no promise.
            if props.queued {
                <p>{ &*s.queued_body }</p>
            } else {
                <p>{ props.next.as_deref().unwrap_or(&s.thanks_next).to_string() }</p>
            }
            if !props.reference.is_empty() {
            <p class="allo-thanks__ref">{ fill(&s.thanks_reference, &[("ref", &props.reference)]) }</p>
            }
            if let Some(t) = &props.tracked {
                if *show_status {
                    <ul class="allo-thanks__status"><StatusCard tracked={t.clone()} /></ul>
                } else {
                    <button type="button" class="allo-button allo-button--quiet"
                        onclick={ let show = show_status.clone(); move |_: MouseEvent| show.set(true) }>
                        { &*s.status_show }
                    </button>
                }
            }
            <button type="button" class="allo-button allo-button--quiet" onclick={props.onagain.reform(|_: MouseEvent| ())}>
                { &*s.send_another }
            </button>
        </div>
    }
}
