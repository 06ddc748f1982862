//! Inline SVG icons (decorative: always `aria-hidden`, the buttons carry the names).
use yew::prelude::*;

/// A speech bubble, for the launcher.
#[component]
pub fn ChatIcon() -> Html {
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z" />
        </svg>
    }
}

/// A cross, for closing.
#[component]
pub fn CloseIcon() -> Html {
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round">
            <path d="M6 6l12 12M18 6L6 18" />
        </svg>
    }
}
