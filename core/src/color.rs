//! Colours: parsing the owner's accent, choosing readable text on it, deriving an accent that
//! stays readable on the panel, and the light and dark palettes (WCAG 2.x contrast, checked here
//! by tests rather than by eye: `styles.rs` turns these values into the CSS custom properties).

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
        let hex = s.trim().strip_prefix('#')?.as_bytes();
        // `to_digit` rather than `u8::from_str_radix`: no general radix parser in the wasm.
        let nib = |i: usize| char::from(hex[i]).to_digit(16).map(|d| d as u8);
        let byte = |i: usize| Some(nib(i)? * 16 + nib(i + 1)?);
        match hex.len() {
            3 => Some(Rgb(nib(0)? * 17, nib(1)? * 17, nib(2)? * 17)),
            6 => Some(Rgb(byte(0)?, byte(2)?, byte(4)?)),
            _ => None,
        }
    }

    /// `#rrggbb`, as CSS wants it.
    pub fn to_hex(self) -> String {
        let mut out = String::from("#");
        for c in [self.0, self.1, self.2] {
            crate::id::push_hex(&mut out, c);
        }
        out
    }

    /// Relative luminance as defined by WCAG 2.x.
    pub fn luminance(self) -> f64 {
        fn channel(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                pow_2_4((c + 0.055) / 1.055)
            }
        }
        // `x^2.4` as `x² · (x^⅕)²`, the fifth root by Newton's method from `x^¼` (two square
        // roots, a wasm instruction each): `powf` brought libm's `pow` (~2.2 KB) into the wasm
        // for this one use (issue 22). For `x` in (0.04, 1], eight steps reach `f64` precision;
        // a host test compares with `powf` on every channel value.
        fn pow_2_4(x: f64) -> f64 {
            let mut y = x.sqrt().sqrt();
            for _ in 0..8 {
                let y2 = y * y;
                y = (4.0 * y + x / (y2 * y2)) / 5.0;
            }
            x * x * y * y
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

impl Rgb {
    /// `self` moved toward `other` by `t` (0.0–1.0).
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let t = t.clamp(0.0, 1.0);
        let ch = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(
            ch(self.0, other.0),
            ch(self.1, other.1),
            ch(self.2, other.2),
        )
    }
}

/// The lowest contrast of `color` against any of `backgrounds`.
fn worst(color: Rgb, backgrounds: &[Rgb]) -> f64 {
    backgrounds
        .iter()
        .map(|b| contrast(color, *b))
        .fold(f64::INFINITY, f64::min)
}

