//! Forwarding: each new submission is POSTed to the owner's webhooks, signed per Standard
//! Webhooks (<https://www.standardwebhooks.com/>), from a durable outbox.
//!
//! The submission and its deliveries are written in one transaction (see `store`), so a
//! delivery can be late but never lost: the `Forwarder` (module `forwarder`) task claims due
//! rows, sends them and records the outcome; a failure is retried with exponential backoff, also after a
//! restart. Receivers may see a message twice (at-least-once) and deduplicate by the
//! `webhook-id` header, which stays the same across retries.
//!
//! The same outbox carries the owner's email notifications (`DeliveryKind::Email`, see
//! `mail`): `Forwarder` (module `forwarder`) sends each row by its kind, with the same leases,
//! backoff and bookkeeping; this module only knows webhooks.
//!
//! Receivers are reached over http or https (Slack's incoming webhooks are https only).
//! https uses the same rustls settings as SMTP `STARTTLS` ([`crate::tls`]): Mozilla's roots
//! plus `--webhook-ca-file`. An https URL is only ever spoken to over TLS with a verified
//! certificate; a failed handshake is a failed attempt, retried like any other, never a
//! fall-back to plain http.
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use sha2::Sha256;

use crate::owner_zone::Zone;
use crate::store::{DeliveryKind, OutboxItem, OutboxMessage, Record};
use crate::time;

/// The Standard Webhooks secret prefix.
pub const SECRET_PREFIX: &str = "whsec_";
/// The event type of a new submission.
pub const EVENT_CREATED: &str = "submission.created";
/// A signing secret, decoded. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    /// The key bytes HMAC is computed with.
    pub fn key(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl FromStr for WebhookSecret {
    // Parsed by clap (`--webhook-secret`): the `String` is printed after the flag.
    type Err = String;

    fn from_str(s: &str) -> Result<WebhookSecret, String> {
        let encoded = s.trim().strip_prefix(SECRET_PREFIX).ok_or_else(|| {
            format!("the secret must look like {SECRET_PREFIX}<base64>, as Standard Webhooks tools generate it")
        })?;
        let key = BASE64
            .decode(encoded)
            .map_err(|e| format!("the part after {SECRET_PREFIX} is not base64: {e}"))?;
        // Standard Webhooks asks for 24 to 64 random bytes; refuse obviously weak keys.
        if key.len() < 16 {
            return Err(format!(
                "the secret is {} bytes; use at least 16 (24 to 64 recommended)",
                key.len()
            ));
        }
        Ok(WebhookSecret(key))
    }
}

/// What the webhook body looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum WebhookFormat {
    /// `{"type": "submission.created", "timestamp": …, "data": {…}}`.
    #[default]
    Standard,
    /// `{"text": "…"}` for Slack-compatible incoming webhooks.
    Slack,
}

/// The `webhook-signature` value: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
pub fn sign(key: &[u8], message_id: &str, timestamp: u64, body: &[u8]) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

/// The message id of a submission's creation event: stable, so retries carry the same one.
pub fn message_id(record: &Record) -> String {
    format!("msg_{}", record.id)
}

/// The body sent for a new submission.
pub fn payload(record: &Record, format: WebhookFormat, zone: &Zone) -> String {
    match format {
        WebhookFormat::Standard => {
            let mut data = serde_json::to_value(record).unwrap_or_else(|_| json!({}));
            // The submission exactly as the widget sent it, for receivers that want it all.
            let original: serde_json::Value =
                serde_json::from_str(&record.body).unwrap_or(serde_json::Value::Null);
            data["submission"] = original;
            json!({ "type": EVENT_CREATED, "timestamp": record.received_at, "data": data })
                .to_string()
        }
        WebhookFormat::Slack => json!({ "text": slack_text(record, zone) }).to_string(),
    }
}

/// Slack's mrkdwn needs only these three escaped; the visitor's text stays text.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The message a person reads in a channel: times in the owner's zone, as in the inbox (the
/// Standard format keeps RFC 3339 UTC, for programs).
fn slack_text(r: &Record, zone: &Zone) -> String {
    let name = r.visitor_name.as_deref().unwrap_or("a visitor");
    let mut text = if r.is_callback() {
        let mut t = format!(
            "{}New callback request {} from {} ({})",
            if r.callback_urgent == Some(true) {
                "URGENT: "
            } else {
                ""
            },
            r.reference,
            name,
            r.callback_phone_e164.as_deref().unwrap_or("?"),
        );
        if let Some(due) = &r.callback_due_by {
            t.push_str(&format!(", due by {}", zone.show(due)));
        }
        if let Some(promise) = &r.callback_promise_text {
            t.push_str(&format!("\nPromised: {promise}"));
        }
        if let Some(reason) = r.callback_reason.as_deref().filter(|s| !s.is_empty()) {
            t.push_str(&format!("\nReason: {reason}"));
        }
        t
    } else {
        let mut t = format!(
            "New feedback {} from {}: {} {}",
            r.reference,
            name,
            r.feedback_metric.as_deref().unwrap_or("score"),
            r.feedback_score.map(|s| s.to_string()).unwrap_or_default(),
        );
        if let Some(msg) = r.feedback_message.as_deref().filter(|s| !s.is_empty()) {
            t.push_str(&format!("\n{msg}"));
        }
        t
    };
    if let Some(url) = &r.page_url {
        text.push_str(&format!("\nPage: {url}"));
    }
    slack_escape(&text)
}

