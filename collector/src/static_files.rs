//! Static files from `--site`: the built widget (`allo.js`, its `.wasm`) and its demo page.
//!
//! `tower_http::services::ServeDir` does the serving (ranges, `If-Modified-Since`, index.html);
//! this module adds the caching policy. The loader `allo.js` and pages are fetched through
//! stable URLs, so they must be revalidated each time (`no-cache`) for a deploy to show up;
//! files whose name carries a content hash never change under that name and are cached for
//! a year; anything else is cached briefly.
//!
//! It also keeps `ServeDir` to the files meant for visitors: a path with a segment starting
//! with a dot (`/.env`, `/.git/config`, however percent-encoded) is a 404, since a built
//! site never links to one and such files are where secrets live; and a path with an empty
//! segment or a backslash (`//evil.example`, `/\evil.example`) is a 404 too, because
//! `ServeDir` would answer a directory there with a redirect to `//evil.example/`, which
//! browsers read as another host (an open redirect).
use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
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

/// True for a request path that may name a file of the site: no dot-segment or dotfile, no
/// empty segment, no backslash, judged after percent-decoding.
pub fn servable(path: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).collect::<Vec<u8>>();
    let decoded = String::from_utf8_lossy(&decoded);
    let Some(rest) = decoded.strip_prefix('/') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    // A trailing slash names a directory (its index.html): that one empty segment is fine.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    !decoded.contains('\\')
        && rest
            .split('/')
            .all(|segment| !segment.is_empty() && !segment.starts_with('.'))
}

/// True for a `Location` a browser would take to another host.
fn leaves_the_site(location: &[u8]) -> bool {
    location.starts_with(b"//") || location.starts_with(b"/\\") || location.contains(&b':')
}

async fn headers(req: Request, next: Next) -> Response {
    if !servable(req.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let name = req.uri().path().rsplit('/').next().unwrap_or("").to_owned();
    let mut response = next.run(req).await;
    // ServeDir only redirects a directory to itself plus `/`; never let that point elsewhere.
    if response
        .headers()
        .get(header::LOCATION)
        .is_some_and(|l| leaves_the_site(l.as_bytes()))
    {
        return StatusCode::NOT_FOUND.into_response();
    }
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
    fn only_visitor_files_are_servable() {
        for ok in [
            "/",
            "/index.html",
            "/allo.js",
            "/demo/",
            "/demo/page.html",
            "/a%20b.css",
        ] {
            assert!(servable(ok), "{ok}");
        }
        for bad in [
            "/.env",
            "/%2eenv",
            "/%2Eenv",
            "/.git/config",
            "/demo/.secret",
            "/demo/..",
            "//evil.example",
            "//evil.example/",
            "/%2fevil.example",
            "/\\evil.example",
            "/%5cevil.example",
            "/a//b",
            "",
        ] {
            assert!(!servable(bad), "{bad}");
        }
        assert!(leaves_the_site(b"//evil.example/"));
        assert!(leaves_the_site(b"https://evil.example/"));
        assert!(!leaves_the_site(b"/demo/"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a.wasm"), Some("application/wasm"));
        assert_eq!(content_type("allo.js"), Some("text/javascript"));
        assert_eq!(content_type("index.html"), None);
        assert_eq!(content_type("README"), None);
    }
}
