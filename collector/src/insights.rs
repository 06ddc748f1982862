//! The Insights figures: satisfaction now and week by week, what people say, and whether the
//! shop keeps the promises its widget makes. Pure: rows in, figures out, no database and no
//! clock (the caller passes `now`), so every figure is tested on a hand-computed dataset and
//! SQLite and PostgreSQL give the same figures by construction (the store only selects rows by
//! their received time; every count, filter and rounding happens here).
//!
//! Rules, stated once:
//! - **CSAT** is the share of 4–5 answers on the 1–5 scale, a whole percent.
//! - **NPS** is % promoters (9–10) − % detractors (0–6), −100 to 100, a whole number.
//! - **CES** is the mean on 1–7 (7: "the shop made it easy"), one decimal.
//! - **Rounding**: half away from zero, computed on integers (no floating point), so
//!   `1/8 = 12.5 %` is 13 and NPS `−12.5` is −13: the same on every machine and database.
//! - **Weeks** are ISO weeks (Monday to Sunday) in the owner's zone: an answer belongs to the
//!   week of its local date, so a week with a daylight-saving change has 167 or 169 hours and
//!   loses nothing. The trend is the 12 weeks ending with the period's last day.
//! - **Percentiles** are nearest-rank: the p-th percentile of n sorted values is the one at
//!   rank ⌈p·n/100⌉ (the median of 4 values is the 2nd).
//! - **Promise kept**: the first call attempt was made by the time the widget promised
//!   (`promise_kept`, set by [`crate::attempts`] with the first call). A request is judged once
//!   it has a first attempt or its promised time has passed; the share is kept / judged.
//! - **Low score**: CSAT 1–2, NPS 0–6 (a detractor), CES 1–3. Such a visitor "asked for a call"
//!   when a callback request in the period came from the same visitor: the same email
//!   (compared without case), or the callback's number equal to the phone they left with the
//!   feedback once read in the callback's country. "Got one" means that request has a call
//!   attempt recorded.
//! - **Filters**: the page path prefix and the language (the locale's primary subtag, `fr`
//!   matches `fr-FR`) apply to everything; the category applies to feedback only (callback
//!   requests have none).
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use allo_core::zone::Date;

use crate::owner_zone::Zone;

/// Weeks in the trend chart.
pub const TREND_WEEKS: usize = 12;
/// Pages listed by answers.
pub const TOP_PAGES: usize = 10;
/// Lowest-scored comments listed.
pub const LOWEST_COMMENTS: usize = 10;
const DAY_MS: i64 = 86_400_000;

/// One submission as Insights reads it: the columns the figures need, nothing else (no body).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InsightRow {
    /// The submission id (for links).
    pub id: String,
    /// The short reference.
    pub reference: String,
    /// `feedback` or `callback`.
    pub kind: String,
    /// When the collector received it (UTC RFC 3339).
    pub received_at: String,
    /// The widget's language.
    pub locale: String,
    /// The page URL, when captured.
    pub page_url: Option<String>,
    /// `csat`, `nps` or `ces`.
    pub metric: Option<String>,
    /// The score.
    pub score: Option<u8>,
    /// The feedback category.
    pub category: Option<String>,
    /// The feedback message.
    pub message: Option<String>,
    /// The visitor's email.
    pub email: Option<String>,
    /// The visitor's phone as typed.
    pub phone: Option<String>,
    /// A callback's number, E.164.
    pub callback_phone: Option<String>,
    /// A callback number's country.
    pub callback_country: Option<String>,
    /// The time the widget promised.
    pub due_by: Option<String>,
    /// When the first call was made.
    pub first_attempt_at: Option<String>,
    /// Whether that first call came by the promised time.
    pub promise_kept: Option<bool>,
}

/// A satisfaction metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Customer satisfaction, 1–5.
    Csat,
    /// Net promoter score, 0–10.
    Nps,
    /// Customer effort score, 1–7.
    Ces,
}

