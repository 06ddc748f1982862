//! The public JavaScript API on the wasm side.
//!
//! The loader owns `window.Allo`: it queues calls made before the wasm is ready and forwards
//! them here through [`command`] once it is. Each call is checked in `allo_core::api`; a bad one
//! is one `console.error` and nothing else. Checked commands go to the running app through the
//! sink it registers when it mounts ([`connect`]); commands that arrive before that wait in a
//! queue, so an `Allo.open()` made at page load is never lost. [`destroy`] unmounts the app and
//! runs every teardown other modules registered with [`on_destroy`].
//!
//! The module holds callbacks (the command sink, the unmount, the teardowns), never the
//! component itself, so it does not depend on `view/`: the app calls in, not the other way.
use std::cell::RefCell;

use allo_core::api::{parse, Command};
use allo_core::submission::Kind;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::ShadowRoot;
use yew::Callback;

use crate::browser;

/// What the API knows about the running widget.
#[derive(Default)]
struct Running {
    /// Unmounts the app (`AppHandle::destroy`, wrapped by [`crate::boot`]).
    unmount: Option<Box<dyn FnOnce()>>,
    root: Option<ShadowRoot>,
    kinds: Vec<Kind>,
    sink: Option<Callback<Command>>,
    pending: Vec<Command>,
    teardown: Vec<Box<dyn FnOnce()>>,
}

thread_local! {
    static RUNNING: RefCell<Running> = RefCell::new(Running::default());
}

/// Records the app [`crate::boot`] just started in `root`, offering `kinds`, with the function
/// that unmounts it. A later boot (tests mount several widgets in one page) takes the API over.
pub fn started(unmount: Box<dyn FnOnce()>, root: ShadowRoot, kinds: Vec<Kind>) {
    RUNNING.with(|r| {
        let mut r = r.borrow_mut();
        r.unmount = Some(unmount);
        r.root = Some(root);
        r.kinds = kinds;
        r.sink = None;
    });
}

/// The app is mounted: from now on commands go to `sink`, starting with those that waited.
pub fn connect(sink: Callback<Command>) {
    let waiting = RUNNING.with(|r| {
        let mut r = r.borrow_mut();
        r.sink = Some(sink.clone());
        std::mem::take(&mut r.pending)
    });
    for cmd in waiting {
        sink.emit(cmd);
    }
}

/// Runs `f` when the owner calls `Allo.destroy()`: for anything added outside the shadow root
/// (a listener on `window`, a timer not owned by a component).
pub fn on_destroy(f: impl FnOnce() + 'static) {
    RUNNING.with(|r| r.borrow_mut().teardown.push(Box::new(f)));
}

/// One call of `window.Allo` (`open`, `close`, `identify`, `setLocale`, `setContext`, `ask`)
/// with its raw arguments. Never throws: a bad call is logged. `more` is the second argument
/// (`Allo.ask(kind, options)`), packed here with the first as `[kind, options]`: the loader
/// passes every call's second argument along, which costs it fewer bytes than deciding.
#[wasm_bindgen]
pub fn command(name: &str, arg: JsValue, more: JsValue) {
    let kinds = RUNNING.with(|r| r.borrow().kinds.clone());
    let arg = if more.is_undefined() {
        arg
    } else {
        js_sys::Array::of2(&arg, &more).into()
    };
    let cmd = match parse(name, &browser::to_json(&arg), &kinds) {
        Ok(cmd) => cmd,
        Err(e) => return crate::messages::error(e.msg()),
    };
    // Emitted outside the borrow: the app's handler may call back into this module. The
    // command is moved, never cloned (a `Command` clone was code of its own in the wasm).
    match RUNNING.with(|r| r.borrow().sink.clone()) {
        Some(sink) => sink.emit(cmd),
        None => RUNNING.with(|r| r.borrow_mut().pending.push(cmd)),
    }
}

/// Unmounts the app and undoes everything registered with [`on_destroy`]. The loader then
/// removes the host element, so the page is left as it was before Allo.
#[wasm_bindgen]
pub fn destroy() {
    let running = RUNNING.with(|r| std::mem::take(&mut *r.borrow_mut()));
    if let Some(unmount) = running.unmount {
        unmount();
    }
    for f in running.teardown {
        f();
    }
}

/// The elements the loader drew as a stand-in launcher.
fn facade() -> Vec<web_sys::Element> {
    let Some(list) = RUNNING
        .with(|r| r.borrow().root.clone())
        .and_then(|root| root.query_selector_all("[data-allo-facade]").ok())
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

/// Called while the app first renders: hides the facade from assistive technology at once,
/// so there is never more than one launcher in the accessibility tree. Yew may yield to the
/// browser between rendering and running effects; the facade stays on screen (and keeps
/// focus) until [`take_over`] removes it.
pub fn retire_facade() {
    for el in facade() {
        let _ = el.set_attribute("aria-hidden", "true");
    }
}

/// The app's launcher is on screen: removes the loader's stand-in (the facade). True when it
/// had keyboard focus: the app then gives focus to the real launcher, so the swap is invisible
/// to the visitor.
pub fn take_over() -> bool {
    let Some(root) = RUNNING.with(|r| r.borrow().root.clone()) else {
        return false;
    };
    let had_focus = root
        .active_element()
        .and_then(|a| a.closest("[data-allo-facade]").ok().flatten())
        .is_some();
    for el in facade() {
        el.remove();
    }
    had_focus
}
