//! Colours: parsing the owner's accent and choosing readable text on it (WCAG 2.x contrast).

/// An sRGB colour with 8-bit channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Allo's default accent, a blue that carries white text at more than 4.5:1.
pub const DEFAULT_ACCENT: Rgb = Rgb(0x1d, 0x4e, 0xd8);
/// Text colour used on light accents. Pure black, not a softer near-black: only black and
/// white together guarantee 4.5:1 on every possible accent (a #111827 would fail mid-greys).
pub const DARK_TEXT: Rgb = Rgb(0, 0, 0);
/// Text colour used on dark accents.
pub const LIGHT_TEXT: Rgb = Rgb(0xff, 0xff, 0xff);

impl Rgb {
    /// Parses `#rgb` or `#rrggbb` (case-insensitive, surrounding spaces ignored).
    pub fn parse_hex(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let nib = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        match hex.len() {
            3 => Some(Rgb(nib(0)? * 17, nib(1)? * 17, nib(2)? * 17)),
            6 => Some(Rgb(byte(0)?, byte(2)?, byte(4)?)),
            _ => None,
        }
    }

    /// `#rrggbb`, as CSS wants it.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance as defined by WCAG 2.x.
    pub fn luminance(self) -> f64 {
        fn channel(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// The WCAG contrast ratio between two colours, from 1.0 to 21.0.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The text colour (dark or light) with the higher contrast on `background`.
///
/// For every sRGB colour one of the two reaches at least 4.5:1, so the owner may pick any
/// accent and the launcher stays readable.
pub fn text_on(background: Rgb) -> Rgb {
    if contrast(background, DARK_TEXT) >= contrast(background, LIGHT_TEXT) {
        DARK_TEXT
    } else {
        LIGHT_TEXT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_forms() {
        let cases = [
            ("#fff", Some(Rgb(255, 255, 255))),
            ("#1D4ED8", Some(Rgb(0x1d, 0x4e, 0xd8))),
            (" #000000 ", Some(Rgb(0, 0, 0))),
            ("fff", None),
            ("#ffff", None),
            ("#ggg", None),
            ("#ééé", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(Rgb::parse_hex(input), want, "input {input:?}");
        }
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgb(1, 2, 3), Rgb(1, 2, 3)) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 boundary grey.
        let grey = contrast(Rgb(0x76, 0x76, 0x76), Rgb(255, 255, 255));
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
    }

    #[test]
    fn text_on_any_accent_reaches_aa() {
        // Walk a coarse grid of the whole colour cube: every accent gets readable text.
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let bg = Rgb(r as u8, g as u8, b as u8);
                    let ratio = contrast(bg, text_on(bg));
                    assert!(ratio >= 4.5, "{} gives {ratio}", bg.to_hex());
                }
            }
        }
        assert_eq!(text_on(Rgb(255, 255, 0)), DARK_TEXT);
        assert_eq!(text_on(DEFAULT_ACCENT), LIGHT_TEXT);
    }
}
