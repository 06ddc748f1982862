//! The settings table: every setting's name, shape, default, limits and warning text, once.
//!
//! [`crate::config::Config::parse`] reads each setting through its entry, and so do the modules
//! that read their own group ([`crate::delivery`], [`crate::prompt`], [`crate::owner_context`]);
//! the unknown-setting warning lists [`SETTINGS`], and the README's settings table has one row
//! per entry (`core/tests/settings_table.rs` compares). It imports none of its readers (the
//! limits they check live here), so each of them can name its keys from here without a cycle.
//! The [`Reader`] that reads each value through its entry, and the [`Warning`] it writes, are
//! here for the same reason.
use crate::json::{Map, Value};
use crate::msg::{Code, Msg, Said};
use crate::quoted::q;

/// The launcher's and panel's default stacking order: above nearly anything a shop has.
pub const DEFAULT_Z_INDEX: i32 = 2_147_483_000;
/// The default distance of the launcher from the viewport's edges.
pub const DEFAULT_OFFSET: &str = "20px";

/// How a setting's value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One of these words; the first is the default, and `a|b` makes `b` a synonym of `a`.
    Choice(&'static [&'static str]),
    /// A whole number from `min` to `max`.
    Number {
        /// The smallest accepted.
        min: i64,
        /// The largest accepted.
        max: i64,
        /// Used when the setting is absent or out of range.
        default: i64,
    },
    /// Text, checked by the setting's own reader; a bad value earns the entry's `problem`.
    Text,
    /// A list: comma-separated text or an array.
    List,
    /// An object (so only in `window.alloSettings`).
    Object,
}

/// One setting: the single place its name, kind, default, limits and warning are written.
/// [`crate::config::Config::parse`] reads each through its entry, the unknown-setting warning lists
/// [`SETTINGS`], and the README's settings table has one row per entry, with its default (a
/// host test compares). What the values mean is written in the README only: that text in the
/// wasm cost ~2.7 KB gzip for nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The name in `window.alloSettings` (`data-` plus kebab case on the script tag).
    pub key: &'static str,
    /// How the value is read.
    pub shape: Shape,
    /// The default, as the README writes it.
    pub default: &'static str,
    /// The warning for a refused value ([`crate::msg`]): for a [`Shape::Text`] its template
    /// says what is wrong; each says what happens instead ("using" the default unless it
    /// says otherwise). Its arguments are the setting's name, the value (or the reader's
    /// explanation), what is wrong with a choice or number, and the default, each quoted where
    /// the text wants it; a template may leave some out.
    pub says: Code,
}

impl Setting {
    const fn new(key: &'static str, shape: Shape, default: &'static str) -> Setting {
        Setting {
            key,
            shape,
            default,
            says: Code::SettingUsing,
        }
    }

    const fn text(key: &'static str, default: &'static str, says: Code) -> Setting {
        Setting {
            key,
            shape: Shape::Text,
            default,
            says,
        }
    }
}

/// A setting that was ignored in favour of its default: a console warning whose first
/// argument is the setting's name in quotes (every setting template starts
/// `Allo: setting {0}: `, [`crate::msg`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The setting's name as the owner wrote it.
    pub setting: String,
    /// The message, its first argument the quoted name.
    pub msg: Msg,
}

impl Warning {
    /// The warning `code` about `setting`, with the arguments after its name.
    pub fn new(setting: &str, code: Code, mut args: Vec<String>) -> Warning {
        args.insert(0, q(setting).to_string());
        Warning {
            setting: setting.to_owned(),
            msg: Msg::new(code, args),
        }
    }

    /// What was wrong and what is used instead: the text after `Allo: setting "NAME": `.
    pub fn detail(&self) -> String {
        let text = self.msg.to_string();
        let prefix = format!("Allo: setting {}: ", q(&self.setting));
        text.strip_prefix(&prefix).unwrap_or(&text).to_owned()
    }
}

/// The console line, as the warning's [`Msg`] with its text.
impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.msg.fmt(f)
    }
}

impl Setting {
    /// The warning for the refused value `v`: what is wrong, then what is used instead.
    pub fn warning(&self, v: &str, problem: &str) -> Warning {
        Warning::new(
            self.key,
            self.says,
            vec![
                q(v).to_string(),
                problem.to_owned(),
                self.default.to_owned(),
            ],
        )
    }

