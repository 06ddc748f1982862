//! Civil dates and time zones without a time-zone database.
//!
//! Instants are `i64` milliseconds since the Unix epoch (what `Date.now()` gives). A zone is
//! anything that can tell its UTC offset at an instant: in the browser that is `Intl`, which
//! already ships the whole IANA database, so core only defines the [`Zone`] trait and does the
//! arithmetic around it. Dates use Howard Hinnant's days-from-civil algorithms (proleptic
//! Gregorian calendar), a dozen lines instead of a calendar crate.

/// Milliseconds in a minute.
pub const MINUTE_MS: i64 = 60_000;
/// Milliseconds in a civil day (a *local* day may be 23 or 25 hours long; see [`Zone`]).
pub const DAY_MS: i64 = 86_400_000;

/// A time zone: the offset from UTC at any instant, so that `local = utc + offset`.
///
/// The widget implements it with `Intl.DateTimeFormat` for the shop's IANA zone; any closure
/// `Fn(i64) -> i32` is a zone too.
pub trait Zone {
    /// The offset from UTC in minutes at the instant `utc_ms` (e.g. 60 for Paris in winter).
    fn offset_minutes(&self, utc_ms: i64) -> i32;
}

impl<F: Fn(i64) -> i32> Zone for F {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        self(utc_ms)
    }
}

/// A zone with one offset all year (UTC, or a fallback when the real zone is unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedZone(pub i32);

impl Zone for FixedZone {
    fn offset_minutes(&self, _utc_ms: i64) -> i32 {
        self.0
    }
}

/// The European Union's summer-time rule around a standard offset: one hour ahead from the last
/// Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC.
///
/// For tests and as a fallback only: real shops pass their IANA zone through `Intl`, which also
/// knows history and future rule changes. `EuropeanZone { standard: 60 }` is Paris, Berlin,
/// Rome or Madrid since 1996; `standard: 0` is London, Dublin or Lisbon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EuropeanZone {
    /// The winter offset in minutes.
    pub standard: i32,
}

impl Zone for EuropeanZone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        let year = Date::from_days(utc_ms.div_euclid(DAY_MS)).year;
        let hour = 60 * MINUTE_MS;
        let start = last_sunday(year, 3).midnight_ms() + hour;
        let end = last_sunday(year, 10).midnight_ms() + hour;
        self.standard
            + if (start..end).contains(&utc_ms) {
                60
            } else {
                0
            }
    }
}

/// The United States' (and Canada's) daylight-saving rule around a standard offset: one hour
/// ahead from the second Sunday of March at 02:00 local standard time to the first Sunday of
/// November at 02:00 local daylight time (rule of 2007).
///
/// For tests and as a fallback only, like [`EuropeanZone`]. `UsZone { standard: -300 }` is New
/// York, `-480` Los Angeles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsZone {
    /// The winter offset in minutes (negative west of Greenwich).
    pub standard: i32,
}

impl Zone for UsZone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        let year = Date::from_days(utc_ms.div_euclid(DAY_MS)).year;
        let two = 120 * MINUTE_MS;
        let standard = i64::from(self.standard) * MINUTE_MS;
        let start = nth_sunday(year, 3, 2).midnight_ms() + two - standard;
        let end = nth_sunday(year, 11, 1).midnight_ms() + two - (standard + 60 * MINUTE_MS);
        self.standard
            + if (start..end).contains(&utc_ms) {
                60
            } else {
                0
            }
    }
}

/// The local wall-clock time at `utc_ms`, as milliseconds on the same axis as UTC.
pub fn utc_to_local(zone: &dyn Zone, utc_ms: i64) -> i64 {
    utc_ms + i64::from(zone.offset_minutes(utc_ms)) * MINUTE_MS
}

/// The instant a local wall-clock time happens.
///
/// Around offset changes a local time may not exist (spring forward) or exist twice (fall
/// back). A time in the gap moves forward by the gap's length, as JavaScript's `Date` and
/// Temporal's "compatible" mode do (02:30 on the night Paris skips 02:00–03:00 means 03:30
/// summer time); a repeated time gives the earlier instant (the first 02:30).
pub fn local_to_utc(zone: &dyn Zone, local_ms: i64) -> i64 {
    // In the browser every offset is an `Intl` call, so this asks as few as it can: two
    // probes, then one check per distinct candidate (three calls on ordinary days).
    let offset_ms = |utc: i64| i64::from(zone.offset_minutes(utc)) * MINUTE_MS;
    // An offset valid at this local time is one the zone uses within a day of it (reading the
    // local time as UTC is off by less than a day), so a day before and after cover one
    // change; zones do not change twice in two days.
    let before = offset_ms(local_ms - DAY_MS);
    let after = offset_ms(local_ms + DAY_MS);
    // The instant an offset gives, when the zone has that offset then; the earlier of two
    // (no array iterator taken one or two: −42 B gzip).
    let fits = |offset: i64| Some(local_ms - offset).filter(|&utc| offset_ms(utc) == offset);
    let first = fits(before);
    let best = match (before != after).then(|| fits(after)).flatten() {
        Some(b) => Some(first.map_or(b, |a| a.min(b))),
        None => first,
    };
    // No offset fits: the time is in a gap. With the offset from before the change it lands
    // after the change, `gap` later on the new wall clock.
    best.unwrap_or(local_ms - before)
}

