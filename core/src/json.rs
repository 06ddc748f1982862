//! A small JSON value, parser and writer: what the widget reads (settings, API arguments,
//! stored drafts and outbox items, the status endpoint's answers) and writes (submissions,
//! storage, event details).
//!
//! Why not serde_json: in the wasm, serde's derives are monomorphised once per type and per
//! (de)serializer, and serde_json's code came to ~77 KB of the ~500 KB of code (≈15 %, measured
//! with names kept through `wasm-opt -Oz`). The widget's JSON needs are plain — small documents,
//! no streaming, no borrowed data — so one untyped [`Value`] with hand-written conversions
//! ([`ToJson`] / [`FromJson`]) does the job in a few KB. The collector keeps serde (its size does
//! not matter). The conversions of the wire types are derived (`#[derive(Json)]`, crate
//! `allo-core-derive`) from the same `#[serde]` attributes serde reads, and a host test checks
//! that both encode a submission the same way.
use std::fmt::{self, Write};

/// A JSON object: its members sorted by key, so what is written is stable (tests, storage).
pub type Map = SortedMap<Value>;

/// Text keys with values, sorted by key: [`Map`] (a JSON object) and the owner's context
/// ([`crate::owner_context::Context`]).
///
/// A sorted `Vec` rather than a `BTreeMap`: these maps have a handful of members, and the
/// B-tree's insert, search, iteration and drop code, once per value type, was ~3 KB of raw
/// wasm for `Value` alone, 1,756 B gzip (issue 22); here a binary search and the `Vec`'s own
/// code do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedMap<V>(Vec<(String, V)>);

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<V> SortedMap<V> {
    /// An empty map.
    pub const fn new() -> SortedMap<V> {
        SortedMap(Vec::new())
    }

    /// Where `key` is, or where it would go.
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Sets `key` to `value` (a key given twice keeps its last value, as in JavaScript).
    pub fn insert(&mut self, key: String, value: V) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Removes `key`, if it is there.
    pub fn remove(&mut self, key: &str) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }

    /// The entries, sorted by key.
    pub fn iter(&self) -> std::slice::Iter<'_, (String, V)> {
        self.0.iter()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values, in the keys' order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, V> IntoIterator for &'a SortedMap<V> {
    type Item = &'a (String, V);
    type IntoIter = std::slice::Iter<'a, (String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<V> FromIterator<(String, V)> for SortedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(items: I) -> SortedMap<V> {
        let mut m = SortedMap::new();
        for (k, v) in items {
            m.insert(k, v);
        }
        m
    }
}

impl<V, const N: usize> From<[(String, V); N]> for SortedMap<V> {
    fn from(items: [(String, V); N]) -> SortedMap<V> {
        items.into_iter().collect()
    }
}

/// The collector's form of a map is serde's map (what a `BTreeMap` writes and reads: sorted
/// keys, a repeated key keeping its last value).
#[cfg(feature = "serde")]
impl<V: serde::Serialize> serde::Serialize for SortedMap<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[cfg(feature = "serde")]
impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for SortedMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<String, V>::deserialize(d)?;
        Ok(SortedMap(map.into_iter().collect()))
    }
}

/// Any JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null` (and what a missing value reads as).
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number; integers are exact up to 2⁵³, far beyond any timestamp in ms.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// Where a text stops being JSON (byte offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError(pub usize);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}", self.0)
    }
}

impl std::error::Error for ParseError {}

const NULL: Value = Value::Null;

