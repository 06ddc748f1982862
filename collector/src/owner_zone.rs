//! The owner's time zone (`--timezone`): how the inbox shows instants and reads the times and
//! days the owner types.
//!
//! Only people see zoned times. Everything stored, compared or exported stays the UTC
//! RFC 3339 string of [`crate::time`] (`2026-11-24T10:00:00.000Z`): a shop that changes its
//! zone, or two collectors set differently on one database, never re-sort or rewrite a row.
//! The zone rules come from `jiff`, which reads the system's tzdata and carries the IANA
//! database compiled in for a bare container; daylight-saving changes are therefore right
//! for every past and future date, not a fixed offset.
use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::time;

/// Why a `--timezone` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    /// The value is empty.
    #[error("the time zone is empty; use an IANA name such as Europe/Paris, or UTC")]
    Empty,
    /// No zone of that name in the time zone database.
    #[error("`{0}` is not a time zone name; use an IANA name such as Europe/Paris, America/New_York or UTC")]
    Unknown(String),
}

/// A time zone the inbox renders in, with the name it was configured by.
#[derive(Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// Coordinated Universal Time, the default.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: TimeZone::UTC,
        }
    }

    /// The zone with this IANA name (`Europe/Paris`), looked up in the time zone database.
    pub fn named(name: &str) -> Result<Zone, ZoneError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ZoneError::Empty);
        }
        let tz = TimeZone::get(name).map_err(|_| ZoneError::Unknown(name.to_owned()))?;
        // The database's spelling (lookups ignore case): `europe/paris` shows as Europe/Paris.
        let name = tz.iana_name().unwrap_or(name).to_owned();
        Ok(Zone { name, tz })
    }

    /// The IANA name, e.g. `Europe/Paris`.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn zoned(&self, ts: &str) -> Option<jiff::Zoned> {
        self.at_ms(i64::try_from(time::parse_millis(ts)?).ok()?)
    }

    /// The local date and time of an instant given in milliseconds since the epoch.
    pub fn at_ms(&self, ms: i64) -> Option<jiff::Zoned> {
        Some(
            Timestamp::from_millisecond(ms)
                .ok()?
                .to_zoned(self.tz.clone()),
        )
    }

    /// An instant as the inbox shows it: local date and time with the zone's abbreviation,
    /// `2026-11-24 11:00 CET` (the abbreviation tells summer from winter time, which a bare
    /// name would not); zones without one show their offset, `2026-11-24 07:00 -03`. Text
    /// that is not an instant is shown as it is.
    pub fn show(&self, ts: &str) -> String {
        match self.zoned(ts) {
            Some(z) => z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
            None => ts.to_owned(),
        }
    }

    /// The value of a `datetime-local` input for an instant: local `YYYY-MM-DDTHH:MM`.
    pub fn input_value(&self, ts: &str) -> String {
        self.zoned(ts)
            .map(|z| z.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    }

    /// Reads an owner-typed time: local wall-clock `YYYY-MM-DDTHH:MM[:SS]` (a `datetime-local`
    /// input), or a UTC instant ending in `Z` as before. A time skipped by a daylight-saving
    /// change is moved forward by the gap and a repeated one takes its first occurrence,
    /// which is what a person reading a clock means. `None` for anything else.
    pub fn parse_owner_time(&self, s: &str) -> Option<u64> {
        let s = s.trim();
        if s.ends_with('Z') {
            return time::parse_owner_time(s);
        }
        // Only the shapes an HTML input sends; jiff alone would also accept a space or a bare
        // date.
        if !matches!(s.len(), 16 | 19) || s.as_bytes().get(10) != Some(&b'T') {
            return None;
        }
        let local: DateTime = s.parse().ok()?;
        let zoned = self.tz.to_ambiguous_zoned(local).compatible().ok()?;
        u64::try_from(zoned.timestamp().as_millisecond()).ok()
    }

    /// The first and last millisecond of a local calendar day `YYYY-MM-DD`, as stored UTC
    /// strings, for the inbox's "received from … to …" filters. `None` for a bad date.
    pub fn day_bounds(&self, day: &str) -> Option<(String, String)> {
        if !time::is_date(day) {
            return None;
        }
        let date: Date = day.parse().ok()?;
        // A day need not start at 00:00 (some zones skip midnight for summer time): jiff
        // picks the day's first instant.
        let start = date.to_zoned(self.tz.clone()).ok()?.timestamp();
        let next = date
            .tomorrow()
            .ok()?
            .to_zoned(self.tz.clone())
            .ok()?
            .timestamp();
        let ms = |t: Timestamp| u64::try_from(t.as_millisecond()).ok();
        Some((
            time::format_millis(ms(start)?),
            time::format_millis(ms(next)?.checked_sub(1)?),
        ))
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::utc()
    }
}

