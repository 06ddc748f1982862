//! Small, infallible reads of the browser environment: time, randomness, page and client
//! metadata (console output is `messages`). Each returns a sensible value instead of failing, because a
//! missing API (old browser, sandboxed iframe) must never stop a visitor from sending.
use allo_core::json::Value;
use allo_core::submission::{Client, Page};
use wasm_bindgen::{JsCast, JsValue};

/// The page's document, if there is one.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// A JS value as JSON (`null` when it cannot be represented, e.g. `undefined`).
pub fn to_json(v: &JsValue) -> Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| Value::parse(&s).ok())
        .unwrap_or(Value::Null)
}

/// The current instant as RFC 3339 UTC, as the submission wants it.
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Sixteen random bytes from `crypto.getRandomValues` (available on plain-http pages too,
/// unlike `crypto.randomUUID`), falling back to `Math.random` where crypto is missing.
pub fn random_bytes() -> [u8; 16] {
    let mut buf = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut buf).is_ok());
    if !filled {
        for b in &mut buf {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf
}

/// Where the visitor is now (read at send time, so single-page apps report the current route).
pub fn page() -> Page {
    let doc = document();
    Page {
        url: web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default(),
        title: doc.as_ref().map(|d| d.title()).unwrap_or_default(),
        referrer: doc.map(|d| d.referrer()).unwrap_or_default(),
    }
}

/// The widget version, user agent and viewport.
pub fn client() -> Client {
    let window = web_sys::window();
    let dim = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
    let viewport = window
        .as_ref()
        .map(|w| format!("{}x{}", dim(w.inner_width()), dim(w.inner_height())))
        .unwrap_or_default();
    Client {
        widget_version: allo_core::WIDGET_VERSION.to_owned(),
        user_agent: window
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default(),
        viewport,
    }
}

/// Language tags to try after the owner's setting: the page's `<html lang>`, then the
/// browser's preferred languages.
pub fn language_candidates() -> Vec<String> {
    let mut out = Vec::new();
    if let Some(lang) = document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
    {
        out.push(lang);
    }
    if let Some(w) = web_sys::window() {
        let nav = w.navigator();
        for l in nav.languages().iter() {
            if let Some(s) = l.as_string() {
                out.push(s);
            }
        }
        if let Some(l) = nav.language() {
            out.push(l);
        }
    }
    out
}

/// The element with keyboard focus inside `node`'s shadow root (or document).
pub fn active_element_near(node: &web_sys::Node) -> Option<web_sys::Element> {
    let root = node.get_root_node();
    if let Some(shadow) = root.dyn_ref::<web_sys::ShadowRoot>() {
        return shadow.active_element();
    }
    document()?.active_element()
}
