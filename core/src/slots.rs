//! Callback slots: the times a visitor may pick, computed from the shop's hours.
//!
//! Slots are UTC instants: the widget shows them in the visitor's own zone (with `Intl`) and
//! sends them as they are, so the shop and the visitor can never disagree about when "10:30"
//! is. All the calendar work happens in the shop's zone, day by shop-local day, which is what
//! keeps 23- and 25-hour days right.
use crate::hours::{ClosedDates, OpeningHours};
use crate::zone::{local_to_utc, Date, Zone, MINUTE_MS};

/// How slots are offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotOptions {
    /// How many shop-local days are offered, today included: 1 is today only, 7 a week.
    pub days_ahead: u16,
    /// Length of a slot in minutes (0 counts as 1).
    pub slot_minutes: u16,
    /// Minimum notice: a slot starts at least this many minutes after now.
    pub lead_minutes: u16,
}

impl Default for SlotOptions {
    /// A week of half-hour slots, with a quarter of an hour's notice.
    fn default() -> SlotOptions {
        SlotOptions {
            days_ahead: 7,
            slot_minutes: 30,
            lead_minutes: 15,
        }
    }
}

/// One slot, `[from, to)` in milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Start of the slot.
    pub from_utc_ms: i64,
    /// End of the slot (`from` plus the slot length).
    pub to_utc_ms: i64,
}

