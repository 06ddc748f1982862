//! Opening hours and closed dates: the owner's spec parsed into a weekly model.
//!
//! The syntax is a small, forgiving subset of OpenStreetMap's `opening_hours`, which many owners
//! already know: `Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-13:00; Su off`. Rules are read in
//! order and a later rule replaces the earlier ones for the days it names (as in OSM), which is
//! what makes `Mo-Sa 09:00-18:00; We 09:00-12:00` and `…; Su off` work. Errors name the rule and
//! say what was expected, because the owner reads them in the console and fixes them by hand.
//!
//! Everything here is in the shop's local wall-clock time; [`crate::zone`] turns it into
//! instants.
use crate::zone::{local_to_utc, Date, Zone, MINUTE_MS};

/// Minutes in a (wall-clock) day.
pub const DAY_MINUTES: u16 = 24 * 60;

/// Day abbreviations, Monday first (the index is the weekday of [`Date::weekday`]).
const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// One opening, in local minutes from 00:00 of the day it starts on.
///
/// An opening that crosses midnight (`Fr 22:00-02:00`) belongs to the day it starts on and has
/// `end > DAY_MINUTES` (here 1320..1560): it is one shift, so slots stay on one grid through
/// midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// Opening time, 0 to 1439.
    pub start: u16,
    /// Closing time, after `start`; above 1440 when the opening ends the next day.
    pub end: u16,
}

impl Interval {
    /// The instants this opening starts and ends when it starts on `date` in `zone`.
    pub fn to_utc(self, date: Date, zone: &dyn Zone) -> (i64, i64) {
        let at =
            |minutes: u16| local_to_utc(zone, date.midnight_ms() + i64::from(minutes) * MINUTE_MS);
        (at(self.start), at(self.end))
    }
}

impl std::fmt::Display for Interval {
    /// `09:00-18:00`, `22:00-02:00`, `18:00-24:00`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let end = match self.end {
            DAY_MINUTES => DAY_MINUTES,
            e => e % DAY_MINUTES,
        };
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            end / 60,
            end % 60
        )
    }
}

/// The shop's weekly opening hours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpeningHours {
    /// Openings starting on each weekday (Monday first), sorted, not overlapping each other.
    week: [Vec<Interval>; 7],
}

