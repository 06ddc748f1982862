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

/// Props of [`Face`].
#[derive(Properties, PartialEq)]
pub struct FaceProps {
    /// 1 (very unhappy) to 5 (very happy).
    pub level: u8,
}

/// A face whose mouth curves from a frown (1) to a broad smile (5). Drawn, not an emoji: emoji
/// fonts differ across systems and some have none, which would leave empty boxes.
#[component]
pub fn Face(props: &FaceProps) -> Html {
    let curve = 11 + 2 * u32::from(props.level.clamp(1, 5) - 1);
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round">
            <circle cx="12" cy="12" r="9.5" />
            <circle cx="9" cy="9.5" r="0.6" fill="currentColor" />
            <circle cx="15" cy="9.5" r="0.6" fill="currentColor" />
            <path d={format!("M8 15.5 Q12 {curve} 16 15.5")} />
        </svg>
    }
}
