//! The root component: launcher, panel, who has focus when the panel opens and closes, and
//! what the public API (`window.Allo`, see `crate::js_api`) asks for.
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::api::Command;
use allo_core::submission::Kind;
use yew::prelude::*;

use crate::context::{AppContext, Ctx};
use crate::hooks::use_prompt::{use_prompt, Reply, Shown};
use crate::hooks::use_visitor::use_request_statuses;
use crate::state::make_callback;
use crate::view::announcer::announcer;
use crate::view::launcher::launcher;
use crate::view::panel::{self, OpenPanel, PanelRefs, PanelState};
use crate::view::prompt;
use crate::{browser, events, js_api};

/// Props of [`App`].
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Config and strings, provided to every component as context (`context::provide`).
    pub ctx: AppContext,
}

/// What the app shows; changed by the visitor and by the owner's calls.
#[derive(Clone)]
struct AppState {
    /// Replaced (never mutated) by `identify` and `setLocale`, so every component re-renders.
    ctx: AppContext,
    /// The panel's state while it is open; `None` while closed.
    panel: Option<PanelState>,
    /// The form the last `Allo.open(kind)` or answered prompt asked for (the `open` event
    /// names it); `None` when the visitor opened the panel.
    request: Option<Kind>,
    /// The last `Allo.ask`, with a counter (see `use_prompt`).
    ask: Option<(allo_core::prompt::Ask, u32)>,
    /// The prompt on screen (`use_prompt` decides when).
    shown: Option<Shown>,
    /// The score the visitor chose in the prompt, kept when the panel opens.
    score: Option<u8>,
}

enum AppAction {
    /// The launcher was pressed.
    Toggle,
    /// The panel's close button or Esc.
    Close,
    /// A checked call of the public API, with the page's language candidates read when it
    /// came (`identify` and `setLocale` rebuild the context from them; reading them here keeps
    /// the reducer free of DOM reads).
    Api(Command, Rc<[String]>),
    /// `use_prompt` puts a prompt up, or takes it down.
    Prompt(Option<Shown>),
    /// The panel shows this form (a tab, the switch from a low rating), carrying this message
    /// into the callback form when there is one.
    Show(Kind, Option<String>),
    /// The visitor answered the prompt on screen: open its form, with the score and
    /// `Allo.ask`'s context (and the page's language candidates, read when it came, as for
    /// `Api`).
    Answer(Option<u8>, Rc<[String]>),
}

impl AppState {
    /// Whether the panel is open.
    fn open(&self) -> bool {
        self.panel.is_some()
    }

