//! `docs/messages.md` is the table of `allo_core::msg` as it is: the page an owner reads when a
//! widget prints a message's number because its texts file could not be loaded.

#[test]
fn docs_messages_md_lists_every_code_with_its_text() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/messages.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        doc == allo_core::msg::markdown(),
        "docs/messages.md is out of date: cargo run -p allo-core --example messages_doc > docs/messages.md"
    );
}
