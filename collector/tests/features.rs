//! End-to-end tests of the owner-facing features over real HTTP, on SQLite and PostgreSQL:
//! rate limits, duplicate callbacks, the inbox (auth, escaping, statuses, exports) and
//! signed webhooks from the outbox, over http and over verified https.
mod common;

use std::time::Duration;

use base64::Engine;
use common::tls::TlsReceiver;
use common::{
    callback, callback_for, feedback, get_bearer, post_form, send, uuid, wait_for, Backend,
    Receiver, TestDb, TestServer,
};
use hmac::Mac;
use serde_json::json;

const TOKEN: &str = "test-inbox-token-0123456789";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

on_both_backends!(
    per_ip_rate_limit_is_429_with_retry_after,
    per_phone_limit_is_429_and_same_id_stays_200,
    duplicate_callback_is_409_until_handled,
    inbox_requires_the_token_or_a_login_session,
    visitor_text_is_escaped_in_the_inbox,
    status_changes_keep_a_history_and_need_csrf,
    callbacks_view_is_sorted_by_urgency_then_due_time,
    csv_and_json_exports_follow_the_filters,
    webhooks_are_signed_per_standard_webhooks,
    webhook_is_retried_until_the_receiver_is_back,
    webhook_outbox_survives_a_restart,
);

fn post(
    server: &TestServer,
    sub: &serde_json::Value,
    headers: &[(&str, &str)],
) -> common::Response {
    server.post_json(&serde_json::to_vec(sub).unwrap(), headers)
}

fn html(r: &common::Response) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The value of the first `name="csrf" value="…"` in a page.
fn csrf_of(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

/// Logs in through the form as `who`@shop.example (an owner); the `Cookie` header value.
fn login(server: &TestServer, who: &str) -> String {
    server.login_as(&format!("{}@shop.example", who.to_lowercase()), "owner")
}

fn with_inbox(c: &mut allo_collector::Config) {
    c.inbox_token = Some(TOKEN.into());
}

fn per_ip_rate_limit_is_429_with_retry_after(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| {
        c.rate_limit = 60;
        c.rate_burst = 3;
    });
    for i in 0..3 {
        assert_eq!(post(&server, &feedback(&uuid(100 + i)), &[]).status, 201);
    }
    let r = post(&server, &feedback(&uuid(103)), &[]);
    assert_eq!(r.status, 429, "{r:?}");
    assert_eq!(r.json()["error"], "rate_limited");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (1..=2).contains(&retry),
        "60/min: a token per second, got {retry}"
    );
    // X-Forwarded-For is ignored without --trust-proxy: no way around the limit.
    let r = post(
        &server,
        &feedback(&uuid(104)),
        &[("X-Forwarded-For", "198.51.100.7")],
    );
    assert_eq!(r.status, 429);

    // Behind a trusted proxy every client has its own bucket.
    let proxied = TestServer::start_on(&backend, |c| {
        c.rate_limit = 60;
        c.rate_burst = 1;
        c.trust_proxy = true;
    });
    let h1 = [("X-Forwarded-For", "203.0.113.50, 198.51.100.1")];
    let h2 = [("X-Forwarded-For", "203.0.113.50, 198.51.100.2")];
    assert_eq!(post(&proxied, &feedback(&uuid(110)), &h1).status, 201);
    assert_eq!(post(&proxied, &feedback(&uuid(111)), &h1).status, 429);
    // The last hop (the one the proxy wrote) counts, not the forgeable first one.
    assert_eq!(post(&proxied, &feedback(&uuid(112)), &h2).status, 201);
}