/// The outbox rows for a new submission: one per URL.
pub fn outbox_messages(
    record: &Record,
    urls: &[String],
    format: WebhookFormat,
    zone: &Zone,
) -> Vec<OutboxMessage> {
    if urls.is_empty() {
        return Vec::new();
    }
    let body = payload(record, format, zone);
    urls.iter()
        .map(|url| OutboxMessage {
            kind: DeliveryKind::Webhook,
            url: url.clone(),
            message_id: message_id(record),
            payload: body.clone(),
            event_key: None,
        })
        .collect()
}

/// How webhook rows leave: an http/https client and the signing secret.
#[derive(Clone)]
pub(crate) struct Webhooks {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    secret: Option<WebhookSecret>,
}

impl Webhooks {
    /// Receivers signed with `secret` (when set), https ones reached with `tls` (see
    /// [`crate::tls::client_config`]).
    pub(crate) fn new(
        secret: Option<WebhookSecret>,
        tls: Arc<tokio_rustls::rustls::ClientConfig>,
    ) -> Webhooks {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        http.set_nodelay(true);
        // The scheme of each URL decides: `https_or_http` keeps http:// receivers working,
        // and an https:// one gets TLS or no connection at all.
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((*tls).clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Webhooks {
            client: Client::builder(TokioExecutor::new()).build(connector),
            secret,
        }
    }

    /// POSTs one outbox row, signed; an answer other than 2xx is an error for the log.
    // The error is only ever the words stored as the delivery's `last_error` (shown in the inbox
    // and retried by the outbox), never matched on: a `String` is what it is used as.
    pub(crate) async fn send(&self, item: &OutboxItem) -> Result<(), String> {
        let timestamp = time::now_millis() / 1000;
        let mut request = axum::http::Request::post(&item.url)
            .header("content-type", "application/json")
            .header(
                "user-agent",
                concat!("allo-collector/", env!("CARGO_PKG_VERSION")),
            )
            .header("webhook-id", &item.message_id)
            .header("webhook-timestamp", timestamp.to_string());
        if let Some(secret) = &self.secret {
            request = request.header(
                "webhook-signature",
                sign(
                    secret.key(),
                    &item.message_id,
                    timestamp,
                    item.payload.as_bytes(),
                ),
            );
        }
        let request = request
            .body(Full::new(Bytes::from(item.payload.clone())))
            .map_err(|e| format!("bad request: {e}"))?;
        let response = self.client.request(request).await.map_err(|e| {
            format!(
                "{e}: {}",
                std::error::Error::source(&e)
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )
        })?;
        let status = response.status();
        // Read the (small) answer so the connection can be reused.
        let _ = response.into_body().collect().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("answered {status}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        // The reference example from the Standard Webhooks specification's test vectors.
        let secret: WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap();
        let sig = sign(
            secret.key(),
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_are_checked_and_never_printed() {
        assert!("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            .parse::<WebhookSecret>()
            .is_err());
        assert!("whsec_%%%".parse::<WebhookSecret>().is_err());
        assert!(
            "whsec_c2hvcnQ=".parse::<WebhookSecret>().is_err(),
            "5 bytes"
        );
        let s: WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap();
        assert_eq!(format!("{s:?}"), "WebhookSecret(…)");
    }

    #[test]
    fn slack_text_is_escaped() {
        let sub: allo_core::submission::Submission = serde_json::from_value(json!({
            "schema": "allo.submission/1", "id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "kind": "feedback", "created_at": "2026-11-23T18:00:00.000Z", "locale": "en",
            "visitor": { "name": "<b>Eve</b> & co" },
            "feedback": { "metric": "csat", "score": 2, "message": "<!channel> help" }
        }))
        .unwrap();
        let r = Record::new(&sub, String::new(), "2026-11-23T18:00:01.000Z".into());
        let body: serde_json::Value =
            serde_json::from_str(&payload(&r, WebhookFormat::Slack, &Zone::utc())).unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(text.contains("&lt;b&gt;Eve&lt;/b&gt; &amp; co"), "{text}");
        assert!(text.contains("&lt;!channel&gt; help"), "{text}");
        assert!(text.contains("3F25-04E0"), "{text}");
    }

    #[test]
    fn slack_text_gives_the_due_time_in_the_owners_zone() {
        let r = crate::store::fixtures::callback(
            "2026-07-14T08:00:00.000Z",
            "2026-07-14T08:15:00.000Z",
        );
        let paris = Zone::named("Europe/Paris").unwrap();
        let text = |zone: &Zone| {
            let body: serde_json::Value =
                serde_json::from_str(&payload(&r, WebhookFormat::Slack, zone)).unwrap();
            body["text"].as_str().unwrap().to_owned()
        };
        assert!(
            text(&paris).contains("due by 2026-07-14 10:15 CEST"),
            "{}",
            text(&paris)
        );
        assert!(
            text(&Zone::utc()).contains("due by 2026-07-14 08:15 UTC"),
            "{}",
            text(&Zone::utc())
        );
        // The Standard format stays machine-readable UTC whatever the zone.
        assert!(payload(&r, WebhookFormat::Standard, &paris).contains("2026-07-14T08:15:00.000Z"));
    }
}
