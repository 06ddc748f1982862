//! Insights and the weekly digest against real databases: the same hand-computed figures from
//! SQLite and PostgreSQL, the page and its CSV over HTTP, and the digest queued once and
//! mailed once per recipient by two collectors sharing one database.
mod common;

use std::sync::Arc;
use std::time::Duration;

use allo_collector::attempts::{AttemptInput, Outcome};
use allo_collector::config::DatabaseUrl;
use allo_collector::insights::{Insights, Metric, Period, Scope, Score};
use allo_collector::mail::MailSettings;
use allo_collector::owner_zone::Zone;
use allo_collector::store::{Guard, Record, Store};
use allo_collector::{digest, inbox, open_store, Collector, Config};
use allo_core::zone::Date;
use common::pg::block_on;
use common::smtp::SmtpServer;
use common::{feedback, get_bearer, uuid, Backend, TestDb, TestServer};
use serde_json::json;

const TOKEN: &str = "test-inbox-token-0123456789";
const FROM: &str = "allo@shop.example";
const OWNER: &str = "owner@shop.example";
const SECOND: &str = "desk@shop.example";
/// A Tuesday; the period of 30 days starts 2026-10-26 00:00 in Paris (2026-10-25T23:00Z).
const NOW: &str = "2026-11-24T13:00:00.000Z";

fn ms(ts: &str) -> i64 {
    allo_collector::time::parse_millis(ts).unwrap() as i64
}

fn store_of(db: &TestDb) -> Arc<dyn Store> {
    let url = match &db.pg_url {
        Some(url) => DatabaseUrl::Postgres(url.clone()),
        None => DatabaseUrl::Sqlite(db.path.clone()),
    };
    block_on(open_store(&url)).unwrap()
}

fn record(n: u64, received: &str, body: serde_json::Value) -> Record {
    let mut body = body;
    body["id"] = json!(uuid(n));
    let sub: allo_core::submission::Submission = serde_json::from_value(body.clone()).unwrap();
    Record::new(&sub, body.to_string(), received.into())
}

fn fb(n: u64, received: &str, metric: &str, score: u8, email: Option<&str>, msg: &str) -> Record {
    let mut b = feedback("x");
    b["feedback"] =
        json!({ "metric": metric, "score": score, "category": "Livraison", "message": msg });
    b["visitor"] = match email {
        Some(e) => json!({ "email": e }),
        None => json!({}),
    };
    record(n, received, b)
}

fn cb(n: u64, received: &str, due: &str, phone: &str, email: &str) -> Record {
    let b = json!({
        "schema": "allo.submission/1", "id": "x", "kind": "callback",
        "created_at": received, "locale": "fr-FR",
        "page": { "url": "https://shop.example/contact", "title": "Contact", "referrer": "" },
        "visitor": { "email": email },
        "callback": { "phone_e164": phone, "phone_raw": phone, "country": "FR",
            "when": { "mode": "asap" }, "timezone": "Europe/Paris", "reason": "Order",
            "urgent": false, "promise": { "text": "Within 15 minutes.", "due_by": due } }
    });
    record(n, received, b)
}

fn call(store: &dyn Store, n: u64, at: &str, outcome: Outcome, retry: Option<&str>) {
    let input = AttemptInput {
        at: at.into(),
        by: "Sam".into(),
        outcome,
        retry_at: retry.map(Into::into),
        note: String::new(),
    };
    block_on(store.record_attempt(uuid(n), input, 3)).unwrap();
}

/// The fixed dataset: every figure below is counted by hand from it.
fn load(store: &dyn Store) {
    let rows = [
        fb(1, "2026-11-20T10:00:00.000Z", "nps", 10, None, "Parfait"),
        fb(2, "2026-11-21T10:00:00.000Z", "nps", 9, None, ""),
        fb(
            3,
            "2026-11-22T10:00:00.000Z",
            "nps",
            3,
            None,
            "Livraison en retard",
        ),
        // In the week summer time ended (2026-W43) and before the period: trend only.
        fb(4, "2026-10-25T22:30:00.000Z", "nps", 0, None, "Jamais reçu"),
        // The shop switched to CSAT: its own series. A low score from Grace.
        fb(
            5,
            "2026-11-23T10:00:00.000Z",
            "csat",
            2,
            Some("Grace@Example.com"),
            "Colis abîmé",
        ),
        fb(6, "2026-11-23T11:00:00.000Z", "csat", 5, None, "Super"),
        // Called after 10 minutes, promised 15: kept.
        cb(
            10,
            "2026-11-24T09:00:00.000Z",
            "2026-11-24T09:15:00.000Z",
            "+33612345601",
            "a@example.com",
        ),
        // Called after 30 minutes: not kept; retry planned after NOW, so not overdue.
        cb(
            11,
            "2026-11-24T10:00:00.000Z",
            "2026-11-24T10:15:00.000Z",
            "+33612345602",
            "b@example.com",
        ),
        // Grace asked for a call, nobody called: overdue now.
        cb(
            12,
            "2026-11-24T11:00:00.000Z",
            "2026-11-24T11:15:00.000Z",
            "+33612345603",
            "grace@example.com",
        ),
    ];
    for r in rows {
        block_on(store.insert(r, Guard::default(), Vec::new())).unwrap();
    }
    call(
        store,
        10,
        "2026-11-24T09:10:00.000Z",
        Outcome::Reached,
        None,
    );
    call(
        store,
        11,
        "2026-11-24T10:30:00.000Z",
        Outcome::NoAnswer,
        Some("2026-11-24T14:00:00.000Z"),
    );
}

