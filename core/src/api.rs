//! The public JavaScript API's calls (`Allo.open("callback")`, `Allo.identify({…})`, …),
//! checked once into a typed [`Command`].
//!
//! The owner's code calls `window.Allo`; the loader forwards each call with its raw argument as
//! JSON. A bad argument becomes one [`ApiError`] whose message names the call, what was wrong,
//! and what to pass instead: the widget logs it and carries on, it never throws into the
//! caller's code.
use crate::json::{Map, Value};
use crate::msg::{Code, Msg};
use crate::quoted::q;

use crate::config::Prefill;
use crate::i18n::Lang;
use crate::submission::Kind;
use crate::validate::{is_email, EMAIL_MAX, NAME_MAX};

/// Longest phone number `identify` keeps (the forms normalise it later).
pub const PHONE_MAX: usize = 40;

/// One checked call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open the panel, on this form's tab (`None`: the first form offered).
    Open(Option<Kind>),
    /// Close the panel.
    Close,
    /// Who the visitor is: the fields given replace what the owner said before.
    Identify(Prefill),
    /// Speak this language from now on (a BCP 47 tag one of the catalogs answers).
    SetLocale(String),
    /// Add to (or remove from) the owner's context sent with submissions.
    SetContext(crate::owner_context::Changes),
    /// Show the prompt now, if the caps allow (or regardless, with `force`).
    Ask(crate::prompt::Ask),
}

/// A call the widget cannot carry out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// No such method.
    UnknownCall(String),
    /// `open` with something other than "feedback" or "callback".
    BadKind(String),
    /// `open` with a form the owner did not offer (`kinds`).
    KindNotOffered(Kind),
    /// `identify` without an object.
    IdentifyNotAnObject,
    /// `identify` with a key other than name, email, phone.
    IdentifyUnknownKey(String),
    /// `identify` with a value that is not text.
    IdentifyNotText(String),
    /// `identify` with an email address that is not one.
    IdentifyBadEmail(String),
    /// `setLocale` with a language Allo has no catalog for.
    BadLocale(String),
    /// `setContext` or `ask`'s `context` refused (the call names which).
    Context(&'static str, crate::owner_context::ContextError),
    /// `ask` with options that are not `{ question, context, force }`: what is wrong.
    AskBadOptions(Msg),
}

impl ApiError {
    /// The console message (its text is in [`crate::msg`], not in the wasm).
    pub fn msg(&self) -> Msg {
        let (code, args) = match self {
            ApiError::UnknownCall(name) => (Code::UnknownCall, vec![name.clone()]),
            ApiError::BadKind(v) => (Code::BadKind, vec![v.clone()]),
            ApiError::KindNotOffered(k) => (Code::KindNotOffered, vec![k.as_str().to_owned()]),
            ApiError::IdentifyNotAnObject => (Code::IdentifyNotAnObject, vec![]),
            ApiError::IdentifyUnknownKey(k) => (Code::IdentifyUnknownKey, vec![q(k).to_string()]),
            ApiError::IdentifyNotText(k) => (Code::IdentifyNotText, vec![k.clone()]),
            ApiError::IdentifyBadEmail(v) => (Code::IdentifyBadEmail, vec![q(v).to_string()]),
            ApiError::BadLocale(v) => (Code::BadLocale, vec![v.clone()]),
            ApiError::Context(call, e) => (
                Code::CallContext,
                vec![(*call).to_owned(), crate::msg::Said::msg(e).nested()],
            ),
            ApiError::AskBadOptions(why) => (Code::AskBadOptions, vec![why.nested()]),
        };
        Msg::new(code, args)
    }
}

/// The console line, as [`ApiError::msg`] with its text.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.msg().fmt(f)
    }
}

impl std::error::Error for ApiError {}

/// A raw argument as the owner wrote it, for messages (`"chat"`, `42`, `undefined`).
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "undefined".to_owned(),
        other => other.to_string(),
    }
}