impl Value {
    /// Parses a whole JSON text (surrounding whitespace allowed, nothing else after it).
    pub fn parse(text: &str) -> Result<Value, ParseError> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        let v = p.value()?;
        p.ws();
        if p.i == p.s.len() {
            Ok(v)
        } else {
            Err(ParseError(p.i))
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The number, if it is a whole number from 0 to 2⁵³.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(n))
            .map(|n| n as u64)
    }

    /// The number, if it is a whole number within ±2⁵³.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0)
            .map(|n| n as i64)
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The member `key` of an object (`None` for a missing key or a non-object).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// Reads member `key` as `T`: `None` when missing, `null` or of another shape.
    pub fn field<T: FromJson>(&self, key: &str) -> Option<T> {
        T::from_json(self.get(key)?)
    }

    /// Reads member `key` as `T`, or `T`'s default (empty text, `false`) when it is missing,
    /// `null` or of another shape: for members that may be left out.
    pub fn field_or_default<T: FromJson + Default>(&self, key: &str) -> T {
        self.field(key).unwrap_or_default()
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// Like `serde_json`: a missing member or a non-object reads as `null`.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

/// Writes compact JSON (no spaces), the form sent on the wire and kept in storage.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            // Whole numbers print without a fraction (`3`, not `3.0`); JSON has no NaN or
            // infinity, so those are written as null.
            Value::Number(n) if !n.is_finite() => f.write_str("null"),
            Value::Number(n) => crate::number::write(*n, f),
            Value::String(s) => write_str(f, s),
            Value::Array(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    v.fmt(f)?;
                }
                f.write_char(']')
            }
            Value::Object(m) => {
                f.write_char('{')?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_str(f, k)?;
                    f.write_char(':')?;
                    v.fmt(f)?;
                }
                f.write_char('}')
            }
        }
    }
}

fn write_str(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            // U+2028/2029 are valid JSON but break older JavaScript parsers; escape them too.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => continue,
        };
        f.write_str(&s[start..i])?;
        if esc.is_empty() {
            write!(f, "\\u{:04x}", c as u32)?;
        } else {
            f.write_str(esc)?;
        }
        start = i + c.len_utf8();
    }
    f.write_str(&s[start..])?;
    f.write_char('"')
}

/// Deeper nesting than this is refused rather than risking the stack: nothing Allo reads is
/// more than a few levels deep. (The widget's reader of `JSON.parse`'s values refuses the same.)
pub const MAX_DEPTH: u32 = 64;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: u32,
}

impl Parser<'_> {
    fn err<T>(&self) -> Result<T, ParseError> {
        Err(ParseError(self.i))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        let ok = self.s[self.i..].starts_with(lit.as_bytes());
        if ok {
            self.i += lit.len();
        }
        ok
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        self.ws();
        let Some(&b) = self.s.get(self.i) else {
            return self.err();
        };
        match b {
            b'n' if self.eat("null") => Ok(Value::Null),
            b't' if self.eat("true") => Ok(Value::Bool(true)),
            b'f' if self.eat("false") => Ok(Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'[' | b'{' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return self.err();
                }
                self.i += 1;
                let v = if b == b'[' {
                    self.array()
                } else {
                    self.object()
                };
                self.depth -= 1;
                v
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.err(),
        }
    }

    /// After `[`.
    fn array(&mut self) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        self.ws();
        if self.eat("]") {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            if self.eat("]") {
                return Ok(Value::Array(items));
            }
            if !self.eat(",") {
                return self.err();
            }
        }
    }

    /// After `{`. A repeated key keeps its last value, as in JavaScript.
    fn object(&mut self) -> Result<Value, ParseError> {
        let mut m = Map::new();
        self.ws();
        if self.eat("}") {
            return Ok(Value::Object(m));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return self.err();
            }
            let k = self.string()?;
            self.ws();
            if !self.eat(":") {
                return self.err();
            }
            let v = self.value()?;
            m.insert(k, v);
            self.ws();
            if self.eat("}") {
                return Ok(Value::Object(m));
            }
            if !self.eat(",") {
                return self.err();
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.s.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > from
        };
        self.eat("-");
        // JSON forbids leading zeros (`01`) and bare signs or dots.
        if !self.eat("0") && !digits(self) {
            return self.err();
        }
        if self.eat(".") && !digits(self) {
            return self.err();
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            let _ = self.eat("+") || self.eat("-");
            if !digits(self) {
                return self.err();
            }
        }
        // The slice is ASCII digits and signs in JSON's grammar, so both conversions succeed.
        let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| ParseError(start))?;
        crate::number::parse(text)
            .map(Value::Number)
            .ok_or(ParseError(start))
    }

    /// At `"`: the unescaped string.
    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let from = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a &str and we stopped at ASCII, so this is whole UTF-8.
            out.push_str(std::str::from_utf8(&self.s[from..self.i]).map_err(|_| ParseError(from))?);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return self.err();
                    };
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return self.err(),
                    });
                }
                // End of input or a raw control character.
                _ => return self.err(),
            }
        }
    }

    /// After `\u`: one character, joining a surrogate pair; a lone surrogate becomes U+FFFD
    /// (what JavaScript strings may hold but Rust strings cannot).
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let hex = self.s.get(self.i..self.i + 4).ok_or(ParseError(self.i))?;
        let mut n = 0;
        for &h in hex {
            n = n * 16 + (h as char).to_digit(16).ok_or(ParseError(self.i))?;
        }
        self.i += 4;
        Ok(n)
    }
}

