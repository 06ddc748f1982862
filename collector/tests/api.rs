//! End-to-end tests of the HTTP API: a real collector, real sockets, a real SQLite file.
mod common;

use common::{callback, feedback, send, uuid, TestServer};
use serde_json::json;

const ID: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

fn assert_api_headers(r: &common::Response) {
    assert_eq!(r.header("cache-control"), Some("no-store"), "{r:?}");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{r:?}");
    assert_eq!(
        r.header("referrer-policy"),
        Some("strict-origin-when-cross-origin"),
        "{r:?}"
    );
}

#[test]
fn banner_names_the_real_port_and_database() {
    let server = TestServer::start();
    assert_ne!(server.addr.port(), 0);
    assert_eq!(
        server.banner,
        format!(
            "Allo collector listening on http://{}/ (database: {})",
            server.addr,
            server.db.display()
        )
    );
}

#[test]
fn feedback_is_stored_with_queryable_columns() {
    let server = TestServer::start();
    let body = serde_json::to_vec(&feedback(ID)).unwrap();
    let r = server.post_json(&body, &[("Idempotency-Key", ID)]);
    assert_eq!(r.status, 201, "{r:?}");
    let receipt = r.json();
    let token = receipt["status_token"]
        .as_str()
        .expect("a status token")
        .to_owned();
    assert_eq!(token.len(), 32, "192 bits, base64url: {token}");
    assert_eq!(
        receipt,
        json!({ "id": ID, "reference": "3F25-04E0", "status_token": token })
    );
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_api_headers(&r);

    let db = server.db();
    let row = db
        .query_row(
            "SELECT kind, created_at, received_at, locale, page_url, page_title, visitor_name, visitor_email,
                    visitor_phone, feedback_metric, feedback_score, feedback_category, feedback_message,
                    callback_phone_e164, consent_given_at, consent_text, consent_version, status, body, reference
             FROM submissions WHERE id = ?1",
            [ID],
            |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                    (r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?, r.get::<_, String>(7)?),
                    r.get::<_, Option<String>>(8)?,
                    (r.get::<_, String>(9)?, r.get::<_, i64>(10)?, r.get::<_, String>(11)?, r.get::<_, String>(12)?),
                    r.get::<_, Option<String>>(13)?,
                    (r.get::<_, String>(14)?, r.get::<_, String>(15)?, r.get::<_, String>(16)?),
                    r.get::<_, String>(17)?,
                    r.get::<_, String>(18)?,
                    r.get::<_, String>(19)?,
                ))
            },
        )
        .unwrap();
    let (
        (kind, created_at, received_at, locale),
        page_and_visitor,
        phone,
        fb,
        cb_phone,
        consent,
        status,
        raw,
        reference,
    ) = row;
    assert_eq!(kind, "feedback");
    assert_eq!(created_at, "2026-11-23T18:00:00.000Z");
    assert!(
        allo_core::validate::is_utc_timestamp(&received_at),
        "{received_at}"
    );
    assert!(received_at.as_str() > "2025", "server clock: {received_at}");
    assert_eq!(locale, "fr-FR");
    assert_eq!(
        page_and_visitor,
        (
            "https://shop.example/checkout?step=2".to_owned(),
            "Paiement".to_owned(),
            "Ada".to_owned(),
            "ada@example.com".to_owned()
        )
    );
    assert_eq!(phone, None);
    assert_eq!(
        fb,
        (
            "nps".to_owned(),
            9,
            "Livraison".to_owned(),
            "Très bien".to_owned()
        )
    );
    assert_eq!(cb_phone, None);
    assert_eq!(
        consent,
        (
            "2026-11-23T17:59:58.000Z".to_owned(),
            "J'accepte d'être recontacté".to_owned(),
            "2026-01".to_owned()
        )
    );
    assert_eq!(status, "new");
    assert_eq!(raw.as_bytes(), body, "the raw body is kept byte for byte");
    assert_eq!(reference, "3F25-04E0");
}

