//! The Insights figures on a fixed dataset, each expected value worked out by hand in the
//! comment beside it.
use super::*;

fn fb(id: &str, at: &str, metric: &str, score: u8) -> InsightRow {
    InsightRow {
        id: id.into(),
        reference: id.to_uppercase(),
        kind: "feedback".into(),
        received_at: at.into(),
        locale: "en".into(),
        metric: Some(metric.into()),
        score: Some(score),
        ..InsightRow::default()
    }
}

fn cb(id: &str, at: &str, due: &str, first: Option<&str>, kept: Option<bool>) -> InsightRow {
    InsightRow {
        id: id.into(),
        reference: id.to_uppercase(),
        kind: "callback".into(),
        received_at: at.into(),
        locale: "en".into(),
        callback_phone: Some("+33612345678".into()),
        callback_country: Some("FR".into()),
        due_by: Some(due.into()),
        first_attempt_at: first.map(Into::into),
        promise_kept: kept,
        ..InsightRow::default()
    }
}

fn tally(scores: &[u8]) -> Tally {
    let mut t = Tally::default();
    for &s in scores {
        t.add(s);
    }
    t
}

fn paris() -> Zone {
    Zone::named("Europe/Paris").unwrap()
}

fn at(ts: &str) -> i64 {
    ms(ts).unwrap()
}

fn scope(period: Period) -> Scope {
    Scope {
        period,
        category: None,
        path_prefix: None,
        language: None,
    }
}

#[test]
fn nps_extremes_passives_and_rounding() {
    let nps = |s: &[u8]| tally(s).score(Metric::Nps);
    assert_eq!(nps(&[9, 10, 10]), Some(Score::Nps(100)), "all promoters");
    assert_eq!(nps(&[0, 3, 6]), Some(Score::Nps(-100)), "all detractors");
    assert_eq!(nps(&[7, 8, 8]), Some(Score::Nps(0)), "only passives");
    // 3 promoters, 2 detractors, 3 passives: (3 − 2) / 8 = 12.5 % → 13 (half away from zero).
    assert_eq!(nps(&[9, 9, 10, 0, 6, 7, 7, 8]), Some(Score::Nps(13)));
    // 2 promoters, 3 detractors, 3 passives: −12.5 → −13.
    assert_eq!(nps(&[9, 10, 0, 5, 6, 7, 7, 8]), Some(Score::Nps(-13)));
    // 1 promoter, 2 detractors of 3: −33.3 → −33.
    assert_eq!(nps(&[10, 1, 2]), Some(Score::Nps(-33)));
    assert_eq!(nps(&[]), None);
    assert_eq!(Score::Nps(13).to_string(), "+13");
    assert_eq!(Score::Nps(-13).to_string(), "-13");
    assert_eq!(Score::Nps(0).to_string(), "0");
}

#[test]
fn csat_and_ces() {
    let csat = |s: &[u8]| tally(s).score(Metric::Csat);
    assert_eq!(csat(&[5, 4, 3, 1]), Some(Score::Csat(50)));
    // 1 of 3: 33.3 → 33; 2 of 3: 66.7 → 67; 1 of 8: 12.5 → 13.
    assert_eq!(csat(&[4, 1, 1]), Some(Score::Csat(33)));
    assert_eq!(csat(&[4, 5, 1]), Some(Score::Csat(67)));
    assert_eq!(csat(&[5, 1, 1, 1, 2, 2, 3, 3]), Some(Score::Csat(13)));
    assert_eq!(Score::Csat(67).to_string(), "67 %");
    let ces = |s: &[u8]| tally(s).score(Metric::Ces);
    // (7 + 6 + 2) / 3 = 5.0; (7 + 6) / 2 = 6.5; (1 + 2 + 2) / 3 = 1.67 → 1.7.
    assert_eq!(ces(&[7, 6, 2]), Some(Score::Ces(50)));
    assert_eq!(ces(&[7, 6]), Some(Score::Ces(65)));
    assert_eq!(ces(&[1, 2, 2]), Some(Score::Ces(17)));
    assert_eq!(Score::Ces(50).to_string(), "5.0");
    assert_eq!(Score::Ces(17).value(), 1.7);
}

