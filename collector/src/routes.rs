//! The HTTP API: thin handlers that read the request, call `intake` and the store, answer.
//!
//! | method | path              | answer                                                   |
//! |--------|-------------------|----------------------------------------------------------|
//! | POST   | `/v1/submissions` | 201 `{id, reference, status_token}` new, 200 same for a repeat of the same submission, 409 for another one with a stored id |
//! | GET    | `/v1/submissions/{id}/status` | 200 the visitor-facing status (token as `?token=` or Bearer); 401 without a token, 404 for a wrong token or id |
//! | GET    | `/healthz`        | 200 `{"status":"ok"}` once the database answered         |
//!
//! Errors are [`ApiError`]s: JSON `{error, message}` (plus `problems` for `invalid`,
//! `reference` for `duplicate`). Floods get 429 with `Retry-After`: per client address
//! before the body is read, per phone number when the callback is stored, and per address
//! for wrong status tokens (counted with the inbox's wrong credentials).
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use tokio::sync::Notify;

use allo_core::status::StatusAnswer;

use crate::error::ApiError;
use crate::intake::{self, BODY_LIMIT};
use crate::limits::{Limited, Limits, StatusRequests, Submissions};
use crate::mail::MailSettings;
use crate::ratelimit;
use crate::status_token::StatusKey;
use crate::store::{Inserted, Record, Store};
use crate::webhook::{self, WebhookFormat};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Where submissions go.
    pub store: Arc<dyn Store>,
    /// Flood and duplicate protection.
    pub limits: Arc<Limits>,
    /// Where new submissions are forwarded.
    pub webhooks: Arc<Webhooks>,
    /// Who is emailed about new submissions; `None` when notifications are off.
    pub mail: Option<Arc<MailSettings>>,
    /// The key status tokens are derived from.
    pub status_key: Arc<StatusKey>,
    /// Emails to visitors (receipts, notices, replies); `None` when they are off.
    pub visitor_mail: Option<Arc<crate::visitor_mail::VisitorMail>>,
}

/// The limits, for the [`Limited`] extractor.
impl axum::extract::FromRef<AppState> for Arc<Limits> {
    fn from_ref(state: &AppState) -> Arc<Limits> {
        Arc::clone(&state.limits)
    }
}

/// Forwarding settings the submit handler needs to queue deliveries.
pub struct Webhooks {
    /// Receivers; empty when forwarding is off.
    pub urls: Vec<String>,
    /// Body format.
    pub format: WebhookFormat,
    /// The owner's zone, for the times in Slack-format messages.
    pub zone: crate::owner_zone::Zone,
    /// Wakes the forwarder when something was queued.
    pub wake: Arc<Notify>,
}

/// The answer to an accepted submission (201 first time, 200 on a retry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The submission id, in its canonical (lowercase) spelling.
    pub id: String,
    /// The short reference to show the visitor, e.g. `3F25-04E0`.
    pub reference: String,
    /// The secret that reads this submission's status (see [`crate::status_token`]); the
    /// same on a repeat, since it is derived from the id.
    pub status_token: String,
}

/// The answer of `/healthz`.
#[derive(Serialize)]
struct Health {
    status: &'static str,
}

/// The API routes (`/v1/…`, `/healthz`); [`crate::app`] adds CORS and `Cache-Control: no-store`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/v1/submissions",
            post(submit)
                .layer(DefaultBodyLimit::max(BODY_LIMIT))
                .fallback(|| async { ApiError::MethodNotAllowed { allow: "POST" } }),
        )
        .route(
            "/v1/submissions/{id}/status",
            get(status).fallback(|| async { ApiError::MethodNotAllowed { allow: "GET, HEAD" } }),
        )
        .route(
            "/healthz",
            get(healthz).fallback(|| async { ApiError::MethodNotAllowed { allow: "GET, HEAD" } }),
        )
        // Unknown API paths answer JSON too, even when --site serves everything else.
        .route("/v1", axum::routing::any(not_found))
        .route("/v1/{*rest}", axum::routing::any(not_found))
        .with_state(state)
}

