//! Puts Allo's CSS into the shadow root, with the owner's theme as custom properties.
//!
//! The CSS files under `styles/` are compiled into the wasm (`include_str!`): one request
//! fewer, and no stylesheet URL for a CDN or CSP to get wrong. They are applied as a
//! constructed stylesheet (`adoptedStyleSheets`), which a strict `style-src` CSP does not
//! block; browsers without it get a `<style>` element instead.
use allo_core::color::text_on;
use allo_core::config::Config;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, ShadowRoot};

/// Every stylesheet, in cascade order.
const CSS: &[&str] = &[
    include_str!("../styles/base.css"),
    include_str!("../styles/launcher.css"),
    include_str!("../styles/panel.css"),
    include_str!("../styles/form.css"),
    include_str!("../styles/rating.css"),
];

/// The owner's theme as custom properties on `:host`.
pub fn theme(config: &Config) -> String {
    format!(
        ":host{{--allo-accent:{};--allo-on-accent:{};}}",
        config.accent.to_hex(),
        text_on(config.accent).to_hex()
    )
}

/// Applies theme and styles to `root`.
pub fn apply(root: &ShadowRoot, config: &Config) {
    let mut css = theme(config);
    for part in CSS {
        css.push_str(part);
    }
    if adopt(root, &css).is_none() {
        if let Some(style) = crate::browser::document().and_then(|d| d.create_element("style").ok())
        {
            style.set_text_content(Some(&css));
            // A strict CSP allows this element only with the page's nonce.
            if let Some(nonce) = &config.nonce {
                let _ = style.set_attribute("nonce", nonce);
            }
            let _ = root.append_child(&style);
        }
    }
}

fn adopt(root: &ShadowRoot, css: &str) -> Option<()> {
    let sheet = CssStyleSheet::new().ok()?;
    sheet.replace_sync(css).ok()?;
    let list = js_sys::Array::of1(&sheet);
    js_sys::Reflect::set(root, &"adoptedStyleSheets".into(), &list).ok()?;
    // Reflect::set succeeds on browsers without the feature too; check it took.
    let adopted = js_sys::Reflect::get(root, &"adoptedStyleSheets".into()).ok()?;
    adopted
        .dyn_into::<js_sys::Array>()
        .ok()
        .filter(|a| a.length() == 1)
        .map(|_| ())
}
