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

/// A JS value as JSON (`null` when it cannot be represented, e.g. `undefined`): what
/// `JSON.stringify` keeps of it, read back by [`parse_json`].
pub fn to_json(v: &JsValue) -> Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| parse_json(&s))
        .unwrap_or(Value::Null)
}

/// JSON text as a [`Value`], parsed by the browser's `JSON.parse` and walked once. The wasm
/// carries no JSON parser of its own: `allo_core::json`'s (the host's and the tests') cost
/// ~3 KB of wasm for what the browser already does (issue 22). `None` for text that is not
/// JSON, and for nesting deeper than `allo_core::json` accepts (so both read the same).
pub fn parse_json(text: &str) -> Option<Value> {
    walk(&js_sys::JSON::parse(text).ok()?, 0)
}

/// One value of what `JSON.parse` returned: strings, numbers, booleans, null, arrays and plain
/// objects only, so the checks below are all there is.
fn walk(v: &JsValue, depth: u32) -> Option<Value> {
    if let Some(s) = v.as_string() {
        return Some(Value::String(s));
    }
    if let Some(n) = v.as_f64() {
        return Some(Value::Number(n));
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if !v.is_object() {
        return Some(Value::Null);
    }
    if depth == allo_core::json::MAX_DEPTH {
        return None;
    }
    if js_sys::Array::is_array(v) {
        let mut items = Vec::new();
        for item in js_sys::Array::from(v).iter() {
            items.push(walk(&item, depth + 1)?);
        }
        return Some(Value::Array(items));
    }
    let mut map = allo_core::json::Map::new();
    for entry in js_sys::Object::entries(v.unchecked_ref()).iter() {
        let entry = js_sys::Array::from(&entry);
        let key = entry.get(0).as_string().unwrap_or_default();
        map.insert(key, walk(&entry.get(1), depth + 1)?);
    }
    Some(Value::Object(map))
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
