//! Delivery: hands a finished submission to the transport and reports what the visitor
//! should be told. Forms call [`deliver`] and never the transport directly, so how hard Allo
//! tries (retries, the outbox) is decided in one place.
//!
//! The outbox: before the first attempt the submission is written to `localStorage`
//! (`allo:outbox:<id>`, rules in `allo_core::outbox`), and it is removed only after a 2xx or a
//! permanent refusal. Whatever is left is sent again by a small worker that [`start`] wires up
//! at boot: once at page load (reading only — nothing is written while the outbox is empty),
//! on the browser's `online` event, on a timer set from the retry policy's delays, and one
//! last time with `fetch(…, { keepalive: true })` when the page is hidden. Items older than
//! the owner's `outboxTtl` are dropped with a `console.warn` naming their reference. What the
//! worker delivers is followed like a foreground send ([`visitor::follow_delivered`]).
//!
//! Tabs: every send of an item happens under the Web Lock `allo-outbox:<id>` (one lock per
//! item, so the visitor's own send never queues behind another tab's retries) and after
//! writing a lease into the item; a tab that finds the lock taken or a live lease leaves the
//! item alone. Where Web Locks are missing (plain-http pages, old browsers) the lease alone
//! decides, verified by reading it back after a short settle. The endpoint's idempotency by
//! id is the final backstop.
use std::cell::RefCell;

use allo_core::config::Config;
use allo_core::delivery::{Settings, DEFAULT_OUTBOX_TTL_MS};
use allo_core::form::SendFailure;
use allo_core::outbox::{self, Item, LEASE_MARGIN_MS};
use allo_core::retry::{self, Decision, Policy};
use allo_core::submission::Submission;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::transport::{self, Target, TransportError};
use crate::{browser, storage, visitor};

/// What happened to a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint accepted it, with the token that reads its status if the endpoint gave one.
    Delivered(Option<String>),
    /// Stored to be sent later (the visitor or the endpoint is offline).
    Queued,
    /// It did not go through and will not be retried automatically.
    Failed(SendFailure),
}

/// How long a tab waits after writing its lease before reading it back to see whether
/// another tab's write won: `localStorage` reaches other tabs asynchronously. It matters
/// without Web Locks, and against a tab being closed (which sends without a lock).
const CLAIM_SETTLE_MS: u32 = 100;

/// How the outbox sends to one endpoint (one per widget booted on the page).
#[derive(Clone, Debug)]
struct Route {
    target: Target,
    policy: Policy,
    ttl_ms: u64,
}

impl Route {
    fn new(endpoint: &str, settings: &Settings) -> Route {
        Route {
            target: Target::new(endpoint, settings),
            policy: Policy::with_base(settings.retry_base_ms),
            ttl_ms: settings.outbox_ttl_ms,
        }
    }

    /// How long a claim lasts: one attempt plus a margin.
    fn lease_ms(&self) -> u64 {
        u64::from(self.target.timeout_ms) + LEASE_MARGIN_MS
    }

    /// How long the claim of a last-chance `keepalive` send lasts.
    fn exit_lease_ms(&self) -> u64 {
        outbox::exit_lease_ms(u64::from(self.target.timeout_ms))
    }
}

/// The routes by endpoint: a page has one or two, so a `Vec` searched in order does what a
/// `HashMap` did in fewer bytes of wasm (its table code for this type was ~1 KB; issue 22).
#[derive(Default)]
struct Routes(Vec<(String, Route)>);

impl Routes {
    fn get(&self, endpoint: &str) -> Option<&Route> {
        self.0.iter().find(|(e, _)| e == endpoint).map(|(_, r)| r)
    }

    /// Sets the route for `endpoint`, replacing the one it had.
    fn insert(&mut self, endpoint: &str, route: Route) {
        match self.0.iter_mut().find(|(e, _)| e == endpoint) {
            Some((_, r)) => *r = route,
            None => self.0.push((endpoint.to_owned(), route)),
        }
    }
}

/// A listener on `window`, kept so that it can be removed again.
type Listener = Closure<dyn Fn(web_sys::Event)>;

