//! The inbox's pages, rendered on the server as plain strings.
//!
//! Everything a visitor typed passes through [`esc`] before it reaches a page: names,
//! messages, URLs and the promise text may contain markup and must show as text. Pages need
//! no script at all (forms and links only), so the inbox's Content-Security-Policy forbids
//! scripts outright and a missed escape still could not run one.
use std::collections::HashMap;
use std::fmt::Write;

use crate::status::Status;
use crate::store::{Delivery, DeliveryKind, Record, StatusEvent};
use crate::zone::Zone;

/// The inbox's Content-Security-Policy: its own stylesheet and forms, nothing else.
pub const INBOX_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The stylesheet served at `/inbox/inbox.css`.
pub const CSS: &str = "\
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.6rem 1.2rem;background:#1d2330;color:#fff}
header a{color:#fff}header h1{font-size:1.1rem;margin:0 1rem 0 0}
header form{margin-left:auto}
main{padding:1rem 1.2rem;max-width:80rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #e3e6eb}
th{font-size:.8rem;text-transform:uppercase;color:#5b6475}
form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;margin-bottom:1rem}
label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem}
input,select,textarea,button{font:inherit;padding:.3rem .4rem}
textarea{width:100%;min-height:5rem;box-sizing:border-box}
main form:not(.filters){max-width:40rem}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.8rem;background:#e3e6eb}
.urgent,.overdue,.failing{background:#c62828;color:#fff}
.status-new{background:#1565c0;color:#fff}.status-delayed{background:#ef6c00;color:#fff}
.status-handled,.status-called_back{background:#2e7d32;color:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:#fff;padding:1rem}
dt{font-weight:600}dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
.error{background:#fdecea;border:1px solid #c62828;padding:.5rem 1rem}
.muted{color:#5b6475}
";

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens `s` to `max` characters, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// The whole page around `body`; `csrf` is non-empty for a logged-in browser (logout form).
pub fn page(title: &str, csrf: Option<&str>, body: &str) -> String {
    let logout = match csrf {
        Some(token) if !token.is_empty() => format!(
            "<form method=\"post\" action=\"/inbox/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>Log out</button></form>",
            esc(token)
        ),
        _ => String::new(),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{} · Allo inbox</title><link rel=\"stylesheet\" href=\"/inbox/inbox.css\"></head>\
         <body><header><h1>Allo inbox</h1><nav><a href=\"/inbox\">All</a> · \
         <a href=\"/inbox?view=callbacks\">Callbacks</a> · <a href=\"/inbox?kind=feedback\">Feedback</a></nav>{logout}</header>\
         <main>{body}</main></body></html>\n",
        esc(title)
    )
}

/// The login page, with an optional error line.
pub fn login(error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    page(
        "Log in",
        None,
        &format!(
            "<h2>Log in</h2>{error}<form method=\"post\" action=\"/inbox/login\">\
             <label>Inbox token <input type=\"password\" name=\"token\" required autocomplete=\"current-password\" autofocus></label>\
             <label>Your name (kept in the status history) <input name=\"name\" maxlength=\"100\" autocomplete=\"name\"></label>\
             <p><button>Log in</button></p></form>"
        ),
    )
}

/// A page with one message (bad filters, unknown item).
pub fn message(title: &str, text: &str, csrf: Option<&str>) -> String {
    page(
        title,
        csrf,
        &format!(
            "<h2>{}</h2><p class=\"error\">{}</p><p><a href=\"/inbox\">Back to the inbox</a></p>",
            esc(title),
            esc(text)
        ),
    )
}

fn status_badge(s: Status) -> String {
    format!(
        "<span class=\"badge status-{}\">{}</span>",
        s.as_str(),
        s.label()
    )
}

/// True when a callback's promise passed unanswered (see [`Record::is_overdue`]).
pub fn is_overdue(r: &Record, now: &str) -> bool {
    r.is_overdue(now)
}

/// The badge of a submission whose notification or webhook is failing (`true`: abandoned).
fn delivery_badge(abandoned: bool) -> &'static str {
    if abandoned {
        "<span class=\"badge failing\">notification failed</span> "
    } else {
        "<span class=\"badge failing\">notification retrying</span> "
    }
}

/// The filters a listing was made with, as the form shows them (already validated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// `callbacks` or empty.
    pub view: String,
    /// `feedback`, `callback` or empty.
    pub kind: String,
    /// A status name, `open`, `any` or empty.
    pub status: String,
    /// `YYYY-MM-DD` or empty.
    pub from: String,
    /// `YYYY-MM-DD` or empty.
    pub to: String,
}

impl Shown {
    /// The query string that reproduces these filters (values are validated, URL-safe).
    pub fn query(&self) -> String {
        let pairs = [
            ("view", &self.view),
            ("kind", &self.kind),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let parts: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.join("&")
    }
}

fn option(value: &str, label: &str, selected: &str) -> String {
    format!(
        "<option value=\"{}\"{}>{}</option>",
        esc(value),
        if value == selected { " selected" } else { "" },
        esc(label)
    )
}

/// The listing page; `problems` maps ids with a failing delivery to whether it was abandoned.
/// Times are shown in `zone`.
pub fn list(
    records: &[Record],
    shown: &Shown,
    csrf: &str,
    now: &str,
    truncated: bool,
    problems: &HashMap<String, bool>,
    zone: &Zone,
) -> String {
    let mut body = String::new();
    let callbacks = shown.view == "callbacks";
    let _ = write!(
        body,
        "<h2>{}</h2><form class=\"filters\" method=\"get\" action=\"/inbox\">",
        if callbacks {
            "Callbacks — most urgent first"
        } else {
            "Submissions — newest first"
        }
    );
    if callbacks {
        body.push_str("<input type=\"hidden\" name=\"view\" value=\"callbacks\">");
    } else {
        let _ = write!(
            body,
            "<label>Kind<select name=\"kind\">{}{}{}</select></label>",
            option("", "Any", &shown.kind),
            option("callback", "Callback requests", &shown.kind),
            option("feedback", "Feedback", &shown.kind)
        );
    }
    let mut statuses = option("", if callbacks { "Open" } else { "Any" }, &shown.status);
    statuses.push_str(&option(
        if callbacks { "any" } else { "open" },
        if callbacks { "Any" } else { "Open" },
        &shown.status,
    ));
    statuses.push_str(&option("overdue", "Overdue callbacks", &shown.status));
    for s in Status::ALL {
        statuses.push_str(&option(s.as_str(), s.label(), &shown.status));
    }
    let _ = write!(
        body,
        "<label>Status<select name=\"status\">{statuses}</select></label>\
         <label>Received from<input type=\"date\" name=\"from\" value=\"{}\"></label>\
         <label>to<input type=\"date\" name=\"to\" value=\"{}\"></label>\
         <button>Filter</button></form>\
         <p class=\"muted\">Times and days in {}.</p>",
        esc(&shown.from),
        esc(&shown.to),
        esc(zone.name())
    );
    let q = shown.query();
    let sep = if q.is_empty() { "" } else { "?" };
    let _ = write!(
        body,
        "<p>{} shown{} · Export <a href=\"/inbox/export.csv{sep}{q}\">CSV</a> · <a href=\"/inbox/export.json{sep}{q}\">JSON</a></p>",
        records.len(),
        if truncated { " (the newest only; narrow the filters or export)" } else { "" },
        q = esc(&q),
    );
    if records.is_empty() {
        body.push_str("<p class=\"muted\">Nothing matches.</p>");
    } else {
        body.push_str("<table><thead><tr><th>Received</th><th>Reference</th><th>Status</th><th>From</th><th>Details</th></tr></thead><tbody>");
        for r in records {
            let who = [
                r.visitor_name.as_deref(),
                r.visitor_email.as_deref(),
                r.visitor_phone.as_deref(),
            ]
            .into_iter()
            .flatten()
            .map(esc)
            .collect::<Vec<_>>()
            .join("<br>");
            let details = if r.is_callback() {
                let mut d = String::from("<strong>Call back</strong> ");
                if r.callback_urgent == Some(true) {
                    d.push_str("<span class=\"badge urgent\">urgent</span> ");
                }
                if is_overdue(r, now) {
                    d.push_str("<span class=\"badge overdue\">overdue</span> ");
                }
                let _ = write!(
                    d,
                    "{}<br>Promised: {}<br>Due by {}{}",
                    esc(r.callback_phone_e164.as_deref().unwrap_or("")),
                    esc(r.callback_promise_text.as_deref().unwrap_or("")),
                    esc(&zone.show(r.due_by().unwrap_or(""))),
                    if r.rescheduled_due_by.is_some() {
                        " (moved)"
                    } else {
                        ""
                    }
                );
                if let Some(reason) = r.callback_reason.as_deref().filter(|s| !s.is_empty()) {
                    let _ = write!(
                        d,
                        "<br><span class=\"msg\">{}</span>",
                        esc(&clip(reason, 140))
                    );
                }
                d
            } else {
                format!(
                    "<strong>Feedback</strong> {} {}{}<br><span class=\"msg\">{}</span>",
                    esc(r.feedback_metric.as_deref().unwrap_or("")),
                    r.feedback_score.map(|s| s.to_string()).unwrap_or_default(),
                    r.feedback_category
                        .as_deref()
                        .map(|c| format!(" · {}", esc(c)))
                        .unwrap_or_default(),
                    esc(&clip(r.feedback_message.as_deref().unwrap_or(""), 140))
                )
            };
            let _ = write!(
                body,
                "<tr><td>{}</td><td><a href=\"/inbox/item/{}\">{}</a></td><td>{} {}</td><td>{who}</td><td>{details}</td></tr>",
                esc(&zone.show(&r.received_at)),
                esc(&r.id),
                esc(&r.reference),
                status_badge(r.status),
                problems.get(&r.id).map(|&a| delivery_badge(a)).unwrap_or(""),
            );
        }
        body.push_str("</tbody></table>");
    }
    page(
        if callbacks {
            "Callbacks"
        } else {
            "Submissions"
        },
        Some(csrf),
        &body,
    )
}

/// One submission with its history, its deliveries and the status form, times in `zone`.
pub fn item(
    r: &Record,
    history: &[StatusEvent],
    deliveries: &[Delivery],
    csrf: &str,
    by: &str,
    now: &str,
    zone: &Zone,
) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<p><a href=\"/inbox\">← Inbox</a></p><h2>{} {} {}</h2><dl>",
        if r.is_callback() {
            "Callback request"
        } else {
            "Feedback"
        },
        esc(&r.reference),
        status_badge(r.status)
    );
    let mut row = |label: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let _ = write!(body, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(v));
        }
    };
    row("Received", Some(&zone.show(&r.received_at)));
    row("Sent (visitor's clock)", Some(&zone.show(&r.created_at)));
    row("Name", r.visitor_name.as_deref());
    row("Email", r.visitor_email.as_deref());
    row("Phone (as typed)", r.visitor_phone.as_deref());
    if r.is_callback() {
        row("Number to call", r.callback_phone_e164.as_deref());
        row("Country", r.callback_country.as_deref());
        row(
            "Urgent",
            r.callback_urgent.map(|u| if u { "yes" } else { "no" }),
        );
        row("Promised", r.callback_promise_text.as_deref());
        let due = r.due_by().map(|d| {
            format!(
                "{}{}{}",
                zone.show(d),
                match (&r.rescheduled_due_by, &r.callback_due_by) {
                    (Some(_), Some(original)) => format!(" (moved from {})", zone.show(original)),
                    _ => String::new(),
                },
                if is_overdue(r, now) { " (overdue)" } else { "" }
            )
        });
        row("Due by", due.as_deref());
        let slot = match (&r.callback_slot_from, &r.callback_slot_to) {
            (Some(a), Some(b)) => Some(format!("{} – {}", zone.show(a), zone.show(b))),
            _ => r.callback_when_mode.as_deref().map(|m| {
                if m == "asap" {
                    "As soon as possible".to_owned()
                } else {
                    m.to_owned()
                }
            }),
        };
        row("When", slot.as_deref());
        row("Shop time zone", r.callback_timezone.as_deref());
        row("Reason", r.callback_reason.as_deref());
    } else {
        let score = r
            .feedback_score
            .map(|s| format!("{} {s}", r.feedback_metric.as_deref().unwrap_or("")));
        row("Score", score.as_deref());
        row("Category", r.feedback_category.as_deref());
        row("Message", r.feedback_message.as_deref());
    }
    row("Page", r.page_url.as_deref());
    row("Page title", r.page_title.as_deref());
    row("Language", Some(&r.locale));
    row("Consent", r.consent_text.as_deref());
    let consent_meta = r.consent_given_at.as_deref().map(|at| {
        format!(
            "{} (version {})",
            zone.show(at),
            r.consent_version.as_deref().unwrap_or("?")
        )
    });
    row("Consent given", consent_meta.as_deref());
    row("Id", Some(&r.id));
    row("Told the visitor", r.visitor_message.as_deref());
    body.push_str("</dl>");
    body.push_str(&deliveries_table(deliveries, zone));
    body.push_str("<h3>History</h3>");
    if history.is_empty() {
        body.push_str("<p class=\"muted\">No change yet.</p>");
    } else {
        body.push_str("<table><thead><tr><th>When</th><th>Who</th><th>Change</th><th>Note</th></tr></thead><tbody>");
        for e in history {
            let change = if e.from == e.to {
                format!("note ({})", e.to.label())
            } else {
                format!("{} → {}", e.from.label(), e.to.label())
            };
            let mut note = esc(&e.note);
            match e.visitor_message.as_deref() {
                Some("") => note.push_str("<br><em>Message to the visitor removed.</em>"),
                Some(m) => {
                    let _ = write!(note, "<br><em>To the visitor:</em> {}", esc(m));
                }
                None => {}
            }
            match e.due_by.as_deref() {
                Some("") => note.push_str("<br><em>Back to the original promised time.</em>"),
                Some(d) => {
                    let _ = write!(
                        note,
                        "<br><em>New promised time:</em> {}",
                        esc(&zone.show(d))
                    );
                }
                None => {}
            }
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"msg\">{note}</td></tr>",
                esc(&zone.show(&e.at)),
                esc(&e.by),
                esc(&change),
            );
        }
        body.push_str("</tbody></table>");
    }
    let mut options = String::new();
    for s in Status::ALL {
        options.push_str(&option(s.as_str(), s.label(), r.status.as_str()));
    }
    // The visitor-facing fields: what the widget's status view shows (see the README's
    // status endpoint). Pre-filled, so saving without touching them keeps them.
    let visitor_fields = if r.is_callback() {
        format!(
            "<label>Message to the visitor (shown in the widget; leave empty for none)\
             <textarea name=\"visitor_message\" maxlength=\"500\">{}</textarea></label>\
             <label>New promised time, {} (empty: the original {})\
             <input type=\"datetime-local\" name=\"due_by\" value=\"{}\"></label>",
            esc(r.visitor_message.as_deref().unwrap_or("")),
            esc(zone.name()),
            esc(&zone.show(r.callback_due_by.as_deref().unwrap_or(""))),
            esc(&zone.input_value(r.rescheduled_due_by.as_deref().unwrap_or("")))
        )
    } else {
        format!(
            "<label>Message to the visitor (leave empty for none)\
             <textarea name=\"visitor_message\" maxlength=\"500\">{}</textarea></label>",
            esc(r.visitor_message.as_deref().unwrap_or(""))
        )
    };
    let _ = write!(
        body,
        "<h3>Update</h3><form method=\"post\" action=\"/inbox/item/{}/status\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>Status<select name=\"status\">{options}</select></label>\
         {visitor_fields}\
         <label>Internal note (never shown to the visitor)<textarea name=\"note\" maxlength=\"2000\"></textarea></label>\
         <label>Your name<input name=\"by\" maxlength=\"100\" value=\"{}\"></label>\
         <p><button>Save</button></p></form>",
        esc(&r.id),
        esc(csrf),
        esc(by)
    );
    page(&format!("{} {}", r.kind, r.reference), Some(csrf), &body)
}

