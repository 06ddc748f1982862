//! The `Store` contract, checked directly (no HTTP) on SQLite and PostgreSQL alike:
//! idempotency by id, the callback guard, listing filters and orders, the status history
//! and the webhook outbox's lease and retry bookkeeping.
mod common;

use std::sync::Arc;

use allo_collector::status::Status;
use allo_collector::store::{
    DeliveryKind, Filter, Guard, Inserted, NewReply, Order, OutboxMessage, Record, Replied,
    StatusChange, StatusFilter, Store,
};
use common::pg::block_on;
use common::{callback_for, feedback, uuid, Backend, TestDb};

on_both_backends!(
    inserts_are_idempotent_and_durable,
    the_callback_guard_refuses_duplicates_and_floods,
    listing_filters_and_orders,
    status_changes_are_recorded_in_order,
    outbox_claims_lease_and_retry,
    visitor_messages_new_times_and_overdue,
    email_rows_and_delivery_problems,
    settings_keep_the_first_value,
    visitor_notices_are_queued_once_and_stop_on_unsubscribe,
);

/// A store on a fresh database (kept alive by the returned `TestDb`).
async fn open(backend: &Backend) -> (Arc<dyn Store>, TestDb) {
    let db = TestDb::new(backend);
    let mut config = allo_collector::Config::new(&db.path);
    db.configure(&mut config);
    let store = allo_collector::open_store(&config.database())
        .await
        .unwrap();
    (store, db)
}

fn record(json: serde_json::Value, received_at: &str) -> Record {
    let body = json.to_string();
    let sub = serde_json::from_value(json).unwrap();
    Record::new(&sub, body, received_at.to_owned())
}

/// Inserts `r` under `guard` with nothing for the outbox.
async fn insert(store: &Arc<dyn Store>, r: Record, guard: Guard) -> Inserted {
    store.insert(r, guard, vec![]).await.unwrap()
}

fn guard(dup_since: &str, limit_since: &str, max: u32) -> Guard {
    Guard {
        duplicate_since: Some(dup_since.to_owned()),
        phone_limit: Some((limit_since.to_owned(), max)),
    }
}

fn inserts_are_idempotent_and_durable(backend: Backend) {
    block_on(async {
        let db = TestDb::new(&backend);
        let mut config = allo_collector::Config::new(&db.path);
        db.configure(&mut config);
        let store = allo_collector::open_store(&config.database())
            .await
            .unwrap();
        store.ping().await.unwrap();
        let r = record(feedback(&uuid(1)), "2026-11-23T18:00:00.000Z");
        assert_eq!(
            insert(&store, r.clone(), Guard::default()).await,
            Inserted::New
        );
        assert_eq!(
            insert(&store, r.clone(), Guard::default()).await,
            Inserted::Duplicate {
                body: r.body.clone()
            }
        );
        drop(store);
        // Reopening (and re-running migrations) keeps the row, byte for byte.
        let store = allo_collector::open_store(&config.database())
            .await
            .unwrap();
        let (back, history) = store.get(r.id.clone()).await.unwrap().unwrap();
        assert_eq!(back, r);
        assert!(history.is_empty());
        assert!(store.get(uuid(2)).await.unwrap().is_none());
    });
}

