//! Validation shared by the widget (before sending) and the collector (before storing).
//!
//! Every check returns *all* problems at once, each naming its field, so the widget can show
//! each one next to its input and the collector can answer one 400 that lists them all.
use crate::i18n::{fill, Strings};
use crate::id::is_uuid_v4;
use crate::submission::{Kind, Submission, When, SCHEMA};

/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 4000;
/// Longest name.
pub const NAME_MAX: usize = 100;
/// Longest email address (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest free-text line (category, reason, titles).
pub const SHORT_MAX: usize = 500;
/// Longest URL kept.
pub const URL_MAX: usize = 4096;

/// Why a field is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// The field must be filled.
    Required,
    /// The field is longer than `max` characters.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A number outside its scale.
    OutOfRange,
    /// Not of the expected form (email, id, timestamp, …).
    Invalid,
    /// Present when it must not be, or the other way round.
    Unexpected,
}

impl Code {
    /// A stable machine-readable code, as the collector returns it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooLong { .. } => "too_long",
            Code::OutOfRange => "out_of_range",
            Code::Invalid => "invalid",
            Code::Unexpected => "unexpected",
        }
    }
}

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field's path in the submission, e.g. `feedback.score`.
    pub field: &'static str,
    /// What is wrong.
    pub code: Code,
}

impl Problem {
    const fn new(field: &'static str, code: Code) -> Problem {
        Problem { field, code }
    }

    /// An English sentence for API clients and logs (the widget shows localized text instead).
    pub fn describe(&self) -> String {
        match self.code {
            Code::Required => format!("{} is required", self.field),
            Code::TooLong { max } => format!("{} is longer than {max} characters", self.field),
            Code::OutOfRange => format!("{} is outside the metric's scale", self.field),
            Code::Invalid => format!("{} is not valid", self.field),
            Code::Unexpected => {
                format!("{} does not belong to this kind of submission", self.field)
            }
        }
    }

    /// The visitor-facing message for this problem in the widget's language.
    pub fn message(&self, s: &Strings) -> String {
        self.message_with(s, &|n| n.to_string())
    }

    /// [`message`](Problem::message) with limits written by `number` (the widget passes the
    /// browser's `Intl`, so German reads "4.000 Zeichen" and French "4 000 caractères").
    pub fn message_with(&self, s: &Strings, number: &dyn Fn(usize) -> String) -> String {
        // The text and, for a length limit, its maximum: picked in one match, then filled or
        // copied once (one `fill` and one copy instead of one per message).
        let (text, max) = match (self.field, self.code) {
            ("feedback.score", _) => (s.err_rating_required, None),
            ("feedback.message", Code::TooLong { max }) => (s.err_message_too_long, Some(max)),
            ("feedback.message", _) => (s.err_message_required, None),
            ("visitor.name", Code::TooLong { max }) => (s.err_name_too_long, Some(max)),
            ("visitor.name", _) => (s.err_name_required, None),
            ("visitor.email", Code::Required) => (s.err_email_required, None),
            ("visitor.email", _) => (s.err_email_invalid, None),
            ("callback.phone_raw", Code::Required) => (s.err_phone_required, None),
            ("callback.phone_raw" | "callback.phone_e164", _) => (s.err_phone_invalid, None),
            ("callback.when", _) => (s.err_slot_required, None),
            ("consent", _) => (s.err_consent_required, None),
            ("callback.reason", Code::TooLong { max }) => (s.err_reason_too_long, Some(max)),
            _ => return fill(s.err_rejected, &[("detail", &self.describe())]),
        };
        match max {
            Some(max) => fill(text, &[("max", &number(max))]),
            None => text.to_owned(),
        }
    }
}

fn too_long(value: &str, max: usize) -> bool {
    value.chars().count() > max
}

/// True for a plausible email address: one `@`, a non-empty local part, a dotted domain, no
/// spaces. Deliberately lenient: the only sure check of an address is writing to it.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        // Characters, as every other limit (and JSON Schema's maxLength) counts: a 254-letter
        // address in Cyrillic is 500 bytes and still one the schema allows.
        && s.chars().count() <= EMAIL_MAX
}

