//! The owner's context of a submission: a small flat map of the owner's keys and short text
//! values (`{ orderId: "1042", plan: "pro" }`), set with the `context` setting or
//! `Allo.setContext`, sent with every submission, validated by the collector.
//!
//! The limits live here, once, for the widget (which refuses a bad `setContext` with one
//! console error) and the collector (which answers 400 naming the key): at most
//! [`MAX_KEYS`] keys; a key is 1 to [`KEY_MAX`] ASCII letters, digits, `_`, `-` or `.`,
//! starting with a letter; a value is text of at most [`VALUE_MAX`] characters without
//! control characters (an empty value removes the key). The widget also takes a finite
//! number and writes it as text (`orderId: 1042` is what owners write); on the wire every
//! value is a string.
use crate::json::{Map, Obj, SortedMap, ToJson, Value};
use crate::msg::{Code, Msg, Said};
use crate::settings::{Reader, CONTEXT};

/// Most keys a context may hold.
pub const MAX_KEYS: usize = 20;
/// Longest key, in characters.
pub const KEY_MAX: usize = 40;
/// Longest value, in characters.
pub const VALUE_MAX: usize = 200;

/// The owner's context: keys in sorted order (a [`SortedMap`]; serde's form is a map, as a
/// `BTreeMap`'s), so two sends of the same map are byte for byte the same JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct Context(pub SortedMap<String>);

/// Why a context (or one of its entries) is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextError {
    /// Not a flat object.
    NotAnObject,
    /// More than [`MAX_KEYS`] keys.
    TooManyKeys(usize),
    /// A key outside the allowed shape.
    BadKey(String),
    /// A value that is not text (or a number).
    NotText(String),
    /// A value longer than [`VALUE_MAX`].
    TooLong(String),
    /// An empty value on the wire (the widget removes the key instead).
    Empty(String),
    /// A value with a line break or another control character.
    Control(String),
}

impl Said for ContextError {
    /// What is wrong, as a part of the call's or the setting's message ([`crate::msg`]).
    fn msg(&self) -> Msg {
        let (code, args) = match self {
            ContextError::NotAnObject => (Code::ContextNotAnObject, vec![]),
            ContextError::TooManyKeys(n) => (
                Code::ContextTooManyKeys,
                vec![n.to_string(), MAX_KEYS.to_string()],
            ),
            ContextError::BadKey(k) => (
                Code::ContextBadKey,
                vec![crate::quoted::q(k).to_string(), KEY_MAX.to_string()],
            ),
            ContextError::NotText(k) => (Code::ContextNotText, vec![k.clone()]),
            ContextError::TooLong(k) => {
                (Code::ContextTooLong, vec![k.clone(), VALUE_MAX.to_string()])
            }
            ContextError::Empty(k) => (Code::ContextEmpty, vec![k.clone()]),
            ContextError::Control(k) => (Code::ContextControl, vec![k.clone()]),
        };
        Msg::new(code, args)
    }
}

/// The text of [`Said::msg`].
impl std::fmt::Display for ContextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.msg().fmt(f)
    }
}

impl std::error::Error for ContextError {}

impl ContextError {
    /// The stable code the collector returns (the codes of `validate::Code`).
    pub fn code(&self) -> &'static str {
        match self {
            ContextError::TooManyKeys(_) | ContextError::TooLong(_) => "too_long",
            _ => "invalid",
        }
    }
}

/// True for a key of the allowed shape.
pub fn is_key(k: &str) -> bool {
    k.len() <= KEY_MAX
        && k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Checks one entry.
fn check_entry(k: &str, v: &str) -> Result<(), ContextError> {
    if !is_key(k) {
        Err(ContextError::BadKey(k.to_owned()))
    } else if v.is_empty() {
        Err(ContextError::Empty(k.to_owned()))
    } else if v.chars().count() > VALUE_MAX {
        Err(ContextError::TooLong(k.to_owned()))
    } else if v.chars().any(char::is_control) {
        Err(ContextError::Control(k.to_owned()))
    } else {
        Ok(())
    }
}

/// Checked changes to a context, as `Allo.setContext` and `Allo.ask` give them: a key with
/// its new text, or `None` to remove it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes(pub Vec<(String, Option<String>)>);

impl Changes {
    /// Checks a raw object: text (trimmed) or a finite number (written as text) sets a key;
    /// `null` or an empty text removes it. The first problem refuses the whole call.
    pub fn parse(v: &Value) -> Result<Changes, ContextError> {
        let map: &Map = v.as_object().ok_or(ContextError::NotAnObject)?;
        if map.len() > MAX_KEYS {
            return Err(ContextError::TooManyKeys(map.len()));
        }
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let text = match v {
                Value::Null => None,
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Number(n) if n.is_finite() => Some(crate::number::to_string(*n)),
                _ => return Err(ContextError::NotText(k.clone())),
            };
            match text.filter(|t| !t.is_empty()) {
                None if is_key(k) => out.push((k.clone(), None)),
                None => return Err(ContextError::BadKey(k.clone())),
                Some(t) => {
                    check_entry(k, &t)?;
                    out.push((k.clone(), Some(t)));
                }
            }
        }
        Ok(Changes(out))
    }
}

