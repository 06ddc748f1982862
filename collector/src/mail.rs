//! Owner notifications by email: the message for a new submission, rendered once.
//!
//! Each new submission queues one outbox row per recipient holding the whole message
//! (headers and body), written in the submission's own transaction like webhooks, so a
//! notification is never lost and every retry sends the same bytes with the same
//! `Message-ID`. The message is plain text (quoted-printable UTF-8, readable in any client
//! and in the raw source), with the request, its promise and due time, urgency in the
//! subject and a link to the inbox item when `--public-url` is set.
//!
//! Everything the visitor typed goes into the body, never raw into a header: the subject's
//! text is RFC 2047-encoded when it is not plain ASCII, control characters are dropped, and
//! `Reply-To` is only set from an address that passed the strict check below.
use std::fmt::Write;
use std::time::Duration;

use crate::owner_zone::Zone;
use crate::store::{DeliveryKind, OutboxMessage, Record};
use crate::time;

/// How email notifications leave: the SMTP transport, the envelope sender, the first retry
/// delay.
#[derive(Clone, Debug)]
pub struct Mailer {
    /// The SMTP transport (see [`crate::smtp::Sender`]).
    pub sender: crate::smtp::Sender,
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// Delay before the first retry (doubling like webhooks').
    pub retry: Duration,
}

/// Where notifications go and what they link to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailSettings {
    /// The `From:` and envelope sender.
    pub from: String,
    /// Recipients; one outbox row (and SMTP transaction) each.
    pub to: Vec<String>,
    /// The inbox's public base URL (`https://shop.example`), for links; none: no link.
    pub public_url: Option<String>,
    /// The owner's zone (`--timezone`): times in the message read as the inbox shows them.
    pub zone: Zone,
}

/// Checks an email address for the command line and for headers: `local@domain`, printable
/// ASCII without spaces, angle brackets or other characters that would need quoting.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
pub fn parse_address(s: &str) -> Result<String, String> {
    let s = s.trim();
    let ok = s.len() <= 254
        && s.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'<' | b'>' | b'(' | b')' | b',' | b';' | b':' | b'"' | b'[' | b']' | b'\\'
                )
        })
        && match s.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !local.contains('@')
            }
            None => false,
        };
    if ok {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "`{s}` is not an email address like shop@example.com"
        ))
    }
}

/// The outbox rows for a new submission: one per recipient, all with the same message.
pub fn outbox_messages(record: &Record, settings: &MailSettings) -> Vec<OutboxMessage> {
    if settings.to.is_empty() {
        return Vec::new();
    }
    let message = render(record, settings);
    settings
        .to
        .iter()
        .map(|to| OutboxMessage {
            kind: DeliveryKind::Email,
            url: to.clone(),
            message_id: message_id(record, &settings.from),
            payload: message.clone(),
            event_key: None,
        })
        .collect()
}

/// `<allo.{id}@{sender's domain}>`: unique per submission, the same on every retry.
pub fn message_id(record: &Record, from: &str) -> String {
    let domain = from.rsplit_once('@').map_or("allo.invalid", |(_, d)| d);
    format!("<allo.{}@{domain}>", record.id)
}

/// The subject line (before header encoding).
pub fn subject(r: &Record, zone: &Zone) -> String {
    let who = r
        .visitor_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("a visitor");
    if r.is_callback() {
        let mut s = String::new();
        if r.callback_urgent == Some(true) {
            s.push_str("[URGENT] ");
        }
        let _ = write!(s, "Callback request {} from {who}", r.reference);
        if let Some(due) = r.callback_due_by.as_deref() {
            let _ = write!(s, ", call by {}", zone.show(due));
        }
        s
    } else {
        let score = match (r.feedback_metric.as_deref(), r.feedback_score) {
            (Some(metric), Some(score)) => {
                format!(
                    " {} {score}/{}",
                    metric.to_ascii_uppercase(),
                    scale_top(metric)
                )
            }
            _ => String::new(),
        };
        format!("Feedback {}{score} from {who}", r.reference)
    }
}

fn scale_top(metric: &str) -> u8 {
    match metric {
        "nps" => 10,
        "ces" => 7,
        _ => 5,
    }
}

