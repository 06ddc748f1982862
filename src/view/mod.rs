//! The views, one per file. They render props and context and report through callbacks;
//! side effects live in `crate::hooks`. Only the app and the two forms are components (each
//! owns hooks whose state must live and die with it); the rest, the panel, the thank-you state
//! and the status cards included, are plain functions that return `Html`, their state kept by
//! their component's hooks, because each component type costs its own copy of Yew's lifecycle
//! code (`view::field`, docs/performance.md, Size).
//!
//! A class chosen at run time is set as the `className` property (`~className={class}`), not
//! as `class={class}`: Yew's macro turns every non-literal `class` into its `Classes` set (an
//! `IndexSet` with its hasher, split on spaces on every render), which was in the wasm only for
//! the few elements that pick one of two or three fixed class strings (1.9 KB gzip,
//! docs/performance.md, session 7). The DOM is the same: the
//! property is the `class` attribute. Never on an SVG element, whose `className` is not a string.
pub mod announcer;
pub mod app;
pub mod callback_form;
pub mod category;
pub mod checkbox;
pub mod feedback_form;
pub mod field;
pub mod icons;
pub mod launcher;
pub mod panel;
pub mod prompt;
pub mod rating;
pub mod requests;
pub mod send_status;
pub mod thanks;

/// Focuses `node` if it is an element (focus failures are harmless and ignored).
pub(crate) fn focus(node: &yew::NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// A click handler that calls `callback`: the launcher, the panel's close button and "send
/// another message" share this one closure type instead of one each (each is its own code).
pub(crate) fn on_click(callback: &yew::Callback<()>) -> yew::Callback<yew::MouseEvent> {
    callback.reform(|_| ())
}
