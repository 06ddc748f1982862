//! `docs/submission.schema.json` and the Rust types in `submission.rs` describe the same JSON.
//!
//! No JSON Schema library: a small walk is enough and checks what matters to an endpoint
//! author. A submission with every optional part filled is serialized from the Rust types;
//! then, object by object, the examples' keys must be exactly the schema's `properties`;
//! removing a key must fail to parse exactly when the schema lists it as `required`; an
//! unknown key must fail (`additionalProperties: false`); and every value a schema `enum` or
//! `const` allows must parse while a value outside it must not.
//!
//! Then both directions with generated values, judged by a real JSON Schema implementation
//! (`jsonschema`): every generated document the schema allows must parse and validate, and
//! every one it refuses must not (wrong types, arrays for objects, `null`, lengths in
//! characters at and past each limit, impossible dates, blank required texts, scores written
//! `5.0`). The one rule the schema cannot say, a slot's `from` before its `to`, is the only
//! disagreement allowed.
use allo_core::submission::*;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/submission.schema.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("docs/submission.schema.json"))
        .expect("valid JSON")
}

fn full(kind: Kind, when: When) -> Value {
    let callback = kind == Kind::Callback;
    let sub = Submission {
        schema: SCHEMA.into(),
        id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301".into(),
        kind,
        created_at: "2026-11-23T18:00:00.000Z".into(),
        locale: "fr-FR".into(),
        page: Some(Page {
            url: "https://shop.example/".into(),
            title: "Shop".into(),
            referrer: "https://search.example/".into(),
        }),
        visitor: Visitor {
            name: Some("Ana".into()),
            email: Some("ana@example.com".into()),
            phone: Some("06 12 34 56 78".into()),
        },
        feedback: (!callback).then(|| Feedback {
            metric: Metric::Csat,
            score: 4,
            category: Some("idea".into()),
            message: "Lovely".into(),
        }),
        callback: callback.then(|| Callback {
            phone_e164: "+33612345678".into(),
            phone_raw: "06 12 34 56 78".into(),
            country: "FR".into(),
            when,
            timezone: "Europe/Paris".into(),
            reason: "Order 1042".into(),
            urgent: true,
            promise: Promise {
                text: "We'll call you within 15 minutes.".into(),
                due_by: "2026-11-23T18:15:00.000Z".into(),
            },
        }),
        consent: Some(Consent {
            given_at: "2026-11-23T17:59:00.000Z".into(),
            text: "I agree.".into(),
            version: "1".into(),
        }),
        client: Some(Client {
            widget_version: "0.1.0".into(),
            user_agent: "UA".into(),
            viewport: "1280x720".into(),
        }),
        context: allo_core::owner_context::Context(
            [("orderId".to_owned(), "1042".to_owned())].into(),
        ),
    };
    serde_json::to_value(sub).unwrap()
}

/// The schema node for `node`, following `$ref` and choosing the `oneOf` branch whose
/// `mode` constant matches the example.
fn resolve<'a>(root: &'a Value, node: &'a Value, example: &Value) -> &'a Value {
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        return resolve(root, &root["$defs"][name], example);
    }
    if let Some(branches) = node.get("oneOf").and_then(Value::as_array) {
        let mode = &example["mode"];
        let branch = branches
            .iter()
            .find(|b| &b["properties"]["mode"]["const"] == mode)
            .expect("a oneOf branch for this mode");
        return resolve(root, branch, example);
    }
    node
}

/// Reads `doc` the way the collector does: [`allo_core::strict::object`] as the entry point.
fn read(doc: &Value) -> Result<Submission, serde_json::Error> {
    allo_core::strict::object(doc.clone())
}

fn parses(doc: &Value) -> bool {
    read(doc).is_ok()
}

