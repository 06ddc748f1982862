//! The outbox's rules: what a saved submission records, when it is due, when it expires,
//! who may send it, and in which order. The widget keeps one [`Item`] per submission in
//! `localStorage` (key `allo:outbox:<id>`) and asks these functions what to do; nothing here
//! reads a clock or storage, so every rule is tested on the host.
//!
//! Cross-tab safety has two layers. The widget holds a Web Lock named after the item while it
//! sends it (real mutual exclusion where the browser has Web Locks); and every sender first
//! writes a [`Lease`] into the item, so a tab without Web Locks, or a tab that is being closed
//! and can no longer hold a lock, still tells the others "in flight, hands off until then".

use crate::json::{FromJson, Obj, ToJson, Value};
use crate::retry::Decision;
use crate::submission::{Kind, Submission};

/// Storage key prefix of outbox items (after the storage module's own `allo:`).
pub const KEY_PREFIX: &str = "outbox:";

/// The record format written today; a future format bumps it.
pub const VERSION: u8 = 1;

/// How long a lease outlives the attempt's own timeout, to cover a slow tab (milliseconds).
pub const LEASE_MARGIN_MS: u64 = 1_000;

/// How long Chromium lets a `keepalive` request run on after its page is gone (observed:
/// 30 s); no page is left to abort it sooner.
pub const KEEPALIVE_MAX_MS: u64 = 30_000;

/// The lease written before a last-chance `keepalive` send on page hide. Nobody can abort
/// that request or release the lease, so it covers twice the attempt timeout, up to the
/// whole [`KEEPALIVE_MAX_MS`] (which the default 15 s timeout reaches): another tab waits for
/// it rather than sending the same item alongside it.
pub fn exit_lease_ms(timeout_ms: u64) -> u64 {
    timeout_ms.saturating_mul(2).min(KEEPALIVE_MAX_MS) + LEASE_MARGIN_MS
}

/// Chromium refuses `keepalive` requests once their bodies in flight pass 64 KiB, so the
/// batch sent while the page is being hidden stays within this.
pub const KEEPALIVE_BUDGET: usize = 64 * 1024;

/// Who is sending an item right now, and until when that claim holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The claiming tab's random id (never stored anywhere else, gone with the tab).
    pub owner: String,
    /// The claim lapses at this instant (ms since the epoch), even if its tab died.
    pub until_ms: u64,
}

/// One submission waiting in the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Record format, [`VERSION`].
    pub v: u8,
    /// The endpoint it is for; only a page configured with the same endpoint sends it.
    pub endpoint: String,
    /// The submission itself as the JSON it is sent as (same id on every attempt). Kept as
    /// JSON, not read back into a [`Submission`]: the outbox only sends it, and the typed
    /// reading of every part of a submission was ~3.5 KB of the wasm for nothing (issue 22).
    /// [`Item::from_json`] checks the members the outbox itself reads ([`Item::id`],
    /// [`Item::kind`], [`Item::created_at`]).
    pub submission: Value,
    /// When it was saved (ms since the epoch); expiry counts from here.
    pub created_ms: u64,
    /// Failed attempts so far (the retry policy's `attempt` for the next failure).
    pub attempts: u32,
    /// Not to be sent before this instant (ms since the epoch).
    pub next_at_ms: u64,
    /// True when `next_at_ms` is the endpoint's own `Retry-After`, which even the last-chance
    /// send on page hide respects.
    pub asked_to_wait: bool,
    /// The tab sending it now, if any.
    pub lease: Option<Lease>,
}

/// The storage key (without the `allo:` prefix) for submission `id`.
pub fn key(id: &str) -> String {
    format!("{KEY_PREFIX}{id}")
}

