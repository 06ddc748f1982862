//! The root component: launcher, panel, and who has focus when the panel opens and closes.
use yew::prelude::*;

use crate::context::AppContext;
use crate::view::launcher::Launcher;
use crate::view::panel::Panel;

/// Props of [`App`].
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Config and strings, provided to every component as context.
    pub ctx: AppContext,
}

/// The whole widget.
#[component]
pub fn App(props: &AppProps) -> Html {
    let open = use_state(|| false);
    let launcher_ref = use_node_ref();
    // Focus goes back to the launcher when the panel closes, but never on first render:
    // stealing focus from the shop's page on load would be rude and confusing.
    let was_open = use_mut_ref(|| false);
    {
        let launcher_ref = launcher_ref.clone();
        use_effect_with(*open, move |open| {
            if !*open && *was_open.borrow() {
                crate::view::focus(&launcher_ref);
            }
            *was_open.borrow_mut() = *open;
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |()| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    html! {
        <ContextProvider<AppContext> context={props.ctx.clone()}>
            <Launcher launcher_ref={launcher_ref} expanded={*open} onclick={toggle} />
            if *open {
                <Panel onclose={close} />
            }
        </ContextProvider<AppContext>>
    }
}