fn per_phone_limit_is_429_and_same_id_stays_200(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| {
        c.phone_limit = 2;
        c.duplicate_window = Duration::ZERO;
    });
    let due = "2030-01-01T10:00:00.000Z";
    let first = callback_for(&uuid(200), "+33611111111", false, due);
    assert_eq!(post(&server, &first, &[]).status, 201);
    assert_eq!(
        post(
            &server,
            &callback_for(&uuid(201), "+33611111111", false, due),
            &[]
        )
        .status,
        201
    );
    let r = post(
        &server,
        &callback_for(&uuid(202), "+33611111111", false, due),
        &[],
    );
    assert_eq!(r.status, 429, "{r:?}");
    assert_eq!(r.json()["error"], "rate_limited");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(
        (3500..=3600).contains(&retry),
        "an hour after the first: {retry}"
    );
    // A retry of an accepted id is still the idempotent 200, limit or not.
    assert_eq!(post(&server, &first, &[]).status, 200);
    // Another number is not affected, nor is feedback.
    assert_eq!(
        post(
            &server,
            &callback_for(&uuid(203), "+33622222222", false, due),
            &[]
        )
        .status,
        201
    );
    assert_eq!(post(&server, &feedback(&uuid(204)), &[]).status, 201);
}

fn duplicate_callback_is_409_until_handled(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let first_id = uuid(300);
    let first = callback(&first_id);
    let r = post(&server, &first, &[]);
    assert_eq!(r.status, 201);
    let reference = r.json()["reference"].as_str().unwrap().to_owned();

    let r = post(&server, &callback(&uuid(301)), &[]);
    assert_eq!(r.status, 409, "{r:?}");
    let body = r.json();
    assert_eq!(body["error"], "duplicate");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("We already have your request"),
        "{body}"
    );
    assert_eq!(body["reference"], reference.as_str());
    // The same id again is a retry, not a duplicate.
    assert_eq!(post(&server, &first, &[]).status, 200);

    // Once the owner handled the first, the number may ask again.
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{first_id}/status"),
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        &[("status", "handled"), ("note", "called, all good")],
    );
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(post(&server, &callback(&uuid(302)), &[]).status, 201);
    // Feedback is never a duplicate.
    assert_eq!(post(&server, &feedback(&uuid(303)), &[]).status, 201);
    assert_eq!(post(&server, &feedback(&uuid(304)), &[]).status, 201);
}

fn inbox_requires_the_token_or_a_login_session(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    assert_eq!(post(&server, &feedback(&uuid(400)), &[]).status, 201);
    for path in [
        "/inbox",
        "/inbox/export.csv",
        "/inbox/export.json",
        &format!("/inbox/item/{}", uuid(400)),
    ] {
        let r = server.get(path, &[]);
        assert_eq!(r.status, 401, "{path}: {r:?}");
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
        assert!(
            html(&r).contains("name=\"password\""),
            "the 401 offers the login form"
        );
        let r = get_bearer(server.addr, path, "wrong-token-wrong-token");
        assert_eq!(r.status, 401, "{path}");
        assert_eq!(get_bearer(server.addr, path, TOKEN).status, 200, "{path}");
    }
    // The login page itself is public; the token is no password (it is the API's Bearer).
    assert_eq!(server.get("/inbox/login", &[]).status, 200);
    let r = post_form(
        server.addr,
        "/inbox/login",
        &[],
        &[
            ("token", TOKEN),
            ("email", "ada@shop.example"),
            ("password", TOKEN),
        ],
    );
    assert_eq!(r.status, 401);
    assert!(r.header("set-cookie").is_none());

    let cookie = login(&server, "Ada");
    let r = server.get("/inbox", &[("Cookie", &cookie)]);
    assert_eq!(r.status, 200, "{r:?}");
    let page = html(&r);
    assert!(page.contains(&uuid(400)), "{page}");
    // Inbox pages: their own CSP, never framed, never cached.
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    // Scripts only from the inbox itself (the queue's live updates), never inline.
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.header("content-type").unwrap().starts_with("text/html"));

    // The cookie is scoped to the inbox: the visitor API never sees it (Path=/inbox), and the
    // API answers carry the strict JSON policy.
    let r = post(&server, &feedback(&uuid(401)), &[]);
    assert_eq!(
        r.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"));

    // Logging out needs the CSRF token, then ends the session.
    let csrf = csrf_of(&page);
    let r = post_form(server.addr, "/inbox/logout", &[("Cookie", &cookie)], &[]);
    assert_eq!(r.status, 403);
    let r = post_form(
        server.addr,
        "/inbox/logout",
        &[("Cookie", &cookie)],
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(server.get("/inbox", &[("Cookie", &cookie)]).status, 401);
}

fn visitor_text_is_escaped_in_the_inbox(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let id = uuid(500);
    let mut sub = feedback(&id);
    sub["feedback"]["message"] = json!("<script>alert('x')</script> & \"quotes\"");
    sub["visitor"]["name"] = json!("<img src=x onerror=alert(1)>");
    sub["page"]["url"] = json!("javascript:alert(1)");
    assert_eq!(post(&server, &sub, &[]).status, 201);
    for path in ["/inbox".to_owned(), format!("/inbox/item/{id}")] {
        let page = html(&get_bearer(server.addr, &path, TOKEN));
        assert!(
            page.contains(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"
            ),
            "{path}: {page}"
        );
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}"
        );
        assert!(
            !page.contains("<script"),
            "{path}: raw script tag in {page}"
        );
        assert!(!page.contains("<img"), "{path}");
        assert!(!page.contains("href=\"javascript"), "{path}");
    }
}

