//! Phone numbers: turning what a visitor types into E.164 (`+33612345678`).
//!
//! A full numbering-plan library (libphonenumber's metadata) would outweigh the whole widget, so
//! this is a small hand-written table of the countries Allo's shops and their customers actually
//! use: calling code, national trunk prefix and a rough length range. It catches typos and
//! normalises formats; it does not promise that a number is assigned (only calling it does).

/// One country of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code, uppercase.
    pub iso: &'static str,
    /// The international calling code, without `+`.
    pub calling_code: &'static str,
    /// The trunk prefix dialled before national numbers (`0` in most of Europe, `1` in North
    /// America), empty where there is none.
    pub trunk: &'static str,
    /// True when the trunk digit is part of the number and stays in the international form
    /// (Italy, San Marino, the Vatican: `06 1234 5678` → `+39 06 1234 5678`).
    pub keeps_trunk: bool,
    /// Shortest national significant number (digits after the calling code).
    pub min_len: u8,
    /// Longest national significant number.
    pub max_len: u8,
}

const fn c(
    iso: &'static str,
    calling_code: &'static str,
    trunk: &'static str,
    keeps_trunk: bool,
    min_len: u8,
    max_len: u8,
) -> Country {
    Country {
        iso,
        calling_code,
        trunk,
        keeps_trunk,
        min_len,
        max_len,
    }
}

/// Every country Allo knows, alphabetical by ISO code.
///
/// Length ranges are deliberately generous (they include short service numbers and the longest
/// landline plans), because refusing a real number is worse than letting a typo through.
/// Countries sharing a calling code (US/CA on `+1`, IT/VA on `+39`) have identical rules, so
/// matching an international number on the first row with its code is safe.
pub static COUNTRIES: &[Country] = &[
    c("AT", "43", "0", false, 4, 13),
    c("AU", "61", "0", false, 9, 9),
    c("BE", "32", "0", false, 8, 9),
    c("BR", "55", "0", false, 10, 11),
    c("CA", "1", "1", false, 10, 10),
    c("CH", "41", "0", false, 9, 9),
    // Côte d'Ivoire: since 2021 ten digits whose leading 0 is part of the number, no trunk.
    c("CI", "225", "", false, 8, 10),
    c("CZ", "420", "", false, 9, 9),
    c("DE", "49", "0", false, 5, 13),
    c("DK", "45", "", false, 8, 8),
    c("DZ", "213", "0", false, 8, 9),
    c("ES", "34", "", false, 9, 9),
    c("FI", "358", "0", false, 5, 12),
    c("FR", "33", "0", false, 9, 9),
    c("GB", "44", "0", false, 9, 10),
    c("GR", "30", "", false, 10, 10),
    c("IE", "353", "0", false, 7, 9),
    c("IN", "91", "0", false, 10, 10),
    c("IT", "39", "0", true, 6, 11),
    c("JP", "81", "0", false, 9, 10),
    c("LU", "352", "", false, 4, 11),
    c("MA", "212", "0", false, 9, 9),
    // Mexico dropped its trunk prefixes (01, 044, 045) in 2019: ten digits, dialled as is.
    c("MX", "52", "", false, 10, 10),
    c("NL", "31", "0", false, 9, 9),
    c("NO", "47", "", false, 8, 8),
    c("PL", "48", "", false, 9, 9),
    c("PT", "351", "", false, 9, 9),
    c("SE", "46", "0", false, 6, 10),
    // San Marino's numbers start with 0549 and keep the 0 after +378, like Italy's.
    c("SM", "378", "0", true, 6, 10),
    c("SN", "221", "", false, 9, 9),
    c("TN", "216", "", false, 8, 8),
    c("US", "1", "1", false, 10, 10),
    // The Vatican is reached through Italy's plan (+39 06 698…).
    c("VA", "39", "0", true, 6, 11),
];