    /// Opens the panel on `kind`'s form, or switches the open panel to it (asking again for a
    /// form switches back to it even if the visitor changed tabs in between); a kind the owner
    /// does not offer opens the first form, or leaves the open panel as it is.
    fn open_on(&mut self, kind: Option<Kind>) {
        let kinds = &self.ctx.config.kinds;
        self.request = kind;
        match (&mut self.panel, kind) {
            (Some(p), Some(k)) if kinds.contains(&k) => p.show(k, None),
            (Some(_), _) => {}
            (None, _) => self.panel = Some(PanelState::opened(kinds, kind)),
        }
    }
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        let mut s = (*self).clone();
        let with_config = |edit: &dyn Fn(&mut allo_core::config::Config), candidates: &[String]| {
            let mut config = s.ctx.config.clone();
            edit(&mut config);
            AppContext::from(Rc::new(Ctx::new(config, candidates)))
        };
        match action {
            AppAction::Toggle if !s.open() => s.open_on(None),
            AppAction::Toggle | AppAction::Close | AppAction::Api(Command::Close, _) => {
                s.panel = None
            }
            AppAction::Api(Command::Open(None), _) if !s.open() => s.open_on(None),
            AppAction::Api(Command::Open(None), _) => {}
            AppAction::Api(Command::Open(Some(kind)), _) => s.open_on(Some(kind)),
            AppAction::Api(Command::Identify(who), candidates) => {
                s.ctx = with_config(&|c| c.prefill = c.prefill.merged(&who), &candidates);
            }
            AppAction::Api(Command::SetLocale(tag), candidates) => {
                s.ctx = with_config(&|c| c.locale = Some(tag.clone()), &candidates);
            }
            // Prompts and context (issue 21).
            AppAction::Api(Command::SetContext(changes), candidates) => {
                match s.ctx.config.context.apply(&changes) {
                    Ok(context) => {
                        s.ctx = with_config(&|c| c.context = context.clone(), &candidates)
                    }
                    Err(e) => crate::messages::error(allo_core::msg::Msg::new(
                        allo_core::msg::Code::SetContextRefused,
                        vec![allo_core::msg::Said::msg(&e).nested()],
                    )),
                }
            }
            AppAction::Api(Command::Ask(ask), _) => {
                s.ask = Some((ask, s.ask.as_ref().map_or(0, |(_, n)| n.wrapping_add(1))));
            }
            AppAction::Prompt(shown) => s.shown = shown,
            AppAction::Show(kind, carried) => {
                if let Some(p) = &mut s.panel {
                    p.show(kind, carried);
                }
            }
            AppAction::Answer(score, candidates) => {
                if let Some(p) = s.shown.take() {
                    if let Ok(context) = s.ctx.config.context.apply(&p.context) {
                        s.ctx = with_config(&|c| c.context = context.clone(), &candidates);
                    }
                    s.score = score;
                    s.open_on(Some(p.kind));
                }
            }
        }
        Rc::new(s)
    }
}

/// What the app keeps between renders besides its state, in one cell (each cell type is its
/// own copy of Yew's hook code).
struct Kept {
    /// The language shown: read by the API's sink, which outlives a render.
    lang: allo_core::i18n::Lang,
    /// How many `setLocale` calls were made (the last one wins).
    locale_calls: u32,
    /// Whether the panel was open at the last run of the app's effect; `None` before its first.
    was_open: Option<bool>,
    /// What the open panel set up, undone when it closes.
    panel: Option<OpenPanel>,
}

/// `Allo.setLocale(tag)`: switches once the language's catalog is in memory (fetched the first
/// time, `crate::catalog`), so the widget never shows half a language; when it cannot be
/// loaded the widget stays as it is. Of several calls in flight, the last one wins.
fn set_locale(dispatcher: &UseReducerDispatcher<AppState>, kept: &Rc<RefCell<Kept>>, tag: String) {
    let (lang, _) = Ctx::language(Some(&tag), &browser::language_candidates());
    let (current, call) = {
        let mut k = kept.borrow_mut();
        k.locale_calls = k.locale_calls.wrapping_add(1);
        (k.lang, k.locale_calls)
    };
    let (dispatcher, kept) = (dispatcher.clone(), kept.clone());
    wasm_bindgen_futures::spawn_local(async move {
        if crate::catalog::ensure(lang, current).await && kept.borrow().locale_calls == call {
            let candidates = browser::language_candidates().into();
            dispatcher.dispatch(AppAction::Api(Command::SetLocale(tag), candidates));
        }
    });
}

