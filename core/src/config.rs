//! The owner's settings, parsed once into a typed [`Config`].
//!
//! The loader merges the script tag's `data-*` attributes and `window.alloSettings` into one
//! JSON object (camelCase keys, as `dataset` gives them); [`Config::parse`] turns that into
//! types. A missing or unusable required value is one [`ConfigError`] whose message names the
//! setting and the fix; any other bad value becomes a [`Warning`] and its default, so a typo
//! never takes the widget (or the shop's page) down.
use crate::json::{Map, Value};

use crate::color::{Rgb, DEFAULT_ACCENT};
use crate::msg::{Code, Msg};
use crate::quoted::q;
use crate::submission::{Kind, Metric};

/// Which corner the launcher sits in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Position {
    /// Bottom right (the default).
    #[default]
    BottomRight,
    /// Bottom left.
    BottomLeft,
}

impl Position {
    /// The CSS modifier class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
        }
    }
}

/// Which colours the widget uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheme {
    /// Follow the visitor's system (`prefers-color-scheme`), the default.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Scheme {
    /// The setting's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::System => "system",
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// Whether Allo shows its own launcher button.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LauncherMode {
    /// The round button in the corner (the default).
    #[default]
    Shown,
    /// No launcher: the panel opens only from the owner's own buttons (through the JS API).
    Hidden,
}

/// A CSS length the owner gave for the launcher's offsets: a non-negative number and a unit,
/// checked so that nothing else can reach the stylesheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CssLength(String);

impl CssLength {
    /// Units an offset may use (a bare number means pixels).
    pub const UNITS: [&'static str; 12] = [
        "px", "rem", "em", "%", "vw", "vh", "dvw", "dvh", "svw", "svh", "lvw", "lvh",
    ];

    /// `24`, `24px`, `1.5rem`, `5%`…; `None` for anything else (negative, `calc()`, other text).
    pub fn parse(s: &str) -> Option<CssLength> {
        let s = s.trim().to_ascii_lowercase();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (number, unit) = s.split_at(split);
        let value = crate::number::parse(number)?;
        // A digit on each side of the dot, and a size that stays on any screen's scale.
        let well_formed =
            !number.starts_with('.') && !number.ends_with('.') && number.len() <= MAX_OFFSET_DIGITS;
        if !well_formed || !(0.0..=MAX_OFFSET).contains(&value) {
            return None;
        }
        match unit {
            "" => Some(CssLength(format!("{number}px"))),
            u if CssLength::UNITS.contains(&u) => Some(CssLength(s.clone())),
            _ => None,
        }
    }

    /// The length as CSS.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// A form's rule lives with the forms; the settings name it.
pub use crate::form::FieldRule;
// The table of settings this module reads (its own module, so the group readers share it),
// and its reader.
pub use crate::settings::Warning;
use crate::settings::*;

/// Who the owner says the visitor is (a logged-in customer): prefills the forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefill {
    /// The visitor's name.
    pub name: Option<String>,
    /// The visitor's email.
    pub email: Option<String>,
    /// The visitor's phone number.
    pub phone: Option<String>,
}

/// How much the `allo:submit` DOM event tells the page's scripts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventDetail {
    /// The submission's id and kind only: analytics learn that something was sent, never
    /// what the visitor wrote (the default).
    #[default]
    Ids,
    /// The whole submission as well (the owner opted in, e.g. to copy it into a CRM).
    Full,
}

/// The default feedback categories (each has a translated label in the catalog).
pub const DEFAULT_CATEGORIES: [&str; 5] = ["problem", "idea", "praise", "question", "other"];

