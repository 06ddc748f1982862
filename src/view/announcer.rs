//! The form's one polite live region: what a screen reader hears when something happens that
//! the visitor did not move focus to ("Sending…", "2 problems: …", "Thank you! …").
//!
//! It stays mounted while the form turns into its thank-you state and back, because a live
//! region only speaks when its text *changes*: one inserted together with its text is often
//! silent.
use yew::prelude::*;

/// The live region (visually hidden: everything it says is also on screen). A plain function,
/// for the reason given in `view::field`: as an element at the same place in its parent, it is
/// kept (not replaced) across renders just as the component was.
pub fn announcer(text: AttrValue) -> Html {
    html! {
        <p class="allo-visually-hidden" role="status" aria-live="polite" aria-atomic="true">{ text }</p>
    }
}
