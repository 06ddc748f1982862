//! The Insights page (`/inbox/insights`): the figures of [`crate::insights`] laid out as
//! tables and charts.
//!
//! The charts are small hand-written SVG, drawn by the template from the coordinates computed
//! here, rather than plotters' SVG backend. Three reasons: plotters renders to a string of
//! markup that the template would have to insert unescaped (`|safe`, which no inbox template
//! uses, so an escaping slip stays impossible); its output has no `<title>`/`<desc>` or ARIA
//! to name the chart for a screen reader; and three kinds of bar chart are about 150 lines
//! here against a dependency tree several times the collector's own chart needs. Colours are
//! SVG presentation attributes in `templates/chart.html` (the inbox's CSP forbids `style=`),
//! bars and text at least 4.5:1 against the chart's own white background, which it carries
//! whatever the page's colours and on paper; every chart is followed by a table with the same figures and their counts.
use askama::Template;

use super::{render, Layout, Nav, Team};
use crate::insights::{
    duration_text, Group, Insights, InsightsQuery, Metric, MetricFigures, Period, Score,
    NO_CATEGORY,
};
use crate::owner_zone::Zone;

/// The charts' drawing size (a viewBox; CSS scales it to the column's width).
const W: f64 = 360.0;
const H: f64 = 190.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 44.0;
/// One bar.
pub struct Bar {
    x: String,
    y: String,
    w: String,
    h: String,
    /// The tooltip: what it is and its figures.
    label: String,
}

/// A label or tick at a position.
pub struct Tick {
    x: String,
    y: String,
    text: String,
}

/// A bar chart, ready to draw.
pub struct Chart {
    /// Unique within the page, for `aria-labelledby`.
    id: String,
    title: String,
    /// The text alternative: the figures in a sentence.
    desc: String,
    y_label: String,
    x_label: String,
    bars: Vec<Bar>,
    /// Horizontal grid lines with their value on the left.
    ticks: Vec<Tick>,
    /// Labels under the bars (one or two lines).
    labels: Vec<Tick>,
    sublabels: Vec<Tick>,
    /// Marks at the baseline for empty buckets ("no answers").
    gaps: Vec<Tick>,
    baseline: String,
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// Builds a chart of `values` (None: a gap) on the value range `lo..hi` from `base`.
#[allow(clippy::too_many_arguments)]
fn chart(
    id: &str,
    title: &str,
    desc: String,
    y_label: &str,
    x_label: &str,
    values: &[(String, Option<f64>, String)],
    (lo, hi, base): (f64, f64, f64),
    ticks: &[(f64, String)],
    label_every: usize,
) -> Chart {
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h * (1.0 - (v - lo) / (hi - lo).max(f64::EPSILON));
    let n = values.len().max(1) as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.7).max(0.6);
    let mut c = Chart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        y_label: y_label.to_owned(),
        x_label: x_label.to_owned(),
        bars: Vec::new(),
        ticks: ticks
            .iter()
            .map(|(v, t)| Tick {
                x: f(LEFT - 4.0),
                y: f(y(*v)),
                text: t.clone(),
            })
            .collect(),
        labels: Vec::new(),
        sublabels: Vec::new(),
        gaps: Vec::new(),
        baseline: f(y(base)),
    };
    for (i, (label, value, sub)) in values.iter().enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        match value {
            Some(v) => {
                let (top, bottom) = if *v >= base {
                    (y(*v), y(base))
                } else {
                    (y(base), y(*v))
                };
                c.bars.push(Bar {
                    x: f(cx - bar_w / 2.0),
                    y: f(top),
                    w: f(bar_w),
                    // A zero still shows as a hairline.
                    h: f((bottom - top).max(0.8)),
                    label: format!("{label}: {sub}"),
                });
            }
            None => c.gaps.push(Tick {
                x: f(cx),
                y: f(y(base) - 3.0),
                text: "–".into(),
            }),
        }
        if i % label_every.max(1) == 0 {
            c.labels.push(Tick {
                x: f(cx),
                y: f(H - BOTTOM + 12.0),
                text: label.clone(),
            });
            if label_every == 1 {
                c.sublabels.push(Tick {
                    x: f(cx),
                    y: f(H - BOTTOM + 23.0),
                    text: sub.split(',').next().unwrap_or_default().to_owned(),
                });
            }
        }
    }
    c
}

/// Integer ticks from 0 to `max` (at most 3 lines).
fn count_ticks(max: u32) -> (f64, Vec<(f64, String)>) {
    let top = max.max(1);
    let mut ticks = vec![(0.0, "0".to_owned())];
    if top >= 2 {
        ticks.push((f64::from(top / 2), (top / 2).to_string()));
    }
    ticks.push((f64::from(top), top.to_string()));
    (f64::from(top), ticks)
}

