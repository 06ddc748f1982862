//! The one network path: POST a submission to the owner's endpoint and classify the outcome.
//!
//! Written on `web_sys::fetch` directly rather than a wrapper crate because delivery needs
//! every knob (`keepalive`, abort signals, `credentials: omit`) and the wrapper's bytes buy
//! nothing here. Every attempt carries the submission id twice, in the body and as the
//! `Idempotency-Key` header, so an endpoint can recognise a retry of something it already
//! stored. Every outcome maps to a [`TransportError`]; whether to try again is decided by
//! `allo_core::retry`, not here.
use allo_core::delivery::{self, Format, Settings};
use allo_core::form::SendFailure;
use allo_core::json::Value;
use allo_core::retry::Failure;
use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, RequestMode, Response};

/// Where and how to send: the endpoint plus the owner's delivery settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The endpoint URL (absolute or a path on the page's origin).
    pub endpoint: String,
    /// Body format.
    pub format: Format,
    /// Extra headers, already validated by `allo_core::delivery`.
    pub headers: Vec<(String, String)>,
    /// Per-attempt timeout in milliseconds.
    pub timeout_ms: u32,
}

impl Target {
    /// The target for `endpoint` with the owner's `settings`.
    pub fn new(endpoint: &str, settings: &Settings) -> Target {
        Target {
            endpoint: endpoint.to_owned(),
            format: settings.format,
            headers: settings.headers.clone(),
            timeout_ms: settings.timeout_ms,
        }
    }
}

/// What the endpoint said when it accepted the submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The token that reads this submission's status, when the endpoint offers one (the
    /// collector does; other endpoints simply don't, and the widget then offers no status).
    pub status_token: Option<String>,
}

/// Why an attempt did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The request could not even be built (no `window`, an unencodable body).
    Setup,
    /// No HTTP answer: offline, DNS, connection refused, or blocked by CORS.
    Network,
    /// The attempt took longer than its timeout.
    Timeout,
    /// The endpoint answered with a non-2xx status.
    Http {
        /// The status code.
        status: u16,
        /// The endpoint's own explanation (`message` of a JSON body), if any.
        message: Option<String>,
        /// Its `Retry-After`, in milliseconds from now, if it sent one Allo could read.
        retry_after_ms: Option<u64>,
    },
    /// The endpoint answered 2xx, but with a body that is not the JSON asked for (a proxy's
    /// HTML page, a truncated answer): it was reached, so this is not a network error.
    Unreadable,
}

impl TransportError {
    /// What the visitor is told.
    pub fn failure(&self) -> SendFailure {
        match self {
            TransportError::Setup | TransportError::Network | TransportError::Timeout => {
                SendFailure::Network
            }
            TransportError::Unreadable => SendFailure::Server,
            TransportError::Http { status, .. }
                if *status >= 500 || *status == 408 || *status == 429 =>
            {
                SendFailure::Server
            }
            // The collector's "we already have your request": reassure, in the visitor's language.
            TransportError::Http { status: 409, .. } => SendFailure::Duplicate,
            TransportError::Http { message, .. } => SendFailure::Rejected(message.clone()),
        }
    }

    /// The retry policy's view of it: the failure and the endpoint's `Retry-After`.
    pub fn retry_input(&self) -> (Failure, Option<u64>) {
        match self {
            // A request that cannot be built will not build next time either, but it is
            // never the endpoint's verdict: keep it (the outbox expires it eventually).
            TransportError::Setup | TransportError::Network | TransportError::Unreadable => {
                (Failure::Network, None)
            }
            TransportError::Timeout => (Failure::Timeout, None),
            TransportError::Http {
                status,
                retry_after_ms,
                ..
            } => (Failure::Status(*status), *retry_after_ms),
        }
    }
}

/// The encoded body for `target` of the submission whose JSON is `doc` (its size decides what
/// fits a `keepalive` batch).
pub fn body(target: &Target, doc: &Value) -> String {
    delivery::encode(doc, target.format)
}

/// The POST of `body`, the submission `id`'s encoded body.
fn request(target: &Target, id: &str, body: &str) -> Result<RequestInit, TransportError> {
    let headers = Headers::new().map_err(|_| TransportError::Setup)?;
    // The owner's headers first, so Allo's own always win (they were validated not to clash).
    for (name, value) in &target.headers {
        let _ = headers.set(name, value);
    }
    headers
        .set("Content-Type", target.format.content_type())
        .map_err(|_| TransportError::Setup)?;
    headers
        .set("Idempotency-Key", id)
        .map_err(|_| TransportError::Setup)?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    init.set_headers(&headers);
    init.set_mode(RequestMode::Cors);
    // No cookies, ever: the endpoint is often another origin and Allo is private by default.
    init.set_credentials(RequestCredentials::Omit);
    Ok(init)
}