/// The accent as used *on* the panel (selected borders, checked boxes, accent text): the owner's
/// colour itself when it already reaches `min` against every one of `backgrounds`, otherwise the
/// closest shade of it (mixed toward black or white, whichever the backgrounds contrast with)
/// that does. The hue survives, so the panel still looks like the shop's.
///
/// `backgrounds` must all be light or all be dark (a palette's surfaces are); then black or
/// white reaches any `min` up to 4.5:1 against all of them, and so does the result.
pub fn readable_on(color: Rgb, backgrounds: &[Rgb], min: f64) -> Rgb {
    if worst(color, backgrounds) >= min {
        return color;
    }
    let toward = if worst(DARK_TEXT, backgrounds) >= worst(LIGHT_TEXT, backgrounds) {
        DARK_TEXT
    } else {
        LIGHT_TEXT
    };
    // Contrast grows monotonically as the colour moves toward the extreme, so bisect for the
    // smallest step that reaches `min` (20 rounds is far below one 8-bit step).
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..20 {
        let mid = (lo + hi) / 2.0;
        if worst(color.mix(toward, mid), backgrounds) >= min {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    color.mix(toward, hi)
}

/// Every colour of one scheme. `styles.rs` emits each as a `--allo-*` custom property on `:host`;
/// the tests below check every pair the CSS puts together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// `light` or `dark`: the CSS `color-scheme`, so native controls and scrollbars match.
    pub name: &'static str,
    /// The panel's background.
    pub bg: Rgb,
    /// Body text.
    pub fg: Rgb,
    /// Secondary text (hints, scale ends, counters).
    pub muted: Rgb,
    /// Decorative lines (the panel's edge, dividers): no contrast requirement.
    pub border: Rgb,
    /// The edge of inputs and rating options: 3:1 against `bg` and `field` (WCAG 1.4.11).
    pub control: Rgb,
    /// The inside of inputs.
    pub field: Rgb,
    /// Quiet surfaces inside the panel (the tab track, the promise box).
    pub subtle: Rgb,
    /// Error text and the edge of invalid inputs.
    pub error: Rgb,
    /// The reference after a success.
    pub success: Rgb,
    /// The focus ring.
    pub focus: Rgb,
}

impl Palette {
    /// The surfaces text and accents are drawn on.
    pub fn surfaces(&self) -> [Rgb; 3] {
        [self.bg, self.field, self.subtle]
    }

    /// The owner's accent made readable on this palette (4.5:1, so it may carry text too).
    pub fn accent_ink(&self, accent: Rgb) -> Rgb {
        readable_on(accent, &self.surfaces(), 4.5)
    }
}

/// The light scheme.
pub const LIGHT: Palette = Palette {
    name: "light",
    bg: Rgb(0xff, 0xff, 0xff),
    fg: Rgb(0x11, 0x18, 0x27),
    muted: Rgb(0x4b, 0x55, 0x63),
    border: Rgb(0xd1, 0xd5, 0xdb),
    control: Rgb(0x86, 0x8e, 0x9c),
    field: Rgb(0xff, 0xff, 0xff),
    subtle: Rgb(0xee, 0xf0, 0xf3),
    error: Rgb(0xb9, 0x1c, 0x1c),
    success: Rgb(0x16, 0x65, 0x34),
    focus: Rgb(0x25, 0x63, 0xeb),
};

/// The dark scheme.
pub const DARK: Palette = Palette {
    name: "dark",
    bg: Rgb(0x1f, 0x29, 0x37),
    fg: Rgb(0xf9, 0xfa, 0xfb),
    muted: Rgb(0xd1, 0xd5, 0xdb),
    border: Rgb(0x4b, 0x55, 0x63),
    control: Rgb(0x7c, 0x85, 0x95),
    field: Rgb(0x11, 0x18, 0x27),
    subtle: Rgb(0x2c, 0x35, 0x41),
    error: Rgb(0xfc, 0xa5, 0xa5),
    success: Rgb(0x86, 0xef, 0xac),
    focus: Rgb(0x93, 0xc5, 0xfd),
};

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
            ("#+1+2+3", None),
            ("#a0F", Some(Rgb(0xaa, 0x00, 0xff))),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(Rgb::parse_hex(input), want, "input {input:?}");
        }
        assert_eq!(Rgb(0x1d, 0x4e, 0x08).to_hex(), "#1d4e08");
        assert_eq!(Rgb(0, 255, 16).to_hex(), "#00ff10");
    }

    #[test]
    fn luminance_agrees_with_powf_on_every_channel_value() {
        for c in 0..=255u8 {
            let x = f64::from(c) / 255.0;
            let want = if x <= 0.039_28 {
                x / 12.92
            } else {
                ((x + 0.055) / 1.055).powf(2.4)
            };
            let got = Rgb(c, 0, 0).luminance() / 0.2126;
            assert!(
                (got - want).abs() <= 1e-15 * want.max(1e-3),
                "{c}: {got} vs {want}"
            );
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

    /// A coarse walk of the whole colour cube, plus the colours owners pick most.
    fn accents() -> impl Iterator<Item = Rgb> {
        let grid = (0..=255).step_by(17).flat_map(|r| {
            (0..=255).step_by(17).flat_map(move |g| {
                (0..=255)
                    .step_by(17)
                    .map(move |b| Rgb(r as u8, g as u8, b as u8))
            })
        });
        const PICKED: [&str; 9] = [
            "#7c2d12", "#ffff00", "#00ff00", "#1d4ed8", "#e11d48", "#777777", "#000000", "#ffffff",
            "#0ea5e9",
        ];
        grid.chain(PICKED.iter().map(|h| Rgb::parse_hex(h).unwrap()))
    }

    #[test]
    fn accent_ink_is_readable_on_every_surface_of_both_schemes() {
        for palette in [LIGHT, DARK] {
            for accent in accents() {
                let ink = palette.accent_ink(accent);
                for surface in palette.surfaces() {
                    let ratio = contrast(ink, surface);
                    assert!(
                        ratio >= 4.5,
                        "{} on {} ({}) gives {}: {ratio}",
                        accent.to_hex(),
                        surface.to_hex(),
                        palette.name,
                        ink.to_hex()
                    );
                }
            }
        }
    }

    #[test]
    fn accent_ink_keeps_a_readable_accent_and_only_shades_the_rest() {
        // Already readable: unchanged.
        assert_eq!(LIGHT.accent_ink(DEFAULT_ACCENT), DEFAULT_ACCENT);
        // A dark brown on the dark panel is lightened, a yellow on the light panel darkened,
        // each keeping its hue (the dominant channel stays dominant).
        let brown = Rgb::parse_hex("#7c2d12").unwrap();
        assert_eq!(LIGHT.accent_ink(brown), brown);
        let lifted = DARK.accent_ink(brown);
        assert!(
            lifted.luminance() > brown.luminance() && lifted.0 > lifted.2,
            "{}",
            lifted.to_hex()
        );
        let yellow = Rgb(0xff, 0xd7, 0x00);
        let deep = LIGHT.accent_ink(yellow);
        assert!(
            deep.luminance() < yellow.luminance() && deep.0 >= deep.1 && deep.1 > deep.2,
            "{}",
            deep.to_hex()
        );
        // Just enough: a little less would not do (on the quietest surface, the binding one).
        let back = deep.mix(yellow, 0.02);
        assert!(worst(back, &LIGHT.surfaces()) < 4.5, "{}", back.to_hex());
    }

    #[test]
    fn palettes_meet_wcag_aa() {
        for p in [LIGHT, DARK] {
            let text = [("fg", p.fg), ("muted", p.muted), ("error", p.error)];
            for (name, color) in text {
                for surface in p.surfaces() {
                    let ratio = contrast(color, surface);
                    assert!(
                        ratio >= 4.5,
                        "{} {name} on {}: {ratio}",
                        p.name,
                        surface.to_hex()
                    );
                }
            }
            assert!(contrast(p.success, p.bg) >= 4.5, "{} success", p.name);
            // Non-text: the edges that show where a field is, and the focus ring (WCAG 1.4.11).
            for (name, color) in [
                ("control", p.control),
                ("error", p.error),
                ("focus", p.focus),
            ] {
                for surface in [p.bg, p.field] {
                    let ratio = contrast(color, surface);
                    assert!(
                        ratio >= 3.0,
                        "{} {name} on {}: {ratio}",
                        p.name,
                        surface.to_hex()
                    );
                }
            }
        }
    }

    #[test]
    fn mix_goes_from_one_colour_to_the_other() {
        let (a, b) = (Rgb(0, 100, 200), Rgb(255, 255, 255));
        assert_eq!(a.mix(b, 0.0), a);
        assert_eq!(a.mix(b, 1.0), b);
        assert_eq!(a.mix(b, 0.5), Rgb(128, 178, 228));
        assert_eq!(a.mix(b, 7.0), b);
    }
}