fn the_callback_guard_refuses_duplicates_and_floods(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let phone = "+33612345678";
        let due = "2030-01-01T00:00:00.000Z";
        let at = |m: u32| format!("2026-11-23T18:{m:02}:00.000Z");
        let first = record(callback_for(&uuid(10), phone, false, due), &at(0));
        let g = guard(&at(0), &at(0), 3);
        assert_eq!(
            insert(&store, first.clone(), g.clone()).await,
            Inserted::New
        );
        // Same number within the window while open: refused with the waiting reference.
        let second = record(callback_for(&uuid(11), phone, false, due), &at(5));
        assert_eq!(
            insert(&store, second.clone(), guard(&at(0), &at(0), 3)).await,
            Inserted::OpenCallback {
                reference: first.reference.clone()
            }
        );
        // The same id is a retry before anything else.
        assert_eq!(
            insert(&store, first.clone(), g.clone()).await,
            Inserted::Duplicate {
                body: first.body.clone()
            }
        );
        // Outside the duplicate window it passes.
        assert_eq!(
            insert(&store, second, guard(&at(1), &at(0), 3)).await,
            Inserted::New
        );
        // Closed statuses do not count as open.
        for id in [10, 11] {
            let change = StatusChange {
                status: Status::CalledBack,
                by: "t".into(),
                note: String::new(),
                at: at(6),
                visitor_message: None,
                due_by: None,
            };
            assert!(store.change_status(uuid(id), change).await.unwrap());
        }
        let third = record(callback_for(&uuid(12), phone, false, due), &at(7));
        assert_eq!(
            insert(&store, third, guard(&at(0), &at(0), 3)).await,
            Inserted::New
        );
        // Three in the hour: the fourth is limited, with the oldest counted.
        let fourth = record(callback_for(&uuid(13), phone, false, due), &at(8));
        assert_eq!(
            insert(&store, fourth.clone(), guard(&at(8), &at(0), 3)).await,
            Inserted::PhoneLimited { oldest: at(0) }
        );
        // Another number, feedback and an unguarded insert pass.
        let other = record(callback_for(&uuid(14), "+33699999999", false, due), &at(8));
        assert_eq!(
            insert(&store, other, guard(&at(0), &at(0), 3)).await,
            Inserted::New
        );
        let fb = record(feedback(&uuid(15)), &at(8));
        assert_eq!(
            insert(&store, fb, guard(&at(0), &at(0), 0)).await,
            Inserted::New
        );
        assert_eq!(
            insert(&store, fourth, Guard::default()).await,
            Inserted::New
        );
    });
}

fn listing_filters_and_orders(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let rows = [
            record(feedback(&uuid(20)), "2026-11-01T08:00:00.000Z"),
            record(
                callback_for(&uuid(21), "+33600000001", false, "2026-11-02T09:00:00.000Z"),
                "2026-11-02T08:00:00.000Z",
            ),
            record(
                callback_for(&uuid(22), "+33600000002", true, "2026-11-03T12:00:00.000Z"),
                "2026-11-03T08:00:00.000Z",
            ),
            record(
                callback_for(&uuid(23), "+33600000003", true, "2026-11-03T10:00:00.000Z"),
                "2026-11-03T09:00:00.000Z",
            ),
            record(feedback(&uuid(24)), "2026-11-30T23:59:59.999Z"),
        ];
        for r in &rows {
            assert_eq!(
                insert(&store, r.clone(), Guard::default()).await,
                Inserted::New
            );
        }
        let change = StatusChange {
            status: Status::Handled,
            by: "t".into(),
            note: String::new(),
            at: "2026-12-01T00:00:00.000Z".into(),
            visitor_message: None,
            due_by: None,
        };
        assert!(store.change_status(uuid(22), change).await.unwrap());
        let ids = |v: Vec<Record>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
        let list = |f: Filter| {
            let store = Arc::clone(&store);
            async move { ids(store.list(f).await.unwrap()) }
        };
        assert_eq!(
            list(Filter::default()).await,
            [uuid(24), uuid(23), uuid(22), uuid(21), uuid(20)]
        );
        assert_eq!(
            list(Filter {
                kind: Some("feedback".into()),
                ..Filter::default()
            })
            .await,
            [uuid(24), uuid(20)]
        );
        assert_eq!(
            list(Filter {
                status: StatusFilter::Only(Status::Handled),
                ..Filter::default()
            })
            .await,
            [uuid(22)]
        );
        assert_eq!(
            list(Filter {
                received_from: Some("2026-11-02T00:00:00.000Z".into()),
                received_to: Some("2026-11-30T23:59:59.999Z".into()),
                ..Filter::default()
            })
            .await,
            [uuid(24), uuid(23), uuid(22), uuid(21)],
            "both bounds inclusive"
        );
        assert_eq!(
            list(Filter {
                kind: Some("callback".into()),
                order: Order::Urgency,
                ..Filter::default()
            })
            .await,
            [uuid(23), uuid(22), uuid(21)],
            "urgent first, then earliest due"
        );
        assert_eq!(
            list(Filter {
                kind: Some("callback".into()),
                status: StatusFilter::Open,
                order: Order::Urgency,
                ..Filter::default()
            })
            .await,
            [uuid(23), uuid(21)]
        );
        assert_eq!(
            list(Filter {
                limit: Some(2),
                ..Filter::default()
            })
            .await,
            [uuid(24), uuid(23)]
        );
        let all = store.list(Filter::default()).await.unwrap();
        let back = all.iter().find(|r| r.id == uuid(21)).unwrap();
        assert_eq!(back, &rows[1], "every column round-trips");
    });
}

