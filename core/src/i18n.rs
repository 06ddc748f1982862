//! The translation catalog: one typed `Strings` value per supported language.
//!
//! Every language is a `static` of the same struct, so a language that misses a string does not
//! compile. Owners override single strings by key (`Strings::set`), which is why the fields are
//! `Cow`: the built-in catalog stays borrowed and costs no allocation until an override exists.
use std::borrow::Cow;

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
        candidates
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
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
        #[derive(Clone, Debug, PartialEq)]
        pub struct Strings {
            $( $(#[$doc])* pub $field: Cow<'static, str>, )*
        }

        impl Strings {
            /// The keys owners may override, as they write them in their settings.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Replaces the string named `key`; false when no such key exists.
            pub fn set(&mut self, key: &str, value: impl Into<String>) -> bool {
                match key {
                    $( stringify!($field) => { self.$field = Cow::Owned(value.into()); true } )*
                    _ => false,
                }
            }

            /// The string named `key`, if it exists.
            pub fn get(&self, key: &str) -> Option<&str> {
                match key {
                    $( stringify!($field) => Some(&self.$field), )*
                    _ => None,
                }
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
}

const fn t(s: &'static str) -> Cow<'static, str> {
    Cow::Borrowed(s)
}

/// English.
pub static EN: Strings = Strings {
    launcher_label: t("Contact us"),
    panel_title: t("How can we help?"),
    close_label: t("Close"),
    feedback_tab: t("Give feedback"),
    callback_tab: t("Call me back"),
    csat_question: t("How satisfied are you with your experience?"),
    csat_1: t("Very dissatisfied"),
    csat_2: t("Dissatisfied"),
    csat_3: t("Neither satisfied nor dissatisfied"),
    csat_4: t("Satisfied"),
    csat_5: t("Very satisfied"),
    message_label: t("Your message"),
    optional: t("optional"),
    send: t("Send"),
    sending: t("Sending…"),
    thanks_title: t("Thank you!"),
    thanks_next: t("Your message has reached the shop's team."),
    thanks_reference: t("Your reference: {ref}"),
    send_another: t("Send another message"),
    err_rating_required: t("Please choose a rating."),
    err_message_required: t("Please write a message."),
    err_message_too_long: t("Please keep your message under {max} characters."),
    err_network: t("We couldn't reach the shop. Please check your connection and try again."),
    err_rejected: t("The shop couldn't accept this message: {detail}"),
    err_server: t("Something went wrong on the shop's side. Please try again in a moment."),
    retry: t("Try again"),
    queued_title: t("Saved"),
    queued_body: t("We'll send it as soon as you're back online. You can close this window."),
};

/// French.
pub static FR: Strings = Strings {
    launcher_label: t("Nous contacter"),
    panel_title: t("Comment pouvons-nous vous aider ?"),
    close_label: t("Fermer"),
    feedback_tab: t("Donner votre avis"),
    callback_tab: t("Être rappelé"),
    csat_question: t("Dans quelle mesure êtes-vous satisfait de votre expérience ?"),
    csat_1: t("Très insatisfait"),
    csat_2: t("Insatisfait"),
    csat_3: t("Ni satisfait ni insatisfait"),
    csat_4: t("Satisfait"),
    csat_5: t("Très satisfait"),
    message_label: t("Votre message"),
    optional: t("facultatif"),
    send: t("Envoyer"),
    sending: t("Envoi en cours…"),
    thanks_title: t("Merci !"),
    thanks_next: t("Votre message est bien parvenu à l'équipe de la boutique."),
    thanks_reference: t("Votre référence : {ref}"),
    send_another: t("Envoyer un autre message"),
    err_rating_required: t("Veuillez choisir une note."),
    err_message_required: t("Veuillez écrire un message."),
    err_message_too_long: t("Votre message doit faire moins de {max} caractères."),
    err_network: t("Impossible de joindre la boutique. Vérifiez votre connexion et réessayez."),
    err_rejected: t("La boutique n'a pas pu accepter ce message : {detail}"),
    err_server: t("Un problème est survenu du côté de la boutique. Réessayez dans un instant."),
    retry: t("Réessayer"),
    queued_title: t("Enregistré"),
    queued_body: t("Nous l'enverrons dès que vous serez de nouveau en ligne. Vous pouvez fermer cette fenêtre."),
};

/// German.
pub static DE: Strings = Strings {
    launcher_label: t("Kontakt"),
    panel_title: t("Wie können wir helfen?"),
    close_label: t("Schließen"),
    feedback_tab: t("Feedback geben"),
    callback_tab: t("Rückruf anfordern"),
    csat_question: t("Wie zufrieden sind Sie mit Ihrer Erfahrung?"),
    csat_1: t("Sehr unzufrieden"),
    csat_2: t("Unzufrieden"),
    csat_3: t("Weder zufrieden noch unzufrieden"),
    csat_4: t("Zufrieden"),
    csat_5: t("Sehr zufrieden"),
    message_label: t("Ihre Nachricht"),
    optional: t("optional"),
    send: t("Senden"),
    sending: t("Wird gesendet…"),
    thanks_title: t("Vielen Dank!"),
    thanks_next: t("Ihre Nachricht ist beim Team des Shops angekommen."),
    thanks_reference: t("Ihre Referenz: {ref}"),
    send_another: t("Weitere Nachricht senden"),
    err_rating_required: t("Bitte wählen Sie eine Bewertung."),
    err_message_required: t("Bitte schreiben Sie eine Nachricht."),
    err_message_too_long: t("Bitte fassen Sie sich kürzer als {max} Zeichen."),
    err_network: t("Der Shop ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut."),
    err_rejected: t("Der Shop konnte diese Nachricht nicht annehmen: {detail}"),
    err_server: t("Beim Shop ist ein Fehler aufgetreten. Bitte versuchen Sie es gleich noch einmal."),
    retry: t("Erneut versuchen"),
    queued_title: t("Gespeichert"),
    queued_body: t("Wir senden es, sobald Sie wieder online sind. Sie können dieses Fenster schließen."),
};

/// Spanish.
pub static ES: Strings = Strings {
    launcher_label: t("Contáctenos"),
    panel_title: t("¿Cómo podemos ayudarle?"),
    close_label: t("Cerrar"),
    feedback_tab: t("Dar su opinión"),
    callback_tab: t("Que me llamen"),
    csat_question: t("¿Qué grado de satisfacción tiene con su experiencia?"),
    csat_1: t("Muy insatisfecho"),
    csat_2: t("Insatisfecho"),
    csat_3: t("Ni satisfecho ni insatisfecho"),
    csat_4: t("Satisfecho"),
    csat_5: t("Muy satisfecho"),
    message_label: t("Su mensaje"),
    optional: t("opcional"),
    send: t("Enviar"),
    sending: t("Enviando…"),
    thanks_title: t("¡Gracias!"),
    thanks_next: t("Su mensaje ha llegado al equipo de la tienda."),
    thanks_reference: t("Su referencia: {ref}"),
    send_another: t("Enviar otro mensaje"),
    err_rating_required: t("Elija una valoración."),
    err_message_required: t("Escriba un mensaje."),
    err_message_too_long: t("El mensaje debe tener menos de {max} caracteres."),
    err_network: t(
        "No hemos podido contactar con la tienda. Compruebe su conexión e inténtelo de nuevo.",
    ),
    err_rejected: t("La tienda no ha podido aceptar este mensaje: {detail}"),
    err_server: t("Algo ha fallado en la tienda. Inténtelo de nuevo en un momento."),
    retry: t("Reintentar"),
    queued_title: t("Guardado"),
    queued_body: t("Lo enviaremos en cuanto vuelva a tener conexión. Puede cerrar esta ventana."),
};

/// Italian.
pub static IT: Strings = Strings {
    launcher_label: t("Contattaci"),
    panel_title: t("Come possiamo aiutarti?"),
    close_label: t("Chiudi"),
    feedback_tab: t("Lascia un parere"),
    callback_tab: t("Richiamami"),
    csat_question: t("Quanto sei soddisfatto della tua esperienza?"),
    csat_1: t("Molto insoddisfatto"),
    csat_2: t("Insoddisfatto"),
    csat_3: t("Né soddisfatto né insoddisfatto"),
    csat_4: t("Soddisfatto"),
    csat_5: t("Molto soddisfatto"),
    message_label: t("Il tuo messaggio"),
    optional: t("facoltativo"),
    send: t("Invia"),
    sending: t("Invio in corso…"),
    thanks_title: t("Grazie!"),
    thanks_next: t("Il tuo messaggio è arrivato al team del negozio."),
    thanks_reference: t("Il tuo riferimento: {ref}"),
    send_another: t("Invia un altro messaggio"),
    err_rating_required: t("Scegli una valutazione."),
    err_message_required: t("Scrivi un messaggio."),
    err_message_too_long: t("Il messaggio deve avere meno di {max} caratteri."),
    err_network: t("Impossibile raggiungere il negozio. Controlla la connessione e riprova."),
    err_rejected: t("Il negozio non ha potuto accettare questo messaggio: {detail}"),
    err_server: t("Si è verificato un problema da parte del negozio. Riprova tra un momento."),
    retry: t("Riprova"),
    queued_title: t("Salvato"),
    queued_body: t("Lo invieremo appena sarai di nuovo online. Puoi chiudere questa finestra."),
};

/// Dutch.
pub static NL: Strings = Strings {
    launcher_label: t("Contact"),
    panel_title: t("Waarmee kunnen we helpen?"),
    close_label: t("Sluiten"),
    feedback_tab: t("Feedback geven"),
    callback_tab: t("Bel mij terug"),
    csat_question: t("Hoe tevreden bent u over uw ervaring?"),
    csat_1: t("Zeer ontevreden"),
    csat_2: t("Ontevreden"),
    csat_3: t("Niet tevreden, niet ontevreden"),
    csat_4: t("Tevreden"),
    csat_5: t("Zeer tevreden"),
    message_label: t("Uw bericht"),
    optional: t("optioneel"),
    send: t("Versturen"),
    sending: t("Bezig met versturen…"),
    thanks_title: t("Bedankt!"),
    thanks_next: t("Uw bericht is aangekomen bij het team van de winkel."),
    thanks_reference: t("Uw referentie: {ref}"),
    send_another: t("Nog een bericht sturen"),
    err_rating_required: t("Kies een beoordeling."),
    err_message_required: t("Schrijf een bericht."),
    err_message_too_long: t("Houd uw bericht korter dan {max} tekens."),
    err_network: t(
        "We kunnen de winkel niet bereiken. Controleer uw verbinding en probeer het opnieuw.",
    ),
    err_rejected: t("De winkel kon dit bericht niet aannemen: {detail}"),
    err_server: t("Er ging iets mis bij de winkel. Probeer het zo opnieuw."),
    retry: t("Opnieuw proberen"),
    queued_title: t("Opgeslagen"),
    queued_body: t("We versturen het zodra u weer online bent. U kunt dit venster sluiten."),
};

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
                for ph in ["{ref}", "{max}", "{detail}"] {
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
    fn overrides_replace_single_strings() {
        let mut s = Lang::Fr.strings().clone();
        assert!(s.set("launcher_label", "Une question ?"));
        assert!(!s.set("no_such_key", "x"));
        assert_eq!(s.launcher_label, "Une question ?");
        assert_eq!(s.send, FR.send);
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(fill("Ref {ref} / {ref}", &[("ref", "AB")]), "Ref AB / AB");
        assert_eq!(fill("{max} chars", &[("max", "10")]), "10 chars");
    }
}
