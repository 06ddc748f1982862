//! How submissions travel: the owner's delivery settings (body format, extra headers,
//! timeout, outbox lifetime) and the form encoding, all pure.
//!
//! `Config::parse` hands the raw settings object to [`Settings::parse`]; the widget's
//! transport and outbox read the result. Every bad value is a warning and its default, like
//! every other optional setting.
use crate::json::{Map, ToJson, Value};
use crate::msg::{Code, Msg};
use crate::settings::{
    text, Reader, DEFAULT_TIMEOUT_MS, FORMAT, HEADERS, OUTBOX_TTL, RETRY_BASE_MS, TIMEOUT_MS,
};

use crate::submission::Submission;

/// Default time an undelivered submission is kept: 7 days.
pub const DEFAULT_OUTBOX_TTL_MS: u64 = 7 * DAY_MS;
/// Shortest accepted `outboxTtl`: one hour.
pub const MIN_OUTBOX_TTL_MS: u64 = HOUR_MS;
/// Longest accepted `outboxTtl`: 30 days (it is the visitor's text sitting in their browser).
pub const MAX_OUTBOX_TTL_MS: u64 = 30 * DAY_MS;
/// At most this many extra headers are kept.
pub const MAX_HEADERS: usize = 16;
/// Longest header value kept, in characters.
pub const MAX_HEADER_VALUE: usize = 2_048;

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// The body format of the POST.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// `application/json`: the submission document as is (the default).
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`, nested fields flattened to dotted keys
    /// (`feedback.score=4`), for form services that only take form posts.
    Form,
}

impl Format {
    /// The `Content-Type` sent with this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Form => "application/x-www-form-urlencoded;charset=UTF-8",
        }
    }
}

/// The owner's delivery settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Body format (`format`: `json` or `form`).
    pub format: Format,
    /// Extra request headers (`headers`, an object in `window.alloSettings`), validated.
    pub headers: Vec<(String, String)>,
    /// How long an undelivered submission is kept and retried (`outboxTtl`: `"36h"`, `"7d"`,
    /// or a number of days).
    pub outbox_ttl_ms: u64,
    /// Each attempt is aborted after this long (`timeoutMs`).
    pub timeout_ms: u32,
    /// The retry policy's base delay (`retryBaseMs`; for tests, documented as such).
    pub retry_base_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            format: Format::Json,
            headers: Vec::new(),
            outbox_ttl_ms: DEFAULT_OUTBOX_TTL_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            retry_base_ms: crate::retry::BASE_DELAY_MS,
        }
    }
}

/// Header names the browser will not let a page set, or that Allo sets itself.
fn reserved(name: &str) -> Option<Code> {
    const BROWSER: &[&str] = &[
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
        "x-http-method",
        "x-http-method-override",
        "x-method-override",
    ];
    let lower = name.to_ascii_lowercase();
    if lower == "content-type" || lower == "idempotency-key" {
        Some(Code::HeaderByAllo)
    } else if BROWSER.contains(&lower.as_str())
        || lower.starts_with("proxy-")
        || lower.starts_with("sec-")
    {
        Some(Code::HeaderByBrowser)
    } else {
        None
    }
}

/// An HTTP token (RFC 9110 `tchar`s), the only characters a header name may have.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A value `fetch` accepts: Latin-1 without line breaks or NUL (other characters would make
/// the browser throw, or worse, split the header).
fn is_header_value(s: &str) -> bool {
    s.chars()
        .all(|c| (c as u32) <= 0xFF && c != '\r' && c != '\n' && c != '\0')
        && s.chars().count() <= MAX_HEADER_VALUE
}

/// Parses `outboxTtl`: `"36h"`, `"7d"`, or a bare number of days.
pub fn parse_ttl(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_lowercase();
    let (num, unit) = match s.strip_suffix('h') {
        Some(n) => (n, HOUR_MS),
        None => (s.strip_suffix('d').unwrap_or(&s), DAY_MS),
    };
    let n = crate::number::parse(num.trim())?;
    (n.is_finite() && n > 0.0).then(|| (n * unit as f64).round() as u64)
}

impl Settings {
    /// Reads the delivery settings out of the raw settings through `r`, which collects a
    /// warning for each value ignored in favour of its default.
    pub fn parse(r: &mut Reader) -> Settings {
        let format = r.choice(&FORMAT, &[Format::Json, Format::Form]);
        let headers = match r.raw(&HEADERS) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(h)) => headers(h, r),
            Some(_) => {
                r.note(&HEADERS, Code::HeadersNotObject, vec![]);
                Vec::new()
            }
        };
        let in_range = |t: &u64| (MIN_OUTBOX_TTL_MS..=MAX_OUTBOX_TTL_MS).contains(t);
        let outbox_ttl_ms = r
            .checked(&OUTBOX_TTL, |v| parse_ttl(v).filter(in_range))
            .unwrap_or(DEFAULT_OUTBOX_TTL_MS);
        // Within u32 and u64: the entries' limits are checked by `number`.
        Settings {
            format,
            headers,
            outbox_ttl_ms,
            timeout_ms: r.number(&TIMEOUT_MS) as u32,
            retry_base_ms: r.number(&RETRY_BASE_MS) as u64,
        }
    }
}

/// Validates the `headers` object: each bad entry is dropped with a warning naming it.
fn headers(obj: &Map, r: &mut Reader) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in obj {
        let name = name.trim();
        let problem = if !is_token(name) {
            Some(Msg::new(Code::HeaderBadName, vec![]))
        } else if let Some(why) = reserved(name) {
            Some(Msg::new(why, vec![]))
        } else if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(Msg::new(Code::HeaderTwice, vec![]))
        } else if out.len() == MAX_HEADERS {
            Some(Msg::new(Code::HeaderTooMany, vec![MAX_HEADERS.to_string()]))
        } else {
            let text = match value {
                Value::String(_) | Value::Number(_) => text(value),
                _ => None,
            };
            match text {
                None => Some(Msg::new(Code::HeaderNoText, vec![])),
                Some(v) if !is_header_value(&v) => Some(Msg::new(
                    Code::HeaderBadValue,
                    vec![MAX_HEADER_VALUE.to_string()],
                )),
                Some(v) => {
                    out.push((name.to_owned(), v));
                    None
                }
            }
        };
        if let Some(p) = problem {
            r.note(
                &HEADERS,
                Code::HeaderDropped,
                vec![crate::quoted::q(name).to_string(), p.nested()],
            );
        }
    }
    out
}

/// The submission as `(dotted key, value)` pairs: nested objects joined with `.`, array
/// entries by index, `null` left out, booleans as `true`/`false`.
pub fn form_pairs(sub: &Submission) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten("", &sub.to_json(), &mut out);
    out
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push((prefix.to_owned(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_owned(), crate::number::to_string(*n))),
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&join(&i.to_string()), item, out);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                flatten(&join(k), item, out);
            }
        }
    }
}

/// `application/x-www-form-urlencoded` serialisation of `pairs`, byte for byte what the
/// browser's `URLSearchParams` produces (UTF-8, `*-._` and alphanumerics kept, space as `+`).
pub fn urlencode(pairs: &[(String, String)]) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

/// The body of one POST in `format`.
pub fn body(sub: &Submission, format: Format) -> String {
    encode(&sub.to_json(), format)
}

/// The body of one POST of the submission whose JSON is `doc` (as the outbox keeps it), in
/// `format`: byte for byte [`body`] of that submission.
pub fn encode(doc: &Value, format: Format) -> String {
    match format {
        Format::Json => doc.to_string(),
        Format::Form => {
            let mut pairs = Vec::new();
            flatten("", doc, &mut pairs);
            urlencode(&pairs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::j as json;
    use crate::submission::{Feedback, Kind, Metric, Page, Visitor, SCHEMA};

    fn parse(v: Value) -> (Settings, Vec<(String, String)>) {
        let mut r = Reader::new(v.as_object().unwrap());
        let s = Settings::parse(&mut r);
        let warnings = r
            .warnings
            .into_iter()
            .map(|w| (w.setting.clone(), w.detail()))
            .collect();
        (s, warnings)
    }

    #[test]
    fn defaults() {
        let (s, w) = parse(json!({}));
        assert_eq!(s, Settings::default());
        assert!(w.is_empty());
        assert_eq!(s.outbox_ttl_ms, 7 * 24 * 3_600_000);
        assert_eq!(
            (s.timeout_ms, s.retry_base_ms, s.format),
            (15_000, 1_000, Format::Json)
        );
    }

    #[test]
    fn warnings_are_the_entries_words() {
        let (s, w) = parse(json!({ "timeoutMs": "fast", "retryBaseMs": 5, "format": "xml" }));
        assert_eq!(s, Settings::default());
        let details: Vec<&str> = w.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(
            details,
            [
                "\"xml\" is not json or form; using json",
                "\"fast\" is not a whole number from 500 to 120000; using 15000",
                "\"5\" is not a whole number from 10 to 60000; using 1000",
            ]
        );
    }

    #[test]
    fn values_that_parse() {
        let cases = [
            (
                json!({"format": "form"}),
                Settings {
                    format: Format::Form,
                    ..Default::default()
                },
            ),
            (json!({"format": " json "}), Settings::default()),
            (
                json!({"outboxTtl": "36h"}),
                Settings {
                    outbox_ttl_ms: 36 * HOUR_MS,
                    ..Default::default()
                },
            ),
            (
                json!({"outboxTtl": "2d"}),
                Settings {
                    outbox_ttl_ms: 2 * DAY_MS,
                    ..Default::default()
                },
            ),
            (
                json!({"outboxTtl": 3}),
                Settings {
                    outbox_ttl_ms: 3 * DAY_MS,
                    ..Default::default()
                },
            ),
            (
                json!({"outboxTtl": "1H"}),
                Settings {
                    outbox_ttl_ms: HOUR_MS,
                    ..Default::default()
                },
            ),
            (
                json!({"timeoutMs": "1500"}),
                Settings {
                    timeout_ms: 1_500,
                    ..Default::default()
                },
            ),
            (
                json!({"retryBaseMs": 50}),
                Settings {
                    retry_base_ms: 50,
                    ..Default::default()
                },
            ),
        ];
        for (raw, want) in cases {
            let (s, w) = parse(raw.clone());
            assert_eq!((s, w.len()), (want, 0), "{raw}");
        }
    }

    #[test]
    fn outbox_ttl_warning_says_the_range_and_the_default() {
        let (_, w) = parse(json!({"outboxTtl": "forever"}));
        assert_eq!(
            w[0].1,
            "\"forever\" is not a duration between \"1h\" and \"30d\" (e.g. \"36h\" or \"7d\"); using 7 days"
        );
    }

    #[test]
    fn bad_values_warn_and_fall_back() {
        let cases = [
            json!({"format": "xml"}),
            json!({"outboxTtl": "forever"}),
            json!({"outboxTtl": "10m"}),
            json!({"outboxTtl": "30m"}),
            json!({"outboxTtl": "31d"}),
            json!({"outboxTtl": "-1d"}),
            json!({"timeoutMs": 100}),
            json!({"timeoutMs": "1.5"}),
            json!({"retryBaseMs": 0}),
            json!({"headers": "X-Api-Key: 1"}),
        ];
        for raw in cases {
            let (s, w) = parse(raw.clone());
            assert_eq!((s, w.len()), (Settings::default(), 1), "{raw}");
            assert_eq!(&w[0].0, raw.as_object().unwrap().keys().next().unwrap());
        }
    }

    #[test]
    fn headers_are_validated_one_by_one() {
        let (s, w) = parse(json!({ "headers": {
            "X-Api-Key": "k-123",
            "Authorization": "Bearer abc",
            "X-Count": 3,
            "Bad Name": "x",
            "": "x",
            "X-Split": "a\r\nInjected: 1",
            "X-Emoji": "🙂",
            "X-Obj": { "a": 1 },
            "Cookie": "a=b",
            "Sec-Fetch-Mode": "cors",
            "Proxy-Authorization": "x",
            "content-type": "text/plain",
            "Idempotency-Key": "mine",
            "x-api-key": "again",
        }}));
        assert_eq!(
            s.headers,
            [
                ("Authorization".into(), "Bearer abc".into()),
                ("X-Api-Key".into(), "k-123".into()),
                ("X-Count".into(), "3".into())
            ]
        );
        let dropped: Vec<&str> = w.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(dropped.len(), 11, "{w:?}");
        assert!(dropped.iter().all(|k| *k == "headers"));
        assert!(
            w.iter()
                .any(|(_, d)| d.contains("\"x-api-key\" is given twice")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|(_, d)| d.contains("\"Cookie\" is controlled by the browser")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|(_, d)| d.contains("\"Idempotency-Key\" is set by Allo")),
            "{w:?}"
        );
    }

    #[test]
    fn too_many_headers_are_cut() {
        let mut h = serde_json::Map::new();
        for i in 0..20 {
            h.insert(format!("X-H{i:02}"), "v".into());
        }
        let (s, w) = parse(json!({ "headers": h }));
        assert_eq!((s.headers.len(), w.len()), (MAX_HEADERS, 4));
    }

    #[test]
    fn the_config_knows_these_settings() {
        let raw = json!({ "endpoint": "/e", "format": "form", "headers": { "X-A": "1" },
            "outboxTtl": "2d", "timeoutMs": 2000, "retryBaseMs": 20 });
        let (c, w) = crate::config::Config::parse(&raw).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            c.delivery,
            Settings {
                format: Format::Form,
                headers: vec![("X-A".into(), "1".into())],
                outbox_ttl_ms: 2 * DAY_MS,
                timeout_ms: 2_000,
                retry_base_ms: 20
            }
        );
    }

    fn submission() -> Submission {
        Submission {
            schema: SCHEMA.into(),
            id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301".into(),
            kind: Kind::Feedback,
            created_at: "2026-11-23T18:00:00.000Z".into(),
            locale: "fr-FR".into(),
            page: Some(Page {
                url: "https://shop.example/a?b=c&d=e".into(),
                title: "Café & co".into(),
                referrer: String::new(),
            }),
            visitor: Visitor::default(),
            feedback: Some(Feedback {
                metric: Metric::Csat,
                score: 4,
                category: None,
                message: "Très bien, 100% + merci!\n".into(),
            }),
            callback: None,
            consent: None,
            client: None,
            context: Default::default(),
        }
    }

    #[test]
    fn form_pairs_flatten_with_dotted_keys() {
        let pairs = form_pairs(&submission());
        let want: Vec<(String, String)> = [
            ("created_at", "2026-11-23T18:00:00.000Z"),
            ("feedback.message", "Très bien, 100% + merci!\n"),
            ("feedback.metric", "csat"),
            ("feedback.score", "4"),
            ("id", "3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
            ("kind", "feedback"),
            ("locale", "fr-FR"),
            ("page.referrer", ""),
            ("page.title", "Café & co"),
            ("page.url", "https://shop.example/a?b=c&d=e"),
            ("schema", "allo.submission/1"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(pairs, want);
    }

    #[test]
    fn flatten_table() {
        let cases = [
            (json!({"a": {"b": {"c": 1}}}), vec![("a.b.c", "1")]),
            (
                json!({"a": [true, null, "x"]}),
                vec![("a.0", "true"), ("a.2", "x")],
            ),
            (json!({"a": {}, "b": null, "c": 1.5}), vec![("c", "1.5")]),
        ];
        for (v, want) in cases {
            let mut out = Vec::new();
            flatten("", &v, &mut out);
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect();
            assert_eq!(out, want, "{v}");
        }
    }

    #[test]
    fn urlencoding_matches_the_browser() {
        let cases = [
            (vec![("a", "b")], "a=b"),
            (vec![("a.b", "x y"), ("c", "")], "a.b=x+y&c="),
            (vec![("m", "100% + ok&=?/")], "m=100%25+%2B+ok%26%3D%3F%2F"),
            (vec![("t", "Café\n*-._~")], "t=Caf%C3%A9%0A*-._%7E"),
        ];
        for (pairs, want) in cases {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect();
            assert_eq!(urlencode(&pairs), want);
        }
        let form = body(&submission(), Format::Form);
        assert!(form.contains("&feedback.score=4&"), "{form}");
        assert!(body(&submission(), Format::Json).contains("\"schema\":\"allo.submission/1\""));
        assert_eq!(
            Format::Form.content_type(),
            "application/x-www-form-urlencoded;charset=UTF-8"
        );
    }
}
