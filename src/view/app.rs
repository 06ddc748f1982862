//! The root component: launcher, panel, who has focus when the panel opens and closes, and
//! what the public API (`window.Allo`, see `crate::api`) asks for.
use std::rc::Rc;

use allo_core::api::Command;
use allo_core::submission::Kind;
use yew::prelude::*;

use crate::context::{AppContext, Ctx};
use crate::hooks::use_prompt::{use_prompt, Reply};
use crate::view::announcer::Announcer;
use crate::view::launcher::Launcher;
use crate::view::panel::Panel;
use crate::view::prompt::Prompt;
use crate::{api, browser, events};

/// Props of [`App`].
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Config and strings, provided to every component as context.
    pub ctx: AppContext,
}

/// What the app shows; changed by the visitor and by the owner's calls.
#[derive(Clone)]
struct AppState {
    /// Replaced (never mutated) by `identify` and `setLocale`, so every component re-renders.
    ctx: AppContext,
    open: bool,
    /// The form the last `Allo.open(kind)` asked for, with a counter: asking again for the same
    /// form switches back to it even if the visitor changed tabs in between.
    request: Option<(Kind, u32)>,
    /// The last `Allo.ask`, with a counter (see `use_prompt`).
    ask: Option<(allo_core::prompt::Ask, u32)>,
    /// The score the visitor chose in the prompt, kept when the panel opens.
    score: Option<u8>,
}

enum AppAction {
    /// The launcher was pressed.
    Toggle,
    /// The panel's close button or Esc.
    Close,
    /// A checked call of the public API.
    Api(Command),
    /// The visitor answered the prompt: open its form, with the score and `Allo.ask`'s context.
    Answer(Kind, Option<u8>, allo_core::owner_context::Changes),
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        let mut s = (*self).clone();
        let with_config = |edit: &dyn Fn(&mut allo_core::config::Config)| {
            let mut config = s.ctx.config.clone();
            edit(&mut config);
            AppContext::from(Rc::new(Ctx::new(config, &browser::language_candidates())))
        };
        match action {
            AppAction::Toggle if !s.open => {
                s.open = true;
                s.request = None;
            }
            AppAction::Toggle | AppAction::Close | AppAction::Api(Command::Close) => s.open = false,
            AppAction::Api(Command::Open(None)) if !s.open => {
                s.open = true;
                s.request = None;
            }
            AppAction::Api(Command::Open(None)) => {}
            AppAction::Api(Command::Open(Some(kind))) => {
                s.open = true;
                s.request = Some((kind, s.request.map_or(0, |(_, n)| n.wrapping_add(1))));
            }
            AppAction::Api(Command::Identify(who)) => {
                s.ctx = with_config(&|c| c.prefill = c.prefill.merged(&who));
            }
            AppAction::Api(Command::SetLocale(tag)) => {
                s.ctx = with_config(&|c| c.locale = Some(tag.clone()));
            }
            // Prompts and context (issue 21).
            AppAction::Api(Command::SetContext(changes)) => {
                match s.ctx.config.context.apply(&changes) {
                    Ok(context) => s.ctx = with_config(&|c| c.context = context.clone()),
                    Err(e) => {
                        browser::error(&format!("Allo.setContext(): {e}; the call was ignored."))
                    }
                }
            }
            AppAction::Api(Command::Ask(ask)) => {
                s.ask = Some((ask, s.ask.as_ref().map_or(0, |(_, n)| n.wrapping_add(1))));
            }
            AppAction::Answer(kind, score, changes) => {
                if let Ok(context) = s.ctx.config.context.apply(&changes) {
                    s.ctx = with_config(&|c| c.context = context.clone());
                }
                s.open = true;
                s.score = score;
                s.request = Some((kind, s.request.map_or(0, |(_, n)| n.wrapping_add(1))));
            }
        }
        Rc::new(s)
    }
}

/// The whole widget.
#[component]
pub fn App(props: &AppProps) -> Html {
    let state = {
        let ctx = props.ctx.clone();
        use_reducer(move || AppState {
            ctx,
            open: false,
            request: None,
            ask: None,
            score: None,
        })
    };
    let (prompt, reply) = use_prompt(&state.ctx, state.ask.clone(), state.open);
    let launcher_ref = use_node_ref();
    // Once, during the first render (before the launcher is in the DOM, in the same task).
    use_state(api::retire_facade);
    // First render done: replace the loader's stand-in launcher, then take the owner's calls
    // (including those queued before the wasm was ready).
    {
        let (dispatcher, launcher_ref) = (state.dispatcher(), launcher_ref.clone());
        use_effect_with((), move |_| {
            api::take_over(&launcher_ref);
            api::connect(Callback::from(move |cmd| {
                dispatcher.dispatch(AppAction::Api(cmd))
            }));
        });
    }
    // Focus goes back to the launcher when the panel closes, but never on first render:
    // stealing focus from the shop's page on load would be rude and confusing.
    let was_open = use_mut_ref(|| false);
    {
        let launcher_ref = launcher_ref.clone();
        let kind = state.request.map_or(state.ctx.config.kinds[0], |(k, _)| k);
        use_effect_with(state.open, move |open| {
            let was = *was_open.borrow();
            if *open && !was {
                events::opened(kind);
            } else if !*open && was {
                crate::view::focus(&launcher_ref);
                events::closed();
            }
            *was_open.borrow_mut() = *open;
        });
    }
    let toggle = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(AppAction::Toggle))
    };
    let close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(AppAction::Close))
    };
    let onreply = {
        let (dispatcher, prompt) = (state.dispatcher(), prompt.clone());
        Callback::from(move |r: Reply| {
            if let (Reply::Answered(score), Some(p)) = (r, &prompt) {
                dispatcher.dispatch(AppAction::Answer(p.kind, score, p.context.clone()));
            }
            reply.emit(r);
        })
    };
    // Said once when a prompt appears (a polite live region, mounted before it speaks).
    let announced = prompt.as_ref().map_or(String::new(), |p| {
        format!(
            "{} {}",
            state.ctx.strings.prompt_announce,
            crate::view::prompt::question(&state.ctx, p)
        )
    });
    html! {
        <ContextProvider<AppContext> context={state.ctx.clone()}>
            <Launcher launcher_ref={launcher_ref} expanded={state.open} onclick={toggle} />
            if let Some(shown) = prompt.filter(|_| !state.open) {
                <Prompt {shown} {onreply} />
            }
            <Announcer text={AttrValue::from(announced)} />
            if state.open {
                <Panel onclose={close} request={state.request} score={state.score} />
            }
        </ContextProvider<AppContext>>
    }
}