fn score_ticks(metric: Metric) -> Vec<(f64, String)> {
    match metric {
        Metric::Csat => vec![
            (0.0, "0".into()),
            (50.0, "50".into()),
            (100.0, "100".into()),
        ],
        Metric::Nps => vec![
            (-100.0, "−100".into()),
            (0.0, "0".into()),
            (100.0, "+100".into()),
        ],
        Metric::Ces => vec![(1.0, "1".into()), (4.0, "4".into()), (7.0, "7".into())],
    }
}

fn answers(n: u32) -> String {
    match n {
        1 => "1 answer".into(),
        n => format!("{n} answers"),
    }
}

fn score_text(score: Option<Score>) -> String {
    score.map_or_else(|| "no answers".into(), |s| s.to_string())
}

/// A row of a group table.
pub struct GroupRow {
    key: String,
    n: u32,
    score: String,
}

fn group_rows(groups: &[Group]) -> Vec<GroupRow> {
    groups
        .iter()
        .map(|g| GroupRow {
            key: g.key.clone(),
            n: g.n,
            score: score_text(g.score),
        })
        .collect()
}

/// One distribution row: a score, its answers, its share.
pub struct DistRow {
    score: u8,
    n: u32,
    share: String,
}

/// One metric's section.
pub struct MetricSection {
    label: &'static str,
    rule: &'static str,
    score: String,
    n: u32,
    trend: Chart,
    weeks: Vec<GroupRow>,
    dist: Chart,
    dist_rows: Vec<DistRow>,
    categories: Vec<GroupRow>,
    pages: Vec<GroupRow>,
}