fn status_changes_keep_a_history_and_need_csrf(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let id = uuid(600);
    assert_eq!(post(&server, &callback(&id), &[]).status, 201);
    let cookie = login(&server, "Ada");
    let item = format!("/inbox/item/{id}");
    let page = html(&server.get(&item, &[("Cookie", &cookie)]));
    assert!(page.contains("No change yet"), "{page}");
    // Promise and due time are shown.
    assert!(page.contains("We will call you tomorrow between 10:00 and 11:00."));
    assert!(page.contains("2026-11-24 10:00 UTC"));
    let csrf = csrf_of(&page);

    let path = format!("{item}/status");
    // Without (or with a wrong) CSRF token nothing changes.
    for bad in ["", "0000"] {
        let r = post_form(
            server.addr,
            &path,
            &[("Cookie", &cookie)],
            &[("csrf", bad), ("status", "handled")],
        );
        assert_eq!(r.status, 403, "{r:?}");
    }
    let r = post_form(
        server.addr,
        &path,
        &[("Cookie", &cookie)],
        &[
            ("csrf", &csrf),
            ("status", "scheduled"),
            ("note", "Tomorrow 10:15 <b>ok</b>"),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.header("location"), Some(item.as_str()));
    let r = post_form(
        server.addr,
        &path,
        &[("Cookie", &cookie)],
        &[
            ("csrf", &csrf),
            ("status", "delayed"),
            ("note", "Line busy"),
            ("by", "Grace"),
        ],
    );
    assert_eq!(r.status, 303);
    let r = post_form(
        server.addr,
        &path,
        &[("Cookie", &cookie)],
        &[("csrf", &csrf), ("status", "bogus")],
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        post_form(
            server.addr,
            &format!("/inbox/item/{}/status", uuid(601)),
            &[("Cookie", &cookie)],
            &[("csrf", &csrf), ("status", "handled")]
        )
        .status,
        404
    );

    let page = html(&server.get(&item, &[("Cookie", &cookie)]));
    let first = page
        .find("New → Scheduled")
        .expect("first change in the history");
    let second = page.find("Scheduled → Delayed").expect("second change");
    assert!(first < second, "oldest first");
    // Who acted is the account, whatever name a form types (`by=Grace` above).
    assert_eq!(
        page.matches("data-label=\"Who\">ada@shop.example<").count(),
        2,
        "who: {page}"
    );
    assert!(page.contains("Tomorrow 10:15 &lt;b&gt;ok&lt;/b&gt;") && page.contains("Line busy"));
    assert!(page.contains("status-delayed"));

    // The list filters by the new status.
    let list = |q: &str| html(&get_bearer(server.addr, &format!("/inbox?{q}"), TOKEN));
    assert!(list("status=delayed").contains(&id));
    assert!(!list("status=new").contains(&id));
    assert!(list("status=open").contains(&id));
    assert_eq!(
        get_bearer(server.addr, "/inbox?status=done", TOKEN).status,
        400
    );
}

fn callbacks_view_is_sorted_by_urgency_then_due_time(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let subs = [
        (uuid(700), "+33600000001", false, "2030-01-01T08:00:00.000Z"),
        (uuid(701), "+33600000002", true, "2030-01-01T12:00:00.000Z"),
        (uuid(702), "+33600000003", true, "2030-01-01T09:00:00.000Z"),
        (uuid(703), "+33600000004", false, "2030-01-01T07:00:00.000Z"),
    ];
    for (id, phone, urgent, due) in &subs {
        assert_eq!(
            post(&server, &callback_for(id, phone, *urgent, due), &[]).status,
            201
        );
    }
    assert_eq!(post(&server, &feedback(&uuid(704)), &[]).status, 201);
    let page = html(&get_bearer(server.addr, "/inbox?view=callbacks", TOKEN));
    // Test ids share their reference (0000-0000), so rows are found by the id in their link.
    let pos = |id: &str| page.find(id).unwrap_or_else(|| panic!("{id} missing"));
    let order = [&subs[2].0, &subs[1].0, &subs[3].0, &subs[0].0];
    for pair in order.windows(2) {
        assert!(
            pos(pair[0]) < pos(pair[1]),
            "urgent first, then earliest due"
        );
    }
    assert!(
        !page.contains(&uuid(704)),
        "no feedback in the callbacks view"
    );
    // Newest first in the ordinary list.
    let page = html(&get_bearer(server.addr, "/inbox", TOKEN));
    let pos = |id: &str| page.find(id).unwrap();
    assert!(pos(&uuid(704)) < pos(&uuid(700)));
}

fn csv_and_json_exports_follow_the_filters(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let fid = uuid(800);
    let mut sub = feedback(&fid);
    sub["feedback"]["message"] =
        json!("=HYPERLINK(\"http://evil.example\",\"x\"), \"quoted\"\nsecond line");
    sub["visitor"]["name"] = json!("Lovelace, Ada");
    assert_eq!(post(&server, &sub, &[]).status, 201);
    let cid = uuid(801);
    assert_eq!(post(&server, &callback(&cid), &[]).status, 201);

    let r = get_bearer(server.addr, "/inbox/export.csv", TOKEN);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    assert!(r
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    let csv = html(&r);
    let mut lines = csv.split("\r\n");
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("\"id\",\"reference\",\"kind\",\"status\",\"received_at\","),
        "{header}"
    );
    assert!(csv.ends_with("\r\n"));
    // Newest first: the callback, then the feedback (whose message spans two lines).
    assert!(csv.find(&cid).unwrap() < csv.find(&fid).unwrap());
    // Every cell quoted (a semicolon-separated spreadsheet must not split any of them).
    assert!(csv.contains(",\"'+33612345678\","), "phone defused: {csv}");
    assert!(csv.contains("\"Lovelace, Ada\""), "{csv}");
    assert!(
        csv.contains(
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\"), \"\"quoted\"\"\nsecond line\""
        ),
        "formula defused and quoted: {csv}"
    );
    assert!(csv.contains(",\"We will call you tomorrow between 10:00 and 11:00.\","));

    let only_feedback = html(&get_bearer(
        server.addr,
        "/inbox/export.csv?kind=feedback",
        TOKEN,
    ));
    assert!(only_feedback.contains(&fid) && !only_feedback.contains(&cid));
    let future = html(&get_bearer(
        server.addr,
        "/inbox/export.csv?from=2099-01-01",
        TOKEN,
    ));
    assert_eq!(
        future.split("\r\n").filter(|l| !l.is_empty()).count(),
        1,
        "header only: {future}"
    );
    let past = html(&get_bearer(
        server.addr,
        "/inbox/export.csv?to=2000-01-01",
        TOKEN,
    ));
    assert_eq!(past.split("\r\n").filter(|l| !l.is_empty()).count(), 1);

    let r = get_bearer(server.addr, "/inbox/export.json?kind=callback", TOKEN);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let items = r.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], cid.as_str());
    assert_eq!(items[0]["status"], "new");
    assert_eq!(items[0]["callback_due_by"], "2026-11-24T10:00:00.000Z");
    assert_eq!(
        items[0]["submission"]["callback"]["phone_raw"],
        "06 12 34 56 78"
    );
    assert_eq!(
        get_bearer(server.addr, "/inbox/export.json?from=soon", TOKEN).status,
        400
    );
}

