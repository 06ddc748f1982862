//! The one network path: POST a submission to the owner's endpoint and classify the outcome.
//!
//! Written on `web_sys::fetch` directly rather than a wrapper crate because later delivery work
//! needs every knob (`keepalive`, abort signals, `credentials: omit`) and the wrapper's bytes
//! buy nothing here. Every outcome maps to a [`TransportError`] the UI turns into a message.
use allo_core::form::SendFailure;
use allo_core::submission::Submission;
use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, RequestMode, Response};

/// How long one attempt may take before it is aborted.
pub const ATTEMPT_TIMEOUT_MS: u32 = 15_000;

/// What the endpoint said when it accepted the submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The HTTP status (201 for new, 200 for a repeat the endpoint already had).
    pub status: u16,
}

/// Why an attempt did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// No HTTP answer: offline, DNS, connection refused, or blocked by CORS.
    Network,
    /// The attempt took longer than [`ATTEMPT_TIMEOUT_MS`].
    Timeout,
    /// The endpoint answered with a non-2xx status, and its `message` if it sent JSON with one.
    Http {
        /// The status code.
        status: u16,
        /// The endpoint's own explanation.
        message: Option<String>,
    },
}

impl TransportError {
    /// What the visitor is told.
    pub fn failure(&self) -> SendFailure {
        match self {
            TransportError::Network | TransportError::Timeout => SendFailure::Network,
            TransportError::Http { status, .. }
                if *status >= 500 || *status == 408 || *status == 429 =>
            {
                SendFailure::Server
            }
            TransportError::Http { status: 409, .. } => SendFailure::Duplicate,
            TransportError::Http { message, .. } => SendFailure::Rejected(message.clone()),
        }
    }
}

/// Sends `sub` as JSON to `endpoint`, with its id as the `Idempotency-Key`.
pub async fn send(endpoint: &str, sub: &Submission) -> Result<Receipt, TransportError> {
    let body = serde_json::to_string(sub).map_err(|_| TransportError::Network)?;
    let window = web_sys::window().ok_or(TransportError::Network)?;
    let headers = Headers::new().map_err(|_| TransportError::Network)?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|_| TransportError::Network)?;
    headers
        .set("Idempotency-Key", &sub.id)
        .map_err(|_| TransportError::Network)?;

    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    init.set_headers(&headers);
    init.set_mode(RequestMode::Cors);
    // No cookies, ever: the endpoint is often another origin and Allo is private by default.
    init.set_credentials(RequestCredentials::Omit);
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    // Dropping the timer (when this function returns) cancels it.
    let _deadline = controller.map(|c| Timeout::new(ATTEMPT_TIMEOUT_MS, move || c.abort()));

    let response = match JsFuture::from(window.fetch_with_str_and_init(endpoint, &init)).await {
        Ok(r) => r.unchecked_into::<Response>(),
        Err(e) => {
            let aborted = e
                .dyn_ref::<web_sys::DomException>()
                .is_some_and(|d| d.name() == "AbortError");
            return Err(if aborted {
                TransportError::Timeout
            } else {
                TransportError::Network
            });
        }
    };
    let status = response.status();
    if response.ok() {
        return Ok(Receipt { status });
    }
    Err(TransportError::Http {
        status,
        message: error_message(&response).await,
    })
}

/// The `message` field of a JSON error body, if there is one.
async fn error_message(response: &Response) -> Option<String> {
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let msg = v.get("message")?.as_str()?.trim();
    // An endpoint's message is shown to the visitor: keep it to one short line.
    (!msg.is_empty()).then(|| msg.chars().take(200).collect())
}