impl Item {
    /// A new item for `submission`, already leased by `owner` (the tab about to send it) for
    /// `lease_ms`, so no other tab picks it up during the first attempt.
    pub fn new(
        endpoint: &str,
        submission: &Submission,
        now_ms: u64,
        owner: &str,
        lease_ms: u64,
    ) -> Item {
        Item {
            v: VERSION,
            endpoint: endpoint.to_owned(),
            submission: submission.to_json(),
            created_ms: now_ms,
            attempts: 0,
            next_at_ms: now_ms,
            asked_to_wait: false,
            lease: Some(Lease {
                owner: owner.to_owned(),
                until_ms: now_ms.saturating_add(lease_ms),
            }),
        }
    }

    /// The submission's id.
    pub fn id(&self) -> &str {
        self.submission["id"].as_str().unwrap_or_default()
    }

    /// The submission's kind.
    pub fn kind(&self) -> Kind {
        self.submission.field("kind").unwrap_or(Kind::Feedback)
    }

    /// When the visitor sent it (the submission's `created_at`).
    pub fn created_at(&self) -> &str {
        self.submission["created_at"].as_str().unwrap_or_default()
    }

    /// This item's storage key.
    pub fn key(&self) -> String {
        key(self.id())
    }

    /// The instant it expires, `ttl_ms` after it was saved.
    pub fn expires_at(&self, ttl_ms: u64) -> u64 {
        self.created_ms.saturating_add(ttl_ms)
    }

    /// True once it is older than `ttl_ms`: it is dropped (with a console warning).
    pub fn expired(&self, now_ms: u64, ttl_ms: u64) -> bool {
        now_ms >= self.expires_at(ttl_ms)
    }

    /// The live lease, if any (a lapsed lease is no lease).
    pub fn live_lease(&self, now_ms: u64) -> Option<&Lease> {
        self.lease.as_ref().filter(|l| l.until_ms > now_ms)
    }

    /// True when another tab (not `me`) holds a live lease on it.
    pub fn leased_by_other(&self, me: &str, now_ms: u64) -> bool {
        self.live_lease(now_ms).is_some_and(|l| l.owner != me)
    }

    /// True when `me` may send it now: its wait is over and nobody else holds it.
    pub fn sendable_by(&self, me: &str, now_ms: u64) -> bool {
        self.next_at_ms <= now_ms && !self.leased_by_other(me, now_ms)
    }

    /// Claims it for `me` for `lease_ms`.
    pub fn claim(&mut self, me: &str, now_ms: u64, lease_ms: u64) {
        self.lease = Some(Lease {
            owner: me.to_owned(),
            until_ms: now_ms.saturating_add(lease_ms),
        });
    }

    /// Records a failed attempt and the policy's decision; returns false when the item must
    /// be dropped (the decision was to give up). Releases the lease either way.
    pub fn record_failure(&mut self, now_ms: u64, decision: Decision, asked_to_wait: bool) -> bool {
        self.lease = None;
        self.attempts = self.attempts.saturating_add(1);
        match decision {
            Decision::GiveUp => false,
            Decision::RetryAfter(ms) => {
                self.next_at_ms = now_ms.saturating_add(ms);
                self.asked_to_wait = asked_to_wait;
                true
            }
        }
    }
}

/// What one pass over the outbox should do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Ids of items past their time to live: drop each with a warning.
    pub expired: Vec<String>,
    /// Ids to send now, oldest first (so the shop receives messages in the order they were
    /// written).
    pub due: Vec<String>,
    /// When to look again (ms since the epoch), if anything is left waiting.
    pub wake_at_ms: Option<u64>,
}