/// The item page's deliveries: each notification and webhook with its state and last error.
fn deliveries_table(deliveries: &[Delivery], zone: &Zone) -> String {
    let mut out = String::from("<h3>Notifications</h3>");
    if deliveries.is_empty() {
        out.push_str("<p class=\"muted\">None sent for this submission.</p>");
        return out;
    }
    out.push_str("<table><thead><tr><th>To</th><th>State</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>");
    for d in deliveries {
        let to = match d.kind {
            Some(DeliveryKind::Email) => format!("Email to {}", d.target),
            Some(DeliveryKind::Webhook) => format!("Webhook {}", d.target),
            None => d.target.clone(),
        };
        let state = match (&d.delivered_at, &d.failed_at) {
            (Some(at), _) => format!(
                "<span class=\"badge status-handled\">delivered</span> {}",
                esc(&zone.show(at))
            ),
            (None, Some(at)) => format!(
                "<span class=\"badge failing\">failed</span> gave up {}",
                esc(&zone.show(at))
            ),
            (None, None) if d.attempts == 0 => "queued".to_owned(),
            (None, None) => format!(
                "<span class=\"badge failing\">retrying</span> next attempt {}",
                esc(&zone.show(&d.next_attempt_at))
            ),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{state}</td><td>{}</td><td class=\"msg\">{}</td></tr>",
            esc(&to),
            d.attempts,
            esc(d.last_error.as_deref().unwrap_or(""))
        );
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("Très bien 😀"), "Très bien 😀");
    }

    #[test]
    fn instants_and_clipping() {
        // Instants are shown through the owner's zone; UTC reads as it always did.
        let utc = crate::zone::Zone::utc();
        assert_eq!(utc.show("2026-11-24T10:00:00.000Z"), "2026-11-24 10:00 UTC");
        assert_eq!(utc.show("garbage"), "garbage");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
    }

    #[test]
    fn filter_query_round_trip() {
        let s = Shown {
            view: "callbacks".into(),
            status: "open".into(),
            ..Shown::default()
        };
        assert_eq!(s.query(), "view=callbacks&status=open");
        assert_eq!(Shown::default().query(), "");
    }
}
