//! The HTTP API: thin handlers that read the request, call `intake` and the store, answer.
//!
//! | method | path              | answer                                                   |
//! |--------|-------------------|----------------------------------------------------------|
//! | POST   | `/v1/submissions` | 201 `{id, reference}` new, 200 same for a repeated id    |
//! | GET    | `/healthz`        | 200 `{"status":"ok"}` once the database answered         |
//!
//! Errors are [`ApiError`]s: JSON `{error, message}` (plus `problems` for `invalid`).
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::error::ApiError;
use crate::intake::{self, BODY_LIMIT};
use crate::store::{Inserted, Record, Store};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Where submissions go.
    pub store: Arc<dyn Store>,
}

/// The answer to an accepted submission (201 first time, 200 on a retry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The submission id, as sent.
    pub id: String,
    /// The short reference to show the visitor, e.g. `3F25-04E0`.
    pub reference: String,
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
async fn submit(
    State(state): State<AppState>,
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
    let idempotency_key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_owned).unwrap_or_default());

    // Chunked bodies have no Content-Length: the body limit layer stops them at 64 KiB.
    let bytes = Bytes::from_request(req, &())
        .await
        .map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
                ApiError::TooLarge { limit: BODY_LIMIT }
            }
            _ => ApiError::BadBody,
        })?;

    let sub = intake::parse_json(&bytes)?;
    if idempotency_key.is_some_and(|key| key != sub.id) {
        return Err(ApiError::IdempotencyMismatch);
    }
    let problems = allo_core::validate::validate_submission(&sub);
    if !problems.is_empty() {
        return Err(ApiError::from_problems(&problems));
    }

    // serde_json only accepts UTF-8, so this conversion cannot fail for a parsed body.
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let record = Record::new(&sub, body, intake::now_rfc3339());
    let store = Arc::clone(&state.store);
    // rusqlite blocks (and fsyncs): keep it off the async workers.
    let inserted = tokio::task::spawn_blocking(move || store.insert(&record))
        .await
        .map_err(|e| ApiError::Storage(format!("insert task failed: {e}")))?
        .map_err(|e| ApiError::Storage(e.to_string()))?;

    let receipt = Receipt {
        reference: allo_core::id::reference(&sub.id),
        id: sub.id,
    };
    let status = match inserted {
        Inserted::New => {
            tracing::info!(id = %receipt.id, kind = sub.kind.as_str(), "submission stored");
            StatusCode::CREATED
        }
        Inserted::Duplicate => {
            tracing::info!(id = %receipt.id, "submission already stored (retry)");
            StatusCode::OK
        }
    };
    Ok((status, Json(receipt)))
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
    let store = Arc::clone(&state.store);
    tokio::task::spawn_blocking(move || store.ping())
        .await
        .map_err(|e| ApiError::Storage(format!("health task failed: {e}")))?
        .map_err(|e| ApiError::Storage(e.to_string()))?;
    Ok(Json(Health { status: "ok" }))
}
