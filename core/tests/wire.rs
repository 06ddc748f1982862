//! The wire JSON, byte for byte: what the widget writes (`allo_core::json`, derived by
//! `#[derive(Json)]`) and what the collector writes (serde) for each wire type, against
//! fixtures in `tests/fixtures/` recorded from the hand-written encoders these derives
//! replaced. Each fixture also reads back into the same value through both readers.
//!
//! The widget writes object keys sorted (`json::Map` keeps them so), serde in declaration
//! order: two byte sequences for one JSON value, each fixed here.
use allo_core::json::{FromJson, ToJson, Value};
use allo_core::status::{AttemptView, Next, PromiseView, RequestStatus, Status, StatusAnswer};
use allo_core::submission::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .trim_end()
        .to_owned()
}

fn feedback() -> Submission {
    Submission {
        schema: SCHEMA.into(),
        id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301".into(),
        kind: Kind::Feedback,
        created_at: "2026-11-23T18:00:00.000Z".into(),
        locale: "fr-FR".into(),
        page: Some(Page {
            url: "https://shop.example/p?q=1&r=\"2\"".into(),
            title: "Shop — <b>été</b>".into(),
            referrer: String::new(),
        }),
        visitor: Visitor {
            name: Some("Ana \\ Bé".into()),
            email: None,
            phone: Some("06 12 34 56 78".into()),
        },
        feedback: Some(Feedback {
            metric: Metric::Nps,
            score: 9,
            category: Some("praise".into()),
            message: "Fast \"delivery\" — merci ✓\nline\ttab\u{1}".into(),
        }),
        callback: None,
        consent: None,
        client: Some(Client {
            widget_version: "0.1.0".into(),
            user_agent: "Mozilla/5.0".into(),
            viewport: "390x844".into(),
        }),
        context: Default::default(),
    }
}

fn callback(when: When) -> Submission {
    Submission {
        kind: Kind::Callback,
        page: None,
        visitor: Visitor::default(),
        feedback: None,
        client: None,
        callback: Some(Callback {
            phone_e164: "+33612345678".into(),
            phone_raw: "06 12 34 56 78".into(),
            country: "FR".into(),
            when,
            timezone: "Europe/Paris".into(),
            reason: String::new(),
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
        ..feedback()
    }
}

fn submissions() -> Vec<(&'static str, Submission)> {
    vec![
        ("feedback", feedback()),
        ("callback-asap", callback(When::Asap {})),
        (
            "callback-slot",
            Submission {
                // The owner's context (issue 21) travels only when there is one.
                context: allo_core::owner_context::Context::default()
                    .merged(&Value::parse(r#"{"orderId":"1042","plan":"pro"}"#).unwrap())
                    .unwrap(),
                ..callback(When::Slot {
                    from: "2026-11-24T09:00:00.000Z".into(),
                    to: "2026-11-24T10:00:00.000Z".into(),
                })
            },
        ),
    ]
}

fn answers() -> Vec<(&'static str, StatusAnswer)> {
    let received = StatusAnswer {
        status: Status::New,
        message: None,
        promise: None,
        overdue: false,
        updated_at: "2026-11-24T09:00:00.000Z".into(),
        attempt: None,
        answered_at: None,
    };
    let missed = StatusAnswer {
        status: Status::Scheduled,
        message: Some("Running late, we'll call at 15:30 instead".into()),
        promise: Some(PromiseView {
            text: "We'll call you within 15 minutes.".into(),
            due_by: "2026-11-24T09:15:00.000Z".into(),
        }),
        overdue: true,
        attempt: Some(AttemptView {
            outcome: "no_answer".into(),
            tried_at: "2026-11-24T09:05:00.000Z".into(),
            retry_at: Some("2026-11-24T09:35:00.000Z".into()),
            next: Next::Call,
            text: "We tried to call you at 10:05 but couldn't reach you.".into(),
        }),
        answered_at: Some("2026-11-24T09:20:00.000Z".into()),
        ..received.clone()
    };
    let given_up = StatusAnswer {
        status: Status::Delayed,
        attempt: Some(AttemptView {
            outcome: "wrong_number".into(),
            retry_at: None,
            next: Next::Nothing,
            ..missed.attempt.clone().unwrap()
        }),
        ..missed.clone()
    };
    vec![
        ("status-received", received),
        ("status-missed", missed),
        ("status-given-up", given_up),
    ]
}

/// The widget's bytes, serde's bytes, and both readers, for one value.
fn check<T>(name: &str, value: &T, strict_read: impl Fn(&str) -> Option<T>)
where
    T: ToJson + FromJson + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let widget = fixture(&format!("{name}.widget.json"));
    let collector = fixture(&format!("{name}.collector.json"));
    assert_eq!(
        value.to_json().to_string(),
        widget,
        "{name}: the widget's bytes"
    );
    assert_eq!(
        serde_json::to_string(value).unwrap(),
        collector,
        "{name}: the collector's bytes"
    );
    for text in [&widget, &collector] {
        assert_eq!(
            T::from_json(&Value::parse(text).unwrap()).as_ref(),
            Some(value),
            "{name}: the widget reads {text}"
        );
        if let Some(read) = strict_read(text) {
            assert_eq!(&read, value, "{name}: the collector reads {text}");
        }
    }
}

#[test]
fn submissions_match_their_fixtures() {
    for (name, sub) in submissions() {
        check(&format!("submission-{name}"), &sub, |text| {
            Some(
                allo_core::strict::object(&mut serde_json::Deserializer::from_str(text))
                    .unwrap_or_else(|e| panic!("{name}: {e}")),
            )
        });
    }
}

#[test]
fn status_answers_match_their_fixtures() {
    for (name, answer) in answers() {
        // The collector writes the status answer but never reads it.
        check(name, &answer, |_| None);
        // And the widget's view of it keeps every part.
        let st = RequestStatus::from(&answer);
        assert_eq!(st.stage, answer.status);
        assert_eq!(st.missed.is_some(), answer.attempt.is_some(), "{name}");
    }
}

/// Prints the fixtures from the current encoders (`cargo test -p allo-core --features serde
/// --test wire -- --ignored --nocapture`), for a deliberate change of the wire format.
#[test]
#[ignore]
fn print_fixtures() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let write = |name: String, widget: String, collector: String| {
        std::fs::write(format!("{dir}/{name}.widget.json"), widget + "\n").unwrap();
        std::fs::write(format!("{dir}/{name}.collector.json"), collector + "\n").unwrap();
    };
    for (name, sub) in submissions() {
        write(
            format!("submission-{name}"),
            sub.to_json().to_string(),
            serde_json::to_string(&sub).unwrap(),
        );
    }
    for (name, a) in answers() {
        write(
            name.to_owned(),
            a.to_json().to_string(),
            serde_json::to_string(&a).unwrap(),
        );
    }
}
