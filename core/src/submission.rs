//! The submission: the versioned JSON contract between the widget and any endpoint.
//!
//! `docs/submission.schema.json` documents the same shape for owners who write their own
//! endpoint; a host test checks the two agree. Field names are snake_case on the wire.
//!
//! Each type below is the one definition of its JSON: serde's derives (the collector, with
//! the `serde` feature) and `#[derive(Json)]` (the widget's [`crate::json`] conversions, see
//! `allo-core-derive`) read the same fields and the same `#[serde]` attributes.
use allo_core_derive::Json;

/// The schema tag every submission of this version carries.
pub const SCHEMA: &str = "allo.submission/1";

/// What the visitor sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A rating and a message.
    Feedback,
    /// A request to be phoned back.
    Callback,
}

/// One submission, as POSTed to the endpoint.
#[derive(Clone, Debug, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    #[serde(
        default,
        deserialize_with = "crate::strict::some_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub page: Option<Page>,
    /// Who the visitor said they are; every field optional.
    #[serde(
        default,
        deserialize_with = "crate::strict::object",
        skip_serializing_if = "Visitor::is_empty"
    )]
    pub visitor: Visitor,
    /// Present when `kind` is `feedback`.
    #[serde(
        default,
        deserialize_with = "crate::strict::some_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub feedback: Option<Feedback>,
    /// Present when `kind` is `callback`.
    #[serde(
        default,
        deserialize_with = "crate::strict::some_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback: Option<Callback>,
    /// The consent the visitor gave, when the form asked for it.
    #[serde(
        default,
        deserialize_with = "crate::strict::some_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub consent: Option<Consent>,
    /// About the widget and browser; absent when metadata capture is off.
    #[serde(
        default,
        deserialize_with = "crate::strict::some_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub client: Option<Client>,
    /// The owner's context (`{ "orderId": "1042" }`, see [`crate::owner_context`]); left out
    /// when empty. Optional, so `allo.submission/1` stays the version: a receiver that
    /// ignores unknown members is unaffected.
    #[serde(
        default,
        deserialize_with = "crate::strict::object",
        skip_serializing_if = "crate::owner_context::Context::is_empty"
    )]
    pub context: crate::owner_context::Context,
}

/// The page the visitor was on when sending.
#[derive(Clone, Debug, Default, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[derive(Clone, Debug, Default, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    /// Their name.
    #[serde(
        default,
        deserialize_with = "crate::strict::some",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// Their email address.
    #[serde(
        default,
        deserialize_with = "crate::strict::some",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// Their phone number as typed.
    #[serde(
        default,
        deserialize_with = "crate::strict::some",
        skip_serializing_if = "Option::is_none"
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
}

/// The feedback part of a submission.
#[derive(Clone, Debug, Default, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// The scale the score is on.
    pub metric: Metric,
    /// The score, within `metric.range()`.
    #[serde(deserialize_with = "crate::strict::score")]
    pub score: u8,
    /// The category the visitor picked, from the owner's list.
    #[serde(
        default,
        deserialize_with = "crate::strict::some",
        skip_serializing_if = "Option::is_none"
    )]
    pub category: Option<String>,
    /// What they wrote; may be empty when the owner made it optional.
    #[serde(default)]
    pub message: String,
}

/// When the visitor wants to be called.
///
/// Read by hand (see the `Deserialize` impl below) rather than as serde's internally tagged
/// enum, which also reads arrays (`["slot", from, to]`) and variant indexes as the tag.
#[derive(Clone, Debug, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[serde(tag = "mode", rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[serde(deny_unknown_fields)]
pub struct Promise {
    /// The exact sentence shown, in the visitor's language.
    pub text: String,
    /// The latest instant the shop promised to call, RFC 3339 UTC.
    pub due_by: String,
}

/// The callback part of a submission.
#[derive(Clone, Debug, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    #[serde(deserialize_with = "crate::strict::object")]
    pub promise: Promise,
}

/// Consent as the visitor saw and gave it.
#[derive(Clone, Debug, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[derive(Clone, Debug, Default, PartialEq, Json)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::json::{FromJson, ToJson, Value};

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
