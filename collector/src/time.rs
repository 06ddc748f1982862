//! The server's clock as the database sees it: RFC 3339 UTC strings with milliseconds.
//!
//! Every instant the collector stores is written `YYYY-MM-DDTHH:MM:SS.mmmZ`, the same shape
//! the widget sends, so instants compare correctly as plain strings in SQLite and PostgreSQL
//! alike (no time-zone or driver type surprises). The calendar is `jiff`'s (already here for
//! the owner's time zone); only the fixed shapes are written out here.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}

/// The current UTC time as RFC 3339 with milliseconds, like the widget's timestamps.
pub fn now_rfc3339() -> String {
    format_millis(now_millis())
}

/// Formats milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_millis(ms: u64) -> String {
    let secs = ms / 1000;
    let millis = ms % 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Past year 9999 (no instant this crate writes) the date reads 9999-12-31.
    let (y, m, d) = civil_from_days(days as i64).unwrap_or((9999, 12, 31));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Formats milliseconds since the epoch as an email `Date:` (RFC 5322), in UTC:
/// `Mon, 23 Nov 2026 18:00:00 +0000`.
pub fn format_rfc5322(ms: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64).unwrap_or((9999, 12, 31));
    format!(
        "{}, {d} {} {y:04} {:02}:{:02}:{:02} +0000",
        // 1970-01-01 was a Thursday.
        DAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Reads an owner-typed UTC time: `YYYY-MM-DDTHH:MM` (an HTML `datetime-local` input),
/// optionally with seconds, a fraction and `Z`; `None` for anything else.
pub fn parse_owner_time(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s.strip_suffix('Z').unwrap_or(s);
    let full = match s.len() {
        16 => format!("{s}:00Z"),
        _ => format!("{s}Z"),
    };
    parse_millis(&full)
}

/// Parses the UTC timestamps this crate and the widget write (`…Z`, fraction optional) back
/// to milliseconds since the epoch; `None` for anything else.
pub fn parse_millis(s: &str) -> Option<u64> {
    if !allo_core::validate::is_utc_timestamp(s) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)? as u32, num(8..10)? as u32)?;
    let secs = days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    // The fraction, read as milliseconds (first three digits, right-padded).
    let frac = &s[19..s.len() - 1];
    let millis = frac
        .strip_prefix('.')
        .map(|f| {
            let digits: String = f.chars().chain("000".chars()).take(3).collect();
            digits.parse::<i64>().unwrap_or(0)
        })
        .unwrap_or(0);
    u64::try_from(secs * 1000 + millis).ok()
}

/// True for a calendar date `YYYY-MM-DD` (as HTML date inputs send it).
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && allo_core::validate::is_utc_timestamp(&format!("{s}T00:00:00Z"))
}

/// Days since 1970-01-01 to a (year, month, day) in UTC, by `jiff`'s calendar; `None`
/// outside jiff's years -9999 to 9999.
fn civil_from_days(days: i64) -> Option<(i64, u32, u32)> {
    let date = jiff::Timestamp::from_second(days.checked_mul(86_400)?)
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    Some((
        i64::from(date.year()),
        date.month() as u32,
        date.day() as u32,
    ))
}

/// The inverse of [`civil_from_days`]; `None` for a date that does not exist.
fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    let date = jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    let seconds = date
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()?
        .timestamp()
        .as_second();
    Some(seconds.div_euclid(86_400))
}

/// Parses a human duration: a number followed by `ms`, `s`, `m`, `h` or `d` (`10m`, `90s`);
/// a bare number is seconds. Used by the command line.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 10m, 90s or 500ms"))?;
    let ms = match unit {
        "ms" => n,
        "" | "s" => n.saturating_mul(1000),
        "m" => n.saturating_mul(60_000),
        "h" => n.saturating_mul(3_600_000),
        "d" => n.saturating_mul(86_400_000),
        _ => {
            return Err(format!(
                "`{s}`: unknown unit `{unit}` (use ms, s, m, h or d)"
            ))
        }
    };
    Ok(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use allo_core::validate::is_utc_timestamp;

    #[test]
    fn formats_and_parses_back() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(951_782_400_005), "2000-02-29T00:00:00.005Z");
        assert_eq!(format_millis(1_795_456_800_123), "2026-11-23T18:00:00.123Z");
        for ms in [0, 951_782_400_005, 1_795_456_800_123, 4_102_444_799_999] {
            assert_eq!(parse_millis(&format_millis(ms)), Some(ms));
        }
        assert_eq!(
            parse_millis("2026-11-23T18:00:00Z"),
            Some(1_795_456_800_000)
        );
        assert_eq!(
            parse_millis("2026-11-23T18:00:00.1Z"),
            Some(1_795_456_800_100)
        );
        assert_eq!(parse_millis("2026-11-23"), None);
        assert!(is_utc_timestamp(&now_rfc3339()));
    }

    #[test]
    fn email_dates_and_owner_times() {
        assert_eq!(
            format_rfc5322(1_795_456_800_123),
            "Mon, 23 Nov 2026 18:00:00 +0000"
        );
        assert_eq!(format_rfc5322(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(
            parse_owner_time("2026-11-24T15:30"),
            Some(1_795_456_800_000 + 21 * 3_600_000 + 30 * 60_000)
        );
        assert_eq!(
            parse_owner_time("2026-11-24T15:30:00.000Z"),
            parse_owner_time("2026-11-24T15:30")
        );
        for bad in ["", "15:30", "2026-11-24", "2026-11-24 15:30", "tomorrow"] {
            assert_eq!(parse_owner_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-11-23"));
        for bad in ["", "2026-11", "2026-13-01", "23/11/2026", "2026-11-23T00"] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5w").is_err());
    }
}
