//! The catalogs the widget speaks: English is built into the wasm (the fallback); each other
//! language is a file beside the glue, written and named by the build (`build.rs`: its
//! content's SHA-256 in the name, and as Subresource Integrity on the fetch), fetched the
//! first time a visitor needs it (at boot, or on `Allo.setLocale`) and kept for the page's
//! life, so switching back to a language already shown works offline. A visitor downloads
//! one language, not six (issue 22: the five others were ~9 KB gzip of every download).
use std::cell::RefCell;

use allo_core::i18n::{Lang, Strings, EN};
use allo_core::msg::{Code, Msg};
use wasm_bindgen::prelude::*;

use crate::browser;
use crate::transport::{self, TransportError};

include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

/// How long a catalog may take to arrive before the widget goes on without it.
const TIMEOUT_MS: u32 = 15_000;

#[wasm_bindgen]
extern "C" {
    /// The glue's own URL (`import.meta.url`): the catalog files are beside it.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: JsValue;
}

thread_local! {
    /// The catalogs fetched so far (never English).
    static LOADED: RefCell<Vec<(Lang, &'static Strings)>> = const { RefCell::new(Vec::new()) };
}

/// `lang`'s catalog if it is in memory: English always, another language once fetched.
pub fn loaded(lang: Lang) -> Option<&'static Strings> {
    if lang == Lang::En {
        return Some(&EN);
    }
    LOADED.with(|l| l.borrow().iter().find(|(l, _)| *l == lang).map(|(_, s)| *s))
}

/// Keeps `strings` as `lang`'s catalog, as if it had been fetched. For the browser tests,
/// whose runner serves no catalog files (they hand in the host's built-in catalogs).
pub fn keep(lang: Lang, strings: &'static Strings) {
    if loaded(lang).is_none() {
        LOADED.with(|l| l.borrow_mut().push((lang, strings)));
    }
}

/// Makes sure `lang`'s catalog is in memory, fetching it if needed. False, after one
/// `console.error` naming the file and why, when it cannot be loaded: the widget then goes on
/// in `current`, the language it already speaks.
pub async fn ensure(lang: Lang, current: Lang) -> bool {
    if loaded(lang).is_some() {
        return true;
    }
    let Some((_, file, integrity)) = FILES.iter().find(|(l, ..)| *l == lang) else {
        return false;
    };
    let url = beside_glue(file);
    match transport::get_text(&url, TIMEOUT_MS, Some(integrity)).await {
        Ok(text) => match browser::parse_json(&text).map(|v| Strings::from_value(&v)) {
            Some(Ok(strings)) => {
                keep(lang, Box::leak(Box::new(strings)));
                return true;
            }
            Some(Err(e)) => failed(lang, current, &url, &e.to_string()),
            None => failed(lang, current, &url, "not JSON"),
        },
        Err(e) => failed(lang, current, &url, &why(&e)),
    }
    false
}

fn failed(lang: Lang, current: Lang, url: &str, why: &str) {
    crate::messages::error(Msg::new(
        Code::CatalogFailed,
        vec![
            lang.code().to_owned(),
            url.to_owned(),
            why.to_owned(),
            current.code().to_owned(),
        ],
    ));
}

fn why(e: &TransportError) -> String {
    match e {
        TransportError::Timeout => "no answer in time".into(),
        TransportError::Http { status, .. } => format!("HTTP {status}"),
        // A different file under the catalog's name fails its integrity check here too.
        _ => "offline, blocked, or not the file this widget was built with".into(),
    }
}

/// `file`'s URL in the glue's folder.
fn beside_glue(file: &str) -> String {
    let glue = GLUE_URL.with(JsValue::as_string).unwrap_or_default();
    let glue = glue.split(['?', '#']).next().unwrap_or_default();
    let folder = glue.rfind('/').map_or("", |i| &glue[..=i]);
    format!("{folder}{file}")
}