fn status_changes_are_recorded_in_order(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let r = record(
            callback_for(&uuid(30), "+33600000030", false, "2030-01-01T00:00:00.000Z"),
            "2026-11-23T18:00:00.000Z",
        );
        store.insert(r, Guard::default(), vec![]).await.unwrap();
        let changes = [
            (Status::Scheduled, "Ada", "tomorrow 10:00"),
            (Status::Scheduled, "Ada", "only a note"),
            (Status::Delayed, "Grace", "line busy"),
            (Status::Handled, "api", ""),
        ];
        for (i, (status, by, note)) in changes.iter().enumerate() {
            let change = StatusChange {
                status: *status,
                by: (*by).into(),
                note: (*note).into(),
                at: format!("2026-11-23T19:0{i}:00.000Z"),
                visitor_message: None,
                due_by: None,
            };
            assert!(store.change_status(uuid(30), change).await.unwrap());
        }
        let missing = StatusChange {
            status: Status::Handled,
            by: "x".into(),
            note: String::new(),
            at: "2026-11-23T20:00:00.000Z".into(),
            visitor_message: None,
            due_by: None,
        };
        assert!(!store.change_status(uuid(31), missing).await.unwrap());
        let (record, history) = store.get(uuid(30)).await.unwrap().unwrap();
        assert_eq!(record.status, Status::Handled);
        let summary: Vec<(Status, Status, &str, &str, &str)> = history
            .iter()
            .map(|e| (e.from, e.to, e.by.as_str(), e.note.as_str(), e.at.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    Status::New,
                    Status::Scheduled,
                    "Ada",
                    "tomorrow 10:00",
                    "2026-11-23T19:00:00.000Z"
                ),
                (
                    Status::Scheduled,
                    Status::Scheduled,
                    "Ada",
                    "only a note",
                    "2026-11-23T19:01:00.000Z"
                ),
                (
                    Status::Scheduled,
                    Status::Delayed,
                    "Grace",
                    "line busy",
                    "2026-11-23T19:02:00.000Z"
                ),
                (
                    Status::Delayed,
                    Status::Handled,
                    "api",
                    "",
                    "2026-11-23T19:03:00.000Z"
                ),
            ]
        );
    });
}

fn outbox_claims_lease_and_retry(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        assert_eq!(store.next_outbox_due().await.unwrap(), None);
        let r = record(feedback(&uuid(40)), "2026-11-23T18:00:00.000Z");
        let msgs = ["http://a.example/h", "http://b.example/h"].map(|url| OutboxMessage {
            kind: DeliveryKind::Webhook,
            url: url.into(),
            message_id: format!("msg_{}", uuid(40)),
            payload: "{\"x\":1}".into(),
            event_key: None,
        });
        store
            .insert(r.clone(), Guard::default(), msgs.to_vec())
            .await
            .unwrap();
        // A retry queues nothing more; a refused insert queues nothing at all.
        store
            .insert(r, Guard::default(), msgs.to_vec())
            .await
            .unwrap();
        assert_eq!(
            store.next_outbox_due().await.unwrap().as_deref(),
            Some("2026-11-23T18:00:00.000Z")
        );

        let now = "2026-11-23T18:00:01.000Z".to_owned();
        let lease = "2026-11-23T18:01:01.000Z".to_owned();
        let claimed = store
            .claim_outbox(now.clone(), lease.clone(), 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        assert_eq!(claimed[0].url, "http://a.example/h");
        assert_eq!(claimed[0].payload, "{\"x\":1}");
        assert_eq!(claimed[0].attempts, 0);
        // Leased: nobody else gets them now.
        assert!(store
            .claim_outbox(now.clone(), lease.clone(), 10)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(store.next_outbox_due().await.unwrap(), Some(lease.clone()));

        store
            .outbox_delivered(claimed[0].id, now.clone())
            .await
            .unwrap();
        store
            .outbox_failed(
                claimed[1].id,
                1,
                Some("2026-11-23T18:00:05.000Z".into()),
                "refused".into(),
            )
            .await
            .unwrap();
        let again = store
            .claim_outbox("2026-11-23T18:00:06.000Z".into(), lease.clone(), 10)
            .await
            .unwrap();
        assert_eq!(again.len(), 1, "only the failed one comes back");
        assert_eq!((again[0].id, again[0].attempts), (claimed[1].id, 1));
        store
            .outbox_failed(again[0].id, 2, None, "gave up".into())
            .await
            .unwrap();
        assert_eq!(store.next_outbox_due().await.unwrap(), None);
        assert!(store
            .claim_outbox("2099-01-01T00:00:00.000Z".into(), lease, 10)
            .await
            .unwrap()
            .is_empty());
    });
}

