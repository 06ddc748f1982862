//! `use_prompt`: when the prompt card shows, and what the visitor's answer leaves behind.
//!
//! The rules are `allo_core::prompt`'s; this hook only reads the page's facts (path, page
//! views of the session from the Navigation API, whether the device hovers), arms the timer
//! and the exit-intent listener the owner's settings ask for, takes `Allo.ask`, listens for
//! Esc while the card shows, and notes every `allo:submit`. Storage (`allo:prompt`, one
//! timestamp and its reason) is written only when the visitor answers, dismisses or sends:
//! a prompt that was shown and ignored is capped in this page's memory only.
use std::rc::Rc;

use allo_core::owner_context::Changes;
use allo_core::prompt::{self, Ask, Blocked, History, Session, Visit, Why};
use allo_core::submission::Kind;
use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::context::AppContext;
use crate::{browser, storage};

/// Storage key of the [`History`].
const KEY: &str = "prompt";

/// The prompt on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The form it leads to.
    pub kind: Kind,
    /// The question; `None`: the form's own.
    pub question: Option<String>,
    /// Context `Allo.ask` gave, added when the visitor answers.
    pub context: Changes,
}

/// What the visitor did with the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Chose a score (feedback) or the button (callback: `None`).
    Answered(Option<u8>),
    /// Closed it (button or Esc).
    Dismissed,
}

/// An event listener, removed when dropped (so effects clean up by dropping it).
struct Listener {
    target: web_sys::EventTarget,
    kind: &'static str,
    f: Closure<dyn Fn(web_sys::Event)>,
}

impl Listener {
    fn new(
        target: impl Into<web_sys::EventTarget>,
        kind: &'static str,
        f: impl Fn(web_sys::Event) + 'static,
    ) -> Listener {
        let (target, f) = (target.into(), Closure::<dyn Fn(web_sys::Event)>::new(f));
        let _ = target.add_event_listener_with_callback(kind, f.as_ref().unchecked_ref());
        Listener { target, kind, f }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.f.as_ref().unchecked_ref());
    }
}