impl Metric {
    /// Every metric, in the order the page shows them.
    pub const ALL: [Metric; 3] = [Metric::Csat, Metric::Nps, Metric::Ces];

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Metric> {
        match s {
            "csat" => Some(Metric::Csat),
            "nps" => Some(Metric::Nps),
            "ces" => Some(Metric::Ces),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Csat => "csat",
            Metric::Nps => "nps",
            Metric::Ces => "ces",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Csat => "CSAT",
            Metric::Nps => "NPS",
            Metric::Ces => "CES",
        }
    }

    /// The answer scale, lowest and highest.
    pub fn scale(self) -> (u8, u8) {
        match self {
            Metric::Csat => (1, 5),
            Metric::Nps => (0, 10),
            Metric::Ces => (1, 7),
        }
    }

    /// What the figure means, for the page.
    pub fn rule(self) -> &'static str {
        match self {
            Metric::Csat => "share of 4–5 answers on 1–5",
            Metric::Nps => "% promoters (9–10) − % detractors (0–6)",
            Metric::Ces => "mean on 1–7, 7 = easy",
        }
    }

    /// The lowest and highest value the figure can take, in [`Score::value`] units.
    pub fn range(self) -> (f64, f64) {
        match self {
            Metric::Csat => (0.0, 100.0),
            Metric::Nps => (-100.0, 100.0),
            Metric::Ces => (1.0, 7.0),
        }
    }

    /// True for an unhappy answer (see the module's rules).
    pub fn is_low(self, score: u8) -> bool {
        match self {
            Metric::Csat => score <= 2,
            Metric::Nps => score <= 6,
            Metric::Ces => score <= 3,
        }
    }

    /// How bad an answer is, 0 (best) to 1000 (worst), to rank comments across metrics.
    fn badness(self, score: u8) -> u32 {
        let (lo, hi) = self.scale();
        let s = score.clamp(lo, hi);
        u32::from(hi - s) * 1000 / u32::from(hi - lo)
    }
}

/// Integer division rounded half away from zero.
fn div_round(num: i64, den: i64) -> i64 {
    if den == 0 {
        return 0;
    }
    let q = (2 * num.abs() + den) / (2 * den);
    if num < 0 {
        -q
    } else {
        q
    }
}

/// A metric's figure over some answers, exactly as rounded for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Score {
    /// Whole percent of 4–5 answers.
    Csat(i64),
    /// Whole NPS points.
    Nps(i64),
    /// The mean in tenths (53 is 5.3).
    Ces(i64),
}

impl Score {
    /// The figure as a number on the metric's own scale (CES 5.3, NPS −13, CSAT 75).
    pub fn value(self) -> f64 {
        match self {
            Score::Csat(v) | Score::Nps(v) => v as f64,
            Score::Ces(t) => t as f64 / 10.0,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Score::Csat(v) => write!(f, "{v} %"),
            Score::Nps(v) if v > 0 => write!(f, "+{v}"),
            Score::Nps(v) => write!(f, "{v}"),
            Score::Ces(t) => write!(f, "{}.{}", t / 10, t % 10),
        }
    }
}

/// Answers per score value for one metric (index = score).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    counts: [u32; 11],
}

impl Tally {
    /// Counts one answer (scores off the scale are the widget's bug, but are kept in range).
    pub fn add(&mut self, score: u8) {
        self.counts[usize::from(score.min(10))] += 1;
    }

    /// How many answers.
    pub fn n(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// Answers with this score.
    pub fn count(&self, score: u8) -> u32 {
        self.counts[usize::from(score.min(10))]
    }

    fn sum(&self, scores: std::ops::RangeInclusive<u8>) -> i64 {
        scores.map(|s| i64::from(self.count(s))).sum()
    }

    /// The metric's figure, `None` without answers.
    pub fn score(&self, metric: Metric) -> Option<Score> {
        let n = i64::from(self.n());
        if n == 0 {
            return None;
        }
        Some(match metric {
            Metric::Csat => Score::Csat(div_round(100 * self.sum(4..=5), n)),
            Metric::Nps => Score::Nps(div_round(100 * (self.sum(9..=10) - self.sum(0..=6)), n)),
            Metric::Ces => {
                let total: i64 = (1..=7u8)
                    .map(|s| i64::from(s) * i64::from(self.count(s)))
                    .sum();
                Score::Ces(div_round(10 * total, n))
            }
        })
    }
}

/// The period the page covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Period {
    /// Today and the days before, this many in all.
    Days(u16),
    /// Since January 1st (owner's zone).
    Year,
    /// From one local day to another, both included.
    Custom(Date, Date),
}

