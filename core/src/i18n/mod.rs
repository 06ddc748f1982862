//! The translation catalog: one typed `Strings` value per supported language, one file each.
//!
//! Every language is a `static` of the same struct, so a language that misses a string does not
//! compile. Owners override single strings by key (`Strings::set`); the fields are plain
//! `&'static str` so a `Strings` is `Copy` (see `leak` for what that saves and what it costs).
//!
//! The collector uses every catalog. The widget builds only English in (the fallback); its
//! build script writes each other language as a JSON file beside the wasm
//! ([`Strings::to_json`]) and the widget fetches the one a visitor needs
//! ([`Strings::from_json`], in the widget's `src/catalog.rs`). Only code that reaches a
//! catalog through [`Lang::strings`] or its `static` links that catalog in.

mod de;
mod en;
mod es;
mod fr;
mod it;
mod nl;

pub use de::DE;
pub use en::EN;
pub use es::ES;
pub use fr::FR;
pub use it::IT;
pub use nl::NL;

use crate::json::{Obj, Value};

/// A supported language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the fallback for unknown tags.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Italian.
    It,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Every supported language, in the order the docs list them.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Fr, Lang::De, Lang::Es, Lang::It, Lang::Nl];

    /// The language for a BCP 47 tag, matching on the primary subtag (`fr-CA` → French).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match primary.as_str() {
            "en" => Lang::En,
            "fr" => Lang::Fr,
            "de" => Lang::De,
            "es" => Lang::Es,
            "it" => Lang::It,
            "nl" => Lang::Nl,
            _ => return None,
        })
    }

    /// The first supported language among `candidates` (owner setting, page `lang`, browser
    /// languages, in that order), else English.
    pub fn negotiate<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Lang {
        negotiate_locale(candidates).0
    }

    /// The writing direction, for the widget's `dir` attribute. Every language Allo speaks is
    /// written left to right; saying so explicitly keeps a right-to-left shop page from
    /// mirroring the widget.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En | Lang::Fr | Lang::De | Lang::Es | Lang::It | Lang::Nl => "ltr",
        }
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Nl => "nl",
        }
    }

    /// The built-in catalog of this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::De => &DE,
            Lang::Es => &ES,
            Lang::It => &IT,
            Lang::Nl => &NL,
        }
    }
}

