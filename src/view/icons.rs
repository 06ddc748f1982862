//! Inline SVG icons (decorative: always `aria-hidden`, the buttons carry the names). Plain
//! functions, not components: an icon has no state, and each component type costs its own copy
//! of Yew's lifecycle code (`view::field`).
use yew::prelude::*;

/// A speech bubble, for the launcher.
pub fn chat_icon() -> Html {
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z" />
        </svg>
    }
}

/// A cross, for closing.
pub fn close_icon() -> Html {
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round">
            <path d="M6 6l12 12M18 6L6 18" />
        </svg>
    }
}

/// The mouth of each face, from a frown (1) to a broad smile (5): written out, not formatted.
const MOUTHS: [&str; 5] = [
    "M8 15.5 Q12 11 16 15.5",
    "M8 15.5 Q12 13 16 15.5",
    "M8 15.5 Q12 15 16 15.5",
    "M8 15.5 Q12 17 16 15.5",
    "M8 15.5 Q12 19 16 15.5",
];

/// A face for `level` 1 (very unhappy) to 5 (very happy). Drawn, not an emoji: emoji fonts
/// differ across systems and some have none, which would leave empty boxes.
pub fn face(level: u8) -> Html {
    let mouth = MOUTHS[usize::from(level.clamp(1, 5) - 1)];
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round">
            <circle cx="12" cy="12" r="9.5" />
            <circle cx="9" cy="9.5" r="0.6" fill="currentColor" />
            <circle cx="15" cy="9.5" r="0.6" fill="currentColor" />
            <path d={mouth} />
        </svg>
    }
}
