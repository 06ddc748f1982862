//! Keeping the visitor informed and the owner notified, over real HTTP and real SMTP, on
//! SQLite and PostgreSQL: email notifications to a real SMTP server (aiosmtpd, see
//! `smtp_server.py`) with their content, retries while it is down and their state in the
//! inbox; the visitor's status endpoint and its token; the overdue rule; the owner's message
//! to the visitor; full phone-number validation.
mod common;

use std::time::Duration;

use common::smtp::SmtpServer;
use common::{
    callback, callback_for, feedback, get_bearer, post_form, send, uuid, wait_for, Backend,
    TestServer,
};
use serde_json::json;

const TOKEN: &str = "test-inbox-token-0123456789";
const FROM: &str = "allo@shop.example";
const OWNER: &str = "owner@shop.example";
const SECOND: &str = "desk@shop.example";
const PAST: &str = "2020-01-01T10:00:00.000Z";
const FUTURE: &str = "2099-01-01T10:00:00.000Z";

on_both_backends!(
    notifications_carry_the_request_promise_urgency_and_link,
    notifications_are_retried_until_the_smtp_server_is_up,
    status_endpoint_needs_the_right_token,
    overdue_and_delayed_messages_reach_the_visitor,
);

fn post(server: &TestServer, sub: &serde_json::Value) -> common::Response {
    server.post_json(&serde_json::to_vec(sub).unwrap(), &[])
}

fn html(r: &common::Response) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn inbox(server: &TestServer, path: &str) -> String {
    let r = get_bearer(server.addr, path, TOKEN);
    assert_eq!(r.status, 200, "{path}: {r:?}");
    html(&r)
}

fn with_mail(c: &mut allo_collector::Config, port: u16) {
    c.inbox_token = Some(TOKEN.into());
    c.smtp_host = Some("127.0.0.1".into());
    c.smtp_port = port;
    c.smtp_from = Some(FROM.into());
    c.smtp_to = vec![OWNER.into(), SECOND.into()];
    c.smtp_retry = Duration::from_millis(100);
    c.public_url = Some("https://shop.example/".into());
}

fn status(server: &TestServer, id: &str, token: &str) -> common::Response {
    server.get(&format!("/v1/submissions/{id}/status?token={token}"), &[])
}

fn set_status(server: &TestServer, id: &str, fields: &[(&str, &str)]) {
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{id}/status"),
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        fields,
    );
    assert_eq!(r.status, 303, "{fields:?}: {r:?}");
}

