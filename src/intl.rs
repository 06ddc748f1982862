//! Time zones and date formatting from the browser's `Intl`, so the wasm carries no time-zone
//! database: the shop's zone answers offsets through `Intl.DateTimeFormat`, the visitor's
//! through `Date.getTimezoneOffset`, and every date or time shown is formatted by `Intl` in the
//! visitor's language and zone.
use allo_core::promise::Fill;
use allo_core::zone::Zone;
use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Builds `new Intl[class](locale, options)`, returning `None` instead of throwing for a bad
/// zone or locale (a `RangeError` must never escape into the shop's page) or a browser without
/// that class.
fn construct(class: &str, locale: &str, options: &[(&str, &str)]) -> Option<Object> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor = Reflect::get(&intl, &class.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let opts = Object::new();
    for (k, v) in options {
        Reflect::set(&opts, &(*k).into(), &(*v).into()).ok()?;
    }
    let args = Array::of2(&JsValue::from_str(locale), &opts);
    Reflect::construct(&ctor, &args)
        .ok()?
        .dyn_into::<Object>()
        .ok()
}

fn date_format(locale: &str, options: &[(&str, &str)]) -> Option<Object> {
    construct("DateTimeFormat", locale, options)
}

/// `obj[method](arg)`, `None` when it is missing or throws.
fn call(obj: &Object, method: &str, arg: &JsValue) -> Option<JsValue> {
    Reflect::get(obj, &method.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call1(obj, arg)
        .ok()
}

fn date(ms: i64) -> JsValue {
    Date::new(&JsValue::from_f64(ms as f64)).into()
}

fn format_with(fmt: &Object, ms: i64) -> Option<String> {
    call(fmt, "format", &date(ms))?.as_string()
}

/// An IANA zone, answered by `Intl`.
pub struct IanaZone {
    parts: Object,
}

impl IanaZone {
    /// The zone, or `None` when the browser does not know it.
    pub fn new(name: &str) -> Option<IanaZone> {
        let opts = [
            ("timeZone", name),
            ("hourCycle", "h23"),
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("second", "numeric"),
        ];
        date_format("en-US", &opts).map(|parts| IanaZone { parts })
    }

    fn local_ms(&self, utc_ms: i64) -> Option<f64> {
        let parts = call(&self.parts, "formatToParts", &date(utc_ms))?
            .dyn_into::<Array>()
            .ok()?;
        let mut v = [0f64; 6];
        for p in parts.iter() {
            let kind = Reflect::get(&p, &"type".into()).ok()?.as_string()?;
            // Whole numbers ("2026", "08"): read as integers, which keeps core's float
            // parser out of the wasm.
            let value = Reflect::get(&p, &"value".into())
                .ok()?
                .as_string()?
                .parse::<i32>()
                .map_or(0.0, f64::from);
            let i = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            v[i] = value;
        }
        Some(
            Date::utc(v[0], v[1] - 1.0)
                + ((v[2] - 1.0) * 86_400.0 + v[3] * 3_600.0 + v[4] * 60.0 + v[5]) * 1_000.0,
        )
    }
}

impl Zone for IanaZone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        // Intl works in whole seconds: compare against the instant rounded down the same way.
        let base = utc_ms - utc_ms.rem_euclid(1_000);
        self.local_ms(base)
            .map_or(0, |local| ((local - base as f64) / 60_000.0).round() as i32)
    }
}

/// The visitor's own zone.
pub struct VisitorZone;

impl Zone for VisitorZone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        -(Date::new(&JsValue::from_f64(utc_ms as f64)).get_timezone_offset() as i32)
    }
}

/// Formats instants for the visitor, in their language and their zone.
pub struct Formatter {
    time: Option<Object>,
    weekday: Option<Object>,
    date: Option<Object>,
}

impl Formatter {
    /// Formatters for `locale` (a BCP 47 tag).
    pub fn new(locale: &str) -> Formatter {
        Formatter {
            time: date_format(locale, &[("hour", "numeric"), ("minute", "2-digit")]),
            weekday: date_format(locale, &[("weekday", "long")]),
            date: date_format(
                locale,
                &[("weekday", "long"), ("day", "numeric"), ("month", "long")],
            ),
        }
    }

    fn run(f: &Option<Object>, ms: i64) -> String {
        f.as_ref()
            .and_then(|f| format_with(f, ms))
            .unwrap_or_default()
    }

    /// "09:00" / "9:00 AM".
    pub fn time(&self, ms: i64) -> String {
        Formatter::run(&self.time, ms)
    }

    /// "Monday".
    pub fn weekday(&self, ms: i64) -> String {
        Formatter::run(&self.weekday, ms)
    }

    /// "Monday 24 November".
    pub fn date(&self, ms: i64) -> String {
        Formatter::run(&self.date, ms)
    }

    /// What a placeholder of a core wording shows (see `allo_core::promise::say`).
    pub fn show(&self, f: Fill) -> String {
        match f {
            Fill::Number(n) => n.to_string(),
            Fill::Time(ms) => self.time(ms),
            Fill::Weekday(ms) => self.weekday(ms),
            Fill::Date(ms) => self.date(ms),
        }
    }
}

/// Now, UTC ms (`Date.now()`, which tests can pin with a fake clock).
pub fn now_ms() -> i64 {
    Date::now() as i64
}

/// An instant as RFC 3339 UTC.
pub fn iso(ms: i64) -> String {
    Date::new(&JsValue::from_f64(ms as f64))
        .to_iso_string()
        .into()
}

/// A whole number as `locale` writes it ("4,000", "4 000", "4.000"), by `Intl.NumberFormat`.
pub fn number(locale: &str, n: usize) -> String {
    js_sys::Number::from(n as f64)
        .to_locale_string(locale)
        .into()
}

/// Compares two texts in `locale`'s alphabetical order (`String.prototype.localeCompare`, which
/// uses `Intl.Collator`), so lists sort the way the visitor reads them.
pub fn collate(locale: &str, a: &str, b: &str) -> std::cmp::Ordering {
    let locales = Array::of1(&JsValue::from_str(locale));
    js_sys::JsString::from(a)
        .locale_compare(b, &locales, &Object::new())
        .cmp(&0)
}

/// Country names in the visitor's language (`Intl.DisplayNames`), falling back to the code.
pub struct CountryNames(Option<Object>);

impl CountryNames {
    /// Names in `locale`.
    pub fn new(locale: &str) -> CountryNames {
        CountryNames(construct("DisplayNames", locale, &[("type", "region")]))
    }

    /// The name of `iso`, e.g. "Belgique" for `BE` in French.
    pub fn name(&self, iso: &str) -> String {
        self.0
            .as_ref()
            .and_then(|n| call(n, "of", &JsValue::from_str(iso))?.as_string())
            .unwrap_or_else(|| iso.to_owned())
    }
}
