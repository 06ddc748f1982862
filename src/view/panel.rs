//! The panel: a modal dialog with a title, a close button, and the form.
//!
//! A plain function of the app (`view::app`), not a component: a component type is its own
//! copy of Yew's lifecycle code (docs/performance.md, Size, session 8). What it keeps while
//! open is [`PanelState`], part of the app's state, built when it opens and dropped when it
//! closes; what it does on opening and undoes on closing is [`OpenPanel`], run by the app's
//! open effect.
//!
//! Focus moves into it on open, Tab and Shift+Tab cycle inside it, Esc closes it (the app
//! then returns focus to the launcher; opened from a button of the shop's own, focus goes back
//! to that button). With both kinds enabled it shows two tabs. A form is mounted the first
//! time its tab is shown and then stays mounted (hidden, it keeps what the visitor typed): the
//! panel's first render, the visitor's wait after the click, only pays for the form in view;
//! the callback form's country list, time zones and slots wait until its tab is chosen.
//! It carries the widget's `lang` and `dir`, so a screen reader pronounces it in the right
//! language and an RTL page does not mirror it.
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use allo_core::config::Position;
use allo_core::i18n::fill;
use allo_core::submission::Kind;

use crate::context::AppContext;
use crate::hooks::use_keyboard_inset::follow_visual_viewport;
use crate::hooks::use_visitor::Statuses;
use crate::view::callback_form::CallbackForm;
use crate::view::feedback_form::FeedbackForm;
use crate::view::icons::close_icon;
use crate::view::requests::your_requests;
use crate::visitor::{self, Tracked};

/// What counts as focusable for the focus trap.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type='hidden']), textarea:not([disabled]), select:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/// The panel's own state while open: which form is in view, what a low rating carried over,
/// and what the panel reads of the remembered visitor when it opens (their name, the requests
/// they follow). Part of the app's reducer: each state type is its own copy of Yew's hook code.
#[derive(Clone, PartialEq)]
pub struct PanelState {
    /// The form in view.
    active: Kind,
    /// The forms shown so far in this panel: each is mounted the first time it is shown and
    /// then stays mounted.
    shown: Vec<Kind>,
    /// A message carried from a low rating into the callback form's reason.
    carried: Option<String>,
    /// The name of a visitor who asked to be remembered, read when the panel opens.
    remembered: Option<String>,
    /// The requests the visitor follows on this device, read when the panel opens.
    pub requests: Rc<Vec<Tracked>>,
}

impl PanelState {
    /// The panel as it opens on `requested`'s form (when the owner offers it), else the first.
    pub fn opened(kinds: &[Kind], requested: Option<Kind>) -> PanelState {
        let active = requested.filter(|k| kinds.contains(k)).unwrap_or(kinds[0]);
        PanelState {
            active,
            shown: vec![active],
            carried: None,
            remembered: visitor::load().map(|r| r.name),
            requests: Rc::new(visitor::list()),
        }
    }

    /// Shows `kind`'s form, carrying this message into the callback form when there is one.
    pub fn show(&mut self, kind: Kind, carried: Option<String>) {
        self.active = kind;
        if !self.shown.contains(&kind) {
            self.shown.push(kind);
        }
        if carried.is_some() {
            self.carried = carried;
        }
    }
}

/// The panel's element and its tabs', for focus.
#[derive(Clone, Default)]
pub struct PanelRefs {
    /// The dialog.
    pub panel: NodeRef,
    /// The tabs, in the order of the owner's kinds.
    pub tabs: [NodeRef; 2],
}

/// What the panel set up on opening, undone when dropped (when it closes, or when the owner
/// destroys the widget with the panel open): the visual-viewport follower, and the shop's own
/// button that opened it, which gets focus back.
pub struct OpenPanel {
    unfollow: Option<Box<dyn FnOnce()>>,
    opener: Option<web_sys::HtmlElement>,
}

