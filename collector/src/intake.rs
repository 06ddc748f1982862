//! From request bytes to a record worth storing: parse, validate, stamp.
//!
//! The rules themselves live in `allo-core` (the widget runs the same ones before sending);
//! this module only adapts them to HTTP: what counts as JSON, how problems are reported,
//! and the server's own clock.
use std::time::Duration;

use allo_core::submission::Submission;
use allo_core::validate::validate_submission;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ProblemBody};
use crate::store::Guard;
use crate::time;

pub use crate::time::now_rfc3339;

/// Largest accepted body. A submission tops out near 20 KiB (4000-character message, long
/// URLs), so 64 KiB leaves room without letting anyone park megabytes in the database.
pub const BODY_LIMIT: usize = 64 * 1024;

/// True for `application/json`, with or without parameters such as `charset=utf-8`.
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Parses a body into the submission contract, exactly as `docs/submission.schema.json`
/// shapes it (see `allo_core::strict`: no arrays for objects, no `null` for optional values),
/// with the id in its canonical spelling; the 400 carries serde's message.
pub fn parse_json(body: &[u8]) -> Result<Submission, ApiError> {
    let invalid = |e: serde_json::Error| ApiError::Invalid {
        message: e.to_string(),
        problems: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut sub: Submission = allo_core::strict::object(&mut de).map_err(invalid)?;
    de.end().map_err(invalid)?;
    sub.id = allo_core::id::canonical(&sub.id);
    Ok(sub)
}

/// What makes two sends one submission: SHA-256 of its canonical JSON (serde's encoding of
/// the parsed submission, id lowercased), so whitespace, key order or the id's case do not
/// tell two sends of the same submission apart, and any other difference does.
pub fn digest(sub: &Submission) -> [u8; 32] {
    // Serializing plain strings, numbers and booleans cannot fail.
    let canonical = serde_json::to_vec(sub).unwrap_or_default();
    Sha256::digest(&canonical).into()
}

/// True when `stored` (a body already kept under `sub`'s id) is the same submission as `sub`.
pub fn same_submission(stored: &str, sub: &Submission) -> bool {
    parse_json(stored.as_bytes()).is_ok_and(|s| digest(&s) == digest(sub))
}

/// Parses and validates a body, returning the submission or the 400 to send.
pub fn parse(body: &[u8]) -> Result<Submission, ApiError> {
    let sub = parse_json(body)?;
    validate(&sub)?;
    Ok(sub)
}

/// The widget's rules from `allo-core`, then the server's own: a callback number must be a
/// valid number for its country ([`crate::numbering_plan`]). Every problem is listed in one 400.
pub fn validate(sub: &Submission) -> Result<(), ApiError> {
    let problems = validate_submission(sub);
    let mut listed: Vec<ProblemBody> = problems.iter().map(ProblemBody::from).collect();
    listed.extend(crate::context::problems(sub));
    // Only a number of the right shape is worth looking up (the shape problem is listed).
    let shape_ok = !problems
        .iter()
        .any(|p| p.field == crate::numbering_plan::FIELD);
    if let (Some(c), true) = (&sub.callback, shape_ok) {
        if let Err(problem) = crate::numbering_plan::check(&c.phone_e164) {
            listed.push(problem);
        }
    }
    if listed.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid {
            message: match listed.len() {
                1 => "1 problem".to_owned(),
                n => format!("{n} problems"),
            },
            problems: listed,
        })
    }
}

/// How many callback requests one number may make per hour, and when a second one is a
/// duplicate. Applied by the store atomically with the insert (see [`Guard`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackPolicy {
    /// Requests per hour per number; 0 means no limit.
    pub per_hour: u32,
    /// An open request received within this window makes a new one a duplicate; zero: off.
    pub duplicate_window: Duration,
}

/// The per-number limit's window.
pub const PHONE_WINDOW: Duration = Duration::from_secs(3600);

impl CallbackPolicy {
    /// The guard for a callback received at `now_ms` (the store ignores it for feedback).
    pub fn guard(&self, now_ms: u64) -> Guard {
        let since = |d: Duration| time::format_millis(now_ms.saturating_sub(d.as_millis() as u64));
        Guard {
            duplicate_since: (!self.duplicate_window.is_zero())
                .then(|| since(self.duplicate_window)),
            phone_limit: (self.per_hour > 0).then(|| (since(PHONE_WINDOW), self.per_hour)),
        }
    }

    /// Seconds until the number's oldest counted request leaves the window (at least 1).
    pub fn phone_retry_after(&self, oldest: &str, now_ms: u64) -> u64 {
        let frees_at =
            time::parse_millis(oldest).unwrap_or(now_ms) + PHONE_WINDOW.as_millis() as u64;
        frees_at.saturating_sub(now_ms).div_ceil(1000).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use allo_core::validate::is_utc_timestamp;

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
        ] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for bad in [
            "",
            "text/plain",
            "application/jsonp",
            "application/x-www-form-urlencoded",
            "json",
        ] {
            assert!(!is_json_content_type(bad), "{bad}");
        }
    }

    #[test]
    fn callback_policy() {
        let p = CallbackPolicy {
            per_hour: 3,
            duplicate_window: Duration::from_secs(600),
        };
        let now = 1_795_456_800_000; // 2026-11-23T18:00:00Z
        let g = p.guard(now);
        assert_eq!(
            g.duplicate_since.as_deref(),
            Some("2026-11-23T17:50:00.000Z")
        );
        assert_eq!(
            g.phone_limit,
            Some(("2026-11-23T17:00:00.000Z".to_owned(), 3))
        );
        assert_eq!(p.phone_retry_after("2026-11-23T17:30:00.000Z", now), 1800);
        assert_eq!(p.phone_retry_after("2026-11-23T17:00:00.000Z", now), 1);
        let off = CallbackPolicy {
            per_hour: 0,
            duplicate_window: Duration::ZERO,
        };
        assert_eq!(off.guard(now), Guard::default());
        assert!(is_utc_timestamp(&now_rfc3339()));
    }

    #[test]
    fn non_ascii_timestamps_are_invalid_not_a_panic() {
        let body = r#"{"schema":"allo.submission/1","id":"3f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "kind":"feedback","created_at":"aaaaaaaaaaaaaaaaaaéZ","locale":"en",
            "feedback":{"metric":"csat","score":4,"message":""}}"#;
        let Err(ApiError::Invalid { problems, .. }) = parse(body.as_bytes()) else {
            panic!("expected a 400");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].field, problems[0].code),
            ("created_at", "invalid")
        );
    }
}
