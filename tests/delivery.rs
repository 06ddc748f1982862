//! Browser tests of delivery (wasm-bindgen-test in headless Chromium): the form encoding
//! against the browser's own `URLSearchParams`, and the outbox's write-before-send rule
//! against real endpoints (a refused port, the test server's 404, a `data:` URL) — no stubs;
//! and requests the outbox delivers in the background, followed like a foreground send.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use allo_core::delivery::{body, form_pairs, Format};
use allo_core::form::SendFailure;
use allo_core::outbox::Item;
use allo_core::submission::{Feedback, Kind, Metric, Page, Submission, Visitor, SCHEMA};
use allo_widget::sender::{deliver, Outcome};
use allo_widget::transport::parse_retry_after;
use allo_widget::visitor;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn submission(id: &str, message: &str) -> Submission {
    Submission {
        schema: SCHEMA.into(),
        id: id.into(),
        kind: Kind::Feedback,
        created_at: "2026-11-23T18:00:00.000Z".into(),
        locale: "fr-FR".into(),
        page: Some(Page {
            url: "https://shop.example/p?a=1&b=2#x".into(),
            title: "Café · «Lumen»".into(),
            referrer: String::new(),
        }),
        visitor: Visitor::default(),
        feedback: Some(Feedback {
            metric: Metric::Csat,
            score: 4,
            category: None,
            message: message.into(),
        }),
        callback: None,
        consent: None,
        client: None,
        context: Default::default(),
    }
}

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn stored(id: &str) -> Option<Item> {
    let raw = local().get_item(&format!("allo:outbox:{id}")).unwrap()?;
    Some(
        allo_core::json::FromJson::from_json(&allo_core::json::Value::parse(&raw).unwrap())
            .unwrap(),
    )
}

#[wasm_bindgen_test]
fn form_body_reads_back_through_url_search_params() {
    let sub = submission(
        "11111111-2222-4333-8444-555555555555",
        "Très bien & 100% + “merci”\nligne 2",
    );
    let encoded = body(&sub, Format::Form);
    // The browser's parser gets every dotted pair back unchanged...
    let params = web_sys::UrlSearchParams::new_with_str(&encoded).unwrap();
    for (k, v) in form_pairs(&sub) {
        assert_eq!(params.get(&k).as_deref(), Some(v.as_str()), "{k}");
    }
    assert_eq!(params.get("feedback.score").as_deref(), Some("4"));
    // ...and the browser's own serialisation of the same pairs is byte for byte ours.
    let theirs = web_sys::UrlSearchParams::new().unwrap();
    for (k, v) in form_pairs(&sub) {
        theirs.append(&k, &v);
    }
    assert_eq!(String::from(theirs.to_string()), encoded);
}

#[wasm_bindgen_test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = js_sys::Date::parse("Mon, 23 Nov 2026 18:00:00 GMT");
    assert_eq!(parse_retry_after("120", now), Some(120_000));
    assert_eq!(parse_retry_after(" 0 ", now), Some(0));
    assert_eq!(
        parse_retry_after("Mon, 23 Nov 2026 18:00:30 GMT", now),
        Some(30_000)
    );
    // A date in the past means "now".
    assert_eq!(
        parse_retry_after("Mon, 23 Nov 2026 17:00:00 GMT", now),
        Some(0)
    );
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-5", now), None);
}

