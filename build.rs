//! Build script of the widget:
//! - its CSS (`styles/*.css`, in cascade order) minified into one stylesheet in `OUT_DIR`,
//!   which `src/styles.rs` compiles into the wasm. The files under `styles/` keep their
//!   comments; `allo_core::css::minify` says what it removes;
//! - the catalogs of the languages other than English, each a JSON file named after its
//!   content's SHA-256 (`allo-fr-0123456789abcdef.json`), written to `allo-catalogs/` in the
//!   profile's target folder (beside the wasm; scripts/fingerprint.mjs copies them into the
//!   build), and their names and integrity values in `OUT_DIR/catalogs.rs`, which
//!   `src/catalog.rs` compiles in. English stays in the wasm: it is the fallback. Why files:
//!   a visitor needs one language, and the five others were ~9 KB gzip of every download;
//! - the console messages' texts (`allo_core::msg`) as `allo-messages-HASH.json` in the same
//!   folder, named the same way; scripts/fingerprint.mjs writes its name and integrity into
//!   the glue, whose `alloSay` (loader/glue-console.js) fetches it with the first message.
use std::fmt::Write;
use std::path::Path;

use allo_core::i18n::Lang;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The stylesheets in cascade order.
const FILES: [&str; 6] = ["base", "launcher", "panel", "form", "rating", "prompt"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    let mut css = String::new();
    for name in FILES {
        let path = format!("styles/{name}.css");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        css.push_str(&allo_core::css::minify(&text));
    }
    std::fs::write(out.join("allo.css"), css).expect("OUT_DIR is writable");
    catalogs(out);
}

/// Writes the catalog files and `catalogs.rs` (see the top of this file).
fn catalogs(out: &Path) {
    // OUT_DIR is <target>/<triple>/<profile>/build/<crate>-<hash>/out: the files go beside
    // the profile's artifacts, at a path the build's last step can find.
    let dir = out
        .ancestors()
        .nth(3)
        .expect("OUT_DIR is inside the target folder")
        .join("allo-catalogs");
    // Only this build's files: an old catalog left there would be shipped too.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the target folder is writable");
    let mut rust = String::from(
        "/// Each language not built in: its file (beside the glue) and its integrity value.\n\
         const FILES: [(Lang, &str, &str); 5] = [\n",
    );
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let json = lang.strings().to_json();
        let digest = Sha256::digest(json.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let file = format!("allo-{}-{hex}.json", lang.code());
        let integrity = format!(
            "sha256-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
        std::fs::write(dir.join(&file), &json).expect("the target folder is writable");
        let code = lang.code();
        let variant = format!("{}{}", code[..1].to_ascii_uppercase(), &code[1..]);
        writeln!(rust, "    (Lang::{variant}, {file:?}, {integrity:?}),").unwrap();
    }
    rust.push_str("];\n");
    // The console messages' texts (`allo_core::msg`), in the same folder and the same way.
    let json = allo_core::msg::texts_json();
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let file = format!("allo-messages-{hex}.json");
    std::fs::write(dir.join(&file), &json).expect("the target folder is writable");
    std::fs::write(out.join("catalogs.rs"), rust).expect("OUT_DIR is writable");
}