/// A type that writes itself as JSON.
pub trait ToJson {
    /// The JSON form.
    fn to_json(&self) -> Value;
}

/// A type that reads itself from JSON; `None` when the shape is wrong.
pub trait FromJson: Sized {
    /// Reads `v`.
    fn from_json(v: &Value) -> Option<Self>;
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_owned())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::Number(*self as f64)
            }
        }
        impl FromJson for $t {
            fn from_json(v: &Value) -> Option<$t> {
                v.as_u64().and_then(|n| <$t>::try_from(n).ok())
            }
        }
    )*};
}
numbers!(u8, u32, u64);

impl ToJson for i64 {
    fn to_json(&self) -> Value {
        Value::Number(*self as f64)
    }
}

impl FromJson for i64 {
    fn from_json(v: &Value) -> Option<i64> {
        v.as_i64()
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Value {
        Value::Number(*self)
    }
}

impl FromJson for f64 {
    fn from_json(v: &Value) -> Option<f64> {
        v.as_f64()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
}

impl FromJson for String {
    fn from_json(v: &Value) -> Option<String> {
        v.as_str().map(str::to_owned)
    }
}

impl FromJson for bool {
    fn from_json(v: &Value) -> Option<bool> {
        v.as_bool()
    }
}

/// Arrays keep the elements that read; one bad element does not lose the rest.
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value) -> Option<Vec<T>> {
        Some(v.as_array()?.iter().filter_map(T::from_json).collect())
    }
}

/// Builds an object member by member; `None` members are left out (as the wire format and
/// storage expect, rather than written as `null`).
#[derive(Default)]
pub struct Obj(Map);

impl Obj {
    /// An empty object.
    pub fn new() -> Obj {
        Obj(Map::new())
    }

    /// Sets `key`.
    pub fn set(mut self, key: &str, value: impl ToJson) -> Obj {
        self.put(key, value.to_json());
        self
    }

    /// Sets `key` in place: what the derived `to_json` writes, member by member (moving the
    /// object through every `set` was code at every member; issue 22).
    pub fn add(&mut self, key: &str, value: impl ToJson) {
        self.put(key, value.to_json());
    }

    // The part of `set` that does not depend on the value's type, out of line: inlined, its
    // key copy and map insert were repeated at every member of every `to_json` (issue 22).
    #[inline(never)]
    fn put(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_owned(), value);
    }

    /// Sets `key` when there is a value.
    pub fn opt<T: ToJson>(self, key: &str, value: &Option<T>) -> Obj {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    /// The object.
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// `null` for `None`: a member the wire format writes even when empty (leave it out with
/// [`Obj::opt`] or `skip_serializing_if` instead).
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_json)
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

