//! Emails to the visitor, over real HTTP and a real SMTP server (aiosmtpd, `smtp_server.py`),
//! on SQLite and PostgreSQL: receipts in the visitor's language with the promise as shown,
//! exactly one notice per delay and per missed call, the shop's reply with its threading
//! headers and its place in the item's history, unsubscribing (one-click POST) stopping
//! everything after, two collectors on one PostgreSQL database sending each notice once, and
//! the visitor's status page.
mod common;

use std::time::Duration;

use common::smtp::{Mail, SmtpServer};
use common::{callback_for, get_bearer, post_form, send, uuid, wait_for, Backend, TestServer};

const TOKEN: &str = "test-inbox-token-0123456789";
const FROM: &str = "allo@shop.example";
const OWNER: &str = "owner@shop.example";
const VISITOR: &str = "noor@example.net";
const FUTURE: &str = "2099-01-01T10:00:00.000Z";

on_both_backends!(
    receipts_speak_the_visitors_language_and_quote_the_promise,
    a_delay_and_a_missed_call_send_one_notice_each,
    replies_thread_and_land_in_the_history,
    unsubscribed_visitors_get_nothing_further,
);

fn with_mail(c: &mut allo_collector::Config, port: u16) {
    c.inbox_token = Some(TOKEN.into());
    c.smtp_host = Some("127.0.0.1".into());
    c.smtp_port = port;
    c.smtp_from = Some(FROM.into());
    c.smtp_to = vec![OWNER.into()];
    c.smtp_retry = Duration::from_millis(100);
    c.public_url = Some("https://shop.example".into());
    c.timezone = "Europe/Paris".parse().unwrap();
}

/// Callback `n` (its id is `uuid(n)`, its number its own) with an email, in `locale`,
/// promised by `due_by`.
fn request(n: u64, locale: &str, due_by: &str) -> serde_json::Value {
    let mut c = callback_for(&uuid(n), &format!("+3361234{n:04}"), false, due_by);
    c["locale"] = serde_json::json!(locale);
    c["visitor"]["email"] = serde_json::json!(VISITOR);
    c["callback"]["reason"] = serde_json::json!("Birthday cake for Saturday");
    c
}

fn submit(server: &TestServer, sub: &serde_json::Value) -> serde_json::Value {
    let r = server.post_json(&serde_json::to_vec(sub).unwrap(), &[]);
    assert_eq!(r.status, 201, "{r:?}");
    r.json()
}

fn to_visitor(smtp: &SmtpServer) -> Vec<Mail> {
    smtp.received()
        .into_iter()
        .filter(|m| m.rcpt_tos == [VISITOR])
        .collect()
}

fn wait_visitor(smtp: &SmtpServer, n: usize) -> Vec<Mail> {
    wait_for(
        Duration::from_secs(20),
        &format!("{n} emails to the visitor"),
        || {
            let got = to_visitor(smtp);
            (got.len() >= n).then_some(got)
        },
    )
}

/// Waits long enough for a message that should not come to have come (the forwarder is
/// woken at once; 100 ms retries), then checks the count.
fn settle(smtp: &SmtpServer, n: usize) {
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(to_visitor(smtp).len(), n, "{:#?}", to_visitor(smtp));
}

fn inbox_post(server: &TestServer, path: &str, fields: &[(&str, &str)]) -> common::Response {
    post_form(
        server.addr,
        path,
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        fields,
    )
}