    /// What is wrong with a value of this shape that did not read.
    pub fn problem(&self) -> String {
        match self.shape {
            Shape::Choice(words) => {
                let words: Vec<&str> = words
                    .iter()
                    .map(|w| w.split('|').next().unwrap_or(w))
                    .collect();
                match words.split_last() {
                    Some((last, [])) => format!("is not {last}"),
                    Some((last, rest)) => format!("is not {} or {last}", rest.join(", ")),
                    None => "is not allowed".to_owned(),
                }
            }
            Shape::Number { min, max, .. } => format!("is not a whole number from {min} to {max}"),
            // A text's reader knows; its entry's template says it.
            _ => String::new(),
        }
    }
}

/// A setting's value as text: strings as they are, numbers and booleans printed, arrays joined
/// with commas (so `kinds: ["feedback"]` and `data-kinds="feedback"` read the same).
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(crate::number::to_string(*n)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => Some(items.iter().filter_map(text).collect::<Vec<_>>().join(",")),
        _ => None,
    }
}

/// Reads settings through their entries, collecting the warnings: the one reader of
/// [`crate::config::Config::parse`] and of the groups it hands on ([`crate::delivery`],
/// [`crate::prompt`]), so a value's text, its range check and its warning are one copy of code
/// in the wasm, not one per module (issue 22).
pub struct Reader<'a> {
    map: &'a Map,
    /// The warnings so far, in the order the settings were read.
    pub warnings: Vec<Warning>,
    /// Reads JSON text in a setting (`data-context='{"plan":"pro"}'`).
    pub json: JsonText,
}

/// A reader of JSON text: [`Value::parse`] on the host; the browser's `JSON.parse` in the
/// widget, which then links no JSON parser of its own (issue 22).
pub type JsonText = fn(&str) -> Option<Value>;

/// [`JsonText`] by [`Value::parse`].
pub fn parse_text(text: &str) -> Option<Value> {
    Value::parse(text).ok()
}

impl<'a> Reader<'a> {
    /// A reader of the raw settings object `map`, reading JSON text with [`Value::parse`].
    pub fn new(map: &'a Map) -> Reader<'a> {
        Reader::with_json(map, parse_text)
    }

    /// A reader of the raw settings object `map`, reading JSON text with `json`.
    pub fn with_json(map: &'a Map, json: JsonText) -> Reader<'a> {
        Reader {
            map,
            warnings: Vec::new(),
            json,
        }
    }

    /// The raw value, if the setting is there at all.
    pub fn raw(&self, s: &Setting) -> Option<&'a Value> {
        self.map.get(s.key)
    }

    /// Warns about `s` with a message of its own (not the entry's "value problem; fallback"):
    /// `code` with `args` after the setting's name.
    pub fn note(&mut self, s: &Setting, code: Code, args: Vec<String>) {
        self.warnings.push(Warning::new(s.key, code, args));
    }

    /// The value as non-empty text.
    #[inline(never)]
    pub fn get(&self, s: &Setting) -> Option<String> {
        self.map.get(s.key).and_then(text).filter(|v| !v.is_empty())
    }

    /// Warns that `v`, the value of `s`, is refused because it `problem`, with the entry's
    /// fallback.
    #[inline(never)]
    pub fn warn(&mut self, s: &Setting, v: &str, problem: &str) {
        self.warnings.push(s.warning(v, problem));
    }

    /// A [`Shape::Choice`]: `values[i]` for the `i`-th word, the first for anything else.
    pub fn choice<T: Copy>(&mut self, s: &Setting, values: &[T]) -> T {
        values[self.choice_index(s)]
    }

    /// The index of the word `s`'s value is, 0 (with a warning) for anything else. Not
    /// generic and out of line: `choice` is called with nine value types, and each copy of this
    /// body inlined into `Config::parse` cost wasm bytes (issue 22).
    #[inline(never)]
    pub fn choice_index(&mut self, s: &Setting) -> usize {
        let Shape::Choice(words) = s.shape else {
            unreachable!("{} is a choice", s.key)
        };
        let Some(v) = self.get(s) else {
            return 0;
        };
        match words.iter().position(|w| w.split('|').any(|w| w == v)) {
            Some(i) => i,
            None => {
                self.warn(s, &v, &s.problem());
                0
            }
        }
    }

    /// A [`Shape::Number`], within its limits.
    #[inline(never)]
    pub fn number(&mut self, s: &Setting) -> i64 {
        let Shape::Number { min, max, default } = s.shape else {
            unreachable!("{} is a number", s.key)
        };
        let Some(v) = self.get(s) else { return default };
        match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                self.warn(s, &v, &s.problem());
                default
            }
        }
    }

    /// A [`Shape::Text`] that `read` accepts; `None` (with the entry's warning) otherwise.
    pub fn checked<T>(&mut self, s: &Setting, read: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        let v = self.get(s)?;
        let out = read(&v);
        if out.is_none() {
            self.warn(s, &v, "");
        }
        out
    }

    /// A [`Shape::Text`] whose reader explains what is wrong (`Err(problem)`).
    pub fn explained<T, E: Said>(
        &mut self,
        s: &Setting,
        read: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.get(s)?;
        read(&v)
            .map_err(|e| {
                self.note(
                    s,
                    s.says,
                    vec![e.msg().nested(), String::new(), s.default.to_owned()],
                )
            })
            .ok()
    }
}

