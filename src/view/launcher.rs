//! The launcher: the button in the corner that opens and closes the panel, or nothing at all
//! when the owner opens Allo from buttons of their own (`launcher: "hidden"`).
use allo_core::config::{LauncherMode, Position};
use yew::prelude::*;

use crate::context::Ctx;
use crate::view::icons::chat_icon;

/// The launcher button: `launcher_ref` lets the app return focus here when the panel closes,
/// `expanded` says whether the panel is open (`aria-expanded`), `onclick` is called on click.
/// Its visible text is its accessible name, in the widget's language (`lang`), and it is laid
/// out left to right whatever the page's direction (`dir`). A plain function, for the reason
/// given in `view::field`.
pub fn launcher(ctx: &Ctx, launcher_ref: &NodeRef, expanded: bool, onclick: &Callback<()>) -> Html {
    if ctx.config.launcher == LauncherMode::Hidden {
        return html! {};
    }
    // Written out rather than formatted: one static string per position, set as the property
    // (`view`, on `className`).
    let class = match ctx.config.position {
        Position::BottomRight => "allo-launcher allo-launcher--bottom-right",
        Position::BottomLeft => "allo-launcher allo-launcher--bottom-left",
    };
    let onclick = crate::view::on_click(onclick);
    html! {
        <button type="button" ref={launcher_ref.clone()} ~className={class} {onclick}
            lang={ctx.locale.clone()} dir={ctx.lang.dir()}
            aria-haspopup="dialog" aria-expanded={if expanded { "true" } else { "false" }}
            aria-controls={expanded.then_some("allo-panel")}>
            { chat_icon() }
            <span>{ ctx.strings.launcher_label }</span>
        </button>
    }
}