/// Every slot the visitor may pick, in order.
///
/// Slots lie inside the shop's openings, on a grid starting at each opening's start (a shop
/// opening at 09:15 offers 09:15, 09:45, …) and never running past its end; they start at
/// least `lead_minutes` after `now_utc_ms` and on one of the next `days_ahead` shop-local
/// dates. Closed dates have none. The grid is laid in real time, so on a DST night an opening
/// of 22:00-04:00 gives 5 or 7 hours of slots, each exactly `slot_minutes` long. When the
/// owner's rules make openings of consecutive days overlap (a night shift running into the
/// next day's early hours), a slot overlapping an earlier one is left out.
pub fn slots(
    hours: &OpeningHours,
    closed: &ClosedDates,
    shop_zone: &dyn Zone,
    now_utc_ms: i64,
    options: SlotOptions,
) -> Vec<Slot> {
    let step = i64::from(options.slot_minutes.max(1)) * MINUTE_MS;
    let earliest = now_utc_ms + i64::from(options.lead_minutes) * MINUTE_MS;
    let today = Date::in_zone(shop_zone, now_utc_ms);
    // Slots start before the shop-local midnight ending the range.
    let end_ms = local_to_utc(
        shop_zone,
        today.add_days(i64::from(options.days_ahead)).midnight_ms(),
    );
    let mut out: Vec<Slot> = Vec::new();
    // From yesterday: a night opening that started then may still be running.
    let openings = hours.openings_utc(
        closed,
        shop_zone,
        today.add_days(-1),
        i64::from(options.days_ahead) + 1,
    );
    for (open, close) in openings {
        let mut from = open;
        while from + step <= close {
            let fresh = out.last().is_none_or(|s| from >= s.to_utc_ms);
            if from >= earliest && fresh && from < end_ms {
                out.push(Slot {
                    from_utc_ms: from,
                    to_utc_ms: from + step,
                });
            }
            from += step;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::tests::utc;
    use crate::zone::EuropeanZone;

    const PARIS: EuropeanZone = EuropeanZone { standard: 60 };
    const SHOP: &str = "Mo-Fr 09:00-18:00; Sa 10:00-13:00";

    struct Case {
        name: &'static str,
        hours: &'static str,
        closed: &'static str,
        now: i64,
        days_ahead: u16,
        slot_minutes: u16,
        /// Number of slots.
        count: usize,
        /// Expected starts (UTC) of some slots, by index (negative counts from the end).
        starts: Vec<(isize, i64)>,
    }

    fn case(name: &'static str, hours: &'static str, now: i64, days_ahead: u16) -> Case {
        Case {
            name,
            hours,
            closed: "",
            now,
            days_ahead,
            slot_minutes: 30,
            count: 0,
            starts: Vec::new(),
        }
    }

    #[test]
    fn slots_follow_hours_zone_and_options() {
        // Paris is UTC+1 in winter, UTC+2 in summer; times below are UTC.
        let cases = [
            // Monday 2026-11-23 10:07 local: 15 minutes' notice → first slot 10:30.
            Case {
                count: 15,
                starts: vec![
                    (0, utc(2026, 11, 23, 9, 30)),
                    (-1, utc(2026, 11, 23, 16, 30)),
                ],
                ..case("weekday", SHOP, utc(2026, 11, 23, 9, 7), 1)
            },
            // 17:40 local: the 17:30 slot has started, nothing left today.
            case("never in the past", SHOP, utc(2026, 11, 23, 16, 40), 1),
            Case {
                count: 18,
                starts: vec![(0, utc(2026, 11, 24, 8, 0))],
                ..case("tomorrow", SHOP, utc(2026, 11, 23, 16, 40), 2)
            },
            // Saturday 12:00 local: 12:30 today, nothing Sunday, then Monday.
            Case {
                count: 1 + 18,
                starts: vec![(0, utc(2026, 11, 28, 11, 30)), (1, utc(2026, 11, 30, 8, 0))],
                ..case("weekend", SHOP, utc(2026, 11, 28, 11, 0), 3)
            },
            // Thursday 24 December 18:30 local; the 25th is closed: Saturday only.
            Case {
                closed: "2026-12-25",
                count: 6,
                starts: vec![(0, utc(2026, 12, 26, 9, 0))],
                ..case("closed date", SHOP, utc(2026, 12, 24, 17, 30), 4)
            },
            // Friday 23:10 local: the night goes on after midnight, on the same grid…
            Case {
                count: 5,
                starts: vec![
                    (0, utc(2026, 11, 27, 22, 30)),
                    (-1, utc(2026, 11, 28, 0, 30)),
                ],
                ..case(
                    "across midnight",
                    "Fr 22:00-02:00",
                    utc(2026, 11, 27, 22, 10),
                    2,
                )
            },
            // … but slots after midnight are on Saturday, outside a today-only range.
            Case {
                count: 1,
                ..case("today only", "Fr 22:00-02:00", utc(2026, 11, 27, 22, 10), 1)
            },
            // Saturday 00:40 local: Friday's opening is still running.
            Case {
                count: 2,
                starts: vec![(0, utc(2026, 11, 28, 0, 0))],
                ..case(
                    "after midnight",
                    "Fr 22:00-02:00",
                    utc(2026, 11, 27, 23, 40),
                    1,
                )
            },
            // 45-minute slots from 22:00: 22:00 … 01:00; 01:45 would end after 02:00.
            Case {
                slot_minutes: 45,
                count: 5,
                starts: vec![(-1, utc(2026, 11, 28, 0, 0))],
                ..case(
                    "grid from start",
                    "Fr 22:00-02:00",
                    utc(2026, 11, 27, 12, 0),
                    2,
                )
            },
            // Spring forward (Sunday 2026-03-29): the night is 5 hours, Sunday 09:00 is 07:00 UTC.
            Case {
                count: 2 + 10 + 2,
                starts: vec![
                    (0, utc(2026, 3, 28, 8, 0)),
                    (2, utc(2026, 3, 28, 21, 0)),
                    (11, utc(2026, 3, 29, 1, 30)),
                    (12, utc(2026, 3, 29, 7, 0)),
                ],
                ..case(
                    "DST start",
                    "Sa 09:00-10:00,22:00-04:00; Su 09:00-10:00",
                    utc(2026, 3, 28, 0, 0),
                    2,
                )
            },
            // Fall back (Sunday 2026-10-25): the night is 7 hours, Sunday 09:00 is 08:00 UTC.
            Case {
                count: 2 + 14 + 2,
                starts: vec![
                    (0, utc(2026, 10, 24, 7, 0)),
                    (2, utc(2026, 10, 24, 20, 0)),
                    (15, utc(2026, 10, 25, 2, 30)),
                    (16, utc(2026, 10, 25, 8, 0)),
                ],
                ..case(
                    "DST end",
                    "Sa 09:00-10:00,22:00-04:00; Su 09:00-10:00",
                    utc(2026, 10, 24, 0, 0),
                    2,
                )
            },
            // Three days of one hour; the fourth day is out of range, as is everything at 0.
            Case {
                count: 6,
                starts: vec![(-1, utc(2026, 11, 25, 8, 30))],
                ..case("days_ahead", "09:00-10:00", utc(2026, 11, 23, 7, 0), 3)
            },
            case("days_ahead 0", "09:00-10:00", utc(2026, 11, 23, 7, 0), 0),
            // Monday 21:00: Tuesday's 00:00-02:00 lies inside Monday's night and is not repeated;
            // Tuesday's own night stops at the end of the two-day range.
            Case {
                count: 10 + 4,
                starts: vec![
                    (9, utc(2026, 11, 24, 1, 30)),
                    (10, utc(2026, 11, 24, 21, 0)),
                ],
                ..case(
                    "overlapping days",
                    "00:00-02:00,22:00-03:00",
                    utc(2026, 11, 23, 20, 0),
                    2,
                )
            },
            case("no hours", "", utc(2026, 11, 23, 9, 0), 7),
        ];
        for c in cases {
            let hours = OpeningHours::parse(c.hours).unwrap();
            let closed = ClosedDates::parse(c.closed).unwrap();
            let options = SlotOptions {
                days_ahead: c.days_ahead,
                slot_minutes: c.slot_minutes,
                ..SlotOptions::default()
            };
            let got = slots(&hours, &closed, &PARIS, c.now, options);
            assert_eq!(got.len(), c.count, "{}: {got:?}", c.name);
            for &(i, start) in &c.starts {
                let i = if i < 0 { got.len() as isize + i } else { i } as usize;
                assert_eq!(got[i].from_utc_ms, start, "{} slot {i}", c.name);
            }
            let step = i64::from(c.slot_minutes) * MINUTE_MS;
            for pair in got.windows(2) {
                assert!(
                    pair[0].to_utc_ms <= pair[1].from_utc_ms,
                    "{}: overlap",
                    c.name
                );
            }
            for s in &got {
                assert_eq!(s.to_utc_ms - s.from_utc_ms, step, "{}", c.name);
                assert!(
                    s.from_utc_ms >= c.now + 15 * MINUTE_MS,
                    "{}: too soon",
                    c.name
                );
            }
        }
    }

    #[test]
    fn default_options() {
        let o = SlotOptions::default();
        assert_eq!((o.days_ahead, o.slot_minutes, o.lead_minutes), (7, 30, 15));
    }
}
