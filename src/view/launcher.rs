//! The launcher: the button in the corner that opens and closes the panel.
use yew::prelude::*;

use crate::context::AppContext;
use crate::view::icons::ChatIcon;

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

/// The launcher button.
#[component]
pub fn Launcher(props: &LauncherProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let class = classes!(
        "allo-launcher",
        format!("allo-launcher--{}", ctx.config.position.as_str())
    );
    let onclick = props.onclick.reform(|_: MouseEvent| ());
    html! {
        <button type="button" ref={props.launcher_ref.clone()} {class} {onclick}
            aria-haspopup="dialog" aria-expanded={props.expanded.to_string()} aria-controls="allo-panel">
            <ChatIcon />
            <span>{ &*ctx.strings.launcher_label }</span>
        </button>
    }
}
