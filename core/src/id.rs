//! Submission ids (UUID v4) and the short reference a visitor can quote on the phone.
//!
//! The browser supplies the random bytes (`crypto.getRandomValues`, which unlike
//! `crypto.randomUUID` also works on plain-http shop pages); formatting and checking live here.

/// Formats 16 random bytes as a version-4, RFC 4122 variant UUID (lowercase, hyphenated).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        push_hex(&mut out, *b);
    }
    out
}

/// Appends `b` as two lowercase hex digits: the one hex printer of ids, colours and the
/// outbox's tab ids (`{:02x}` brought `fmt`'s padding code into the wasm; issue 22).
pub fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0x0f)]));
}

/// True when `s` is a lowercase or uppercase hyphenated UUID of version 4.
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
        && b[14] == b'4'
        && matches!(b[19].to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b')
}

/// The one spelling of an id that is compared and stored: lowercase.
///
/// The schema lets an id be written in either case (Swift's `uuidString` is uppercase), but
/// `3F25…` and `3f25…` are one UUID: without this they would be two submissions with two
/// status tokens.
pub fn canonical(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// The short reference shown after sending: the id's first eight hex digits as `XXXX-XXXX`.
///
/// Short enough to read out on the phone; the shop finds the row by this prefix of the id.
pub fn reference(id: &str) -> String {
    let hex: String = id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    if hex.len() <= 4 {
        return hex;
    }
    format!("{}-{}", &hex[..4], &hex[4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_version_and_variant_bits() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert!(is_uuid_v4(&id));
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
        assert!(is_uuid_v4(&id));
    }

    #[test]
    fn rejects_non_v4_and_malformed() {
        for bad in [
            "",
            "not-a-uuid",
            "00000000-0000-1000-8000-000000000000",
            "00000000-0000-4000-7000-000000000000",
            "00000000000040008000000000000000",
            "00000000-0000-4000-8000-00000000000g",
            "00000000-0000-4000-8000-0000000000000",
        ] {
            assert!(!is_uuid_v4(bad), "{bad}");
        }
        assert!(is_uuid_v4("3F2504E0-4F89-41D3-9A0C-0305E82C3301"));
    }

    #[test]
    fn canonical_ids_are_lowercase() {
        assert_eq!(
            canonical("3F2504E0-4F89-41D3-9A0C-0305E82C3301"),
            "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
        );
        let id = uuid_v4([0xab; 16]);
        assert_eq!(canonical(&id), id, "the widget's ids already are");
    }

    #[test]
    fn reference_is_first_eight_digits() {
        assert_eq!(
            reference("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
            "3F25-04E0"
        );
        assert_eq!(reference("ab"), "AB");
    }
}