/// Plans one pass: `items` as read from storage; `served_ttl(endpoint)` is the time to live
/// for endpoints this page sends to and `None` for others (which this page only expires, after
/// `other_ttl_ms`); `min_gap_ms` keeps a tab that is waiting on another tab from spinning.
pub fn plan(
    items: &[Item],
    now_ms: u64,
    me: &str,
    served_ttl: impl Fn(&str) -> Option<u64>,
    other_ttl_ms: u64,
    min_gap_ms: u64,
) -> Plan {
    let mut plan = Plan::default();
    let mut due: Vec<(&Item, usize)> = Vec::new();
    let mut wake: Option<u64> = None;
    for item in items {
        let served = served_ttl(&item.endpoint);
        let ttl_ms = served.unwrap_or(other_ttl_ms);
        if item.expired(now_ms, ttl_ms) {
            plan.expired.push(item.id().to_owned());
            continue;
        }
        if served.is_none() {
            continue;
        }
        if item.sendable_by(me, now_ms) {
            due.push((item, 0));
            continue;
        }
        // Wait for whichever comes last: the backoff or another tab's claim (and never past
        // expiry, which must be reported on time).
        let lease_end = item.live_lease(now_ms).map_or(0, |l| l.until_ms);
        let at = item.next_at_ms.max(lease_end).min(item.expires_at(ttl_ms));
        wake = Some(wake.map_or(at, |w| w.min(at)));
    }
    oldest_first(&mut due);
    plan.due = due.into_iter().map(|(i, _)| i.id().to_owned()).collect();
    plan.wake_at_ms = wake.map(|w| w.max(now_ms.saturating_add(min_gap_ms)));
    plan
}

/// Sorts oldest first, then by id (so every tab agrees). One sort for [`plan`] and
/// [`exit_batch`] (with a size of 0 in `plan`): a `sort_by` per element and closure type was
/// a ~400 B copy of the merge sort each in the wasm (issue 22).
fn oldest_first(items: &mut [(&Item, usize)]) {
    items.sort_by(|(a, _), (b, _)| (a.created_ms, a.id()).cmp(&(b.created_ms, b.id())));
}

/// The last-chance batch sent with `keepalive` while the page is being hidden: items for
/// endpoints this page serves, not expired, nobody's live lease (not even this tab's: its own
/// ordinary request is being cancelled by the unload and the next page takes over), not held
/// back by the endpoint's own `Retry-After`, oldest first, within [`KEEPALIVE_BUDGET`].
/// `sized` pairs each item with its encoded body length in bytes; `served_ttl` is as for
/// [`plan`].
pub fn exit_batch(
    sized: &[(&Item, usize)],
    now_ms: u64,
    served_ttl: impl Fn(&str) -> Option<u64>,
) -> Vec<String> {
    let mut candidates: Vec<(&Item, usize)> = sized
        .iter()
        .copied()
        .filter(|(i, _)| {
            served_ttl(&i.endpoint).is_some_and(|ttl| !i.expired(now_ms, ttl))
                && i.live_lease(now_ms).is_none()
                && !(i.asked_to_wait && i.next_at_ms > now_ms)
        })
        .collect();
    oldest_first(&mut candidates);
    let mut used = 0usize;
    let mut out = Vec::new();
    for (item, size) in candidates {
        // Skip one that does not fit and keep filling with smaller ones.
        if used + size <= KEEPALIVE_BUDGET {
            used += size;
            out.push(item.id().to_owned());
        }
    }
    out
}

impl ToJson for Lease {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("owner", &self.owner)
            .set("until_ms", self.until_ms)
            .build()
    }
}

impl FromJson for Lease {
    fn from_json(v: &Value) -> Option<Lease> {
        Some(Lease {
            owner: v.field("owner")?,
            until_ms: v.field("until_ms")?,
        })
    }
}

/// The stored record. Members added after version 1 (`asked_to_wait`, `lease`) default when an
/// older page wrote the item.
impl ToJson for Item {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("v", self.v)
            .set("endpoint", &self.endpoint)
            .set("submission", &self.submission)
            .set("created_ms", self.created_ms)
            .set("attempts", self.attempts)
            .set("next_at_ms", self.next_at_ms)
            .set("asked_to_wait", self.asked_to_wait)
            .opt("lease", &self.lease)
            .build()
    }
}