/// `doc` with `f` applied to the object holding the last key of `path`.
fn edit(doc: &Value, path: &[String], f: impl FnOnce(&mut Map<String, Value>, &str)) -> Value {
    let mut out = doc.clone();
    let mut node = &mut out;
    for key in &path[..path.len() - 1] {
        node = node.get_mut(key).unwrap();
    }
    f(node.as_object_mut().unwrap(), &path[path.len() - 1]);
    out
}

/// Checks the value at `path` of `doc` against its schema `node`, then its children.
/// Per object path: the keys the examples had, and the properties the schema names.
type Seen = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn check(root: &Value, node: &Value, doc: &Value, path: &mut Vec<String>, seen: &mut Seen) {
    let here = path.iter().fold(doc, |v, k| &v[k]);
    let node = resolve(root, node, here);
    let at = if path.is_empty() {
        "(root)".to_owned()
    } else {
        path.join(".")
    };
    if at == "context" {
        // The one map of the contract (the owner's keys): any key parses; the limits are the
        // validation's (`owner_context`), judged against the schema with generated values.
        assert_eq!(
            node["additionalProperties"]["type"],
            json!("string"),
            "{at}"
        );
        assert!(node["propertyNames"]["pattern"].is_string(), "{at}");
        seen.entry(at).or_default();
        return;
    }
    let Some(obj) = here.as_object() else {
        // A leaf: enums and constants must match serde's variants.
        let allowed: Vec<&Value> = match (node.get("enum"), node.get("const")) {
            (Some(Value::Array(values)), _) => values.iter().collect(),
            (_, Some(c)) if !c.is_null() => vec![c],
            _ => return,
        };
        for v in allowed {
            let doc2 = match (at.as_str(), v.as_str()) {
                // Another kind needs its own part: take the matching full example.
                ("kind", Some("callback")) => full(Kind::Callback, When::Asap {}),
                ("kind", _) => full(Kind::Feedback, When::Asap {}),
                // A slot carries from/to: the slot example covers it.
                ("callback.when.mode", Some("slot")) => continue,
                _ => edit(doc, path, |m, k| {
                    m.insert(k.into(), v.clone());
                }),
            };
            assert!(
                parses(&doc2),
                "{at}: the schema allows {v}, the Rust types refuse it"
            );
        }
        if at != "schema" {
            // (`schema` is a plain string for serde; validate.rs refuses other values.)
            let bogus = edit(doc, path, |m, k| {
                m.insert(k.into(), json!("not-a-variant"));
            });
            assert!(
                !parses(&bogus),
                "{at}: the Rust types accept a value the schema refuses"
            );
        }
        return;
    };
    assert_eq!(
        node["additionalProperties"],
        json!(false),
        "{at}: the schema must refuse unknown properties, as serde does"
    );
    let props = node["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{at}: no properties in the schema"));
    // (A feedback example has no `callback` and the other way round: compared over all examples.)
    let entry = seen.entry(at.clone()).or_default();
    entry.0.extend(obj.keys().cloned());
    entry.1.extend(props.keys().cloned());
    let required: Vec<&str> = node["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for key in obj.keys() {
        path.push(key.clone());
        let without = edit(doc, path, |m, k| {
            m.remove(k);
        });
        let is_required = required.contains(&key.as_str());
        assert_eq!(
            !parses(&without),
            is_required,
            "{}: required in the schema = {is_required}, but the Rust types {} it missing",
            path.join("."),
            if is_required { "accept" } else { "refuse" }
        );
        let Some(child) = props.get(key) else {
            panic!("{}: not in the schema", path.join("."))
        };
        check(root, child, doc, path, seen);
        path.pop();
    }
    let mut extra_path = path.clone();
    extra_path.push("unexpected_property".into());
    let extra = edit(doc, &extra_path, |m, k| {
        m.insert(k.into(), json!(1));
    });
    assert!(
        !parses(&extra),
        "{at}: the Rust types accept an unknown property"
    );
}