/// Test support: `j!` takes `serde_json::json!` syntax and gives a [`Value`], so the host tests
/// read as before.
#[cfg(test)]
#[macro_export]
macro_rules! j {
    ($($t:tt)+) => {
        $crate::json::Value::parse(&serde_json::json!($($t)+).to_string()).unwrap()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str) -> String {
        Value::parse(text).unwrap().to_string()
    }

    #[test]
    fn a_sorted_map_keeps_one_entry_per_key_in_order() {
        let mut m = SortedMap::new();
        for (k, v) in [("b", 1), ("a", 2), ("c", 3), ("a", 4)] {
            m.insert(k.to_owned(), v);
        }
        let pairs = |m: &SortedMap<i32>| m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>();
        assert_eq!(
            pairs(&m),
            [("a".into(), 4), ("b".into(), 1), ("c".into(), 3)]
        );
        assert_eq!((m.get("b"), m.get("z"), m.len()), (Some(&1), None, 3));
        m.remove("b");
        m.remove("z");
        assert_eq!(m.keys().cloned().collect::<Vec<_>>(), ["a", "c"]);
        // A member given twice in a document keeps its last value, as in JavaScript.
        assert_eq!(round(r#"{"a":1,"a":2}"#), r#"{"a":2}"#);
    }

    #[test]
    fn parses_and_writes_every_kind_of_value() {
        assert_eq!(
            round(r#" {"b":[1,-2.5,true,false,null],"a":"x"} "#),
            r#"{"a":"x","b":[1,-2.5,true,false,null]}"#
        );
        assert_eq!(round("1e3"), "1000");
        assert_eq!(round("1714000000000"), "1714000000000");
        assert_eq!(round("0.1"), "0.1");
        assert_eq!(round("[]"), "[]");
        assert_eq!(round("{}"), "{}");
    }

    #[test]
    fn strings_escape_and_unescape() {
        let v = Value::parse(r#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00\u0001""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"b\\c/d\n\té😀\u{1}"));
        assert_eq!(v.to_string(), r#""a\"b\\c/d\n\té😀\u0001""#);
        assert_eq!(Value::from("<\u{2028}>").to_string(), "\"<\\u2028>\"");
        // A lone surrogate (possible in JavaScript) is kept as U+FFFD rather than failing.
        assert_eq!(
            Value::parse(r#""\ud800x""#).unwrap().as_str(),
            Some("\u{FFFD}x")
        );
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            "nul",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "[1,]",
            "{\"a\"1}",
            "{a:1}",
            "\"open",
            "\"\\x\"",
            "\"a\nb\"",
            "[1] 2",
            "'x'",
            "\"\\u12\"",
            "NaN",
        ] {
            assert!(Value::parse(bad).is_err(), "{bad:?} parsed");
        }
        let deep = "[".repeat(65) + &"]".repeat(65);
        assert!(Value::parse(&deep).is_err());
        let ok = "[".repeat(64) + &"]".repeat(64);
        assert!(Value::parse(&ok).is_ok());
    }

    #[test]
    fn agrees_with_serde_json_on_a_mixed_document() {
        let doc = serde_json::json!({
            "s": "é \" \\ \u{7f} \u{1f}", "n": [0, -0.5, 12345678901234u64, 1.25e-7], "o": { "k": null, "t": true }
        });
        let ours = Value::parse(&doc.to_string()).unwrap();
        let back: serde_json::Value = serde_json::from_str(&ours.to_string()).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn numbers_read_as_integers_only_when_whole() {
        assert_eq!(j!(3).as_u64(), Some(3));
        assert_eq!(j!(3.5).as_u64(), None);
        assert_eq!(j!(-3).as_u64(), None);
        assert_eq!(j!(-3).as_i64(), Some(-3));
        assert_eq!(u8::from_json(&j!(300)), None);
        assert_eq!(j!({"a": {"b": 1}})["a"]["b"].as_u64(), Some(1));
        assert!(j!({"a": 1})["zz"]["y"].is_null());
    }

    #[test]
    fn objects_leave_out_absent_members() {
        let v = Obj::new()
            .set("a", 1u32)
            .opt::<String>("b", &None)
            .opt("c", &Some(true))
            .build();
        assert_eq!(v.to_string(), r#"{"a":1,"c":true}"#);
    }
}
