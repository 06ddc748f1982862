//! Exports of the inbox: CSV for spreadsheets, JSON for scripts, encoded one record at a
//! time so the inbox can stream them from the database (see `Store::export`).
//!
//! CSV is written by the `csv` crate (RFC 4180: quotes doubled, CRLF line ends) with *every*
//! cell quoted: a spreadsheet set to a semicolon list separator (the usual one in French and
//! German locales) would otherwise split an unquoted `Bob;=1+1` into two cells, the second a
//! formula. NUL bytes are removed (spreadsheets cut cells or whole files at them). Formula
//! injection is defused as well: a visitor's "=HYPERLINK(…)" must not run when the owner
//! opens the file, so a cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return,
//! which some spreadsheets skip before reading a formula) gets a leading `'`, which
//! spreadsheets show as text. That includes E.164 numbers (`'+33…`), which then also keep
//! their `+`.
//!
//! Times are exported as stored, RFC 3339 in UTC (`…Z`), whatever `--timezone` the inbox
//! shows: a machine-readable file must not depend on a display setting.
use crate::insights::{Insights, Score};
use crate::store::Record;

/// The header of the Insights CSV (`/inbox/insights.csv`): one aggregate a line.
pub const INSIGHTS_COLUMNS: [&str; 5] = ["section", "metric", "key", "answers", "value"];

