//! Puts Allo's CSS into the shadow root, with the owner's theme as custom properties.
//!
//! The CSS files under `styles/` are compiled into the wasm (minified by `build.rs`): one request
//! fewer, and no stylesheet URL for a CDN or CSP to get wrong. They are applied as a
//! constructed stylesheet (`adoptedStyleSheets`), which a strict `style-src` CSP does not
//! block; browsers without it get a `<style>` element instead.
//!
//! Every colour is a `--allo-*` custom property on `:host`, written here from the palettes in
//! `allo_core::color` (where tests check their contrast) and the owner's accent, so the CSS
//! files never name a colour of their own. The owner's `scheme` decides which palette applies:
//! always light, always dark, or the dark one inside `prefers-color-scheme: dark`.
use allo_core::color::{text_on, Palette, DARK, LIGHT};
use allo_core::config::{Config, Scheme};
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, ShadowRoot};

/// Every stylesheet under `styles/`, in cascade order, minified by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/allo.css"));

/// Appends `--allo-NAME:VALUE;` to `css`. Every declaration is written by this one function
/// (a `format!` per declaration was ~1 KB of wasm; issue 22).
fn var(css: &mut String, name: &str, value: &str) {
    for part in ["--allo-", name, ":", value, ";"] {
        css.push_str(part);
    }
}

/// One palette, with the accent made readable on it, as custom property declarations.
fn palette(css: &mut String, p: &Palette, config: &Config) {
    let vars = [
        ("bg", p.bg),
        ("fg", p.fg),
        ("muted", p.muted),
        ("border", p.border),
        ("control", p.control),
        ("field", p.field),
        ("subtle", p.subtle),
        ("error", p.error),
        ("success", p.success),
        ("focus", p.focus),
        ("accent-ink", p.accent_ink(config.accent)),
    ];
    for (name, c) in vars {
        var(css, name, &c.to_hex());
    }
    var(css, "color-scheme", p.name);
}

/// The owner's theme as custom properties on `:host`.
pub fn theme(config: &Config) -> String {
    let base = if config.scheme == Scheme::Dark {
        &DARK
    } else {
        &LIGHT
    };
    let mut css = String::from(":host{");
    palette(&mut css, base, config);
    var(&mut css, "accent", &config.accent.to_hex());
    var(&mut css, "on-accent", &text_on(config.accent).to_hex());
    var(&mut css, "z", &config.z_index.to_string());
    var(&mut css, "offset-x", config.offset_x.as_str());
    var(&mut css, "offset-y", config.offset_y.as_str());
    css.push('}');
    if config.scheme == Scheme::System {
        css.push_str("@media (prefers-color-scheme: dark){:host{");
        palette(&mut css, &DARK, config);
        css.push_str("}}");
    }
    css
}

/// Applies theme and styles to `root`.
pub fn apply(root: &ShadowRoot, config: &Config) {
    let mut css = theme(config);
    css.push_str(CSS);
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