impl OpeningHours {
    /// Parses the owner's spec.
    ///
    /// Rules are separated by `;` or new lines. A rule is a day list (`Mo-Fr`, `Mo,We,Fr`,
    /// `Fr-Mo` wrapping over the weekend; none means every day) followed by time ranges
    /// separated by `,` (`09:00-12:00,14:00-18:00`; `24:00` may end a range; an end before the
    /// start crosses midnight), or by `off` / `closed`. An empty spec gives empty hours.
    pub fn parse(spec: &str) -> Result<OpeningHours, HoursError> {
        let mut week: [Vec<Interval>; 7] = Default::default();
        for rule in spec.split([';', '\n']).map(str::trim) {
            if rule.is_empty() {
                continue;
            }
            let err = |problem| HoursError {
                part: rule.to_owned(),
                problem,
            };
            // The day list is the leading words made of letters, commas and dashes (so
            // `Mo, We` and `Mo - Fr` work), stopping at a keyword or anything with digits. Both
            // parts are written out word by word with single spaces, as they are quoted in
            // messages, in one pass (no word lists joined afterwards: −172 B gzip).
            let (mut days_text, mut rest) = (String::new(), String::new());
            let mut first_rest: Option<&str> = None;
            for word in rule.split_whitespace() {
                let day_word = first_rest.is_none()
                    && !is_off(word)
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_alphabetic() || b == b',' || b == b'-');
                let text = if day_word {
                    &mut days_text
                } else {
                    first_rest.get_or_insert(word);
                    &mut rest
                };
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(word);
            }
            let days = if days_text.is_empty() {
                [true; 7]
            } else {
                parse_days(&days_text).map_err(err)?
            };
            let intervals = match first_rest {
                None => return Err(err(HoursProblem::MissingTimes)),
                Some(word) if is_off(word) => match rest.get(word.len() + 1..) {
                    None => Vec::new(),
                    Some(after) => return Err(err(HoursProblem::AfterOff(after.to_owned()))),
                },
                _ => parse_times(&rest).map_err(err)?,
            };
            for (day, on) in week.iter_mut().zip(days) {
                if on {
                    day.clone_from(&intervals);
                }
            }
        }
        Ok(OpeningHours { week })
    }

    /// True when the shop never opens (no spec, or every day off).
    pub fn is_empty(&self) -> bool {
        self.week.iter().all(Vec::is_empty)
    }

    /// The openings starting on a weekday (0 = Monday), as written in the rules.
    pub fn weekday(&self, weekday: u8) -> &[Interval] {
        self.week
            .get(usize::from(weekday))
            .map_or(&[], Vec::as_slice)
    }

    /// The openings starting on the shop-local `date`, in order.
    ///
    /// A closed date has none. When the *next* date is closed, an opening crossing midnight is
    /// cut at midnight: "closed on the 25th" means closed all that day, whoever's shift it is.
    pub fn on(&self, date: Date, closed: &ClosedDates) -> Vec<Interval> {
        let mut out = Vec::new();
        self.each_on(date, closed, |iv| out.push(iv));
        out
    }

    /// Calls `f` with each opening of [`OpeningHours::on`], in order: the openings iterator
    /// takes them as they come, without a list of their own for each day (−219 B gzip).
    fn each_on(&self, date: Date, closed: &ClosedDates, mut f: impl FnMut(Interval)) {
        if closed.contains(date) {
            return;
        }
        let cut = closed.contains(date.add_days(1));
        for iv in self.weekday(date.weekday()) {
            let end = if cut { iv.end.min(DAY_MINUTES) } else { iv.end };
            if end > iv.start {
                f(Interval {
                    start: iv.start,
                    end,
                });
            }
        }
    }

    /// The first instant at or after `at_utc_ms` when the shop is open, looking a year ahead;
    /// `None` when it never opens in that time. Used to plan a call back inside the hours
    /// ("try again in 30 minutes" at closing time means the next opening).
    pub fn next_open(&self, closed: &ClosedDates, zone: &dyn Zone, at_utc_ms: i64) -> Option<i64> {
        // From the day before: an opening that started yesterday may run past midnight.
        let first = Date::in_zone(zone, at_utc_ms).add_days(-1);
        self.openings_utc(closed, zone, first, 367)
            .find(|&(_, to)| to > at_utc_ms)
            .map(|(from, _)| from.max(at_utc_ms))
    }

    /// Every opening starting on the `days` shop-local dates from `first`, as UTC instants
    /// `(from, to)` in order of start, computed lazily (a caller looking for the next opening
    /// stops after a day or two, and each conversion costs `Intl` calls in the browser).
    /// Openings that a DST change makes empty are dropped.
    pub(crate) fn openings_utc<'a>(
        &'a self,
        closed: &'a ClosedDates,
        zone: &'a dyn Zone,
        first: Date,
        days: i64,
    ) -> Openings<'a> {
        Openings {
            hours: self,
            closed,
            zone,
            next: first,
            left: days,
            day: Vec::new(),
            at: 0,
        }
    }
}

/// The iterator of [`OpeningHours::openings_utc`]: one day's openings at a time, a plain loop
/// rather than `flat_map`, whose front and back buffers were some 1 KB of code (−256 B gzip).
pub(crate) struct Openings<'a> {
    hours: &'a OpeningHours,
    closed: &'a ClosedDates,
    zone: &'a dyn Zone,
    /// The next date to compute.
    next: Date,
    /// Dates left to compute.
    left: i64,
    /// The current date's openings, and the next one to give.
    day: Vec<(i64, i64)>,
    at: usize,
}

