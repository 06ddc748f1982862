//! Decimal text ↔ `f64` without core's float parsing and printing: what the JSON value, the CSS
//! lengths and the outbox lifetime read and write.
//!
//! Why not `str::parse::<f64>` and `{}`: in the wasm, core's correct-in-every-case algorithms
//! (Eisel-Lemire with its 128-bit power-of-five table, the big-decimal fallback, Grisu with the
//! Dragon fallback) came to ~14 KB gzip for numbers that are, in the widget, timestamps, counts,
//! ratings, minutes and lengths like `1.5`. Here a number with at most 15 significant digits and
//! a decimal exponent within ±22 is read exactly (the mantissa and the power of ten are both
//! exact `f64`s, so one multiplication or division rounds correctly: Clinger's fast path), and
//! [`write`] prints the shortest decimal that reads back to the same `f64` whenever one with at
//! most 15 significant digits exists. Anything beyond that (17-digit fractions like
//! `0.30000000000000004`, exponents like `1e300`) is read and written within a few units in the
//! last place, never refused; nothing the widget stores or sends is of that kind.
use std::fmt;

/// The largest integer below which every integer is an exact `f64` (2⁵³).
const EXACT_INT: u64 = 1 << 53;

/// 10⁰ … 10²²: every one is an exact `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `x · 10^e`, exact when `x` is an exact integer below 2⁵³ and `|e| ≤ 22`.
fn scale(x: f64, e: i32) -> f64 {
    let mut x = x;
    let mut e = e;
    // Outside the table: steps of 10²², each rounding once (the "few ulps" above).
    while e > 22 {
        x *= POW10[22];
        e -= 22;
    }
    while e < -22 {
        x /= POW10[22];
        e += 22;
    }
    if e >= 0 {
        x * POW10[e as usize]
    } else {
        x / POW10[(-e) as usize]
    }
}

/// Reads a decimal number: an optional sign, digits with an optional `.` (at least one digit
/// on either side), an optional exponent (`e`/`E`, optional sign, digits). `None` for anything
/// else, `inf` and `NaN` included. The grammar is `str::parse::<f64>`'s without the words;
/// callers with a stricter grammar (JSON, CSS) check it themselves.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    // Significant digits (up to 19 fit a u64) and the decimal exponent they are shifted by.
    let (mut mantissa, mut digits, mut exp) = (0u64, 0u32, 0i32);
    let mut seen = false;
    let mut push = |d: u8, exp: &mut i32, fraction: bool| {
        seen = true;
        if mantissa == 0 && d == 0 {
            // Leading zeros carry no digit; in the fraction they still shift.
            if fraction {
                *exp -= 1;
            }
        } else if digits < 19 {
            mantissa = mantissa * 10 + u64::from(d);
            digits += 1;
            if fraction {
                *exp -= 1;
            }
        } else if !fraction {
            // Digits beyond the 19th only scale (their value is lost, as in any f64).
            *exp += 1;
        }
    };
    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        push(c - b'0', &mut exp, false);
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            push(c - b'0', &mut exp, true);
            i += 1;
        }
    }
    if !seen {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let from = i;
        let mut e: i32 = 0;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            // Saturates: 1e99999 is infinite and 1e-99999 zero either way.
            e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
            i += 1;
        }
        if i == from {
            return None;
        }
        exp = exp.saturating_add(sign * e);
    }
    if i != b.len() {
        return None;
    }
    // Past 2⁵³ (16+ significant digits) the mantissa itself rounds once before scaling.
    let value = if mantissa == 0 {
        0.0
    } else {
        scale(mantissa as f64, exp.clamp(-400, 400))
    };
    Some(if negative { -value } else { value })
}

/// Writes `n` as a JSON-compatible decimal: integers as integers (`1764547200000`), other
/// numbers with the fewest fraction digits that read back to `n` (`1.5`, `0.1`), in exponent
/// form past 2⁵³ or for what needs more than 15 significant digits. Non-finite numbers have no
/// JSON form: the caller decides (the JSON writer writes `null`).
// An index loop: the iterator form clippy suggests came out 68 B gzip larger in the wasm.
// `dyn`, not generic: the JSON writer (a `Formatter`) and `to_string` (a `String`) share one
// copy of the printer (issue 22: it was one per writer type).
#[allow(clippy::needless_range_loop)]
pub fn write(n: f64, f: &mut dyn fmt::Write) -> fmt::Result {
    if n < 0.0 {
        f.write_char('-')?;
    }
    let a = n.abs();
    if a < EXACT_INT as f64 {
        if a.fract() == 0.0 {
            return write!(f, "{}", a as u64);
        }
        // The fewest fraction digits k with an integer m near a·10^k such that m / 10^k (one
        // correctly rounded division: exact reading) is a again. The product itself rounds,
        // so its neighbours are tried too.
        for k in 1..=22 {
            let m = (a * POW10[k]).round();
            if m + 1.0 >= EXACT_INT as f64 {
                break;
            }
            for m in [m, m - 1.0, m + 1.0] {
                if m >= 0.0 && m / POW10[k] == a {
                    return write_fixed(m as u64, k, f);
                }
            }
        }
    }
    write_scientific(a, f)
}

/// `m · 10^-k` as `int.frac` (k ≥ 1 fraction digits, leading zeros kept).
fn write_fixed(m: u64, k: usize, f: &mut dyn fmt::Write) -> fmt::Result {
    let p = 10u64.pow(k as u32);
    let (int, frac) = (m / p, m % p);
    write!(f, "{int}.")?;
    let frac = format!("{frac:0k$}");
    f.write_str(frac.trim_end_matches('0'))
}

