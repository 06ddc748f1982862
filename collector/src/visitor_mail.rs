//! Emails to the visitor: the receipt, delay and missed-call notices, the shop's replies.
//!
//! Each is rendered once into a whole message (headers and quoted-printable body, like the
//! owner's notifications in [`crate::mail`]) and queued in the durable outbox with an event
//! key naming what it is about (`receipt:{id}`, `delay:{id}:{new time}`,
//! `call:{id}:{when the call was made}`, `reply:{id}:{hash of the text}`). The key is unique
//! in the outbox, so the same event queued twice (a form sent again, two collectors on one
//! database) is sent once, and a new change is a new email. Texts come from allo-core's
//! catalog ([`allo_core::mail_text`]) in the visitor's language with the owner's overrides;
//! the sentences about the request are the widget's ([`crate::visitor_text`]).
//!
//! Every message carries the link to the visitor's status page, `List-Unsubscribe` with
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058) and the same link in the
//! footer, and threads under one root `Message-ID` per request (`References`,
//! `In-Reply-To`), so the visitor's mail client shows the whole story as one conversation
//! and an answer to a reply reaches the shop's mailbox (`Reply-To`) in that thread.
use std::fmt::Write;

use allo_core::i18n::{fill, Lang};
use allo_core::mail_text::MailStrings;
use sha2::{Digest, Sha256};

use crate::mail::{encode_header, parse_address, quoted_printable};
use crate::owner_zone::Zone;
use crate::status_token::StatusKey;
use crate::store::{DeliveryKind, OutboxMessage, Record};
use crate::time;
use crate::visitor_text;

/// What visitor emails need: addresses, links, the owner's choices.
#[derive(Clone, Debug)]
pub struct VisitorMail {
    /// The shop's address (`From:` and envelope sender, `--smtp-from`).
    pub from: String,
    /// Where the visitor's answers go (`--smtp-reply-to`, else the first `--smtp-to`).
    pub reply_to: String,
    /// The collector's public base URL, for the status and unsubscribe links.
    pub public_url: String,
    /// Send a receipt for each new request with an email (`--visitor-receipts`).
    pub receipts: bool,
    /// The owner's overrides of the catalog: (language code or `*`, key, text).
    pub overrides: Vec<(String, String, String)>,
    /// The owner's zone, for requests that name none.
    pub zone: Zone,
}

/// One email about to be queued, with what the inbox needs to record a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The outbox row.
    pub message: OutboxMessage,
    /// Its `Message-ID`.
    pub message_id: String,
}

impl VisitorMail {
    /// The visitor's address when emails may go to it: given, well-formed, not unsubscribed.
    pub fn recipient(r: &Record) -> Option<String> {
        if r.unsubscribed_at.is_some() {
            return None;
        }
        r.visitor_email
            .as_deref()
            .and_then(|e| parse_address(e).ok())
    }

    /// The visitor's language.
    pub fn lang(r: &Record) -> Lang {
        Lang::from_tag(&r.locale).unwrap_or(Lang::En)
    }

    fn strings(&self, lang: Lang) -> MailStrings {
        MailStrings::localized(lang, &self.overrides)
    }

    fn domain(&self) -> &str {
        self.from
            .rsplit_once('@')
            .map_or("allo.invalid", |(_, d)| d)
    }

    /// The thread root of a request's emails (the receipt's own `Message-ID`).
    pub fn thread_id(&self, r: &Record) -> String {
        format!("<allo.request.{}@{}>", r.id, self.domain())
    }

    /// The visitor's status page.
    pub fn status_url(&self, r: &Record, key: &StatusKey) -> String {
        format!(
            "{}/status/{}?token={}",
            self.public_url.trim_end_matches('/'),
            r.id,
            key.token(&r.id)
        )
    }

    /// The one-click unsubscribe link (GET shows a confirmation, POST unsubscribes).
    pub fn unsubscribe_url(&self, r: &Record, key: &StatusKey) -> String {
        format!(
            "{}/status/{}/unsubscribe?token={}",
            self.public_url.trim_end_matches('/'),
            r.id,
            key.token(&r.id)
        )
    }

