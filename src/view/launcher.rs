//! The launcher: the button in the corner that opens and closes the panel, or nothing at all
//! when the owner opens Allo from buttons of their own (`launcher: "hidden"`).
use allo_core::config::{LauncherMode, Position};
use yew::prelude::*;

use crate::context::use_app_ctx;
use crate::view::icons::chat_icon;

/// Props of [`Launcher`].
#[derive(Properties, PartialEq)]
pub struct LauncherProps {
    /// Lets the app return focus here when the panel closes.
    pub launcher_ref: NodeRef,
    /// Whether the panel is open (`aria-expanded`).
    pub expanded: bool,
    /// Called on click.
    pub onclick: Callback<()>,
}

/// The launcher button. Its visible text is its accessible name, in the widget's language
/// (`lang`), and it is laid out left to right whatever the page's direction (`dir`).
#[component]
pub fn Launcher(props: &LauncherProps) -> Html {
    let ctx = use_app_ctx();
    if ctx.config.launcher == LauncherMode::Hidden {
        return html! {};
    }
    // Written out rather than formatted: one static string per position.
    let class = match ctx.config.position {
        Position::BottomRight => "allo-launcher allo-launcher--bottom-right",
        Position::BottomLeft => "allo-launcher allo-launcher--bottom-left",
    };
    let onclick = props.onclick.reform(|_: MouseEvent| ());
    html! {
        <button type="button" ref={props.launcher_ref.clone()} {class} {onclick}
            lang={ctx.locale.clone()} dir={ctx.lang.dir()}
            aria-haspopup="dialog" aria-expanded={if props.expanded { "true" } else { "false" }}
            aria-controls={props.expanded.then_some("allo-panel")}>
            { chat_icon() }
            <span>{ ctx.strings.launcher_label }</span>
        </button>
    }
}