#[test]
fn weeks_are_iso_weeks_in_the_owners_zone() {
    assert_eq!(iso_week(Date::new(2026, 11, 23).unwrap()), "2026-W48");
    // 2026-12-28 is in 2026's week 53; 2024-12-30 is already 2025-W01.
    assert_eq!(iso_week(Date::new(2026, 12, 28).unwrap()), "2026-W53");
    assert_eq!(iso_week(Date::new(2024, 12, 30).unwrap()), "2025-W01");
    assert_eq!(
        monday_of(Date::new(2026, 11, 29).unwrap()).to_string(),
        "2026-11-23"
    );
    // Summer time ends on 2026-10-25 in Paris: that week has 169 hours; spring's has 167.
    assert_eq!(week_hours(&paris(), Date::new(2026, 10, 19).unwrap()), 169);
    assert_eq!(week_hours(&paris(), Date::new(2026, 3, 23).unwrap()), 167);
    assert_eq!(week_hours(&paris(), Date::new(2026, 11, 23).unwrap()), 168);
}

#[test]
fn periods_are_local_days() {
    let now = at("2026-11-24T10:00:00.000Z"); // a Tuesday
    let w = Window::of(&Period::Days(30), &paris(), now);
    assert_eq!(
        (w.first.to_string(), w.last.to_string()),
        ("2026-10-26".into(), "2026-11-24".into())
    );
    // Local midnight in Paris is 23:00 UTC in winter.
    assert_eq!(w.start, "2026-10-25T23:00:00.000Z");
    assert_eq!(w.end, "2026-11-24T22:59:59.999Z");
    assert_eq!(w.len_days(), 30);
    let t = w.trend(&paris());
    // 12 weeks: Monday 2026-09-07 to Sunday 2026-11-29; the first in summer time.
    assert_eq!(
        (t.first.to_string(), t.last.to_string()),
        ("2026-09-07".into(), "2026-11-29".into())
    );
    assert_eq!(t.start, "2026-09-06T22:00:00.000Z");
    let y = Window::of(&Period::Year, &paris(), now);
    assert_eq!(y.first.to_string(), "2026-01-01");
    let q = |period: &str, from: &str, to: &str| InsightsQuery {
        period: period.into(),
        from: from.into(),
        to: to.into(),
        ..InsightsQuery::default()
    };
    assert_eq!(q("", "", "").scope().unwrap().period, Period::Days(30));
    assert_eq!(q("7", "", "").scope().unwrap().period, Period::Days(7));
    assert_eq!(
        q("custom", "2026-10-01", "2026-10-31")
            .scope()
            .unwrap()
            .period,
        Period::Custom(
            Date::new(2026, 10, 1).unwrap(),
            Date::new(2026, 10, 31).unwrap()
        )
    );
    for bad in [
        q("14", "", ""),
        q("custom", "", "2026-10-31"),
        q("custom", "2026-10-31", "2026-10-01"),
        q("custom", "2026-02-30", "2026-03-01"),
        q("custom", "2000-01-01", "2026-01-01"),
    ] {
        assert!(bad.scope().is_err(), "{bad:?}");
    }
    let s = InsightsQuery {
        path: "checkout".into(),
        lang: "FR-fr".into(),
        category: " idea ".into(),
        ..InsightsQuery::default()
    }
    .scope()
    .unwrap();
    assert_eq!(s.path_prefix.as_deref(), Some("/checkout"));
    assert_eq!(s.language.as_deref(), Some("fr"));
    assert_eq!(s.category.as_deref(), Some("idea"));
}