/// The page's outbox worker.
#[derive(Default)]
struct Worker {
    routes: Routes,
    tab: String,
    claims: u64,
    /// The page listeners [`listen`] added, kept so that `Allo.destroy()` can remove them.
    listeners: Vec<(&'static str, Listener)>,
    listening: bool,
    flushing: bool,
    again: bool,
    timer: Option<(u64, Timeout)>,
}

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

fn now() -> u64 {
    browser::now_ms() as u64
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// A fresh lease owner: this tab's random id plus a counter, so two sends in one tab (the
/// form's and the worker's) also tell each other apart.
fn claimant() -> String {
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        if w.tab.is_empty() {
            for b in &browser::random_bytes()[..6] {
                allo_core::id::push_hex(&mut w.tab, *b);
            }
        }
        w.claims += 1;
        format!("{}-{}", w.tab, w.claims)
    })
}

/// The route for `endpoint`, registering the defaults when no widget on the page set it up.
fn route(endpoint: &str) -> Route {
    let (route, fresh) = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        match w.routes.get(endpoint) {
            Some(r) => (r.clone(), false),
            None => {
                let r = Route::new(endpoint, &Settings::default());
                w.routes.insert(endpoint, r.clone());
                (r, true)
            }
        }
    });
    if fresh {
        listen();
    }
    route
}

fn served_ttl(endpoint: &str) -> Option<u64> {
    WORKER.with(|w| w.borrow().routes.get(endpoint).map(|r| r.ttl_ms))
}

/// The gap a waiting tab keeps between looks: the smallest retry base on the page.
fn min_gap() -> u64 {
    WORKER.with(|w| {
        w.borrow()
            .routes
            .0
            .iter()
            .map(|(_, r)| r.policy.base_ms)
            .min()
            .unwrap_or(retry::BASE_DELAY_MS)
    })
}

/// Starts delivery for a booted widget: registers its endpoint and settings and, the first
/// time on this page, listens for `online`, `pagehide` and other tabs' outbox writes, then
/// looks at the outbox once (reading only).
pub fn start(config: &Config) {
    WORKER.with(|w| {
        w.borrow_mut().routes.insert(
            &config.endpoint,
            Route::new(&config.endpoint, &config.delivery),
        )
    });
    listen();
    kick();
}

fn listen() {
    let first = WORKER.with(|w| !std::mem::replace(&mut w.borrow_mut().listening, true));
    let Some(window) = web_sys::window().filter(|_| first) else {
        return;
    };
    let on_online = Listener::new(|_| kick());
    let on_hide = Listener::new(|_| on_page_hide());
    // Another tab queued or cleared something: re-plan (reads only).
    let on_storage = Listener::new(|e: web_sys::Event| {
        let ours = e
            .dyn_ref::<web_sys::StorageEvent>()
            .and_then(|e| e.key())
            .as_deref()
            .and_then(storage::own_key)
            .is_some_and(|k| k.starts_with(outbox::KEY_PREFIX));
        if ours {
            schedule();
        }
    });
    let listeners = vec![
        ("online", on_online),
        ("pagehide", on_hide),
        ("storage", on_storage),
    ];
    for (event, f) in &listeners {
        let _ = window.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
    }
    WORKER.with(|w| w.borrow_mut().listeners = listeners);
    crate::js_api::on_destroy(stop);
}

/// `Allo.destroy()`: removes the page listeners and the timer and forgets the endpoints, so
/// nothing of Allo's runs on the page any more. A pass already under way finishes its send
/// (the submission is the visitor's) but sets no new timer. What is left in the outbox is
/// sent when Allo next starts.
fn stop() {
    let (listeners, timer) = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        w.listening = false;
        w.routes.0.clear();
        (std::mem::take(&mut w.listeners), w.timer.take())
    });
    drop(timer); // a gloo Timeout is cleared when dropped
    if let Some(window) = web_sys::window() {
        for (event, f) in &listeners {
            let _ = window.remove_event_listener_with_callback(event, f.as_ref().unchecked_ref());
        }
    }
}

/// Runs a pass over the outbox soon.
fn kick() {
    wasm_bindgen_futures::spawn_local(flush());
}

/// Every item in the outbox; unreadable records are dropped with a warning.
fn read_all() -> Vec<Item> {
    let mut out = Vec::new();
    for key in storage::keys(outbox::KEY_PREFIX) {
        match storage::load::<Item>(&key) {
            Some(item) => out.push(item),
            None if storage::contains(&key) => {
                storage::remove(&key);
                crate::messages::warn(allo_core::msg::Msg::new(
                    allo_core::msg::Code::OutboxUnreadable,
                    vec![key],
                ));
            }
            None => {}
        }
    }
    out
}

