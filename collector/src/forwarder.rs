//! The background task that empties the outbox: it claims due rows, sends each by its kind
//! (webhooks through [`crate::webhook`], owner notifications through [`crate::mail`]'s
//! [`Mailer`]) and records the outcome; a failure is retried with exponential backoff, also
//! after a restart, and a row whose sender vanished is taken again once its lease ends.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::mail::Mailer;
use crate::store::{DeliveryKind, OutboxItem, Store};
use crate::time;
use crate::webhook::{WebhookSecret, Webhooks};

/// Attempts before a delivery is abandoned.
pub const MAX_ATTEMPTS: u32 = 30;
/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// A claimed delivery is retried after this long if its sender vanished (crash, kill -9).
pub const LEASE: Duration = Duration::from_secs(60);

/// The wait after `attempts` failed attempts: `initial`, doubling, capped at [`MAX_BACKOFF`];
/// `None` once [`MAX_ATTEMPTS`] are used up.
pub fn backoff(initial: Duration, attempts: u32) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let factor = 1u32 << attempts.saturating_sub(1).min(20);
    Some(initial.saturating_mul(factor).min(MAX_BACKOFF))
}

/// The background task that empties the outbox.
pub struct Forwarder {
    store: Arc<dyn Store>,
    webhooks: Webhooks,
    retry: Duration,
    mailer: Option<Arc<Mailer>>,
    wake: Arc<Notify>,
}

impl Forwarder {
    /// A forwarder over `store`; `wake` is notified whenever a delivery is queued. `retry` is
    /// the webhooks' first retry delay and `tls` the settings for https receivers (see
    /// [`crate::tls::client_config`]); email rows need a `mailer` (without one they wait).
    pub fn new(
        store: Arc<dyn Store>,
        secret: Option<WebhookSecret>,
        retry: Duration,
        tls: Arc<tokio_rustls::rustls::ClientConfig>,
        mailer: Option<Mailer>,
        wake: Arc<Notify>,
    ) -> Forwarder {
        Forwarder {
            store,
            webhooks: Webhooks::new(secret, tls),
            retry,
            mailer: mailer.map(Arc::new),
            wake,
        }
    }

    /// Delivers until `stop` turns true. A batch under way is finished first (each attempt is
    /// bounded by [`ATTEMPT_TIMEOUT`]), so a graceful shutdown leaves no row leased: the next
    /// start delivers at once instead of waiting out a lease. Deliveries cut short by an abort
    /// or a crash are still retried once their lease ends.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let now = time::now_millis();
            let claimed = self
                .store
                .claim_outbox(
                    time::format_millis(now),
                    time::format_millis(now + LEASE.as_millis() as u64),
                    16,
                )
                .await;
            match claimed {
                Ok(items) if !items.is_empty() => {
                    // Concurrently: one slow receiver must not hold up the others.
                    let mut tasks = tokio::task::JoinSet::new();
                    for item in items {
                        let this = self.clone_parts();
                        tasks.spawn(async move { this.attempt(item).await });
                    }
                    while tasks.join_next().await.is_some() {}
                }
                Ok(_) => {
                    tokio::select! {
                        () = self.idle() => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "webhook outbox unavailable; retrying");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    }

    fn clone_parts(&self) -> Forwarder {
        Forwarder {
            store: Arc::clone(&self.store),
            webhooks: self.webhooks.clone(),
            retry: self.retry,
            mailer: self.mailer.clone(),
            wake: Arc::clone(&self.wake),
        }
    }

    /// Waits for a new delivery or the next retry, whichever comes first (at most a minute,
    /// which also picks up rows another collector or a crashed run left behind).
    async fn idle(&self) {
        let wait = match self.store.next_outbox_due().await {
            Ok(Some(due)) => {
                let due = time::parse_millis(&due).unwrap_or(0);
                Duration::from_millis(due.saturating_sub(time::now_millis()))
            }
            _ => Duration::from_secs(60),
        }
        .clamp(Duration::from_millis(10), Duration::from_secs(60));
        tokio::select! {
            () = self.wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }

    async fn attempt(&self, item: OutboxItem) {
        let attempts = item.attempts + 1;
        let (kind, retry) = match (item.kind, &self.mailer) {
            (Some(DeliveryKind::Webhook), _) => ("webhook", self.retry),
            (Some(DeliveryKind::Email), Some(mailer)) => ("email", mailer.retry),
            // Email without SMTP settings (they were removed since it was queued), or a kind
            // from a newer collector: not ours to send; look again in an hour.
            (kind, _) => {
                tracing::warn!(
                    id = item.id,
                    ?kind,
                    "outbox row this collector cannot send; left queued"
                );
                let later =
                    time::format_millis(time::now_millis() + MAX_BACKOFF.as_millis() as u64);
                let _ = self
                    .store
                    .outbox_failed(
                        item.id,
                        item.attempts,
                        Some(later),
                        "no sender configured for this kind of delivery".into(),
                    )
                    .await;
                return;
            }
        };
        let outcome = tokio::time::timeout(ATTEMPT_TIMEOUT, self.deliver(&item))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {}s", ATTEMPT_TIMEOUT.as_secs())));
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(kind, to = %item.url, id = %item.message_id, attempts, "delivered");
                self.store
                    .outbox_delivered(item.id, time::now_rfc3339())
                    .await
            }
            Err(error) => {
                let next = backoff(retry, attempts);
                match next {
                    Some(wait) => {
                        tracing::warn!(kind, to = %item.url, id = %item.message_id, attempts, %error,
                        retry_in_ms = wait.as_millis() as u64, "delivery failed")
                    }
                    None => {
                        tracing::error!(kind, to = %item.url, id = %item.message_id, attempts, %error,
                        "delivery abandoned")
                    }
                }
                let next_at =
                    next.map(|w| time::format_millis(time::now_millis() + w.as_millis() as u64));
                self.store
                    .outbox_failed(item.id, attempts, next_at, error)
                    .await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the delivery is tried again: at-least-once.
            tracing::warn!(error = %e, "could not record a delivery outcome");
        }
    }

    // The error is only ever the words stored as the delivery's `last_error` (shown in the inbox
    // and retried by the outbox), never matched on: a `String` is what it is used as.
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        match (item.kind, &self.mailer) {
            (Some(DeliveryKind::Email), Some(mailer)) => {
                mailer
                    .sender
                    .send(&mailer.from, &item.url, &item.payload)
                    .await
            }
            _ => self.webhooks.send(item).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_gives_up() {
        let s = Duration::from_secs(5);
        assert_eq!(backoff(s, 1), Some(Duration::from_secs(5)));
        assert_eq!(backoff(s, 2), Some(Duration::from_secs(10)));
        assert_eq!(backoff(s, 4), Some(Duration::from_secs(40)));
        assert_eq!(backoff(s, 15), Some(MAX_BACKOFF));
        assert_eq!(backoff(s, MAX_ATTEMPTS), None);
    }
}