/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Accepted `timeoutMs` range.
pub const TIMEOUT_RANGE_MS: (u32, u32) = (500, 120_000);
/// Accepted `retryBaseMs` range (a test-only knob; the default is the retry policy's).
pub const RETRY_BASE_RANGE_MS: (u64, u64) = (10, 60_000);
/// Days without a prompt after one was answered or dismissed, or after a send.
pub const DEFAULT_CAP_DAYS: u32 = 30;
/// Longest `promptCapDays` (ten years: "never again", in practice).
pub const MAX_CAP_DAYS: u32 = 3650;

/// At most this many feedback categories are kept.
pub const MAX_CATEGORIES: usize = 12;
/// A category's label is cut to this many characters.
pub const MAX_CATEGORY_CHARS: usize = 60;
/// A prefilled phone number is cut to this many characters.
pub const MAX_PREFILL_PHONE_CHARS: usize = 40;
/// The widest launcher offset accepted, in the length's unit.
pub const MAX_OFFSET: f64 = 10_000.0;
/// The longest number an offset may be written with, in characters.
pub const MAX_OFFSET_DIGITS: usize = 10;
/// Minutes promised when the shop is open, by default.
pub const DEFAULT_CALLBACK_WITHIN: i64 = 15;
/// Days ahead slots are offered, by default.
pub const DEFAULT_SLOT_DAYS: i64 = 7;
/// The default version label of the consent text.
pub const DEFAULT_CONSENT_VERSION: &str = "1";

const FIELD: Shape = Shape::Choice(&["optional", "required", "hidden"]);