/// The whole widget.
#[component]
pub fn App(props: &AppProps) -> Html {
    let state = {
        let ctx = props.ctx.clone();
        use_reducer(move || {
            // Once, during the first render (before the launcher is in the DOM, in the same
            // task): the reducer's initial state is made exactly then.
            js_api::retire_facade();
            AppState {
                ctx,
                panel: None,
                request: None,
                ask: None,
                shown: None,
                score: None,
            }
        })
    };
    let reply = use_prompt(
        &state.ctx,
        state.ask.clone(),
        state.open(),
        state.shown.is_some(),
        make_callback(&state, AppAction::Prompt),
    );
    let launcher_ref = use_node_ref();
    let panel_refs = PanelRefs {
        panel: use_node_ref(),
        tabs: [use_node_ref(), use_node_ref()],
    };
    // The followed requests' statuses, fetched each time the panel opens (closed, the list is
    // empty).
    let statuses = use_request_statuses(
        state
            .panel
            .as_ref()
            .map_or_else(Default::default, |p| p.requests.clone()),
    );
    let kept = use_mut_ref(|| Kept {
        lang: state.ctx.lang,
        locale_calls: 0,
        was_open: None,
        panel: None,
    });
    kept.borrow_mut().lang = state.ctx.lang;
    // One effect, keyed on the panel being open (each effect is its own copy of Yew's effect
    // code): its first run follows the first render, with the panel closed.
    {
        let (dispatcher, launcher_ref) = (state.dispatcher(), launcher_ref.clone());
        let panel_refs = panel_refs.clone();
        let kind = state.request.unwrap_or(state.ctx.config.kinds[0]);
        use_effect_with(state.open(), move |open| {
            let was = kept.borrow_mut().was_open.replace(*open);
            match was {
                // First render done: replace the loader's stand-in launcher, then take the
                // owner's calls (including those queued before the wasm was ready).
                None => {
                    if js_api::take_over() {
                        crate::view::focus(&launcher_ref);
                    }
                    js_api::connect(Callback::from(move |cmd| match cmd {
                        Command::SetLocale(tag) => set_locale(&dispatcher, &kept, tag),
                        cmd => dispatcher
                            .dispatch(AppAction::Api(cmd, browser::language_candidates().into())),
                    }));
                }
                Some(false) if *open => {
                    // Made before the cell is borrowed: it moves focus, which runs the page's
                    // handlers.
                    let panel = OpenPanel::new(&panel_refs);
                    kept.borrow_mut().panel = Some(panel);
                    events::opened(kind);
                }
                // Focus goes back to the launcher when the panel closes, but never on first
                // render: stealing focus from the shop's page on load would be rude. Before
                // that, the panel undoes what it set up (its opener, a button of the shop's
                // own, gets focus first, as when the panel was a component unmounting).
                Some(true) if !*open => {
                    // Out of the cell first: dropping it moves focus too.
                    let panel = kept.borrow_mut().panel.take();
                    drop(panel);
                    crate::view::focus(&launcher_ref);
                    events::closed();
                }
                Some(_) => {}
            }
        });
    }
    let toggle = make_callback(&state, |()| AppAction::Toggle);
    let close = make_callback(&state, |()| AppAction::Close);
    let show = make_callback(&state, |(kind, carried)| AppAction::Show(kind, carried));
    let onreply = {
        let dispatcher = state.dispatcher();
        Callback::from(move |r: Reply| {
            if let Reply::Answered(score) = r {
                let candidates = browser::language_candidates().into();
                dispatcher.dispatch(AppAction::Answer(score, candidates));
            }
            reply.emit(r);
        })
    };
    // Before the children render: the context they read (`use_app_ctx`).
    crate::context::provide(&state.ctx);
    // Said once when a prompt appears (a polite live region, mounted before it speaks).
    let announced = state.shown.as_ref().map_or(String::new(), |p| {
        format!(
            "{} {}",
            state.ctx.strings.prompt_announce,
            prompt::question(&state.ctx, p)
        )
    });
    html! {
        <>
            { launcher(&state.ctx, &launcher_ref, state.open(), &toggle) }
            if let Some(shown) = state.shown.as_ref().filter(|_| !state.open()) {
                { prompt::card(&state.ctx, shown, &onreply) }
            }
            // Only where a prompt can appear (configured, or asked for from code): an empty
            // region at the root would be one more element a hostile page's direction reaches.
            if state.ctx.config.prompt.configured() || state.ask.is_some() {
                { announcer(AttrValue::from(announced)) }
            }
            if let Some(p) = &state.panel {
                { panel::panel(&state.ctx, p, &panel_refs, &statuses, state.score, &close, &show) }
            }
        </>
    }
}
