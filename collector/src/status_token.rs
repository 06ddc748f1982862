//! The visitor's status token: what proves a request for `GET /v1/submissions/{id}/status`
//! comes from the browser that sent the submission.
//!
//! The token is derived, not stored: `base64url(HMAC-SHA256(key, "allo.status/1:" + id))`,
//! cut to 192 bits. So the database holds no token at all (nothing to steal or to hash), and
//! an idempotent retry of a submission gets the very same token back in its 200, which a
//! random token stored hashed could not give. The key is 256 random bits made once per
//! database and kept in its `settings` table, so it survives restarts and collectors sharing
//! one database agree; deleting that row (then restarting) invalidates every token.
//!
//! Checking a token needs no database read: a wrong token is refused before the id is even
//! looked up, so answers (and their timing) say nothing about which ids exist.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::auth::constant_time_eq;

/// The setting the key is stored under.
pub const SETTING: &str = "status_token_key";
/// Token length in bytes before encoding (192 bits; 32 base64url characters).
pub const TOKEN_BYTES: usize = 24;
/// Domain separation: the key signs nothing else, but a version in the input keeps it so.
const CONTEXT: &[u8] = b"allo.status/1:";

/// The secret tokens are derived from. Its `Debug` never shows it.
#[derive(Clone)]
pub struct StatusKey(Vec<u8>);

impl std::fmt::Debug for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatusKey(…)")
    }
}

impl StatusKey {
    /// A key from its stored hex form; `None` when it is not hex of at least 16 bytes.
    pub fn from_hex(hex: &str) -> Option<StatusKey> {
        let hex = hex.trim();
        if hex.len() < 32 || !hex.len().is_multiple_of(2) {
            return None;
        }
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
            .map(StatusKey)
    }

    /// The token of submission `id`.
    pub fn token(&self, id: &str) -> String {
        URL_SAFE_NO_PAD.encode(&self.mac(id)[..TOKEN_BYTES])
    }

    /// True when `token` is the token of `id` (compared in constant time).
    pub fn verify(&self, id: &str, token: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(token.trim()) {
            Ok(bytes) => constant_time_eq(&bytes, &self.mac(id)[..TOKEN_BYTES]),
            Err(_) => false,
        }
    }

    fn mac(&self, id: &str) -> [u8; 32] {
        // HMAC accepts keys of any length; this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(CONTEXT);
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_id_and_key() {
        let key = StatusKey::from_hex(&"ab".repeat(32)).unwrap();
        let other = StatusKey::from_hex(&"cd".repeat(32)).unwrap();
        let id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        let t = key.token(id);
        assert_eq!(t.len(), 32);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(t, key.token(id), "derived, so a retry gets the same one");
        assert!(key.verify(id, &t));
        assert!(!key.verify("3f2504e0-4f89-41d3-9a0c-0305e82c3302", &t));
        assert!(!other.verify(id, &t));
        assert!(!key.verify(id, ""));
        assert!(!key.verify(id, &t[..31]));
        assert!(!key.verify(id, "!!not base64!!"));
        assert_eq!(format!("{key:?}"), "StatusKey(…)");
    }

    #[test]
    fn keys_must_be_long_hex() {
        assert!(StatusKey::from_hex("abcd").is_none());
        assert!(StatusKey::from_hex(&"zz".repeat(32)).is_none());
        assert!(StatusKey::from_hex(&"a".repeat(33)).is_none());
    }
}