impl Iterator for Openings<'_> {
    type Item = (i64, i64);

    fn next(&mut self) -> Option<(i64, i64)> {
        loop {
            if let Some(&opening) = self.day.get(self.at) {
                self.at += 1;
                return Some(opening);
            }
            if self.left <= 0 {
                return None;
            }
            let date = self.next;
            self.next = date.add_days(1);
            self.left -= 1;
            self.at = 0;
            let (day, zone) = (&mut self.day, self.zone);
            day.clear();
            self.hours.each_on(date, self.closed, |iv| {
                let (from, to) = iv.to_utc(date, zone);
                if to > from {
                    // In order of start: they come so, except for an opening placed in a DST
                    // gap. Inserted in place rather than sorted after (a stable sort is some
                    // 400 B of code per element type; with the two other sorts of the callback
                    // area, −482 B gzip).
                    let at = day.partition_point(|&(f, _)| f <= from);
                    day.insert(at, (from, to));
                }
            });
        }
    }
}

fn is_off(word: &str) -> bool {
    word.eq_ignore_ascii_case("off") || word.eq_ignore_ascii_case("closed")
}

fn parse_days(text: &str) -> Result<[bool; 7], HoursProblem> {
    let day = |name: &str, item: &str| {
        let name = name.trim();
        if name.is_empty() {
            // "Mo-" or "Mo,,We": show the whole item rather than an empty name.
            return Err(HoursProblem::UnknownDay(item.to_owned()));
        }
        DAYS.iter()
            .position(|d| d.eq_ignore_ascii_case(name))
            .ok_or_else(|| HoursProblem::UnknownDay(name.to_owned()))
    };
    let mut set = [false; 7];
    for item in text.split(',').map(str::trim) {
        match item.split_once('-') {
            Some((a, b)) => {
                let (mut d, last) = (day(a, item)?, day(b, item)?);
                // Walk forward and wrap, so `Fr-Mo` is Friday to Monday.
                loop {
                    set[d] = true;
                    if d == last {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => set[day(item, text)?] = true,
        }
    }
    Ok(set)
}

fn parse_times(text: &str) -> Result<Vec<Interval>, HoursProblem> {
    // The intervals, and beside them the ranges as written (for an overlap's message): the
    // result is the first list itself, not a second one mapped from pairs (with the times
    // read by hand below, −187 B gzip).
    let mut intervals: Vec<Interval> = Vec::new();
    let mut written: Vec<&str> = Vec::new();
    for range in text.split(',').map(str::trim) {
        let bad_range = || HoursProblem::BadRange(range.to_owned());
        let (a, b) = range.split_once('-').ok_or_else(bad_range)?;
        if b.contains('-') {
            return Err(bad_range());
        }
        let (start, end) = (parse_time(a.trim())?, parse_time(b.trim())?);
        if start == DAY_MINUTES {
            return Err(HoursProblem::StartsAt24(range.to_owned()));
        }
        if start == end {
            return Err(HoursProblem::EmptyRange(range.to_owned()));
        }
        let end = if end < start { end + DAY_MINUTES } else { end };
        // In order of start, inserted in place (as in `Openings::next`).
        let at = intervals.partition_point(|iv| iv.start <= start);
        intervals.insert(at, Interval { start, end });
        written.insert(at, range);
    }
    for i in 1..intervals.len() {
        if intervals[i].start < intervals[i - 1].end {
            return Err(HoursProblem::Overlap(
                written[i - 1].to_owned(),
                written[i].to_owned(),
            ));
        }
    }
    Ok(intervals)
}

/// `H:MM` or `HH:MM`, 00:00 to 24:00, as minutes.
fn parse_time(text: &str) -> Result<u16, HoursProblem> {
    let bad = || HoursProblem::BadTime(text.to_owned());
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || h.len() > 2 || !digits(m) || m.len() != 2 {
        return Err(bad());
    }
    // Digits checked above: read them by hand rather than through `u16`'s `FromStr`, which
    // nothing else in the widget needs.
    let number = |s: &str| s.bytes().fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    let (h, m) = (number(h), number(m));
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Dates the shop is closed all day whatever its weekly hours (holidays, stock-taking).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosedDates(Vec<Date>);

impl ClosedDates {
    /// Parses a list of `YYYY-MM-DD` dates separated by commas, semicolons or spaces, such as
    /// `2026-12-25, 2026-12-26, 2027-01-01`. An empty list is fine.
    pub fn parse(list: &str) -> Result<ClosedDates, HoursError> {
        // A loop rather than `collect::<Result<…>>()` and a sort: −263 B gzip.
        let mut closed = ClosedDates::default();
        for s in list.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
            if s.is_empty() {
                continue;
            }
            let date = Date::parse(s).ok_or_else(|| HoursError {
                part: s.to_owned(),
                problem: HoursProblem::BadDate,
            })?;
            closed.add(date);
        }
        Ok(closed)
    }

    /// The closed dates given, in any order.
    pub fn new(dates: impl IntoIterator<Item = Date>) -> ClosedDates {
        let mut closed = ClosedDates::default();
        for date in dates {
            closed.add(date);
        }
        closed
    }

    /// Adds `date` in its place, once.
    fn add(&mut self, date: Date) {
        if let Err(at) = self.0.binary_search(&date) {
            self.0.insert(at, date);
        }
    }

    /// True when the shop is closed all of `date` (its local date).
    pub fn contains(&self, date: Date) -> bool {
        self.0.binary_search(&date).is_ok()
    }

    /// The dates, sorted, without repeats.
    pub fn dates(&self) -> &[Date] {
        &self.0
    }
}

/// A part of the owner's hours or closed dates that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursError {
    /// The offending rule (or date), as written.
    pub part: String,
    /// What is wrong with it.
    pub problem: HoursProblem,
}

/// What is wrong with a rule or date; its message ([`crate::msg`]) says what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoursProblem {
    /// A day name that is not one of `Mo Tu We Th Fr Sa Su`.
    UnknownDay(String),
    /// Days without times or `off`.
    MissingTimes,
    /// Something that is not `start-end`.
    BadRange(String),
    /// Something that is not a time from 00:00 to 24:00.
    BadTime(String),
    /// A range that closes when it opens.
    EmptyRange(String),
    /// A range starting at 24:00.
    StartsAt24(String),
    /// Two ranges of one rule that overlap.
    Overlap(String, String),
    /// Words after `off` / `closed`.
    AfterOff(String),
    /// A closed date that is not a valid `YYYY-MM-DD` date.
    BadDate,
}

impl crate::msg::Said for HoursError {
    /// The rule (or date) and what is wrong with it, as a part of the setting's warning.
    fn msg(&self) -> crate::msg::Msg {
        use crate::msg::Code;
        let q = |s: &str| crate::quoted::q(s).to_string();
        let (code, mut args) = match &self.problem {
            HoursProblem::UnknownDay(d) => (Code::HoursUnknownDay, vec![q(d)]),
            HoursProblem::MissingTimes => (Code::HoursMissingTimes, vec![]),
            HoursProblem::BadRange(r) => (Code::HoursBadRange, vec![q(r)]),
            HoursProblem::BadTime(t) => (Code::HoursBadTime, vec![q(t)]),
            HoursProblem::EmptyRange(r) => (Code::HoursEmptyRange, vec![q(r)]),
            HoursProblem::StartsAt24(r) => (Code::HoursStartsAt24, vec![q(r)]),
            HoursProblem::Overlap(a, b) => (Code::HoursOverlap, vec![q(a), q(b)]),
            HoursProblem::AfterOff(rest) => (Code::HoursAfterOff, vec![q(rest)]),
            HoursProblem::BadDate => (Code::HoursBadDate, vec![]),
        };
        args.insert(0, q(&self.part));
        crate::msg::Msg::new(code, args)
    }
}

/// The text of [`crate::msg::Said::msg`].
impl std::fmt::Display for HoursError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::msg::Said::msg(self).fmt(f)
    }
}