impl Context {
    /// True when there is nothing to send (then `context` is left out of the submission).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every problem, for the collector's 400 (one per bad entry, then the count).
    pub fn problems(&self) -> Vec<ContextError> {
        let mut out: Vec<ContextError> = self
            .0
            .iter()
            .filter_map(|(k, v)| check_entry(k, v).err())
            .collect();
        if self.0.len() > MAX_KEYS {
            out.push(ContextError::TooManyKeys(self.0.len()));
        }
        out
    }

    /// `changes` (a raw object, as `Allo.setContext` takes it) applied on top of this context.
    pub fn merged(&self, changes: &Value) -> Result<Context, ContextError> {
        self.apply(&Changes::parse(changes)?)
    }

    /// `changes` applied on top of this context: each key given replaces this one's, a
    /// removal removes it; refused (nothing changes) when the result has too many keys.
    pub fn apply(&self, changes: &Changes) -> Result<Context, ContextError> {
        // In order, so of a key given twice in `changes` the last change counts.
        let mut out = self.clone();
        for (k, v) in &changes.0 {
            match v {
                Some(v) => out.0.insert(k.clone(), v.clone()),
                None => out.0.remove(k),
            }
        }
        if out.0.len() > MAX_KEYS {
            return Err(ContextError::TooManyKeys(out.0.len()));
        }
        Ok(out)
    }

    /// The context as one line of text, `key=value` pairs joined by `; ` (the CSV export's
    /// cell and the inbox's filter chips).
    pub fn to_line(&self) -> String {
        let pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.join("; ")
    }
}

impl ToJson for Context {
    fn to_json(&self) -> Value {
        self.0
            .iter()
            .fold(Obj::new(), |o, (k, v)| o.set(k, v))
            .build()
    }
}

impl crate::json::FromJson for Context {
    /// Lenient, like the rest of `FromJson`: what the widget itself wrote (the outbox).
    fn from_json(v: &Value) -> Option<Context> {
        let map = v.as_object()?;
        Some(Context(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect(),
        ))
    }
}

