//! The widget's wasm: links the `allo-widget` crate, whose `#[wasm_bindgen]` exports (`boot`,
//! `command`, `destroy`) become the module's exports. Nothing runs at instantiation: on wasm
//! there is no `main`, the loader calls `boot`. Built as a binary so the release link runs with
//! LTO (bundle/Cargo.toml says why).
#![cfg_attr(target_arch = "wasm32", no_main)]

// Named so the crate and its exports are linked although nothing here calls it.
extern crate allo_widget;

/// A host build of the workspace needs an entry point; the bundle only means something on wasm.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