#[test]
fn schema_and_rust_types_agree() {
    let root = schema();
    let slot = When::Slot {
        from: "2026-11-24T09:00:00.000Z".into(),
        to: "2026-11-24T09:30:00.000Z".into(),
    };
    let mut seen = Seen::new();
    for doc in [
        full(Kind::Feedback, When::Asap {}),
        full(Kind::Callback, When::Asap {}),
        full(Kind::Callback, slot),
    ] {
        check(&root, &root, &doc, &mut Vec::new(), &mut seen);
    }
    for (at, (keys, names)) in &seen {
        assert_eq!(
            keys, names,
            "{at}: the Rust types and the schema name different properties"
        );
    }
    let objects: Vec<&str> = seen.keys().map(String::as_str).collect();
    assert_eq!(
        objects,
        [
            "(root)",
            "callback",
            "callback.promise",
            "callback.when",
            "client",
            "consent",
            "context",
            "feedback",
            "page",
            "visitor"
        ],
        "every object of the submission was walked"
    );
}

#[test]
fn schema_limits_match_validation() {
    use allo_core::validate::{EMAIL_MAX, MESSAGE_MAX, NAME_MAX, SHORT_MAX, URL_MAX};
    let root = schema();
    assert_eq!(root["properties"]["schema"]["const"], json!(SCHEMA));
    let lengths = [
        ("feedback", "message", MESSAGE_MAX),
        ("feedback", "category", SHORT_MAX),
        ("visitor", "name", NAME_MAX),
        ("visitor", "email", EMAIL_MAX),
        ("page", "url", URL_MAX),
        ("page", "title", SHORT_MAX),
        ("callback", "reason", SHORT_MAX),
        ("promise", "text", SHORT_MAX),
    ];
    for (def, prop, max) in lengths {
        assert_eq!(
            root["$defs"][def]["properties"][prop]["maxLength"],
            json!(max),
            "{def}.{prop}"
        );
    }
}

/// What the collector makes of a document, before its own phone-number check: parsed by the
/// strict reader and free of validation problems.
fn accepted(doc: &Value) -> bool {
    read(doc).is_ok_and(|s| {
        allo_core::validate::validate_submission(&s).is_empty() && s.context.problems().is_empty()
    })
}

/// `doc` with the value at JSON pointer `at` replaced (or added to its parent object).
fn with(doc: &Value, at: &str, value: Value) -> Value {
    let mut out = doc.clone();
    if let Some(slot) = out.pointer_mut(at) {
        *slot = value;
    } else {
        let (parent, key) = at.rsplit_once('/').unwrap();
        out.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no parent object for {at}"))
            .insert(key.into(), value);
    }
    out
}

/// Strings around a length limit, in one-, two- and four-byte characters, and blank ones.
fn strings_around(max: usize) -> Vec<String> {
    let mut out = vec![
        String::new(),
        " ".into(),
        "\t\n".into(),
        "\u{a0}".into(),
        "x".into(),
    ];
    for piece in ["a", "é", "😀"] {
        for n in [max.saturating_sub(1), max, max + 1] {
            out.push(piece.repeat(n));
        }
    }
    out
}

/// Values of the wrong JSON type for any field, arrays and `null` included.
fn wrong_types(of: &Value) -> Vec<Value> {
    let mut out = vec![
        json!(null),
        json!(true),
        json!(0),
        json!(1.5),
        json!("x"),
        json!([]),
        json!({}),
    ];
    if let Some(obj) = of.as_object() {
        // serde's derives read an array as the struct's fields in order.
        out.push(Value::Array(obj.values().cloned().collect()));
    }
    if of.is_string() {
        out.push(json!([of.clone()]));
        out.push(json!({ "0": of.clone() }));
    }
    out
}