/// `ttl` in words for a console message: whole days when it is whole days, else hours.
fn duration(ms: u64) -> String {
    const HOUR: u64 = 3_600_000;
    let (n, unit) = if ms % (24 * HOUR) == 0 {
        (ms / (24 * HOUR), "day")
    } else {
        (ms.div_ceil(HOUR), "hour")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn reference(item: &Item) -> String {
    allo_core::id::reference(item.id())
}

/// Sets the timer for the next pass from what the outbox holds now, keeping an earlier timer.
fn schedule() {
    let now = now();
    let gap = min_gap();
    let plan = outbox::plan(&read_all(), now, "", served_ttl, DEFAULT_OUTBOX_TTL_MS, gap);
    let at = if plan.due.is_empty() && plan.expired.is_empty() {
        plan.wake_at_ms
    } else {
        Some(now + gap)
    };
    let Some(at) = at else { return };
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        // Stopped (`Allo.destroy()`): no endpoint left to send to, so no timer either.
        if w.routes.0.is_empty() || w.timer.as_ref().is_some_and(|(t, _)| *t <= at) {
            return;
        }
        let delay = at.saturating_sub(now).min(i32::MAX as u64) as u32;
        let timer = Timeout::new(delay, || {
            WORKER.with(|w| w.borrow_mut().timer = None);
            kick();
        });
        w.timer = Some((at, timer));
    });
}

/// One pass: drop what expired, send what is due (oldest first), then set the next timer.
async fn flush() {
    let busy = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        w.again = w.flushing;
        std::mem::replace(&mut w.flushing, true)
    });
    if busy {
        return;
    }
    loop {
        let now = now();
        let items = read_all();
        let plan = outbox::plan(
            &items,
            now,
            "",
            served_ttl,
            DEFAULT_OUTBOX_TTL_MS,
            min_gap(),
        );
        for id in &plan.expired {
            if let Some(item) = items.iter().find(|i| i.id() == id) {
                storage::remove(&item.key());
                let ttl = served_ttl(&item.endpoint).unwrap_or(DEFAULT_OUTBOX_TTL_MS);
                crate::messages::warn(allo_core::msg::Msg::new(
                    allo_core::msg::Code::OutboxExpired,
                    vec![
                        item.created_at().to_string(),
                        reference(item),
                        item.endpoint.clone(),
                        duration(ttl),
                    ],
                ));
            }
        }
        for id in &plan.due {
            let Some(item) = items.iter().find(|i| i.id() == id) else {
                continue;
            };
            if let Some(route) = WORKER.with(|w| w.borrow().routes.get(&item.endpoint).cloned()) {
                send_saved(&route, id).await;
            }
        }
        let again = WORKER.with(|w| {
            let mut w = w.borrow_mut();
            let again = std::mem::take(&mut w.again);
            w.flushing = again;
            again
        });
        if !again {
            break;
        }
    }
    schedule();
}

/// Sends one saved item, if this tab can claim it.
async fn send_saved(route: &Route, id: &str) {
    let key = outbox::key(id);
    let lock = lock::acquire(&lock::name(id), false).await;
    if matches!(lock, lock::Lock::Busy) {
        return;
    }
    let me = claimant();
    let Some(mut item) = storage::load::<Item>(&key) else {
        return; // delivered by another tab meanwhile
    };
    if !item.sendable_by(&me, now()) {
        return;
    }
    item.claim(&me, now(), route.lease_ms() + u64::from(CLAIM_SETTLE_MS));
    let _ = storage::try_save(&key, &item);
    // Even under the lock: a tab being closed sends without one, and its lease may still be
    // on its way to this tab. Whoever's lease is read back after the settle sends.
    TimeoutFuture::new(CLAIM_SETTLE_MS).await;
    let still_mine = storage::load::<Item>(&key)
        .and_then(|i| i.lease)
        .is_some_and(|l| l.owner == me);
    if !still_mine {
        return;
    }
    let body = transport::body(&route.target, &item.submission);
    let result = transport::send(&route.target, id, &body).await;
    match result {
        Ok(receipt) => {
            storage::remove(&key);
            // Nobody is waiting on this send, so the status token is recorded here or lost.
            visitor::follow_delivered(&item.endpoint, id, item.kind(), receipt.status_token);
        }
        Err(e) => {
            let (failure, retry_after) = e.retry_input();
            let decision = route.policy.next_delay(
                item.attempts,
                failure,
                retry_after,
                js_sys::Math::random(),
            );
            // Gone meanwhile (a last-chance send from a closing tab got through): keep it gone.
            if !storage::contains(&key) {
                return;
            }
            let asked = failure.honours_retry_after() && retry_after.is_some();
            if item.record_failure(now(), decision, asked) {
                let _ = storage::try_save(&key, &item);
            } else {
                storage::remove(&key);
                crate::messages::warn(allo_core::msg::Msg::new(
                    allo_core::msg::Code::OutboxRefused,
                    vec![item.endpoint.clone(), reference(&item), refusal_detail(&e)],
                ));
            }
        }
    }
    drop(lock);
}

