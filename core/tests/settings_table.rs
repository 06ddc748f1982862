//! The README's settings table is [`allo_core::settings::SETTINGS`], row for row: a setting
//! added, renamed, or given another default in the code and not in the README (or the other
//! way round) fails here, and the message is the table's first two columns as the code says.
//! The third column (what the values mean) lives in the README alone.
use allo_core::settings::{Shape, SETTINGS};

/// The table's rows as the code says they are.
fn rows() -> Vec<String> {
    SETTINGS
        .iter()
        .filter(|s| !s.key.starts_with("retryBase")) // a test-only knob, not for owners
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
            format!("| `{}`{object} | {default} |", s.key)
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
    // Each row without its last column: `| key | default |`.
    let table: Vec<String> = readme[at..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            format!("{} | {} |", cells[0], cells.get(1).unwrap_or(&""))
        })
        .collect();
    let want = rows();
    assert!(
        table == want,
        "README.md's settings table and core/src/config.rs (SETTINGS) disagree; its rows from the code (setting | default):\n{}\n",
        want.join("\n")
    );
}