/// A civil date (proleptic Gregorian calendar), without a zone: which zone's date it is
/// depends on who asks (the shop's for opening hours, the visitor's for "tomorrow").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date if it exists (`2026-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        // Digits read by hand into year, month and day, in one loop rather than three
        // `parse`s each checked first (which alone would accept a sign): −82 B gzip.
        let mut n = [0u32; 3];
        for (i, &c) in b.iter().enumerate() {
            if i == 4 || i == 7 {
                continue;
            }
            if !c.is_ascii_digit() {
                return None;
            }
            let k = usize::from(i > 4) + usize::from(i > 7);
            n[k] = n[k] * 10 + u32::from(c - b'0');
        }
        let [year, month, day] = n;
        // At most 9999, 99 and 99: every cast keeps the value.
        Date::new(year as i32, month as u8, day as u8)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The day of the week, 0 = Monday to 6 = Sunday (ISO order).
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        (self.days() + 3).rem_euclid(7) as u8
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }

    /// 00:00 of this date on the millisecond axis: the UTC instant when the date is read as
    /// UTC, the local wall-clock value otherwise.
    pub fn midnight_ms(self) -> i64 {
        self.days() * DAY_MS
    }

    /// The date of a millisecond value (UTC or local wall clock, as [`Date::midnight_ms`]).
    pub fn of_ms(ms: i64) -> Date {
        Date::from_days(ms.div_euclid(DAY_MS))
    }

    /// The date in `zone` at the instant `utc_ms`.
    pub fn in_zone(zone: &dyn Zone, utc_ms: i64) -> Date {
        Date::of_ms(utc_to_local(zone, utc_ms))
    }
}