fn figures(backend: &Backend) -> Insights {
    let db = TestDb::new(backend);
    let store = store_of(&db);
    load(store.as_ref());
    let scope = Scope {
        period: Period::Days(30),
        category: None,
        path_prefix: None,
        language: None,
    };
    let paris = Zone::named("Europe/Paris").unwrap();
    block_on(inbox::insights_for(store.as_ref(), &scope, &paris, ms(NOW))).unwrap()
}

fn check_hand_figures(ins: &Insights) {
    assert_eq!(ins.answers, 5);
    let nps = ins
        .metrics
        .iter()
        .find(|m| m.metric == Metric::Nps)
        .unwrap();
    // 10, 9, 3: 2 promoters, 1 detractor of 3 → 33.3 → +33.
    assert_eq!((nps.tally.n(), nps.score), (3, Some(Score::Nps(33))));
    let w43 = nps.weeks.iter().find(|w| w.key == "2026-W43").unwrap();
    assert_eq!((w43.n, w43.score), (1, Some(Score::Nps(-100))));
    assert_eq!(nps.weeks.iter().filter(|w| w.n == 0).count(), 10, "gaps");
    let csat = ins
        .metrics
        .iter()
        .find(|m| m.metric == Metric::Csat)
        .unwrap();
    assert_eq!(csat.score, Some(Score::Csat(50)));
    let p = &ins.promises;
    assert_eq!(
        (p.requests, p.judged, p.kept, p.kept_percent),
        (3, 3, 1, Some(33))
    );
    assert_eq!((p.median_ms, p.p90_ms), (Some(600_000), Some(1_800_000)));
    assert_eq!(p.overdue_now, 1);
    assert_eq!((p.low_visitors, p.low_asked, p.low_called), (1, 1, 0));
    // CSAT 2 is 3/4 of the way down its scale, NPS 3 7/10 of the way: CSAT 2 first.
    assert_eq!(ins.comments[0].message, "Colis abîmé");
    assert_eq!(ins.comments[1].message, "Livraison en retard");
}

#[test]
fn the_same_hand_computed_figures_on_both_databases() {
    let sqlite = figures(&Backend::Sqlite);
    check_hand_figures(&sqlite);
    if let Some(pg) = Backend::postgres("the_same_hand_computed_figures_on_both_databases") {
        let postgres = figures(&pg);
        check_hand_figures(&postgres);
        assert_eq!(sqlite, postgres, "every figure identical");
    }
}

fn the_page_and_its_csv(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| c.inbox_token = Some(TOKEN.into()));
    for (n, score) in [(1, 10), (2, 9), (3, 2)] {
        let mut b = feedback(&uuid(n));
        b["feedback"]["score"] = json!(score);
        b["feedback"]["message"] = json!(format!("Note {score} <b>"));
        let r = server.post_json(b.to_string().as_bytes(), &[]);
        assert_eq!(r.status, 201, "{r:?}");
    }
    let r = get_bearer(server.addr, "/inbox/insights?period=7", TOKEN);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r
        .header("content-security-policy")
        .unwrap()
        .contains("style-src 'self'"));
    let page = String::from_utf8(r.body.clone()).unwrap();
    // 2 promoters, 1 detractor of 3: +33.
    assert!(
        page.contains("NPS: <span class=\"big\">+33</span> <span class=\"muted\">from 3 answers"),
        "{page}"
    );
    assert!(page.contains("Note 2 &lt;b&gt;"), "comments escaped");
    assert!(!page.contains("style="), "no inline style under the CSP");
    assert!(page.contains("<svg class=\"chart-svg\""));
    assert!(page.contains("aria-current=\"page\">Insights</a>"));
    let csv = get_bearer(server.addr, "/inbox/insights.csv?period=7&lang=fr", TOKEN);
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.body).unwrap();
    assert!(
        text.starts_with("\"section\",\"metric\",\"key\",\"answers\",\"value\"\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\"score\",\"nps\",\"period\",\"3\",\"33\"\r\n"),
        "{text}"
    );
    // The widget's test locale is fr-FR: filtered on English, nothing is left.
    let en = get_bearer(server.addr, "/inbox/insights.csv?period=7&lang=en", TOKEN);
    assert!(!String::from_utf8(en.body)
        .unwrap()
        .contains("\"score\",\"nps\""));
    for bad in [
        "period=14",
        "period=custom&from=2026-11-30&to=2026-11-01",
        "period=custom",
    ] {
        let r = get_bearer(server.addr, &format!("/inbox/insights?{bad}"), TOKEN);
        assert_eq!(r.status, 400, "{bad}");
    }
    assert_eq!(server.get("/inbox/insights", &[]).status, 401);
    assert_eq!(server.get("/inbox/insights.csv", &[]).status, 401);
}