fn refusal_detail(e: &TransportError) -> String {
    match e {
        TransportError::Http {
            status,
            message: Some(m),
            ..
        } => format!(" with {status}: {m}"),
        TransportError::Http { status, .. } => format!(" with {status}"),
        _ => String::new(),
    }
}

/// The page is being hidden (closed, navigated away, or put in the back/forward cache): send
/// what may go now with `keepalive`, which outlives the page. Each item is leased first so
/// other tabs wait for this request instead of racing it; if it fails, the lease lapses and
/// the next page (or tab) takes over.
fn on_page_hide() {
    let now = now();
    let mut sized = Vec::new();
    for item in read_all() {
        let Some(route) = WORKER.with(|w| w.borrow().routes.get(&item.endpoint).cloned()) else {
            continue;
        };
        let body = transport::body(&route.target, &item.submission);
        sized.push((item, route, body));
    }
    let pairs: Vec<(&Item, usize)> = sized.iter().map(|(i, _, b)| (i, b.len())).collect();
    let batch = outbox::exit_batch(&pairs, now, served_ttl);
    // The items read are this function's own: each one sent is claimed in place (a clone of
    // the submission was code of its own in the wasm; issue 22).
    for (mut item, route, body) in sized {
        if !batch.iter().any(|id| id == item.id()) {
            continue;
        }
        let key = item.key();
        item.claim(&claimant(), now, route.exit_lease_ms());
        let _ = storage::try_save(&key, &item);
        let Some(request) = transport::send_keepalive(&route.target, item.id(), &body) else {
            continue;
        };
        // If the page survives (back/forward cache), learn the answer; otherwise the next
        // page sends it again and the endpoint recognises the id.
        // (A future, not a pair of `once_into_js` handlers: the one not called would never be
        // freed.)
        wasm_bindgen_futures::spawn_local(async move {
            let answer = wasm_bindgen_futures::JsFuture::from(request).await;
            if answer.is_ok_and(|r| r.dyn_ref::<web_sys::Response>().is_some_and(|r| r.ok())) {
                storage::remove(&key);
            }
        });
    }
}

/// Sends `sub` to `endpoint`: saved to the outbox first, then one attempt and, when that
/// fails in a way that may pass and the wait is short, one quick retry while the visitor
/// watches. Still failing, it stays in the outbox ([`Outcome::Queued`]); a permanent refusal
/// (4xx other than 408/429) removes it and is reported ([`Outcome::Failed`]). When the outbox
/// cannot be written (storage disabled or full) nothing can be promised for later, so a
/// failure is reported as [`Outcome::Failed`] instead of `Queued`.
pub async fn deliver(endpoint: &str, sub: &Submission) -> Outcome {
    let route = route(endpoint);
    let me = claimant();
    let mut item = Item::new(endpoint, sub, now(), &me, route.lease_ms());
    let key = item.key();
    // Encoded once: every attempt sends the same bytes.
    let body = transport::body(&route.target, &item.submission);
    // Write before send: from here on the message survives a crash, a closed tab, a reload.
    let saved = storage::try_save(&key, &item).is_ok();
    let _lock = lock::acquire(&lock::name(&sub.id), true).await;

    if saved && !online() {
        item.lease = None;
        let _ = storage::try_save(&key, &item);
        schedule();
        return Outcome::Queued;
    }

    let mut quick_retry_used = false;
    loop {
        let err = match transport::send(&route.target, &sub.id, &body).await {
            Ok(receipt) => {
                storage::remove(&key);
                return Outcome::Delivered(receipt.status_token);
            }
            Err(e) => e,
        };
        let (failure, retry_after) = err.retry_input();
        let decision =
            route
                .policy
                .next_delay(item.attempts, failure, retry_after, js_sys::Math::random());
        let Decision::RetryAfter(delay) = decision else {
            storage::remove(&key);
            return Outcome::Failed(err.failure());
        };
        if !quick_retry_used && retry::worth_waiting(failure, delay) && online() {
            quick_retry_used = true;
            item.attempts += 1;
            // Keep the claim through the wait and the next attempt.
            item.claim(&me, now(), delay + route.lease_ms());
            if saved {
                let _ = storage::try_save(&key, &item);
            }
            TimeoutFuture::new(delay as u32).await;
            continue;
        }
        let asked = failure.honours_retry_after() && retry_after.is_some();
        item.record_failure(now(), decision, asked);
        if saved && storage::try_save(&key, &item).is_ok() {
            schedule();
            return Outcome::Queued;
        }
        storage::remove(&key);
        return Outcome::Failed(err.failure());
    }
}