/// Timestamps from a grid of edge values: leap years, month lengths, 24:00, :60.
fn timestamps() -> Vec<String> {
    let mut out = Vec::new();
    for year in [
        "1969", "1970", "1972", "1900", "2000", "2023", "2024", "2100", "9999",
    ] {
        for month in ["00", "01", "02", "04", "12", "13"] {
            for day in ["00", "01", "28", "29", "30", "31", "32"] {
                for time in ["00:00:00", "23:59:59", "23:59:60", "24:00:00", "12:60:00"] {
                    for fraction in ["", ".5", ".123456789"] {
                        out.push(format!("{year}-{month}-{day}T{time}{fraction}Z"));
                    }
                }
            }
        }
    }
    out.extend(
        [
            "2026-11-23T18:00:00.Z",
            "2026-11-23T18:00:00+01:00",
            "2026-11-23 18:00:00Z",
            "2026-11-23T18:00:00z",
            "２026-11-23T18:00:00Z",
            "2026-11-23T18:00Z",
        ]
        .map(String::from),
    );
    out
}

fn emails() -> Vec<String> {
    let mut out = Vec::new();
    for local in ["a", "first.last+tag", "é", "", "a b", "a@b"] {
        for domain in [
            "b.co",
            "пример.рф",
            "b",
            ".b.co",
            "b.co.",
            "b..co",
            "b.c",
            "",
            "b co.de",
            "@b.co",
        ] {
            out.push(format!("{local}@{domain}"));
        }
    }
    out.push("no-at-sign.example".into());
    out.push(format!("{}@b.co", "я".repeat(254 - 5)));
    out.push(format!("{}@b.co", "я".repeat(254 - 4)));
    out
}

