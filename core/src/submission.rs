//! The submission: the versioned JSON contract between the widget and any endpoint.
//!
//! `docs/submission.schema.json` documents the same shape for owners who write their own
//! endpoint; a host test checks the two agree. Field names are snake_case on the wire.

/// The schema tag every submission of this version carries.
pub const SCHEMA: &str = "allo.submission/1";

/// What the visitor sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Kind {
    /// A rating and a message.
    Feedback,
    /// A request to be phoned back.
    Callback,
}

impl Kind {
    /// Every kind with its wire name.
    pub const NAMES: &'static [(&'static str, Kind)] = &[
        (Kind::Feedback.as_str(), Kind::Feedback),
        (Kind::Callback.as_str(), Kind::Callback),
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Callback => "callback",
        }
    }
}

/// One submission, as POSTed to the endpoint.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some_object",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub page: Option<Page>,
    /// Who the visitor said they are; every field optional.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::object",
            skip_serializing_if = "Visitor::is_empty"
        )
    )]
    pub visitor: Visitor,
    /// Present when `kind` is `feedback`.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some_object",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub feedback: Option<Feedback>,
    /// Present when `kind` is `callback`.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some_object",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub callback: Option<Callback>,
    /// The consent the visitor gave, when the form asked for it.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some_object",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub consent: Option<Consent>,
    /// About the widget and browser; absent when metadata capture is off.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some_object",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub client: Option<Client>,
    /// The owner's context (`{ "orderId": "1042" }`, see [`crate::owner_context`]); left out
    /// when empty. Optional, so `allo.submission/1` stays the version: a receiver that
    /// ignores unknown members is unaffected.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::object",
            skip_serializing_if = "crate::owner_context::Context::is_empty"
        )
    )]
    pub context: crate::owner_context::Context,
}

/// The page the visitor was on when sending.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Page {
    /// `location.href` at send time (the current route in single-page apps).
    pub url: String,
    /// `document.title`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub title: String,
    /// `document.referrer`, often empty.
    #[cfg_attr(feature = "serde", serde(default))]
    pub referrer: String,
}

/// What the visitor told us about themselves.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Visitor {
    /// Their name.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub name: Option<String>,
    /// Their email address.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub email: Option<String>,
    /// Their phone number as typed.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub phone: Option<String>,
}

impl Visitor {
    /// True when no field is set (then it is left out of the JSON).
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

/// The rating scale a widget asks with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
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

    /// Every metric with its wire name.
    pub const NAMES: &'static [(&'static str, Metric)] = &[
        (Metric::Csat.as_str(), Metric::Csat),
        (Metric::Nps.as_str(), Metric::Nps),
        (Metric::Ces.as_str(), Metric::Ces),
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::Csat => "csat",
            Metric::Nps => "nps",
            Metric::Ces => "ces",
        }
    }
}

/// The feedback part of a submission.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Feedback {
    /// The scale the score is on.
    pub metric: Metric,
    /// The score, within `metric.range()`.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::strict::score"))]
    pub score: u8,
    /// The category the visitor picked, from the owner's list.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            deserialize_with = "crate::strict::some",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub category: Option<String>,
    /// What they wrote; may be empty when the owner made it optional.
    #[cfg_attr(feature = "serde", serde(default))]
    pub message: String,
}

/// When the visitor wants to be called.
///
/// Read by hand (see the `Deserialize` impl below) rather than as serde's internally tagged
/// enum, which also reads arrays (`["slot", from, to]`) and variant indexes as the tag.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "mode", rename_all = "snake_case"))]
pub enum When {
    /// As soon as possible. A struct variant, not a unit one, so it is written `{"mode":
    /// "asap"}` like the slot.
    Asap {},
    /// Within a slot, RFC 3339 instants.
    Slot {
        /// Start of the slot.
        from: String,
        /// End of the slot.
        to: String,
    },
}

/// The promise the widget showed the visitor, sent so the shop can keep it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Promise {
    /// The exact sentence shown, in the visitor's language.
    pub text: String,
    /// The latest instant the shop promised to call, RFC 3339 UTC.
    pub due_by: String,
}

/// The callback part of a submission.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
    #[cfg_attr(feature = "serde", serde(default))]
    pub reason: String,
    /// The visitor marked the request urgent.
    #[cfg_attr(feature = "serde", serde(default))]
    pub urgent: bool,
    /// What the widget promised.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::strict::object"))]
    pub promise: Promise,
}

/// Consent as the visitor saw and gave it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Consent {
    /// When the box was ticked, RFC 3339 UTC.
    pub given_at: String,
    /// The exact text shown next to the box.
    pub text: String,
    /// The owner's version label for that text.
    pub version: String,
}