/// The table row for an ISO code (case-insensitive, surrounding spaces ignored).
pub fn country(iso: &str) -> Option<&'static Country> {
    let iso = iso.trim();
    COUNTRIES.iter().find(|c| c.iso.eq_ignore_ascii_case(iso))
}

/// The row whose calling code starts `digits` (E.164 calling codes are prefix-free, so at most
/// one code matches; rows sharing it have the same rules).
fn by_calling_code(digits: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| digits.starts_with(c.calling_code))
}

/// A phone number in E.164 form: `+` then 7 to 15 digits, the first not `0`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct E164(String);

impl E164 {
    /// The number as text, e.g. `+33612345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as an owned `String`, for the submission.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for E164 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a typed number cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing but spaces and separators.
    Empty,
    /// Letters or symbols other than spaces, `.`, `-`, `(`, `)`, `/` and a leading `+`.
    InvalidCharacters,
    /// Too few digits for the country (or for any E.164 number).
    TooShort,
    /// Too many digits for the country (or for any E.164 number).
    TooLong,
    /// A national number with a country Allo does not know; the visitor must type `+` and the
    /// calling code.
    UnknownCountry,
}

impl PhoneError {
    /// A stable machine-readable code, for the widget's strings and the collector's answers.
    pub fn code(self) -> &'static str {
        match self {
            PhoneError::Empty => "empty",
            PhoneError::InvalidCharacters => "invalid_characters",
            PhoneError::TooShort => "too_short",
            PhoneError::TooLong => "too_long",
            PhoneError::UnknownCountry => "unknown_country",
        }
    }
}

impl std::fmt::Display for PhoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PhoneError::Empty => "the phone number is empty",
            PhoneError::InvalidCharacters => {
                "the phone number may only contain digits, spaces, . - ( ) / and a leading +"
            }
            PhoneError::TooShort => "the phone number has too few digits",
            PhoneError::TooLong => "the phone number has too many digits",
            PhoneError::UnknownCountry => {
                "unknown country: type the number with + and its country code"
            }
        })
    }
}

impl std::error::Error for PhoneError {}

/// Separators people type or paste inside numbers: spaces of every kind, `.`, `/`, parentheses
/// and dashes (including the Unicode hyphen and dashes word processors substitute).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '/' | '(' | ')' | '-' | '\u{2010}'..='\u{2015}')
}

/// Normalises what the visitor typed to E.164, reading national numbers in `country`'s plan.
///
/// * Separators are dropped; a leading `00` means `+`.
/// * With `+`, the number is international and `country` is ignored. A `(0)` right after the
///   calling code is dropped (`+44 (0)20 …`), as is a stray trunk `0` of a known country that
///   does not keep it (`+33 06 …` is a common mix of both forms).
/// * Without it, `country`'s calling code is added and its trunk prefix dropped, unless the
///   country keeps it (Italy).
///
/// The result has 7 to 15 digits and, when the calling code is in [`COUNTRIES`], a national
/// number within that country's rough length range.
pub fn normalize(raw: &str, country_iso: &str) -> Result<E164, PhoneError> {
    let trimmed = raw.trim();
    let (mut international, rest) = match trimmed.strip_prefix('+') {
        Some(after) => (true, after),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(16);
    // Where a parenthesised lone zero ("+44 (0)20") stood, in `digits`: it means "omit when
    // calling from abroad", which only matters once we know the number is international.
    let mut bracket_zero: Option<usize> = None;
    let mut chars = rest.chars();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else if ch == '(' && bracket_zero.is_none() {
            let mut look = chars.clone();
            let mut next = || look.find(|c: &char| !c.is_whitespace());
            if next() == Some('0') && next() == Some(')') {
                bracket_zero = Some(digits.len());
                digits.push('0');
                chars = look;
            }
        } else if !is_separator(ch) {
            return Err(PhoneError::InvalidCharacters);
        }
    }
    if digits.is_empty() {
        // Any character that is neither digit nor separator was refused above.
        return Err(PhoneError::Empty);
    }
    if !international {
        if let Some(intl) = digits.strip_prefix("00") {
            international = true;
            digits = intl.to_owned();
            bracket_zero = bracket_zero.and_then(|at| at.checked_sub(2));
        }
    }
    if let (true, Some(at)) = (international, bracket_zero) {
        // Italy and its neighbours dial that 0 from abroad too; everyone else drops it.
        let keep = by_calling_code(&digits).is_some_and(|c| c.keeps_trunk)
            && by_calling_code(&digits[..at]).is_some();
        if !keep {
            digits.remove(at);
        }
    }

    // The calling code and the national number, joined once at the end (one `concat` rather
    // than three `format!`s; with the plain `Chars` above, −38 B gzip).
    let (code, national) = if international {
        // Known calling code: drop a stray trunk digit and check the national length.
        match by_calling_code(&digits) {
            Some(c) => {
                let national = strip_trunk(c, &digits[c.calling_code.len()..]);
                check_len(c, national)?;
                (c.calling_code, national)
            }
            None => ("", digits.as_str()),
        }
    } else {
        let c = country(country_iso).ok_or(PhoneError::UnknownCountry)?;
        let national = strip_trunk(c, &digits);
        check_len(c, national)?;
        (c.calling_code, national)
    };

    match code.len() + national.len() {
        n if n < 7 => Err(PhoneError::TooShort),
        n if n > 15 => Err(PhoneError::TooLong),
        // A calling code never starts with 0 (e.g. "+0612…" is a national number typed with +).
        _ if code.is_empty() && national.starts_with('0') => Err(PhoneError::InvalidCharacters),
        _ => Ok(E164(["+", code, national].concat())),
    }
}