/// The zone for `allo_core`'s calendar arithmetic (opening hours, promises), answered by jiff.
impl allo_core::zone::Zone for Zone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        Timestamp::from_millisecond(utc_ms)
            .map(|t| self.tz.to_offset(t).seconds() / 60)
            .unwrap_or(0)
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

impl Eq for Zone {}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl std::str::FromStr for Zone {
    type Err = ZoneError;

    fn from_str(s: &str) -> Result<Zone, ZoneError> {
        Zone::named(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_normalised() {
        assert_eq!(Zone::named("Europe/Paris").unwrap().name(), "Europe/Paris");
        assert_eq!(
            Zone::named(" europe/paris ").unwrap().name(),
            "Europe/Paris"
        );
        assert_eq!(Zone::named("UTC").unwrap(), Zone::utc());
        assert_eq!(Zone::named(""), Err(ZoneError::Empty));
        for bad in ["Europe/Atlantis", "Paris", "+02:00", "CEST-ish"] {
            assert_eq!(
                Zone::named(bad),
                Err(ZoneError::Unknown(bad.into())),
                "{bad}"
            );
        }
        assert!(ZoneError::Unknown("Mars/Olympus".into())
            .to_string()
            .contains("`Mars/Olympus` is not a time zone name"));
    }

    #[test]
    fn instants_show_in_local_time_with_summer_and_winter_abbreviations() {
        let paris = Zone::named("Europe/Paris").unwrap();
        assert_eq!(
            paris.show("2026-11-24T10:00:00.000Z"),
            "2026-11-24 11:00 CET"
        );
        assert_eq!(paris.show("2026-07-14T10:00:00Z"), "2026-07-14 12:00 CEST");
        // Across midnight: the local date is the one shown.
        assert_eq!(
            paris.show("2026-12-31T23:30:00.000Z"),
            "2027-01-01 00:30 CET"
        );
        assert_eq!(
            Zone::utc().show("2026-11-24T10:00:00.000Z"),
            "2026-11-24 10:00 UTC"
        );
        let ny = Zone::named("America/New_York").unwrap();
        assert_eq!(ny.show("2026-11-24T10:00:00.000Z"), "2026-11-24 05:00 EST");
        let sao_paulo = Zone::named("America/Sao_Paulo").unwrap();
        assert_eq!(
            sao_paulo.show("2026-11-24T10:00:00.000Z"),
            "2026-11-24 07:00 -03"
        );
        assert_eq!(paris.show("not a time"), "not a time");
        assert_eq!(
            paris.input_value("2026-07-14T10:00:00Z"),
            "2026-07-14T12:00"
        );
        assert_eq!(paris.input_value(""), "");
    }

    #[test]
    fn owner_times_are_read_in_the_zone() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let at = |s| paris.parse_owner_time(s).map(time::format_millis);
        assert_eq!(
            at("2026-11-24T15:30").as_deref(),
            Some("2026-11-24T14:30:00.000Z")
        );
        assert_eq!(
            at("2026-07-14T15:30:00").as_deref(),
            Some("2026-07-14T13:30:00.000Z")
        );
        // A UTC instant stays one.
        assert_eq!(
            at("2026-07-14T15:30Z").as_deref(),
            Some("2026-07-14T15:30:00.000Z")
        );
        // 02:30 does not exist on 2026-03-29 in Paris: moved on by the hour skipped.
        assert_eq!(
            at("2026-03-29T02:30").as_deref(),
            Some("2026-03-29T01:30:00.000Z")
        );
        // 02:30 happens twice on 2026-10-25: the first (summer time) one.
        assert_eq!(
            at("2026-10-25T02:30").as_deref(),
            Some("2026-10-25T00:30:00.000Z")
        );
        for bad in ["", "15:30", "2026-11-24", "2026-11-24 15:30", "tomorrow"] {
            assert_eq!(paris.parse_owner_time(bad), None, "{bad}");
        }
        assert_eq!(
            Zone::utc().parse_owner_time("2026-11-24T15:30"),
            time::parse_owner_time("2026-11-24T15:30")
        );
    }

    #[test]
    fn days_are_local_days() {
        let paris = Zone::named("Europe/Paris").unwrap();
        assert_eq!(
            paris.day_bounds("2026-11-24"),
            Some((
                "2026-11-23T23:00:00.000Z".into(),
                "2026-11-24T22:59:59.999Z".into()
            ))
        );
        // The day summer time starts has 23 hours.
        assert_eq!(
            paris.day_bounds("2026-03-29"),
            Some((
                "2026-03-28T23:00:00.000Z".into(),
                "2026-03-29T21:59:59.999Z".into()
            ))
        );
        assert_eq!(
            Zone::utc().day_bounds("2026-11-24"),
            Some((
                "2026-11-24T00:00:00.000Z".into(),
                "2026-11-24T23:59:59.999Z".into()
            ))
        );
        assert_eq!(paris.day_bounds("2026-13-01"), None);
    }
}