fn change(status: Status, at: &str, message: Option<&str>, due_by: Option<&str>) -> StatusChange {
    StatusChange {
        status,
        by: "Ada".into(),
        note: "internal".into(),
        at: at.into(),
        visitor_message: message.map(Into::into),
        due_by: due_by.map(Into::into),
    }
}

fn visitor_messages_new_times_and_overdue(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let due = "2026-11-24T10:00:00.000Z";
        for (n, phone) in [
            (50, "+33600000050"),
            (51, "+33600000051"),
            (52, "+33600000052"),
        ] {
            let r = record(
                callback_for(&uuid(n), phone, false, due),
                "2026-11-23T18:00:00.000Z",
            );
            store.insert(r, Guard::default(), vec![]).await.unwrap();
        }
        store
            .insert(
                record(feedback(&uuid(53)), "2026-11-23T18:00:00.000Z"),
                Guard::default(),
                vec![],
            )
            .await
            .unwrap();
        let overdue_at = |now: &str| {
            let store = Arc::clone(&store);
            let now = now.to_owned();
            async move {
                let filter = Filter {
                    overdue_at: Some(now.clone()),
                    ..Filter::default()
                };
                let mut ids: Vec<String> = store
                    .list(filter)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.id)
                    .collect();
                ids.sort();
                // The SQL filter and the Rust rule agree.
                let mut by_rule: Vec<String> = store
                    .list(Filter::default())
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|r| r.is_overdue(&now))
                    .map(|r| r.id)
                    .collect();
                by_rule.sort();
                assert_eq!(ids, by_rule, "at {now}");
                ids
            }
        };
        assert!(overdue_at("2026-11-24T09:59:59.000Z").await.is_empty());
        let mut all = vec![uuid(50), uuid(51), uuid(52)];
        all.sort();
        assert_eq!(overdue_at("2026-11-24T10:00:01.000Z").await, all);

        // 50: delayed with a message and a new time; 51: scheduled; 52: called back.
        assert!(store
            .change_status(
                uuid(50),
                change(
                    Status::Delayed,
                    "2026-11-24T09:30:00.000Z",
                    Some("We're running late, we'll call you at 15:30 instead"),
                    Some("2026-11-24T14:30:00.000Z"),
                ),
            )
            .await
            .unwrap());
        assert!(store
            .change_status(
                uuid(51),
                change(Status::Scheduled, "2026-11-24T09:31:00.000Z", None, None)
            )
            .await
            .unwrap());
        assert!(store
            .change_status(
                uuid(52),
                change(Status::CalledBack, "2026-11-24T09:32:00.000Z", None, None)
            )
            .await
            .unwrap());
        assert_eq!(overdue_at("2026-11-24T10:00:01.000Z").await, [uuid(51)]);
        let mut late = vec![uuid(50), uuid(51)];
        late.sort();
        assert_eq!(overdue_at("2026-11-24T14:30:01.000Z").await, late);

        let (r, history) = store.get(uuid(50)).await.unwrap().unwrap();
        assert_eq!(
            r.visitor_message.as_deref(),
            Some("We're running late, we'll call you at 15:30 instead")
        );
        assert_eq!(
            r.rescheduled_due_by.as_deref(),
            Some("2026-11-24T14:30:00.000Z")
        );
        assert_eq!(r.due_by(), Some("2026-11-24T14:30:00.000Z"));
        assert_eq!(
            r.callback_due_by.as_deref(),
            Some(due),
            "the original is kept"
        );
        assert_eq!(r.updated_at(), "2026-11-24T09:30:00.000Z");
        assert_eq!(
            history[0].due_by.as_deref(),
            Some("2026-11-24T14:30:00.000Z")
        );

        // A note-only change keeps message and time; empty values clear them.
        assert!(store
            .change_status(
                uuid(50),
                change(Status::Delayed, "2026-11-24T09:40:00.000Z", None, None)
            )
            .await
            .unwrap());
        let (r, _) = store.get(uuid(50)).await.unwrap().unwrap();
        assert!(r.visitor_message.is_some() && r.rescheduled_due_by.is_some());
        assert!(store
            .change_status(
                uuid(50),
                change(
                    Status::Scheduled,
                    "2026-11-24T09:50:00.000Z",
                    Some(""),
                    Some("")
                )
            )
            .await
            .unwrap());
        let (r, history) = store.get(uuid(50)).await.unwrap().unwrap();
        assert_eq!((&r.visitor_message, &r.rescheduled_due_by), (&None, &None));
        assert_eq!(r.due_by(), Some(due));
        assert_eq!(history.len(), 3);
        assert_eq!(history[2].visitor_message.as_deref(), Some(""));
        // Feedback is never overdue, whatever its status.
        let (fb, _) = store.get(uuid(53)).await.unwrap().unwrap();
        assert!(!fb.is_overdue("2099-01-01T00:00:00.000Z"));
    });
}

