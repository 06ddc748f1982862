//! Build script of the widget: its CSS (`styles/*.css`, in cascade order) minified into one
//! stylesheet in `OUT_DIR`, which `src/styles.rs` compiles into the wasm. The files under
//! `styles/` keep their comments; `allo_core::css::minify` says what it removes.
use std::path::Path;

/// The stylesheets in cascade order.
const FILES: [&str; 6] = ["base", "launcher", "panel", "form", "rating", "prompt"];

fn main() {
    let mut css = String::new();
    for name in FILES {
        let path = format!("styles/{name}.css");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        css.push_str(&allo_core::css::minify(&text));
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("allo.css"), css).expect("OUT_DIR is writable");
}