/// The widget and browser that sent the submission.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Client {
    /// Allo's version.
    pub widget_version: String,
    /// `navigator.userAgent`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub user_agent: String,
    /// Viewport as `WIDTHxHEIGHT` in CSS pixels.
    #[cfg_attr(feature = "serde", serde(default))]
    pub viewport: String,
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        crate::strict::name(d, Kind::NAMES)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        crate::strict::name(d, Metric::NAMES)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<When, D::Error> {
        use serde::de::Error;

        #[derive(Clone, Copy)]
        enum Mode {
            Asap,
            Slot,
        }
        const MODES: &[(&str, Mode)] = &[("asap", Mode::Asap), ("slot", Mode::Slot)];
        fn mode<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Mode, D::Error> {
            crate::strict::name(d, MODES)
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            #[serde(deserialize_with = "mode")]
            mode: Mode,
            #[serde(default, deserialize_with = "crate::strict::some")]
            from: Option<String>,
            #[serde(default, deserialize_with = "crate::strict::some")]
            to: Option<String>,
        }
        let wire: Wire = crate::strict::object(d)?;
        match (wire.mode, wire.from, wire.to) {
            (Mode::Asap, None, None) => Ok(When::Asap {}),
            (Mode::Asap, ..) => Err(D::Error::custom(
                "`from` and `to` belong to mode `slot` only",
            )),
            (Mode::Slot, Some(from), Some(to)) => Ok(When::Slot { from, to }),
            (Mode::Slot, None, _) => Err(D::Error::missing_field("from")),
            (Mode::Slot, _, None) => Err(D::Error::missing_field("to")),
        }
    }
}

// The wire format without serde (see `json`'s module docs for why). The field names and the
// members left out when empty are exactly serde's (the derives above, used by the collector);
// `tests::matches_serde` holds the two together.
use crate::json::{FromJson, Obj, ToJson, Value};

impl ToJson for Kind {
    fn to_json(&self) -> Value {
        self.as_str().into()
    }
}

impl FromJson for Kind {
    fn from_json(v: &Value) -> Option<Kind> {
        match v.as_str()? {
            "feedback" => Some(Kind::Feedback),
            "callback" => Some(Kind::Callback),
            _ => None,
        }
    }
}

impl ToJson for Metric {
    fn to_json(&self) -> Value {
        self.as_str().into()
    }
}

impl FromJson for Metric {
    fn from_json(v: &Value) -> Option<Metric> {
        match v.as_str()? {
            "csat" => Some(Metric::Csat),
            "nps" => Some(Metric::Nps),
            "ces" => Some(Metric::Ces),
            _ => None,
        }
    }
}

impl ToJson for Page {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("url", &self.url)
            .set("title", &self.title)
            .set("referrer", &self.referrer)
            .build()
    }
}

impl FromJson for Page {
    fn from_json(v: &Value) -> Option<Page> {
        Some(Page {
            url: v.field("url")?,
            title: v.field_or_default("title"),
            referrer: v.field_or_default("referrer"),
        })
    }
}

impl ToJson for Visitor {
    fn to_json(&self) -> Value {
        Obj::new()
            .opt("name", &self.name)
            .opt("email", &self.email)
            .opt("phone", &self.phone)
            .build()
    }
}

impl FromJson for Visitor {
    fn from_json(v: &Value) -> Option<Visitor> {
        v.as_object()?;
        Some(Visitor {
            name: v.field("name"),
            email: v.field("email"),
            phone: v.field("phone"),
        })
    }
}

impl ToJson for Feedback {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("metric", self.metric)
            .set("score", self.score)
            .opt("category", &self.category)
            .set("message", &self.message)
            .build()
    }
}

impl FromJson for Feedback {
    fn from_json(v: &Value) -> Option<Feedback> {
        Some(Feedback {
            metric: v.field("metric")?,
            score: v.field("score")?,
            category: v.field("category"),
            message: v.field_or_default("message"),
        })
    }
}

impl ToJson for When {
    fn to_json(&self) -> Value {
        match self {
            When::Asap {} => Obj::new().set("mode", "asap"),
            When::Slot { from, to } => Obj::new()
                .set("mode", "slot")
                .set("from", from)
                .set("to", to),
        }
        .build()
    }
}

impl FromJson for When {
    fn from_json(v: &Value) -> Option<When> {
        match v.get("mode")?.as_str()? {
            "asap" => Some(When::Asap {}),
            "slot" => Some(When::Slot {
                from: v.field("from")?,
                to: v.field("to")?,
            }),
            _ => None,
        }
    }
}

impl ToJson for Promise {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("text", &self.text)
            .set("due_by", &self.due_by)
            .build()
    }
}

impl FromJson for Promise {
    fn from_json(v: &Value) -> Option<Promise> {
        Some(Promise {
            text: v.field("text")?,
            due_by: v.field("due_by")?,
        })
    }
}