/// Everything the widget needs to know about the owner's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where submissions are POSTed: an absolute http(s) URL or a path on the shop's origin.
    pub endpoint: String,
    /// The owner's language choice, if any (negotiated later with the page and browser).
    pub locale: Option<String>,
    /// Launcher corner.
    pub position: Position,
    /// Accent colour of the launcher and primary buttons.
    pub accent: Rgb,
    /// Light, dark, or the visitor's system setting.
    pub scheme: Scheme,
    /// Whether the launcher is shown.
    pub launcher: LauncherMode,
    /// The CSS `z-index` of the launcher and panel.
    pub z_index: i32,
    /// Distance of the launcher from the left or right edge.
    pub offset_x: CssLength,
    /// Distance of the launcher from the bottom edge.
    pub offset_y: CssLength,
    /// The forms offered, in the order given; never empty.
    pub kinds: Vec<Kind>,
    /// The rating scale of the feedback form.
    pub metric: Metric,
    /// Whether page and browser metadata go into submissions.
    pub capture_metadata: bool,
    /// Feedback categories offered, in order; empty hides the category field.
    pub categories: Vec<String>,
    /// The feedback message field.
    pub message: FieldRule,
    /// The name field of the feedback form (the callback form always asks for a name).
    pub name: FieldRule,
    /// The email field of the feedback form.
    pub email: FieldRule,
    /// Values the owner knows about the visitor.
    pub prefill: Prefill,
    /// The owner's string overrides: (language code or `*` for all, key, text).
    pub strings: Vec<(String, String, String)>,
    /// How submissions travel: body format, extra headers, timeout, outbox lifetime.
    pub delivery: crate::delivery::Settings,
    /// The callback settings.
    pub callback: CallbackConfig,
    /// What the `allo:submit` event carries (`events` setting).
    pub events: EventDetail,
    /// Prompts (issue 21): when the widget asks by itself, and how rarely.
    pub prompt: crate::prompt::Settings,
    /// The owner's context sent with every submission (`context` setting, `Allo.setContext`).
    pub context: crate::owner_context::Context,
    /// The CSP nonce for any `<style>` element Allo has to add (`nonce` setting, or the
    /// loader's own script tag's nonce).
    pub nonce: Option<String>,
}

/// What the callback form needs to know: when the shop can call, and what it promises.
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackConfig {
    /// Opening hours in the shop's zone; empty when none were given (promises then stay vague
    /// rather than wrong).
    pub hours: crate::hours::OpeningHours,
    /// Dates the shop is closed all day.
    pub closed: crate::hours::ClosedDates,
    /// The shop's IANA time zone; `None` means the visitor's own (checked in the browser).
    pub timezone: Option<String>,
    /// "We'll call you within N minutes" when open.
    pub within_minutes: u32,
    /// Slots are offered this many days ahead.
    pub slot_days: u16,
    /// Default country for phone numbers (ISO alpha-2), if the owner set one.
    pub country: Option<String>,
    /// The owner's version label of the consent text.
    pub consent_version: String,
    /// The privacy policy linked next to the consent box.
    pub privacy_url: Option<String>,
    /// One request per browser per this many minutes.
    pub cooldown_minutes: u32,
    /// The callback form's email field ("to tell you if we're running late"):
    /// `callbackEmail`, optional by default.
    pub email: FieldRule,
}

/// A required setting is missing or unusable: the widget does not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The settings were not an object at all.
    NotAnObject,
    /// No `endpoint`.
    MissingEndpoint,
    /// `endpoint` is not an http(s) URL or a path.
    BadEndpoint(String),
}

impl ConfigError {
    /// The console error (its text is in [`crate::msg`], not in the wasm).
    pub fn msg(&self) -> Msg {
        match self {
            ConfigError::NotAnObject => Msg::new(Code::NotAnObject, vec![]),
            ConfigError::MissingEndpoint => Msg::new(Code::MissingEndpoint, vec![]),
            ConfigError::BadEndpoint(v) => Msg::new(Code::BadEndpoint, vec![q(v).to_string()]),
        }
    }
}

/// The console error, as [`ConfigError::msg`] with its text.
impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.msg().fmt(f)
    }
}

impl std::error::Error for ConfigError {}

fn is_endpoint(s: &str) -> bool {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let host_after = |prefix: &str| {
        lower.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty()
                && !rest.starts_with('/')
                && !rest.starts_with('?')
                && !rest.starts_with('#')
        })
    };
    host_after("https://")
        || host_after("http://")
        || host_after("//")
        || (s.starts_with('/') && !s.starts_with("//"))
}