/// `endpoint`.
pub const ENDPOINT: Setting = Setting::new("endpoint", Shape::Text, "— (required)");
/// `locale`.
pub const LOCALE: Setting = Setting::new(
    "locale",
    Shape::Text,
    "page `<html lang>`, then the browser",
);
/// `position`.
pub const POSITION: Setting = Setting::new(
    "position",
    Shape::Choice(&["bottom-right", "bottom-left"]),
    "bottom-right",
);
/// `accent`.
pub const ACCENT: Setting = Setting::text("accent", "#1d4ed8", Code::AccentRefused);
/// `scheme`.
pub const SCHEME: Setting = Setting {
    says: Code::SchemeRefused,
    ..Setting::new(
        "scheme",
        Shape::Choice(&["system|auto", "light", "dark"]),
        "system",
    )
};
/// `launcher`.
pub const LAUNCHER: Setting = Setting::new(
    "launcher",
    Shape::Choice(&["shown|visible|true", "hidden|false|none"]),
    "shown",
);
/// `zIndex`.
pub const Z_INDEX: Setting = Setting::new(
    "zIndex",
    Shape::Number {
        min: i32::MIN as i64,
        max: i32::MAX as i64,
        default: DEFAULT_Z_INDEX as i64,
    },
    "2147483000",
);
/// `offsetX`.
pub const OFFSET_X: Setting = Setting::text("offsetX", DEFAULT_OFFSET, Code::OffsetRefused);
/// `offsetY`.
pub const OFFSET_Y: Setting = Setting {
    key: "offsetY",
    ..OFFSET_X
};
/// `kinds`.
pub const KINDS: Setting = Setting::text("kinds", "feedback,callback", Code::KindsRefused);
/// `metric`.
pub const METRIC: Setting = Setting::new("metric", Shape::Choice(&["csat", "nps", "ces"]), "csat");
/// `categories`.
pub const CATEGORIES: Setting = Setting::new(
    "categories",
    Shape::List,
    "problem,idea,praise,question,other",
);
/// `message`.
pub const MESSAGE: Setting = Setting::new("message", FIELD, "optional");
/// `name`.
pub const NAME: Setting = Setting::new("name", FIELD, "optional");
/// `email`.
pub const EMAIL: Setting = Setting::new("email", FIELD, "optional");
/// `visitor`.
pub const VISITOR: Setting = Setting::new("visitor", Shape::Object, "—");
/// `visitorName`.
pub const VISITOR_NAME: Setting = Setting::new("visitorName", Shape::Text, "—");
/// `visitorEmail`.
pub const VISITOR_EMAIL: Setting = Setting::new("visitorEmail", Shape::Text, "—");
/// `visitorPhone`.
pub const VISITOR_PHONE: Setting = Setting::new("visitorPhone", Shape::Text, "—");
/// `strings`.
pub const STRINGS: Setting = Setting::new("strings", Shape::Object, "—");
/// `metadata`.
pub const METADATA: Setting = Setting {
    says: Code::MetadataRefused,
    ..Setting::new(
        "metadata",
        Shape::Choice(&["true|on|yes", "false|off|no"]),
        "true",
    )
};
/// `hours`.
pub const HOURS: Setting =
    Setting::text("hours", "— (no promises with a time)", Code::HoursRefused);
/// `timezone`.
pub const TIMEZONE: Setting = Setting::new("timezone", Shape::Text, "the visitor's");
/// `closed`.
pub const CLOSED: Setting = Setting::text("closed", "—", Code::ClosedRefused);
/// `callbackWithin`.
pub const CALLBACK_WITHIN: Setting = Setting::new(
    "callbackWithin",
    Shape::Number {
        min: 1,
        max: 1440,
        default: DEFAULT_CALLBACK_WITHIN,
    },
    "15",
);
/// `slotDays`.
pub const SLOT_DAYS: Setting = Setting::new(
    "slotDays",
    Shape::Number {
        min: 1,
        max: 60,
        default: DEFAULT_SLOT_DAYS,
    },
    "7",
);
/// `country`.
pub const COUNTRY: Setting = Setting::text("country", "from the locale", Code::CountryRefused);
/// `consentText`.
pub const CONSENT_TEXT: Setting = Setting::new("consentText", Shape::Text, "built-in text");
/// `consentVersion`.
pub const CONSENT_VERSION: Setting =
    Setting::new("consentVersion", Shape::Text, DEFAULT_CONSENT_VERSION);