#[test]
fn callback_columns_are_filled() {
    let server = TestServer::start();
    let id = uuid(1);
    let r = server.post_json(&serde_json::to_vec(&callback(&id)).unwrap(), &[]);
    assert_eq!(r.status, 201, "{r:?}");
    use rusqlite::types::Value::{Integer, Null, Text};
    let text = |s: &str| Text(s.to_owned());
    let row: Vec<rusqlite::types::Value> = server
        .db()
        .query_row(
            "SELECT callback_phone_e164, callback_country, callback_when_mode, callback_slot_from, callback_slot_to,
                    callback_timezone, callback_reason, callback_urgent, callback_promise_text, callback_due_by,
                    visitor_name, visitor_phone, feedback_score, feedback_metric, kind
             FROM submissions WHERE id = ?1",
            [&id],
            |r| (0..15).map(|i| r.get(i)).collect(),
        )
        .unwrap();
    assert_eq!(
        row,
        [
            text("+33612345678"),
            text("FR"),
            text("slot"),
            text("2026-11-24T09:00:00.000Z"),
            text("2026-11-24T10:00:00.000Z"),
            text("Europe/Paris"),
            text("Order 1234"),
            Integer(1),
            text("We will call you tomorrow between 10:00 and 11:00."),
            text("2026-11-24T10:00:00.000Z"),
            text("Grace"),
            text("06 12 34 56 78"),
            Null,
            Null,
            text("callback"),
        ]
    );
}

#[test]
fn every_problem_is_listed_at_once() {
    let server = TestServer::start();
    let mut sub = feedback("nope");
    sub["schema"] = json!("allo.submission/0");
    sub["created_at"] = json!("yesterday");
    sub["visitor"]["email"] = json!("not an email");
    sub["feedback"]["score"] = json!(11);
    let r = server.post_json(&serde_json::to_vec(&sub).unwrap(), &[]);
    assert_eq!(r.status, 400, "{r:?}");
    assert_api_headers(&r);
    let body = r.json();
    assert_eq!(body["error"], "invalid");
    assert_eq!(body["message"], "5 problems");
    let problems = body["problems"].as_array().unwrap();
    let fields: Vec<&str> = problems
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "schema",
            "id",
            "created_at",
            "visitor.email",
            "feedback.score"
        ]
    );
    assert_eq!(
        problems[4],
        json!({
            "field": "feedback.score",
            "code": "out_of_range",
            "message": "feedback.score is outside the metric's scale"
        })
    );
    assert_eq!(server.row_count(), 0);
}

#[test]
fn malformed_json_and_unknown_fields_are_400() {
    let server = TestServer::start();
    for body in [&b"{\"schema\": "[..], b"", b"[]", b"null", b"\xff\xfe{}"] {
        let r = server.post_json(body, &[]);
        assert_eq!(r.status, 400, "{:?}: {r:?}", String::from_utf8_lossy(body));
        let json = r.json();
        assert_eq!(json["error"], "invalid");
        assert_eq!(json["problems"], json!([]));
        assert!(!json["message"].as_str().unwrap().is_empty());
    }
    let mut sub = feedback(ID);
    sub["surprise"] = json!(1);
    let r = server.post_json(&serde_json::to_vec(&sub).unwrap(), &[]);
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `surprise`"),
        "{r:?}"
    );
    assert_eq!(server.row_count(), 0);
}

#[test]
fn non_json_content_types_are_415() {
    let server = TestServer::start();
    let body = serde_json::to_vec(&feedback(ID)).unwrap();
    for headers in [
        vec![("Content-Type", "text/plain")],
        vec![("Content-Type", "application/x-www-form-urlencoded")],
        vec![],
    ] {
        let r = send(server.addr, "POST", "/v1/submissions", &headers, &body);
        assert_eq!(r.status, 415, "{headers:?}: {r:?}");
        assert_eq!(r.json()["error"], "unsupported_media_type");
        assert_api_headers(&r);
    }
    let r = send(
        server.addr,
        "POST",
        "/v1/submissions",
        &[("Content-Type", "application/json; charset=UTF-8")],
        &body,
    );
    assert_eq!(r.status, 201, "charset is allowed: {r:?}");
}