fn inbox(server: &TestServer, path: &str) -> String {
    let r = get_bearer(server.addr, path, TOKEN);
    assert_eq!(r.status, 200, "{path}: {r:?}");
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The path and query of a link in an email (`https://shop.example/status/…`).
fn local(url: &str) -> String {
    url.strip_prefix("https://shop.example")
        .unwrap_or_else(|| panic!("not a link to the shop: {url}"))
        .to_owned()
}

fn receipts_speak_the_visitors_language_and_quote_the_promise(backend: Backend) {
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let server = TestServer::start_on(&backend, |c| {
        with_mail(c, smtp.port);
        c.visitor_receipts = true;
    });
    let cases = [
        (
            1,
            "fr",
            "Nous vous rappelons demain entre 10:00 et 11:00.",
            "Nous avons bien reçu votre demande",
            "Notre engagement",
        ),
        (
            2,
            "de-AT",
            "Wir rufen Sie morgen zwischen 10:00 und 11:00 Uhr zurück.",
            "Wir haben Ihre Anfrage",
            "Unsere Zusage",
        ),
    ];
    for (n, locale, promise, _, _) in &cases {
        let mut sub = request(*n, locale, FUTURE);
        sub["callback"]["promise"]["text"] = serde_json::json!(promise);
        submit(&server, &sub);
    }
    let mails = wait_visitor(&smtp, 2);
    for (n, locale, promise, subject, label) in &cases {
        let id = &uuid(*n);
        let reference = allo_core::id::reference(id);
        let m = mails
            .iter()
            .find(|m| m.body.contains(&format!("/status/{id}?")))
            .unwrap_or_else(|| panic!("no receipt for {id}: {mails:#?}"));
        assert_eq!(m.header("X-Allo-Reference"), Some(reference.as_str()));
        assert!(
            m.subject.starts_with(subject) && m.subject.contains(&reference),
            "{}",
            m.subject
        );
        assert_eq!(m.header("Content-Language"), Some(&locale[..2]));
        assert_eq!(m.header("From"), Some(FROM));
        assert_eq!(m.header("Reply-To"), Some(OWNER));
        assert!(
            m.body.contains(&format!("{label}: {promise}")),
            "the promise exactly as shown: {}",
            m.body
        );
        assert!(m.body.contains("Birthday cake for Saturday"), "{}", m.body);
        assert!(
            m.body
                .contains(&format!("https://shop.example/status/{id}?token=")),
            "{}",
            m.body
        );
        let unsubscribe = m.header("List-Unsubscribe").unwrap();
        assert!(
            unsubscribe.starts_with(&format!(
                "<https://shop.example/status/{id}/unsubscribe?token="
            )),
            "{unsubscribe}"
        );
        assert_eq!(
            m.header("List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click")
        );
    }
    // The owner still gets their own notification, and nothing goes out twice.
    settle(&smtp, 2);
    assert_eq!(smtp.received().len(), 4);
}

fn a_delay_and_a_missed_call_send_one_notice_each(backend: Backend) {
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let server = TestServer::start_on(&backend, |c| with_mail(c, smtp.port));
    let id = uuid(10);
    // Promised for 2099-01-01 11:00 in Paris.
    submit(&server, &request(10, "en", FUTURE));
    let delay = [
        ("status", "delayed"),
        ("due_by", "2099-01-01T11:30"),
        ("visitor_message", "Our oven is late, sorry."),
    ];
    // The same change twice (a form sent again): one notice.
    for _ in 0..2 {
        let r = inbox_post(&server, &format!("/inbox/item/{id}/status"), &delay);
        assert_eq!(r.status, 303, "{r:?}");
    }
    let mails = wait_visitor(&smtp, 1);
    let notice = &mails[0];
    assert!(
        notice.subject.starts_with("We're running late"),
        "{}",
        notice.subject
    );
    assert!(
        notice.body.contains(
            "We're running late: we'll call you at 11:30 (2099-01-01) instead of 11:00 (2099-01-01). Sorry."
        ),
        "{}",
        notice.body
    );
    assert!(
        notice.body.contains("Our oven is late, sorry."),
        "{}",
        notice.body
    );
    assert_eq!(notice.header("Auto-Submitted"), Some("auto-generated"));
    settle(&smtp, 1);

    // A call that did not reach the visitor: one more, saying what happened and what next.
    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/attempt"),
        &[("outcome", "no_answer"), ("retry", "30m")],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let mails = wait_visitor(&smtp, 2);
    let missed = &mails[1];
    assert!(
        missed.subject.starts_with("We couldn't reach you"),
        "{}",
        missed.subject
    );
    assert!(
        missed.body.contains("We tried to call you at ") && missed.body.contains("We'll try again"),
        "{}",
        missed.body
    );
    settle(&smtp, 2);
    // Both are in the item's notifications, delivered.
    let page = inbox(&server, &format!("/inbox/item/{id}"));
    assert_eq!(
        page.matches(&format!("Email to {VISITOR}")).count(),
        2,
        "{page}"
    );
}

fn replies_thread_and_land_in_the_history(backend: Backend) {
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let server = TestServer::start_on(&backend, |c| with_mail(c, smtp.port));
    let id = uuid(20);
    let receipt = submit(&server, &request(20, "fr", FUTURE));
    let reference = allo_core::id::reference(&id);
    let page = inbox(&server, &format!("/inbox/item/{id}"));
    assert!(
        page.contains(&format!("action=\"/inbox/item/{id}/reply\"")),
        "{page}"
    );

    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/reply"),
        &[(
            "body",
            "Bonjour Noor, votre gâteau sera prêt samedi à 10 h.",
        )],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let mails = wait_visitor(&smtp, 1);
    let m = &mails[0];
    assert_eq!(m.mail_from, FROM);
    assert_eq!(m.header("From"), Some(FROM));
    assert_eq!(m.header("To"), Some(VISITOR));
    assert_eq!(
        m.header("Reply-To"),
        Some(OWNER),
        "answers reach the shop's mailbox"
    );
    assert!(m.subject.contains(&reference), "{}", m.subject);
    assert!(m.subject.starts_with("Re : votre demande"), "{}", m.subject);
    let root = format!("<allo.request.{id}@shop.example>");
    assert_eq!(m.header("In-Reply-To"), Some(root.as_str()));
    assert_eq!(m.header("References"), Some(root.as_str()));
    let message_id = m.header("Message-ID").unwrap();
    assert!(
        message_id.starts_with(&format!("<allo.reply.{id}.")) && message_id != root,
        "{message_id}"
    );
    assert!(m.header("Auto-Submitted").is_none(), "a person wrote it");
    assert!(
        m.body.contains("votre gâteau sera prêt samedi"),
        "{}",
        m.body
    );

    // In the history: who sent it and that it was delivered.
    let page = wait_for(Duration::from_secs(10), "the delivered reply", || {
        let page = inbox(&server, &format!("/inbox/item/{id}"));
        page.contains("replied by email (delivered").then_some(page)
    });
    assert!(page.contains("votre gâteau sera prêt samedi"), "{page}");
    // The visitor's status says the shop answered, in the JSON and on the page.
    let token = receipt["status_token"].as_str().unwrap();
    let status = server
        .get(&format!("/v1/submissions/{id}/status?token={token}"), &[])
        .json();
    assert!(status["answered_at"].is_string(), "{status}");
    let page = server.get(&format!("/status/{id}?token={token}"), &[]);
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains("Nous vous avons répondu par e-mail le "),
        "{html}"
    );
    assert!(html.contains("lang=\"fr\""), "{html}");

    // The same reply sent twice (the form posted again) goes out once.
    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/reply"),
        &[(
            "body",
            "Bonjour Noor, votre gâteau sera prêt samedi à 10 h.",
        )],
    );
    assert_eq!(r.status, 303, "{r:?}");
    settle(&smtp, 1);
    // An empty reply is refused, naming the problem.
    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/reply"),
        &[("body", "  ")],
    );
    assert_eq!(r.status, 400, "{r:?}");
}