/// The plain-text body (before transfer encoding), `\n` line ends.
pub fn body(r: &Record, public_url: Option<&str>, zone: &Zone) -> String {
    let mut b = String::new();
    let mut line = |label: &str, value: Option<&str>| {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            // Continuation lines of a multi-line value line up under the first.
            let v = v.replace('\n', &format!("\n{:16}", ""));
            let _ = writeln!(b, "{:<16}{v}", format!("{label}:"));
        }
    };
    let name = r.visitor_name.as_deref().filter(|n| !n.trim().is_empty());
    if r.is_callback() {
        let urgent = r.callback_urgent == Some(true);
        let head = format!(
            "{} asked to be called back{}",
            name.unwrap_or("A visitor"),
            if urgent { ". URGENT." } else { "." }
        );
        line("Request", Some(&head));
        let number = r.callback_phone_e164.as_deref().map(|n| {
            match (r.visitor_phone.as_deref(), r.callback_country.as_deref()) {
                (Some(raw), Some(c)) => format!("{n} (typed \"{raw}\", read as {c})"),
                _ => n.to_owned(),
            }
        });
        line("Number to call", number.as_deref());
        let slot = match (&r.callback_slot_from, &r.callback_slot_to) {
            (Some(a), Some(z)) => Some(format!("between {} and {}", zone.show(a), zone.show(z))),
            _ => Some("as soon as possible".to_owned()),
        };
        line("When", slot.as_deref());
        line("Promised", r.callback_promise_text.as_deref());
        let due = r.callback_due_by.as_deref().map(|d| {
            format!(
                "{}{}",
                zone.show(d),
                r.callback_timezone
                    .as_deref()
                    .map(|z| format!(" (the shop's time zone is {z})"))
                    .unwrap_or_default()
            )
        });
        line("Call by", due.as_deref());
        line("Reason", r.callback_reason.as_deref());
    } else {
        let who = match (name, r.visitor_email.as_deref()) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => n.to_owned(),
            (None, Some(e)) => e.to_owned(),
            (None, None) => "an anonymous visitor".to_owned(),
        };
        line("Feedback from", Some(&who));
        let score = match (r.feedback_metric.as_deref(), r.feedback_score) {
            (Some(m), Some(s)) => Some(format!(
                "{} {s} (scale {}–{})",
                m.to_ascii_uppercase(),
                if m == "nps" { 0 } else { 1 },
                scale_top(m)
            )),
            _ => None,
        };
        line("Score", score.as_deref());
        line("Category", r.feedback_category.as_deref());
        line("Message", r.feedback_message.as_deref());
    }
    if r.is_callback() {
        line("Email", r.visitor_email.as_deref());
    } else {
        line("Phone", r.visitor_phone.as_deref());
    }
    line("Reference", Some(&r.reference));
    line("Received", Some(&zone.show(&r.received_at)));
    line("Page", r.page_url.as_deref());
    line("Language", Some(&r.locale));
    b.push('\n');
    match public_url {
        Some(base) => {
            let _ = writeln!(
                b,
                "Open it in the inbox:\n{}/inbox/item/{}",
                base.trim_end_matches('/'),
                r.id
            );
        }
        None => {
            let _ = writeln!(b, "Find it in the inbox under reference {}.", r.reference);
        }
    }
    b.push_str("\n-- \nSent by allo-collector for each new submission.\n");
    b
}

/// The whole message, CRLF line ends, ready for SMTP `DATA` (before dot-stuffing).
pub fn render(r: &Record, settings: &MailSettings) -> String {
    let date = time::parse_millis(&r.received_at).unwrap_or_else(time::now_millis);
    let mut h = String::new();
    let mut header = |name: &str, value: &str| {
        let _ = write!(h, "{name}: {value}\r\n");
    };
    header("From", &settings.from);
    header("To", &settings.to.join(", "));
    header("Subject", &encode_header(&subject(r, &settings.zone)));
    header("Date", &time::format_rfc5322(date));
    header("Message-ID", &message_id(r, &settings.from));
    if let Some(email) = r
        .visitor_email
        .as_deref()
        .and_then(|e| parse_address(e).ok())
    {
        header("Reply-To", &email);
    }
    if r.is_callback() && r.callback_urgent == Some(true) {
        // What mail clients read to flag a message as important.
        header("Importance", "high");
        header("X-Priority", "1");
    }
    header("Auto-Submitted", "auto-generated");
    header("X-Allo-Reference", &r.reference);
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "quoted-printable");
    h.push_str("\r\n");
    h.push_str(&quoted_printable(&body(
        r,
        settings.public_url.as_deref(),
        &settings.zone,
    )));
    h
}

