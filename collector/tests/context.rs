//! The owner's context (issue 21) over real HTTP, on SQLite and PostgreSQL: a bad context is a
//! 400 naming the key and the problem; a good one is stored, shown on the item page, exported
//! (CSV and JSON), found by search, and filters the list by one exact entry. Webhooks get the
//! body as received, context included.
mod common;

use common::{feedback, get_bearer, uuid, Backend, TestServer};
use serde_json::json;

const TOKEN: &str = "test-inbox-token-0123456789";

on_both_backends!(
    a_bad_context_is_a_400_naming_the_key,
    the_context_is_stored_shown_exported_and_filters,
);

fn server(backend: &Backend) -> TestServer {
    TestServer::start_on(backend, |c| c.inbox_token = Some(TOKEN.into()))
}

fn text(r: &common::Response) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn with_context(n: u64, context: serde_json::Value) -> serde_json::Value {
    let mut sub = feedback(&uuid(n));
    sub["context"] = context;
    sub
}

fn a_bad_context_is_a_400_naming_the_key(backend: Backend) {
    let server = server(&backend);
    let long = "x".repeat(201);
    let many: serde_json::Map<String, serde_json::Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let cases = [
        (
            json!({ "order id": "1042" }),
            "invalid",
            "the context key \"order id\" is not 1 to 40 letters",
        ),
        (
            json!({ "orderId": long }),
            "too_long",
            "the context value of orderId is longer than 200 characters",
        ),
        (
            json!({ "orderId": "10\n42" }),
            "invalid",
            "the context value of orderId holds a line break",
        ),
        (
            json!({ "orderId": "" }),
            "invalid",
            "the context value of orderId is empty",
        ),
        (
            serde_json::Value::Object(many),
            "too_long",
            "the context has 21 keys; at most 20 are kept",
        ),
    ];
    for (i, (context, code, message)) in cases.into_iter().enumerate() {
        let r = server.post_json(
            &serde_json::to_vec(&with_context(i as u64 + 1, context.clone())).unwrap(),
            &[],
        );
        assert_eq!(r.status, 400, "{context}: {r:?}");
        let problems = r.json()["problems"].clone();
        assert_eq!(problems[0]["field"], "context", "{problems}");
        assert_eq!(problems[0]["code"], code, "{problems}");
        let said = problems[0]["message"].as_str().unwrap();
        assert!(said.starts_with(message), "{said}");
    }
    // Not text at all: the shape is refused by the strict reader, still a 400 that says why.
    for context in [
        json!({ "orderId": 1042 }),
        json!(["1042"]),
        json!(null),
        json!("1042"),
    ] {
        let r = server.post_json(
            &serde_json::to_vec(&with_context(9, context.clone())).unwrap(),
            &[],
        );
        assert_eq!(r.status, 400, "{context}: {r:?}");
        assert!(r.json()["message"].as_str().unwrap().len() > 10, "{r:?}");
    }
    assert_eq!(stored(&server), 0, "nothing refused was stored");
}

fn the_context_is_stored_shown_exported_and_filters(backend: Backend) {
    let server = server(&backend);
    let subs = [
        with_context(1, json!({ "orderId": "1042", "plan": "pro" })),
        with_context(2, json!({ "orderId": "10420" })),
        with_context(3, json!({ "note": "\"orderId\":\"1042\"" })),
        feedback(&uuid(4)),
    ];
    for sub in &subs {
        let r = server.post_json(&serde_json::to_vec(sub).unwrap(), &[]);
        assert_eq!(r.status, 201, "{r:?}");
    }
    // The item page lists the entries, each a link to the list filtered by it (escaped).
    let item = text(&get_bearer(
        server.addr,
        &format!("/inbox/item/{}", uuid(1)),
        TOKEN,
    ));
    assert!(item.contains("<h3>Context</h3>"), "{item}");
    assert!(
        item.contains("<dt>orderId</dt><dd><a href=\"/inbox?context=orderId%3D1042\""),
        "{item}"
    );
    assert!(item.contains("<dt>plan</dt>"), "{item}");
    let item3 = text(&get_bearer(
        server.addr,
        &format!("/inbox/item/{}", uuid(3)),
        TOKEN,
    ));
    assert!(
        item3.contains("&quot;orderId&quot;:&quot;1042&quot;"),
        "escaped: {item3}"
    );
    let item4 = text(&get_bearer(
        server.addr,
        &format!("/inbox/item/{}", uuid(4)),
        TOKEN,
    ));
    assert!(
        !item4.contains("<h3>Context</h3>"),
        "no context, no section"
    );

    // The filter matches the exact entry only: not 10420, not a value that spells the entry.
    let ids = |path: &str| -> Vec<String> {
        let r = get_bearer(server.addr, path, TOKEN);
        assert_eq!(r.status, 200, "{path}: {r:?}");
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("/inbox/export.json?context=orderId%3D1042"), [uuid(1)]);
    assert_eq!(ids("/inbox/export.json?context=orderId%3D10420"), [uuid(2)]);
    assert_eq!(ids("/inbox/export.json?context=plan%3Dpro"), [uuid(1)]);
    assert!(
        ids("/inbox/export.json?context=orderId%3D104%25").is_empty(),
        "% is a literal"
    );
    assert_eq!(ids("/inbox/export.json").len(), 4);
    // Search finds a context value too.
    assert_eq!(ids("/inbox/export.json?q=10420"), [uuid(2)]);
    // A filter that is not key=value is a 400 naming the fix.
    let r = get_bearer(server.addr, "/inbox?context=1042", TOKEN);
    assert_eq!(r.status, 400, "{r:?}");
    assert!(text(&r).contains("orderId=1042"), "{}", text(&r));

    // The list page: the filter form keeps the value; only the match is listed.
    let list = text(&get_bearer(
        server.addr,
        "/inbox?context=orderId%3D1042",
        TOKEN,
    ));
    assert!(
        list.contains("name=\"context\" value=\"orderId=1042\""),
        "{list}"
    );
    assert!(list.contains(&format!("/inbox/item/{}", uuid(1))), "{list}");
    assert!(
        !list.contains(&format!("/inbox/item/{}", uuid(2))),
        "{list}"
    );
    assert!(
        list.contains("context=orderId%3D1042"),
        "exports keep the filter: {list}"
    );

    // Exports: JSON as an object, CSV as compact JSON in the last column.
    let all = get_bearer(
        server.addr,
        "/inbox/export.json?context=orderId%3D1042",
        TOKEN,
    )
    .json();
    assert_eq!(
        all[0]["context"],
        json!({ "orderId": "1042", "plan": "pro" })
    );
    let csv = text(&get_bearer(server.addr, "/inbox/export.csv", TOKEN));
    assert!(
        csv.lines().next().unwrap().ends_with(",\"context\""),
        "{csv}"
    );
    assert!(
        csv.contains(r#","{""orderId"":""1042"",""plan"":""pro""}""#),
        "{csv}"
    );
}

/// Rows stored (the export lists them all).
fn stored(server: &TestServer) -> usize {
    let r = get_bearer(server.addr, "/inbox/export.json", TOKEN);
    r.json().as_array().map_or(usize::MAX, Vec::len)
}
