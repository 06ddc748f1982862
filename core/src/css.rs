//! Minifies the widget's own CSS (`styles/*.css`) at build time: the widget's `build.rs`
//! compiles the files through [`minify`] into the one stylesheet the wasm carries. The files keep
//! their comments (they say why a rule is there); the visitor does not download them.
//!
//! Deliberately small, for CSS we write: comments go, runs of whitespace become one space, and
//! the space next to `{`, `}`, `;`, `,` and after `:` goes, as does the `;` before `}`. A space
//! *before* `:` stays (`.allo :focus-visible` is a descendant selector), and so does everything
//! inside strings and parentheses' spaces that carry meaning (`calc(1px + 2px)`).

/// The CSS without comments and the whitespace that carries no meaning.
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                space = true;
            }
            '"' | '\'' => {
                flush(&mut out, &mut space);
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    if s == '\\' {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else if s == c {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => space = true,
            '{' | '}' | ';' | ',' | ':' => {
                // No space before these, except before `:` (a descendant pseudo-class).
                if c == ':' {
                    flush(&mut out, &mut space);
                } else {
                    space = false;
                }
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
                // And none after them.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            c => {
                flush(&mut out, &mut space);
                out.push(c);
            }
        }
    }
    out
}

/// Writes a pending space, unless it would follow a character after which none is needed.
fn flush(out: &mut String, space: &mut bool) {
    if *space && !out.is_empty() && !out.ends_with(['{', '}', ';', ',', ':']) {
        out.push(' ');
    }
    *space = false;
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn table() {
        let cases = [
            (
                "/* why */\n:host {\n  all: initial !important;\n}\n",
                ":host{all:initial !important}",
            ),
            (
                ".allo *, .allo *::before { box-sizing: border-box; }",
                ".allo *,.allo *::before{box-sizing:border-box}",
            ),
            (
                ".allo :focus-visible { outline: 3px solid var(--allo-focus); }",
                ".allo :focus-visible{outline:3px solid var(--allo-focus)}",
            ),
            (
                "a { width: calc(100% - 2 * 12px); }",
                "a{width:calc(100% - 2 * 12px)}",
            ),
            ("a { content: \"a  ;  b\"; }", "a{content:\"a  ;  b\"}"),
            ("a::after { content: '\\'}'; }", "a::after{content:'\\'}'}"),
            (
                "@media (prefers-reduced-motion: reduce) {\n  a { animation: none !important; }\n}",
                "@media (prefers-reduced-motion:reduce){a{animation:none !important}}",
            ),
            ("a{b:c}/* end */", "a{b:c}"),
            ("a > b + c ~ d { x: y }", "a > b + c ~ d{x:y}"),
        ];
        for (css, want) in cases {
            assert_eq!(minify(css), want, "{css}");
        }
    }

    /// The widget's own files: the same rules, just shorter (every selector and declaration is
    /// still there, in order, once whitespace and comments are ignored).
    #[test]
    fn the_widgets_styles_keep_every_rule() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../styles");
        let (mut all, mut all_min) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let css = std::fs::read_to_string(&path).unwrap();
            let min = minify(&css);
            // Every file shrinks; a small, tersely written one (prompt.css) less than the rest.
            assert!(min.len() < css.len(), "{}", path.display());
            (all, all_min) = (all + css.len(), all_min + min.len());
            let squash = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_whitespace() && *c != ';')
                    .collect::<String>()
            };
            let mut no_comments = String::new();
            let mut rest = css.as_str();
            while let Some(i) = rest.find("/*") {
                no_comments.push_str(&rest[..i]);
                rest = &rest[i + rest[i..].find("*/").unwrap() + 2..];
            }
            no_comments.push_str(rest);
            assert_eq!(squash(&min), squash(&no_comments), "{}", path.display());
            assert_eq!(
                min.matches('{').count(),
                min.matches('}').count(),
                "{}",
                path.display()
            );
        }
        assert!(
            all_min < all * 3 / 4,
            "the styles shrink by a quarter: {all} → {all_min}"
        );
    }
}
