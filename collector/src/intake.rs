//! From request bytes to a record worth storing: parse, validate, stamp.
//!
//! The rules themselves live in `allo-core` (the widget runs the same ones before sending);
//! this module only adapts them to HTTP: what counts as JSON, how problems are reported,
//! and the server's own clock.
use std::time::{SystemTime, UNIX_EPOCH};

use allo_core::submission::Submission;
use allo_core::validate::validate_submission;

use crate::error::ApiError;

/// Largest accepted body. A submission tops out near 20 KiB (4000-character message, long
/// URLs), so 64 KiB leaves room without letting anyone park megabytes in the database.
pub const BODY_LIMIT: usize = 64 * 1024;

/// True for `application/json`, with or without parameters such as `charset=utf-8`.
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Parses a body into the submission contract; the 400 carries serde's message.
pub fn parse_json(body: &[u8]) -> Result<Submission, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Invalid {
        message: e.to_string(),
        problems: Vec::new(),
    })
}

/// Parses and validates a body, returning the submission or the 400 to send.
pub fn parse(body: &[u8]) -> Result<Submission, ApiError> {
    let sub = parse_json(body)?;
    let problems = validate_submission(&sub);
    if problems.is_empty() {
        Ok(sub)
    } else {
        Err(ApiError::from_problems(&problems))
    }
}

/// The current UTC time as RFC 3339 with milliseconds, like the widget's timestamps.
pub fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since.as_secs(), since.subsec_millis())
}

/// Formats seconds since the Unix epoch (plus milliseconds) as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn rfc3339(secs: u64, millis: u32) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm); a few
/// lines here instead of a date crate for one timestamp.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_795_456_800, 123), "2026-11-23T18:00:00.123Z");
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
