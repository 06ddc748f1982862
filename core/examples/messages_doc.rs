//! Prints `docs/messages.md`, the table of the console messages (`allo_core::msg`):
//! `cargo run -p allo-core --example messages_doc > docs/messages.md`.
fn main() {
    print!("{}", allo_core::msg::markdown());
}