fn unsubscribed_visitors_get_nothing_further(backend: Backend) {
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let server = TestServer::start_on(&backend, |c| {
        with_mail(c, smtp.port);
        c.visitor_receipts = true;
    });
    let id = uuid(30);
    submit(&server, &request(30, "en", FUTURE));
    let mails = wait_visitor(&smtp, 1);
    let link = mails[0].header("List-Unsubscribe").unwrap();
    let url = local(link.trim_start_matches('<').trim_end_matches('>'));

    // Following the link only asks (mail scanners open links); the one-click POST stops.
    let r = server.get(&url, &[]);
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("<form method=\"post\""));
    let r = send(
        server.addr,
        "POST",
        &url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"List-Unsubscribe=One-Click",
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(String::from_utf8_lossy(&r.body).contains("we won&#39;t email you"));
    // A wrong token unsubscribes nothing.
    let wrong = format!(
        "/status/{}/unsubscribe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        uuid(31)
    );
    let r = send(server.addr, "POST", &wrong, &[], b"");
    assert_eq!(r.status, 404, "{r:?}");

    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/status"),
        &[("status", "delayed"), ("due_by", "2099-01-01T12:00")],
    );
    assert_eq!(r.status, 303);
    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/attempt"),
        &[("outcome", "no_answer"), ("retry", "30m")],
    );
    assert_eq!(r.status, 303);
    let r = inbox_post(
        &server,
        &format!("/inbox/item/{id}/reply"),
        &[("body", "Hello?")],
    );
    assert_eq!(r.status, 400, "{r:?}");
    let page = inbox(&server, &format!("/inbox/item/{id}"));
    assert!(page.contains("asked for no more emails"), "{page}");
    settle(&smtp, 1);
}