/// The Insights page's aggregates as CSV: per metric its figure (`period`), each trend week,
/// each score's count, each category and top page; the category counts; the promises
/// figures (durations in seconds) and the requests per day. `value` is the figure as the
/// page rounds it (CSAT and kept shares in percent, CES with one decimal), empty without
/// answers.
pub fn insights_csv(ins: &Insights) -> Vec<u8> {
    let mut csv = CsvEncoder::new();
    let mut out = csv.line(INSIGHTS_COLUMNS.iter().map(|c| c.to_string()));
    let value = |s: Option<Score>| match s {
        Some(Score::Csat(v)) | Some(Score::Nps(v)) => v.to_string(),
        Some(Score::Ces(t)) => format!("{}.{}", t / 10, t % 10),
        None => String::new(),
    };
    for m in &ins.metrics {
        let name = m.metric.as_str();
        out.extend(csv.aggregate(
            ["score", name, "period"],
            [m.tally.n().to_string(), value(m.score)],
        ));
        for w in &m.weeks {
            out.extend(csv.aggregate(["week", name, &w.key], [w.n.to_string(), value(w.score)]));
        }
        let (lo, hi) = m.metric.scale();
        for s in lo..=hi {
            out.extend(csv.aggregate(
                ["distribution", name, &s.to_string()],
                [m.tally.count(s).to_string(), String::new()],
            ));
        }
        for g in &m.categories {
            out.extend(csv.aggregate(
                ["category", name, &g.key],
                [g.n.to_string(), value(g.score)],
            ));
        }
        for g in &m.pages {
            out.extend(csv.aggregate(["page", name, &g.key], [g.n.to_string(), value(g.score)]));
        }
    }
    for (cat, n) in &ins.categories {
        out.extend(csv.aggregate(
            ["feedback_by_category", "", cat],
            [n.to_string(), String::new()],
        ));
    }
    let p = &ins.promises;
    let secs = |ms: Option<i64>| ms.map(|v| (v / 1000).to_string()).unwrap_or_default();
    let rows: [(&str, u32, String); 6] = [
        ("requests", p.requests, String::new()),
        (
            "kept_percent",
            p.judged,
            p.kept_percent.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("first_call_median_seconds", p.attempted, secs(p.median_ms)),
        ("first_call_p90_seconds", p.attempted, secs(p.p90_ms)),
        ("overdue_now", p.overdue_now, String::new()),
        (
            "low_score_asked_called",
            p.low_visitors,
            format!("{}/{}", p.low_asked, p.low_called),
        ),
    ];
    for (key, n, v) in rows {
        out.extend(csv.aggregate(["promises", "", key], [n.to_string(), v]));
    }
    for (day, n) in &p.per_day {
        out.extend(csv.aggregate(
            ["requests_per_day", "", &day.to_string()],
            [n.to_string(), String::new()],
        ));
    }
    out
}

/// The CSV header, one name per column, in [`csv_row`] order.
pub const CSV_COLUMNS: [&str; 36] = [
    "id",
    "reference",
    "kind",
    "status",
    "received_at",
    "created_at",
    "locale",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "feedback_metric",
    "feedback_score",
    "feedback_category",
    "feedback_message",
    "callback_phone_e164",
    "callback_country",
    "callback_when_mode",
    "callback_slot_from",
    "callback_slot_to",
    "callback_timezone",
    "callback_reason",
    "callback_urgent",
    "callback_promise_text",
    "callback_due_by",
    "page_url",
    "page_title",
    "consent_given_at",
    "consent_text",
    "consent_version",
    "visitor_message",
    "rescheduled_due_by",
    "first_attempt_at",
    "promise_kept",
    "attempts_failed",
    "last_outcome",
    // The owner's context as compact JSON (`{"orderId":"1042"}`), empty without one.
    "context",
];

/// One CSV cell's text before quoting: without NUL bytes, and defused when a spreadsheet
/// would read it as a formula.
pub fn defuse(value: &str) -> String {
    let clean = value.replace('\0', "");
    if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{clean}")
    } else {
        clean
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The record's cells in [`CSV_COLUMNS`] order, raw (not yet defused or quoted).
pub fn csv_row(r: &Record) -> [String; 36] {
    [
        r.id.clone(),
        r.reference.clone(),
        r.kind.clone(),
        r.status.as_str().to_owned(),
        r.received_at.clone(),
        r.created_at.clone(),
        r.locale.clone(),
        opt(&r.visitor_name).to_owned(),
        opt(&r.visitor_email).to_owned(),
        opt(&r.visitor_phone).to_owned(),
        opt(&r.feedback_metric).to_owned(),
        r.feedback_score.map(|s| s.to_string()).unwrap_or_default(),
        opt(&r.feedback_category).to_owned(),
        opt(&r.feedback_message).to_owned(),
        opt(&r.callback_phone_e164).to_owned(),
        opt(&r.callback_country).to_owned(),
        opt(&r.callback_when_mode).to_owned(),
        opt(&r.callback_slot_from).to_owned(),
        opt(&r.callback_slot_to).to_owned(),
        opt(&r.callback_timezone).to_owned(),
        opt(&r.callback_reason).to_owned(),
        r.callback_urgent.map(|u| u.to_string()).unwrap_or_default(),
        opt(&r.callback_promise_text).to_owned(),
        opt(&r.callback_due_by).to_owned(),
        opt(&r.page_url).to_owned(),
        opt(&r.page_title).to_owned(),
        opt(&r.consent_given_at).to_owned(),
        opt(&r.consent_text).to_owned(),
        opt(&r.consent_version).to_owned(),
        opt(&r.visitor_message).to_owned(),
        opt(&r.rescheduled_due_by).to_owned(),
        opt(&r.first_attempt_at).to_owned(),
        r.promise_kept.map(|k| k.to_string()).unwrap_or_default(),
        r.attempts_failed.to_string(),
        opt(&r.last_outcome).to_owned(),
        crate::context::column(&r.context).unwrap_or_default(),
    ]
}

/// Writes CSV one record at a time; each call returns the bytes to send.
pub struct CsvEncoder {
    builder: csv::WriterBuilder,
}

impl Default for CsvEncoder {
    fn default() -> CsvEncoder {
        CsvEncoder::new()
    }
}

impl CsvEncoder {
    /// An encoder quoting every cell, with CRLF line ends.
    pub fn new() -> CsvEncoder {
        let mut builder = csv::WriterBuilder::new();
        builder
            .quote_style(csv::QuoteStyle::Always)
            .terminator(csv::Terminator::CRLF);
        CsvEncoder { builder }
    }

    /// The header line.
    pub fn header(&mut self) -> Vec<u8> {
        self.line(CSV_COLUMNS.iter().map(|c| c.to_string()))
    }

    /// One record's line, its cells defused.
    pub fn row(&mut self, r: &Record) -> Vec<u8> {
        self.line(csv_row(r).iter().map(|c| defuse(c)))
    }

    /// One line of Insights aggregates: `text` cells (category names and page paths, which
    /// visitors chose) defused, the figures as they are so a negative NPS stays a number.
    pub fn aggregate(&mut self, text: [&str; 3], figures: [String; 2]) -> Vec<u8> {
        self.line(text.iter().map(|c| defuse(c)).chain(figures))
    }

    fn line(&mut self, cells: impl Iterator<Item = String>) -> Vec<u8> {
        let mut out = Vec::new();
        // A writer per line (a small buffer): the bytes are ours as soon as it is flushed.
        let mut writer = self.builder.from_writer(&mut out);
        // Writing to a Vec cannot fail; a failure would only lose this line.
        let written = writer
            .write_record(cells)
            .and_then(|()| writer.flush().map_err(csv::Error::from));
        if let Err(e) = written {
            tracing::error!(error = %e, "CSV encoding failed");
        }
        drop(writer);
        out
    }
}

/// The JSON export's opening, its separator between items, and its end: an array of
/// records, each with the original submission under `submission`.
pub const JSON_OPEN: &str = "[";
/// See [`JSON_OPEN`].
pub const JSON_SEPARATOR: &str = ",";
/// See [`JSON_OPEN`].
pub const JSON_CLOSE: &str = "]";

/// One record of the JSON export.
pub fn json_item(r: &Record) -> Vec<u8> {
    let mut v = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
    v["submission"] = serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null);
    serde_json::to_vec(&v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        let mut enc = CsvEncoder::new();
        let bytes = enc.line(cells.iter().map(|c| defuse(c)));
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(line(&["plain", "a,b"]), "\"plain\",\"a,b\"\r\n");
        assert_eq!(line(&["say \"hi\""]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(line(&["two\nlines"]), "\"two\nlines\"\r\n");
        // A semicolon-separated spreadsheet sees one cell, and it is not a formula.
        assert_eq!(line(&["Bob;=1+1"]), "\"Bob;=1+1\"\r\n");
        assert_eq!(line(&[""]), "\"\"\r\n");
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("+33612345678"), "'+33612345678");
        assert_eq!(defuse("-2"), "'-2");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("\t=x"), "'\t=x");
        assert_eq!(defuse("a=b"), "a=b", "only a leading sign is a formula");
        // NULs go, and cannot hide a formula behind them.
        assert_eq!(defuse("A\0B"), "AB");
        assert_eq!(defuse("\0=1+1"), "'=1+1");
        assert_eq!(
            line(&["=HYPERLINK(\"http://x\",\"a;b\")"]),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a;b\"\")\"\r\n"
        );
    }
}