fn notifications_carry_the_request_promise_urgency_and_link(backend: Backend) {
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let server = TestServer::start_on(&backend, |c| with_mail(c, smtp.port));
    let fid = uuid(1);
    let mut fb = feedback(&fid);
    fb["feedback"]["message"] = json!("Très bien.\n.A line starting with a dot\nFrom here on");
    assert_eq!(post(&server, &fb).status, 201);
    let cid = uuid(2);
    assert_eq!(
        post(&server, &callback(&cid)).status,
        201,
        "urgent callback"
    );
    // A retry of an accepted submission sends nothing more.
    assert_eq!(post(&server, &fb).status, 200);

    let mails = smtp.wait_for(4, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(smtp.received().len(), 4, "one message per recipient, once");
    let of = |id: &str, to: &str| {
        mails
            .iter()
            .find(|m| m.rcpt_tos == [to] && m.body.contains(id))
            .unwrap_or_else(|| panic!("no message about {id} to {to}: {mails:#?}"))
            .clone()
    };
    for to in [OWNER, SECOND] {
        let m = of(&fid, to);
        assert_eq!(m.mail_from, FROM);
        assert_eq!(m.header("from"), Some(FROM));
        assert_eq!(m.header("to"), Some(&*format!("{OWNER}, {SECOND}")));
        assert_eq!(m.subject, "Feedback 0000-0000 NPS 9/10 from Ada");
        assert_eq!(m.header("reply-to"), Some("ada@example.com"));
        assert_eq!(
            m.header("message-id"),
            Some(&*format!("<allo.{fid}@shop.example>"))
        );
        assert!(m.header("importance").is_none(), "feedback is not urgent");
        for needle in [
            "Feedback from:  Ada <ada@example.com>",
            "Score:          NPS 9 (scale 0–10)",
            "Category:       Livraison",
            // Decoded by Python: the accents, the dot-stuffed line and "From " survive.
            "Message:        Très bien.\n                .A line starting with a dot\n                From here on",
            "Reference:      0000-0000",
            "Page:           https://shop.example/checkout?step=2",
            &format!("Open it in the inbox:\nhttps://shop.example/inbox/item/{fid}"),
        ] {
            assert!(m.body.contains(needle), "{needle:?} missing from\n{}", m.body);
        }
        // Plain 7-bit on the wire (quoted-printable), lines within SMTP's limits.
        assert!(m.raw.is_ascii(), "7-bit transfer");
        assert!(String::from_utf8_lossy(&m.raw)
            .lines()
            .all(|l| l.len() <= 78));

        let m = of(&cid, to);
        assert_eq!(
            m.subject,
            "[URGENT] Callback request 0000-0000 from Grace, call by 2026-11-24 10:00 UTC"
        );
        assert_eq!(m.header("importance"), Some("high"));
        for needle in [
            "Request:        Grace asked to be called back. URGENT.",
            "Number to call: +33612345678 (typed \"06 12 34 56 78\", read as FR)",
            "When:           between 2026-11-24 09:00 UTC and 2026-11-24 10:00 UTC",
            "Promised:       We will call you tomorrow between 10:00 and 11:00.",
            "Call by:        2026-11-24 10:00 UTC (the shop's time zone is Europe/Paris)",
            "Reason:         Order 1234",
            &format!("https://shop.example/inbox/item/{cid}"),
        ] {
            assert!(
                m.body.contains(needle),
                "{needle:?} missing from\n{}",
                m.body
            );
        }
    }
    // A non-urgent callback says so nowhere.
    let calm = uuid(3);
    let sub = callback_for(&calm, "+33699999999", false, FUTURE);
    assert_eq!(post(&server, &sub).status, 201);
    let mails = smtp.wait_for(6, Duration::from_secs(20));
    let m = mails.iter().find(|m| m.body.contains(&calm)).unwrap();
    assert!(
        m.subject
            .starts_with("Callback request 0000-0000 from Grace"),
        "{}",
        m.subject
    );
    assert!(!m.body.contains("URGENT"));

    // The inbox shows each notification as delivered.
    let page = inbox(&server, &format!("/inbox/item/{cid}"));
    assert!(page.contains(&format!("Email to {OWNER}")), "{page}");
    assert_eq!(page.matches(">delivered</span>").count(), 2, "{page}");
}

fn notifications_are_retried_until_the_smtp_server_is_up(backend: Backend) {
    let port = common::free_port();
    let server = TestServer::start_on(&backend, |c| {
        with_mail(c, port);
        c.smtp_to = vec![OWNER.into()];
    });
    let id = uuid(10);
    let r = post(&server, &callback_for(&id, "+33611111111", true, FUTURE));
    assert_eq!(r.status, 201, "storing never waits for the mail server");
    // Down: the failures are recorded and visible in the inbox, item and list.
    let page = wait_for(
        Duration::from_secs(15),
        "a failed attempt in the inbox",
        || {
            let page = inbox(&server, &format!("/inbox/item/{id}"));
            page.contains(">retrying</span>").then_some(page)
        },
    );
    assert!(page.contains("Email to owner@shop.example"), "{page}");
    assert!(
        page.to_ascii_lowercase().contains("connection refused"),
        "the last error is shown: {page}"
    );
    let list = inbox(&server, "/inbox");
    assert!(list.contains("notification retrying"), "{list}");

    let smtp = SmtpServer::start_on(port, None);
    let mails = smtp.wait_for(1, Duration::from_secs(20));
    assert!(mails[0].subject.starts_with("[URGENT] Callback request"));
    assert!(mails[0].body.contains(&id));
    let page = wait_for(Duration::from_secs(10), "the delivery in the inbox", || {
        let page = inbox(&server, &format!("/inbox/item/{id}"));
        page.contains(">delivered</span>").then_some(page)
    });
    assert!(!page.contains(">retrying</span>"), "{page}");
    assert!(!inbox(&server, "/inbox").contains("notification retrying"));
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(smtp.received().len(), 1, "delivered once");
}

#[test]
fn smtp_login_is_used_and_a_refused_one_is_shown() {
    let smtp = SmtpServer::start_on(common::free_port(), Some(("shop", "s3cret pass")));
    let good = TestServer::start_with(|c| {
        with_mail(c, smtp.port);
        c.smtp_to = vec![OWNER.into()];
        c.smtp_username = Some("shop".into());
        c.smtp_password = Some("s3cret pass".into());
    });
    assert_eq!(post(&good, &feedback(&uuid(20))).status, 201);
    let mails = smtp.wait_for(1, Duration::from_secs(20));
    assert!(mails[0].body.contains(&uuid(20)));

    let bad = TestServer::start_with(|c| {
        with_mail(c, smtp.port);
        c.smtp_to = vec![OWNER.into()];
        c.smtp_username = Some("shop".into());
        c.smtp_password = Some("wrong".into());
    });
    let id = uuid(21);
    assert_eq!(post(&bad, &feedback(&id)).status, 201);
    let page = wait_for(
        Duration::from_secs(15),
        "the refused login in the inbox",
        || {
            let page = inbox(&bad, &format!("/inbox/item/{id}"));
            page.contains("AUTH").then_some(page)
        },
    );
    assert!(page.contains("535"), "the server's answer is shown: {page}");
    assert!(!page.contains("wrong"), "never the password: {page}");
    assert_eq!(smtp.received().len(), 1);
}

fn status_endpoint_needs_the_right_token(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| {
        c.allow_origins = vec!["https://shop.example".parse().unwrap()];
    });
    let id = uuid(30);
    let r = post(&server, &callback_for(&id, "+33622222222", false, FUTURE));
    assert_eq!(r.status, 201);
    let token = r.json()["status_token"].as_str().unwrap().to_owned();

    let r = status(&server, &id, &token);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let body = r.json();
    assert_eq!(
        body,
        json!({
            "status": "received",
            "message": null,
            "promise": { "text": "We will call you tomorrow between 10:00 and 11:00.", "due_by": FUTURE },
            "overdue": false,
            "answered_at": null,
            "updated_at": body["updated_at"],
            "attempt": null,
        })
    );
    assert!(allo_core::validate::is_utc_timestamp(
        body["updated_at"].as_str().unwrap()
    ));
    let text = html(&r);
    for personal in ["Grace", "+33622222222", "06 12 34 56 78", "Order 1234"] {
        assert!(!text.contains(personal), "{personal} leaked: {text}");
    }
    // The same with the token in the Authorization header.
    let r = server.get(
        &format!("/v1/submissions/{id}/status"),
        &[("Authorization", &format!("Bearer {token}"))],
    );
    assert_eq!((r.status, r.json()), (200, body.clone()));

    // A wrong token, another submission's token and an unknown id: the same 404.
    let other = uuid(31);
    let r = post(&server, &feedback(&other));
    let other_token = r.json()["status_token"].as_str().unwrap().to_owned();
    let mut wrong = token.clone();
    wrong.replace_range(0..1, if wrong.starts_with('A') { "B" } else { "A" });
    let unknown = uuid(39);
    let answers: Vec<common::Response> = vec![
        status(&server, &id, &wrong),
        status(&server, &id, &other_token),
        status(&server, &id, "x"),
        status(&server, &unknown, &token),
        status(&server, "not-a-uuid", &token),
    ];
    for r in &answers {
        assert_eq!(r.status, 404, "{r:?}");
        assert_eq!(r.body, answers[0].body, "no oracle");
    }
    assert_eq!(answers[0].json()["error"], "not_found");

    // No token at all: 401, whether or not the id exists.
    for path in [
        format!("/v1/submissions/{id}/status"),
        format!("/v1/submissions/{unknown}/status"),
        format!("/v1/submissions/{id}/status?token="),
    ] {
        let r = server.get(&path, &[]);
        assert_eq!(r.status, 401, "{path}: {r:?}");
        assert_eq!(r.json()["error"], "token_required");
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    }
    // Read-only.
    let r = send(
        server.addr,
        "POST",
        &format!("/v1/submissions/{id}/status?token={token}"),
        &[],
        b"",
    );
    assert_eq!(r.status, 405);

    // Feedback has no promise.
    let r = status(&server, &other, &other_token);
    assert_eq!(r.json()["promise"], serde_json::Value::Null);
    assert_eq!(r.json()["overdue"], false);

    // CORS: the widget on an allowed origin may read it, with the token as a header.
    let r = server.get(
        &format!("/v1/submissions/{id}/status?token={token}"),
        &[("Origin", "https://shop.example")],
    );
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    let pre = send(
        server.addr,
        "OPTIONS",
        &format!("/v1/submissions/{id}/status"),
        &[
            ("Origin", "https://shop.example"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
        b"",
    );
    assert!(pre
        .header("access-control-allow-methods")
        .unwrap()
        .contains("GET"));
    assert!(pre
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    let r = server.get(
        &format!("/v1/submissions/{id}/status?token={token}"),
        &[("Origin", "https://evil.example")],
    );
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn status_requests_are_rate_limited() {
    let server = TestServer::start_with(|c| c.status_rate_limit = 3);
    let id = uuid(40);
    let token = post(&server, &feedback(&id)).json()["status_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..3 {
        assert_eq!(status(&server, &id, &token).status, 200);
    }
    let r = status(&server, &id, &token);
    assert_eq!(r.status, 429, "{r:?}");
    assert_eq!(r.json()["error"], "rate_limited");
    assert!(r.header("retry-after").is_some());
    // Guessing tokens is limited the same way.
    assert_eq!(status(&server, &id, "guess").status, 429);
}

fn overdue_and_delayed_messages_reach_the_visitor(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| c.inbox_token = Some(TOKEN.into()));
    let late = uuid(50);
    let r = post(&server, &callback_for(&late, "+33600000050", false, PAST));
    let token = r.json()["status_token"].as_str().unwrap().to_owned();
    let fine = uuid(51);
    assert_eq!(
        post(&server, &callback_for(&fine, "+33600000051", false, FUTURE)).status,
        201
    );

    // The promise passed and nobody answered for it: the visitor is told, the inbox flags it.
    let s = status(&server, &late, &token).json();
    assert_eq!(
        (s["status"].clone(), s["overdue"].clone()),
        (json!("received"), json!(true))
    );
    let list = inbox(&server, "/inbox?status=overdue");
    assert!(list.contains(&late) && !list.contains(&fine), "{list}");
    assert!(list.contains("badge overdue"));
    assert!(inbox(&server, "/inbox").contains("badge overdue"));
    let item = inbox(&server, &format!("/inbox/item/{late}"));
    assert!(item.contains("(overdue)"), "{item}");
    // Scheduling is not an answer to the visitor: still overdue.
    set_status(&server, &late, &[("status", "scheduled")]);
    assert_eq!(status(&server, &late, &token).json()["overdue"], true);

    // Delayed with a message and a new time: no longer overdue, and the visitor reads both.
    let message = "We're running late, we'll call you at 15:30 instead";
    set_status(
        &server,
        &late,
        &[
            ("status", "delayed"),
            ("visitor_message", message),
            ("due_by", "2099-01-01T15:30"),
            ("note", "internal: line busy, never shown"),
        ],
    );
    let s = status(&server, &late, &token).json();
    assert_eq!(s["status"], "delayed");
    assert_eq!(s["message"], message);
    assert_eq!(s["promise"]["due_by"], "2099-01-01T15:30:00.000Z");
    assert_eq!(s["overdue"], false);
    assert_ne!(s["updated_at"], json!(null));
    assert!(
        !s.to_string().contains("internal"),
        "the note stays internal: {s}"
    );
    assert!(!inbox(&server, "/inbox?status=overdue").contains(&late));
    let item = inbox(&server, &format!("/inbox/item/{late}"));
    assert!(item.contains("We&#39;re running late"), "{item}");
    assert!(item.contains("moved from 2020-01-01 10:00 UTC"), "{item}");

    // A new time that also passes is overdue again.
    set_status(
        &server,
        &late,
        &[("status", "delayed"), ("due_by", "2020-06-01T10:00")],
    );
    let s = status(&server, &late, &token).json();
    assert_eq!(
        (s["overdue"].clone(), s["message"].clone()),
        (json!(true), json!(message))
    );
    // Called back: done, whatever the clock says; the message can be cleared.
    set_status(
        &server,
        &late,
        &[("status", "called_back"), ("visitor_message", "")],
    );
    let s = status(&server, &late, &token).json();
    assert_eq!(s["status"], "called_back");
    assert_eq!(s["overdue"], false);
    assert_eq!(s["message"], serde_json::Value::Null);

    // Bad owner input is refused with a page, nothing changes.
    for (field, value) in [
        ("due_by", "tomorrow"),
        ("visitor_message", &*"x".repeat(501)),
    ] {
        let r = post_form(
            server.addr,
            &format!("/inbox/item/{late}/status"),
            &[("Authorization", &format!("Bearer {TOKEN}"))],
            &[("status", "delayed"), (field, value)],
        );
        assert_eq!(r.status, 400, "{field}");
    }
    assert_eq!(
        status(&server, &late, &token).json()["status"],
        "called_back"
    );
}

#[test]
fn phone_numbers_must_be_valid_for_their_country() {
    let server = TestServer::start();
    for (n, phone, country) in [
        (60, "+33612345678", "FR"),
        (61, "+32470123456", "BE"),
        (62, "+12015550123", "US"),
        // Typed with its + on a French shop: valid for its own country.
        (63, "+32471234567", "FR"),
    ] {
        let mut sub = callback_for(&uuid(n), phone, false, FUTURE);
        sub["callback"]["country"] = json!(country);
        let r = post(&server, &sub);
        assert_eq!(r.status, 201, "{phone}: {r:?}");
    }
    for phone in [
        "+33612345",
        "+3361234567890",
        "+12011234567",
        "+99912345678",
    ] {
        let r = post(&server, &callback_for(&uuid(64), phone, false, FUTURE));
        assert_eq!(r.status, 400, "{phone}: {r:?}");
        let body = r.json();
        assert_eq!(body["error"], "invalid");
        let problems = body["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{body}");
        assert_eq!(problems[0]["field"], "callback.phone_e164");
        assert_eq!(problems[0]["code"], "invalid");
        let message = problems[0]["message"].as_str().unwrap();
        assert!(
            message.contains("not a valid number") || message.contains("not a phone number"),
            "{message}"
        );
    }
    // Listed together with the widget's own rules.
    let mut sub = callback_for(&uuid(65), "+33612345", false, FUTURE);
    sub["callback"]["timezone"] = json!("");
    let body = post(&server, &sub).json();
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["callback.timezone", "callback.phone_e164"],
        "{body}"
    );
}

#[test]
fn starttls_is_required_and_the_certificate_checked() {
    let (_certs, ca, cert, key) = common::tls::test_certificates();
    let smtp = SmtpServer::start_with(
        common::free_port(),
        Some(("shop", "s3cret")),
        Some((&cert, &key)),
    );
    let tls = |c: &mut allo_collector::Config| {
        with_mail(c, smtp.port);
        c.smtp_to = vec![OWNER.into()];
        c.smtp_username = Some("shop".into());
        c.smtp_password = Some("s3cret".into());
        c.smtp_starttls = true;
    };
    // Trusted through --smtp-ca-file: upgraded, logged in, delivered.
    let good = TestServer::start_with(|c| {
        tls(c);
        c.smtp_ca_file = Some(ca.clone());
    });
    assert_eq!(post(&good, &feedback(&uuid(70))).status, 201);
    let mails = smtp.wait_for(1, Duration::from_secs(20));
    assert!(mails[0].body.contains(&uuid(70)));

    // The same server without its CA: the certificate is refused, nothing is sent.
    let untrusted = TestServer::start_with(tls);
    let id = uuid(71);
    assert_eq!(post(&untrusted, &feedback(&id)).status, 201);
    let page = wait_for(
        Duration::from_secs(15),
        "the TLS failure in the inbox",
        || {
            let page = inbox(&untrusted, &format!("/inbox/item/{id}"));
            page.contains("TLS with 127.0.0.1").then_some(page)
        },
    );
    assert!(page.to_ascii_lowercase().contains("certificate"), "{page}");

    // Without --smtp-starttls the server refuses to go on in plain text.
    let plain = TestServer::start_with(|c| {
        tls(c);
        c.smtp_starttls = false;
    });
    let id = uuid(72);
    assert_eq!(post(&plain, &feedback(&id)).status, 201);
    wait_for(Duration::from_secs(15), "the refusal in the inbox", || {
        inbox(&plain, &format!("/inbox/item/{id}"))
            .contains(">retrying</span>")
            .then_some(())
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        smtp.received().len(),
        1,
        "only the trusted one went through"
    );
}

#[test]
fn implicit_tls_is_spoken_from_the_first_byte() {
    let (_certs, ca, cert, key) = common::tls::test_certificates();
    let smtp = SmtpServer::start_implicit_tls(
        common::free_port(),
        Some(("shop", "s3cret")),
        (&cert, &key),
    );
    let tls = |c: &mut allo_collector::Config| {
        with_mail(c, smtp.port);
        c.smtp_to = vec![OWNER.into()];
        c.smtp_username = Some("shop".into());
        c.smtp_password = Some("s3cret".into());
        c.smtp_tls = true;
        c.smtp_ca_file = Some(ca.clone());
    };
    let good = TestServer::start_with(tls);
    assert_eq!(post(&good, &feedback(&uuid(73))).status, 201);
    let mails = smtp.wait_for(1, Duration::from_secs(20));
    assert!(mails[0].body.contains(&uuid(73)));

    // The same server spoken to in plain text (STARTTLS expected): nothing goes through.
    let plain = TestServer::start_with(|c| {
        tls(c);
        c.smtp_tls = false;
        c.smtp_starttls = true;
    });
    let id = uuid(74);
    assert_eq!(post(&plain, &feedback(&id)).status, 201);
    wait_for(Duration::from_secs(15), "the failure in the inbox", || {
        inbox(&plain, &format!("/inbox/item/{id}"))
            .contains(">retrying</span>")
            .then_some(())
    });
    assert_eq!(smtp.received().len(), 1, "only the TLS one went through");
}
