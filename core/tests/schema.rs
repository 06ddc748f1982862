//! `docs/submission.schema.json` and the Rust types in `submission.rs` describe the same JSON.
//!
//! No JSON Schema library: a small walk is enough and checks what matters to an endpoint
//! author. A submission with every optional part filled is serialized from the Rust types;
//! then, object by object, the examples' keys must be exactly the schema's `properties`;
//! removing a key must fail to parse exactly when the schema lists it as `required`; an
//! unknown key must fail (`additionalProperties: false`); and every value a schema `enum` or
//! `const` allows must parse while a value outside it must not.
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

fn parses(doc: &Value) -> bool {
    serde_json::from_value::<Submission>(doc.clone()).is_ok()
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
