//! A string in double quotes for messages to the owner (console warnings, errors): what
//! `{:?}` printed, without `str`'s `Debug`, whose Unicode tables (printable ranges, grapheme
//! extenders) came to ~3 KB gzip in the wasm for a few dozen messages.

use std::fmt::{self, Write};

/// Displays the string in double quotes, with `"`, `\` and control characters escaped as Rust
/// and JSON would (`\"`, `\\`, `\n`, `\u{1b}`), so an empty or space-only value stays visible.
#[derive(Clone, Copy, Debug)]
pub struct Quoted<'a>(pub &'a str);

/// `Quoted(s)` for any string-like value, for format arguments: `format!("{v} is not…", v = q(&v))`.
pub fn q<S: AsRef<str> + ?Sized>(s: &S) -> Quoted<'_> {
    Quoted(s.as_ref())
}

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same text as `{:?}` for what owners type, escapes included.
    #[test]
    fn matches_debug_for_settings_text() {
        for s in [
            "",
            " ",
            "bottom-middle",
            "Mo-Zz",
            "é ü 😀",
            "a\"b",
            "c:\\x",
            "l1\nl2\t\r",
            "\u{1b}[0m",
            "nul\0",
        ] {
            assert_eq!(q(s).to_string(), format!("{s:?}"), "{s:?}");
        }
    }
}
