//! The owner's context of a submission on the collector's side (`{ "orderId": "1042" }`):
//! its validation for the 400, how it is stored, and the inbox's filter by one of its entries.
//!
//! The limits are `allo_core::owner_context`'s (the widget checks the same before sending).
//! The context is kept in its own column as compact JSON with sorted keys (`serde_json` of a
//! `BTreeMap`), NULL when empty. The filter `orderId=1042` matches the exact entry with a
//! `LIKE` on that text, `%"orderId":"1042"%`: both sides are written by `serde_json`, so a
//! quote or backslash inside a value is escaped in both and cannot fake an entry, and the
//! same `LIKE` means the same on SQLite and PostgreSQL.
use allo_core::owner_context::{is_key, Context, VALUE_MAX};
use allo_core::submission::Submission;

use crate::error::ProblemBody;

/// The field every context problem is reported under.
pub const FIELD: &str = "context";

/// Every problem of `sub`'s context, each naming its key.
pub fn problems(sub: &Submission) -> Vec<ProblemBody> {
    sub.context
        .problems()
        .into_iter()
        .map(|e| ProblemBody {
            field: FIELD,
            code: e.code(),
            message: e.to_string(),
        })
        .collect()
}

/// The stored column: compact JSON, `None` for an empty context.
pub fn column(c: &Context) -> Option<String> {
    (!c.is_empty()).then(|| serde_json::to_string(c).unwrap_or_default())
}

/// Reads the stored column back (NULL, or anything unreadable, is an empty context).
pub fn from_column(text: Option<String>) -> Context {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// One entry to filter by, from the inbox's `context` query parameter (`orderId=1042`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryFilter {
    /// The key.
    pub key: String,
    /// The exact value.
    pub value: String,
}

impl EntryFilter {
    /// `key=value` (spaces around either trimmed); `None` when the key is not one a context
    /// can hold or the value is empty or too long.
    pub fn parse(q: &str) -> Option<EntryFilter> {
        let (key, value) = q.split_once('=')?;
        let (key, value) = (key.trim(), value.trim());
        (is_key(key) && !value.is_empty() && value.chars().count() <= VALUE_MAX).then(|| {
            EntryFilter {
                key: key.to_owned(),
                value: value.to_owned(),
            }
        })
    }

    /// As the query parameter writes it.
    pub fn query(&self) -> String {
        format!("{}={}", self.key, self.value)
    }

    /// The `LIKE` pattern (escape character `\`) matching a stored column holding the entry.
    pub fn like_pattern(&self) -> String {
        let json = |s: &str| serde_json::to_string(s).unwrap_or_default();
        crate::search::like_pattern(&format!("{}:{}", json(&self.key), json(&self.value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let cases = [
            ("orderId=1042", Some(("orderId", "1042"))),
            (" plan = pro team ", Some(("plan", "pro team"))),
            ("a=b=c", Some(("a", "b=c"))),
            ("orderId", None),
            ("order id=1", None),
            ("orderId=", None),
            ("=1042", None),
        ];
        for (q, want) in cases {
            let got = EntryFilter::parse(q);
            assert_eq!(
                got.as_ref().map(|f| (f.key.as_str(), f.value.as_str())),
                want,
                "{q}"
            );
        }
        let f = EntryFilter::parse("ref=50%_off\\\"x").unwrap();
        // The value `50%_off\"x` is JSON `"50%_off\\\"x"`; each `\`, `%` and `_` escaped for LIKE.
        assert_eq!(f.like_pattern(), r#"%"ref":"50\%\_off\\\\\\"x"%"#);
    }

    #[test]
    fn column_round_trip() {
        let c = Context([("b".into(), "2".into()), ("a".into(), "x\"y".into())].into());
        let text = column(&c).unwrap();
        assert_eq!(text, r#"{"a":"x\"y","b":"2"}"#);
        assert_eq!(from_column(Some(text)), c);
        assert_eq!(column(&Context::default()), None);
        assert_eq!(from_column(None), Context::default());
        assert_eq!(from_column(Some("[]".into())), Context::default());
    }
}