/// Checks a delivery's Standard Webhooks headers with an independent HMAC computation.
fn verify_signature(d: &common::Delivery) {
    let id = d.header("webhook-id").expect("webhook-id");
    let ts = d.header("webhook-timestamp").expect("webhook-timestamp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ts_num: u64 = ts.parse().unwrap();
    assert!(
        ts_num.abs_diff(now) < 300,
        "timestamp is the send time: {ts}"
    );
    // From the spec: key = base64-decode(secret without "whsec_"),
    // signature = base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), sent as "v1,<sig>".
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(&d.body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    let header = d.header("webhook-signature").expect("webhook-signature");
    assert!(
        header.split(' ').any(|s| s == expected),
        "signature {header} != {expected}"
    );
}

fn webhooks_are_signed_per_standard_webhooks(backend: Backend) {
    let receiver = Receiver::start();
    let slack = Receiver::start();
    let server = TestServer::start_on(&backend, |c| {
        c.webhook_urls = vec![receiver.url()];
        c.webhook_secret = Some(SECRET.parse().unwrap());
    });
    let id = uuid(900);
    let mut sub = feedback(&id);
    sub["feedback"]["message"] = json!("Ünïcødé & <tags>");
    assert_eq!(post(&server, &sub, &[]).status, 201);
    // A retry is not forwarded again.
    assert_eq!(post(&server, &sub, &[]).status, 200);
    let d = wait_for(Duration::from_secs(10), "the delivery", || {
        receiver.received().pop()
    });
    assert_eq!(d.path, "/hook");
    assert_eq!(d.header("content-type"), Some("application/json"));
    assert_eq!(d.header("webhook-id"), Some(format!("msg_{id}").as_str()));
    verify_signature(&d);
    let body: serde_json::Value = serde_json::from_slice(&d.body).unwrap();
    assert_eq!(body["type"], "submission.created");
    assert_eq!(body["data"]["id"], id.as_str());
    assert_eq!(body["data"]["reference"], allo_core::id::reference(&id));
    assert_eq!(
        body["data"]["submission"]["feedback"]["message"],
        "Ünïcødé & <tags>"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.received().len(), 1, "delivered once");

    // Slack-compatible bodies.
    let server = TestServer::start_on(&backend, |c| {
        c.webhook_urls = vec![slack.url()];
        c.webhook_format = allo_collector::webhook::WebhookFormat::Slack;
    });
    let cid = uuid(901);
    assert_eq!(post(&server, &callback(&cid), &[]).status, 201);
    let d = wait_for(Duration::from_secs(10), "the slack delivery", || {
        slack.received().pop()
    });
    let body: serde_json::Value = serde_json::from_slice(&d.body).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(
        text.contains("callback request 0000-0000") && text.contains("+33612345678"),
        "{text}"
    );
    assert_eq!(body.as_object().unwrap().len(), 1, "only text: {body}");
}

fn webhook_is_retried_until_the_receiver_is_back(backend: Backend) {
    let port = common::free_port();
    let server = TestServer::start_on(&backend, |c| {
        c.webhook_urls = vec![format!("http://127.0.0.1:{port}/hook")];
        c.webhook_secret = Some(SECRET.parse().unwrap());
        c.webhook_retry = Duration::from_millis(100);
    });
    let id = uuid(1000);
    assert_eq!(
        post(&server, &feedback(&id), &[]).status,
        201,
        "the 201 does not wait for the webhook"
    );
    // Down for a while: a few attempts fail (connection refused).
    std::thread::sleep(Duration::from_millis(700));
    let receiver = Receiver::start_on(port);
    let d = wait_for(Duration::from_secs(15), "the retried delivery", || {
        receiver.received().pop()
    });
    assert_eq!(d.header("webhook-id"), Some(format!("msg_{id}").as_str()));
    verify_signature(&d);
    drop(server);
}

fn webhook_outbox_survives_a_restart(backend: Backend) {
    let port = common::free_port();
    let db = TestDb::new(&backend);
    let configure = |c: &mut allo_collector::Config| {
        c.webhook_urls = vec![format!("http://127.0.0.1:{port}/hook")];
        c.webhook_retry = Duration::from_millis(100);
    };
    let mut first = TestServer::start_db(&db, configure);
    let id = uuid(1100);
    assert_eq!(post(&first, &feedback(&id), &[]).status, 201);
    std::thread::sleep(Duration::from_millis(300));
    first.shutdown();

    let receiver = Receiver::start_on(port);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        receiver.received().is_empty(),
        "nobody sends while the collector is down"
    );
    let _second = TestServer::start_db(&db, configure);
    let d = wait_for(
        Duration::from_secs(15),
        "the delivery after restart",
        || receiver.received().pop(),
    );
    assert_eq!(d.header("webhook-id"), Some(format!("msg_{id}").as_str()));
}

#[test]
fn inbox_is_404_without_a_token() {
    let server = TestServer::start();
    for path in ["/inbox", "/inbox/login", "/inbox/export.csv"] {
        let r = server.get(path, &[]);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.json()["error"], "not_found");
    }
    let r = get_bearer(server.addr, "/inbox", TOKEN);
    assert_eq!(r.status, 404);
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        r.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
}

