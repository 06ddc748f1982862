//! The submission: the versioned JSON contract between the widget and any endpoint.
//!
//! `docs/submission.schema.json` documents the same shape for owners who write their own
//! endpoint; a host test checks the two agree. Field names are snake_case on the wire.
use serde::{Deserialize, Serialize};

/// The schema tag every submission of this version carries.
pub const SCHEMA: &str = "allo.submission/1";

/// What the visitor sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A rating and a message.
    Feedback,
    /// A request to be phoned back.
    Callback,
}

impl Kind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Callback => "callback",
        }
    }
}

/// One submission, as POSTed to the endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// A UUID v4 made by the browser; also sent as the `Idempotency-Key` header.
    pub id: String,
    /// Feedback or callback; decides which of `feedback` / `callback` is present.
    pub kind: Kind,
    /// When the visitor pressed send, RFC 3339 in UTC (`2026-11-23T18:00:00.000Z`).
    pub created_at: String,
    /// The language the widget was shown in (BCP 47).
    pub locale: String,
    /// Where the visitor was; absent when the owner turned metadata capture off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    /// Who the visitor said they are; every field optional.
    #[serde(default, skip_serializing_if = "Visitor::is_empty")]
    pub visitor: Visitor,
    /// Present when `kind` is `feedback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// Present when `kind` is `callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
    /// The consent the visitor gave, when the form asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    /// About the widget and browser; absent when metadata capture is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
}

/// The page the visitor was on when sending.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// `location.href` at send time (the current route in single-page apps).
    pub url: String,
    /// `document.title`.
    #[serde(default)]
    pub title: String,
    /// `document.referrer`, often empty.
    #[serde(default)]
    pub referrer: String,
}

/// What the visitor told us about themselves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their phone number as typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Visitor {
    /// True when no field is set (then it is left out of the JSON).
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

/// The rating scale a widget asks with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
    #[default]
    Csat,
    /// Net promoter score, 0 to 10.
    Nps,
    /// Customer effort score, 1 to 7.
    Ces,
}

impl Metric {
    /// The lowest and highest score of the scale.
    pub fn range(self) -> (u8, u8) {
        match self {
            Metric::Csat => (1, 5),
            Metric::Nps => (0, 10),
            Metric::Ces => (1, 7),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Csat => "csat",
            Metric::Nps => "nps",
            Metric::Ces => "ces",
        }
    }
}

/// The feedback part of a submission.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// The scale the score is on.
    pub metric: Metric,
    /// The score, within `metric.range()`.
    pub score: u8,
    /// The category the visitor picked, from the owner's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What they wrote; may be empty when the owner made it optional.
    #[serde(default)]
    pub message: String,
}

/// When the visitor wants to be called.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum When {
    /// As soon as possible.
    Asap,
    /// Within a slot, RFC 3339 instants.
    Slot {
        /// Start of the slot.
        from: String,
        /// End of the slot.
        to: String,
    },
}

/// The promise the widget showed the visitor, sent so the shop can keep it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    /// The exact sentence shown, in the visitor's language.
    pub text: String,
    /// The latest instant the shop promised to call, RFC 3339 UTC.
    pub due_by: String,
}

/// The callback part of a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    /// The number in E.164 (`+33612345678`).
    pub phone_e164: String,
    /// The number as the visitor typed it.
    pub phone_raw: String,
    /// The ISO 3166-1 alpha-2 country chosen for the number.
    pub country: String,
    /// ASAP or a slot.
    pub when: When,
    /// The shop's IANA time zone the promise was computed in.
    pub timezone: String,
    /// Why they want a call; may be empty.
    #[serde(default)]
    pub reason: String,
    /// The visitor marked the request urgent.
    #[serde(default)]
    pub urgent: bool,
    /// What the widget promised.
    pub promise: Promise,
}

/// Consent as the visitor saw and gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// When the box was ticked, RFC 3339 UTC.
    pub given_at: String,
    /// The exact text shown next to the box.
    pub text: String,
    /// The owner's version label for that text.
    pub version: String,
}

/// The widget and browser that sent the submission.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Allo's version.
    pub widget_version: String,
    /// `navigator.userAgent`.
    #[serde(default)]
    pub user_agent: String,
    /// Viewport as `WIDTHxHEIGHT` in CSS pixels.
    #[serde(default)]
    pub viewport: String,
}