/// What the page is asked for: the period and the filters, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The period.
    pub period: Period,
    /// Only this category (feedback), exactly.
    pub category: Option<String>,
    /// Only pages whose path starts with this.
    pub path_prefix: Option<String>,
    /// Only this language (primary subtag, lowercase).
    pub language: Option<String>,
}

/// The query string of `/inbox/insights` (and its CSV).
#[derive(Clone, Debug, Default, serde::Deserialize, PartialEq, Eq)]
pub struct InsightsQuery {
    /// `7`, `30`, `90`, `year` or `custom`; empty is 30.
    #[serde(default)]
    pub period: String,
    /// First day for `custom`, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Last day for `custom`, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: String,
    /// A category, or empty for all.
    #[serde(default)]
    pub category: String,
    /// A page path prefix (`/checkout`), or empty.
    #[serde(default)]
    pub path: String,
    /// A language (`fr`), or empty.
    #[serde(default)]
    pub lang: String,
}

/// The longest custom period, in days (a few years; more is a typo).
pub const MAX_DAYS: i64 = 3660;

impl InsightsQuery {
    /// Checks the query; the error says which value is wrong and how to write it.
    // The message is the sentence a 400 page shows (see `InboxError::bad_input`), never matched
    // on; its words are tested.
    pub fn scope(&self) -> Result<Scope, String> {
        let day = |name: &str, v: &str| {
            Date::parse(v.trim()).ok_or_else(|| format!("`{name}` must be a date like 2026-11-23"))
        };
        let period = match self.period.trim() {
            "" | "30" => Period::Days(30),
            "7" => Period::Days(7),
            "90" => Period::Days(90),
            "year" => Period::Year,
            "custom" => {
                let (from, to) = (day("from", &self.from)?, day("to", &self.to)?);
                if to < from {
                    return Err("`to` must not be before `from`".into());
                }
                if to.days() - from.days() >= MAX_DAYS {
                    return Err(format!("a custom period is at most {MAX_DAYS} days"));
                }
                Period::Custom(from, to)
            }
            other => {
                return Err(format!(
                    "unknown period `{other}`; use 7, 30, 90, year or custom"
                ))
            }
        };
        // Its message joins `scope`'s (a 400 page's sentence).
        let text = |v: &str, max: usize, name: &str| -> Result<Option<String>, String> {
            let v = v.trim();
            if v.chars().count() > max {
                return Err(format!("`{name}` is at most {max} characters"));
            }
            Ok((!v.is_empty()).then(|| v.replace('\0', "")))
        };
        let path_prefix = text(&self.path, 200, "path")?.map(|p| {
            if p.starts_with('/') {
                p
            } else {
                format!("/{p}")
            }
        });
        let language = text(&self.lang, 35, "lang")?.map(|l| primary_language(&l));
        Ok(Scope {
            period,
            category: text(&self.category, 100, "category")?,
            path_prefix,
            language,
        })
    }
}

/// `fr-FR` → `fr`.
fn primary_language(locale: &str) -> String {
    locale
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The path of a page URL (`https://shop.example/checkout?x=1` → `/checkout`).
pub fn page_path(url: &str) -> String {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        }
        None => url,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = &rest[..end];
    if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    }
}

/// The period's first and last local days and the instants that bound it (UTC RFC 3339,
/// inclusive), in `zone`, at `now_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// The first local day.
    pub first: Date,
    /// The last local day.
    pub last: Date,
    /// The first instant.
    pub start: String,
    /// The last instant.
    pub end: String,
}