/// The `context` setting (an object, or JSON text of one in a `data-context` attribute);
/// a bad one is a warning and no context.
pub fn from_setting(r: &mut Reader) -> Context {
    let parsed;
    let v = match r.raw(&CONTEXT) {
        None | Some(Value::Null) => return Context::default(),
        Some(Value::String(s)) if s.trim().is_empty() => return Context::default(),
        Some(Value::String(s)) => match (r.json)(s) {
            Some(p) => {
                parsed = p;
                Ok(&parsed)
            }
            None => Err(ContextError::NotAnObject),
        },
        Some(other) => Ok(other),
    };
    match v.and_then(|v| Context::default().merged(v)) {
        Ok(c) => c,
        Err(e) => {
            r.note(&CONTEXT, Code::ContextRefused, vec![e.msg().nested()]);
            Context::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::j as json;

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        Context(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn merging() {
        let base = ctx(&[("orderId", "1042"), ("plan", "pro")]);
        let cases: Vec<(Value, Result<Context, ContextError>)> = vec![
            (
                json!({ "plan": "team", "cart.total": 99.5 }),
                Ok(ctx(&[
                    ("cart.total", "99.5"),
                    ("orderId", "1042"),
                    ("plan", "team"),
                ])),
            ),
            (json!({ "plan": null, "orderId": " " }), Ok(ctx(&[]))),
            (
                json!({ "orderId": 1042 }),
                Ok(ctx(&[("orderId", "1042"), ("plan", "pro")])),
            ),
            (json!("orderId"), Err(ContextError::NotAnObject)),
            (json!([1]), Err(ContextError::NotAnObject)),
            (
                json!({ "order id": "1" }),
                Err(ContextError::BadKey("order id".into())),
            ),
            (
                json!({ "1st": "1" }),
                Err(ContextError::BadKey("1st".into())),
            ),
            (
                json!({ "ünï": null }),
                Err(ContextError::BadKey("ünï".into())),
            ),
            (json!({ "a": true }), Err(ContextError::NotText("a".into()))),
            (
                json!({ "a": { "b": "c" } }),
                Err(ContextError::NotText("a".into())),
            ),
            (
                json!({ "a": "x\ny" }),
                Err(ContextError::Control("a".into())),
            ),
            (
                json!({ "a": "é".repeat(VALUE_MAX + 1) }),
                Err(ContextError::TooLong("a".into())),
            ),
            (
                json!({ "a": "é".repeat(VALUE_MAX) }),
                Ok({
                    let mut c = base.clone();
                    c.0.insert("a".into(), "é".repeat(VALUE_MAX));
                    c
                }),
            ),
            (
                json!({ ("k".repeat(KEY_MAX)): "v" }),
                Ok({
                    let mut c = base.clone();
                    c.0.insert("k".repeat(KEY_MAX), "v".into());
                    c
                }),
            ),
            (
                json!({ ("k".repeat(KEY_MAX + 1)): "v" }),
                Err(ContextError::BadKey("k".repeat(KEY_MAX + 1))),
            ),
        ];
        for (changes, want) in cases {
            assert_eq!(base.merged(&changes), want, "{changes}");
        }
        let many: Map = (0..MAX_KEYS - 1)
            .map(|i| (format!("k{i}"), Value::String("v".into())))
            .collect();
        assert_eq!(
            base.merged(&Value::Object(many)),
            Err(ContextError::TooManyKeys(MAX_KEYS + 1))
        );
    }

    #[test]
    fn apply_keeps_the_last_change_of_a_key() {
        let base = ctx(&[("a", "1"), ("b", "2")]);
        let set = |k: &str, v: Option<&str>| (k.to_owned(), v.map(str::to_owned));
        let changes = Changes(vec![
            set("a", None),
            set("a", Some("3")),
            set("b", Some("4")),
            set("b", None),
            set("c", Some("5")),
        ]);
        assert_eq!(base.apply(&changes), Ok(ctx(&[("a", "3"), ("c", "5")])));
    }

    #[test]
    fn problems_name_each_bad_entry() {
        let mut c = ctx(&[("ok", "fine"), ("bad key", "x"), ("line", "a\rb")]);
        assert_eq!(
            c.problems(),
            [
                ContextError::BadKey("bad key".into()),
                ContextError::Control("line".into())
            ]
        );
        c = Context(
            (0..=MAX_KEYS)
                .map(|i| (format!("k{i}"), "v".into()))
                .collect(),
        );
        assert_eq!(c.problems(), [ContextError::TooManyKeys(MAX_KEYS + 1)]);
        assert_eq!(
            ContextError::BadKey("bad key".into()).to_string(),
            "the context key \"bad key\" is not 1 to 40 letters, digits, _, - or ., starting with a letter"
        );
        assert_eq!(ctx(&[("a", "1"), ("b", "x y")]).to_line(), "a=1; b=x y");
    }

    #[test]
    fn setting() {
        let mut warned = 0;
        let mut read = |raw: Option<Value>| {
            let settings: Map = raw.map(|v| ("context".to_owned(), v)).into_iter().collect();
            let mut r = Reader::new(&settings);
            let c = from_setting(&mut r);
            warned += r.warnings.len();
            c
        };
        let cases = [
            (json!({ "orderId": "1042" }), ctx(&[("orderId", "1042")])),
            (json!("{\"plan\":\"pro\"}"), ctx(&[("plan", "pro")])),
            (json!(""), ctx(&[])),
            (json!("plan=pro"), ctx(&[])),
            (json!({ "a b": "1" }), ctx(&[])),
        ];
        for (raw, want) in cases {
            assert_eq!(read(Some(raw.clone())), want, "{raw}");
        }
        assert_eq!(read(None), ctx(&[]));
        assert_eq!(warned, 2);
    }
}