/// `privacyUrl`.
pub const PRIVACY_URL: Setting = Setting::text("privacyUrl", "—", Code::PrivacyUrlRefused);
/// `cooldownMinutes`.
pub const COOLDOWN_MINUTES: Setting = Setting::new(
    "cooldownMinutes",
    Shape::Number {
        min: 0,
        max: 1440,
        default: crate::callback::DEFAULT_COOLDOWN_MINUTES as i64,
    },
    "5",
);
/// `callbackEmail`.
pub const CALLBACK_EMAIL: Setting = Setting::new("callbackEmail", FIELD, "optional");
/// `events`.
pub const EVENTS: Setting = Setting {
    says: Code::EventsRefused,
    ..Setting::new("events", Shape::Choice(&["ids", "full"]), "ids")
};
/// `nonce`.
pub const NONCE: Setting = Setting::new("nonce", Shape::Text, "the script tag's nonce");
/// `format` (read by [`crate::delivery::Settings::parse`]).
pub const FORMAT: Setting = Setting::new("format", Shape::Choice(&["json", "form"]), "json");
/// `headers` (read by [`crate::delivery::Settings::parse`]).
pub const HEADERS: Setting = Setting::new("headers", Shape::Object, "—");
/// `outboxTtl` (read by [`crate::delivery::Settings::parse`]).
pub const OUTBOX_TTL: Setting = Setting::text("outboxTtl", "7d", Code::OutboxTtlRefused);
/// `timeoutMs` (read by [`crate::delivery::Settings::parse`]).
pub const TIMEOUT_MS: Setting = Setting::new(
    "timeoutMs",
    Shape::Number {
        min: TIMEOUT_RANGE_MS.0 as i64,
        max: TIMEOUT_RANGE_MS.1 as i64,
        default: DEFAULT_TIMEOUT_MS as i64,
    },
    "15000",
);
/// `retryBaseMs` (read by [`crate::delivery::Settings::parse`]; a test-only knob).
pub const RETRY_BASE_MS: Setting = Setting::new(
    "retryBaseMs",
    Shape::Number {
        min: RETRY_BASE_RANGE_MS.0 as i64,
        max: RETRY_BASE_RANGE_MS.1 as i64,
        default: crate::retry::BASE_DELAY_MS as i64,
    },
    "1000",
);

/// `promptQuestion` (read by [`crate::prompt::Settings::parse`], like the other `prompt…`).
pub const PROMPT_QUESTION: Setting = Setting::new("promptQuestion", Shape::Text, "— (no prompt)");
/// `promptPath`.
pub const PROMPT_PATH: Setting = Setting {
    says: Code::PromptPathRefused,
    ..Setting::new("promptPath", Shape::List, "—")
};
/// `promptAfterSeconds`.
pub const PROMPT_AFTER_SECONDS: Setting = Setting {
    says: Code::PromptCountRefused,
    ..Setting::new("promptAfterSeconds", Shape::Text, "—")
};
/// `promptAfterViews`.
pub const PROMPT_AFTER_VIEWS: Setting = Setting {
    key: "promptAfterViews",
    ..PROMPT_AFTER_SECONDS
};
/// `promptOnExit`.
pub const PROMPT_ON_EXIT: Setting =
    Setting::new("promptOnExit", Shape::Choice(&["false", "true"]), "false");
/// `promptCapDays`.
pub const PROMPT_CAP_DAYS: Setting = Setting::new(
    "promptCapDays",
    Shape::Number {
        min: 0,
        max: MAX_CAP_DAYS as i64,
        default: DEFAULT_CAP_DAYS as i64,
    },
    "30",
);
/// `context` (read by [`crate::owner_context::from_setting`]).
pub const CONTEXT: Setting = Setting::new("context", Shape::Object, "—");

/// Every setting Allo knows, in the README's order; anything else earns a warning (most
/// often a typo). Adding a setting: one entry above, one line here, and its read.
pub const SETTINGS: &[Setting] = &[
    ENDPOINT,
    LOCALE,
    POSITION,
    ACCENT,
    SCHEME,
    LAUNCHER,
    Z_INDEX,
    OFFSET_X,
    OFFSET_Y,
    KINDS,
    METRIC,
    CATEGORIES,
    MESSAGE,
    NAME,
    EMAIL,
    VISITOR,
    VISITOR_NAME,
    VISITOR_EMAIL,
    VISITOR_PHONE,
    STRINGS,
    METADATA,
    HOURS,
    TIMEZONE,
    CLOSED,
    CALLBACK_WITHIN,
    SLOT_DAYS,
    COUNTRY,
    CONSENT_TEXT,
    CONSENT_VERSION,
    PRIVACY_URL,
    COOLDOWN_MINUTES,
    CALLBACK_EMAIL,
    EVENTS,
    NONCE,
    FORMAT,
    HEADERS,
    OUTBOX_TTL,
    TIMEOUT_MS,
    RETRY_BASE_MS,
    PROMPT_QUESTION,
    PROMPT_PATH,
    PROMPT_AFTER_SECONDS,
    PROMPT_AFTER_VIEWS,
    PROMPT_ON_EXIT,
    PROMPT_CAP_DAYS,
    CONTEXT,
];