/// Checks the call `name` with its raw `arg` (JSON; `null` for none) against the forms
/// the owner offers.
pub fn parse(name: &str, arg: &Value, kinds: &[Kind]) -> Result<Command, ApiError> {
    match name {
        "open" => {
            let kind = match arg {
                Value::Null => return Ok(Command::Open(None)),
                Value::String(s) if s == "feedback" => Kind::Feedback,
                Value::String(s) if s == "callback" => Kind::Callback,
                other => return Err(ApiError::BadKind(shown(other))),
            };
            if kinds.contains(&kind) {
                Ok(Command::Open(Some(kind)))
            } else {
                Err(ApiError::KindNotOffered(kind))
            }
        }
        "close" => Ok(Command::Close),
        "identify" => match arg {
            Value::Object(map) => identify(map).map(Command::Identify),
            _ => Err(ApiError::IdentifyNotAnObject),
        },
        "setLocale" => match arg {
            Value::String(tag) if Lang::from_tag(tag).is_some() => {
                Ok(Command::SetLocale(tag.trim().to_owned()))
            }
            other => Err(ApiError::BadLocale(shown(other))),
        },
        "setContext" => crate::owner_context::Changes::parse(arg)
            .map(Command::SetContext)
            .map_err(|e| ApiError::Context("setContext", e)),
        "ask" => ask(arg, kinds).map(Command::Ask),
        other => Err(ApiError::UnknownCall(other.to_owned())),
    }
}

/// `ask`'s options refused: `code` says what is wrong.
fn bad_options(code: Code, args: Vec<String>) -> ApiError {
    ApiError::AskBadOptions(Msg::new(code, args))
}

/// `Allo.ask(kind, options)`: the loader passes `[kind, options]`.
fn ask(arg: &Value, kinds: &[Kind]) -> Result<crate::prompt::Ask, ApiError> {
    let none = Value::Null;
    let (kind, options) = match arg.as_array().map(Vec::as_slice) {
        Some([k]) => (k, &none),
        Some([k, o, ..]) => (k, o),
        _ => (arg, &none),
    };
    let kind = match kind {
        Value::Null => kinds[0],
        Value::String(s) if s == "feedback" => Kind::Feedback,
        Value::String(s) if s == "callback" => Kind::Callback,
        other => return Err(bad_options(Code::AskKindBad, vec![shown(other)])),
    };
    if !kinds.contains(&kind) {
        return Err(bad_options(
            Code::AskKindNotOffered,
            vec![kind.as_str().to_owned()],
        ));
    }
    let mut out = crate::prompt::Ask {
        kind,
        question: None,
        context: Default::default(),
        force: false,
    };
    let options = match options {
        Value::Null => return Ok(out),
        Value::Object(m) => m,
        other => return Err(bad_options(Code::AskNotAnObject, vec![shown(other)])),
    };
    for (key, value) in options {
        match (key.as_str(), value) {
            ("question", Value::String(q)) => {
                let q: String = q.trim().chars().take(crate::prompt::QUESTION_MAX).collect();
                out.question = Some(q).filter(|q| !q.is_empty());
            }
            ("question", Value::Null) => {}
            ("context", v) => {
                out.context = crate::owner_context::Changes::parse(v)
                    .map_err(|e| ApiError::Context("ask", e))?;
            }
            ("force", Value::Bool(b)) => out.force = *b,
            ("question" | "force", v) => {
                return Err(bad_options(Code::AskOptionBad, vec![key.clone(), shown(v)]))
            }
            (other, _) => {
                return Err(bad_options(
                    Code::AskOptionUnknown,
                    vec![q(other).to_string()],
                ))
            }
        }
    }
    Ok(out)
}

fn identify(map: &Map) -> Result<Prefill, ApiError> {
    let mut out = Prefill::default();
    for (key, value) in map {
        let text = match value {
            Value::Null => None,
            Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()),
            _ => return Err(ApiError::IdentifyNotText(key.clone())),
        };
        let keep = |max: usize| text.map(|t| t.chars().take(max).collect::<String>());
        match key.as_str() {
            "name" => out.name = keep(NAME_MAX),
            "phone" => out.phone = keep(PHONE_MAX),
            "email" => {
                if let Some(t) = text {
                    if t.chars().count() > EMAIL_MAX || !is_email(t) {
                        return Err(ApiError::IdentifyBadEmail(t.to_owned()));
                    }
                }
                out.email = text.map(str::to_owned);
            }
            other => return Err(ApiError::IdentifyUnknownKey(other.to_owned())),
        }
    }
    Ok(out)
}