/// The JSON 404, also used as the app's fallback when no `--site` is served.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// `POST /v1/submissions`.
///
/// The flood check comes first (the extractor): it costs a map lookup, and a refused client
/// sends no more bytes to parse.
async fn submit(
    State(state): State<AppState>,
    _: Limited<Submissions>,
    req: Request,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    // Cheap checks on the headers first, so an oversized or mistyped body is refused without
    // reading it.
    let headers = req.headers();
    if declared_length(headers).is_some_and(|len| len > BODY_LIMIT as u64) {
        return Err(ApiError::TooLarge { limit: BODY_LIMIT });
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(intake::is_json_content_type);
    if !json {
        return Err(ApiError::UnsupportedMediaType);
    }
    // A header that is not even ASCII cannot equal a UUID: keep it as a guaranteed mismatch.
    // Compared in the id's canonical spelling, as the id itself is.
    let idempotency_key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(allo_core::id::canonical).unwrap_or_default());

    // Chunked bodies have no Content-Length: the body limit layer stops them at 64 KiB.
    let bytes = Bytes::from_request(req, &())
        .await
        .map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
                ApiError::TooLarge { limit: BODY_LIMIT }
            }
            other if crate::serve::is_body_timeout(&other) => ApiError::BodyTimeout,
            _ => ApiError::BadBody,
        })?;

    let sub = intake::parse_json(&bytes)?;
    if idempotency_key.is_some_and(|key| key != sub.id) {
        return Err(ApiError::IdempotencyMismatch);
    }
    intake::validate(&sub)?;

    // serde_json only accepts UTF-8, so this conversion cannot fail for a parsed body.
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let now = crate::time::now_millis();
    let record = Record::new(&sub, body, crate::time::format_millis(now));
    let guard = state.limits.callbacks.guard(now);
    let mut outbox = webhook::outbox_messages(
        &record,
        &state.webhooks.urls,
        state.webhooks.format,
        &state.webhooks.zone,
    );
    if let Some(mail) = &state.mail {
        outbox.extend(crate::mail::outbox_messages(&record, mail));
    }
    if let Some(visitor) = &state.visitor_mail {
        // In the submission's own transaction: a receipt is never lost nor sent twice.
        outbox.extend(
            visitor
                .receipt(&record, &state.status_key)
                .map(|r| r.message),
        );
    }
    let queued = !outbox.is_empty();
    let inserted = state.store.insert(record, guard, outbox).await?;

    let receipt = Receipt {
        reference: allo_core::id::reference(&sub.id),
        status_token: state.status_key.token(&sub.id),
        id: sub.id.clone(),
    };
    let status = match inserted {
        Inserted::New => {
            tracing::info!(id = %receipt.id, kind = sub.kind.as_str(), "submission stored");
            if queued {
                state.webhooks.wake.notify_one();
            }
            StatusCode::CREATED
        }
        Inserted::Duplicate { body } => {
            // The token only goes back to a true retry: the id alone (which also travels in
            // Idempotency-Key) must not be enough to read a submission's status.
            if !intake::same_submission(&body, &sub) {
                tracing::warn!(id = %receipt.id, "another submission sent with a stored id");
                return Err(ApiError::IdConflict);
            }
            tracing::info!(id = %receipt.id, "submission already stored (retry)");
            StatusCode::OK
        }
        Inserted::OpenCallback { reference } => {
            tracing::info!(id = %receipt.id, %reference, "duplicate callback request refused");
            return Err(ApiError::DuplicateCallback { reference });
        }
        Inserted::PhoneLimited { oldest } => {
            tracing::info!(id = %receipt.id, "callback requests for this number limited");
            return Err(ApiError::RateLimited {
                retry_after: state.limits.callbacks.phone_retry_after(&oldest, now),
                message: "too many callback requests for this number; retry later",
            });
        }
    };
    Ok((status, Json(receipt)))
}

/// The status endpoint's query: `?token=…`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TokenQuery {
    /// The status token from the submission's answer.
    #[serde(default)]
    pub token: Option<String>,
}

/// `GET /v1/submissions/{id}/status`.
async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
    limited: Limited<StatusRequests>,
    headers: HeaderMap,
) -> Result<Json<StatusAnswer>, ApiError> {
    // The header wins over the query; an unreadable query counts as no token.
    let token = crate::auth::bearer(&headers)
        .map(str::to_owned)
        .or_else(|| query.ok().and_then(|Query(q)| q.token));
    let record = visitor_record(&state, &id, token, limited.ip).await?;
    Ok(Json(crate::visitor_status::of(
        &record,
        &crate::time::now_rfc3339(),
        &state.webhooks.zone,
    )))
}

/// The submission a visitor's status token opens, with every check of the status endpoint
/// after its rate limit ([`Limited<StatusRequests>`], which gave `ip`): the wrong-token count,
/// the token checked before any database read. Shared with the status page and unsubscribing.
pub async fn visitor_record(
    state: &AppState,
    id: &str,
    token: Option<String>,
    ip: Option<IpAddr>,
) -> Result<Record, ApiError> {
    let token = token
        .filter(|t| !t.trim().is_empty())
        .ok_or(ApiError::TokenRequired)?;
    let id = allo_core::id::canonical(id);
    let failures = &state.limits.failures;
    if let Err(wait) = failures.refused(ip, Instant::now()) {
        return Err(ApiError::RateLimited {
            retry_after: ratelimit::retry_after_secs(wait),
            message: "too many wrong credentials from this address; retry later",
        });
    }
    // Checked before any database read: a wrong token costs nothing and tells nothing.
    if !state.status_key.verify(&id, &token) {
        failures.failed(ip, "status token", Instant::now());
        return Err(ApiError::UnknownSubmission);
    }
    let (record, _) = state
        .store
        .get(id)
        .await?
        .ok_or(ApiError::UnknownSubmission)?;
    Ok(record)
}

/// The `Content-Length` the client announced, if any and well-formed.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `GET /healthz`: proves the process serves and the database answers.
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await?;
    Ok(Json(Health { status: "ok" }))
}