impl OpenPanel {
    /// Runs once the open panel is in the DOM: follows the visual viewport, notes who had
    /// focus, and moves focus into the visible form.
    pub fn new(refs: &PanelRefs) -> OpenPanel {
        let panel_ref = &refs.panel;
        let unfollow = follow_visual_viewport(panel_ref.clone());
        // Who had focus in the page before: a button of the shop's own that opened the
        // panel (with or without Allo's launcher) gets it back on close. When it was the
        // launcher, the page's active element is the widget's host, and the app refocuses
        // the launcher itself.
        let host = panel_ref
            .cast::<web_sys::Node>()
            .and_then(|p| p.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok())
            .map(|r| r.host());
        let opener = crate::browser::document()
            .and_then(|d| d.active_element())
            .filter(|a| host.as_ref() != Some(a))
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|a| crate::browser::document().and_then(|d| d.body()).as_ref() != Some(a));
        if let Some(panel) = panel_ref.cast::<web_sys::Element>() {
            // Start in the visible form (past the tabs): the fastest path for everyone.
            let body = [".allo-tabpanel:not([hidden])", ".allo-panel__body"]
                .iter()
                .find_map(|c| panel.query_selector(c).ok().flatten())
                .unwrap_or(panel.clone());
            if let Some(first) = focusables(&body)
                .into_iter()
                .next()
                .or_else(|| focusables(&panel).into_iter().next())
            {
                let _ = first.focus();
            }
        }
        OpenPanel {
            unfollow: Some(Box::new(unfollow)),
            opener,
        }
    }
}

impl Drop for OpenPanel {
    fn drop(&mut self) {
        if let Some(unfollow) = self.unfollow.take() {
            unfollow();
        }
        if let Some(opener) = self.opener.take().filter(|o| o.is_connected()) {
            let _ = opener.focus();
        }
    }
}

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        // Elements of the hidden tab cannot take focus.
        .filter(|el| el.closest("[hidden]").ok().flatten().is_none())
        // A radio group is one tab stop: only its checked (or, if none is, first) radio counts.
        .filter(|el| match el.dyn_ref::<web_sys::HtmlInputElement>() {
            Some(input) if input.type_() == "radio" => {
                input.checked()
                    || root
                        .query_selector(&format!("input[name='{}']:checked", input.name()))
                        .ok()
                        .flatten()
                        .is_none()
            }
            _ => true,
        })
        .collect()
}