impl Prefill {
    /// `newer` on top of `self`: each field `newer` sets replaces this one's.
    pub fn merged(&self, newer: &Prefill) -> Prefill {
        Prefill {
            name: newer.name.clone().or_else(|| self.name.clone()),
            email: newer.email.clone().or_else(|| self.email.clone()),
            phone: newer.phone.clone().or_else(|| self.phone.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::j as json;

    const BOTH: &[Kind] = &[Kind::Feedback, Kind::Callback];

    #[test]
    fn good_calls() {
        let cases = [
            ("open", json!(null), Command::Open(None)),
            (
                "open",
                json!("callback"),
                Command::Open(Some(Kind::Callback)),
            ),
            (
                "open",
                json!("feedback"),
                Command::Open(Some(Kind::Feedback)),
            ),
            ("close", json!(null), Command::Close),
            ("close", json!("anything"), Command::Close),
            (
                "setLocale",
                json!(" fr-CA "),
                Command::SetLocale("fr-CA".into()),
            ),
            ("setLocale", json!("nl"), Command::SetLocale("nl".into())),
            (
                "identify",
                json!({ "name": " Ana ", "email": "ana@example.com", "phone": null }),
                Command::Identify(Prefill {
                    name: Some("Ana".into()),
                    email: Some("ana@example.com".into()),
                    phone: None,
                }),
            ),
            ("identify", json!({}), Command::Identify(Prefill::default())),
        ];
        for (name, arg, want) in cases {
            assert_eq!(parse(name, &arg, BOTH), Ok(want), "{name}({arg})");
        }
    }

    #[test]
    fn ask_and_set_context() {
        use crate::owner_context::{Changes, ContextError};
        use crate::prompt::Ask;
        let set = |k: &str, v: Option<&str>| (k.to_owned(), v.map(str::to_owned));
        let ask = |kind, question: Option<&str>, context: Vec<(String, Option<String>)>, force| {
            Ok(Command::Ask(Ask {
                kind,
                question: question.map(str::to_owned),
                context: Changes(context),
                force,
            }))
        };
        let cases = [
            (
                "ask",
                json!(["feedback"]),
                ask(Kind::Feedback, None, vec![], false),
            ),
            (
                "ask",
                json!("callback"),
                ask(Kind::Callback, None, vec![], false),
            ),
            (
                "ask",
                json!([null]),
                ask(Kind::Feedback, None, vec![], false),
            ),
            (
                "ask",
                json!(["feedback", { "question": " How was your order? ", "context": { "orderId": 1042 }, "force": true }]),
                ask(
                    Kind::Feedback,
                    Some("How was your order?"),
                    vec![set("orderId", Some("1042"))],
                    true,
                ),
            ),
            (
                "ask",
                json!(["feedback", { "question": "" }]),
                ask(Kind::Feedback, None, vec![], false),
            ),
            (
                "setContext",
                json!({ "orderId": "1042", "plan": null }),
                Ok(Command::SetContext(Changes(vec![
                    set("orderId", Some("1042")),
                    set("plan", None),
                ]))),
            ),
            (
                "ask",
                json!(["chat"]),
                Err(bad_options(Code::AskKindBad, vec!["\"chat\"".into()])),
            ),
            (
                "ask",
                json!(["feedback", "now"]),
                Err(bad_options(Code::AskNotAnObject, vec!["\"now\"".into()])),
            ),
            (
                "ask",
                json!(["feedback", { "force": "yes" }]),
                Err(bad_options(
                    Code::AskOptionBad,
                    vec!["force".into(), "\"yes\"".into()],
                )),
            ),
            (
                "ask",
                json!(["feedback", { "when": 1 }]),
                Err(bad_options(Code::AskOptionUnknown, vec!["\"when\"".into()])),
            ),
            (
                "ask",
                json!(["feedback", { "context": { "a b": "1" } }]),
                Err(ApiError::Context("ask", ContextError::BadKey("a b".into()))),
            ),
            (
                "setContext",
                json!("1042"),
                Err(ApiError::Context("setContext", ContextError::NotAnObject)),
            ),
        ];
        for (name, arg, want) in cases {
            assert_eq!(parse(name, &arg, BOTH), want, "{name}({arg})");
        }
        assert_eq!(
            parse("ask", &json!(["callback"]), &[Kind::Feedback]),
            Err(bad_options(
                Code::AskKindNotOffered,
                vec!["callback".into()]
            ))
        );
        // The texts, as the console shows them.
        assert_eq!(
            parse("ask", &json!(["feedback", { "when": 1 }]), BOTH)
                .unwrap_err()
                .to_string(),
            "Allo: Allo.ask(kind, { question, context, force }): \"when\" is not question, context or force; nothing was asked."
        );
        assert_eq!(
            bad_options(Code::AskKindNotOffered, vec!["callback".into()]).to_string(),
            "Allo: Allo.ask(kind, { question, context, force }): this widget does not offer the callback form (see the kinds setting); nothing was asked."
        );
        assert_eq!(
            ApiError::Context("setContext", ContextError::NotText("a".into())).to_string(),
            "Allo: Allo.setContext(): the context value of a must be text (or a number); the call was ignored."
        );
    }

    #[test]
    fn bad_calls_name_the_call_and_the_fix() {
        let cases = [
            (
                "show",
                json!(null),
                ApiError::UnknownCall("show".into()),
                "Allo.show() does not exist",
            ),
            (
                "open",
                json!("chat"),
                ApiError::BadKind("\"chat\"".into()),
                "\"feedback\" or \"callback\"",
            ),
            (
                "open",
                json!(3),
                ApiError::BadKind("3".into()),
                "Allo.open(3)",
            ),
            (
                "identify",
                json!("Ana"),
                ApiError::IdentifyNotAnObject,
                "needs an object",
            ),
            (
                "identify",
                json!(null),
                ApiError::IdentifyNotAnObject,
                "needs an object",
            ),
            (
                "identify",
                json!({ "mail": "a@b.c" }),
                ApiError::IdentifyUnknownKey("mail".into()),
                "not name, email or phone",
            ),
            (
                "identify",
                json!({ "name": 7 }),
                ApiError::IdentifyNotText("name".into()),
                "name must be text",
            ),
            (
                "identify",
                json!({ "email": "ana@" }),
                ApiError::IdentifyBadEmail("ana@".into()),
                "not an email",
            ),
            (
                "setLocale",
                json!("pt-BR"),
                ApiError::BadLocale("\"pt-BR\"".into()),
                "en, fr, de, es, it and nl",
            ),
            (
                "setLocale",
                json!(null),
                ApiError::BadLocale("undefined".into()),
                "Allo.setLocale(undefined)",
            ),
        ];
        for (name, arg, want, says) in cases {
            let got = parse(name, &arg, BOTH).unwrap_err();
            assert_eq!(got, want, "{name}({arg})");
            assert!(got.to_string().contains(says), "{got}");
        }
    }

    #[test]
    fn open_refuses_a_form_the_owner_did_not_offer() {
        let only = [Kind::Feedback];
        assert_eq!(
            parse("open", &json!("callback"), &only),
            Err(ApiError::KindNotOffered(Kind::Callback))
        );
        assert_eq!(parse("open", &json!(null), &only), Ok(Command::Open(None)));
    }

    #[test]
    fn identify_trims_and_caps_and_merges() {
        let long = "x".repeat(NAME_MAX + 20);
        let Ok(Command::Identify(p)) =
            parse("identify", &json!({ "name": long, "phone": "  " }), BOTH)
        else {
            panic!("identify failed")
        };
        assert_eq!(p.name.as_ref().map(|n| n.chars().count()), Some(NAME_MAX));
        assert_eq!(p.phone, None);
        let before = Prefill {
            name: Some("Old".into()),
            email: Some("old@example.com".into()),
            phone: None,
        };
        let newer = Prefill {
            name: Some("Ana".into()),
            email: None,
            phone: Some("0612".into()),
        };
        assert_eq!(
            before.merged(&newer),
            Prefill {
                name: Some("Ana".into()),
                email: Some("old@example.com".into()),
                phone: Some("0612".into())
            }
        );
    }
}