#[test]
fn concurrent_duplicate_callbacks_store_one() {
    // Different ids, same number, at once: exactly one 201, the rest 409 (the guard and the
    // insert are one transaction). Both backends.
    let mut backends = vec![Backend::Sqlite];
    backends.extend(Backend::postgres(
        "concurrent_duplicate_callbacks_store_one",
    ));
    for backend in backends {
        let server = TestServer::start_on(&backend, |_| {});
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..12)
                .map(|i| {
                    let server = &server;
                    s.spawn(move || post(server, &callback(&uuid(1200 + i)), &[]).status)
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            statuses.iter().filter(|&&s| s == 201).count(),
            1,
            "{backend:?}: {statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|&&s| s == 409).count(),
            11,
            "{backend:?}: {statuses:?}"
        );
    }
}

#[test]
fn send_helper_reaches_healthz() {
    let server = TestServer::start();
    assert_eq!(send(server.addr, "GET", "/healthz", &[], b"").status, 200);
}

#[test]
fn https_webhooks_are_delivered_over_verified_tls() {
    let (_certs, ca, cert, key) = common::tls::test_certificates();
    let receiver = TlsReceiver::start(&cert, &key);
    let server = TestServer::start_with(|c| {
        c.webhook_urls = vec![receiver.url()];
        c.webhook_secret = Some(SECRET.parse().unwrap());
        c.webhook_ca_file = Some(ca.clone());
    });
    let id = uuid(1300);
    assert_eq!(post(&server, &feedback(&id), &[]).status, 201);
    let d = wait_for(Duration::from_secs(15), "the https delivery", || {
        receiver.received().pop()
    });
    // Only a completed handshake produces a delivery, and the name asked for is the URL's.
    assert_eq!(d.tls_server_name.as_deref(), Some("localhost"));
    assert_eq!(d.path, "/hook");
    assert_eq!(d.header("webhook-id"), Some(format!("msg_{id}").as_str()));
    verify_signature(&d);
    let body: serde_json::Value = serde_json::from_slice(&d.body).unwrap();
    assert_eq!(body["data"]["id"], id.as_str());
    assert!(receiver.refused().is_empty(), "{:?}", receiver.refused());
}