impl FromJson for Item {
    fn from_json(v: &Value) -> Option<Item> {
        Some(Item {
            v: v.field("v")?,
            endpoint: v.field("endpoint")?,
            submission: v
                .get("submission")
                .filter(|s| {
                    s["id"].as_str().is_some()
                        && s["created_at"].as_str().is_some()
                        && s.field::<Kind>("kind").is_some()
                })?
                .clone(),
            created_ms: v.field("created_ms")?,
            attempts: v.field("attempts")?,
            next_at_ms: v.field("next_at_ms")?,
            asked_to_wait: v.field_or_default("asked_to_wait"),
            lease: v.field("lease"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::{Kind, Visitor, SCHEMA};

    const HOUR: u64 = 3_600_000;

    fn sub(id: &str) -> Submission {
        Submission {
            schema: SCHEMA.into(),
            id: id.into(),
            kind: Kind::Feedback,
            created_at: "2026-11-23T18:00:00.000Z".into(),
            locale: "en".into(),
            page: None,
            visitor: Visitor::default(),
            feedback: None,
            callback: None,
            consent: None,
            client: None,
            context: Default::default(),
        }
    }

    /// An unleased item saved at `created`, due at `next`.
    fn item(id: &str, created: u64, next: u64) -> Item {
        let mut i = Item::new("/e", &sub(id), created, "t", 0);
        i.lease = None;
        i.next_at_ms = next;
        i
    }

    /// Serves every endpoint with `ttl`.
    fn all(ttl: u64) -> impl Fn(&str) -> Option<u64> {
        move |_| Some(ttl)
    }

    #[test]
    fn exit_leases_cover_the_keepalive_request() {
        // (attempt timeout, lease)
        for (timeout, want) in [
            (15_000, 31_000),
            (60_000, 31_000),
            (1_500, 4_000),
            (0, 1_000),
        ] {
            assert_eq!(exit_lease_ms(timeout), want, "{timeout}");
        }
    }

    #[test]
    fn a_new_item_is_leased_by_its_sender() {
        let i = Item::new("/e", &sub("a"), 1_000, "me", 500);
        assert_eq!(i.key(), "outbox:a");
        assert!(i.sendable_by("me", 1_000));
        assert!(!i.sendable_by("other", 1_499));
        assert!(i.sendable_by("other", 1_500), "the lease lapses on its own");
    }

    #[test]
    fn records_survive_storage_and_old_records_read() {
        let mut i = item("a", 5, 9);
        i.claim("me", 10, 100);
        let json = i.to_json().to_string();
        assert_eq!(Item::from_json(&Value::parse(&json).unwrap()), Some(i));
        // Fields added later default.
        let old = r#"{"v":1,"endpoint":"/e","created_ms":1,"attempts":0,"next_at_ms":1,
            "submission":{"schema":"allo.submission/1","id":"x","kind":"feedback",
            "created_at":"t","locale":"en"}}"#;
        let i = Item::from_json(&Value::parse(old).unwrap()).unwrap();
        assert_eq!((i.asked_to_wait, &i.lease), (false, &None));
        assert_eq!(
            (i.id(), i.kind(), i.created_at()),
            ("x", Kind::Feedback, "t")
        );
        // A record whose submission lacks what the outbox reads is not an item.
        for bad in [
            r#"{"id":"x","kind":"feedback"}"#,
            r#"{"id":"x","kind":"chat","created_at":"t"}"#,
            r#""x""#,
        ] {
            let text = old.replace(
                r#"{"schema":"allo.submission/1","id":"x","kind":"feedback",
            "created_at":"t","locale":"en"}"#,
                bad,
            );
            assert_eq!(
                Item::from_json(&Value::parse(&text).unwrap()),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn expiry_table() {
        // (created, now, ttl, expired)
        let cases = [
            (0, 0, HOUR, false),
            (0, HOUR - 1, HOUR, false),
            (0, HOUR, HOUR, true),
            (5, u64::MAX, 7 * 24 * HOUR, true),
            (u64::MAX - 1, u64::MAX - 1, HOUR, false),
        ];
        for (created, now, ttl, want) in cases {
            assert_eq!(
                item("a", created, 0).expired(now, ttl),
                want,
                "{created} {now} {ttl}"
            );
        }
    }

    #[test]
    fn failures_push_the_next_attempt_back_or_drop_the_item() {
        let mut i = Item::new("/e", &sub("a"), 0, "me", 100);
        assert!(i.record_failure(50, Decision::RetryAfter(1_000), true));
        assert_eq!(
            (i.attempts, i.next_at_ms, i.asked_to_wait, &i.lease),
            (1, 1_050, true, &None)
        );
        assert!(!i.record_failure(60, Decision::GiveUp, false));
        assert_eq!(i.attempts, 2);
    }

    #[test]
    fn plan_orders_due_items_oldest_first_and_sleeps_until_the_next() {
        let mut leased = item("d", 1, 0);
        leased.claim("other-tab", 100, 500);
        let mut mine = item("e", 2, 0);
        mine.claim("me", 100, 500);
        let items = vec![
            item("c", 30, 0),
            item("a", 10, 50),
            item("b", 10, 100),
            item("late", 5, 900),
            leased,
            mine,
            item("old", 0, 0),
        ];
        let p = plan(&items, 100, "me", all(1_000), HOUR, 10);
        // Oldest first, ties by id; this tab's own claim does not hold it back.
        assert_eq!(p.due, ["old", "e", "a", "b", "c"]);
        assert!(p.expired.is_empty());
        // "d" is claimed until 600, "late" waits until 900: wake at 600.
        assert_eq!(p.wake_at_ms, Some(600));
    }

    #[test]
    fn plan_expires_and_skips_other_endpoints() {
        let mut other = item("x", 500, 0);
        other.endpoint = "https://elsewhere.example/e".into();
        let mut stale = item("stale", 0, 0);
        stale.endpoint = "https://elsewhere.example/e".into();
        let items = vec![
            item("gone", 0, 0),
            other,
            stale,
            item("waiting", 600, 5_000),
        ];
        let p = plan(
            &items,
            1_000,
            "me",
            |e| (e == "/e").then_some(1_000),
            1_000,
            10,
        );
        // Items for another endpoint are not sent here, but they do expire here.
        assert_eq!(p.expired, ["gone", "stale"]);
        assert!(p.due.is_empty());
        // The wait is cut short by expiry, which must be reported on time (600 + 1 000).
        assert_eq!(p.wake_at_ms, Some(1_600));
    }

    #[test]
    fn plan_never_wakes_sooner_than_the_gap_and_not_at_all_when_empty() {
        let mut leased = item("a", 0, 0);
        leased.claim("other", 0, 1_001);
        let p = plan(&[leased], 1_000, "me", all(HOUR), HOUR, 250);
        assert_eq!(p.wake_at_ms, Some(1_250));
        assert_eq!(
            plan(&[], 1_000, "me", all(HOUR), HOUR, 250),
            Plan::default()
        );
    }

    #[test]
    fn exit_batch_respects_leases_retry_after_and_the_keepalive_budget() {
        let mut leased = item("leased", 0, 0);
        leased.claim("me", 0, 1_000);
        let mut asked = item("asked", 1, 5_000);
        asked.asked_to_wait = true;
        let backoff = item("backoff", 2, 5_000);
        let big = item("big", 3, 0);
        let small = item("small", 4, 0);
        let expired = item("expired", 0, 0);
        let sized = vec![
            (&leased, 10),
            (&asked, 10),
            (&backoff, 40_000),
            (&big, 30_000),
            (&small, 20_000),
        ];
        // Plain backoff does not hold the last chance back; "big" would pass 64 KiB and is
        // left for the next page, "small" still fits.
        assert_eq!(exit_batch(&sized, 100, all(HOUR)), ["backoff", "small"]);
        assert!(exit_batch(&[(&expired, 1)], HOUR, all(HOUR)).is_empty());
        assert!(exit_batch(&[(&small, 1)], 100, |_| None).is_empty());
    }
}