fn day_bounds(zone: &Zone, d: Date) -> (String, String) {
    zone.day_bounds(&d.to_string())
        .unwrap_or_else(|| (format!("{d}T00:00:00.000Z"), format!("{d}T23:59:59.999Z")))
}

impl Window {
    /// The days `first..=last` in `zone`.
    pub fn days(zone: &Zone, first: Date, last: Date) -> Window {
        Window {
            first,
            last,
            start: day_bounds(zone, first).0,
            end: day_bounds(zone, last).1,
        }
    }

    /// The period's window at `now_ms`.
    pub fn of(period: &Period, zone: &Zone, now_ms: i64) -> Window {
        let today = Date::in_zone(zone, now_ms);
        let (first, last) = match *period {
            Period::Days(n) => (today.add_days(1 - i64::from(n)), today),
            Period::Year => (Date::new(today.year, 1, 1).unwrap_or(today), today),
            Period::Custom(from, to) => (from, to),
        };
        Window::days(zone, first, last)
    }

    /// The 12 ISO weeks of the trend: from the Monday 11 weeks before the week of the last
    /// day, to the Sunday of that week.
    pub fn trend(&self, zone: &Zone) -> Window {
        let monday = monday_of(self.last);
        Window::days(
            zone,
            monday.add_days(-7 * (TREND_WEEKS as i64 - 1)),
            monday.add_days(6),
        )
    }

    /// Whether an instant falls inside.
    pub fn contains(&self, ts: &str) -> bool {
        self.start.as_str() <= ts && ts <= self.end.as_str()
    }

    /// Number of days.
    pub fn len_days(&self) -> i64 {
        self.last.days() - self.first.days() + 1
    }
}

/// The Monday of a date's ISO week.
pub fn monday_of(d: Date) -> Date {
    d.add_days(-i64::from(d.weekday()))
}

/// The ISO week of a Monday, `2026-W49`.
pub fn iso_week(monday: Date) -> String {
    let thursday = monday.add_days(3);
    let jan1 = Date::new(thursday.year, 1, 1).unwrap_or(thursday);
    let week = (thursday.days() - jan1.days()) / 7 + 1;
    format!("{}-W{week:02}", thursday.year)
}

/// One bucket of answers: a week, a category, a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// What it is (`2026-W49`, `delivery`, `/checkout`).
    pub key: String,
    /// Answers in it.
    pub n: u32,
    /// Its figure (`None` without answers).
    pub score: Option<Score>,
}

/// Everything shown for one metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricFigures {
    /// Which metric.
    pub metric: Metric,
    /// All answers of the period.
    pub tally: Tally,
    /// Its figure.
    pub score: Option<Score>,
    /// The 12 trend weeks, oldest first; a week without answers has `n` 0 and no score.
    pub weeks: Vec<Group>,
    /// By category, most answers first (`(none)` for answers without one).
    pub categories: Vec<Group>,
    /// The pages with most answers, at most [`TOP_PAGES`].
    pub pages: Vec<Group>,
}

/// A comment worth reading first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// For the link.
    pub id: String,
    /// The reference.
    pub reference: String,
    /// When it came (UTC).
    pub received_at: String,
    /// Its metric.
    pub metric: Metric,
    /// Its score.
    pub score: u8,
    /// The category, if any.
    pub category: Option<String>,
    /// What they wrote.
    pub message: String,
}