/// The page's facts, read once when the widget starts.
fn visit() -> Visit {
    let window = web_sys::window();
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    // `navigation.currentEntry.index` (Chromium; elsewhere the referrer decides).
    let nav_index = window
        .as_ref()
        .and_then(|w| get(w, "navigation"))
        .and_then(|n| get(&n, "currentEntry"))
        .and_then(|e| get(&e, "index"))
        .and_then(|i| i.as_f64())
        .filter(|i| *i >= 0.0)
        .map(|i| i as u32);
    let location = window.as_ref().map(|w| w.location());
    let origin = location.as_ref().and_then(|l| l.origin().ok());
    let same_site = browser::document()
        .map(|d| d.referrer())
        .zip(origin)
        .is_some_and(|(r, o)| r.starts_with(&format!("{o}/")) || r == o);
    let hovers = window
        .as_ref()
        .and_then(|w| {
            w.match_media("(hover: hover) and (pointer: fine)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches());
    Visit {
        path: location.and_then(|l| l.pathname().ok()).unwrap_or_default(),
        views: prompt::page_views(nav_index, same_site),
        touch: !hovers,
    }
}

/// What the hook keeps about this page between renders.
struct Page {
    /// The prompts of this page so far (`allo_core::prompt`'s caps read it).
    session: Session,
    /// The panel is open: no prompt then.
    panel_open: bool,
}

/// Starts the quiet period (the visitor interacted: storage may be written now).
fn remember(why: Why) {
    let h = History {
        last: Some((browser::now_ms(), why)),
    };
    if storage::try_save(KEY, &h).is_err() {
        crate::messages::warn(allo_core::msg::Msg::new(
            allo_core::msg::Code::NoStoragePrompt,
            vec![],
        ));
    }
}

/// When the prompt shows, and the callback for the visitor's reply. `ctx` is the app's (the
/// hook runs in the root component, which provides the context rather than reads it); `ask`
/// is the last `Allo.ask` with a counter that changes on every call; `panel_open` keeps
/// prompts away while the panel is open. The prompt on screen is the app's state (one reducer
/// rather than a state of its own here: each state type is its own copy of Yew's hook code):
/// `showing` says whether there is one, and the hook puts one up or takes it down through
/// `set_shown`.
#[hook]
pub fn use_prompt(
    ctx: &AppContext,
    ask: Option<(Ask, u32)>,
    panel_open: bool,
    showing: bool,
    set_shown: Callback<Option<Shown>>,
) -> Callback<Reply> {
    // This page's prompts so far, and whether the panel is open: one cell rather than two
    // (each cell type is its own copy of Yew's hook code).
    let page = use_mut_ref(|| Page {
        session: Session::default(),
        panel_open,
    });
    page.borrow_mut().panel_open = panel_open;
    // Shows `s` unless the panel is open or (without `force`) a cap holds.
    let show: Rc<dyn Fn(Shown, bool) -> Result<(), Option<Blocked>>> = {
        let (set_shown, page) = (set_shown.clone(), page.clone());
        let cap_days = ctx.config.prompt.cap_days;
        Rc::new(move |s, force| {
            let mut page = page.borrow_mut();
            if page.panel_open {
                return Err(None);
            }
            if !force {
                let history = storage::load::<History>(KEY).unwrap_or_default();
                prompt::caps(cap_days, &history, &page.session, browser::now_ms()).map_err(Some)?;
            }
            page.session.prompted = true;
            drop(page);
            set_shown.emit(Some(s));
            Ok(())
        })
    };

    // The owner's triggers, armed once; every send starts the quiet period.
    {
        let (show, page) = (show.clone(), page.clone());
        let settings = ctx.config.prompt.clone();
        use_effect_with((), move |_| {
            let here = visit();
            page.borrow_mut().session.views = here.views;
            let plan = prompt::plan(&settings, &here);
            // The timer and the exit intent share one trigger, which fires at most once.
            let fired = std::cell::Cell::new(false);
            let once = Rc::new(move || {
                if !fired.replace(true) {
                    let _ = show(
                        Shown {
                            kind: Kind::Feedback,
                            question: settings.question.clone(),
                            context: Changes::default(),
                        },
                        false,
                    );
                }
            });
            let timer = plan.and_then(|p| p.delay_ms).map(|ms| {
                let once = once.clone();
                Timeout::new(ms, move || once())
            });
            let exit = plan.filter(|p| p.on_exit).and_then(|_| {
                let doc = browser::document()?;
                Some(Listener::new(doc, "mouseout", move |e| {
                    if let Some(m) = e.dyn_ref::<web_sys::MouseEvent>() {
                        if prompt::is_exit(f64::from(m.client_y()), m.related_target().is_none()) {
                            once();
                        }
                    }
                }))
            });
            let sent =
                web_sys::window().map(|w| Listener::new(w, "allo:submit", |_| remember(Why::Sent)));
            move || drop((timer, exit, sent))
        });
    }

    // `Allo.ask`.
    {
        let question = ctx.config.prompt.question.clone();
        use_effect_with(ask.as_ref().map(|(_, n)| *n), move |n| {
            if let (Some(_), Some((a, _))) = (n, ask) {
                let s = Shown {
                    kind: a.kind,
                    question: a.question.or(question),
                    context: a.context,
                };
                match show(s, a.force) {
                    Ok(()) => {}
                    Err(None) => crate::messages::info(allo_core::msg::Msg::new(
                        allo_core::msg::Code::AskPanelOpen,
                        vec![],
                    )),
                    Err(Some(why)) => crate::messages::info(allo_core::msg::Msg::new(
                        allo_core::msg::Code::AskNotShown,
                        vec![allo_core::msg::Said::msg(&why).nested()],
                    )),
                }
            }
        });
    }

    let reply = {
        Callback::from(move |r: Reply| {
            set_shown.emit(None);
            remember(match r {
                Reply::Answered(_) => Why::Answered,
                Reply::Dismissed => Why::Dismissed,
            });
        })
    };

    // Esc anywhere dismisses the card while it shows (it never takes focus, so the key
    // may come from the page), unless the page already handled the key.
    {
        let reply = reply.clone();
        use_effect_with(showing, move |on| {
            let listener = on.then(browser::document).flatten().map(|doc| {
                Listener::new(doc, "keydown", move |e| {
                    let esc = e
                        .dyn_ref::<web_sys::KeyboardEvent>()
                        .is_some_and(|k| k.key() == "Escape");
                    if esc && !e.default_prevented() {
                        reply.emit(Reply::Dismissed);
                    }
                })
            });
            move || drop(listener)
        });
    }
    reply
}
