//! The console: every line the widget prints is an [`allo_core::msg::Msg`], a code and its
//! arguments, handed to the glue's `alloSay` (loader/glue-console.js), which fetches the
//! English texts beside the glue with the first message and prints each message, in order, at
//! its level, a moment after it was said. The texts are not in the wasm (issue 22: 1.4 KB
//! gzip net, docs/performance.md); a page that cannot load them gets the code and the
//! arguments, which docs/messages.md explains. Done in Rust (a future, a queue, a JSON read)
//! this cost more wasm than the texts it moved out.
use allo_core::msg::Msg;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `alloSay(level, code, args)`: `level` 0 error, 1 warn, 2 info; `args` joined by NUL.
    /// `catch`: the browser tests' runner has its own glue, without `alloSay`, and a message
    /// there must not stop the test.
    #[wasm_bindgen(catch, js_name = alloSay)]
    fn say(level: u8, code: u8, args: &str) -> Result<(), JsValue>;
}

fn print(level: u8, m: Msg) {
    let _ = say(level, m.code as u8, &m.args.join("\0"));
}

/// Prints `m` with `console.error`.
pub fn error(m: Msg) {
    print(0, m);
}

/// Prints `m` with `console.warn`.
pub fn warn(m: Msg) {
    print(1, m);
}

/// Prints `m` with `console.info`.
pub fn info(m: Msg) {
    print(2, m);
}
