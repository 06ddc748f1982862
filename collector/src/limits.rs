//! The visitor-facing endpoints' protections, and their per-address limits as one extractor.
//!
//! A route that limits its callers by client address takes a [`Limited<L>`] argument: axum
//! runs it before the handler, so a refused client costs a map lookup and nothing else (no
//! body read, no database), and every limited route answers the same 429 with `Retry-After`.
//! Routes that render HTML take `Result<Limited<L>, ApiError>` and show the refusal as a page.
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::intake;
use crate::ratelimit::{self, Failures, Limiter};

/// The submission and status endpoints' protections.
pub struct Limits {
    /// Per client address; `None` when turned off.
    pub per_ip: Option<Limiter<IpAddr>>,
    /// Whether `X-Forwarded-For` names the client.
    pub trust_proxy: bool,
    /// The callback rules checked when storing.
    pub callbacks: intake::CallbackPolicy,
    /// Status requests per client address; `None` when turned off.
    pub status_per_ip: Option<Limiter<IpAddr>>,
    /// Wrong credentials per client address, shared with the inbox.
    pub failures: Arc<Failures>,
}

/// Which per-address limit a route spends.
pub trait Limit: Send + Sync + 'static {
    /// The limiter in `limits` (`None`: this limit is turned off).
    fn limiter(limits: &Limits) -> Option<&Limiter<IpAddr>>;
    /// The 429's message.
    const REFUSAL: &'static str;
}

/// `POST /v1/submissions`: `--rate-limit` per address.
pub struct Submissions;

impl Limit for Submissions {
    fn limiter(limits: &Limits) -> Option<&Limiter<IpAddr>> {
        limits.per_ip.as_ref()
    }
    const REFUSAL: &'static str = "too many submissions from this address; retry later";
}

/// The status endpoint, the status page and unsubscribing: `--status-rate-limit`.
pub struct StatusRequests;

impl Limit for StatusRequests {
    fn limiter(limits: &Limits) -> Option<&Limiter<IpAddr>> {
        limits.status_per_ip.as_ref()
    }
    const REFUSAL: &'static str = "too many status requests from this address; retry later";
}

/// A request that passed limit `L`, with the client's address as the limits saw it
/// (`X-Forwarded-For`'s hop behind `--trust-proxy`; `None` when unknown, never limited).
pub struct Limited<L> {
    /// The client's address.
    pub ip: Option<IpAddr>,
    limit: PhantomData<L>,
}

impl<S, L> FromRequestParts<S> for Limited<L>
where
    S: Send + Sync,
    L: Limit,
    Arc<Limits>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let limits = Arc::<Limits>::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let ip = ratelimit::client_ip(peer, &parts.headers, limits.trust_proxy);
        if let (Some(limiter), Some(ip)) = (L::limiter(&limits), ip) {
            if let Err(wait) = limiter.check(&ip, Instant::now()) {
                tracing::info!(%ip, "rate limited");
                return Err(ApiError::RateLimited {
                    retry_after: ratelimit::retry_after_secs(wait),
                    message: L::REFUSAL,
                });
            }
        }
        Ok(Limited {
            ip,
            limit: PhantomData,
        })
    }
}