/// The week of a DST change, an empty week, answers just either side of local midnight.
#[test]
fn trend_buckets_by_local_week_with_gaps() {
    let now = at("2026-11-24T10:00:00.000Z");
    let rows = vec![
        // Sunday 2026-10-18 23:30 UTC = Monday 2026-10-19 01:30 CEST: week 43, not 42.
        fb("a", "2026-10-18T23:30:00.000Z", "csat", 5),
        // Sunday 2026-10-25 22:30 UTC = 23:30 CET, still Sunday: week 43 (the 169-hour week).
        fb("b", "2026-10-25T22:30:00.000Z", "csat", 2),
        // Sunday 2026-10-25 23:30 UTC = Monday 00:30 CET: week 44.
        fb("c", "2026-10-25T23:30:00.000Z", "csat", 4),
        // Week 48 (this week).
        fb("d", "2026-11-24T08:00:00.000Z", "csat", 4),
        // Before the trend's first Monday (2026-09-07 local): ignored.
        fb("e", "2026-09-06T21:59:59.999Z", "csat", 1),
    ];
    let ins = compute(&rows, &[], &scope(Period::Days(30)), &paris(), now);
    let csat = &ins.metrics[0];
    assert_eq!(csat.metric, Metric::Csat);
    let week = |k: &str| csat.weeks.iter().find(|w| w.key == k).unwrap().clone();
    assert_eq!(csat.weeks.len(), 12);
    assert_eq!(csat.weeks[0].key, "2026-W37");
    assert_eq!(csat.weeks[11].key, "2026-W48");
    // Week 43: a 5 and a 2 → 1 of 2 satisfied, 50 %.
    assert_eq!(
        week("2026-W43"),
        Group {
            key: "2026-W43".into(),
            n: 2,
            score: Some(Score::Csat(50))
        }
    );
    assert_eq!(week("2026-W44").n, 1);
    assert_eq!(
        week("2026-W42"),
        Group {
            key: "2026-W42".into(),
            n: 0,
            score: None
        },
        "a gap"
    );
    assert_eq!(week("2026-W48").score, Some(Score::Csat(100)));
    assert_eq!(csat.weeks.iter().map(|w| w.n).sum::<u32>(), 4);
    // The period (2026-10-26 00:00 CET on) holds c and d only: b is 23:30 on the 25th.
    assert_eq!(ins.answers, 2);
    assert_eq!(csat.tally.n(), 2);
    assert_eq!(csat.score, Some(Score::Csat(100)));
}

#[test]
fn distribution_categories_pages_and_metric_switch() {
    let now = at("2026-11-24T10:00:00.000Z");
    let mut rows = Vec::new();
    let mut add = |id: &str, metric: &str, score: u8, cat: Option<&str>, url: &str, msg: &str| {
        let mut r = fb(id, "2026-11-20T10:00:00.000Z", metric, score);
        r.category = cat.map(Into::into);
        r.page_url = Some(url.into());
        r.message = Some(msg.into());
        rows.push(r);
    };
    add(
        "n1",
        "nps",
        10,
        Some("idea"),
        "https://s.example/checkout?step=2",
        "Love it",
    );
    add(
        "n2",
        "nps",
        3,
        Some("bug"),
        "https://s.example/checkout",
        "Broken button",
    );
    add(
        "n3",
        "nps",
        0,
        Some("bug"),
        "https://s.example/cart#x",
        "Lost my cart",
    );
    add("n4", "nps", 8, None, "https://s.example/", "");
    // The shop switched to CSAT: its own series.
    add(
        "c1",
        "csat",
        1,
        Some("bug"),
        "https://s.example/cart",
        "Awful",
    );
    add("c2", "csat", 5, None, "https://s.example/", "  ");
    let ins = compute(&rows, &[], &scope(Period::Days(7)), &paris(), now);
    assert_eq!(ins.answers, 6);
    let metrics: Vec<Metric> = ins.metrics.iter().map(|m| m.metric).collect();
    assert_eq!(metrics, [Metric::Csat, Metric::Nps]);
    let nps = &ins.metrics[1];
    // 1 promoter, 2 detractors, 1 passive of 4: (1 − 2) / 4 = −25.
    assert_eq!(nps.score, Some(Score::Nps(-25)));
    assert_eq!(
        (nps.tally.count(10), nps.tally.count(3), nps.tally.count(9)),
        (1, 1, 0)
    );
    // By category: bug 2 (both detractors: −100), idea 1 (+100), (none) 1 (passive: 0).
    assert_eq!(
        nps.categories,
        [
            Group {
                key: "bug".into(),
                n: 2,
                score: Some(Score::Nps(-100))
            },
            Group {
                key: "(none)".into(),
                n: 1,
                score: Some(Score::Nps(0))
            },
            Group {
                key: "idea".into(),
                n: 1,
                score: Some(Score::Nps(100))
            },
        ]
    );
    // Pages by path, the query and fragment dropped: /checkout 2 (0), then / and /cart 1 each.
    assert_eq!(
        nps.pages[0],
        Group {
            key: "/checkout".into(),
            n: 2,
            score: Some(Score::Nps(0))
        }
    );
    assert_eq!(
        nps.pages.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
        ["/checkout", "/", "/cart"]
    );
    // Counts by category over every metric: bug 3, (none) 2, idea 1.
    assert_eq!(
        ins.categories,
        [("bug".into(), 3), ("(none)".into(), 2), ("idea".into(), 1)]
    );
    // Worst first across metrics: NPS 0 and CSAT 1 are both the bottom of their scale
    // (ties: newest, then id), then NPS 3; empty messages are not comments.
    let order: Vec<&str> = ins.comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(order, ["c1", "n3", "n2", "n1"]);
}

