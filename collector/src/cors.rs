//! Cross-origin access for the widget embedded on shop pages.
//!
//! A small middleware rather than `tower_http::cors::CorsLayer`, because the layer cannot
//! express two of the rules below (checked against tower-http 0.6.2, `src/cors/mod.rs`,
//! `Cors::call`): it adds `Access-Control-Allow-Methods` and `-Allow-Headers` to every
//! preflight whatever the origin, while this API promises disallowed origins no CORS header
//! at all (the tests in `collector/tests/api.rs` pin that); and it answers a preflight `200`
//! with `Vary: origin, access-control-request-method, access-control-request-headers`
//! where this one answers `204` with `Vary: origin`. The rules are few:
//! an allowed origin is echoed back (never `*`, so answers stay per-origin cacheable with
//! `Vary: Origin`), `POST` (submissions) and `GET` (a submission's status) with
//! `Content-Type`, `Idempotency-Key` and `Authorization` (the status token) are offered, and
//! a preflight is cached by the browser for a day. Credentials (cookies) are never allowed.
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::OriginPolicy;

/// Methods offered to cross-origin callers.
pub const ALLOW_METHODS: &str = "GET, POST";
/// Request headers offered to cross-origin callers.
pub const ALLOW_HEADERS: &str = "content-type, idempotency-key, authorization";
/// How long (seconds) a browser may reuse a preflight answer.
pub const MAX_AGE: &str = "86400";

/// The middleware; mount with `axum::middleware::from_fn_with_state(Arc<OriginPolicy>, cors)`.
pub async fn cors(State(policy): State<Arc<OriginPolicy>>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let allowed = origin.filter(|o| o.to_str().is_ok_and(|o| policy.allows(o)));
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);

    let mut response = if preflight {
        // Answered here, never by a handler: a preflight carries no body and must not reach
        // the routes (which would answer 405).
        let mut response = StatusCode::NO_CONTENT.into_response();
        if allowed.is_some() {
            let h = response.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(MAX_AGE),
            );
        }
        response
    } else {
        next.run(req).await
    };

    let h = response.headers_mut();
    if let Some(origin) = allowed {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        // The widget honours Retry-After on 429/503; cross-origin it can only read it if told.
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("retry-after"),
        );
    }
    // The answer depends on the Origin header whether or not this one was allowed: caches
    // must not hand one origin's answer to another.
    h.append(header::VARY, HeaderValue::from_static("origin"));
    response
}