    /// The receipt for a new request, when the owner turned receipts on and the visitor
    /// left an email.
    pub fn receipt(&self, r: &Record, key: &StatusKey) -> Option<Rendered> {
        if !self.receipts {
            return None;
        }
        let to = Self::recipient(r)?;
        let lang = Self::lang(r);
        let s = self.strings(lang);
        let mut body = String::new();
        let _ = writeln!(
            body,
            "{}\n",
            if r.is_callback() {
                &s.receipt_callback
            } else {
                &s.receipt_feedback
            }
        );
        let asked = if r.is_callback() {
            r.callback_reason.as_deref()
        } else {
            r.feedback_message.as_deref()
        };
        if let Some(asked) = asked.map(str::trim).filter(|a| !a.is_empty()) {
            let _ = writeln!(body, "{}:\n{asked}\n", s.label_asked);
        }
        if let Some(promise) = r.callback_promise_text.as_deref().filter(|p| !p.is_empty()) {
            let _ = writeln!(body, "{}: {promise}\n", s.label_promise);
        }
        self.finish(
            r,
            key,
            &s,
            lang,
            to,
            fill(&s.receipt_subject, &[("ref", &r.reference)]),
            body,
            format!("receipt:{}", r.id),
            self.thread_id(r),
            true,
        )
    }

    /// The notice that the shop is late: `r` as it was before the change, `new_due` the new
    /// promised time (RFC 3339 UTC), `message` what the owner wrote to the visitor.
    pub fn delay(
        &self,
        r: &Record,
        new_due: &str,
        message: Option<&str>,
        now: &str,
        key: &StatusKey,
    ) -> Option<Rendered> {
        if !r.is_callback() {
            return None;
        }
        let to = Self::recipient(r)?;
        let lang = Self::lang(r);
        let s = self.strings(lang);
        let zone = visitor_text::shop_zone(r, &self.zone);
        let new = visitor_text::moment(new_due, now, lang, &zone);
        let mut body = match r.due_by().filter(|old| *old != new_due) {
            Some(old) => {
                let old = visitor_text::moment(old, now, lang, &zone);
                fill(&s.delay_body, &[("new", &new), ("old", &old)])
            }
            None => fill(&s.delay_body_new, &[("new", &new)]),
        };
        body.push_str("\n\n");
        if let Some(m) = message.map(str::trim).filter(|m| !m.is_empty()) {
            let _ = writeln!(body, "{m}\n");
        }
        self.finish(
            r,
            key,
            &s,
            lang,
            to,
            fill(&s.delay_subject, &[("ref", &r.reference)]),
            body,
            format!("delay:{}:{new_due}", r.id),
            self.message_id("delay", r, new_due),
            true,
        )
    }

    /// The notice after a call that did not reach the visitor: `r` as it is after the call
    /// was recorded (its last attempt, retry time, other channel).
    pub fn missed_call(&self, r: &Record, now: &str, key: &StatusKey) -> Option<Rendered> {
        let to = Self::recipient(r)?;
        let attempt = crate::visitor_status::attempt_view(r, now, &self.zone)?;
        let lang = Self::lang(r);
        let s = self.strings(lang);
        let body = format!("{}\n\n", attempt.text);
        self.finish(
            r,
            key,
            &s,
            lang,
            to,
            fill(&s.retry_subject, &[("ref", &r.reference)]),
            body,
            format!("call:{}:{}", r.id, attempt.tried_at),
            self.message_id("call", r, &attempt.tried_at),
            true,
        )
    }

    /// The shop's reply `text` to the visitor; `None` without a usable address.
    pub fn reply(&self, r: &Record, text: &str, key: &StatusKey) -> Option<Rendered> {
        let to = Self::recipient(r)?;
        let lang = Self::lang(r);
        let s = self.strings(lang);
        let digest = Sha256::digest(text.as_bytes());
        let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        self.finish(
            r,
            key,
            &s,
            lang,
            to,
            fill(&s.reply_subject, &[("ref", &r.reference)]),
            format!("{}\n\n", text.trim_end()),
            format!("reply:{}:{short}", r.id),
            self.message_id("reply", r, &short),
            false,
        )
    }

    /// `<allo.{what}.{id}.{hash of detail}@domain>`: the same for the same event, on every retry.
    fn message_id(&self, what: &str, r: &Record, detail: &str) -> String {
        let digest = Sha256::digest(detail.as_bytes());
        let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("<allo.{what}.{}.{short}@{}>", r.id, self.domain())
    }