/// A header value as is when it is plain printable ASCII, else as RFC 2047 encoded words
/// (UTF-8, base64), folded so no line passes 78 characters. Control characters (a visitor's
/// attempt at a header break included) are dropped first.
pub fn encode_header(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).collect();
    if clean.bytes().all(|b| (b' '..=b'~').contains(&b)) && clean.len() <= 900 {
        return clean;
    }
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    // 45 bytes of UTF-8 make 60 base64 characters: with `=?UTF-8?B?` and `?=` a word fits a
    // folded line. Chunks never split a character.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in clean.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(&chunk)));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(&chunk)));
    }
    words.join("\r\n ")
}

/// Quoted-printable (RFC 2045) of UTF-8 text: ASCII stays readable, other bytes become
/// `=XX`, lines are soft-broken before 76 characters, line ends become CRLF.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let bytes = line.as_bytes();
        let mut width = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            // Trailing whitespace would be stripped in transit: encode it.
            let literal =
                (b'!'..=b'~').contains(&b) && b != b'=' || (b == b' ' || b == b'\t') && !last;
            // A line starting with "." or "From " is left to SMTP's dot-stuffing; "F" at
            // column 0 is encoded so no mbox reader mistakes it for a separator.
            let literal = literal && !(width == 0 && b == b'F');
            let piece = if literal {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            out.push_str(&piece);
            width += piece.len();
        }
        out.push_str("\r\n");
    }
    // `split` yields one empty piece after a final newline: drop the extra CRLF it added.
    if text.ends_with('\n') {
        out.truncate(out.len() - 2);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        for ok in ["shop@example.com", "a.b+tag@sub.example.co.uk", " x@y "] {
            assert!(parse_address(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "shop",
            "@example.com",
            "shop@",
            "a@b@c",
            "Shop <shop@example.com>",
            "a b@example.com",
            "a@example.com\r\nBcc: x@y",
            "ünï@example.com",
        ] {
            assert!(parse_address(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn headers_are_encoded_only_when_needed() {
        assert_eq!(encode_header("Feedback 3F25-04E0"), "Feedback 3F25-04E0");
        assert_eq!(encode_header("a\r\nBcc: evil@x"), "aBcc: evil@x");
        let e = encode_header("Rappel demandé par Zoë");
        assert!(e.starts_with("=?UTF-8?B?") && e.ends_with("?="), "{e}");
        let long = encode_header(&"é".repeat(100));
        for line in long.split("\r\n") {
            assert!(line.len() <= 78, "{line}");
        }
    }

    #[test]
    fn quoted_printable_keeps_ascii_readable() {
        assert_eq!(quoted_printable("Très bien\n"), "Tr=C3=A8s bien\r\n");
        assert_eq!(quoted_printable("a = b \nx"), "a =3D b=20\r\nx\r\n");
        assert_eq!(quoted_printable("From here"), "=46rom here\r\n");
        let long = quoted_printable(&"x".repeat(200));
        for line in long.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
        }
        assert_eq!(long.replace("=\r\n", "").trim_end(), "x".repeat(200));
    }

    #[test]
    fn times_read_in_the_owners_zone() {
        let r = crate::store::fixtures::callback(
            "2026-11-24T09:00:00.000Z",
            "2026-11-24T09:15:00.000Z",
        );
        let paris = Zone::named("Europe/Paris").unwrap();
        assert!(
            subject(&r, &paris).ends_with("call by 2026-11-24 10:15 CET"),
            "{}",
            subject(&r, &paris)
        );
        assert!(subject(&r, &Zone::utc()).ends_with("call by 2026-11-24 09:15 UTC"));
        let b = body(&r, None, &paris);
        assert!(
            b.contains("2026-11-24 10:00 CET"),
            "received, in Paris: {b}"
        );
        assert!(
            b.contains("2026-11-24 10:15 CET (the shop's time zone is Europe/Paris)"),
            "{b}"
        );
    }
}