#[wasm_bindgen_test]
async fn the_outbox_is_written_before_the_first_attempt_and_kept_when_it_fails() {
    let id = "22222222-2222-4333-8444-555555555555";
    let sub = submission(id, "refused");
    let outcome = Rc::new(RefCell::new(None));
    {
        let outcome = outcome.clone();
        // Port 9 on loopback: nothing listens, every attempt is refused.
        wasm_bindgen_futures::spawn_local(async move {
            *outcome.borrow_mut() = Some(deliver("http://127.0.0.1:9/v1/submissions", &sub).await);
        });
    }
    // Let the delivery task run up to its first pause (it takes the item's Web Lock before
    // it fetches): the item is already in storage, untouched by any attempt.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
        .await
        .unwrap();
    assert!(outcome.borrow().is_none());
    let item = stored(id).expect("saved before the first attempt");
    assert_eq!(item.attempts, 0);
    assert!(item.lease.is_some(), "claimed by the sending tab");
    // Every attempt is refused; the item stays, with the attempts counted.
    while outcome.borrow().is_none() {
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    assert_eq!(outcome.borrow().clone(), Some(Outcome::Queued));
    let item = stored(id).expect("kept for later");
    assert_eq!((item.attempts, item.lease), (2, None));
    assert_eq!(
        item.submission["feedback"]["message"].as_str(),
        Some("refused")
    );
    local().remove_item(&format!("allo:outbox:{id}")).unwrap();
}

#[wasm_bindgen_test]
async fn a_permanent_refusal_clears_the_outbox() {
    let id = "33333333-2222-4333-8444-555555555555";
    // The test server answers 404 for a path it does not have: a refusal for good.
    let outcome = deliver("/allo-no-such-endpoint", &submission(id, "rejected")).await;
    assert!(
        matches!(outcome, Outcome::Failed(SendFailure::Rejected(_))),
        "{outcome:?}"
    );
    assert!(stored(id).is_none());
}

#[wasm_bindgen_test]
async fn a_2xx_clears_the_outbox() {
    let id = "44444444-2222-4333-8444-555555555555";
    // A data: URL answers 200 to any method: an endpoint without a server.
    let outcome = deliver("data:application/json,{}", &submission(id, "accepted")).await;
    assert!(matches!(outcome, Outcome::Delivered(_)), "{outcome:?}");
    assert!(stored(id).is_none());
}

/// The token [`TOKEN_ENDPOINT`] hands out (the collector's are opaque, URL-safe and 16+ long).
const TOKEN: &str = "background-token-0001";

/// A `data:` URL standing in for the collector: it accepts any POST with
/// `{"status_token": TOKEN}`.
const TOKEN_ENDPOINT: &str =
    "data:application/json,%7B%22status_token%22%3A%22background-token-0001%22%7D";

/// Puts `sub` in the outbox as a page that could not send it would have left it: no lease,
/// due now.
fn leave_in_outbox(endpoint: &str, sub: Submission) {
    let mut item = Item::new(
        endpoint,
        &sub,
        js_sys::Date::now() as u64,
        "an-earlier-page",
        0,
    );
    item.lease = None;
    let json = allo_core::json::ToJson::to_json(&item).to_string();
    local()
        .set_item(&format!("allo:{}", item.key()), &json)
        .unwrap();
}

/// Delivers `sub` the way a visitor coming back online does: the route to the endpoint is
/// known (a send on this page registered it), the browser fires `online`, and the worker
/// sends what the outbox holds. Returns once the item has left the outbox.
async fn deliver_in_background(sub: Submission) {
    let id = sub.id.clone();
    // A foreground send registers the endpoint's route (a booted widget would, with `start`).
    let first = deliver(
        TOKEN_ENDPOINT,
        &submission("55555555-0000-4333-8444-555555555555", "route"),
    )
    .await;
    assert_eq!(first, Outcome::Delivered(Some(TOKEN.to_owned())));
    leave_in_outbox(TOKEN_ENDPOINT, sub);
    let window = web_sys::window().unwrap();
    window
        .dispatch_event(&web_sys::Event::new("online").unwrap())
        .unwrap();
    for _ in 0..250 {
        if stored(&id).is_none() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    panic!("{id} was not delivered from the outbox");
}

/// Starts from a visitor this device knows nothing about.
fn forget_everything() {
    visitor::update(false, "", "", "");
}

#[wasm_bindgen_test]
fn forget_me_forgets_the_followed_requests_too() {
    visitor::update(true, "Léa", "", "");
    let t = visitor::Tracked::new(
        "/v1/submissions",
        "99999999-2222-4333-8444-555555555555",
        Kind::Callback,
        "token-0000000000001".into(),
    )
    .unwrap();
    visitor::add(t);
    assert_eq!(visitor::list().len(), 1);
    // What the hooks do after a send (delivered or only queued) with the box unticked.
    visitor::update(false, "Léa", "", "");
    assert_eq!(visitor::load(), None);
    assert!(visitor::list().is_empty());
    assert_eq!(
        local().get_item("allo:requests").unwrap(),
        None,
        "nothing left in storage"
    );
}

#[wasm_bindgen_test]
async fn a_request_delivered_in_the_background_is_followed_for_a_remembered_visitor() {
    forget_everything();
    // The hooks remember the visitor when the request is queued, before any background send.
    visitor::update(true, "Léa", "", "");
    let id = "66666666-2222-4333-8444-555555555555";
    deliver_in_background(submission(id, "queued, then delivered")).await;
    let followed: Vec<_> = visitor::list().into_iter().filter(|t| t.id == id).collect();
    assert_eq!(followed.len(), 1, "{followed:?}");
    assert_eq!(
        (followed[0].kind.as_str(), followed[0].token.as_str()),
        ("feedback", TOKEN)
    );
    assert!(
        followed[0]
            .url
            .ends_with(&format!("/{id}/status?token={TOKEN}")),
        "{}",
        followed[0].url
    );
    forget_everything();
}

#[wasm_bindgen_test]
async fn a_request_delivered_in_the_background_is_not_followed_without_remember_me() {
    forget_everything();
    let id = "77777777-2222-4333-8444-555555555555";
    deliver_in_background(submission(id, "queued, then delivered")).await;
    assert!(visitor::list().is_empty());
    assert_eq!(
        local().get_item("allo:requests").unwrap(),
        None,
        "nothing stored"
    );
}

#[wasm_bindgen_test]
async fn a_request_already_followed_is_not_followed_twice() {
    forget_everything();
    visitor::update(true, "Léa", "", "");
    let id = "88888888-2222-4333-8444-555555555555";
    let mut earlier = visitor::Tracked::new(
        "/v1/submissions",
        id,
        Kind::Feedback,
        "earlier-token-0001".into(),
    )
    .unwrap();
    earlier.sent_ms -= 60_000.0;
    visitor::add(earlier.clone());
    deliver_in_background(submission(id, "sent twice")).await;
    assert_eq!(visitor::list(), vec![earlier]);
    forget_everything();
}

/// Runs `code` in the page (test set-up only: stubs that the browser offers no other way to get).
fn js(code: &str) -> JsValue {
    js_sys::Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .expect("test script")
}

#[wasm_bindgen_test]
fn a_failed_storage_write_says_what_was_not_saved() {
    // A full quota: every write throws. The messages the widget says are recorded: this
    // runner's glue has no `alloSay` of its own (loader/glue-console.js), so the page's is
    // called; each is written out here with its text from allo_core::msg.
    js("window.__said = []; window.__setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
        window.alloSay = (level, code, args) => window.__said.push([level, code, args]);");
    visitor::update(true, "Ana Martin", "ana@example.com", "+33612345678");
    let said = js("const s = window.__said; delete window.alloSay;
        Storage.prototype.setItem = window.__setItem; return s;");
    let warns: Vec<String> = js_sys::Array::from(&said)
        .iter()
        .map(|m| {
            let m = js_sys::Array::from(&m);
            assert_eq!(m.get(0).as_f64(), Some(1.0), "a console.warn");
            let code = allo_core::msg::Code::ALL[m.get(1).as_f64().unwrap_or_default() as usize];
            let args = m.get(2).as_string().unwrap_or_default();
            let args: Vec<String> = args.split('\0').map(str::to_owned).collect();
            allo_core::msg::fill(code.template(), &args)
        })
        .collect();
    let warns = warns.join("\n");
    assert!(
        warns.contains("your details will not be remembered"),
        "{warns}"
    );
    assert!(!warns.contains("draft"), "{warns}");
}

#[wasm_bindgen_test]
async fn a_readable_answer_that_is_not_json_is_not_a_network_error() {
    use allo_widget::transport::{get_json, TransportError};
    assert_eq!(
        get_json("data:application/json,%3Chtml%3E", 2_000).await,
        Err(TransportError::Unreadable)
    );
    assert!(get_json("data:application/json,%7B%7D", 2_000)
        .await
        .is_ok());
}
