//! The README's settings table is [`allo_core::config::SETTINGS`], row for row: a setting
//! added, renamed or given another default in the code and not in the README (or the other
//! way round) fails here, and the message is the table to paste.
use allo_core::config::{Shape, SETTINGS};

/// The table's rows as the code says they are.
fn rows() -> Vec<String> {
    SETTINGS
        .iter()
        .filter(|s| !s.values.is_empty())
        .map(|s| {
            // A value is code; a description ("the visitor's", "— (required)") is not.
            let default = match s.default {
                d if d.starts_with('—') || d.contains(' ') => d.to_owned(),
                d => format!("`{d}`"),
            };
            let object = if s.shape == Shape::Object {
                " (object)"
            } else {
                ""
            };
            format!("| `{}`{object} | {default} | {} |", s.key, s.values)
        })
        .collect()
}

#[test]
fn readme_settings_table_is_the_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let header = "| setting | default | values |";
    let at = readme
        .find(header)
        .expect("the README has a settings table");
    let table: Vec<&str> = readme[at..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let want = rows();
    assert!(
        table == want,
        "README.md's settings table and core/src/config.rs (SETTINGS) disagree; the table from the code:\n{header}\n|---|---|---|\n{}\n",
        want.join("\n")
    );
}