#[test]
fn schema_and_validator_agree_on_generated_values() {
    let root = schema();
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    let slot = When::Slot {
        from: "2026-11-24T09:00:00.000Z".into(),
        to: "2026-11-24T09:30:00.000Z".into(),
    };
    let bases = [
        full(Kind::Feedback, When::Asap {}),
        full(Kind::Callback, When::Asap {}),
        full(Kind::Callback, slot),
    ];
    // (pointer, limit) of every text field of the full documents.
    let texts: &[(&str, usize)] = &[
        ("/locale", 35),
        ("/page/url", 4096),
        ("/page/title", 500),
        ("/page/referrer", 4096),
        ("/visitor/name", 100),
        ("/visitor/phone", 40),
        ("/feedback/category", 500),
        ("/feedback/message", 4000),
        ("/callback/phone_raw", 40),
        ("/callback/timezone", 64),
        ("/callback/reason", 500),
        ("/callback/promise/text", 500),
        ("/consent/text", 2000),
        ("/consent/version", 64),
        ("/client/widget_version", 32),
        ("/client/user_agent", 500),
        ("/client/viewport", 32),
        ("/context/orderId", 200),
    ];
    let times = [
        "/created_at",
        "/callback/when/from",
        "/callback/promise/due_by",
        "/consent/given_at",
    ];
    let (mut tried, mut allowed) = (0usize, 0usize);
    let mut judge = |doc: &Value, what: &str| {
        let schema_ok = validator.is_valid(doc);
        // The rule the schema cannot say: a slot ends after it starts.
        let slot_ok = match (
            doc.pointer("/callback/when/from").and_then(Value::as_str),
            doc.pointer("/callback/when/to").and_then(Value::as_str),
        ) {
            (Some(from), Some(to)) => {
                allo_core::validate::utc_cmp(from, to).is_none_or(|o| o == std::cmp::Ordering::Less)
            }
            _ => true,
        };
        assert_eq!(
            accepted(doc),
            schema_ok && slot_ok,
            "{what}: the schema says {}, the validator disagrees: {doc}",
            if schema_ok { "yes" } else { "no" }
        );
        tried += 1;
        allowed += usize::from(schema_ok && slot_ok);
    };
    for base in &bases {
        judge(base, "the full example");
        // Every object and every leaf gets values of the wrong type.
        let mut pointers = vec![String::new()];
        let mut i = 0;
        while i < pointers.len() {
            if let Some(obj) = base.pointer(&pointers[i]).and_then(Value::as_object) {
                let here = pointers[i].clone();
                pointers.extend(obj.keys().map(|k| format!("{here}/{k}")));
            }
            i += 1;
        }
        for at in pointers.iter().filter(|p| !p.is_empty()) {
            for v in wrong_types(base.pointer(at).unwrap()) {
                judge(&with(base, at, v), at);
            }
        }
        for v in wrong_types(base) {
            judge(&v, "the whole document");
        }
        for (at, max) in texts {
            if base.pointer(at).is_none() {
                continue;
            }
            for text in strings_around(*max) {
                judge(&with(base, at, json!(text)), at);
            }
        }
        for at in times {
            if base.pointer(at).is_none() {
                continue;
            }
            for t in timestamps() {
                judge(&with(base, at, json!(t)), at);
            }
        }
        // The context's keys and size (owner_context's limits).
        let keys = [
            "a",
            "A.b-c_9",
            "9a",
            "_a",
            "a b",
            "é",
            "a\n",
            "",
            &"k".repeat(40),
            &"k".repeat(41),
        ];
        for key in keys {
            judge(
                &with(base, &format!("/context/{key}"), json!("v")),
                "/context key",
            );
        }
        for n in [19, 20, 21] {
            let many: Map<String, Value> = (0..n).map(|i| (format!("k{i}"), json!("v"))).collect();
            judge(
                &with(base, "/context", Value::Object(many)),
                "/context size",
            );
        }
        if base.pointer("/visitor/email").is_some() {
            for e in emails() {
                judge(&with(base, "/visitor/email", json!(e)), "/visitor/email");
            }
        }
        if base.pointer("/feedback").is_some() {
            for metric in ["csat", "nps", "ces"] {
                for score in [
                    json!(-1),
                    json!(0),
                    json!(1),
                    json!(5),
                    json!(5.0),
                    json!(5.5),
                    json!(7),
                    json!(10),
                    json!(10.0),
                    json!(-0.0),
                    json!(11),
                    json!(256),
                    json!(1e300),
                    json!("5"),
                ] {
                    let doc = with(base, "/feedback/metric", json!(metric));
                    judge(&with(&doc, "/feedback/score", score), "/feedback/score");
                }
            }
        }
        for kind in [json!({ "feedback": null }), json!(0), json!("Feedback")] {
            judge(&with(base, "/kind", kind), "/kind");
        }
        if base.pointer("/callback").is_some() {
            for mode in [json!(0), json!(1), json!({ "asap": null }), json!("ASAP")] {
                judge(&with(base, "/callback/when/mode", mode), "mode");
            }
            let asap_with_times = with(
                base,
                "/callback/when",
                json!({ "mode": "asap", "from": "2026-11-24T09:00:00Z" }),
            );
            judge(&asap_with_times, "asap with from");
            judge(
                &with(base, "/callback/when", json!({ "mode": "slot" })),
                "slot without from/to",
            );
            for (from, to) in [
                ("2026-11-24T09:00:00Z", "2026-11-24T09:00:00.001Z"),
                ("2026-11-24T09:00:00.000Z", "2026-11-24T09:00:00Z"),
                ("2026-11-24T10:00:00Z", "2026-11-24T09:00:00Z"),
            ] {
                let doc = with(
                    base,
                    "/callback/when",
                    json!({ "mode": "slot", "from": from, "to": to }),
                );
                judge(&doc, "slot order");
            }
        }
        for id in [
            "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "3f2504e0-4f89-41d3-7a0c-0305e82c3301",
            "3f2504e04f8941d39a0c0305e82c3301",
        ] {
            judge(&with(base, "/id", json!(id)), "/id");
        }
    }
    eprintln!(
        "schema agreement: {tried} generated documents, {allowed} allowed by both, {} refused by both",
        tried - allowed
    );
}
