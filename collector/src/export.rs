//! Exports of the inbox: CSV for spreadsheets, JSON for scripts.
//!
//! CSV follows RFC 4180 (fields with a comma, quote or line break are quoted, quotes doubled,
//! CRLF line ends) and defuses formula injection: a visitor's "=HYPERLINK(…)" must not run
//! when the owner opens the file, so a cell starting with `=`, `+`, `-`, `@` (or a tab or
//! carriage return, which some spreadsheets skip before reading a formula) gets a leading
//! `'`, which spreadsheets show as text. That includes E.164 numbers (`'+33…`), which then
//! also keep their `+`.
//!
//! Times are exported as stored, RFC 3339 in UTC (`…Z`), whatever `--timezone` the inbox
//! shows: a machine-readable file must not depend on a display setting.
use crate::store::Record;

/// The CSV header, one name per column, in [`csv_row`] order.
pub const CSV_COLUMNS: [&str; 35] = [
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
];

/// One CSV cell, defused and quoted as needed.
pub fn csv_cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The record's cells in [`CSV_COLUMNS`] order, raw (not yet defused or quoted).
pub fn csv_row(r: &Record) -> [String; 35] {
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
    ]
}

/// The whole CSV document.
pub fn csv(records: &[Record]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in records {
        let cells: Vec<String> = csv_row(r).iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The JSON export: an array of records, each with the original submission under
/// `submission`.
pub fn json(records: &[Record]) -> String {
    let items: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
            v["submission"] = serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null);
            v
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("+33612345678"), "'+33612345678");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\t=x"), "'\t=x");
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"a,b\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\""
        );
        assert_eq!(csv_cell("a=b"), "a=b", "only a leading sign is a formula");
    }
}
