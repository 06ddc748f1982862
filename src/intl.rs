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
    format: Object,
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
        date_format("en-US", &opts).map(|format| IanaZone { format })
    }

    /// The zone's wall clock at `utc_ms`, read as if it were UTC. `en-US` with these options
    /// writes `11/23/2026, 18:05:09`: the six numbers in the order month, day, year, hour,
    /// minute, second. Read from `format` as digit runs rather than from `formatToParts`, whose
    /// parts each cost two property reads and a name match (−591 B gzip).
    fn local_ms(&self, utc_ms: i64) -> Option<f64> {
        let text = format_with(&self.format, utc_ms)?;
        let mut v = [0f64; 6];
        let mut i = 0;
        let mut run: Option<u32> = None;
        // A trailing space ends the last run like any other separator.
        for c in text.chars().chain([' ']) {
            match (c.to_digit(10), run) {
                (Some(d), _) => run = Some(run.unwrap_or(0) * 10 + d),
                (None, Some(n)) => {
                    *v.get_mut(i)? = f64::from(n);
                    i += 1;
                    run = None;
                }
                (None, None) => {}
            }
        }
        let [month, day, year, hour, minute, second] = v;
        (i == 6).then(|| {
            Date::utc(year, month - 1.0)
                + ((day - 1.0) * 86_400.0 + hour * 3_600.0 + minute * 60.0 + second) * 1_000.0
        })
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

/// The name of the visitor's zone (`Europe/Paris`), "UTC" when the browser does not say.
/// Through [`date_format`] and [`call`], which the widget has anyway, rather than bindings of
/// its own for `DateTimeFormat` and `resolvedOptions` (−41 B gzip).
pub fn visitor_zone_name() -> String {
    date_format("en-US", &[])
        .and_then(|f| call(&f, "resolvedOptions", &JsValue::UNDEFINED))
        .and_then(|o| Reflect::get(&o, &"timeZone".into()).ok()?.as_string())
        .unwrap_or_else(|| "UTC".into())
}

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