macro_rules! catalog {
    ($( $(#[$doc:meta])* $field:ident ),* $(,)?) => {
        /// Every visible string of the widget in one language.
        ///
        /// `repr(C)`: its fields, all `&'static str`, are laid out in declaration order with
        /// nothing between them, so the catalog is also an array of its texts in `KEYS` order
        /// (`texts`, `texts_mut`).
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(C)]
        pub struct Strings {
            $( $(#[$doc])* pub $field: &'static str, )*
        }

        const COUNT: usize = [$(stringify!($field)),*].len();

        // What `texts` relies on, checked at compile time: exactly COUNT texts, no padding.
        const _: () = assert!(
            std::mem::size_of::<Strings>() == COUNT * std::mem::size_of::<&'static str>()
                && std::mem::align_of::<Strings>() == std::mem::align_of::<&'static str>()
        );

        // `set` and `get` find the key's position in KEYS, then index the texts in the same
        // order: one loop instead of a match with a string comparison per key, which cost
        // ~8 KB of wasm code for `set` alone.
        impl Strings {
            /// The keys owners may override, as they write them in their settings.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            // The texts as an array, viewed in place: no code at all, where an array built
            // field by field (`[&mut self.a, &mut self.b, …]`) was one store per key, 1.4 KB of
            // wasm for 117 keys (issue 22).
            fn texts_mut(&mut self) -> &mut [&'static str; COUNT] {
                // SAFETY: `Strings` is `repr(C)` with COUNT fields of type `&'static str` and
                // the size and alignment of `[&'static str; COUNT]` (asserted above), so it
                // has that array's layout, field i at index i; the borrow is `self`'s.
                unsafe { &mut *(self as *mut Strings).cast::<[&'static str; COUNT]>() }
            }

            fn texts(&self) -> &[&'static str; COUNT] {
                // SAFETY: as in `texts_mut`.
                unsafe { &*(self as *const Strings).cast::<[&'static str; COUNT]>() }
            }

            /// Replaces the string named `key`; false when no such key exists.
            pub fn set(&mut self, key: &str, value: impl Into<String>) -> bool {
                match Self::KEYS.iter().position(|k| *k == key) {
                    Some(i) => {
                        self.texts_mut()[i] = leak(value.into());
                        true
                    }
                    None => false,
                }
            }

            /// The string named `key`, if it exists.
            pub fn get(&self, key: &str) -> Option<&'static str> {
                let i = Self::KEYS.iter().position(|k| *k == key)?;
                Some(self.texts()[i])
            }
        }
    };
}

catalog! {
    /// Accessible name of the launcher button.
    launcher_label,
    /// Title of the panel (the dialog's accessible name).
    panel_title,
    /// Accessible name of the panel's close button.
    close_label,
    /// Tab that shows the feedback form.
    feedback_tab,
    /// Tab that shows the callback form.
    callback_tab,
    /// Question above the CSAT rating.
    csat_question,
    /// CSAT 1.
    csat_1,
    /// CSAT 2.
    csat_2,
    /// CSAT 3.
    csat_3,
    /// CSAT 4.
    csat_4,
    /// CSAT 5.
    csat_5,
    /// Label of the message field.
    message_label,
    /// Marks an optional field.
    optional,
    /// Submit button.
    send,
    /// Status while sending.
    sending,
    /// Heading of the thank-you state.
    thanks_title,
    /// What happens next, after feedback (owners usually override this).
    thanks_next,
    /// The short reference; `{ref}` is replaced.
    thanks_reference,
    /// Button that starts a new message after a success.
    send_another,
    /// Validation: no rating chosen.
    err_rating_required,
    /// Validation: message required but empty.
    err_message_required,
    /// Validation: message too long; `{max}` is replaced.
    err_message_too_long,
    /// Delivery: the network failed.
    err_network,
    /// Delivery: the endpoint refused the submission for good; `{detail}` is replaced.
    err_rejected,
    /// Delivery: the endpoint failed (5xx) or timed out.
    err_server,
    /// Button to try a failed send again.
    retry,
    /// Heading when a submission is stored to be sent later (offline).
    queued_title,
    /// Explanation under `queued_title`.
    queued_body,
    /// Button on the thank-you state.
    status_show,
    /// Heading of the visitor's open requests.
    status_title,
    /// Status: received.
    status_received,
    /// Status: scheduled.
    status_scheduled,
    /// Status: called back.
    status_called_back,
    /// Status: handled.
    status_handled,
    /// Status: delayed.
    status_delayed,
    /// Status: the promise passed without a call.
    status_overdue,
    /// The status could not be loaded.
    status_unavailable,
    /// While the status loads.
    status_loading,
    /// A call that did not reach the visitor; `{time}` is when.
    status_tried,
    /// A call to a number that did not work; `{time}` is when.
    status_wrong_number,
    /// The next try, later today; `{time}`.
    status_retry_today,
    /// The next try, tomorrow; `{time}`.
    status_retry_tomorrow,
    /// The next try, on a later day; `{day}` (weekday or date) and `{time}`.
    status_retry_day,
    /// Calling is given up; the shop writes to the visitor's email instead.
    status_by_email,
    /// Calling is given up and there is no other way: the visitor may ask again.
    status_ask_again,
    /// The shop answered by email from the inbox; `{date}`.
    status_answered,
    /// Why the callback form asks for an email (shown under its label).
    callback_email_hint,
    /// Label of a feedback request in the list.
    kind_feedback,
    /// Label of a callback request in the list.
    kind_callback,
    /// NPS question.
    nps_question,
    /// NPS label of 0.
    nps_low,
    /// NPS label of 10.
    nps_high,
    /// Accessible name of an NPS option; `{n}` is replaced.
    nps_option,
    /// CES statement.
    ces_question,
    /// CES 1.
    ces_1,
    /// CES 2.
    ces_2,
    /// CES 3.
    ces_3,
    /// CES 4.
    ces_4,
    /// CES 5.
    ces_5,
    /// CES 6.
    ces_6,
    /// CES 7.
    ces_7,
    /// Message label after a low score.
    followup_low,
    /// Message label after a middle score.
    followup_neutral,
    /// Message label after a high score.
    followup_high,
    /// Offer after a low score.
    offer_callback,
    /// Button that switches to the callback form.
    offer_callback_button,
    /// Label of the category field.
    category_label,
    /// Empty choice of the category field.
    category_none,
    /// Category: problem.
    cat_problem,
    /// Category: idea.
    cat_idea,
    /// Category: praise.
    cat_praise,
    /// Category: question.
    cat_question,
    /// Category: other.
    cat_other,
    /// Counter near the message limit; `{n}` is replaced.
    chars_left,
    /// Label of the name field.
    name_label,
    /// Label of the email field.
    email_label,
    /// Remember-me checkbox.
    remember_me,
    /// Greeting of a returning visitor; `{name}` is replaced.
    greeting,
    /// Validation: name missing.
    err_name_required,
    /// Validation: name too long; `{max}`.
    err_name_too_long,
    /// Validation: email missing.
    err_email_required,
    /// Validation: email malformed.
    err_email_invalid,
    /// Label of the phone field.
    phone_label,
    /// Label of the country selector.
    country_label,
    /// Label of the callback reason.
    reason_label,
    /// Urgent checkbox.
    urgent_label,
    /// Legend of the when choice.
    when_label,
    /// When: as soon as possible.
    when_asap,
    /// When: a chosen time.
    when_slot,
    /// Label of the time-slot selector.
    slot_label,
    /// Shown when no slot is available.
    slot_none,
    /// Default consent text next to the checkbox.
    consent_text,
    /// Privacy policy link text.
    privacy_link,
    /// Submit button of the callback form.
    callback_send,
    /// Heading after a callback request.
    callback_thanks_title,
    /// Validation: phone missing.
    err_phone_required,
    /// Validation: phone malformed.
    err_phone_invalid,
    /// Validation: slot missing.
    err_slot_required,
    /// Validation: consent missing.
    err_consent_required,
    /// Validation: reason too long; `{max}`.
    err_reason_too_long,
    /// Abuse control: sent faster than a person types.
    err_too_fast,
    /// Abuse control: a request was just sent; `{minutes}`.
    err_cooldown,
    /// The endpoint already has this request.
    err_duplicate,
    /// Promise, open now; `{minutes}`.
    promise_open,
    /// Promise, closed, opens later today; `{time}`.
    promise_closed_today,
    /// Promise, closed, opens tomorrow; `{time}`.
    promise_closed_tomorrow,
    /// Promise, closed, opens on a later day; `{day}` (weekday or date) and `{time}`.
    promise_closed_day,
    /// Promise, open now but closing before the promised minutes are up, opens again later
    /// today (a lunch break); `{time}`.
    promise_closing_today,
    /// Promise, open now but closing before the promised minutes are up, opens tomorrow;
    /// `{time}`.
    promise_closing_tomorrow,
    /// Promise, open now but closing before the promised minutes are up, opens on a later
    /// day; `{day}` (weekday or date) and `{time}`.
    promise_closing_day,
    /// Promise for a chosen slot; `{date}`, `{from}` and `{to}`.
    promise_slot,
    /// Promise when the shop set no opening hours.
    promise_no_hours,
    /// Announced after a submit that found one problem; `{list}` is its message.
    problems_one,
    /// Announced after a submit that found several; `{n}` and `{list}` (the messages in order).
    problems_many,
    // Prompts (issue 21).
    /// Accessible name of the prompt card's close button.
    prompt_dismiss,
    /// Announced politely when a prompt appears, before its question.
    prompt_announce,
    /// The prompt's button for the callback form (`Allo.ask("callback")`).
    prompt_callback,
}

/// Marks a catalog text (kept as the one place a text could be processed at compile time).
const fn t(s: &'static str) -> &'static str {
    s
}

/// An owner's override, kept for the rest of the page's life. Leaking is deliberate and
/// bounded: overrides are applied once per language the widget is shown in (at boot and on
/// `Allo.setLocale`), a handful of short strings each. In exchange `Strings` is `Copy`: with
/// `Cow` fields, cloning and dropping the catalog's ~110 fields was ~12 KB of wasm code.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The owner's overrides that apply to one language, in the order they are applied.
type Overrides = Vec<(String, String, String)>;

thread_local! {
    /// Catalogs with the owner's overrides applied, one per language and set of overrides.
    /// `identify` and `setLocale` rebuild the app's context, which asks for the catalog again:
    /// without this each call would leak the overrides anew (see `leak`).
    static LOCALIZED: std::cell::RefCell<Vec<(Lang, Overrides, Strings)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Strings {
    /// `lang`'s catalog with the owner's `overrides` (language code or `*`, key, text, as
    /// [`Config::strings`](crate::config::Config::strings) holds them): first those for every
    /// language, then `lang`'s own, so `{ fr: { send: … } }` beats `{ send: … }` in French.
    /// The overrides are leaked at most once per language and set of overrides.
    pub fn localized(lang: Lang, overrides: &[(String, String, String)]) -> Strings {
        Strings::localized_from(lang, lang.strings(), overrides)
    }

    /// [`Strings::localized`] with `lang`'s catalog given: the widget's, loaded at run time
    /// (only English is built into its wasm).
    pub fn localized_from(
        lang: Lang,
        catalog: &Strings,
        overrides: &[(String, String, String)],
    ) -> Strings {
        // Borrowed, in the order they apply: a plain loop per scope, not an iterator chain
        // collected into clones (the cache below copies them only the first time).
        let mut applying: Vec<&(String, String, String)> = Vec::new();
        for scope in ["*", lang.code()] {
            for o in overrides {
                if o.0 == scope {
                    applying.push(o);
                }
            }
        }
        if applying.is_empty() {
            return *catalog;
        }
        LOCALIZED.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some((.., done)) = cache
                .iter()
                .find(|(l, o, _)| *l == lang && o.iter().eq(applying.iter().copied()))
            {
                return *done;
            }
            let mut strings = *catalog;
            for (_, key, text) in &applying {
                strings.set(key, text.clone());
            }
            let applying = applying.into_iter().cloned().collect();
            cache.push((lang, applying, strings));
            strings
        })
    }
}

/// Why a catalog file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogError {
    /// The text is not JSON.
    Json(crate::json::ParseError),
    /// It is JSON but not an object of strings.
    NotStrings,
    /// A key of [`Strings::KEYS`] is missing.
    Missing(&'static str),
    /// A key that is not one of [`Strings::KEYS`].
    Unknown(String),
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogError::Json(e) => write!(f, "{e}"),
            CatalogError::NotStrings => f.write_str("not an object of strings"),
            CatalogError::Missing(key) => write!(f, "no text for {}", crate::quoted::q(key)),
            CatalogError::Unknown(key) => write!(f, "unknown key {}", crate::quoted::q(key)),
        }
    }
}

impl std::error::Error for CatalogError {}

impl Strings {
    /// The catalog as the file the widget fetches: a JSON object, key → text.
    pub fn to_json(&self) -> String {
        Self::KEYS
            .iter()
            .zip(self.texts())
            .fold(Obj::new(), |o, (key, text)| o.set(key, text))
            .build()
            .to_string()
    }

    /// A catalog read back from [`Strings::to_json`]'s form: every key, nothing else. Its texts
    /// are leaked (see `leak`): the widget reads each language at most once per page.
    pub fn from_json(text: &str) -> Result<Strings, CatalogError> {
        Strings::from_value(&Value::parse(text).map_err(CatalogError::Json)?)
    }

    /// [`Strings::from_json`] of text already parsed (the widget parses with the browser's
    /// `JSON.parse`).
    pub fn from_value(value: &Value) -> Result<Strings, CatalogError> {
        let map = value.as_object().ok_or(CatalogError::NotStrings)?;
        if let Some(key) = map.keys().find(|k| !Self::KEYS.contains(&k.as_str())) {
            return Err(CatalogError::Unknown(key.clone()));
        }
        let mut strings = EN;
        for (key, slot) in Self::KEYS.iter().zip(strings.texts_mut()) {
            let text = map.get(key).ok_or(CatalogError::Missing(key))?;
            *slot = leak(text.as_str().ok_or(CatalogError::NotStrings)?.to_owned());
        }
        Ok(strings)
    }
}

/// The visitor's language and the tag to format dates and report submissions with: the first of
/// `candidates` (the owner's setting, the page's `<html lang>`, the browser's languages, in
/// that order) whose language Allo speaks, else English. The tag keeps its region, so `fr-CA`
/// speaks French and formats dates the way Canadians read them.
pub fn negotiate_locale<'a>(candidates: impl IntoIterator<Item = &'a str>) -> (Lang, String) {
    candidates
        .into_iter()
        .find_map(|tag| Some((Lang::from_tag(tag)?, canonical_tag(tag))))
        .unwrap_or((Lang::En, "en".to_owned()))
}

/// A tag in the form `Intl` accepts: `fr_ca` → `fr-CA`, `zh-hant-tw` → `zh-Hant-TW`.
/// Only language, script and region are kept; anything after them (variants, extensions,
/// private use, or a malformed subtag) is dropped, because `Intl` throws a `RangeError` on
/// tags it cannot parse and the language alone still formats correctly.
pub fn canonical_tag(tag: &str) -> String {
    let mut parts = tag.trim().split(['-', '_']);
    let mut out = parts.next().unwrap_or_default().to_ascii_lowercase();
    let mut have_script = false;
    for part in parts {
        let alpha = part.bytes().all(|b| b.is_ascii_alphabetic());
        if part.len() == 4 && alpha && !have_script {
            have_script = true;
            out.push('-');
            out.push_str(&part[..1].to_ascii_uppercase());
            out.push_str(&part[1..].to_ascii_lowercase());
        } else if (part.len() == 2 && alpha)
            || (part.len() == 3 && part.bytes().all(|b| b.is_ascii_digit()))
        {
            out.push('-');
            out.push_str(&part.to_ascii_uppercase());
            break;
        } else {
            break;
        }
    }
    out
}

/// What the live region says after a submit that found problems: "2 problems: Please enter
/// your phone number. Please enter your name." (`messages` in the order the fields are shown).
pub fn problems_summary(s: &Strings, messages: &[String]) -> String {
    match messages {
        [] => String::new(),
        [one] => fill(s.problems_one, &[("list", one)]),
        many => fill(
            s.problems_many,
            &[("n", &many.len().to_string()), ("list", &many.join(" "))],
        ),
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_primary_subtag_in_order() {
        let cases: &[(&[&str], Lang)] = &[
            (&["fr-CA"], Lang::Fr),
            (&["de_AT"], Lang::De),
            (&["pt-BR", "nl-BE", "fr"], Lang::Nl),
            (&["", "  ES "], Lang::Es),
            (&["ja", "zh-Hant"], Lang::En),
            (&[], Lang::En),
            (&["IT"], Lang::It),
        ];
        for (tags, want) in cases {
            assert_eq!(Lang::negotiate(tags.iter().copied()), *want, "{tags:?}");
        }
    }

    #[test]
    fn every_catalog_is_complete_and_translated() {
        for lang in Lang::ALL {
            let s = lang.strings();
            for key in Strings::KEYS {
                let value = s.get(key).unwrap();
                assert!(!value.trim().is_empty(), "{lang:?}.{key} is empty");
                // Placeholders must survive translation.
                for ph in [
                    "{ref}",
                    "{max}",
                    "{detail}",
                    "{n}",
                    "{name}",
                    "{minutes}",
                    "{time}",
                    "{day}",
                    "{date}",
                    "{from}",
                    "{to}",
                    "{list}",
                ] {
                    let en = EN.get(key).unwrap();
                    assert_eq!(
                        en.contains(ph),
                        value.contains(ph),
                        "{lang:?}.{key} and {ph}"
                    );
                }
            }
            if lang != Lang::En {
                assert_ne!(s.send, EN.send, "{lang:?} looks untranslated");
            }
        }
    }

    #[test]
    fn negotiation_keeps_the_winning_tag_in_intl_form() {
        let cases: &[(&[&str], Lang, &str)] = &[
            // The owner's setting, then the page, then the browser: the first Allo speaks wins.
            (&["de-AT", "fr", "en-US"], Lang::De, "de-AT"),
            (&["pt-BR", "fr-CA", "en-US"], Lang::Fr, "fr-CA"),
            (&["", "nl_be"], Lang::Nl, "nl-BE"),
            (&["  ES "], Lang::Es, "es"),
            (&["it-CH-u-ca-gregory"], Lang::It, "it-CH"),
            (&["en-Latn-GB-oed"], Lang::En, "en-Latn-GB"),
            (&["es-419"], Lang::Es, "es-419"),
            (&["fr-x-shop"], Lang::Fr, "fr"),
            (&["de-!!"], Lang::De, "de"),
            // Unknown everywhere: English.
            (&["ja", "zh-Hant-TW", "x-klingon"], Lang::En, "en"),
            (&[], Lang::En, "en"),
        ];
        for (tags, lang, tag) in cases {
            assert_eq!(
                negotiate_locale(tags.iter().copied()),
                (*lang, (*tag).to_owned()),
                "{tags:?}"
            );
        }
        assert_eq!(canonical_tag("zh_hant_tw"), "zh-Hant-TW");
        for lang in Lang::ALL {
            assert_eq!(lang.dir(), "ltr");
        }
    }

    #[test]
    fn problems_are_summarised_with_their_count() {
        let m = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(problems_summary(&EN, &[]), "");
        assert_eq!(
            problems_summary(&EN, &m(&["Please choose a rating."])),
            "1 problem: Please choose a rating."
        );
        assert_eq!(
            problems_summary(
                &EN,
                &m(&["Please enter your phone number.", "Please enter your name."])
            ),
            "2 problems: Please enter your phone number. Please enter your name."
        );
        assert_eq!(
            problems_summary(&DE, &m(&["a", "b", "c"])),
            "3 Fehler: a b c"
        );
        assert_eq!(
            problems_summary(&FR, &m(&["a", "b"])),
            "2 problèmes\u{a0}: a b"
        );
    }

    #[test]
    fn french_punctuation_never_starts_a_line() {
        // French sets a space before ? ! : ; a plain one lets the mark wrap onto its own line.
        for key in Strings::KEYS {
            let v = FR.get(key).unwrap();
            for mark in [" ?", " !", " :"] {
                assert!(
                    !v.contains(mark),
                    "FR.{key} has a breaking space before {mark:?}: {v}"
                );
            }
        }
    }

    #[test]
    fn owner_overrides_apply_everywhere_then_per_language() {
        let o = |l: &str, k: &str, t: &str| (l.to_owned(), k.to_owned(), t.to_owned());
        let overrides = [
            o("de", "send", "Abschicken"),
            o("*", "send", "Go"),
            o("*", "consent_text", "OK to call."),
            o("fr", "close_label", "Fermer la fenêtre"),
        ];
        let de = Strings::localized(Lang::De, &overrides);
        assert_eq!(
            (de.send, de.consent_text, de.close_label),
            ("Abschicken", "OK to call.", "Schließen")
        );
        let fr = Strings::localized(Lang::Fr, &overrides);
        assert_eq!(
            (fr.send, fr.close_label, fr.launcher_label),
            ("Go", "Fermer la fenêtre", "Nous contacter")
        );
        assert_eq!(Strings::localized(Lang::It, &[]), IT);
    }
    #[test]
    fn overrides_are_leaked_once_per_language_not_once_per_call() {
        let overrides = vec![
            ("*".to_owned(), "send".to_owned(), "Go".to_owned()),
            ("fr".to_owned(), "send".to_owned(), "Envoyer !".to_owned()),
        ];
        // `identify` and `setLocale` ask again and again: the same leaked text comes back.
        let first = Strings::localized(Lang::Fr, &overrides);
        for _ in 0..3 {
            let again = Strings::localized(Lang::Fr, &overrides);
            assert!(std::ptr::eq(first.send, again.send));
        }
        assert_eq!(first.send, "Envoyer !");
        let de = Strings::localized(Lang::De, &overrides);
        assert_eq!(de.send, "Go");
        assert!(std::ptr::eq(
            de.send,
            Strings::localized(Lang::De, &overrides).send
        ));
        // Other overrides are another catalog.
        let other = vec![("*".to_owned(), "send".to_owned(), "Go!".to_owned())];
        assert_eq!(Strings::localized(Lang::De, &other).send, "Go!");
    }

    #[test]
    fn overrides_replace_single_strings() {
        let mut s = *Lang::Fr.strings();
        assert!(s.set("launcher_label", "Une question ?"));
        assert!(!s.set("no_such_key", "x"));
        assert_eq!(s.launcher_label, "Une question ?");
        assert_eq!(s.send, FR.send);
    }

    #[test]
    fn catalog_files_read_back_to_the_same_catalog() {
        for lang in Lang::ALL {
            let text = lang.strings().to_json();
            assert_eq!(
                Strings::from_json(&text).as_ref(),
                Ok(lang.strings()),
                "{lang:?}"
            );
        }
        let fr = FR.to_json();
        assert!(fr.contains(r#""send":"Envoyer""#), "{fr}");
        assert_eq!(
            Strings::from_json(&fr.replacen(r#""send":"#, r#""sent":"#, 1)),
            Err(CatalogError::Unknown("sent".into()))
        );
        assert_eq!(
            Strings::from_json(&fr.replacen(r#""send":"Envoyer","#, "", 1)),
            Err(CatalogError::Missing("send"))
        );
        assert_eq!(Strings::from_json("[]"), Err(CatalogError::NotStrings));
        assert_eq!(
            Strings::from_json(r#"{"send":1}"#),
            Err(CatalogError::Missing("launcher_label"))
        );
        assert!(matches!(
            Strings::from_json("<html>"),
            Err(CatalogError::Json(_))
        ));
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(fill("Ref {ref} / {ref}", &[("ref", "AB")]), "Ref AB / AB");
        assert_eq!(fill("{max} chars", &[("max", "10")]), "10 chars");
    }
}