    /// Adds the reference, the status link and the footer, renders headers and body.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        r: &Record,
        key: &StatusKey,
        s: &MailStrings,
        lang: Lang,
        to: String,
        subject: String,
        mut body: String,
        event_key: String,
        message_id: String,
        automatic: bool,
    ) -> Option<Rendered> {
        let status = self.status_url(r, key);
        let unsubscribe = self.unsubscribe_url(r, key);
        let _ = writeln!(body, "{}: {}\n", s.label_reference, r.reference);
        let _ = writeln!(body, "{}\n{status}\n", s.status_link);
        let _ = writeln!(
            body,
            "-- \n{}\n{}\n{unsubscribe}",
            fill(&s.footer_why, &[("ref", &r.reference)]),
            s.footer_unsubscribe
        );
        let thread = self.thread_id(r);
        let mut h = String::new();
        let mut header = |name: &str, value: &str| {
            let _ = write!(h, "{name}: {value}\r\n");
        };
        header("From", &self.from);
        header("To", &to);
        header("Reply-To", &self.reply_to);
        header("Subject", &encode_header(&subject));
        header("Date", &time::format_rfc5322(time::now_millis()));
        header("Message-ID", &message_id);
        if message_id != thread {
            header("In-Reply-To", &thread);
            header("References", &thread);
        }
        header("List-Unsubscribe", &format!("<{unsubscribe}>"));
        header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        if automatic {
            header("Auto-Submitted", "auto-generated");
        }
        header("X-Allo-Reference", &r.reference);
        header("Content-Language", lang.code());
        header("MIME-Version", "1.0");
        header("Content-Type", "text/plain; charset=utf-8");
        header("Content-Transfer-Encoding", "quoted-printable");
        h.push_str("\r\n");
        h.push_str(&quoted_printable(&body));
        Some(Rendered {
            message: OutboxMessage {
                kind: DeliveryKind::Email,
                url: to,
                message_id: message_id.clone(),
                payload: h,
                event_key: Some(event_key),
            },
            message_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> VisitorMail {
        VisitorMail {
            from: "shop@example.com".into(),
            reply_to: "owner@example.com".into(),
            public_url: "https://shop.example/".into(),
            receipts: true,
            overrides: Vec::new(),
            zone: Zone::utc(),
        }
    }

    fn record(locale: &str) -> Record {
        let mut r = crate::store::fixtures::callback(
            "2026-11-24T13:00:00.000Z",
            "2026-11-24T14:00:00.000Z",
        );
        r.locale = locale.into();
        r.visitor_email = Some("noor@example.net".into());
        r
    }

    fn decoded(m: &OutboxMessage) -> String {
        m.payload.replace("=\r\n", "").replace("=C3=A0", "à")
    }

    #[test]
    fn no_email_no_receipt_and_receipts_are_opt_in() {
        let key = StatusKey::from_hex(&"07".repeat(32)).unwrap();
        let mut r = record("en");
        assert!(settings().receipt(&r, &key).is_some());
        let off = VisitorMail {
            receipts: false,
            ..settings()
        };
        assert!(off.receipt(&r, &key).is_none());
        r.visitor_email = Some("not an address".into());
        assert!(settings().receipt(&r, &key).is_none());
        r.visitor_email = Some("noor@example.net".into());
        r.unsubscribed_at = Some("2026-11-24T13:01:00.000Z".into());
        assert!(settings().receipt(&r, &key).is_none());
    }

    #[test]
    fn a_delay_says_both_times_in_the_shops_zone() {
        let key = StatusKey::from_hex(&"07".repeat(32)).unwrap();
        let r = record("fr");
        let m = settings()
            .delay(
                &r,
                "2026-11-24T14:30:00.000Z",
                None,
                "2026-11-24T13:50:00.000Z",
                &key,
            )
            .unwrap();
        let text = decoded(&m.message);
        assert!(
            text.contains("nous vous appellerons à 15:30 au lieu de 15:00"),
            "{text}"
        );
        assert_eq!(
            m.message.event_key.as_deref(),
            Some("delay:3f2504e0-4f89-41d3-9a0c-0305e82c3301:2026-11-24T14:30:00.000Z")
        );
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
        assert!(
            text.contains("In-Reply-To: <allo.request.3f2504e0"),
            "{text}"
        );
    }
}