/// Sends `body` (see [`body`]), the submission `id`, to `target` once, aborting after the
/// target's timeout.
pub async fn send(target: &Target, id: &str, body: &str) -> Result<Receipt, TransportError> {
    let init = request(target, id, body)?;
    let answer = fetch(&target.endpoint, &init, target.timeout_ms).await?;
    let response = &answer.response;
    if response.ok() {
        return Ok(Receipt {
            status_token: json(response).await.as_ref().and_then(status_token),
        });
    }
    let retry_after_ms = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| parse_retry_after(&v, crate::browser::now_ms()));
    Err(TransportError::Http {
        status: response.status(),
        message: json(response).await.as_ref().and_then(error_message),
        retry_after_ms,
    })
}

/// An answer, with the deadline that still runs while its body is read.
struct Answer {
    response: Response,
    /// Aborts the request, body included, when it fires; dropping it cancels it.
    _deadline: Option<Timeout>,
}

/// One `fetch` of `url` with `init`, aborted after `timeout_ms` (then [`TransportError::Timeout`]).
/// The one copy of the fetch-and-abort steps for the POST and the GETs (issue 22: each was its
/// own async state machine in the wasm).
async fn fetch(url: &str, init: &RequestInit, timeout_ms: u32) -> Result<Answer, TransportError> {
    let window = web_sys::window().ok_or(TransportError::Setup)?;
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let deadline = controller.map(|c| Timeout::new(timeout_ms, move || c.abort()));
    match JsFuture::from(window.fetch_with_str_and_init(url, init)).await {
        Ok(r) => Ok(Answer {
            response: r.unchecked_into(),
            _deadline: deadline,
        }),
        Err(e) => {
            let aborted = e
                .dyn_ref::<web_sys::DomException>()
                .is_some_and(|d| d.name() == "AbortError");
            Err(if aborted {
                TransportError::Timeout
            } else {
                TransportError::Network
            })
        }
    }
}

/// The whole body as text; one that breaks off mid-way is a network failure.
async fn text(response: &Response) -> Result<String, TransportError> {
    Ok(
        JsFuture::from(response.text().map_err(|_| TransportError::Network)?)
            .await
            .map_err(|_| TransportError::Network)?
            .as_string()
            .unwrap_or_default(),
    )
}

/// The body as JSON, if it is JSON.
async fn json(response: &Response) -> Option<Value> {
    crate::browser::parse_json(&text(response).await.ok()?)
}

/// Fires a last-chance `keepalive` request that outlives the page (used on `pagehide`;
/// `sendBeacon` cannot carry the `Idempotency-Key` header). Returns the fetch promise so a
/// page that survives (back/forward cache) can still learn the answer.
pub fn send_keepalive(target: &Target, id: &str, body: &str) -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let init = request(target, id, body).ok()?;
    // Not in web-sys's RequestInit yet; a plain property on the init dictionary.
    js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE).ok()?;
    Some(window.fetch_with_str_and_init(&target.endpoint, &init))
}

/// A `Retry-After` value in milliseconds from `now_ms`: delay-seconds or an HTTP-date.
/// Unreadable values count as absent (the backoff alone then decides).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.saturating_mul(1_000));
    }
    // Only something that looks like a date: `Date.parse` is lenient with odd strings.
    if !v.contains(' ') {
        return None;
    }
    let at = js_sys::Date::parse(v);
    at.is_finite().then(|| (at - now_ms).max(0.0) as u64)
}

/// The `message` field of a JSON error body, if there is one.
fn error_message(v: &Value) -> Option<String> {
    let msg = v.get("message")?.as_str()?.trim();
    // An endpoint's message is shown to the visitor: keep it to one short line.
    (!msg.is_empty()).then(|| msg.chars().take(200).collect())
}

/// The `status_token` of a JSON success body, if there is one.
fn status_token(v: &Value) -> Option<String> {
    let token = v.get("status_token")?.as_str()?;
    // A token is opaque but short and URL-safe; anything else is not one.
    let ok = (16..=200).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| token.to_owned())
}

/// Reads a status document with a plain GET (no custom headers, so no CORS preflight; no
/// cookies), aborting after `timeout_ms`.
pub async fn get_json(url: &str, timeout_ms: u32) -> Result<Value, TransportError> {
    let text = get_text(url, timeout_ms, None).await?;
    crate::browser::parse_json(&text).ok_or(TransportError::Unreadable)
}

/// The body of a plain GET as [`get_json`] makes it. With `integrity` (Subresource Integrity,
/// `sha256-…`) the browser refuses a body with other bytes: that is a [`TransportError::Network`].
pub async fn get_text(
    url: &str,
    timeout_ms: u32,
    integrity: Option<&str>,
) -> Result<String, TransportError> {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    if let Some(integrity) = integrity {
        init.set_integrity(integrity);
    }
    let answer = fetch(url, &init, timeout_ms).await?;
    if !answer.response.ok() {
        return Err(TransportError::Http {
            status: answer.response.status(),
            message: None,
            retry_after_ms: None,
        });
    }
    // One that arrives whole but is not JSON is the endpoint's.
    text(&answer.response).await
}