#[test]
fn bodies_over_64_kib_are_413() {
    let server = TestServer::start();
    // Valid JSON, padded past the limit with whitespace.
    let mut body = serde_json::to_vec(&feedback(ID)).unwrap();
    body.resize(65 * 1024, b' ');
    let r = server.post_json(&body, &[]);
    assert_eq!(r.status, 413, "{r:?}");
    let json = r.json();
    assert_eq!(json["error"], "too_large");
    assert!(json["message"].as_str().unwrap().contains("65536"));

    // The same without Content-Length (chunked): stopped while reading.
    let mut chunked = Vec::new();
    for piece in body.chunks(8192) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let r = send(
        server.addr,
        "POST",
        "/v1/submissions",
        &[
            ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"),
        ],
        &chunked,
    );
    assert_eq!(r.status, 413, "{r:?}");
    assert_eq!(r.json()["error"], "too_large");
    assert_eq!(server.row_count(), 0);

    // Just under the limit is fine.
    let mut body = serde_json::to_vec(&feedback(ID)).unwrap();
    body.resize(64 * 1024, b' ');
    assert_eq!(server.post_json(&body, &[]).status, 201);
}

#[test]
fn the_same_id_twice_is_200_and_one_row() {
    let server = TestServer::start();
    let body = serde_json::to_vec(&feedback(ID)).unwrap();
    let first = server.post_json(&body, &[]);
    assert_eq!(first.status, 201);
    let second = server.post_json(&body, &[("Idempotency-Key", ID)]);
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(second.body, first.body);
    assert_eq!(server.row_count(), 1);
}

#[test]
fn concurrent_retries_store_once() {
    let server = TestServer::start();
    let id = uuid(7);
    let body = serde_json::to_vec(&callback(&id)).unwrap();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| s.spawn(|| server.post_json(&body, &[]).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(server.row_count(), 1);
}

#[test]
fn idempotency_key_must_match_the_body_id() {
    let server = TestServer::start();
    let body = serde_json::to_vec(&feedback(ID)).unwrap();
    // (The same id in capitals is the same id: see adversarial.rs.)
    for key in [uuid(2).as_str(), "", "not-a-uuid"] {
        let r = server.post_json(&body, &[("Idempotency-Key", key)]);
        assert_eq!(r.status, 400, "{key:?}: {r:?}");
        assert_eq!(r.json()["error"], "idempotency_key_mismatch");
    }
    assert_eq!(server.row_count(), 0);
    assert_eq!(
        server.post_json(&body, &[("Idempotency-Key", ID)]).status,
        201
    );
}

fn preflight(server: &TestServer, origin: &str) -> common::Response {
    send(
        server.addr,
        "OPTIONS",
        "/v1/submissions",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "content-type,idempotency-key",
            ),
        ],
        b"",
    )
}

fn cors_headers(r: &common::Response) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(n, _)| n.to_ascii_lowercase().starts_with("access-control-"))
        .map(|(n, _)| n.as_str())
        .collect()
}