fn strip_trunk<'a>(c: &Country, national: &'a str) -> &'a str {
    if c.keeps_trunk || c.trunk.is_empty() {
        return national;
    }
    national.strip_prefix(c.trunk).unwrap_or(national)
}

fn check_len(c: &Country, national: &str) -> Result<(), PhoneError> {
    match national.len() {
        n if n < usize::from(c.min_len) => Err(PhoneError::TooShort),
        n if n > usize::from(c.max_len) => Err(PhoneError::TooLong),
        _ => Ok(()),
    }
}

/// The country preselected in the widget's phone field.
///
/// The owner's setting wins when Allo knows it. Otherwise each locale tag is tried in the
/// visitor's order of preference: its region when it has one Allo knows (`fr-BE` → BE), else
/// the main country of its language (`de` → DE, `en` → US). Tags are tried one by one rather
/// than "first region anywhere" so that `["de", "en-US"]`, a German speaker with English as a
/// fallback, gets DE and not US. Nothing usable gives "US".
pub fn default_country<S: AsRef<str>>(owner: Option<&str>, locale_tags: &[S]) -> &'static str {
    if let Some(c) = owner.and_then(country) {
        return c.iso;
    }
    for tag in locale_tags {
        let mut subtags = tag.as_ref().trim().split(['-', '_']);
        let language = subtags.next().unwrap_or("").to_ascii_lowercase();
        // The region is the first two-letter subtag after the language (a script subtag such
        // as `Latn` has four letters, a UN M.49 region such as `419` has digits).
        let region = subtags.find(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()));
        if let Some(c) = region.and_then(country) {
            return c.iso;
        }
        let by_language = match language.as_str() {
            "fr" => "FR",
            "de" => "DE",
            "es" => "ES",
            "it" => "IT",
            "nl" => "NL",
            "en" => "US",
            "pt" => "PT",
            "da" => "DK",
            "sv" => "SE",
            "nb" | "nn" | "no" => "NO",
            "fi" => "FI",
            "pl" => "PL",
            "cs" => "CZ",
            "el" => "GR",
            "ja" => "JP",
            _ => continue,
        };
        return by_language;
    }
    "US"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_national_and_international_forms() {
        let cases = [
            // France: trunk 0 dropped, every separator style.
            ("06 12 34 56 78", "FR", "+33612345678"),
            ("06.12.34.56.78", "FR", "+33612345678"),
            ("06-12-34-56-78", "fr", "+33612345678"),
            ("0033 6 12 34 56 78", "FR", "+33612345678"),
            ("0033 6 12 34 56 78", "US", "+33612345678"),
            ("+33 6 12 34 56 78", "DE", "+33612345678"),
            ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
            ("+33 06 12 34 56 78", "FR", "+33612345678"),
            (" 01\u{a0}23\u{a0}45\u{a0}67\u{a0}89 ", "FR", "+33123456789"),
            // Belgium, Switzerland, Germany.
            ("0470 12 34 56", "BE", "+32470123456"),
            ("02 123 45 67", "BE", "+3221234567"),
            ("044 668 18 00", "CH", "+41446681800"),
            ("030 / 123 456 78", "DE", "+493012345678"),
            ("(0)30 12345678", "DE", "+493012345678"),
            ("0151 23456789", "DE", "+4915123456789"),
            // Italy keeps its 0, internationally too; mobiles have none.
            ("06 1234 5678", "IT", "+390612345678"),
            ("+39 06 1234 5678", "FR", "+390612345678"),
            ("+39 (0)6 1234 5678", "FR", "+390612345678"),
            ("333 123 4567", "IT", "+393331234567"),
            ("0549 123456", "SM", "+3780549123456"),
            // Spain has no trunk prefix.
            ("612 34 56 78", "ES", "+34612345678"),
            ("91 123 45 67", "ES", "+34911234567"),
            // United Kingdom.
            ("07700 900123", "GB", "+447700900123"),
            ("+44 (0)7700 900123", "FR", "+447700900123"),
            ("+44 (0) 20 7946 0958", "GB", "+442079460958"),
            ("0044 (0)20 7946 0958", "FR", "+442079460958"),
            ("+34 (0)91 123 45 67", "FR", "+34911234567"),
            ("020 7946 0958", "gb", "+442079460958"),
            // North America: the trunk 1 is optional nationally.
            ("(415) 555-2671", "US", "+14155552671"),
            ("1 415 555 2671", "US", "+14155552671"),
            ("+1 (415) 555-2671", "FR", "+14155552671"),
            ("416-555-0199", "CA", "+14165550199"),
            // A few more of the table.
            ("0612345678", "NL", "+31612345678"),
            ("0661 23 45 67", "MA", "+212661234567"),
            ("20 123 456", "TN", "+21620123456"),
            ("77 123 45 67", "SN", "+221771234567"),
            ("07 07 12 34 56", "CI", "+2250707123456"),
            ("0412 345 678", "AU", "+61412345678"),
            ("090-1234-5678", "JP", "+819012345678"),
            ("(11) 91234-5678", "BR", "+5511912345678"),
            ("098765 43210", "IN", "+919876543210"),
            // Unknown calling codes only get the E.164 length check.
            ("+7 912 345 67 89", "FR", "+79123456789"),
            ("+7 (0) 912 345 67 89", "FR", "+79123456789"),
        ];
        for (raw, country, want) in cases {
            assert_eq!(
                normalize(raw, country).map(E164::into_string),
                Ok(want.to_owned()),
                "{raw:?} in {country}"
            );
        }
    }

    #[test]
    fn rejects_bad_input_with_typed_errors() {
        let cases = [
            ("", "FR", PhoneError::Empty),
            ("   ", "FR", PhoneError::Empty),
            (" - . ", "FR", PhoneError::Empty),
            ("+", "FR", PhoneError::Empty),
            ("06 12 34 56 7a", "FR", PhoneError::InvalidCharacters),
            ("call me", "FR", PhoneError::InvalidCharacters),
            ("06 12 34 56 78 ext 12", "FR", PhoneError::InvalidCharacters),
            ("06+12345678", "FR", PhoneError::InvalidCharacters),
            ("++33612345678", "FR", PhoneError::InvalidCharacters),
            ("０６１２３４５６７８", "FR", PhoneError::InvalidCharacters),
            ("+0612345678", "FR", PhoneError::InvalidCharacters),
            ("06 12 34 56", "FR", PhoneError::TooShort),
            ("06 12 34 56 78 9", "FR", PhoneError::TooLong),
            ("+33 6 12 34", "FR", PhoneError::TooShort),
            ("415 555 267", "US", PhoneError::TooShort),
            ("12", "XX", PhoneError::UnknownCountry),
            ("06 12 34 56 78", "", PhoneError::UnknownCountry),
            ("+999 1", "FR", PhoneError::TooShort),
            ("+999 1234 5678 9012 34", "FR", PhoneError::TooLong),
        ];
        for (raw, country, want) in cases {
            assert_eq!(normalize(raw, country), Err(want), "{raw:?} in {country}");
        }
    }

    #[test]
    fn error_codes_are_stable() {
        let codes: Vec<_> = [
            PhoneError::Empty,
            PhoneError::InvalidCharacters,
            PhoneError::TooShort,
            PhoneError::TooLong,
            PhoneError::UnknownCountry,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(
            codes,
            [
                "empty",
                "invalid_characters",
                "too_short",
                "too_long",
                "unknown_country"
            ]
        );
    }

    #[test]
    fn table_is_sane() {
        let required = [
            "FR", "BE", "CH", "DE", "AT", "IT", "ES", "PT", "NL", "LU", "GB", "IE", "US", "CA",
            "DK", "SE", "NO", "FI", "PL", "CZ", "GR", "MA", "TN", "DZ", "SN", "CI", "AU", "JP",
            "BR", "MX", "IN", "SM", "VA",
        ];
        for iso in required {
            assert!(country(iso).is_some(), "{iso} missing");
        }
        for (i, c) in COUNTRIES.iter().enumerate() {
            assert!(c.iso.len() == 2 && c.iso.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(c.calling_code.bytes().all(|b| b.is_ascii_digit()));
            assert!(c.min_len <= c.max_len, "{}", c.iso);
            assert!(
                c.calling_code.len() + usize::from(c.max_len) <= 15,
                "{}",
                c.iso
            );
            assert!(!c.keeps_trunk || !c.trunk.is_empty(), "{}", c.iso);
            assert!(
                i == 0 || COUNTRIES[i - 1].iso < c.iso,
                "{} out of order",
                c.iso
            );
            // Rows sharing a calling code must agree, or by_calling_code would pick arbitrarily.
            if let Some(first) = by_calling_code(c.calling_code) {
                assert_eq!(
                    (first.trunk, first.keeps_trunk, first.min_len, first.max_len),
                    (c.trunk, c.keeps_trunk, c.min_len, c.max_len),
                    "{} vs {}",
                    first.iso,
                    c.iso
                );
            }
        }
    }

    #[test]
    fn default_country_prefers_owner_then_locales() {
        let cases: &[(Option<&str>, &[&str], &str)] = &[
            (Some("BE"), &["fr-FR"], "BE"),
            (Some("ch"), &[], "CH"),
            (Some("XX"), &["fr-BE"], "BE"),
            (None, &["fr-BE", "fr"], "BE"),
            (None, &["de"], "DE"),
            (None, &["de", "en-US"], "DE"),
            (None, &["en"], "US"),
            (None, &["en-GB"], "GB"),
            (None, &["en_IE"], "IE"),
            (None, &["sr-Latn-RS", "it"], "IT"),
            (None, &["zh-Hant-TW", "pt-BR"], "BR"),
            (None, &["es-419"], "ES"),
            (None, &["ru-RU", "nl"], "NL"),
            (None, &["ja"], "JP"),
            (None, &["zz"], "US"),
            (None, &[], "US"),
        ];
        for (owner, tags, want) in cases {
            assert_eq!(default_country(*owner, tags), *want, "{owner:?} {tags:?}");
        }
    }
}