/// `a` (positive, finite) as `d.ddde±x` with up to 17 significant digits.
fn write_scientific(a: f64, f: &mut dyn fmt::Write) -> fmt::Result {
    if a == 0.0 {
        return f.write_str("0");
    }
    // The decimal exponent: 10^e ≤ a < 10^(e+1).
    let mut e = 0i32;
    while scale(1.0, e + 1) <= a {
        e += 1;
    }
    while scale(1.0, e) > a {
        e -= 1;
    }
    // The digits, fewest first, until they read back (17 always suffice, within the rounding
    // of `scale` for extreme exponents).
    let mut best = (0u64, 1usize);
    for digits in 1..=17usize {
        let m = scale(a, digits as i32 - 1 - e).round() as u64;
        best = (m, digits);
        let back = scale(m as f64, e - (digits as i32 - 1));
        if back == a {
            break;
        }
    }
    let (m, digits) = best;
    // Rounding up may add a digit (9.99… → 10): keep one digit before the point.
    let (m, digits, e) = if m >= 10u64.pow(digits as u32) {
        (m / 10, digits, e + 1)
    } else {
        (m, digits, e)
    };
    let text = m.to_string();
    let (head, tail) = text.split_at(1);
    let tail = tail.trim_end_matches('0');
    f.write_str(head)?;
    if !tail.is_empty() && digits > 1 {
        write!(f, ".{tail}")?;
    }
    write!(f, "e{e}")
}

/// [`write`] into a new string.
pub fn to_string(n: f64) -> String {
    let mut s = String::new();
    // Writing into a String does not fail.
    let _ = write(n, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape the settings, the stored items and the submission hold reads exactly as
    /// Rust's own parser reads it, and writes back to the same text.
    #[test]
    fn exact_shapes_read_and_write_back() {
        let cases = [
            // Timestamps in ms, ids and counts.
            "0",
            "1",
            "42",
            "1764547200000",
            "9007199254740991",
            "-1",
            "-3600000",
            // Ratings, minutes, ports, z-index.
            "5",
            "15",
            "2147483000",
            // Fractions: lengths, lifetimes in days, ratios.
            "1.5",
            "0.5",
            "0.1",
            "0.25",
            "2.75",
            "12.5",
            "-0.75",
            "0.001",
            "0.000001",
            "123.456",
            "99999.99",
            "3.14159",
        ];
        for text in cases {
            let want: f64 = text.parse().unwrap();
            let got = parse(text).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{text}");
            assert_eq!(to_string(got), text, "{text}");
            // And what Rust's own printer says, for these shapes.
            assert_eq!(to_string(got), format!("{want}"), "{text}");
        }
    }

    #[test]
    fn grammar_and_other_forms() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1e3", Some(1000.0)),
            ("1E3", Some(1000.0)),
            ("2.5e-3", Some(0.0025)),
            ("1e+2", Some(100.0)),
            ("-0", Some(-0.0)),
            ("+7", Some(7.0)),
            ("007", Some(7.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("0.000", Some(0.0)),
            ("1e400", Some(f64::INFINITY)),
            ("1e-400", Some(0.0)),
            ("", None),
            ("-", None),
            (".", None),
            ("e5", None),
            ("1e", None),
            ("1e+", None),
            ("1.2.3", None),
            ("12px", None),
            (" 1", None),
            ("inf", None),
            ("NaN", None),
            ("0x10", None),
        ];
        for &(text, want) in cases {
            assert_eq!(
                parse(text).map(f64::to_bits),
                want.map(f64::to_bits),
                "{text:?}"
            );
        }
    }

    /// Numbers past the exact range still read and write close to what Rust does.
    #[test]
    fn beyond_the_exact_range_is_close() {
        for text in [
            "0.30000000000000004",
            "1.7976931348623157e308",
            "5e-324",
            "123456789012345678901234",
            "1e100",
            "6.02214076e23",
        ] {
            let want: f64 = text.parse().unwrap();
            let got = parse(text).unwrap();
            let close =
                |a: f64, b: f64| a == b || ((a - b) / b).abs() < 1e-14 || (a - b).abs() < 1e-300;
            assert!(close(got, want), "{text}: {got:e} vs {want:e}");
            let back = parse(&to_string(got)).unwrap();
            assert!(close(back, got), "{text}: wrote {}", to_string(got));
        }
        assert_eq!(to_string(1e21), "1e21");
        assert_eq!(to_string(1.5e300), "1.5e300");
        assert_eq!(to_string(-2e-30), "-2e-30");
    }

    /// Integers are exact across the whole range a timestamp can take, and a random sample of
    /// two-decimal amounts round-trips exactly.
    #[test]
    fn integers_and_cents_are_exact() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int = x % EXACT_INT;
            let text = int.to_string();
            assert_eq!(parse(&text), Some(int as f64), "{text}");
            assert_eq!(to_string(int as f64), text);
            let cents = format!("{}.{:02}", x % 1_000_000, x % 100);
            let want: f64 = cents.parse().unwrap();
            assert_eq!(parse(&cents), Some(want), "{cents}");
            assert_eq!(parse(&to_string(want)), Some(want), "{cents}");
            assert_eq!(to_string(want), format!("{want}"), "{cents}");
        }
    }
}
