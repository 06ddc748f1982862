//! The console: every line the widget prints is an [`allo_core::msg::Msg`], a code and its
//! arguments, and its English text is fetched, not built in (issue 22: the texts were
//! ~1.7 KB gzip of the wasm for lines most visitors never cause).
//!
//! The first message fetches the texts file beside the glue (`allo-messages-HASH.json`,
//! written by `build.rs`, checked by its integrity value like the catalogs); messages said
//! while it loads wait in a queue and are printed in order, each at its own level, once it is
//! there. A page that cannot load it (offline, blocked, or not the build's file) gets each
//! message as `Allo: message N ARGUMENTS (… see docs/messages.md)` instead, which names the
//! code the owner can look up.
use std::cell::RefCell;

use allo_core::json::Value;
use allo_core::msg::{fill, Msg};
use wasm_bindgen::JsValue;

use crate::{browser, transport};

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// How long the texts may take before the queued messages are printed without them.
const TIMEOUT_MS: u32 = 15_000;

/// A console method.
#[derive(Clone, Copy)]
enum Level {
    Error,
    Warn,
    Info,
}

/// Where the texts are.
enum Texts {
    /// Not asked for yet.
    Unasked,
    /// Being fetched: the messages said meanwhile, in order.
    Loading(Vec<(Level, Msg)>),
    /// Here: the templates in code order.
    Loaded(Vec<String>),
    /// Could not be loaded: messages print as their code and arguments.
    Missing,
}

thread_local! {
    static TEXTS: RefCell<Texts> = const { RefCell::new(Texts::Unasked) };
}

/// Prints `m` with `console.error`.
pub fn error(m: Msg) {
    say(Level::Error, m);
}

/// Prints `m` with `console.warn`.
pub fn warn(m: Msg) {
    say(Level::Warn, m);
}

/// Prints `m` with `console.info`.
pub fn info(m: Msg) {
    say(Level::Info, m);
}

fn say(level: Level, m: Msg) {
    let fetch = TEXTS.with(|t| {
        let mut t = t.borrow_mut();
        match &mut *t {
            Texts::Loaded(list) => match list.get(m.code as usize) {
                Some(template) => print(level, &fill(template, &m.args)),
                None => print(level, &m.fallback()),
            },
            Texts::Missing => print(level, &m.fallback()),
            Texts::Loading(queue) => queue.push((level, m)),
            Texts::Unasked => {
                *t = Texts::Loading(vec![(level, m)]);
                return true;
            }
        }
        false
    });
    if fetch {
        wasm_bindgen_futures::spawn_local(load());
    }
}

/// Fetches the texts, then prints what waited.
async fn load() {
    let (file, integrity) = TEXTS_FILE;
    let url = browser::beside_glue(file);
    let texts = match transport::get_text(&url, TIMEOUT_MS, Some(integrity)).await {
        Ok(text) => match Value::parse(&text) {
            Ok(Value::Array(items)) => Texts::Loaded(
                items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => s,
                        _ => String::new(),
                    })
                    .collect(),
            ),
            _ => Texts::Missing,
        },
        Err(_) => Texts::Missing,
    };
    let waiting = TEXTS.with(|t| std::mem::replace(&mut *t.borrow_mut(), texts));
    if let Texts::Loading(queue) = waiting {
        for (level, m) in queue {
            say(level, m);
        }
    }
}

fn print(level: Level, text: &str) {
    let text = JsValue::from_str(text);
    match level {
        Level::Error => web_sys::console::error_1(&text),
        Level::Warn => web_sys::console::warn_1(&text),
        Level::Info => web_sys::console::info_1(&text),
    }
}
