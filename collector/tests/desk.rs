//! The callback desk over real HTTP, on SQLite and PostgreSQL: recording calls and what the
//! visitor is then told, retries, giving up for another channel, promise kept, the queue's
//! live stamp and fragment, search across every field, paging past the old 500-row cut, and
//! databases made by the previous schema running forward.
mod common;

use std::sync::Arc;

use allo_collector::store::{Filter, Record, Store};
use allo_collector::time;
use common::pg::block_on;
use common::{
    callback_for, feedback, get_bearer, post_form, send, uuid, Backend, TestDb, TestServer,
};
use serde_json::json;

const TOKEN: &str = "test-inbox-token-0123456789";

on_both_backends!(
    a_missed_call_is_retried_and_the_visitor_is_told,
    failed_calls_run_out_to_another_channel,
    a_wrong_number_gives_up_at_once_and_a_late_call_breaks_the_promise,
    calls_need_credentials_csrf_and_a_callback,
    the_queue_stamp_moves_with_every_change,
    search_finds_a_request_by_any_field,
    pages_go_past_the_old_cut,
    a_retry_that_passes_is_overdue_again,
    a_previous_schema_runs_forward,
    an_attempt_takes_the_id_in_either_case_and_a_note_with_nul,
);

fn with_inbox(c: &mut allo_collector::Config) {
    c.inbox_token = Some(TOKEN.into());
    c.phone_limit = 0;
    c.duplicate_window = std::time::Duration::ZERO;
}

fn html(r: &common::Response) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn page(server: &TestServer, path: &str) -> String {
    let r = get_bearer(server.addr, path, TOKEN);
    assert_eq!(r.status, 200, "{path}: {r:?}");
    html(&r)
}

/// A callback, as soon as possible, promised `minutes` from now (negative: in the past).
fn callback_due_in(id: &str, phone: &str, minutes: i64) -> serde_json::Value {
    let due = (time::now_millis() as i64 + minutes * 60_000) as u64;
    callback_for(id, phone, false, &time::format_millis(due))
}

/// Posts a submission; returns its status token.
fn submit(server: &TestServer, sub: &serde_json::Value) -> String {
    let r = server.post_json(&serde_json::to_vec(sub).unwrap(), &[]);
    assert_eq!(r.status, 201, "{r:?}");
    r.json()["status_token"].as_str().unwrap().to_owned()
}

fn call(server: &TestServer, id: &str, fields: &[(&str, &str)]) -> common::Response {
    post_form(
        server.addr,
        &format!("/inbox/item/{id}/attempt"),
        &[("Authorization", &bearer())],
        fields,
    )
}

fn visitor_status(server: &TestServer, id: &str, token: &str) -> serde_json::Value {
    let r = server.get(
        &format!("/v1/submissions/{id}/status"),
        &[("Authorization", &format!("Bearer {token}"))],
    );
    assert_eq!(r.status, 200, "{r:?}");
    r.json()
}

/// The part of the queue page under `heading` (up to the next heading).
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    let start = page.find(heading).unwrap_or(page.len());
    let rest = &page[start..];
    let end = rest[1..].find("<h3>").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

