//! Typed API errors and their JSON answers.
//!
//! Every failure a client can cause maps to one variant, and every variant to one status and
//! one stable `error` code, so API clients (the widget first) branch on the code and show or
//! log the `message`. Server-side faults are logged here in full and answered without detail.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use allo_core::validate::Problem;

use crate::store::StoreError;

/// One field problem as the API reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProblemBody {
    /// The field's path in the submission, e.g. `feedback.score`.
    pub field: &'static str,
    /// A stable code: `required`, `too_long`, `out_of_range`, `invalid` or `unexpected`.
    pub code: &'static str,
    /// An English sentence for people reading logs.
    pub message: String,
}

impl From<&Problem> for ProblemBody {
    fn from(p: &Problem) -> ProblemBody {
        ProblemBody {
            field: p.field,
            code: p.code.as_str(),
            message: p.describe(),
        }
    }
}

/// Why a request was not served.
#[derive(Debug)]
pub enum ApiError {
    /// The body is over the limit (413).
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not declared as JSON (415).
    UnsupportedMediaType,
    /// The body is not a valid submission (400): a JSON/shape error (no problems) or the
    /// validation problems, all of them.
    Invalid {
        /// One sentence: the parser's message, or `N problems`.
        message: String,
        /// Every field problem found; empty when the JSON itself was unusable.
        problems: Vec<ProblemBody>,
    },
    /// The `Idempotency-Key` header names another id than the body (400).
    IdempotencyMismatch,
    /// The client stopped sending or sent a broken body stream (400).
    BadBody,
    /// The body did not arrive within the body-read timeout (408).
    BodyTimeout,
    /// No such endpoint (404).
    NotFound,
    /// No submission with this id and status token (404): a wrong token and an unknown id
    /// get the same answer, so it reveals nothing about which ids exist.
    UnknownSubmission,
    /// The status endpoint was called without a token (401).
    TokenRequired,
    /// The endpoint exists but not with this method (405).
    MethodNotAllowed {
        /// The `Allow` header value.
        allow: &'static str,
    },
    /// Too many requests from one client address or for one phone number (429).
    RateLimited {
        /// Seconds until a retry can succeed, sent as `Retry-After`.
        retry_after: u64,
        /// What was limited, in one sentence.
        message: &'static str,
    },
    /// The id is already stored with another submission (409). Said without the stored
    /// submission's status token: knowing an id must not be enough to obtain it.
    IdConflict,
    /// A callback request for a number with an open request already waiting (409).
    DuplicateCallback {
        /// The waiting request's reference.
        reference: String,
    },
    /// The database failed (503); the detail goes to the log, not to the client.
    Storage(StoreError),
}

/// A store failure is a 503, so handlers write `?` on store calls.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Storage(e)
    }
}

/// The message of a refused duplicate callback request; the widget shows it to the visitor.
pub const DUPLICATE_MESSAGE: &str =
    "We already have your request for a call back to this number and will call you as promised.";

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid { .. } | ApiError::IdempotencyMismatch | ApiError::BadBody => {
                StatusCode::BAD_REQUEST
            }
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::NotFound | ApiError::UnknownSubmission => StatusCode::NOT_FOUND,
            ApiError::TokenRequired => StatusCode::UNAUTHORIZED,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::DuplicateCallback { .. } | ApiError::IdConflict => StatusCode::CONFLICT,
            ApiError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable machine-readable code sent as `error`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::TooLarge { .. } => "too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Invalid { .. } => "invalid",
            ApiError::IdempotencyMismatch => "idempotency_key_mismatch",
            ApiError::BadBody => "bad_body",
            ApiError::BodyTimeout => "body_timeout",
            ApiError::NotFound | ApiError::UnknownSubmission => "not_found",
            ApiError::TokenRequired => "token_required",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::DuplicateCallback { .. } => "duplicate",
            ApiError::IdConflict => "id_conflict",
            ApiError::Storage(_) => "unavailable",
        }
    }
}

/// The JSON body of every error answer.
#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'static str,
    message: &'a str,
    // Only `invalid` carries the list, always (even empty) so clients can rely on it there.
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [ProblemBody]>,
    // Only `duplicate` carries it: the reference of the request already waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let owned;
        let reference = match &self {
            ApiError::DuplicateCallback { reference } => Some(reference.as_str()),
            _ => None,
        };
        let (message, problems) = match &self {
            ApiError::TooLarge { limit } => {
                owned = format!("the body is larger than {limit} bytes");
                (owned.as_str(), None)
            }
            ApiError::UnsupportedMediaType => ("the body must be sent as application/json", None),
            ApiError::Invalid { message, problems } => {
                (message.as_str(), Some(problems.as_slice()))
            }
            ApiError::IdempotencyMismatch => (
                "the Idempotency-Key header does not match the submission id",
                None,
            ),
            ApiError::BadBody => ("the request body could not be read", None),
            ApiError::BodyTimeout => ("the request body was not received in time", None),
            ApiError::NotFound => ("no such endpoint", None),
            ApiError::UnknownSubmission => ("no submission with this id and token", None),
            ApiError::TokenRequired => (
                "send the status token from the submission's answer, as ?token= or Authorization: Bearer",
                None,
            ),
            ApiError::MethodNotAllowed { .. } => ("method not allowed on this endpoint", None),
            ApiError::RateLimited { message, .. } => (*message, None),
            ApiError::DuplicateCallback { .. } => (DUPLICATE_MESSAGE, None),
            ApiError::IdConflict => (
                "another submission is already stored with this id; make a new id",
                None,
            ),
            ApiError::Storage(detail) => {
                tracing::error!(%detail, "storage failure");
                (
                    "the submission could not be stored right now; retry later",
                    None,
                )
            }
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error: code,
                message,
                problems,
                reference,
            }),
        )
            .into_response();
        match self {
            ApiError::MethodNotAllowed { allow } => {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            ApiError::TokenRequired => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"allo-status\""),
                );
            }
            // Tell well-behaved clients (the widget retries) when to come back.
            ApiError::Storage(_) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            ApiError::RateLimited { retry_after, .. } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            }
            _ => {}
        }
        response
    }
}