/// True for an RFC 3339 UTC timestamp as `Date.toISOString()` writes it
/// (`YYYY-MM-DDTHH:MM:SS[.fff]Z`, years 1970 to 9999) that names a real instant: the day
/// exists in its month (leap years included), hours are below 24, minutes and seconds below
/// 60. A leap second (`23:59:60`) is refused: browsers never write one, and a `:60` is
/// far more often a made-up value than one of the 27 real ones.
pub fn is_utc_timestamp(s: &str) -> bool {
    utc_fields(s).is_some()
}

/// The fields of a timestamp [`is_utc_timestamp`] accepts: year, month, day, hour, minute,
/// second, and the fraction's digits (possibly empty).
pub(crate) fn utc_fields(s: &str) -> Option<([u32; 6], &str)> {
    let b = s.as_bytes();
    // ASCII only: the checks below slice by byte, and a timestamp is never anything else.
    if !s.is_ascii() || b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let shape = b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    let fraction = match &s[19..s.len() - 1] {
        "" => "",
        f if f.starts_with('.') && f.len() > 1 && f[1..].bytes().all(|c| c.is_ascii_digit()) => {
            &f[1..]
        }
        _ => return None,
    };
    let fields = [
        digits(0..4)?,
        digits(5..7)?,
        digits(8..10)?,
        digits(11..13)?,
        digits(14..16)?,
        digits(17..19)?,
    ];
    let [year, month, day, hour, minute, second] = fields;
    let ok = shape
        && (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    ok.then_some((fields, fraction))
}

/// Days in `month` (1–12) of `year`, Gregorian.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Compares two timestamps as instants (`None` unless both are [`is_utc_timestamp`]).
///
/// Not as strings: `…:00Z` sorts after `…:00.001Z` byte by byte (`Z` > `.`), and `.5` must
/// equal `.500`.
pub fn utc_cmp(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let (fa, fra) = utc_fields(a)?;
    let (fb, frb) = utc_fields(b)?;
    let digit = |f: &str, i: usize| f.as_bytes().get(i).copied().unwrap_or(b'0');
    let fraction = (0..fra.len().max(frb.len()))
        .map(|i| digit(fra, i).cmp(&digit(frb, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal);
    Some(fa.cmp(&fb).then(fraction))
}

/// Every problem with a whole submission, as the collector checks it before storing.
pub fn validate_submission(sub: &Submission) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut check = |bad: bool, field: &'static str, code: Code| {
        if bad {
            out.push(Problem::new(field, code));
        }
    };
    check(sub.schema != SCHEMA, "schema", Code::Invalid);
    check(!is_uuid_v4(&sub.id), "id", Code::Invalid);
    check(
        !is_utc_timestamp(&sub.created_at),
        "created_at",
        Code::Invalid,
    );
    let locale_ok = !sub.locale.is_empty()
        && sub.locale.len() <= 35
        && sub
            .locale
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    check(!locale_ok, "locale", Code::Invalid);
    if let Some(page) = &sub.page {
        check(
            too_long(&page.url, URL_MAX),
            "page.url",
            Code::TooLong { max: URL_MAX },
        );
        check(
            too_long(&page.title, SHORT_MAX),
            "page.title",
            Code::TooLong { max: SHORT_MAX },
        );
        check(
            too_long(&page.referrer, URL_MAX),
            "page.referrer",
            Code::TooLong { max: URL_MAX },
        );
    }
    if let Some(name) = &sub.visitor.name {
        check(
            too_long(name, NAME_MAX),
            "visitor.name",
            Code::TooLong { max: NAME_MAX },
        );
    }
    if let Some(email) = &sub.visitor.email {
        check(!is_email(email), "visitor.email", Code::Invalid);
    }
    if let Some(phone) = &sub.visitor.phone {
        check(
            too_long(phone, 40),
            "visitor.phone",
            Code::TooLong { max: 40 },
        );
    }
    match sub.kind {
        Kind::Feedback => {
            check(sub.feedback.is_none(), "feedback", Code::Required);
            check(sub.callback.is_some(), "callback", Code::Unexpected);
        }
        Kind::Callback => {
            check(sub.callback.is_none(), "callback", Code::Required);
            check(sub.feedback.is_some(), "feedback", Code::Unexpected);
        }
    }
    if let Some(f) = &sub.feedback {
        let (lo, hi) = f.metric.range();
        check(
            !(lo..=hi).contains(&f.score),
            "feedback.score",
            Code::OutOfRange,
        );
        check(
            too_long(&f.message, MESSAGE_MAX),
            "feedback.message",
            Code::TooLong { max: MESSAGE_MAX },
        );
        if let Some(c) = &f.category {
            check(c.trim().is_empty(), "feedback.category", Code::Invalid);
            check(
                too_long(c, SHORT_MAX),
                "feedback.category",
                Code::TooLong { max: SHORT_MAX },
            );
        }
    }
    if let Some(c) = &sub.callback {
        let e164_ok = c.phone_e164.len() >= 8
            && c.phone_e164.len() <= 16
            && c.phone_e164.starts_with('+')
            && c.phone_e164[1..].bytes().all(|d| d.is_ascii_digit())
            && !c.phone_e164[1..].starts_with('0');
        check(!e164_ok, "callback.phone_e164", Code::Invalid);
        check(
            c.phone_raw.trim().is_empty(),
            "callback.phone_raw",
            Code::Required,
        );
        check(
            too_long(&c.phone_raw, 40),
            "callback.phone_raw",
            Code::TooLong { max: 40 },
        );
        let country_ok = c.country.len() == 2 && c.country.bytes().all(|b| b.is_ascii_uppercase());
        check(!country_ok, "callback.country", Code::Invalid);
        check(
            c.timezone.trim().is_empty(),
            "callback.timezone",
            Code::Required,
        );
        check(
            too_long(&c.timezone, 64),
            "callback.timezone",
            Code::TooLong { max: 64 },
        );
        check(
            too_long(&c.reason, SHORT_MAX),
            "callback.reason",
            Code::TooLong { max: SHORT_MAX },
        );
        if let When::Slot { from, to } = &c.when {
            let ok = utc_cmp(from, to) == Some(std::cmp::Ordering::Less);
            check(!ok, "callback.when", Code::Invalid);
        }
        check(
            c.promise.text.trim().is_empty(),
            "callback.promise.text",
            Code::Required,
        );
        check(
            too_long(&c.promise.text, SHORT_MAX),
            "callback.promise.text",
            Code::TooLong { max: SHORT_MAX },
        );
        check(
            !is_utc_timestamp(&c.promise.due_by),
            "callback.promise.due_by",
            Code::Invalid,
        );
        check(
            sub.visitor.name.as_deref().unwrap_or("").trim().is_empty(),
            "visitor.name",
            Code::Required,
        );
    }
    if let Some(consent) = &sub.consent {
        check(
            !is_utc_timestamp(&consent.given_at),
            "consent.given_at",
            Code::Invalid,
        );
        check(
            consent.text.trim().is_empty(),
            "consent.text",
            Code::Required,
        );
        check(
            too_long(&consent.text, 2000),
            "consent.text",
            Code::TooLong { max: 2000 },
        );
        check(
            too_long(&consent.version, 64),
            "consent.version",
            Code::TooLong { max: 64 },
        );
    }
    if let Some(client) = &sub.client {
        check(
            too_long(&client.widget_version, 32),
            "client.widget_version",
            Code::TooLong { max: 32 },
        );
        check(
            too_long(&client.user_agent, SHORT_MAX),
            "client.user_agent",
            Code::TooLong { max: SHORT_MAX },
        );
        check(
            too_long(&client.viewport, 32),
            "client.viewport",
            Code::TooLong { max: 32 },
        );
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::submission::*;

    pub(crate) fn feedback(score: u8, message: &str) -> Submission {
        Submission {
            schema: SCHEMA.into(),
            id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301".into(),
            kind: Kind::Feedback,
            created_at: "2026-11-23T18:00:00.000Z".into(),
            locale: "fr-FR".into(),
            page: Some(Page {
                url: "https://shop.example/".into(),
                ..Page::default()
            }),
            visitor: Visitor::default(),
            feedback: Some(Feedback {
                metric: Metric::Csat,
                score,
                category: None,
                message: message.into(),
            }),
            callback: None,
            consent: None,
            client: None,
            context: Default::default(),
        }
    }

    fn fields(sub: &Submission) -> Vec<&'static str> {
        validate_submission(sub)
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn a_good_feedback_passes() {
        assert!(validate_submission(&feedback(4, "Great shop")).is_empty());
        assert!(validate_submission(&feedback(1, "")).is_empty());
    }

    #[test]
    fn reports_every_problem_at_once() {
        let mut s = feedback(9, &"x".repeat(MESSAGE_MAX + 1));
        s.schema = "allo.submission/0".into();
        s.id = "nope".into();
        s.created_at = "yesterday".into();
        s.visitor.email = Some("not an email".into());
        assert_eq!(
            fields(&s),
            [
                "schema",
                "id",
                "created_at",
                "visitor.email",
                "feedback.score",
                "feedback.message"
            ]
        );
    }

    #[test]
    fn score_range_follows_the_metric() {
        let cases = [
            (Metric::Csat, 0, false),
            (Metric::Csat, 1, true),
            (Metric::Csat, 5, true),
            (Metric::Csat, 6, false),
            (Metric::Nps, 0, true),
            (Metric::Nps, 10, true),
            (Metric::Nps, 11, false),
            (Metric::Ces, 7, true),
            (Metric::Ces, 8, false),
        ];
        for (metric, score, ok) in cases {
            let mut s = feedback(score, "");
            s.feedback.as_mut().unwrap().metric = metric;
            assert_eq!(validate_submission(&s).is_empty(), ok, "{metric:?} {score}");
        }
    }

    #[test]
    fn kind_and_parts_must_agree() {
        let mut s = feedback(3, "");
        s.kind = Kind::Callback;
        assert_eq!(fields(&s), ["callback", "feedback"]);
    }

    #[test]
    fn timestamps() {
        for ok in [
            "2026-11-23T18:00:00Z",
            "2026-11-23T18:00:00.123Z",
            "2028-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z",
        ] {
            assert!(is_utc_timestamp(ok), "{ok}");
        }
        for bad in [
            "",
            "2026-11-23",
            "2026-11-23T18:00:00",
            "2026-11-23T18:00:00+01:00",
            "2026-13-23T18:00:00Z",
            "2026-11-23T24:00:00Z",
            "2026-11-23T18:00:00.Z",
            "２026-11-23T18:00:00Z",
            "aaaaaaaaaaaaaaaaaaéZ",
            "2026-02-31T23:59:60Z",
            "2026-02-29T12:00:00Z",
            "1900-02-29T12:00:00Z",
            "2026-04-31T12:00:00Z",
            "1999-01-01T00:00:60Z",
        ] {
            assert!(!is_utc_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn instants_compare_as_times_not_strings() {
        use std::cmp::Ordering::*;
        let cases = [
            ("2026-11-24T09:00:00Z", "2026-11-24T09:00:00.001Z", Less),
            ("2026-11-24T09:00:00.5Z", "2026-11-24T09:00:00.500Z", Equal),
            ("2026-11-24T09:00:00.5Z", "2026-11-24T09:00:00.10Z", Greater),
            ("2026-11-24T09:00:00Z", "2026-11-24T09:00:00.000Z", Equal),
            ("2026-11-24T09:59:59.999Z", "2026-11-24T10:00:00Z", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(utc_cmp(a, b), Some(want), "{a} vs {b}");
        }
        assert_eq!(utc_cmp("2026-11-24T09:00:00Z", "soon"), None);
    }

    #[test]
    fn emails() {
        // 254 characters, 500 bytes: the limit counts characters.
        let cyrillic = format!("{}@пример.рф", "я".repeat(254 - 10));
        assert_eq!(cyrillic.chars().count(), 254);
        assert!(is_email(&cyrillic));
        assert!(!is_email(&format!("я{cyrillic}")));
        for ok in ["a@b.co", "first.last+tag@shop.example"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@b.co ", "a b@c.de", "a@@b.co", "a@.co", "a@b.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn problems_have_localized_messages() {
        let p = Problem::new("feedback.message", Code::TooLong { max: 10 });
        assert_eq!(
            p.message(crate::i18n::Lang::Fr.strings()),
            "Votre message ne doit pas dépasser 10 caractères."
        );
        assert_eq!(
            Problem::new("feedback.score", Code::Required).message(&crate::i18n::EN),
            "Please choose a rating."
        );
        let dotted = |n: usize| format!("{}.{:03}", n / 1000, n % 1000);
        assert_eq!(
            Problem::new("feedback.message", Code::TooLong { max: 4000 })
                .message_with(crate::i18n::Lang::De.strings(), &dotted),
            "Ihre Nachricht darf höchstens 4.000 Zeichen lang sein."
        );
    }
}
