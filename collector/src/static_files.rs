//! Static files from `--site`: the built widget (`allo.js`, its `.wasm`) and its demo page.
//!
//! `tower_http::services::ServeDir` does the serving (ranges, `If-Modified-Since`, index.html);
//! this module adds the caching policy. The loader `allo.js` and pages are fetched through
//! stable URLs, so they must be revalidated each time (`no-cache`) for a deploy to show up;
//! files whose name carries a content hash never change under that name and are cached for
//! a year; anything else is cached briefly.
use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// `Cache-Control` for revalidated files.
pub const NO_CACHE: &str = "no-cache";
/// `Cache-Control` for content-hashed files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for everything else.
pub const SHORT: &str = "public, max-age=300";

/// A router serving `dir` for every path it is given (mount it as the app's fallback).
pub fn router(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir).append_index_html_on_directories(true))
        .layer(middleware::from_fn(headers))
}

async fn headers(req: Request, next: Next) -> Response {
    let name = req.uri().path().rsplit('/').next().unwrap_or("").to_owned();
    let mut response = next.run(req).await;
    let status = response.status();
    if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
        return response;
    }
    let h = response.headers_mut();
    if status.is_success() {
        // Browsers refuse to stream-compile wasm and ES modules under a wrong type; pin the
        // ones that matter instead of trusting the MIME table of the day.
        if let Some(ct) = content_type(&name) {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(&name)),
    );
    response
}

/// The content type forced for a file name, if any.
pub fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        "wasm" => Some("application/wasm"),
        "js" | "mjs" => Some("text/javascript"),
        _ => None,
    }
}

/// The `Cache-Control` value for the last segment of a request path (empty for a directory).
pub fn cache_control(name: &str) -> &'static str {
    let html =
        name.is_empty() || name.ends_with(".html") || name.ends_with(".htm") || !name.contains('.');
    if html || name == "allo.js" {
        NO_CACHE
    } else if has_content_hash(name) {
        IMMUTABLE
    } else {
        SHORT
    }
}

/// True when the name has a 16-to-64-digit lowercase hex part after its first word,
/// as bundlers write them (`allo_bg-0123456789abcdef.wasm`, `app.0123456789abcdef.js`).
pub fn has_content_hash(name: &str) -> bool {
    name.split(['-', '.', '_']).skip(1).any(|part| {
        (16..=64).contains(&part.len())
            && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_policy() {
        assert_eq!(cache_control("allo.js"), NO_CACHE);
        assert_eq!(cache_control("index.html"), NO_CACHE);
        assert_eq!(cache_control(""), NO_CACHE);
        assert_eq!(
            cache_control("allo_widget_bg-0123456789abcdef.wasm"),
            IMMUTABLE
        );
        assert_eq!(cache_control("app.0123456789abcdef.js"), IMMUTABLE);
        assert_eq!(cache_control("allo_widget_bg.wasm"), SHORT);
        assert_eq!(
            cache_control("logo-0123456789abcde.png"),
            SHORT,
            "15 digits is no hash"
        );
        assert_eq!(
            cache_control("0123456789abcdef0.js"),
            SHORT,
            "a hash needs a name before it"
        );
        assert_eq!(
            cache_control("x-0123456789ABCDEF.js"),
            SHORT,
            "hashes are lowercase"
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a.wasm"), Some("application/wasm"));
        assert_eq!(content_type("allo.js"), Some("text/javascript"));
        assert_eq!(content_type("index.html"), None);
        assert_eq!(content_type("README"), None);
    }
}