fn settings(zone: &str) -> MailSettings {
    MailSettings {
        from: FROM.into(),
        to: vec![OWNER.into(), SECOND.into()],
        public_url: Some("https://shop.example".into()),
        zone: Zone::named(zone).unwrap(),
    }
}

fn with_mail(c: &mut Config, port: u16) {
    c.inbox_token = Some(TOKEN.into());
    c.smtp_host = Some("127.0.0.1".into());
    c.smtp_port = port;
    c.smtp_from = Some(FROM.into());
    c.smtp_to = vec![OWNER.into(), SECOND.into()];
    c.smtp_retry = Duration::from_millis(100);
    c.timezone = Zone::named("Europe/Paris").unwrap();
    // The test queues the digest itself at a pinned Monday 09:00; the servers' own schedulers
    // would act on the real clock (and on a real Monday send a digest of their own).
    c.digest = false;
}

/// Two collectors on one database, each with its outbox forwarder; both queue Monday's
/// digest at the same moment (what their schedulers do at 09:00): one is queued, and each
/// recipient receives it once.
fn the_digest_goes_out_once_per_week(backend: Backend) {
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let db = TestDb::new(&backend);
    let one = TestServer::start_db(&db, |c| with_mail(c, smtp.port));
    let two = TestServer::start_db(&db, |c| with_mail(c, smtp.port));
    let (a, b) = (store_of(&db), store_of(&db));
    load(a.as_ref());
    let monday = Date::new(2026, 11, 30).unwrap();
    // 09:00:30 in Paris.
    let now = ms("2026-11-30T08:00:30.000Z");
    assert_eq!(
        digest::due(now, &settings("Europe/Paris").zone),
        Some(monday)
    );
    let queued: Vec<bool> = std::thread::scope(|s| {
        let ta = s.spawn(|| block_on(digest::tick(a.as_ref(), &settings("Europe/Paris"), now)));
        let tb = s.spawn(|| block_on(digest::tick(b.as_ref(), &settings("Europe/Paris"), now)));
        vec![ta.join().unwrap().unwrap(), tb.join().unwrap().unwrap()]
    });
    assert_eq!(queued.iter().filter(|q| **q).count(), 1, "{queued:?}");
    // A forwarder looks for rows queued by others at least every minute; a new submission
    // wakes it at once (and is mailed to both recipients too).
    let r = one.post_json(feedback(&uuid(99)).to_string().as_bytes(), &[]);
    assert_eq!(r.status, 201);
    let digests = |mails: Vec<common::smtp::Mail>| -> Vec<common::smtp::Mail> {
        mails
            .into_iter()
            .filter(|m| m.subject.starts_with("Allo weekly digest"))
            .collect()
    };
    smtp.wait_for(4, Duration::from_secs(20));
    // Time for a doubled send to show up, through either collector.
    std::thread::sleep(Duration::from_secs(2));
    let mails = digests(smtp.received());
    assert_eq!(mails.len(), 2, "one per recipient, once");
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt_tos.clone()).collect();
    to.sort();
    assert_eq!(to, [SECOND, OWNER]);
    let m = &mails[0];
    // Last week is 2026-W48 (23–29 November): CSAT 50 % from 2; the NPS answers (10, 9, 3)
    // came the week before, W47.
    assert!(
        m.subject.starts_with("Allo weekly digest 2026-W48"),
        "{}",
        m.subject
    );
    let body = m.body.replace("=\r\n", "");
    assert!(
        body.contains("CSAT: 50 % from 2 answers (the week before: no answers)."),
        "{body}"
    );
    assert!(
        body.contains("NPS: no answers (the week before: +33 from 3 answers)."),
        "{body}"
    );
    assert!(body.contains("Callback requests: 3."), "{body}");
    assert!(
        body.contains("Insights: https://shop.example/inbox/insights"),
        "{body}"
    );
    assert!(body.contains("Colis ab"), "the lowest comment: {body}");
    // Later checks that Monday, by either collector: nothing more.
    assert!(!block_on(digest::tick(
        b.as_ref(),
        &settings("Europe/Paris"),
        now + 3_600_000
    ))
    .unwrap());
    assert!(
        !block_on(digest::tick(
            a.as_ref(),
            &settings("Europe/Paris"),
            ms("2026-12-01T08:00:00.000Z")
        ))
        .unwrap(),
        "Tuesday: not due"
    );
    drop((one, two));
}

on_both_backends!(the_page_and_its_csv, the_digest_goes_out_once_per_week);

#[test]
fn digest_needs_mail_settings() {
    let dir = common::TempDir::new("digest");
    let mut config = Config::new(dir.path().join("a.sqlite"));
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.digest = true;
    let err = block_on(Collector::bind(&config)).err().unwrap();
    assert!(
        err.to_string().contains("--digest needs --smtp-host"),
        "{err}"
    );
}
