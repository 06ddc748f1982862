//! Allo's widget: boots the Yew app inside the shadow root the loader made.
//!
//! This file only wires things together: raw settings → typed [`Config`] (in `allo-core`),
//! the visitor's language, the styles, and the root component. The loader (`loader/allo.js`)
//! calls [`boot`], then forwards `window.Allo` calls to [`js_api::command`] and
//! [`js_api::destroy`]; everything visible lives in `view/`, side effects in `hooks/`, DOM
//! events for the page in `events`, the network in `transport`, the outbox and its worker in
//! `sender`, browser storage in `storage`, what is remembered about a visitor in `visitor`, the
//! browser's `Intl` (zones, dates, numbers) in `intl`, the catalogs fetched per language in
//! `catalog`.
#![deny(missing_docs)]

pub mod browser;
pub mod catalog;
pub mod context;
pub mod events;
pub mod hooks;
pub mod intl;
pub mod js_api;
pub mod messages;
pub mod sender;
pub mod state;
pub mod storage;
pub mod styles;
pub mod transport;
pub mod view;
pub mod visitor;

// Talc instead of std's dlmalloc: the same job in fewer bytes of wasm (docs/performance.md,
// Size, Session 6, with the memory benchmark's figures). The widget is single-threaded wasm
// without atomics, which is what `WasmDynamicTalc` requires; it grows linear memory as needed.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use std::rc::Rc;

use allo_core::config::Config;
use allo_core::i18n::Lang;
use allo_core::msg::{Code, Msg};
use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

use crate::context::Ctx;
use crate::view::app::{App, AppProps};

/// Starts the widget in `root` with the owner's raw settings (script `data-*` attributes and
/// `window.alloSettings`, merged by the loader). Returns false, after one `console.error`
/// naming the setting and the fix, when the settings are unusable; the loader then removes the
/// host element so no broken launcher is left on the page.
///
/// The app takes over from the loader's stand-in launcher (elements marked `data-allo-facade`
/// in `root`) on its first render, and from then on receives the public API's calls.
///
/// Asynchronous because a visitor whose language is not English waits for that catalog
/// (`catalog`, fetched once); if it cannot be loaded the widget starts in English.
#[wasm_bindgen]
pub async fn boot(raw: JsValue, root: ShadowRoot) -> bool {
    let config = match Config::parse_with(&browser::to_json(&raw), browser::parse_json) {
        Ok((config, warnings)) => {
            for w in warnings {
                messages::warn(w.msg);
            }
            config
        }
        Err(e) => {
            messages::error(e.msg());
            return false;
        }
    };
    let Some(mount) = mount_point(&root) else {
        messages::error(Msg::new(Code::NoElements, vec![]));
        return false;
    };
    styles::apply(&root, &config);
    // Retries anything an earlier page left in the outbox (reads only when it is empty).
    sender::start(&config);
    let kinds = config.kinds.clone();
    let candidates = browser::language_candidates();
    let (lang, _) = Ctx::language(config.locale.as_deref(), &candidates);
    catalog::ensure(lang, Lang::En).await;
    let ctx = Ctx::new(config, &candidates);
    let app = yew::Renderer::<App>::with_root_and_props(
        mount,
        AppProps {
            ctx: Rc::new(ctx).into(),
        },
    )
    .render();
    js_api::started(Box::new(move || app.destroy()), root, kinds);
    true
}

fn mount_point(root: &ShadowRoot) -> Option<web_sys::Element> {
    let el = browser::document()?.create_element("div").ok()?;
    el.set_class_name("allo");
    root.append_child(&el).ok()?;
    Some(el)
}