fn a_missed_call_is_retried_and_the_visitor_is_told(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| {
        with_inbox(c);
        c.timezone = "Europe/Paris".parse().unwrap();
    });
    let id = uuid(100);
    let token = submit(&server, &callback_due_in(&id, "+33600000100", 10));
    let queue = page(&server, "/inbox?view=callbacks");
    assert!(
        section(&queue, "To call now").contains(&id) || queue.contains(&format!("q-{id}")),
        "in the queue: {queue}"
    );
    assert!(queue.contains("href=\"tel:+33600000100\""), "{queue}");
    assert!(queue.contains("due in 10 min") || queue.contains("due in 9 min"));
    assert!(queue.contains("<title>(1) Callbacks"), "due within 15 min");

    // No answer: try again in an hour.
    let r = call(
        &server,
        &id,
        &[
            ("outcome", "no_answer"),
            ("retry", "60m"),
            ("back", "queue"),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.header("location"), Some("/inbox?view=callbacks"));
    let s = visitor_status(&server, &id, &token);
    assert_eq!(s["status"], "scheduled");
    assert_eq!(s["overdue"], false);
    let a = &s["attempt"];
    assert_eq!(
        (a["outcome"].clone(), a["next"].clone()),
        (json!("no_answer"), json!("call"))
    );
    let retry = time::parse_millis(a["retry_at"].as_str().unwrap()).unwrap();
    let tried = time::parse_millis(a["tried_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        retry - tried,
        3_600_000,
        "an hour later (no opening hours set)"
    );
    // In the visitor's language (English here) and the shop's zone (the callback's own,
    // Europe/Paris), the widget's own sentences.
    let text = a["text"].as_str().unwrap();
    let paris = allo_collector::owner_zone::Zone::named("Europe/Paris").unwrap();
    let hm = |ms: u64| {
        paris
            .at_ms(ms as i64)
            .unwrap()
            .strftime("%H:%M")
            .to_string()
    };
    assert!(
        text.starts_with(&format!(
            "We tried to call you at {} but couldn't reach you. We'll try again",
            hm(tried)
        )) && text.contains(&format!("around {}.", hm(retry))),
        "{text}"
    );

    // It waits out of the queue, then the item shows the call.
    let queue = page(&server, "/inbox?view=callbacks");
    assert!(
        section(&queue, "Trying again later").contains(&id),
        "{queue}"
    );
    assert!(queue.contains("retry in 60 min") || queue.contains("retry in 59 min"));
    let item = page(&server, &format!("/inbox/item/{id}"));
    assert!(item.contains(">No answer<"), "{item}");
    assert!(
        item.contains("Promise kept</dt><dd>Yes: first call"),
        "{item}"
    );
    assert!(item.contains("New → Scheduled"), "{item}");

    // Reached: called back, out of the queue, still found by the search.
    let r = call(&server, &id, &[("outcome", "reached")]);
    assert_eq!(
        r.header("location"),
        Some(format!("/inbox/item/{id}").as_str())
    );
    let s = visitor_status(&server, &id, &token);
    assert_eq!(
        (s["status"].clone(), s["attempt"].clone()),
        (json!("called_back"), json!(null))
    );
    let queue = page(&server, "/inbox?view=callbacks");
    assert!(!queue.contains(&id), "left the queue: {queue}");
    assert!(page(&server, "/inbox?q=%2B33600000100").contains(&id));
    let item = page(&server, &format!("/inbox/item/{id}"));
    assert!(item.contains(">Reached<") && item.contains("Scheduled → Called back"));

    // The export says so too.
    let items = get_bearer(server.addr, "/inbox/export.json", TOKEN).json();
    assert_eq!(items[0]["promise_kept"], true);
    assert_eq!(items[0]["attempts_failed"], 1);
    assert_eq!(items[0]["last_outcome"], "reached");
    let csv = html(&get_bearer(server.addr, "/inbox/export.csv", TOKEN));
    let header = csv.lines().next().unwrap();
    assert!(
        // Every cell is quoted (the export's CSV writer, issue 16).
        header.ends_with(
            r#","first_attempt_at","promise_kept","attempts_failed","last_outcome","context""#
        ),
        "{header}"
    );
    assert!(
        csv.contains(",\"true\",\"1\",\"reached\",\"\"\r\n"),
        "{csv}"
    );
}

fn failed_calls_run_out_to_another_channel(backend: Backend) {
    let server = TestServer::start_on(&backend, |c| {
        with_inbox(c);
        c.callback_attempts = 2;
    });
    let id = uuid(200);
    let mut sub = callback_due_in(&id, "+33600000200", 30);
    sub["visitor"]["email"] = json!("noor@example.com");
    sub["locale"] = json!("fr-FR");
    let token = submit(&server, &sub);
    // The first failure offers retry times, the last one does not (it gives up).
    let queue = page(&server, "/inbox?view=callbacks");
    assert!(queue.contains("name=\"retry\""), "{queue}");
    assert_eq!(call(&server, &id, &[("outcome", "voicemail")]).status, 303);
    let s = visitor_status(&server, &id, &token);
    assert_eq!(s["attempt"]["next"], "call", "the suggested retry: {s}");
    let queue = page(&server, "/inbox?view=callbacks");
    assert!(queue.contains("1 of 2 calls failed") || queue.contains("1 of 2 call failed"));
    let item = page(&server, &format!("/inbox/item/{id}"));
    assert!(
        !item.contains("name=\"retry\""),
        "the next failure is the last: {item}"
    );

    assert_eq!(call(&server, &id, &[("outcome", "no_answer")]).status, 303);
    let s = visitor_status(&server, &id, &token);
    assert_eq!(
        (
            s["attempt"]["next"].clone(),
            s["attempt"]["retry_at"].clone(),
            s["overdue"].clone()
        ),
        (json!("email"), json!(null), json!(false))
    );
    assert!(
        s["attempt"]["text"]
            .as_str()
            .unwrap()
            .ends_with("Nous vous écrirons plutôt par e-mail."),
        "in the visitor's language: {s}"
    );
    let queue = page(&server, "/inbox?view=callbacks");
    let given_up = section(&queue, "Calling given up");
    assert!(given_up.contains(&id), "{queue}");
    assert!(
        given_up.contains("href=\"mailto:noor@example.com\""),
        "{given_up}"
    );
    assert!(!queue.contains("<title>(1)"), "not due by phone any more");
}

fn a_wrong_number_gives_up_at_once_and_a_late_call_breaks_the_promise(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let id = uuid(300);
    let token = submit(&server, &callback_due_in(&id, "+33600000300", -20));
    let queue = page(&server, "/inbox?view=callbacks");
    assert!(
        queue.contains("20 min late") || queue.contains("19 min late"),
        "{queue}"
    );
    assert!(queue.contains("badge overdue"));
    assert_eq!(
        call(&server, &id, &[("outcome", "wrong_number")]).status,
        303
    );
    let s = visitor_status(&server, &id, &token);
    assert_eq!(
        (
            s["attempt"]["outcome"].clone(),
            s["attempt"]["next"].clone(),
            s["overdue"].clone()
        ),
        (json!("wrong_number"), json!("none"), json!(false))
    );
    assert!(s["attempt"]["text"]
        .as_str()
        .unwrap()
        .contains("but the number didn't work. If you still need us, please send a new request."));
    let item = page(&server, &format!("/inbox/item/{id}"));
    assert!(
        item.contains("Promise kept</dt><dd>No: first call"),
        "{item}"
    );
    let items = get_bearer(server.addr, "/inbox/export.json", TOKEN).json();
    assert_eq!(items[0]["promise_kept"], false);
    assert_eq!(items[0]["other_channel"], true);
}

fn calls_need_credentials_csrf_and_a_callback(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let id = uuid(400);
    submit(&server, &callback_due_in(&id, "+33600000400", 30));
    let fid = uuid(401);
    submit(&server, &feedback(&fid));
    let path = format!("/inbox/item/{id}/attempt");
    // No credentials.
    let r = post_form(server.addr, &path, &[], &[("outcome", "reached")]);
    assert_eq!(r.status, 401);
    for p in ["/inbox/queue/stamp", "/inbox/queue/fragment"] {
        assert_eq!(server.get(p, &[]).status, 401, "{p}");
    }
    // A session without the form's CSRF token.
    let cookie = server.login_as("ada@shop.example", "agent");
    let r = post_form(
        server.addr,
        &path,
        &[("Cookie", &cookie)],
        &[("outcome", "reached")],
    );
    assert_eq!(r.status, 403);
    // With it, the login name is who called.
    let queue = html(&server.get("/inbox?view=callbacks", &[("Cookie", &cookie)]));
    let csrf = {
        let start = queue.find("name=\"csrf\" value=\"").unwrap() + 19;
        queue[start..].split('"').next().unwrap().to_owned()
    };
    let r = post_form(
        server.addr,
        &path,
        &[("Cookie", &cookie)],
        &[
            ("csrf", &csrf),
            ("outcome", "no_answer"),
            ("retry", "30m"),
            ("note", "rang 10 times <b>"),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let item = page(&server, &format!("/inbox/item/{id}"));
    assert!(
        item.contains(">ada@shop.example<") && item.contains("rang 10 times &lt;b&gt;"),
        "{item}"
    );
    // Bad input.
    for (fields, want) in [
        (vec![("outcome", "busy")], 400),
        (vec![("outcome", "no_answer"), ("retry", "soonish")], 400),
        (
            vec![("outcome", "no_answer"), ("retry_at", "2001-01-01T10:00")],
            400,
        ),
    ] {
        assert_eq!(call(&server, &id, &fields).status, want, "{fields:?}");
    }
    assert_eq!(
        call(&server, &fid, &[("outcome", "reached")]).status,
        400,
        "feedback"
    );
    assert_eq!(
        call(&server, &uuid(499), &[("outcome", "reached")]).status,
        404
    );
}

fn the_queue_stamp_moves_with_every_change(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let stamp = || page(&server, "/inbox/queue/stamp");
    let first = stamp();
    submit(&server, &feedback(&uuid(500)));
    assert_eq!(stamp(), first, "feedback is not in the queue");
    let id = uuid(501);
    submit(&server, &callback_due_in(&id, "+33600000501", 5));
    let second = stamp();
    assert_ne!(second, first, "a new callback");
    let fragment = page(&server, "/inbox/queue/fragment");
    assert!(fragment.starts_with("<div id=\"queue\""), "{fragment}");
    assert!(
        fragment.contains(&format!("data-stamp=\"{second}\"")),
        "{fragment}"
    );
    assert!(
        fragment.contains("data-title=\"(1) Callbacks · Allo inbox\""),
        "{fragment}"
    );
    assert!(fragment.contains(&id) && !fragment.contains("<html"));
    call(&server, &id, &[("outcome", "voicemail"), ("retry", "30m")]);
    let third = stamp();
    assert_ne!(third, second, "a call");
    let r = post_form(
        server.addr,
        &format!("/inbox/item/{id}/status"),
        &[("Authorization", &bearer())],
        &[("status", "scheduled"), ("note", "noted")],
    );
    assert_eq!(r.status, 303);
    assert_ne!(stamp(), third, "a status change, even to the same status");
    // The queue's script is served by the inbox itself, public like its stylesheet (it
    // holds nothing but code; what it fetches needs the login).
    let r = server.get("/inbox/queue.js", &[]);
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(html(&r).contains("/inbox/queue/stamp"));
    assert!(page(&server, "/inbox?view=callbacks")
        .contains("<script src=\"/inbox/queue.js\" defer></script>"));
}

fn search_finds_a_request_by_any_field(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let noor = uuid(600);
    let mut sub = callback_due_in(&noor, "+33612345600", 30);
    sub["visitor"] =
        json!({ "name": "Noor Élodie", "email": "Noor@Example.com", "phone": "06 12 34 56 00" });
    sub["callback"]["phone_raw"] = json!("06 12 34 56 00");
    sub["callback"]["reason"] = json!("Commande arrivée cassée");
    submit(&server, &sub);
    let fb = uuid(601);
    let mut sub = feedback(&fb);
    sub["feedback"]["message"] = json!("The 50% discount_code did not work");
    submit(&server, &sub);
    let other = uuid(602);
    submit(&server, &callback_due_in(&other, "+33699999999", 30));

    let found = |q: &str| {
        let p = page(
            &server,
            &format!("/inbox?q={}", allo_collector::html::url_encode(q)),
        );
        (p.contains(&noor), p.contains(&fb), p.contains(&other))
    };
    for q in [
        "noor",
        "ÉLODIE",
        "elodie noor",
        "noor@example",
        "06 12 34 56 00",
        "0612345600",
        "+33 6 12 34 56 00",
        "+33612345600",
        "arrivee",
        "cassée commande",
    ] {
        assert_eq!(found(q), (true, false, false), "{q}");
    }
    // The reference (all test ids share theirs) finds every one, with or without its dash.
    let reference = allo_collector::store::Record::new(
        &serde_json::from_value(feedback(&fb)).unwrap(),
        String::new(),
        String::new(),
    )
    .reference;
    assert_eq!(found(&reference), (true, true, true));
    assert_eq!(found(&reference.replace('-', "")), (true, true, true));
    // LIKE's wildcards are text: "50%" and "_code" are literal.
    assert_eq!(found("50%"), (false, true, false));
    assert_eq!(found("discount_code"), (false, true, false));
    assert_eq!(found("5_%"), (false, false, false));
    assert_eq!(found("nobody"), (false, false, false));
    // Filters combine with the search, and stay in the links (pages, exports).
    let p = page(&server, "/inbox?q=noor&kind=feedback");
    assert!(!p.contains(&noor));
    let p = page(
        &server,
        "/inbox?q=noor+%C3%A9lodie&kind=callback&status=open",
    );
    assert!(
        p.contains(&noor) && p.contains("value=\"noor élodie\""),
        "{p}"
    );
    assert!(
        p.contains("/inbox/export.csv?q=noor+%C3%A9lodie&amp;kind=callback&amp;status=open"),
        "{p}"
    );
    let csv = html(&get_bearer(
        server.addr,
        "/inbox/export.csv?q=0612345600",
        TOKEN,
    ));
    assert!(csv.contains(&noor) && !csv.contains(&other));
}

fn pages_go_past_the_old_cut(backend: Backend) {
    let db = TestDb::new(&backend);
    // 620 rows written straight through the store: over the old 500-row cut, quickly.
    block_on(async {
        let mut config = allo_collector::Config::new(&db.path);
        db.configure(&mut config);
        let store: Arc<dyn Store> = allo_collector::open_store(&config.database())
            .await
            .unwrap();
        for n in 0..620u64 {
            let id = uuid(10_000 + n);
            let json = feedback(&id);
            let sub = serde_json::from_value(json.clone()).unwrap();
            let received = time::format_millis(1_795_456_800_000 + n * 1000);
            let r = Record::new(&sub, json.to_string(), received);
            store
                .insert(r, Default::default(), Vec::new())
                .await
                .unwrap();
        }
        assert_eq!(store.count(Filter::default()).await.unwrap(), 620);
    });
    let server = TestServer::start_db(&db, with_inbox);
    let first = page(&server, "/inbox");
    assert!(first.contains("1–100 of 620"), "{first}");
    assert!(first.contains("href=\"/inbox?page=2\""));
    // The newest first: the last one written is on page 1, the first one on page 7.
    assert!(first.contains(&uuid(10_619)) && !first.contains(&uuid(10_000)));
    let last = page(&server, "/inbox?page=7");
    assert!(
        last.contains("601–620 of 620") && last.contains(&uuid(10_000)),
        "{last}"
    );
    assert!(!last.contains("rel=\"next\""));
    assert_eq!(last.matches("href=\"/inbox/item/").count(), 20);
    assert_eq!(get_bearer(server.addr, "/inbox?page=8", TOKEN).status, 404);
    assert_eq!(
        get_bearer(server.addr, "/inbox?page=zero", TOKEN).status,
        400
    );
    // Exports are not paged.
    let items = get_bearer(server.addr, "/inbox/export.json", TOKEN).json();
    assert_eq!(items.as_array().unwrap().len(), 620);
}

fn a_retry_that_passes_is_overdue_again(backend: Backend) {
    let db = TestDb::new(&backend);
    let (late, flagged, waiting) = (uuid(800), uuid(801), uuid(802));
    let now = time::now_millis();
    let at = |minutes: i64| time::format_millis((now as i64 + minutes * 60_000) as u64);
    block_on(async {
        let mut config = allo_collector::Config::new(&db.path);
        db.configure(&mut config);
        let store: Arc<dyn Store> = allo_collector::open_store(&config.database())
            .await
            .unwrap();
        for (id, phone) in [
            (&late, "+33600000800"),
            (&flagged, "+33600000801"),
            (&waiting, "+33600000802"),
        ] {
            let json = callback_due_in(id, phone, -60);
            let sub = serde_json::from_value(json.clone()).unwrap();
            let r = Record::new(&sub, json.to_string(), at(-61));
            store
                .insert(r, Default::default(), Vec::new())
                .await
                .unwrap();
        }
        // Called 50 minutes ago: retries planned 20 minutes ago, and in 20 minutes; a wrong
        // number.
        let call = |outcome, retry| allo_collector::attempts::AttemptInput {
            at: at(-50),
            by: "Ada".into(),
            outcome,
            retry_at: retry,
            note: String::new(),
        };
        use allo_collector::attempts::Outcome;
        store
            .record_attempt(late.clone(), call(Outcome::NoAnswer, Some(at(-20))), 3)
            .await
            .unwrap();
        store
            .record_attempt(waiting.clone(), call(Outcome::NoAnswer, Some(at(20))), 3)
            .await
            .unwrap();
        store
            .record_attempt(flagged.clone(), call(Outcome::WrongNumber, None), 3)
            .await
            .unwrap();
    });
    let server = TestServer::start_db(&db, with_inbox);
    let overdue = page(&server, "/inbox?status=overdue");
    assert!(overdue.contains(&late), "the retry passed: {overdue}");
    assert!(!overdue.contains(&waiting), "the retry is still ahead");
    assert!(!overdue.contains(&flagged), "nothing promised by phone");
    let queue = page(&server, "/inbox?view=callbacks");
    let now_section = section(&queue, "To call now");
    assert!(
        now_section.contains(&late) && now_section.contains("20 min late"),
        "{queue}"
    );
    assert!(section(&queue, "Trying again later").contains(&waiting));
}

fn a_previous_schema_runs_forward(backend: Backend) {
    let db = TestDb::new(&backend);
    let id = uuid(700);
    let json = callback_due_in(&id, "+33612345700", 30);
    let body = json.to_string().replace('\'', "''");
    let insert = format!(
        "INSERT INTO submissions (id, reference, kind, created_at, received_at, locale, visitor_name, \
         callback_phone_e164, callback_due_by, callback_promise_text, status, body) VALUES \
         ('{id}', 'ABCD-1234', 'callback', '2026-11-23T18:00:00.000Z', '2026-11-23T18:00:01.000Z', \
         'en', 'Zoë Old', '+33612345700', '2099-01-01T10:00:00.000Z', 'Soon.', 'new', '{body}')"
    );
    // A database as the previous collector left it: schema version 3, one row.
    match &backend {
        Backend::Sqlite => {
            let conn = rusqlite::Connection::open(&db.path).unwrap();
            for step in &allo_collector::store::sqlite::MIGRATIONS[..3] {
                conn.execute_batch(step).unwrap();
            }
            conn.execute_batch(&format!("{insert}; PRAGMA user_version = 3;"))
                .unwrap();
        }
        Backend::Postgres(_) => {
            let url = db.pg_url.as_deref().unwrap();
            for step in &allo_collector::store::postgres::MIGRATIONS[..3] {
                common::pg::exec(url, step);
            }
            common::pg::exec(
                url,
                &format!(
                    "{insert}; CREATE TABLE allo_schema_version (version INTEGER NOT NULL); \
                     INSERT INTO allo_schema_version VALUES (3);"
                ),
            );
        }
    }
    let server = TestServer::start_db(&db, with_inbox);
    // The old row is found by the search written for it after migrating, and can be called.
    assert!(page(&server, "/inbox?q=zoe").contains(&id));
    assert!(page(&server, "/inbox?q=0612345700").contains(&id));
    assert!(page(&server, "/inbox?view=callbacks").contains(&id));
    assert_eq!(
        call(&server, &id, &[("outcome", "no_answer"), ("retry", "30m")]).status,
        303
    );
    let items = get_bearer(server.addr, "/inbox/export.json", TOKEN).json();
    assert_eq!(items[0]["attempts_failed"], 1);
    assert_eq!(items[0]["promise_kept"], true);
    // A second start finds nothing left to do.
    drop(server);
    let server = TestServer::start_db(&db, with_inbox);
    assert!(page(&server, "/inbox?q=zoe").contains(&id));
    let _ = send(server.addr, "GET", "/healthz", &[], b"");
}

fn an_attempt_takes_the_id_in_either_case_and_a_note_with_nul(backend: Backend) {
    let server = TestServer::start_on(&backend, with_inbox);
    let id = uuid(700);
    submit(&server, &callback_due_in(&id, "+33600000700", 30));
    // Ids are compared in lower case everywhere (issue 16), the attempt form too; PostgreSQL
    // text cannot hold a NUL, so the note and the name lose it rather than giving a 503.
    let r = call(
        &server,
        &id.to_uppercase(),
        &[
            ("outcome", "no_answer"),
            ("retry", "30m"),
            ("note", "rang\0twice"),
            ("by", "Ana\0"),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let item = page(&server, &format!("/inbox/item/{id}"));
    assert!(item.contains("rangtwice") && item.contains("Ana"), "{item}");
}
