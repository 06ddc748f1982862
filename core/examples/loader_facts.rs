//! The facts loader/allo.js needs before the wasm runs, printed as JSON for
//! scripts/build-loader.mjs, which fills them into the loader at build time: the launcher's
//! label in each catalog language, the defaults and limits of the settings the facade draws
//! with, and the contrast rule's threshold. One home for each (the catalog, `config`, `color`); the
//! loader never retypes them. Run: `cargo run -q -p allo-core --example loader_facts`.
use allo_core::color::{Rgb, DARK_TEXT, DEFAULT_ACCENT, LIGHT_TEXT};
use allo_core::i18n::Lang;
use allo_core::json::{Obj, Value};
use allo_core::settings::{DEFAULT_OFFSET, DEFAULT_Z_INDEX, MAX_OFFSET, MAX_OFFSET_DIGITS};

fn main() {
    // Pairs in the catalog's order (an object's keys would come sorted).
    let labels: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| Value::Array(vec![l.code().into(), l.strings().launcher_label.into()]))
        .collect();
    // `color::text_on` picks dark text when contrast(bg, dark) >= contrast(bg, light), that is
    // (L + 0.05) / (Ldark + 0.05) >= (Llight + 0.05) / (L + 0.05): the loader compares
    // (L + 0.05)² with this product.
    let lum = |c: Rgb| c.luminance() + 0.05;
    let dark_text_min = lum(DARK_TEXT) * lum(LIGHT_TEXT);
    let facts = Obj::new()
        .set("labels", Value::Array(labels))
        .set("accent", DEFAULT_ACCENT.to_hex())
        .set("offset", DEFAULT_OFFSET)
        .set("zIndex", Value::Number(f64::from(DEFAULT_Z_INDEX)))
        .set("darkTextMin", Value::Number(dark_text_min))
        .set("maxOffset", Value::Number(MAX_OFFSET))
        .set("maxOffsetDigits", Value::Number(MAX_OFFSET_DIGITS as f64))
        .build();
    println!("{facts}");
}
