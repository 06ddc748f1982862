//! The inbox's search: what a submission can be found by, and how a query matches it.
//!
//! Each row keeps a `search_text` column written with it: reference (with and without its
//! dash), id, name, email, message, reason, and the phone number in every form a person may
//! type it (as the visitor typed it, E.164, national), also as bare digits. Text is folded
//! the same way on both sides (lower case, accents off), in Rust, so SQLite and PostgreSQL
//! match alike with a plain `LIKE`: every word of the query must appear somewhere. A query
//! that looks like a phone number is one word of digits, so `06 12 34 56 78`,
//! `+33 6 12 34 56 78` and `0612345678` all find the same request.
//!
//! A substring scan is what a shop needs (part of a name, the middle of a reference) and is
//! fast enough for the tens of thousands of rows a shop keeps; it uses no index.
/// Most words of a query used (the rest are ignored).
pub const MAX_TERMS: usize = 8;
/// Longest word kept.
pub const MAX_TERM_CHARS: usize = 100;

/// Lower case without accents: what both the index and the query are compared as.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => out.push('i'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ś' | 'š' => out.push('s'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ł' => out.push('l'),
            'ř' => out.push('r'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            c => out.push(c),
        }
    }
    out
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// True for text made only of what people put in phone numbers, with a few digits.
fn is_phone_like(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
        && s.chars().filter(char::is_ascii_digit).count() >= 3
}

/// The national form of an E.164 number (`+33612345678` → `06 12 34 56 78`), if known.
fn national(e164: &str) -> Option<String> {
    let n = phonenumber::parse(None, e164).ok()?;
    Some(n.format().mode(phonenumber::Mode::National).to_string())
}

/// The text something is found by (see the module's documentation): its `texts` as they
/// are, then each of its `phones` as typed and as bare digits, and the national form of its
/// E.164 number `e164`. What a stored record puts in is its `search_text`.
pub fn index_text(mut texts: Vec<String>, phones: &[&str], e164: Option<&str>) -> String {
    for phone in phones {
        texts.push((*phone).to_owned());
        texts.push(digits(phone));
    }
    if let Some(national) = e164.and_then(national) {
        texts.push(digits(&national));
    }
    // A separator no folded word contains, so a word never matches across two fields.
    fold(&texts.join(" \u{1} "))
}

/// The words of a query, folded: each must be found. A phone-like query is one word of its
/// digits; empty for a blank query.
pub fn terms(query: &str) -> Vec<String> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    if is_phone_like(query) {
        return vec![digits(query)];
    }
    fold(query)
        .split_whitespace()
        .take(MAX_TERMS)
        .map(|t| t.chars().take(MAX_TERM_CHARS).collect())
        .collect()
}

/// The `LIKE` pattern finding `term` anywhere, with `\` escaping LIKE's own wildcards.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::from("%");
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_folded_the_same_way_on_both_sides() {
        assert_eq!(fold("Élodie MÜLLER-Łukasz ß"), "elodie muller-lukasz ss");
        assert_eq!(terms("  Élodie   Müller "), ["elodie", "muller"]);
        assert_eq!(terms(""), Vec::<String>::new());
        assert_eq!(terms("   "), Vec::<String>::new());
    }

    #[test]
    fn phone_numbers_are_digits_in_any_format() {
        for typed in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "(06) 12-34-56-78",
            "0612345678",
        ] {
            assert_eq!(terms(typed), ["0612345678"], "{typed}");
        }
        assert_eq!(terms("+33 6 12 34 56 78"), ["33612345678"]);
        // Two digits are not a number: a word like any other.
        assert_eq!(terms("12"), ["12"]);
        assert_eq!(terms("call 06"), ["call", "06"]);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(like_pattern("noor"), "%noor%");
    }
}