fn email_rows_and_delivery_problems(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let r = record(feedback(&uuid(60)), "2026-11-23T18:00:00.000Z");
        let other = record(feedback(&uuid(61)), "2026-11-23T18:00:00.000Z");
        let mail = OutboxMessage {
            kind: DeliveryKind::Email,
            url: "owner@shop.example".into(),
            message_id: format!("<allo.{}@shop.example>", uuid(60)),
            payload: "Subject: x\r\n\r\nbody\r\n".into(),
            event_key: None,
        };
        let hook = OutboxMessage {
            kind: DeliveryKind::Webhook,
            url: "http://a.example/h".into(),
            message_id: "msg".into(),
            payload: "{}".into(),
            event_key: None,
        };
        store
            .insert(r, Guard::default(), vec![mail.clone(), hook])
            .await
            .unwrap();
        store.insert(other, Guard::default(), vec![]).await.unwrap();
        let claimed = store
            .claim_outbox(
                "2026-11-23T18:00:01.000Z".into(),
                "2026-11-23T18:01:01.000Z".into(),
                10,
            )
            .await
            .unwrap();
        assert_eq!(
            claimed.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [Some(DeliveryKind::Email), Some(DeliveryKind::Webhook)]
        );
        assert_eq!(claimed[0].payload, mail.payload);
        assert!(
            store
                .delivery_problems(vec![uuid(60), uuid(61)])
                .await
                .unwrap()
                .is_empty(),
            "nothing failed yet"
        );
        store
            .outbox_failed(
                claimed[0].id,
                1,
                Some("2026-11-23T18:00:31.000Z".into()),
                "connection refused".into(),
            )
            .await
            .unwrap();
        store
            .outbox_delivered(claimed[1].id, "2026-11-23T18:00:02.000Z".into())
            .await
            .unwrap();
        assert_eq!(
            store
                .delivery_problems(vec![uuid(60), uuid(61)])
                .await
                .unwrap(),
            [(uuid(60), false)]
        );
        let d = store.deliveries(uuid(60)).await.unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].kind, Some(DeliveryKind::Email));
        assert_eq!(d[0].target, "owner@shop.example");
        assert_eq!(d[0].attempts, 1);
        assert_eq!(d[0].last_error.as_deref(), Some("connection refused"));
        assert_eq!(d[0].next_attempt_at, "2026-11-23T18:00:31.000Z");
        assert_eq!(
            d[1].delivered_at.as_deref(),
            Some("2026-11-23T18:00:02.000Z")
        );
        store
            .outbox_failed(claimed[0].id, 30, None, "gave up".into())
            .await
            .unwrap();
        assert_eq!(
            store.delivery_problems(vec![uuid(60)]).await.unwrap(),
            [(uuid(60), true)]
        );
        assert!(store.deliveries(uuid(61)).await.unwrap().is_empty());
        assert!(store.delivery_problems(vec![]).await.unwrap().is_empty());
    });
}