fn metric_section(m: &MetricFigures) -> MetricSection {
    let metric = m.metric;
    let label = metric.label();
    let (lo, hi) = metric.range();
    let base = if metric == Metric::Ces { 1.0 } else { 0.0 };
    let week_values: Vec<(String, Option<f64>, String)> = m
        .weeks
        .iter()
        .map(|w| {
            let short = w.key.split_once('-').map_or(w.key.as_str(), |(_, k)| k);
            (
                short.to_owned(),
                w.score.map(Score::value),
                format!("{}, {}", w.n, score_text(w.score)),
            )
        })
        .collect();
    let trend_desc = format!(
        "{label} by week, oldest first: {}.",
        m.weeks
            .iter()
            .map(|w| format!("{} {} ({})", w.key, score_text(w.score), answers(w.n)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let id = metric.as_str();
    let trend = chart(
        &format!("{id}-trend"),
        &format!("{label} by week, last 12 weeks"),
        trend_desc,
        label,
        "ISO week · answers",
        &week_values,
        (lo, hi, base),
        &score_ticks(metric),
        1,
    );
    let (s_lo, s_hi) = metric.scale();
    let n = m.tally.n();
    let max = (s_lo..=s_hi).map(|s| m.tally.count(s)).max().unwrap_or(0);
    let (top, ticks) = count_ticks(max);
    let dist_values: Vec<(String, Option<f64>, String)> = (s_lo..=s_hi)
        .map(|s| {
            let c = m.tally.count(s);
            (s.to_string(), Some(f64::from(c)), answers(c))
        })
        .collect();
    let dist_rows: Vec<DistRow> = (s_lo..=s_hi)
        .map(|s| {
            let c = m.tally.count(s);
            DistRow {
                score: s,
                n: c,
                share: if n == 0 {
                    "–".into()
                } else {
                    format!(
                        "{} %",
                        (200 * u64::from(c) + u64::from(n)) / (2 * u64::from(n))
                    )
                },
            }
        })
        .collect();
    let dist = chart(
        &format!("{id}-dist"),
        &format!("{label} answers by score"),
        format!(
            "{label} answers by score: {}.",
            dist_rows
                .iter()
                .map(|r| format!("{}: {}", r.score, r.n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "answers",
        "score",
        &dist_values,
        (0.0, top, 0.0),
        &ticks,
        1,
    );
    MetricSection {
        label,
        rule: metric.rule(),
        score: score_text(m.score),
        n,
        trend,
        weeks: group_rows(&m.weeks),
        dist,
        dist_rows,
        categories: group_rows(&m.categories),
        pages: group_rows(&m.pages),
    }
}

/// A comment line.
pub struct CommentRow {
    id: String,
    reference: String,
    received: String,
    score: String,
    category: String,
    message: String,
}

/// A labelled figure of the promises section.
pub struct Figure {
    label: &'static str,
    value: String,
    basis: String,
}

/// The period picker's choices.
pub struct PeriodOpt {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage<'a> {
    layout: Layout<'a>,
    periods: Vec<PeriodOpt>,
    q: &'a InsightsQuery,
    zone: &'a str,
    range: String,
    trend_range: String,
    csv_href: String,
    answers: u32,
    metrics: Vec<MetricSection>,
    categories: Vec<(String, u32)>,
    category_names: Vec<String>,
    comments: Vec<CommentRow>,
    promises: Vec<Figure>,
    per_day: Chart,
    per_day_rows: Vec<(String, u32)>,
    requests: u32,
}

fn percent_of(part: u32, whole: u32) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!(
            "{} %",
            (200 * u64::from(part) + u64::from(whole)) / (2 * u64::from(whole))
        )
    }
}

/// The query string reproducing the page's choices (for the CSV link).
pub fn query_string(q: &InsightsQuery) -> String {
    let pairs = [
        ("period", &q.period),
        ("from", &q.from),
        ("to", &q.to),
        ("category", &q.category),
        ("path", &q.path),
        ("lang", &q.lang),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", super::url_encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

/// The Insights page.
pub fn page(ins: &Insights, q: &InsightsQuery, csrf: &str, zone: &Zone, team: &Team) -> String {
    let chosen = match q.period.trim() {
        "" => "30",
        p => p,
    };
    let periods = [
        ("7", "Last 7 days"),
        ("30", "Last 30 days"),
        ("90", "Last 90 days"),
        ("year", "This year"),
        ("custom", "Custom (from – to)"),
    ]
    .into_iter()
    .map(|(value, label)| PeriodOpt {
        value,
        label,
        selected: value == chosen,
    })
    .collect();
    let p = &ins.promises;
    let promises = vec![
        Figure {
            label: "Callback requests",
            value: p.requests.to_string(),
            basis: "in the period".into(),
        },
        Figure {
            label: "First call by the promised time",
            value: p
                .kept_percent
                .map_or_else(|| "–".into(), |v| format!("{v} %")),
            basis: format!(
                "{} of {} requests whose first call was made or whose promised time passed",
                p.kept, p.judged
            ),
        },
        Figure {
            label: "Request to first call, median",
            value: p.median_ms.map_or_else(|| "–".into(), duration_text),
            basis: format!("of {} requests called", p.attempted),
        },
        Figure {
            label: "Request to first call, 90th percentile",
            value: p.p90_ms.map_or_else(|| "–".into(), duration_text),
            basis: format!("of {} requests called", p.attempted),
        },
        Figure {
            label: "Overdue right now",
            value: p.overdue_now.to_string(),
            basis: "open requests past their promise, whenever received".into(),
        },
        Figure {
            label: "Unhappy visitors who asked for a call",
            value: format!("{} of {}", p.low_asked, p.low_visitors),
            basis: "low scores (CSAT 1–2, NPS 0–6, CES 1–3) from visitors who left an email or phone; linked to a callback by the same email or number".into(),
        },
        Figure {
            label: "… and got one",
            value: format!("{} of {}", p.low_called, p.low_asked),
            basis: format!("{} of those who asked", percent_of(p.low_called, p.low_asked)),
        },
    ];
    let max = p.per_day.iter().map(|d| d.1).max().unwrap_or(0);
    let (top, ticks) = count_ticks(max);
    let days = p.per_day.len();
    let per_day_values: Vec<(String, Option<f64>, String)> = p
        .per_day
        .iter()
        .map(|(d, n)| {
            let label = d.to_string();
            (label[5..].to_owned(), Some(f64::from(*n)), n.to_string())
        })
        .collect();
    let every = if days <= 14 { 1 } else { days.div_ceil(4) };
    let per_day = chart(
        "per-day",
        "Callback requests per day",
        format!(
            "Callback requests per day from {} to {}: {} in all, at most {} in a day.",
            ins.window.first, ins.window.last, p.requests, max
        ),
        "requests",
        "day",
        &per_day_values,
        (0.0, top, 0.0),
        &ticks,
        every,
    );
    let mut category_names: Vec<String> = ins
        .categories
        .iter()
        .map(|c| c.0.clone())
        .filter(|c| c != NO_CATEGORY)
        .collect();
    category_names.sort();
    let query = query_string(q);
    let range = match &q.scope().map(|s| s.period) {
        Ok(Period::Days(n)) => {
            format!("last {n} days, {} to {}", ins.window.first, ins.window.last)
        }
        Ok(Period::Year) => format!("this year, {} to {}", ins.window.first, ins.window.last),
        _ => format!("{} to {}", ins.window.first, ins.window.last),
    };
    render(&InsightsPage {
        layout: Layout::new(Some(csrf), Nav::Insights).for_team(team),
        periods,
        q,
        zone: zone.name(),
        range,
        trend_range: format!("{} to {}", ins.trend.first, ins.trend.last),
        csv_href: if query.is_empty() {
            "/inbox/insights.csv".into()
        } else {
            format!("/inbox/insights.csv?{query}")
        },
        answers: ins.answers,
        metrics: ins.metrics.iter().map(metric_section).collect(),
        categories: ins.categories.clone(),
        category_names,
        comments: ins
            .comments
            .iter()
            .map(|c| CommentRow {
                id: c.id.clone(),
                reference: c.reference.clone(),
                received: zone.show(&c.received_at),
                score: format!(
                    "{} {} of {}–{}",
                    c.metric.label(),
                    c.score,
                    c.metric.scale().0,
                    c.metric.scale().1
                ),
                category: c.category.clone().unwrap_or_default(),
                message: super::clip(&c.message, 300),
            })
            .collect(),
        promises,
        per_day,
        per_day_rows: p.per_day.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
        requests: p.requests,
    })
}