impl Config {
    /// Parses the merged raw settings. Returns the config and the warnings to log.
    pub fn parse(raw: &Value) -> Result<(Config, Vec<Warning>), ConfigError> {
        Config::parse_with(raw, crate::settings::parse_text)
    }

    /// [`Config::parse`], reading JSON text in a setting with `json` (the widget passes the
    /// browser's `JSON.parse`, so its wasm holds no JSON parser).
    pub fn parse_with(
        raw: &Value,
        json: crate::settings::JsonText,
    ) -> Result<(Config, Vec<Warning>), ConfigError> {
        let empty = Map::new();
        let map = match raw {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => return Err(ConfigError::NotAnObject),
        };
        let mut r = Reader::with_json(map, json);
        for key in map.keys() {
            if !SETTINGS.iter().any(|s| s.key == key) {
                let list: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
                r.warnings.push(Warning::new(
                    key,
                    Code::SettingUnknown,
                    vec![list.join(", ")],
                ));
            }
        }

        let endpoint = r.get(&ENDPOINT).ok_or(ConfigError::MissingEndpoint)?;
        if !is_endpoint(&endpoint) {
            return Err(ConfigError::BadEndpoint(endpoint));
        }

        let position = r.choice(&POSITION, &[Position::BottomRight, Position::BottomLeft]);
        let accent = r.checked(&ACCENT, Rgb::parse_hex).unwrap_or(DEFAULT_ACCENT);
        let scheme = r.choice(&SCHEME, &[Scheme::System, Scheme::Light, Scheme::Dark]);
        let launcher = r.choice(&LAUNCHER, &[LauncherMode::Shown, LauncherMode::Hidden]);
        let z_index = r.number(&Z_INDEX) as i32;
        let default_offset = || CssLength(DEFAULT_OFFSET.to_owned());
        let offset_x = r
            .checked(&OFFSET_X, CssLength::parse)
            .unwrap_or_else(default_offset);
        let offset_y = r
            .checked(&OFFSET_Y, CssLength::parse)
            .unwrap_or_else(default_offset);

        let mut kinds = Vec::new();
        if let Some(list) = r.get(&KINDS) {
            for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let Some(&(_, kind)) = Kind::NAMES.iter().find(|(n, _)| *n == item) else {
                    r.warn(&KINDS, item, "");
                    continue;
                };
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            if kinds.is_empty() {
                r.note(&KINDS, Code::KindsNone, vec![]);
            }
        }
        if kinds.is_empty() {
            kinds = vec![Kind::Feedback, Kind::Callback];
        }

        let metric = r.choice(&METRIC, &[Metric::Csat, Metric::Nps, Metric::Ces]);
        let capture_metadata = r.choice(&METADATA, &[true, false]);

        let categories = match map.get(CATEGORIES.key) {
            None => DEFAULT_CATEGORIES.iter().map(|c| (*c).to_owned()).collect(),
            Some(v) => text(v)
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .take(MAX_CATEGORIES)
                .map(|c| c.chars().take(MAX_CATEGORY_CHARS).collect())
                .collect(),
        };

        const RULES: [FieldRule; 3] = [FieldRule::Optional, FieldRule::Required, FieldRule::Hidden];
        let message = r.choice(&MESSAGE, &RULES);
        let name = r.choice(&NAME, &RULES);
        let email = r.choice(&EMAIL, &RULES);
        let callback_email = r.choice(&CALLBACK_EMAIL, &RULES);

        let visitor = map.get(VISITOR.key).and_then(Value::as_object);
        let from_visitor = |k: &str, flat: &Setting| {
            visitor
                .and_then(|v| v.get(k))
                .and_then(text)
                .or_else(|| r.get(flat))
                .filter(|s| !s.is_empty())
        };
        let prefill = Prefill {
            name: from_visitor("name", &VISITOR_NAME)
                .map(|s| s.chars().take(crate::validate::NAME_MAX).collect()),
            email: from_visitor("email", &VISITOR_EMAIL).filter(|e| crate::validate::is_email(e)),
            phone: from_visitor("phone", &VISITOR_PHONE)
                .map(|s| s.chars().take(MAX_PREFILL_PHONE_CHARS).collect()),
        };

        let mut strings = Vec::new();
        // The consent text is a string like any other (so it is shown and recorded the same way
        // in every language); `strings`, read next, may still override it per language.
        if let Some(text) = r.get(&CONSENT_TEXT) {
            strings.push(("*".to_owned(), "consent_text".to_owned(), text));
        }
        if let Some(v) = map.get(STRINGS.key) {
            match v.as_object() {
                Some(obj) => overrides(obj, &mut strings, &mut r),
                None => r.note(&STRINGS, Code::StringsNotObject, vec![]),
            }
        }

        let within_minutes = r.number(&CALLBACK_WITHIN) as u32;
        let slot_days = r.number(&SLOT_DAYS) as u16;
        let cooldown_minutes = r.number(&COOLDOWN_MINUTES) as u32;
        let hours = r
            .explained(&HOURS, crate::hours::OpeningHours::parse)
            .unwrap_or_default();
        let closed = r
            .explained(&CLOSED, crate::hours::ClosedDates::parse)
            .unwrap_or_default();
        let country = r.checked(&COUNTRY, |c| {
            let c = c.to_ascii_uppercase();
            crate::phone::country(&c).is_some().then_some(c)
        });
        let privacy_url = r.checked(&PRIVACY_URL, |u| {
            (u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/'))
                .then(|| u.to_owned())
        });
        let callback = CallbackConfig {
            hours,
            closed,
            timezone: r.get(&TIMEZONE),
            within_minutes,
            slot_days,
            country,
            consent_version: r
                .get(&CONSENT_VERSION)
                .unwrap_or_else(|| DEFAULT_CONSENT_VERSION.to_owned()),
            privacy_url,
            cooldown_minutes,
            email: callback_email,
        };

        let events = r.choice(&EVENTS, &[EventDetail::Ids, EventDetail::Full]);
        let nonce = r.get(&NONCE);
        let locale = r.get(&LOCALE);
        let delivery = crate::delivery::Settings::parse(&mut r);
        // Prompts and context (issue 21): read in their own modules, like delivery.
        let prompt = crate::prompt::Settings::parse(&mut r);
        let context = crate::owner_context::from_setting(&mut r);
        let config = Config {
            callback,
            endpoint,
            locale,
            position,
            accent,
            scheme,
            launcher,
            z_index,
            offset_x,
            offset_y,
            kinds,
            metric,
            capture_metadata,
            categories,
            message,
            name,
            email,
            prefill,
            strings,
            delivery,
            events,
            nonce,
            prompt,
            context,
        };
        Ok((config, r.warnings))
    }
}

/// Reads `strings`: `{ "fr": { "key": "text" } }` per language, or `{ "key": "text" }` for all.
fn overrides(obj: &Map, out: &mut Vec<(String, String, String)>, r: &mut Reader) {
    use crate::i18n::{Lang, Strings};
    for (k, v) in obj {
        match v {
            Value::String(text) if Strings::KEYS.contains(&k.as_str()) => {
                out.push(("*".into(), k.clone(), text.clone()))
            }
            Value::Object(per) if Lang::from_tag(k).is_some() => {
                let lang = Lang::from_tag(k).map(Lang::code).unwrap_or("en");
                for (key, text) in per {
                    match (Strings::KEYS.contains(&key.as_str()), text.as_str()) {
                        (true, Some(t)) => out.push((lang.into(), key.clone(), t.to_owned())),
                        _ => r.note(&STRINGS, Code::StringsBadKey, vec![k.clone(), key.clone()]),
                    }
                }
            }
            _ => r.note(
                &STRINGS,
                Code::StringsBadEntry,
                vec![crate::quoted::q(&k).to_string()],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::j as json;

    #[test]
    fn minimal_settings_get_defaults() {
        let (c, w) =
            Config::parse(&json!({ "endpoint": "https://shop.example/api/allo" })).unwrap();
        assert!(w.is_empty());
        assert_eq!(c.endpoint, "https://shop.example/api/allo");
        assert_eq!(c.position, Position::BottomRight);
        assert_eq!(c.accent, DEFAULT_ACCENT);
        assert_eq!(c.kinds, [Kind::Feedback, Kind::Callback]);
        assert_eq!(c.metric, Metric::Csat);
        assert!(c.capture_metadata);
        assert_eq!(c.locale, None);
    }

    #[test]
    fn endpoint_errors_are_fatal_and_name_the_fix() {
        let cases = [
            (json!({}), ConfigError::MissingEndpoint),
            (json!(null), ConfigError::MissingEndpoint),
            (json!({ "endpoint": "   " }), ConfigError::MissingEndpoint),
            (
                json!({ "endpoint": "javascript:alert(1)" }),
                ConfigError::BadEndpoint("javascript:alert(1)".into()),
            ),
            (
                json!({ "endpoint": "https://" }),
                ConfigError::BadEndpoint("https://".into()),
            ),
            (
                json!({ "endpoint": "api/allo" }),
                ConfigError::BadEndpoint("api/allo".into()),
            ),
            (
                json!({ "endpoint": "https://a b" }),
                ConfigError::BadEndpoint("https://a b".into()),
            ),
            (json!("https://shop.example"), ConfigError::NotAnObject),
        ];
        for (raw, want) in cases {
            assert_eq!(Config::parse(&raw).unwrap_err(), want, "{raw}");
        }
        let msg = ConfigError::MissingEndpoint.to_string();
        assert!(
            msg.contains("data-endpoint") && msg.contains("not shown"),
            "{msg}"
        );
    }

    #[test]
    fn accepted_endpoints() {
        for ok in [
            "https://x.example/api",
            "http://localhost:8080/v1/submissions",
            "/api/allo",
            "//cdn.example/a",
        ] {
            assert!(Config::parse(&json!({ "endpoint": ok })).is_ok(), "{ok}");
        }
    }

    #[test]
    fn bad_optional_values_warn_and_fall_back() {
        let raw = json!({
            "endpoint": "/api/allo",
            "position": "top-left",
            "accent": "blue",
            "kinds": "feedback, chat",
            "metric": "stars",
            "metadata": "maybe",
            "endpont": "typo",
        });
        let (c, w) = Config::parse(&raw).unwrap();
        assert_eq!(c.position, Position::BottomRight);
        assert_eq!(c.accent, DEFAULT_ACCENT);
        assert_eq!(c.kinds, [Kind::Feedback]);
        assert_eq!(c.metric, Metric::Csat);
        assert!(c.capture_metadata);
        let mut named: Vec<_> = w.iter().map(|w| w.setting.as_str()).collect();
        named.sort();
        assert_eq!(
            named,
            ["accent", "endpont", "kinds", "metadata", "metric", "position"]
        );
    }

    #[test]
    fn data_attribute_and_object_forms_read_the_same() {
        let a = Config::parse(
            &json!({ "endpoint": "/e", "kinds": "callback,feedback", "metadata": "false" }),
        )
        .unwrap()
        .0;
        let b = Config::parse(
            &json!({ "endpoint": "/e", "kinds": ["callback", "feedback"], "metadata": false }),
        )
        .unwrap()
        .0;
        assert_eq!(a, b);
        assert_eq!(a.kinds, [Kind::Callback, Kind::Feedback]);
        assert!(!a.capture_metadata);
    }

    #[test]
    fn form_fields_prefill_and_overrides() {
        let raw = json!({
            "endpoint": "/e",
            "categories": "delivery, product, ",
            "message": "required",
            "email": "hidden",
            "name": "sometimes",
            "visitor": { "name": "Ana", "email": "not-an-email" },
            "visitorPhone": "06 12 34 56 78",
            "strings": { "thanks_next": "We answer within a day.", "fr": { "send": "Valider", "nope": "x" }, "xx": 1 },
        });
        let (c, w) = Config::parse(&raw).unwrap();
        assert_eq!(c.categories, ["delivery", "product"]);
        assert_eq!(
            (c.message, c.name, c.email),
            (FieldRule::Required, FieldRule::Optional, FieldRule::Hidden)
        );
        assert_eq!(
            c.prefill,
            Prefill {
                name: Some("Ana".into()),
                email: None,
                phone: Some("06 12 34 56 78".into())
            }
        );
        assert_eq!(
            c.strings,
            // Keys come sorted (`json::Map` keeps them so), so the order is stable.
            [
                ("fr".to_owned(), "send".to_owned(), "Valider".to_owned()),
                (
                    "*".into(),
                    "thanks_next".into(),
                    "We answer within a day.".into()
                )
            ]
        );
        let named: Vec<_> = w.iter().map(|w| w.setting.as_str()).collect();
        assert_eq!(named, ["name", "strings", "strings"]);
        let defaults = Config::parse(&json!({ "endpoint": "/e" })).unwrap().0;
        assert_eq!(defaults.categories, DEFAULT_CATEGORIES);
        assert_eq!(
            Config::parse(&json!({ "endpoint": "/e", "categories": "" }))
                .unwrap()
                .0
                .categories,
            Vec::<String>::new()
        );
    }

    #[test]
    fn callback_settings() {
        let raw = json!({
            "endpoint": "/e", "hours": "Mo-Fr 09:00-18:00; Sa 10:00-13:00", "timezone": "Europe/Paris",
            "closed": "2026-12-25", "callbackWithin": "30", "country": "be", "privacyUrl": "/privacy",
            "consentVersion": "2026-01",
        });
        let (c, w) = Config::parse(&raw).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let cb = c.callback;
        assert_eq!(cb.hours.weekday(0).len(), 1);
        assert_eq!(
            (cb.within_minutes, cb.slot_days, cb.cooldown_minutes),
            (30, 7, 5)
        );
        assert_eq!(
            (cb.country.as_deref(), cb.timezone.as_deref()),
            (Some("BE"), Some("Europe/Paris"))
        );
        assert_eq!(
            (cb.privacy_url.as_deref(), cb.consent_version.as_str()),
            (Some("/privacy"), "2026-01")
        );

        let bad = json!({ "endpoint": "/e", "hours": "Mo-Fx 09:00-18:00", "callbackWithin": "0", "country": "XX", "privacyUrl": "javascript:x" });
        let (c, w) = Config::parse(&bad).unwrap();
        assert!(c.callback.hours.is_empty());
        let mut named: Vec<_> = w.iter().map(|w| w.setting.as_str()).collect();
        named.sort();
        assert_eq!(named, ["callbackWithin", "country", "hours", "privacyUrl"]);
        assert!(w.iter().any(|w| w.detail().contains("Fx")), "{w:?}");
    }

    #[test]
    fn theming_settings() {
        let (c, w) = Config::parse(&json!({ "endpoint": "/e" })).unwrap();
        assert!(w.is_empty());
        assert_eq!(
            (c.scheme, c.launcher, c.z_index),
            (Scheme::System, LauncherMode::Shown, DEFAULT_Z_INDEX)
        );
        assert_eq!((c.offset_x.as_str(), c.offset_y.as_str()), ("20px", "20px"));

        // The data-attribute forms (dataset turns data-z-index into zIndex) and the object forms.
        let raw = json!({ "endpoint": "/e", "scheme": "dark", "launcher": "hidden", "zIndex": "10", "offsetX": "96px", "offsetY": "5.5rem" });
        let (c, w) = Config::parse(&raw).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            (c.scheme, c.launcher, c.z_index),
            (Scheme::Dark, LauncherMode::Hidden, 10)
        );
        assert_eq!(
            (c.offset_x.as_str(), c.offset_y.as_str()),
            ("96px", "5.5rem")
        );
        let raw = json!({ "endpoint": "/e", "scheme": "light", "launcher": false, "zIndex": -1, "offsetX": 24, "offsetY": 0 });
        let (c, w) = Config::parse(&raw).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            (c.scheme, c.launcher, c.z_index),
            (Scheme::Light, LauncherMode::Hidden, -1)
        );
        assert_eq!((c.offset_x.as_str(), c.offset_y.as_str()), ("24px", "0px"));

        let bad = json!({ "endpoint": "/e", "scheme": "blue", "launcher": "maybe", "zIndex": "top", "offsetX": "-5px", "offsetY": "1px;color:red" });
        let (c, w) = Config::parse(&bad).unwrap();
        assert_eq!(
            (c.scheme, c.launcher, c.z_index),
            (Scheme::System, LauncherMode::Shown, DEFAULT_Z_INDEX)
        );
        assert_eq!((c.offset_x.as_str(), c.offset_y.as_str()), ("20px", "20px"));
        let named: Vec<_> = w.iter().map(|w| w.setting.as_str()).collect();
        assert_eq!(
            named,
            ["scheme", "launcher", "zIndex", "offsetX", "offsetY"]
        );
    }

    #[test]
    fn css_lengths_are_checked() {
        let cases = [
            ("24", Some("24px")),
            (" 24PX ", Some("24px")),
            ("1.5rem", Some("1.5rem")),
            ("5%", Some("5%")),
            ("2dvh", Some("2dvh")),
            ("0", Some("0px")),
            ("-4px", None),
            ("4 px", None),
            (".5rem", None),
            ("5.", None),
            ("1e3px", None),
            ("calc(10px + 2vw)", None),
            ("10px;}body{display:none", None),
            ("99999px", None),
            ("", None),
            ("px", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                CssLength::parse(input).as_ref().map(CssLength::as_str),
                want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn consent_text_setting_is_a_string_override_that_strings_can_refine() {
        let raw = json!({ "endpoint": "/e", "consentText": "Call me.", "strings": { "de": { "consent_text": "Ruf mich an." } } });
        let (c, w) = Config::parse(&raw).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            c.strings,
            [
                (
                    "*".to_owned(),
                    "consent_text".to_owned(),
                    "Call me.".to_owned()
                ),
                ("de".into(), "consent_text".into(), "Ruf mich an.".into())
            ]
        );
    }

    #[test]
    fn events_and_nonce() {
        let (c, w) =
            Config::parse(&json!({ "endpoint": "/e", "events": "full", "nonce": "r4nd0m" }))
                .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            (c.events, c.nonce.as_deref()),
            (EventDetail::Full, Some("r4nd0m"))
        );
        let (c, w) = Config::parse(&json!({ "endpoint": "/e", "events": "everything" })).unwrap();
        assert_eq!((c.events, c.nonce), (EventDetail::Ids, None));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn each_entry_agrees_with_the_value_it_falls_back_to() {
        for s in SETTINGS {
            match s.shape {
                Shape::Choice(words) => {
                    assert_eq!(words[0].split('|').next(), Some(s.default), "{}", s.key)
                }
                Shape::Number { min, max, default } => {
                    assert_eq!(default.to_string(), s.default, "{}", s.key);
                    assert!((min..=max).contains(&default), "{}", s.key);
                }
                _ => {}
            }
            let keys = SETTINGS.iter().filter(|t| t.key == s.key).count();
            assert_eq!(keys, 1, "{} is listed {keys} times", s.key);
        }
        assert_eq!(ACCENT.default, DEFAULT_ACCENT.to_hex());
        assert_eq!(
            Config::parse(&json!({ "endpoint": "/e", "position": "top" }))
                .unwrap()
                .1[0]
                .detail(),
            "\"top\" is not bottom-right or bottom-left; using bottom-right"
        );
    }

    #[test]
    fn only_unknown_kinds_fall_back_to_both() {
        let (c, w) = Config::parse(&json!({ "endpoint": "/e", "kinds": "chat" })).unwrap();
        assert_eq!(c.kinds, [Kind::Feedback, Kind::Callback]);
        assert_eq!(w.len(), 2);
    }
}
