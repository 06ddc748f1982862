//! What the status endpoint says to the visitor about a missed call, in their language.
//!
//! The sentences and the rules choosing them are the widget's own (`allo_core::status`), so
//! the endpoint and the widget never disagree; only the filling differs. The widget shows
//! times in the visitor's zone through `Intl`; the server knows the shop's zone only (the
//! submission's `callback.timezone`), so that is the one named here, 24-hour `HH:MM` as all
//! six languages read it, weekdays from the small table below, farther dates as
//! `YYYY-MM-DD`.
use allo_core::i18n::Lang;
use allo_core::promise::{say, Fill};
use allo_core::status::{MissedCall, RequestStatus, Status};

use crate::owner_zone::Zone;

/// Weekday names, Monday first, per language (the server has no `Intl`).
fn weekdays(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
        Lang::Fr => [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        Lang::De => [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
        Lang::Es => [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
        Lang::It => [
            "lunedì",
            "martedì",
            "mercoledì",
            "giovedì",
            "venerdì",
            "sabato",
            "domenica",
        ],
        Lang::Nl => [
            "maandag",
            "dinsdag",
            "woensdag",
            "donderdag",
            "vrijdag",
            "zaterdag",
            "zondag",
        ],
    }
}

/// An instant as the visitor reads it: `HH:MM` in `zone`, weekdays in `lang`, dates as
/// `YYYY-MM-DD`.
pub fn show(f: Fill, lang: Lang, zone: &Zone) -> String {
    let at = |ms: i64, pattern: &str| {
        zone.at_ms(ms)
            .map(|z| z.strftime(pattern).to_string())
            .unwrap_or_default()
    };
    match f {
        Fill::Number(n) => n.to_string(),
        Fill::Time(ms) => at(ms, "%H:%M"),
        Fill::Weekday(ms) => zone
            .at_ms(ms)
            .map(|z| {
                let monday_first = z.weekday().to_monday_zero_offset();
                weekdays(lang)[usize::try_from(monday_first).unwrap_or(0) % 7].to_owned()
            })
            .unwrap_or_default(),
        Fill::Date(ms) => at(ms, "%Y-%m-%d"),
    }
}

/// A promised time in a sentence ("we'll call you at …"): `15:30` on the day of `now`, else
/// `09:00 (Wednesday)` within the week, else `09:00 (2026-12-24)`.
pub fn moment(ts: &str, now: &str, lang: Lang, zone: &Zone) -> String {
    let (Some(ms), Some(now_ms)) = (
        crate::time::parse_millis(ts).map(|m| m as i64),
        crate::time::parse_millis(now).map(|m| m as i64),
    ) else {
        return ts.to_owned();
    };
    let time = show(Fill::Time(ms), lang, zone);
    let day = |ms: i64| show(Fill::Date(ms), lang, zone);
    if day(ms) == day(now_ms) {
        return time;
    }
    let within_week = ms > now_ms && ms - now_ms < 6 * 24 * 3_600_000;
    let when = if within_week {
        show(Fill::Weekday(ms), lang, zone)
    } else {
        day(ms)
    };
    format!("{time} ({when})")
}

/// The shop's zone for a record's times: the one the widget named, else the owner's.
pub fn shop_zone(record: &crate::store::Record, owner: &Zone) -> Zone {
    record
        .callback_timezone
        .as_deref()
        .and_then(|name| Zone::named(name).ok())
        .unwrap_or_else(|| owner.clone())
}

/// The sentences about `missed` at `now`, in `lang`, times and days in `zone`.
pub fn missed_call(missed: &MissedCall, lang: Lang, now: &str, zone: &Zone) -> String {
    let status = RequestStatus {
        stage: Status::Scheduled,
        message: None,
        promise_text: None,
        due_by: None,
        overdue: false,
        missed: Some(missed.clone()),
        answered_at: None,
    };
    let strings = lang.strings();
    status
        .missed_wordings(now, zone)
        .iter()
        .map(|w| say(strings, w, &|f| show(f, lang, zone)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// "We answered you by email on 2026-11-24 15:02." (the widget's sentence), in `zone`.
pub fn answered(at: &str, lang: Lang, zone: &Zone) -> String {
    let when = crate::time::parse_millis(at)
        .map(|ms| {
            let ms = ms as i64;
            format!(
                "{} {}",
                show(Fill::Date(ms), lang, zone),
                show(Fill::Time(ms), lang, zone)
            )
        })
        .unwrap_or_else(|| at.to_owned());
    allo_core::i18n::fill(lang.strings().status_answered, &[("date", &when)])
}

/// The headline and detail line the widget's "Your requests" shows for `status`, in `lang`,
/// times in `zone`: the same function the widget calls, so the page and the widget agree.
pub fn describe(
    status: &RequestStatus,
    lang: Lang,
    now: &str,
    zone: &Zone,
) -> (String, Option<String>) {
    status.describe(lang.strings(), now, zone, &|f| show(f, lang, zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use allo_core::status::Next;

    fn missed(retry: Option<&str>, next: Next) -> MissedCall {
        MissedCall {
            tried_at: "2026-11-24T09:05:00.000Z".into(),
            wrong_number: false,
            retry_at: retry.map(str::to_owned),
            next,
        }
    }

    #[test]
    fn the_visitor_reads_it_in_their_language_and_the_shops_time() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let now = "2026-11-24T09:10:00.000Z";
        let m = missed(Some("2026-11-24T09:35:00.000Z"), Next::Call);
        let cases = [
            (
                Lang::En,
                "We tried to call you at 10:05 but couldn't reach you. We'll try again around 10:35.",
            ),
            (
                Lang::Fr,
                "Nous avons essayé de vous appeler à 10:05, sans réussir à vous joindre. Nous réessaierons vers 10:35.",
            ),
            (
                Lang::De,
                "Wir haben versucht, Sie um 10:05 anzurufen, Sie aber nicht erreicht. Wir versuchen es gegen 10:35 erneut.",
            ),
            (
                Lang::Es,
                "Intentamos llamarle a las 10:05, pero no pudimos localizarle. Volveremos a intentarlo hacia las 10:35.",
            ),
            (
                Lang::It,
                "Abbiamo provato a chiamarti alle 10:05, ma non siamo riusciti a raggiungerti. Riproveremo verso le 10:35.",
            ),
            (
                Lang::Nl,
                "We hebben geprobeerd u om 10:05 te bellen, maar konden u niet bereiken. We proberen het rond 10:35 opnieuw.",
            ),
        ];
        for (lang, want) in cases {
            assert_eq!(missed_call(&m, lang, now, &paris), want, "{lang:?}");
        }
    }

    #[test]
    fn later_days_and_other_channels() {
        let paris = Zone::named("Europe/Paris").unwrap();
        // Tuesday evening in Paris; the retry on Thursday at 09:00.
        let now = "2026-11-24T18:00:00.000Z";
        let m = missed(Some("2026-11-26T08:00:00.000Z"), Next::Call);
        assert!(
            missed_call(&m, Lang::Fr, now, &paris).ends_with("Nous réessaierons jeudi vers 09:00."),
            "{}",
            missed_call(&m, Lang::Fr, now, &paris)
        );
        let m = missed(Some("2026-11-25T08:00:00.000Z"), Next::Call);
        assert!(missed_call(&m, Lang::En, now, &paris)
            .ends_with("We'll try again tomorrow around 09:00."));
        let m = missed(None, Next::Email);
        assert!(missed_call(&m, Lang::De, now, &paris)
            .ends_with("Wir schreiben Ihnen stattdessen eine E-Mail."));
        // The retry time passed: only what happened, no stale promise.
        let m = missed(Some("2026-11-24T09:35:00.000Z"), Next::Call);
        assert_eq!(
            missed_call(&m, Lang::En, now, &paris),
            "We tried to call you at 10:05 but couldn't reach you."
        );
    }
}