/// The promises figures of the period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Promises {
    /// Callback requests received.
    pub requests: u32,
    /// Requests per local day of the period, every day listed (zeros too).
    pub per_day: Vec<(Date, u32)>,
    /// Requests that can be judged (first call made, or promised time passed).
    pub judged: u32,
    /// Of those, first call by the promised time.
    pub kept: u32,
    /// The share kept, whole percent (half away from zero), `None` when none is judged.
    pub kept_percent: Option<i64>,
    /// Requests with a first call.
    pub attempted: u32,
    /// Median time from request to first call, ms (nearest rank).
    pub median_ms: Option<i64>,
    /// 90th percentile of the same, ms (nearest rank).
    pub p90_ms: Option<i64>,
    /// Open callbacks overdue now (any period), after the filters.
    pub overdue_now: u32,
    /// Low-score visitors of the period who left an email or phone.
    pub low_visitors: u32,
    /// Of those, who asked for a call.
    pub low_asked: u32,
    /// Of those, who got one.
    pub low_called: u32,
}

/// The whole page's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insights {
    /// The period's days and bounds.
    pub window: Window,
    /// The trend's weeks and bounds.
    pub trend: Window,
    /// Feedback answers in the period (every metric).
    pub answers: u32,
    /// One entry per metric with answers in the period or the trend.
    pub metrics: Vec<MetricFigures>,
    /// Feedback per category over the period (every metric), most first.
    pub categories: Vec<(String, u32)>,
    /// The lowest-scored comments of the period, worst first, then newest.
    pub comments: Vec<Comment>,
    /// Callbacks.
    pub promises: Promises,
}

/// The label of answers without a category.
pub const NO_CATEGORY: &str = "(none)";

impl Scope {
    /// Whether a row passes the filters.
    pub fn admits(&self, row: &InsightRow) -> bool {
        if let Some(prefix) = &self.path_prefix {
            match &row.page_url {
                Some(url) if page_path(url).starts_with(prefix.as_str()) => {}
                _ => return false,
            }
        }
        if let Some(lang) = &self.language {
            if primary_language(&row.locale) != *lang {
                return false;
            }
        }
        if let Some(cat) = &self.category {
            if row.kind == "feedback" && row.category.as_deref() != Some(cat.as_str()) {
                return false;
            }
        }
        true
    }
}

fn ms(ts: &str) -> Option<i64> {
    crate::time::parse_millis(ts).and_then(|v| i64::try_from(v).ok())
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(p) * n).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

fn groups(map: HashMap<String, Tally>, metric: Metric, limit: usize) -> Vec<Group> {
    let mut v: Vec<Group> = map
        .into_iter()
        .map(|(key, t)| Group {
            key,
            n: t.n(),
            score: t.score(metric),
        })
        .collect();
    v.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.key.cmp(&b.key)));
    v.truncate(limit);
    v
}

/// A callback request's contact, to match low-score visitors against.
struct CallbackContact {
    email: Option<String>,
    phone: Option<String>,
    country: String,
    called: bool,
}

/// The comparable form of a phone number: digits only, with the leading `+` kept.
fn phone_key(raw: &str, country: Option<&str>) -> Option<String> {
    let country = country.unwrap_or("");
    if let Ok(e164) = allo_core::phone::normalize(raw, country) {
        return Some(e164.into_string());
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| {
        if raw.trim_start().starts_with('+') {
            format!("+{digits}")
        } else {
            digits
        }
    })
}