#[test]
fn two_collectors_on_one_postgres_send_each_notice_once() {
    let Some(backend) = Backend::postgres("two_collectors_on_one_postgres_send_each_notice_once")
    else {
        return;
    };
    let smtp = SmtpServer::start_on(common::free_port(), None);
    let db = common::TestDb::new(&backend);
    let config = |c: &mut allo_collector::Config| {
        with_mail(c, smtp.port);
        c.visitor_receipts = true;
    };
    let a = TestServer::start_db(&db, config);
    let b = TestServer::start_db(&db, config);
    let id = uuid(40);
    submit(&a, &request(40, "de", FUTURE));
    let delay = [("status", "delayed"), ("due_by", "2099-01-01T11:45")];
    // The same delay through both collectors, then one call recorded through each.
    for server in [&a, &b] {
        assert_eq!(
            inbox_post(server, &format!("/inbox/item/{id}/status"), &delay).status,
            303
        );
    }
    let r = inbox_post(
        &b,
        &format!("/inbox/item/{id}/attempt"),
        &[("outcome", "no_answer"), ("retry", "30m")],
    );
    assert_eq!(r.status, 303);
    let mails = wait_visitor(&smtp, 3);
    settle(&smtp, 3);
    // One of each, in whatever order the two collectors' senders got to them.
    let mut subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    subjects.sort_unstable();
    let starts = [
        "Wir haben Ihre Anfrage",
        "Wir haben Sie nicht erreicht",
        "Wir sind spät dran",
    ];
    assert_eq!(subjects.len(), starts.len(), "{subjects:?}");
    for (subject, start) in subjects.iter().zip(starts) {
        assert!(subject.starts_with(start), "{subjects:?}");
    }
    // And the owner's notification once too.
    assert_eq!(smtp.received().len(), 4);
}

#[test]
fn the_status_page_needs_the_token_and_speaks_the_visitors_language() {
    let server = TestServer::start_with(|c| c.timezone = "Europe/Paris".parse().unwrap());
    let id = uuid(50);
    let receipt = submit(&server, &request(50, "nl", FUTURE));
    let token = receipt["status_token"].as_str().unwrap();
    let r = server.get(&format!("/status/{id}?token={token}"), &[]);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let html = String::from_utf8_lossy(&r.body);
    assert!(html.contains("lang=\"nl\""), "{html}");
    assert!(html.contains(&allo_core::id::reference(&id)), "{html}");
    // The widget's own sentence for a received request, and the promise as shown.
    let nl = allo_core::i18n::Lang::Nl.strings();
    assert!(
        html.contains(&nl.status_received.replace('\'', "&#39;")),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");

    for path in [
        format!("/status/{id}"),
        format!("/status/{id}?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        format!("/status/{}?token={token}", uuid(51)),
    ] {
        let r = server.get(&path, &[("Accept-Language", "de-DE,de;q=0.9")]);
        assert!(r.status == 401 || r.status == 404, "{path}: {r:?}");
        let html = String::from_utf8_lossy(&r.body);
        assert!(html.contains("Wir finden diese Anfrage nicht"), "{html}");
    }
}