/// The instant of an RFC 3339 UTC timestamp as the widget and the collector write it
/// (`2026-11-24T10:05:00.000Z`), in milliseconds since the epoch; `None` for anything else.
pub fn instant_ms(iso: &str) -> Option<i64> {
    // The fields the check read already, rather than a second parse of the text (−232 B
    // gzip).
    let ([year, month, day, hour, minute, second], fraction) = crate::validate::utc_fields(iso)?;
    // The first three digits of the fraction, right-padded: `.1` is 100 ms.
    let digit = |i: usize| {
        fraction
            .as_bytes()
            .get(i)
            .map_or(0, |b| i64::from(b - b'0'))
    };
    let date = Date {
        year: i32::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    };
    let seconds = (i64::from(hour) * 60 + i64::from(minute)) * 60 + i64::from(second);
    Some(date.midnight_ms() + seconds * 1000 + digit(0) * 100 + digit(1) * 10 + digit(2))
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn last_sunday(year: i32, month: u8) -> Date {
    let last = Date {
        year,
        month,
        day: days_in_month(year, month),
    };
    last.add_days(-i64::from((last.weekday() + 1) % 7))
}

fn nth_sunday(year: i32, month: u8, n: u8) -> Date {
    let first = Date {
        year,
        month,
        day: 1,
    };
    first.add_days(i64::from((6 - first.weekday()) + 7 * (n - 1)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The UTC instant of a UTC wall-clock time.
    pub(crate) fn utc(y: i32, mo: u8, d: u8, h: i64, mi: i64) -> i64 {
        Date::new(y, mo, d).unwrap().midnight_ms() + (h * 60 + mi) * MINUTE_MS
    }

    const PARIS: EuropeanZone = EuropeanZone { standard: 60 };
    const NEW_YORK: UsZone = UsZone { standard: -300 };

    #[test]
    fn instants_are_read_back_from_their_text() {
        assert_eq!(
            instant_ms("2026-11-24T10:05:00.000Z"),
            Some(utc(2026, 11, 24, 10, 5))
        );
        assert_eq!(
            instant_ms("2026-11-24T10:05:30Z"),
            Some(utc(2026, 11, 24, 10, 5) + 30_000)
        );
        assert_eq!(
            instant_ms("2026-11-24T10:05:00.1Z"),
            Some(utc(2026, 11, 24, 10, 5) + 100)
        );
        for bad in [
            "",
            "2026-11-24",
            "2026-11-24T10:05:00",
            "2026-02-30T10:00:00Z",
        ] {
            assert_eq!(instant_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_days_round_trip() {
        let cases = [
            (1970, 1, 1, 0, 3),
            (1969, 12, 31, -1, 2),
            (2000, 2, 29, 11_016, 1),
            (2026, 3, 29, 20_541, 6),
            (2026, 11, 23, 20_780, 0),
            (1600, 3, 1, -135_080, 2),
        ];
        for (y, m, d, days, weekday) in cases {
            let date = Date::new(y, m, d).unwrap();
            assert_eq!(date.days(), days, "{date}");
            assert_eq!(Date::from_days(days), date);
            assert_eq!(date.weekday(), weekday, "{date}");
        }
        // Every day of four centuries survives the round trip, in order.
        let mut prev = Date::from_days(-146_097);
        for n in -146_096..146_097 {
            let date = Date::from_days(n);
            assert_eq!(date.days(), n);
            assert!(date > prev && Date::new(date.year, date.month, date.day) == Some(date));
            prev = date;
        }
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(Date::parse("2026-12-25"), Date::new(2026, 12, 25));
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        for bad in [
            "",
            "2026-2-25",
            "2026-02-30",
            "2025-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "26-01-01",
            "2026/01/01",
            "+026-01-01",
            "2026-01-+1",
            "２026-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::new(2026, 1, 5).unwrap().to_string(), "2026-01-05");
    }

    #[test]
    fn european_and_us_rules_switch_at_the_right_instants() {
        let cases: &[(&dyn Zone, i64, i32)] = &[
            (&PARIS, utc(2026, 3, 29, 0, 59), 60),
            (&PARIS, utc(2026, 3, 29, 1, 0), 120),
            (&PARIS, utc(2026, 10, 25, 0, 59), 120),
            (&PARIS, utc(2026, 10, 25, 1, 0), 60),
            (&PARIS, utc(2026, 7, 1, 12, 0), 120),
            (&PARIS, utc(2026, 12, 31, 23, 0), 60),
            (&EuropeanZone { standard: 0 }, utc(2026, 6, 1, 0, 0), 60),
            // New York: 2026-03-08 02:00 EST = 07:00 UTC; 2026-11-01 02:00 EDT = 06:00 UTC.
            (&NEW_YORK, utc(2026, 3, 8, 6, 59), -300),
            (&NEW_YORK, utc(2026, 3, 8, 7, 0), -240),
            (&NEW_YORK, utc(2026, 11, 1, 5, 59), -240),
            (&NEW_YORK, utc(2026, 11, 1, 6, 0), -300),
            (&FixedZone(330), utc(2026, 3, 29, 1, 0), 330),
        ];
        for (i, (zone, at, want)) in cases.iter().enumerate() {
            assert_eq!(zone.offset_minutes(*at), *want, "case {i}");
        }
    }

    #[test]
    fn local_to_utc_handles_gaps_and_overlaps() {
        // Local wall-clock values are built with the same helper, read as local.
        let local = utc;
        let cases: &[(&dyn Zone, i64, i64)] = &[
            // Plain winter and summer times.
            (&PARIS, local(2026, 1, 15, 9, 0), utc(2026, 1, 15, 8, 0)),
            (&PARIS, local(2026, 7, 15, 9, 0), utc(2026, 7, 15, 7, 0)),
            // Spring forward: 01:59 still CET, 02:00–02:59 do not exist, 03:00 is CEST.
            (&PARIS, local(2026, 3, 29, 1, 59), utc(2026, 3, 29, 0, 59)),
            (&PARIS, local(2026, 3, 29, 2, 0), utc(2026, 3, 29, 1, 0)),
            (&PARIS, local(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30)),
            (&PARIS, local(2026, 3, 29, 3, 0), utc(2026, 3, 29, 1, 0)),
            // Fall back: 02:00–02:59 happen twice; the first (CEST) wins.
            (
                &PARIS,
                local(2026, 10, 25, 1, 59),
                utc(2026, 10, 24, 23, 59),
            ),
            (&PARIS, local(2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30)),
            (&PARIS, local(2026, 10, 25, 3, 0), utc(2026, 10, 25, 2, 0)),
            // New York at 02:30 on both change days.
            (&NEW_YORK, local(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 30)),
            (
                &NEW_YORK,
                local(2026, 11, 1, 1, 30),
                utc(2026, 11, 1, 5, 30),
            ),
            (
                &FixedZone(-210),
                local(2026, 1, 1, 0, 0),
                utc(2026, 1, 1, 3, 30),
            ),
            (&|_: i64| 0, local(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0)),
        ];
        for (i, (zone, l, want)) in cases.iter().enumerate() {
            assert_eq!(local_to_utc(*zone, *l), *want, "case {i}");
        }
        // Every existing local time round-trips.
        for minutes in (0..3 * 24 * 60).step_by(15) {
            let u = utc(2026, 10, 24, 0, 0) + minutes * MINUTE_MS;
            let l = utc_to_local(&PARIS, u);
            assert_eq!(utc_to_local(&PARIS, local_to_utc(&PARIS, l)), l);
        }
    }

    #[test]
    fn date_in_zone() {
        let at = utc(2026, 11, 23, 23, 30);
        assert_eq!(Date::in_zone(&PARIS, at), Date::new(2026, 11, 24).unwrap());
        assert_eq!(
            Date::in_zone(&NEW_YORK, at),
            Date::new(2026, 11, 23).unwrap()
        );
    }
}