impl std::error::Error for HoursError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each weekday's openings as text, `-` for none.
    fn week(spec: &str) -> Vec<String> {
        let hours = OpeningHours::parse(spec).unwrap();
        (0..7)
            .map(|d| {
                let day = hours.weekday(d);
                if day.is_empty() {
                    "-".to_owned()
                } else {
                    day.iter()
                        .map(Interval::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                }
            })
            .collect()
    }

    #[test]
    fn parses_good_specs() {
        let nine_six = "09:00-18:00";
        let split = "09:00-12:00,14:00-18:00";
        let cases: &[(&str, [&str; 7])] = &[
            (
                "Mo-Fr 09:00-18:00; Sa 10:00-13:00",
                [
                    nine_six,
                    nine_six,
                    nine_six,
                    nine_six,
                    nine_six,
                    "10:00-13:00",
                    "-",
                ],
            ),
            (
                "Mo-Fr 09:00-12:00,14:00-18:00",
                [split, split, split, split, split, "-", "-"],
            ),
            (
                "Mo,We,Fr 9:00-17:30",
                [
                    "09:00-17:30",
                    "-",
                    "09:00-17:30",
                    "-",
                    "09:00-17:30",
                    "-",
                    "-",
                ],
            ),
            (
                "Fr 22:00-02:00; Sa 18:00-24:00",
                ["-", "-", "-", "-", "22:00-02:00", "18:00-24:00", "-"],
            ),
            // Later rules replace earlier ones; off clears.
            (
                "Mo-Sa 09:00-18:00; We 09:00-12:00; Sa off",
                [
                    nine_six,
                    nine_six,
                    "09:00-12:00",
                    nine_six,
                    nine_six,
                    "-",
                    "-",
                ],
            ),
            (
                "09:00-18:00; Su closed",
                [
                    nine_six, nine_six, nine_six, nine_six, nine_six, nine_six, "-",
                ],
            ),
            // Wrapping ranges, lists with spaces, case, new lines and stray separators.
            (
                "fr-mo 10:00 - 16:00 ;\n Tu, Th 08:00-12:00 , 13:00-17:00;;",
                [
                    "10:00-16:00",
                    "08:00-12:00,13:00-17:00",
                    "-",
                    "08:00-12:00,13:00-17:00",
                    "10:00-16:00",
                    "10:00-16:00",
                    "10:00-16:00",
                ],
            ),
            (
                "Mo 00:00-24:00; Tu 14:00-12:00",
                ["00:00-24:00", "14:00-12:00", "-", "-", "-", "-", "-"],
            ),
            ("", ["-"; 7]),
            ("Mo-Fr 09:00-18:00; off", ["-"; 7]),
        ];
        for (spec, want) in cases {
            assert_eq!(week(spec), want.to_vec(), "{spec:?}");
        }
        let hours = OpeningHours::parse("Fr 22:00-02:00").unwrap();
        assert_eq!(
            hours.weekday(4),
            [Interval {
                start: 1320,
                end: 1560
            }]
        );
        assert!(hours.weekday(9).is_empty());
        assert!(OpeningHours::parse("Su off").unwrap().is_empty());
        assert!(!hours.is_empty());
    }

    #[test]
    fn explains_bad_specs() {
        let cases = [
            (
                "Mo-Fx 09:00-18:00",
                r#""Mo-Fx 09:00-18:00": unknown day "Fx" (use Mo Tu We Th Fr Sa Su)"#,
            ),
            (
                "Mo-Fr 09:00-18:00; Sunday off",
                r#""Sunday off": unknown day "Sunday" (use Mo Tu We Th Fr Sa Su)"#,
            ),
            (
                "Mo Fr 09:00-18:00",
                r#""Mo Fr 09:00-18:00": unknown day "Mo Fr" (use Mo Tu We Th Fr Sa Su)"#,
            ),
            (
                "Mo-Fr from 09:00-18:00",
                r#""Mo-Fr from 09:00-18:00": unknown day "Fr from" (use Mo Tu We Th Fr Sa Su)"#,
            ),
            (
                "Mo- 09:00-18:00",
                r#""Mo- 09:00-18:00": unknown day "Mo-" (use Mo Tu We Th Fr Sa Su)"#,
            ),
            (
                "Mo-Fr",
                r#""Mo-Fr": no opening times (expected e.g. "Mo-Fr 09:00-18:00", or "Su off")"#,
            ),
            (
                "Mo 09:00",
                r#""Mo 09:00": "09:00" is not a time range (expected start-end, e.g. 09:00-18:00)"#,
            ),
            (
                "Mo 09:00-12:00-14:00",
                r#""Mo 09:00-12:00-14:00": "09:00-12:00-14:00" is not a time range (expected start-end, e.g. 09:00-18:00)"#,
            ),
            (
                "Mo 09:00-12:00,",
                r#""Mo 09:00-12:00,": "" is not a time range (expected start-end, e.g. 09:00-18:00)"#,
            ),
            (
                "Mo-Fr 0900-1800",
                r#""Mo-Fr 0900-1800": "0900" is not a time (expected HH:MM from 00:00 to 24:00)"#,
            ),
            (
                "Mo 9-18",
                r#""Mo 9-18": "9" is not a time (expected HH:MM from 00:00 to 24:00)"#,
            ),
            (
                "Mo 25:00-26:00",
                r#""Mo 25:00-26:00": "25:00" is not a time (expected HH:MM from 00:00 to 24:00)"#,
            ),
            (
                "Mo 09:60-10:00",
                r#""Mo 09:60-10:00": "09:60" is not a time (expected HH:MM from 00:00 to 24:00)"#,
            ),
            (
                "Mo 09:00-24:30",
                r#""Mo 09:00-24:30": "24:30" is not a time (expected HH:MM from 00:00 to 24:00)"#,
            ),
            (
                "Mo 09:00-09:00",
                r#""Mo 09:00-09:00": "09:00-09:00" closes when it opens (the end must differ from the start)"#,
            ),
            (
                "Mo 24:00-02:00",
                r#""Mo 24:00-02:00": "24:00-02:00" starts at 24:00 (start at 00:00 instead)"#,
            ),
            (
                "Mo 09:00-12:00,11:00-14:00",
                r#""Mo 09:00-12:00,11:00-14:00": "09:00-12:00" and "11:00-14:00" overlap (merge them into one range)"#,
            ),
            (
                "Mo 23:00-23:30,22:00-02:00",
                r#""Mo 23:00-23:30,22:00-02:00": "22:00-02:00" and "23:00-23:30" overlap (merge them into one range)"#,
            ),
            (
                "Su off 10:00-12:00",
                r#""Su off 10:00-12:00": unexpected "10:00-12:00" after "off" (give a day either times or off, not both)"#,
            ),
            // Words are quoted with single spaces between them, however they were spaced.
            (
                "Sa  off   10:00  -12:00",
                r#""Sa  off   10:00  -12:00": unexpected "10:00 -12:00" after "off" (give a day either times or off, not both)"#,
            ),
            (
                "Mo   Tu  09:00 - 12:00",
                r#""Mo   Tu  09:00 - 12:00": unknown day "Mo Tu" (use Mo Tu We Th Fr Sa Su)"#,
            ),
            (
                "Mo  09:00  -  12:00,  11:00 -  14:00",
                r#""Mo  09:00  -  12:00,  11:00 -  14:00": "09:00 - 12:00" and "11:00 - 14:00" overlap (merge them into one range)"#,
            ),
        ];
        for (spec, want) in cases {
            let err = OpeningHours::parse(spec).unwrap_err();
            assert_eq!(err.to_string(), want, "{spec:?}");
        }
    }

    #[test]
    fn closed_dates() {
        let closed = ClosedDates::parse("2027-01-01, 2026-12-25,2026-12-26 2026-12-25").unwrap();
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(
            closed.dates(),
            [d(2026, 12, 25), d(2026, 12, 26), d(2027, 1, 1)]
        );
        assert!(closed.contains(d(2026, 12, 26)));
        assert!(!closed.contains(d(2026, 12, 27)));
        assert_eq!(ClosedDates::parse(" ").unwrap(), ClosedDates::default());
        for (list, want) in [
            (
                "2026-12-25, 2026-02-30",
                r#""2026-02-30": not a valid date (expected YYYY-MM-DD, e.g. 2026-12-25)"#,
            ),
            (
                "25/12/2026",
                r#""25/12/2026": not a valid date (expected YYYY-MM-DD, e.g. 2026-12-25)"#,
            ),
        ] {
            assert_eq!(ClosedDates::parse(list).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn openings_of_a_date_skip_closed_dates() {
        let hours =
            OpeningHours::parse("Mo-Fr 09:00-18:00; Fr 22:00-02:00; Sa 10:00-13:00").unwrap();
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        let iv = |start, end| Interval { start, end };
        // 2026-12-25 is a Friday, the 26th a Saturday.
        let none = ClosedDates::default();
        assert_eq!(hours.on(d(2026, 12, 25), &none), [iv(1320, 1560)]);
        let xmas = ClosedDates::parse("2026-12-25").unwrap();
        assert!(hours.on(d(2026, 12, 25), &xmas).is_empty());
        assert_eq!(hours.on(d(2026, 12, 26), &xmas), [iv(600, 780)]);
        // Closed on the Saturday: Friday night's shift stops at midnight.
        let boxing = ClosedDates::parse("2026-12-26").unwrap();
        assert_eq!(hours.on(d(2026, 12, 25), &boxing), [iv(1320, 1440)]);
        assert!(hours.on(d(2026, 12, 26), &boxing).is_empty());
    }

    #[test]
    fn next_open_finds_the_first_open_instant() {
        use crate::zone::EuropeanZone;
        let paris = EuropeanZone { standard: 60 };
        let hours = OpeningHours::parse("Mo-Th 09:00-12:00,14:00-18:00; Fr 22:00-02:00").unwrap();
        let closed = ClosedDates::parse("2026-12-01").unwrap();
        let utc = |d: u8, h: i64, m: i64| {
            Date::new(2026, 11, d).unwrap().midnight_ms() + (h * 60 + m) * MINUTE_MS
        };
        let cases = [
            // (now, UTC; expected, UTC) — Paris is UTC+1; 2026-11-24 is a Tuesday.
            ("open now", utc(24, 9, 30), Some(utc(24, 9, 30))),
            ("lunch", utc(24, 11, 10), Some(utc(24, 13, 0))),
            ("evening", utc(24, 17, 30), Some(utc(25, 8, 0))),
            // Friday's night shift runs into Saturday: open at 00:30 Saturday local.
            ("after midnight", utc(27, 23, 30), Some(utc(27, 23, 30))),
            ("weekend", utc(28, 12, 0), Some(utc(30, 8, 0))),
        ];
        for (what, now, want) in cases {
            assert_eq!(hours.next_open(&closed, &paris, now), want, "{what}");
        }
        // Monday 30 November after closing: Tuesday 1 December is closed, so Wednesday.
        let wed = Date::new(2026, 12, 2).unwrap().midnight_ms() + 8 * 60 * MINUTE_MS;
        assert_eq!(hours.next_open(&closed, &paris, utc(30, 17, 30)), Some(wed));
        assert_eq!(
            OpeningHours::default().next_open(&closed, &paris, utc(24, 9, 0)),
            None
        );
    }
}