impl ToJson for Callback {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("phone_e164", &self.phone_e164)
            .set("phone_raw", &self.phone_raw)
            .set("country", &self.country)
            .set("when", &self.when)
            .set("timezone", &self.timezone)
            .set("reason", &self.reason)
            .set("urgent", self.urgent)
            .set("promise", &self.promise)
            .build()
    }
}

impl FromJson for Callback {
    fn from_json(v: &Value) -> Option<Callback> {
        Some(Callback {
            phone_e164: v.field("phone_e164")?,
            phone_raw: v.field("phone_raw")?,
            country: v.field("country")?,
            when: v.field("when")?,
            timezone: v.field("timezone")?,
            reason: v.field_or_default("reason"),
            urgent: v.field_or_default("urgent"),
            promise: v.field("promise")?,
        })
    }
}

impl ToJson for Consent {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("given_at", &self.given_at)
            .set("text", &self.text)
            .set("version", &self.version)
            .build()
    }
}

impl FromJson for Consent {
    fn from_json(v: &Value) -> Option<Consent> {
        Some(Consent {
            given_at: v.field("given_at")?,
            text: v.field("text")?,
            version: v.field("version")?,
        })
    }
}

impl ToJson for Client {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("widget_version", &self.widget_version)
            .set("user_agent", &self.user_agent)
            .set("viewport", &self.viewport)
            .build()
    }
}

impl FromJson for Client {
    fn from_json(v: &Value) -> Option<Client> {
        Some(Client {
            widget_version: v.field("widget_version")?,
            user_agent: v.field_or_default("user_agent"),
            viewport: v.field_or_default("viewport"),
        })
    }
}

impl ToJson for Submission {
    fn to_json(&self) -> Value {
        let visitor = (!self.visitor.is_empty()).then_some(&self.visitor);
        Obj::new()
            .set("schema", &self.schema)
            .set("id", &self.id)
            .set("kind", self.kind)
            .set("created_at", &self.created_at)
            .set("locale", &self.locale)
            .opt("page", &self.page)
            .opt("visitor", &visitor)
            .opt("feedback", &self.feedback)
            .opt("callback", &self.callback)
            .opt("consent", &self.consent)
            .opt("client", &self.client)
            .opt(
                "context",
                &(!self.context.is_empty()).then_some(&self.context),
            )
            .build()
    }
}

/// Reads what the widget itself wrote (the outbox); it is lenient where serde's derive is
/// strict, since the endpoint — not this — is where a submission is judged.
impl FromJson for Submission {
    fn from_json(v: &Value) -> Option<Submission> {
        Some(Submission {
            schema: v.field("schema")?,
            id: v.field("id")?,
            kind: v.field("kind")?,
            created_at: v.field("created_at")?,
            locale: v.field("locale")?,
            page: v.field("page"),
            visitor: v.field_or_default("visitor"),
            feedback: v.field("feedback"),
            callback: v.field("callback"),
            consent: v.field("consent"),
            client: v.field("client"),
            context: v.field_or_default("context"),
        })
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    fn samples() -> Vec<Submission> {
        let mut feedback = crate::validate::tests::feedback(4, "Fast \"delivery\" — merci ✓\n");
        feedback.feedback.as_mut().unwrap().category = Some("praise".into());
        feedback.visitor.name = Some("Ana".into());
        feedback.context.0.insert("orderId".into(), "1042".into());
        let mut callback = feedback.clone();
        callback.context = Default::default();
        callback.kind = Kind::Callback;
        callback.feedback = None;
        callback.page = None;
        callback.client = None;
        callback.visitor = Visitor::default();
        callback.consent = Some(Consent {
            given_at: "t".into(),
            text: "ok".into(),
            version: "v1".into(),
        });
        let promise = Promise {
            text: "Soon".into(),
            due_by: "2026-11-24T10:15:00.000Z".into(),
        };
        callback.callback = Some(Callback {
            phone_e164: "+33612345678".into(),
            phone_raw: "06 12 34 56 78".into(),
            country: "FR".into(),
            when: When::Asap {},
            timezone: "Europe/Paris".into(),
            reason: String::new(),
            urgent: true,
            promise,
        });
        let mut slot = callback.clone();
        slot.callback.as_mut().unwrap().when = When::Slot {
            from: "a".into(),
            to: "b".into(),
        };
        vec![feedback, callback, slot]
    }

    #[test]
    fn matches_serde() {
        for sub in samples() {
            let ours = sub.to_json().to_string();
            let theirs = serde_json::to_value(&sub).unwrap();
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&ours).unwrap(),
                theirs
            );
            // And what serde writes reads back the same through ours.
            let read = Submission::from_json(&Value::parse(&theirs.to_string()).unwrap());
            assert_eq!(read.as_ref(), Some(&sub));
        }
    }
}