#[test]
fn cors_for_allowed_origins_only() {
    let server = TestServer::start_with(|c| {
        c.allow_origins = vec![
            "http://localhost:3000".parse().unwrap(),
            "https://shop.example".parse().unwrap(),
        ];
    });
    let r = preflight(&server, "http://localhost:3000");
    assert!(r.status == 204 || r.status == 200, "{r:?}");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(r.header("access-control-allow-methods"), Some("GET, POST"));
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("content-type")
            && allowed.contains("idempotency-key")
            && allowed.contains("authorization"),
        "{allowed}"
    );
    assert_eq!(r.header("access-control-max-age"), Some("86400"));
    assert!(r
        .header("vary")
        .unwrap()
        .to_ascii_lowercase()
        .contains("origin"));

    let denied = preflight(&server, "https://evil.example");
    assert!(cors_headers(&denied).is_empty(), "{denied:?}");

    let body = serde_json::to_vec(&feedback(ID)).unwrap();
    let r = server.post_json(&body, &[("Origin", "https://shop.example")]);
    assert_eq!(r.status, 201);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    // Retry-After must be readable cross-origin, or the widget cannot honour it.
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some("retry-after")
    );
    // Errors must be readable cross-origin too, or the widget cannot show them.
    let r = server.post_json(b"{", &[("Origin", "https://shop.example")]);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://shop.example")
    );

    let r = server.post_json(&body, &[("Origin", "https://evil.example")]);
    assert!(cors_headers(&r).is_empty(), "{r:?}");
    // Same-origin and non-browser callers send no Origin and need nothing.
    let r = server.post_json(&body, &[]);
    assert_eq!(r.status, 200);
    assert!(cors_headers(&r).is_empty());
}

#[test]
fn star_echoes_any_origin() {
    let server = TestServer::start_with(|c| c.allow_origins = vec!["*".parse().unwrap()]);
    let r = preflight(&server, "https://anyone.example");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://anyone.example")
    );
}

#[test]
fn no_origins_configured_means_no_cors() {
    let server = TestServer::start();
    assert!(cors_headers(&preflight(&server, "http://localhost:3000")).is_empty());
}

#[test]
fn healthz() {
    let server = TestServer::start();
    let r = server.get("/healthz", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({ "status": "ok" }));
    assert_api_headers(&r);
}

#[test]
fn unknown_paths_and_methods_answer_json() {
    let server = TestServer::start();
    let r = server.get("/v1/submissions", &[]);
    assert_eq!(r.status, 405, "{r:?}");
    assert_eq!(r.header("allow"), Some("POST"));
    assert_eq!(r.json()["error"], "method_not_allowed");
    let r = server.get("/v1/other", &[]);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "not_found");
    let r = server.get("/", &[]);
    assert_eq!(r.status, 404, "no --site: nothing at /");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn static_site_types_caching_and_compression() {
    let site = common::TempDir::new("site");
    let dir = site.path();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Allo demo</title>",
    )
    .unwrap();
    // Large and repetitive enough to be worth compressing.
    std::fs::write(dir.join("allo.js"), "console.log('allo');\n".repeat(200)).unwrap();
    std::fs::write(
        dir.join("allo_widget_bg-0123456789abcdef.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(dir.join("allo_widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(
        dir.join("logo.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .unwrap();
    let server = TestServer::start_with(|c| c.site = Some(dir.to_owned()));

    let r = server.get("/allo_widget_bg-0123456789abcdef.wasm", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(r.body, b"\0asm\x01\0\0\0");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        r.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );

    let r = server.get("/allo_widget_bg.wasm", &[]);
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));

    let r = server.get("/allo.js", &[]);
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/javascript"),
        "{r:?}"
    );
    assert_eq!(r.header("cache-control"), Some("no-cache"));

    for path in ["/", "/index.html"] {
        let r = server.get(path, &[]);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{path}");
        assert!(String::from_utf8_lossy(&r.body).contains("Allo demo"));
    }

    let r = server.get("/logo.svg", &[]);
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));

    for encoding in ["br", "gzip"] {
        let r = server.get("/allo.js", &[("Accept-Encoding", encoding)]);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some(encoding), "{r:?}");
        assert!(
            r.body.len() < 4200 / 4,
            "compressed {encoding}: {} bytes",
            r.body.len()
        );
    }

    // The API still answers next to the site, and unknown API paths stay JSON.
    assert_eq!(server.get("/healthz", &[]).status, 200);
    assert_eq!(server.get("/v1/nope", &[]).json()["error"], "not_found");
    assert_eq!(server.get("/missing.js", &[]).status, 404);
    assert_eq!(server.get("/../Cargo.toml", &[]).status, 404);
}