#[test]
fn https_webhook_with_an_untrusted_certificate_stays_queued() {
    let (_certs, ca, cert, key) = common::tls::test_certificates();
    let receiver = TlsReceiver::start(&cert, &key);
    let db = TestDb::new(&Backend::Sqlite);
    let configure = |c: &mut allo_collector::Config| {
        with_inbox(c);
        c.webhook_urls = vec![receiver.url()];
        c.webhook_secret = Some(SECRET.parse().unwrap());
        c.webhook_retry = Duration::from_millis(100);
    };
    // Mozilla's roots only: the test CA is unknown, so the collector must hang up.
    let mut untrusted = TestServer::start_db(&db, configure);
    let id = uuid(1400);
    assert_eq!(post(&untrusted, &feedback(&id), &[]).status, 201);
    let reasons = wait_for(Duration::from_secs(15), "two refused handshakes", || {
        let r = receiver.refused();
        (r.len() >= 2).then_some(r)
    });
    // The client aborted the handshake with an alert: it spoke TLS, judged the certificate
    // and sent nothing else, so no request (and no plain-text copy of one) ever arrived.
    assert!(
        reasons.iter().all(|r| r.contains("alert")),
        "refused by the client: {reasons:?}"
    );
    assert!(receiver.received().is_empty(), "nothing delivered");
    let page = wait_for(Duration::from_secs(15), "the retrying delivery", || {
        let page = html(&get_bearer(
            untrusted.addr,
            &format!("/inbox/item/{id}"),
            TOKEN,
        ));
        page.contains(">retrying</span>").then_some(page)
    });
    assert!(page.to_ascii_lowercase().contains("certificate"), "{page}");
    untrusted.shutdown();

    // The row stayed in the outbox: trusting the CA after a restart delivers it, once.
    let _trusted = TestServer::start_db(&db, |c| {
        configure(c);
        c.webhook_ca_file = Some(ca.clone());
    });
    let d = wait_for(Duration::from_secs(20), "the delivery once trusted", || {
        receiver.received().pop()
    });
    assert_eq!(d.header("webhook-id"), Some(format!("msg_{id}").as_str()));
    verify_signature(&d);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.received().len(), 1, "delivered once");
}

