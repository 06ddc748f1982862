//! The form's one polite live region: what a screen reader hears when something happens that
//! the visitor did not move focus to ("Sending…", "2 problems: …", "Thank you! …").
//!
//! It stays mounted while the form turns into its thank-you state and back, because a live
//! region only speaks when its text *changes*: one inserted together with its text is often
//! silent.
use yew::prelude::*;

/// Props of [`Announcer`].
#[derive(Properties, PartialEq)]
pub struct AnnouncerProps {
    /// What to say; empty says nothing.
    pub text: AttrValue,
}

/// The live region (visually hidden: everything it says is also on screen).
#[component]
pub fn Announcer(props: &AnnouncerProps) -> Html {
    html! {
        <p class="allo-visually-hidden" role="status" aria-live="polite" aria-atomic="true">{ props.text.clone() }</p>
    }
}