fn settings_keep_the_first_value(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let first = store.setting("k".into(), "one".into()).await.unwrap();
        let second = store.setting("k".into(), "two".into()).await.unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
    });
}

fn notice(key: &str) -> OutboxMessage {
    OutboxMessage {
        kind: DeliveryKind::Email,
        url: "visitor@example.net".into(),
        message_id: format!("<{key}@shop.example>"),
        payload: format!("Subject: {key}\r\n\r\nbody\r\n"),
        event_key: Some(key.to_owned()),
    }
}

fn visitor_notices_are_queued_once_and_stop_on_unsubscribe(backend: Backend) {
    block_on(async {
        let (store, _db) = open(&backend).await;
        let id = uuid(80);
        let r = record(feedback(&id), "2026-11-23T18:00:00.000Z");
        // The receipt goes in with the submission; the same key again later is a no-op.
        store
            .insert(r, Guard::default(), vec![notice("receipt:80")])
            .await
            .unwrap();
        let at = "2026-11-23T18:05:00.000Z".to_owned();
        let queued = store
            .queue_notices(
                id.clone(),
                at.clone(),
                vec![notice("receipt:80"), notice("delay:80:a")],
            )
            .await
            .unwrap();
        assert_eq!(queued, 1, "the receipt was already queued");
        let again = store
            .queue_notices(id.clone(), at.clone(), vec![notice("delay:80:a")])
            .await
            .unwrap();
        assert_eq!(again, 0, "the same event is queued once");
        assert_eq!(store.deliveries(id.clone()).await.unwrap().len(), 2);
        // No notice for a submission that does not exist.
        assert_eq!(
            store
                .queue_notices(uuid(81), at.clone(), vec![notice("delay:81:a")])
                .await
                .unwrap(),
            0
        );

        // A reply is recorded with who wrote it and its delivery state, and answers.
        let reply = NewReply {
            at: "2026-11-23T18:06:00.000Z".into(),
            by: "Ada".into(),
            body: "Your cake is ready.".into(),
            message_id: "<reply-80@shop.example>".into(),
        };
        assert_eq!(
            store
                .reply(id.clone(), reply.clone(), notice("reply:80:x"))
                .await
                .unwrap(),
            Replied::Done
        );
        let replies = store.replies(id.clone()).await.unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].by, "Ada");
        assert_eq!(replies[0].body, "Your cake is ready.");
        assert_eq!(replies[0].attempts, 0);
        assert!(replies[0].delivered_at.is_none());
        let (record, _) = store.get(id.clone()).await.unwrap().unwrap();
        assert_eq!(
            record.answered_at.as_deref(),
            Some("2026-11-23T18:06:00.000Z")
        );

        // Unsubscribing stops what is still pending and everything after.
        assert!(store
            .unsubscribe(id.clone(), "2026-11-23T18:07:00.000Z".into())
            .await
            .unwrap());
        assert!(!store
            .unsubscribe(uuid(81), "2026-11-23T18:07:00.000Z".into())
            .await
            .unwrap());
        let claimed = store
            .claim_outbox(
                "2026-11-23T19:00:00.000Z".into(),
                "2026-11-23T19:01:00.000Z".into(),
                10,
            )
            .await
            .unwrap();
        assert!(claimed.is_empty(), "nothing left to send: {claimed:?}");
        assert_eq!(
            store
                .queue_notices(id.clone(), at.clone(), vec![notice("delay:80:b")])
                .await
                .unwrap(),
            0,
            "nothing queued after unsubscribing"
        );
        assert_eq!(
            store
                .reply(id.clone(), reply, notice("reply:80:y"))
                .await
                .unwrap(),
            Replied::Unsubscribed
        );
        let (record, _) = store.get(id.clone()).await.unwrap().unwrap();
        assert_eq!(
            record.unsubscribed_at.as_deref(),
            Some("2026-11-23T18:07:00.000Z")
        );
        let replies = store.replies(id).await.unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(
            replies[0].last_error.as_deref(),
            Some("the visitor unsubscribed")
        );
    })
}