/// The dialog, for the app's open `state`. `onshow` shows a form (with a message carried into
/// the callback form); `score` is the one chosen in the prompt card, for the feedback form.
pub fn panel(
    ctx: &AppContext,
    state: &PanelState,
    refs: &PanelRefs,
    statuses: &Statuses,
    score: Option<u8>,
    onclose: &Callback<()>,
    onshow: &Callback<(Kind, Option<String>)>,
) -> Html {
    let panel_ref = refs.panel.clone();
    let onkeydown = {
        let onclose = onclose.clone();
        let panel_ref = panel_ref.clone();
        move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                onclose.emit(());
            }
            "Tab" => {
                let Some(panel) = panel_ref.cast::<web_sys::Element>() else {
                    return;
                };
                let items = focusables(&panel);
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    return;
                };
                let active = crate::browser::active_element_near(&panel);
                let at = |el: &web_sys::HtmlElement| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
                };
                if e.shift_key() && at(first) {
                    e.prevent_default();
                    let _ = last.focus();
                } else if !e.shift_key() && at(last) {
                    e.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        }
    };
    let kinds = &ctx.config.kinds;
    let active = state.active;
    // The owner's `identify` (or visitor setting) first, then a visitor who asked to be
    // remembered. The owner's name can only be added while the panel is open, never removed,
    // so the remembered one, read on opening, is the one a later read would find.
    let greeting = ctx
        .config
        .prefill
        .name
        .clone()
        .or_else(|| state.remembered.clone())
        .filter(|n| !n.is_empty());

    // Shows `kind`'s form, focusing its tab when asked (keyboard, or the switch from a low
    // rating), and carrying a message into the callback form when one is given.
    let select = {
        let (onshow, tab_refs, ctx) = (onshow.clone(), refs.tabs.clone(), ctx.clone());
        Callback::from(
            move |(kind, focus, carried): (Kind, bool, Option<String>)| {
                onshow.emit((kind, carried));
                if focus {
                    if let Some(i) = ctx.config.kinds.iter().position(|k| *k == kind) {
                        crate::view::focus(&tab_refs[i]);
                    }
                }
            },
        )
    };
    let onswitch = kinds
        .contains(&Kind::Callback)
        .then(|| select.reform(|message: String| (Kind::Callback, true, Some(message))));
    let tab_label = |k: Kind| match k {
        Kind::Feedback => ctx.strings.feedback_tab,
        Kind::Callback => ctx.strings.callback_tab,
    };
    // The ids of a kind's tab and tab panel, written out rather than formatted on every render.
    let ids = |k: Kind| match k {
        Kind::Feedback => ("allo-tab-feedback", "allo-tabpanel-feedback"),
        Kind::Callback => ("allo-tab-callback", "allo-tabpanel-callback"),
    };
    let tabs = (kinds.len() > 1).then(|| {
        let onkeydown = {
            let (select, ctx) = (select.clone(), ctx.clone());
            move |e: KeyboardEvent| {
                let kinds = &ctx.config.kinds;
                let i = kinds.iter().position(|k| *k == active).unwrap_or(0);
                let next = match e.key().as_str() {
                    "ArrowRight" | "ArrowDown" => (i + 1) % kinds.len(),
                    "ArrowLeft" | "ArrowUp" => (i + kinds.len() - 1) % kinds.len(),
                    "Home" => 0,
                    "End" => kinds.len() - 1,
                    _ => return,
                };
                e.prevent_default();
                select.emit((kinds[next], true, None));
            }
        };
        html! {
            <div class="allo-tabs" role="tablist" aria-label={AttrValue::Static(ctx.strings.panel_title)} {onkeydown}>
                { for kinds.iter().enumerate().map(|(i, k)| {
                    let selected = active == *k;
                    let onclick = select.reform({ let k = *k; move |_: MouseEvent| (k, false, None) });
                    let (tab_id, panel_id) = ids(*k);
                    html! {
                        <button type="button" role="tab" class="allo-tab" ref={refs.tabs[i].clone()}
                            id={tab_id} aria-selected={if selected { "true" } else { "false" }}
                            aria-controls={panel_id}
                            tabindex={if selected { "0" } else { "-1" }} {onclick}>
                            { tab_label(*k) }
                        </button>
                    }
                }) }
            </div>
        }
    });
    let has_tabs = tabs.is_some();
    let section = |k: Kind, body: Html| {
        let hidden = active != k;
        let (tab_id, panel_id) = ids(k);
        html! {
            <div id={panel_id} class="allo-tabpanel" hidden={hidden}
                role={has_tabs.then_some("tabpanel")}
                aria-labelledby={has_tabs.then_some(tab_id)}>
                { body }
            </div>
        }
    };
    let class = match ctx.config.position {
        Position::BottomRight => "allo-panel allo-panel--bottom-right",
        Position::BottomLeft => "allo-panel allo-panel--bottom-left",
    };
    let close = crate::view::on_click(onclose);
    html! {
        <div id="allo-panel" ref={panel_ref} ~className={class} role="dialog" aria-modal="true" aria-labelledby="allo-title"
            lang={ctx.locale.clone()} dir={ctx.lang.dir()} {onkeydown}>
            <div class="allo-panel__header">
                <h2 id="allo-title" class="allo-panel__title">{ ctx.strings.panel_title }</h2>
                <button type="button" class="allo-panel__close" aria-label={AttrValue::Static(ctx.strings.close_label)} onclick={close}>
                    { close_icon() }
                </button>
            </div>
            <div class="allo-panel__body">
                if let Some(name) = &greeting {
                    <p class="allo-greeting">{ fill(ctx.strings.greeting, &[("name", name)]) }</p>
                }
                { your_requests(ctx, &state.requests, statuses) }
                { tabs.unwrap_or_default() }
                { for kinds.iter().map(|k| section(*k, match k {
                    _ if !state.shown.contains(k) => html! {},
                    Kind::Feedback => html! { <FeedbackForm onswitch={onswitch.clone()} {score} /> },
                    Kind::Callback => html! { <CallbackForm reason={state.carried.clone()} /> },
                })) }
            </div>
        </div>
    }
}