/// Computes the page's figures. `rows` must hold every submission received in the period and
/// in the trend's weeks (more is fine: each figure keeps its own window); `overdue` the open
/// callbacks overdue at `now_ms`, whenever received.
pub fn compute(
    rows: &[InsightRow],
    overdue: &[InsightRow],
    scope: &Scope,
    zone: &Zone,
    now_ms: i64,
) -> Insights {
    let window = Window::of(&scope.period, zone, now_ms);
    let trend = window.trend(zone);
    let first_monday = trend.first;
    let now = crate::time::format_millis(u64::try_from(now_ms).unwrap_or(0));

    #[derive(Default)]
    struct Acc {
        tally: Tally,
        weeks: Vec<Tally>,
        categories: HashMap<String, Tally>,
        pages: HashMap<String, Tally>,
        seen: bool,
    }
    let mut acc: BTreeMap<Metric, Acc> = BTreeMap::new();
    let mut categories: HashMap<String, u32> = HashMap::new();
    let mut comments: Vec<(u32, &InsightRow, Metric, u8)> = Vec::new();
    let mut answers = 0;
    let mut promises = Promises::default();
    let mut per_day: BTreeMap<Date, u32> = BTreeMap::new();
    let mut delays = Vec::new();
    // Low-score visitors' contacts (first seen), and callbacks' contacts with whether called.
    let mut low: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut callbacks: Vec<CallbackContact> = Vec::new();

    for row in rows.iter().filter(|r| scope.admits(r)) {
        let in_period = window.contains(&row.received_at);
        let in_trend = trend.contains(&row.received_at);
        if !in_period && !in_trend {
            continue;
        }
        let Some(received) = ms(&row.received_at) else {
            continue;
        };
        match row.kind.as_str() {
            "feedback" => {
                let (Some(metric), Some(score)) =
                    (row.metric.as_deref().and_then(Metric::parse), row.score)
                else {
                    continue;
                };
                let a = acc.entry(metric).or_insert_with(|| Acc {
                    weeks: vec![Tally::default(); TREND_WEEKS],
                    ..Acc::default()
                });
                if in_trend {
                    let monday = monday_of(Date::in_zone(zone, received));
                    let week = (monday.days() - first_monday.days()) / 7;
                    if let Some(t) = usize::try_from(week).ok().and_then(|w| a.weeks.get_mut(w)) {
                        t.add(score);
                        a.seen = true;
                    }
                }
                if !in_period {
                    continue;
                }
                answers += 1;
                a.seen = true;
                a.tally.add(score);
                let category = row
                    .category
                    .clone()
                    .filter(|c| !c.trim().is_empty())
                    .unwrap_or_else(|| NO_CATEGORY.to_owned());
                a.categories.entry(category.clone()).or_default().add(score);
                *categories.entry(category).or_default() += 1;
                if let Some(url) = &row.page_url {
                    a.pages.entry(page_path(url)).or_default().add(score);
                }
                if row.message.as_deref().is_some_and(|m| !m.trim().is_empty()) {
                    comments.push((metric.badness(score), row, metric, score));
                }
                if metric.is_low(score) {
                    let email = row.email.as_deref().map(|e| e.trim().to_lowercase());
                    let phone = row.phone.clone();
                    if email.is_some() || phone.is_some() {
                        low.push((email.filter(|e| !e.is_empty()), phone));
                    }
                }
            }
            "callback" if in_period => {
                promises.requests += 1;
                *per_day.entry(Date::in_zone(zone, received)).or_default() += 1;
                let first = row.first_attempt_at.as_deref().and_then(ms);
                if let Some(first) = first {
                    delays.push((first - received).max(0));
                }
                let due_passed = row.due_by.as_deref().is_some_and(|d| d < now.as_str());
                if first.is_some() || due_passed {
                    promises.judged += 1;
                    if row.promise_kept == Some(true) && first.is_some() {
                        promises.kept += 1;
                    }
                }
                callbacks.push(CallbackContact {
                    email: row.email.as_deref().map(|e| e.trim().to_lowercase()),
                    phone: row.callback_phone.clone(),
                    country: row.callback_country.clone().unwrap_or_default(),
                    called: first.is_some(),
                });
            }
            _ => {}
        }
    }

    promises.per_day = {
        let mut days = Vec::new();
        let mut d = window.first;
        while d <= window.last {
            days.push((d, per_day.get(&d).copied().unwrap_or(0)));
            d = d.add_days(1);
        }
        days
    };
    promises.kept_percent = (promises.judged > 0)
        .then(|| div_round(100 * i64::from(promises.kept), i64::from(promises.judged)));
    delays.sort_unstable();
    promises.attempted = delays.len() as u32;
    promises.median_ms = percentile(&delays, 50);
    promises.p90_ms = percentile(&delays, 90);
    promises.overdue_now = overdue
        .iter()
        .filter(|r| r.kind == "callback" && scope.admits(r))
        .count() as u32;

    // Low-score visitors, one per contact, matched against the period's callbacks through
    // maps (a year holds thousands of each): contact → whether any of its requests was called.
    let mut by_email: HashMap<&str, bool> = HashMap::new();
    let mut by_phone: HashMap<&str, bool> = HashMap::new();
    let mut countries: Vec<&str> = Vec::new();
    for cb in &callbacks {
        if let Some(e) = cb.email.as_deref().filter(|e| !e.is_empty()) {
            *by_email.entry(e).or_default() |= cb.called;
        }
        if let Some(p) = cb.phone.as_deref() {
            *by_phone.entry(p).or_default() |= cb.called;
        }
        if !countries.contains(&cb.country.as_str()) {
            countries.push(&cb.country);
        }
    }
    let mut counted: HashSet<String> = HashSet::new();
    for (email, phone) in &low {
        let key = email
            .clone()
            .or_else(|| phone.as_deref().and_then(|p| phone_key(p, None)));
        let Some(key) = key else { continue };
        if !counted.insert(key) {
            continue;
        }
        promises.low_visitors += 1;
        let mut found: Vec<bool> = Vec::new();
        if let Some(called) = email.as_deref().and_then(|e| by_email.get(e)) {
            found.push(*called);
        }
        // The feedback's phone is read in each callback country in turn.
        if let Some(raw) = phone {
            for country in &countries {
                if let Some(called) = phone_key(raw, Some(country))
                    .as_deref()
                    .and_then(|p| by_phone.get(p))
                {
                    found.push(*called);
                }
            }
        }
        if !found.is_empty() {
            promises.low_asked += 1;
            if found.contains(&true) {
                promises.low_called += 1;
            }
        }
    }

    // Worst first, then newest, then by id; only the first few become comments.
    let order = |a: &(u32, &InsightRow, Metric, u8), b: &(u32, &InsightRow, Metric, u8)| {
        b.0.cmp(&a.0)
            .then_with(|| b.1.received_at.cmp(&a.1.received_at))
            .then_with(|| a.1.id.cmp(&b.1.id))
    };
    if comments.len() > LOWEST_COMMENTS {
        comments.select_nth_unstable_by(LOWEST_COMMENTS - 1, order);
        comments.truncate(LOWEST_COMMENTS);
    }
    comments.sort_by(order);
    let comments: Vec<Comment> = comments
        .into_iter()
        .map(|(_, row, metric, score)| Comment {
            id: row.id.clone(),
            reference: row.reference.clone(),
            received_at: row.received_at.clone(),
            metric,
            score,
            category: row.category.clone(),
            message: row.message.as_deref().unwrap_or_default().trim().to_owned(),
        })
        .collect();

    let mut categories: Vec<(String, u32)> = categories.into_iter().collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let metrics = acc
        .into_iter()
        .filter(|(_, a)| a.seen)
        .map(|(metric, a)| MetricFigures {
            metric,
            score: a.tally.score(metric),
            tally: a.tally,
            weeks: a
                .weeks
                .iter()
                .enumerate()
                .map(|(i, t)| Group {
                    key: iso_week(first_monday.add_days(7 * i as i64)),
                    n: t.n(),
                    score: t.score(metric),
                })
                .collect(),
            categories: groups(a.categories, metric, usize::MAX),
            pages: groups(a.pages, metric, TOP_PAGES),
        })
        .collect();

    Insights {
        window,
        trend,
        answers,
        metrics,
        categories,
        comments,
        promises,
    }
}

/// A duration in words for the page: `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`.
pub fn duration_text(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// The hours between two local Mondays' midnights (a DST week has 167 or 169), for tests and
/// the page's note.
pub fn week_hours(zone: &Zone, monday: Date) -> i64 {
    let start = ms(&day_bounds(zone, monday).0).unwrap_or(0);
    let next = ms(&day_bounds(zone, monday.add_days(7)).0).unwrap_or(start + 7 * DAY_MS);
    (next - start) / 3_600_000
}

#[cfg(test)]
mod tests;