/// Web Locks through `navigator.locks` (web-sys exposes it only behind an unstable cfg, so
/// the two calls needed are bound here).
mod lock {
    use js_sys::{Function, Object, Promise, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        /// `navigator.locks`.
        type LockManager;
        #[wasm_bindgen(method, catch, js_name = request)]
        fn request(
            this: &LockManager,
            name: &str,
            options: &JsValue,
            callback: &Function,
        ) -> Result<Promise, JsValue>;
    }

    /// The result of asking for a lock.
    pub enum Lock {
        /// Held until dropped.
        Held {
            /// Dropping it releases the lock.
            _release: Release,
        },
        /// Another holder has it (only when not waiting).
        Busy,
        /// No Web Locks here: fall back to leases.
        Unsupported,
    }

    /// Releases the lock when dropped.
    pub struct Release(Function);

    impl Drop for Release {
        fn drop(&mut self) {
            let _ = self.0.call0(&JsValue::UNDEFINED);
        }
    }

    /// The lock guarding one outbox item.
    pub fn name(id: &str) -> String {
        format!("allo-outbox:{id}")
    }

    fn manager() -> Option<LockManager> {
        let nav = web_sys::window()?.navigator();
        let locks = Reflect::get(&nav, &JsValue::from_str("locks")).ok()?;
        (locks.is_object()).then(|| locks.unchecked_into())
    }

    /// A promise and the function that resolves it.
    fn deferred() -> (Promise, Function) {
        let mut resolve = None;
        let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
        // The executor runs synchronously inside `new Promise`.
        (
            promise,
            resolve.unwrap_or_else(|| Function::new_no_args("")),
        )
    }

    /// Takes the exclusive lock `name`, waiting for it when `wait`, else answering
    /// [`Lock::Busy`] at once when someone holds it.
    pub async fn acquire(name: &str, wait: bool) -> Lock {
        let Some(locks) = manager() else {
            return Lock::Unsupported;
        };
        let (held, release) = deferred();
        let (granted, grant) = deferred();
        let on_grant = grant.clone();
        // The lock stays held until the promise this callback returns settles.
        let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            let _ = on_grant.call1(&JsValue::UNDEFINED, &JsValue::from_bool(!lock.is_null()));
            held.into()
        });
        let options = Object::new();
        let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::from_bool(!wait));
        let Ok(request) = locks.request(name, &options, callback.unchecked_ref()) else {
            return Lock::Unsupported;
        };
        // A refused request (e.g. a sandboxed frame) must not leave us waiting forever. Watched
        // through a future rather than a `once_into_js` rejection handler: that handler is
        // never called when all goes well, and an uncalled `once_into_js` closure is never
        // freed (it kept `grant` alive: JS heap growth on every send). The request settles
        // when the lock is released, and the future with it.
        wasm_bindgen_futures::spawn_local(async move {
            if JsFuture::from(request).await.is_err() {
                let _ = grant.call1(&JsValue::UNDEFINED, &JsValue::from_str("error"));
            }
        });
        match JsFuture::from(granted).await.ok().and_then(|v| v.as_bool()) {
            Some(true) => Lock::Held {
                _release: Release(release),
            },
            Some(false) => {
                let _ = release.call0(&JsValue::UNDEFINED);
                Lock::Busy
            }
            None => Lock::Unsupported,
        }
    }
}