#[test]
fn filters() {
    let now = at("2026-11-24T10:00:00.000Z");
    let mut a = fb("a", "2026-11-23T10:00:00.000Z", "csat", 5);
    a.page_url = Some("https://s.example/checkout/pay".into());
    a.locale = "fr-FR".into();
    a.category = Some("idea".into());
    let mut b = fb("b", "2026-11-23T10:00:00.000Z", "csat", 1);
    b.page_url = Some("https://s.example/cart".into());
    b.locale = "en".into();
    b.category = Some("bug".into());
    let mut c = cb(
        "k",
        "2026-11-23T10:00:00.000Z",
        "2026-11-23T10:15:00.000Z",
        None,
        None,
    );
    c.page_url = Some("https://s.example/checkout".into());
    c.locale = "fr".into();
    let rows = vec![a, b, c];
    let run = |s: Scope| compute(&rows, &[], &s, &paris(), now);
    let all = run(scope(Period::Days(7)));
    assert_eq!((all.answers, all.promises.requests), (2, 1));
    let by_path = run(Scope {
        path_prefix: Some("/checkout".into()),
        ..scope(Period::Days(7))
    });
    assert_eq!((by_path.answers, by_path.promises.requests), (1, 1));
    assert_eq!(by_path.metrics[0].score, Some(Score::Csat(100)));
    let by_lang = run(Scope {
        language: Some("en".into()),
        ..scope(Period::Days(7))
    });
    assert_eq!((by_lang.answers, by_lang.promises.requests), (1, 0));
    assert_eq!(by_lang.metrics[0].score, Some(Score::Csat(0)));
    // The category filters feedback only: the callback stays.
    let by_cat = run(Scope {
        category: Some("bug".into()),
        ..scope(Period::Days(7))
    });
    assert_eq!((by_cat.answers, by_cat.promises.requests), (1, 1));
    assert_eq!(page_path("https://s.example"), "/");
    assert_eq!(page_path("/local/page?q"), "/local/page");
}

