//! The catalog of what the collector writes to visitors: receipts, delay and retry notices,
//! replies, the status page and the unsubscribe page, one typed [`MailStrings`] per language.
//!
//! Beside the widget's [`Strings`](crate::i18n::Strings) and reviewed like them, but its own
//! struct behind the `mail` feature: the widget never shows these, so they never reach its
//! wasm. The sentences about the request itself ("Received — we'll get back to you as
//! promised", a missed call and its retry) are the widget's, so the status page, the emails
//! and the widget's "Your requests" say the same thing in the same words. Owners override
//! single strings by key ([`MailStrings::set`], [`MailStrings::localized`]) as they do the
//! widget's. Placeholders are `{name}`, filled with [`crate::i18n::fill`].
use crate::i18n::Lang;

macro_rules! mail_catalog {
    ($( $(#[$doc:meta])* $field:ident ),* $(,)?) => {
        /// Every string of the visitor's emails and pages in one language.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct MailStrings {
            $( $(#[$doc])* pub $field: String, )*
        }

        impl MailStrings {
            /// The keys owners may override.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Replaces the string named `key`; false when no such key exists.
            pub fn set(&mut self, key: &str, value: impl Into<String>) -> bool {
                match key {
                    $( stringify!($field) => { self.$field = value.into(); true } )*
                    _ => false,
                }
            }

            fn from_static(s: &Static) -> MailStrings {
                MailStrings { $( $field: s.$field.to_owned(), )* }
            }
        }

        /// A built-in catalog (statics cannot hold `String`s).
        struct Static {
            $( $field: &'static str, )*
        }
    };
}

mail_catalog! {
    /// Subject of a receipt; `{ref}`.
    receipt_subject,
    /// First line of a callback's receipt.
    receipt_callback,
    /// First line of a feedback's receipt.
    receipt_feedback,
    /// Label before what the visitor asked (their reason or message).
    label_asked,
    /// Label before the promise exactly as the widget showed it.
    label_promise,
    /// Label before the reference.
    label_reference,
    /// Line before the link to the status page.
    status_link,
    /// Subject of a delay notice; `{ref}`.
    delay_subject,
    /// A delay to a new time; `{new}` and `{old}` (times, or a day and a time).
    delay_body,
    /// A delay with a new time only (no time was promised before); `{new}`.
    delay_body_new,
    /// Subject of a notice after a call that did not reach the visitor; `{ref}`.
    retry_subject,
    /// Subject of the shop's reply; `{ref}`.
    reply_subject,
    /// The footer: why the visitor gets this; `{ref}`.
    footer_why,
    /// The footer's unsubscribe line, before the link.
    footer_unsubscribe,
    /// Title of the status page; `{ref}`.
    page_title,
    /// On the status page: what the visitor asked for, callback.
    page_kind_callback,
    /// On the status page: what the visitor asked for, feedback.
    page_kind_feedback,
    /// On the status page: the shop's message, as a label.
    page_message,
    /// The status page's link to stop emails.
    page_unsubscribe,
    /// The status page when the token or the id is wrong.
    page_unknown,
    /// Title of the unsubscribe page.
    unsubscribe_title,
    /// The question on the unsubscribe page; `{ref}`.
    unsubscribe_question,
    /// Its button.
    unsubscribe_button,
    /// After unsubscribing; `{ref}`.
    unsubscribe_done,
}

impl MailStrings {
    /// `lang`'s built-in catalog.
    pub fn of(lang: Lang) -> MailStrings {
        MailStrings::from_static(match lang {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::De => &DE,
            Lang::Es => &ES,
            Lang::It => &IT,
            Lang::Nl => &NL,
        })
    }

    /// `lang`'s catalog with the owner's `overrides` (language code or `*`, key, text), first
    /// those for every language, then `lang`'s own, like the widget's
    /// [`Strings::localized`](crate::i18n::Strings::localized). Unknown keys are ignored here:
    /// the collector refuses them at start.
    pub fn localized(lang: Lang, overrides: &[(String, String, String)]) -> MailStrings {
        let mut strings = MailStrings::of(lang);
        for scope in ["*", lang.code()] {
            for (_, key, text) in overrides.iter().filter(|(l, ..)| l == scope) {
                strings.set(key, text.clone());
            }
        }
        strings
    }
}

static EN: Static = Static {
    receipt_subject: "We received your request {ref}",
    receipt_callback: "Thank you: we received your request to be called back.",
    receipt_feedback: "Thank you: we received your message.",
    label_asked: "You asked",
    label_promise: "Our promise",
    label_reference: "Your reference",
    status_link: "See where your request stands at any time:",
    delay_subject: "We're running late ({ref})",
    delay_body: "We're running late: we'll call you at {new} instead of {old}. Sorry.",
    delay_body_new: "We're running late: we'll call you at {new}. Sorry.",
    retry_subject: "We couldn't reach you ({ref})",
    reply_subject: "Re: your request {ref}",
    footer_why: "You get this email because you left your address with your request {ref}.",
    footer_unsubscribe: "No more emails about this request:",
    page_title: "Your request {ref}",
    page_kind_callback: "Your call-back request",
    page_kind_feedback: "Your message",
    page_message: "Message from the shop",
    page_unsubscribe: "Stop emails about this request",
    page_unknown: "We can't find this request. Please check the link in your email.",
    unsubscribe_title: "No more emails",
    unsubscribe_question: "Stop all emails about your request {ref}?",
    unsubscribe_button: "Stop the emails",
    unsubscribe_done: "Done: we won't email you about your request {ref} any more.",
};

static FR: Static = Static {
    receipt_subject: "Nous avons bien reçu votre demande {ref}",
    receipt_callback: "Merci : nous avons bien reçu votre demande de rappel.",
    receipt_feedback: "Merci : nous avons bien reçu votre message.",
    label_asked: "Votre demande",
    label_promise: "Notre engagement",
    label_reference: "Votre référence",
    status_link: "Suivez où en est votre demande à tout moment :",
    delay_subject: "Nous avons du retard ({ref})",
    delay_body:
        "Nous avons du retard : nous vous appellerons à {new} au lieu de {old}. Toutes nos excuses.",
    delay_body_new: "Nous avons du retard : nous vous appellerons à {new}. Toutes nos excuses.",
    retry_subject: "Nous n'avons pas pu vous joindre ({ref})",
    reply_subject: "Re : votre demande {ref}",
    footer_why:
        "Vous recevez cet e-mail parce que vous avez laissé votre adresse avec votre demande {ref}.",
    footer_unsubscribe: "Ne plus recevoir d'e-mails sur cette demande :",
    page_title: "Votre demande {ref}",
    page_kind_callback: "Votre demande de rappel",
    page_kind_feedback: "Votre message",
    page_message: "Message de la boutique",
    page_unsubscribe: "Ne plus recevoir d'e-mails sur cette demande",
    page_unknown: "Nous ne trouvons pas cette demande. Vérifiez le lien de votre e-mail.",
    unsubscribe_title: "Plus d'e-mails",
    unsubscribe_question: "Ne plus recevoir aucun e-mail sur votre demande {ref} ?",
    unsubscribe_button: "Arrêter les e-mails",
    unsubscribe_done: "C'est fait : nous ne vous écrirons plus au sujet de votre demande {ref}.",
};

static DE: Static = Static {
    receipt_subject: "Wir haben Ihre Anfrage {ref} erhalten",
    receipt_callback: "Danke: Wir haben Ihre Rückrufbitte erhalten.",
    receipt_feedback: "Danke: Wir haben Ihre Nachricht erhalten.",
    label_asked: "Ihr Anliegen",
    label_promise: "Unsere Zusage",
    label_reference: "Ihre Referenz",
    status_link: "Hier sehen Sie jederzeit, wie es um Ihre Anfrage steht:",
    delay_subject: "Wir sind spät dran ({ref})",
    delay_body: "Wir sind spät dran: Wir rufen Sie um {new} statt um {old} an. Entschuldigung.",
    delay_body_new: "Wir sind spät dran: Wir rufen Sie um {new} an. Entschuldigung.",
    retry_subject: "Wir haben Sie nicht erreicht ({ref})",
    reply_subject: "Re: Ihre Anfrage {ref}",
    footer_why:
        "Sie erhalten diese E-Mail, weil Sie bei Ihrer Anfrage {ref} Ihre Adresse angegeben haben.",
    footer_unsubscribe: "Keine E-Mails mehr zu dieser Anfrage:",
    page_title: "Ihre Anfrage {ref}",
    page_kind_callback: "Ihre Rückrufbitte",
    page_kind_feedback: "Ihre Nachricht",
    page_message: "Nachricht des Geschäfts",
    page_unsubscribe: "Keine E-Mails mehr zu dieser Anfrage",
    page_unknown: "Wir finden diese Anfrage nicht. Bitte prüfen Sie den Link in Ihrer E-Mail.",
    unsubscribe_title: "Keine E-Mails mehr",
    unsubscribe_question: "Alle E-Mails zu Ihrer Anfrage {ref} abbestellen?",
    unsubscribe_button: "E-Mails abbestellen",
    unsubscribe_done: "Erledigt: Wir schreiben Ihnen zu Ihrer Anfrage {ref} nicht mehr.",
};

static ES: Static = Static {
    receipt_subject: "Hemos recibido su solicitud {ref}",
    receipt_callback: "Gracias: hemos recibido su solicitud de llamada.",
    receipt_feedback: "Gracias: hemos recibido su mensaje.",
    label_asked: "Su solicitud",
    label_promise: "Nuestro compromiso",
    label_reference: "Su referencia",
    status_link: "Consulte en cualquier momento cómo va su solicitud:",
    delay_subject: "Vamos con retraso ({ref})",
    delay_body:
        "Vamos con retraso: le llamaremos a las {new} en lugar de a las {old}. Lo sentimos.",
    delay_body_new: "Vamos con retraso: le llamaremos a las {new}. Lo sentimos.",
    retry_subject: "No hemos podido localizarle ({ref})",
    reply_subject: "Re: su solicitud {ref}",
    footer_why: "Recibe este correo porque dejó su dirección con su solicitud {ref}.",
    footer_unsubscribe: "No recibir más correos sobre esta solicitud:",
    page_title: "Su solicitud {ref}",
    page_kind_callback: "Su solicitud de llamada",
    page_kind_feedback: "Su mensaje",
    page_message: "Mensaje de la tienda",
    page_unsubscribe: "No recibir más correos sobre esta solicitud",
    page_unknown: "No encontramos esta solicitud. Compruebe el enlace de su correo.",
    unsubscribe_title: "No más correos",
    unsubscribe_question: "¿Dejar de recibir correos sobre su solicitud {ref}?",
    unsubscribe_button: "Dejar de recibir correos",
    unsubscribe_done: "Hecho: no le escribiremos más sobre su solicitud {ref}.",
};

static IT: Static = Static {
    receipt_subject: "Abbiamo ricevuto la tua richiesta {ref}",
    receipt_callback: "Grazie: abbiamo ricevuto la tua richiesta di essere richiamato.",
    receipt_feedback: "Grazie: abbiamo ricevuto il tuo messaggio.",
    label_asked: "La tua richiesta",
    label_promise: "Il nostro impegno",
    label_reference: "Il tuo riferimento",
    status_link: "Controlla in qualsiasi momento a che punto è la tua richiesta:",
    delay_subject: "Siamo in ritardo ({ref})",
    delay_body: "Siamo in ritardo: ti chiameremo alle {new} invece che alle {old}. Ci scusiamo.",
    delay_body_new: "Siamo in ritardo: ti chiameremo alle {new}. Ci scusiamo.",
    retry_subject: "Non siamo riusciti a raggiungerti ({ref})",
    reply_subject: "Re: la tua richiesta {ref}",
    footer_why: "Ricevi questa email perché hai lasciato il tuo indirizzo con la richiesta {ref}.",
    footer_unsubscribe: "Non ricevere più email su questa richiesta:",
    page_title: "La tua richiesta {ref}",
    page_kind_callback: "La tua richiesta di richiamata",
    page_kind_feedback: "Il tuo messaggio",
    page_message: "Messaggio del negozio",
    page_unsubscribe: "Non ricevere più email su questa richiesta",
    page_unknown: "Non troviamo questa richiesta. Controlla il link nella tua email.",
    unsubscribe_title: "Niente più email",
    unsubscribe_question: "Non ricevere più email sulla tua richiesta {ref}?",
    unsubscribe_button: "Interrompi le email",
    unsubscribe_done: "Fatto: non ti scriveremo più sulla tua richiesta {ref}.",
};

static NL: Static = Static {
    receipt_subject: "We hebben uw aanvraag {ref} ontvangen",
    receipt_callback: "Dank u: we hebben uw terugbelverzoek ontvangen.",
    receipt_feedback: "Dank u: we hebben uw bericht ontvangen.",
    label_asked: "Uw vraag",
    label_promise: "Onze toezegging",
    label_reference: "Uw referentie",
    status_link: "Bekijk op elk moment hoe het met uw aanvraag staat:",
    delay_subject: "We lopen uit ({ref})",
    delay_body: "We lopen uit: we bellen u om {new} in plaats van om {old}. Excuses.",
    delay_body_new: "We lopen uit: we bellen u om {new}. Excuses.",
    retry_subject: "We konden u niet bereiken ({ref})",
    reply_subject: "Re: uw aanvraag {ref}",
    footer_why: "U krijgt deze e-mail omdat u uw adres hebt achtergelaten bij uw aanvraag {ref}.",
    footer_unsubscribe: "Geen e-mails meer over deze aanvraag:",
    page_title: "Uw aanvraag {ref}",
    page_kind_callback: "Uw terugbelverzoek",
    page_kind_feedback: "Uw bericht",
    page_message: "Bericht van de winkel",
    page_unsubscribe: "Geen e-mails meer over deze aanvraag",
    page_unknown: "We kunnen deze aanvraag niet vinden. Controleer de link in uw e-mail.",
    unsubscribe_title: "Geen e-mails meer",
    unsubscribe_question: "Geen e-mails meer ontvangen over uw aanvraag {ref}?",
    unsubscribe_button: "E-mails stoppen",
    unsubscribe_done: "Klaar: we mailen u niet meer over uw aanvraag {ref}.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_fills_every_placeholder_it_is_given() {
        for lang in Lang::ALL {
            let s = MailStrings::of(lang);
            for (name, text) in [
                ("receipt_subject", &s.receipt_subject),
                ("delay_subject", &s.delay_subject),
                ("retry_subject", &s.retry_subject),
                ("reply_subject", &s.reply_subject),
                ("footer_why", &s.footer_why),
                ("page_title", &s.page_title),
                ("unsubscribe_done", &s.unsubscribe_done),
            ] {
                assert!(text.contains("{ref}"), "{lang:?} {name}");
            }
            assert!(s.delay_body.contains("{new}") && s.delay_body.contains("{old}"));
            assert!(s.delay_body_new.contains("{new}"), "{lang:?}");
        }
    }

    #[test]
    fn overrides_apply_everywhere_then_per_language() {
        let overrides = [
            (
                "*".to_owned(),
                "label_promise".to_owned(),
                "Promise".to_owned(),
            ),
            (
                "fr".to_owned(),
                "label_promise".to_owned(),
                "Promesse".to_owned(),
            ),
            ("*".to_owned(), "no_such_key".to_owned(), "x".to_owned()),
        ];
        assert_eq!(
            MailStrings::localized(Lang::Fr, &overrides).label_promise,
            "Promesse"
        );
        assert_eq!(
            MailStrings::localized(Lang::De, &overrides).label_promise,
            "Promise"
        );
        assert!(MailStrings::KEYS.contains(&"delay_body"));
        assert!(!MailStrings::of(Lang::En).set("no_such_key", "x"));
    }
}