#[test]
fn inbox_shows_times_in_the_owners_zone() {
    let server = TestServer::start_with(|c| {
        with_inbox(c);
        c.timezone = "Europe/Paris".parse().unwrap();
    });
    // Promised for 10:00 UTC in November (winter time, UTC+1).
    let id = uuid(1500);
    assert_eq!(post(&server, &callback(&id), &[]).status, 201);
    let item = format!("/inbox/item/{id}");
    let page = html(&get_bearer(server.addr, &item, TOKEN));
    assert!(page.contains("2026-11-24 11:00 CET"), "{page}");
    assert!(!page.contains("10:00 UTC"), "{page}");
    assert!(page.contains("New promised time, Europe/Paris"), "{page}");
    let list = html(&get_bearer(server.addr, "/inbox?view=callbacks", TOKEN));
    assert!(list.contains("Due by 2026-11-24 11:00 CET"), "{list}");
    assert!(list.contains("Times and days in Europe/Paris."), "{list}");

    // The owner moves it to a July morning: typed in local (summer, UTC+2) time, stored in
    // UTC, shown back in local time, and pre-filled as typed.
    let r = post_form(
        server.addr,
        &format!("{item}/status"),
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        &[("status", "delayed"), ("due_by", "2027-07-01T09:15")],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let page = html(&get_bearer(server.addr, &item, TOKEN));
    assert!(
        page.contains("2027-07-01 09:15 CEST (moved from 2026-11-24 11:00 CET)"),
        "{page}"
    );
    assert!(
        page.contains("<em>New promised time:</em> 2027-07-01 09:15 CEST"),
        "{page}"
    );
    assert!(page.contains("value=\"2027-07-01T09:15\""), "{page}");
    // The history's own time is local too (received and changed in this run, so only the
    // abbreviation is known: CET or CEST, never UTC).
    let history = &page[page.find("<h3>History").unwrap()..];
    assert!(
        history.contains(" CET</td>") || history.contains(" CEST</td>"),
        "{history}"
    );

    // Exports stay machine-readable UTC.
    let items = get_bearer(server.addr, "/inbox/export.json", TOKEN).json();
    assert_eq!(items[0]["callback_due_by"], "2026-11-24T10:00:00.000Z");
    assert_eq!(items[0]["rescheduled_due_by"], "2027-07-01T07:15:00.000Z");
    assert!(items[0]["received_at"].as_str().unwrap().ends_with('Z'));
    let csv = html(&get_bearer(server.addr, "/inbox/export.csv", TOKEN));
    assert!(csv.contains(",\"2027-07-01T07:15:00.000Z\""), "{csv}");
}