#[test]
fn promises_kept_times_to_first_call_and_overdue() {
    let now = at("2026-11-24T13:00:00.000Z");
    let rows = vec![
        // Called after 10 minutes, promised 15: kept.
        cb(
            "a",
            "2026-11-24T09:00:00.000Z",
            "2026-11-24T09:15:00.000Z",
            Some("2026-11-24T09:10:00.000Z"),
            Some(true),
        ),
        // Called after 30 minutes, promised 15: not kept.
        cb(
            "b",
            "2026-11-24T10:00:00.000Z",
            "2026-11-24T10:15:00.000Z",
            Some("2026-11-24T10:30:00.000Z"),
            Some(false),
        ),
        // Never called, the promise passed: judged, not kept.
        cb(
            "c",
            "2026-11-24T11:00:00.000Z",
            "2026-11-24T11:15:00.000Z",
            None,
            None,
        ),
        // Still within its promise: not judged yet.
        cb(
            "d",
            "2026-11-24T12:55:00.000Z",
            "2026-11-24T13:10:00.000Z",
            None,
            None,
        ),
        // Called after 2 h, promised by tomorrow: kept.
        cb(
            "e",
            "2026-11-23T09:00:00.000Z",
            "2026-11-24T09:00:00.000Z",
            Some("2026-11-23T11:00:00.000Z"),
            Some(true),
        ),
    ];
    let overdue = vec![
        rows[2].clone(),
        cb(
            "old",
            "2026-10-01T10:00:00.000Z",
            "2026-10-01T10:15:00.000Z",
            None,
            None,
        ),
    ];
    let ins = compute(&rows, &overdue, &scope(Period::Days(7)), &paris(), now);
    let p = &ins.promises;
    assert_eq!(p.requests, 5);
    // Kept 2 (a, e) of judged 4 (a, b, c, e): 50 %.
    assert_eq!((p.judged, p.kept, p.kept_percent), (4, 2, Some(50)));
    // Delays sorted: 10 min, 30 min, 2 h. Median: rank ⌈1.5⌉ = 2 → 30 min; p90: rank ⌈2.7⌉ = 3 → 2 h.
    assert_eq!(p.attempted, 3);
    assert_eq!(p.median_ms, Some(30 * 60_000));
    assert_eq!(p.p90_ms, Some(2 * 3_600_000));
    // Overdue now counts whenever received.
    assert_eq!(p.overdue_now, 2);
    // Per local day, every day of the 7: 1 on the 23rd, 4 on the 24th.
    assert_eq!(p.per_day.len(), 7);
    assert_eq!(p.per_day[5], (Date::new(2026, 11, 23).unwrap(), 1));
    assert_eq!(p.per_day[6], (Date::new(2026, 11, 24).unwrap(), 4));
    assert_eq!(p.per_day.iter().map(|d| d.1).sum::<u32>(), 5);
    assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
    assert_eq!(percentile(&[1, 2, 3, 4], 90), Some(4));
    assert_eq!(percentile(&[7], 90), Some(7));
    assert_eq!(percentile(&[], 50), None);
    assert_eq!(duration_text(30 * 60_000), "30 min");
    assert_eq!(duration_text(2 * 3_600_000 + 5 * 60_000), "2 h 05 min");
}

#[test]
fn low_score_visitors_who_asked_for_a_call() {
    let now = at("2026-11-24T13:00:00.000Z");
    let mut unhappy_mail = fb("f1", "2026-11-22T10:00:00.000Z", "csat", 1);
    unhappy_mail.email = Some("Noor@Example.com".into());
    let mut again = fb("f1b", "2026-11-22T11:00:00.000Z", "csat", 2);
    again.email = Some("noor@example.com".into());
    let mut unhappy_phone = fb("f2", "2026-11-22T10:00:00.000Z", "nps", 4);
    unhappy_phone.phone = Some("06 12 34 56 78".into());
    let mut unhappy_alone = fb("f3", "2026-11-22T10:00:00.000Z", "ces", 2);
    unhappy_alone.email = Some("zoe@example.com".into());
    let mut happy = fb("f4", "2026-11-22T10:00:00.000Z", "csat", 5);
    happy.email = Some("sam@example.com".into());
    let mut anonymous = fb("f5", "2026-11-22T10:00:00.000Z", "csat", 1);
    anonymous.email = None;
    // Noor asked by email and was called.
    let mut called = cb(
        "k1",
        "2026-11-22T12:00:00.000Z",
        "2026-11-22T12:15:00.000Z",
        Some("2026-11-22T12:05:00.000Z"),
        Some(true),
    );
    called.email = Some("NOOR@example.com".into());
    called.callback_phone = Some("+33700000000".into());
    // The phone visitor asked (their 06 number read in France is +33612345678), not called yet.
    let waiting = cb(
        "k2",
        "2026-11-22T12:00:00.000Z",
        "2026-11-22T12:15:00.000Z",
        None,
        None,
    );
    let rows = vec![
        unhappy_mail,
        again,
        unhappy_phone,
        unhappy_alone,
        happy,
        anonymous,
        called,
        waiting,
    ];
    let p = compute(&rows, &[], &scope(Period::Days(7)), &paris(), now).promises;
    // Low-score visitors with a contact: Noor (twice, counted once), the phone one, Zoë.
    assert_eq!((p.low_visitors, p.low_asked, p.low_called), (3, 2, 1));
}
