//! The translation catalog: one typed `Strings` value per supported language.
//!
//! Every language is a `static` of the same struct, so a language that misses a string does not
//! compile. Owners override single strings by key (`Strings::set`); the fields are plain
//! `&'static str` so a `Strings` is `Copy` (see `leak` for what that saves and what it costs).

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
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct Strings {
            $( $(#[$doc])* pub $field: &'static str, )*
        }

        const COUNT: usize = [$(stringify!($field)),*].len();

        // `set` and `get` find the key's position in KEYS, then index the fields in the same
        // order: one loop instead of a match with a string comparison per key, which cost
        // ~8 KB of wasm code for `set` alone.
        impl Strings {
            /// The keys owners may override, as they write them in their settings.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn slots(&mut self) -> [&mut &'static str; COUNT] {
                [$(&mut self.$field),*]
            }

            fn values(&self) -> [&'static str; COUNT] {
                [$(self.$field),*]
            }

            /// Replaces the string named `key`; false when no such key exists.
            pub fn set(&mut self, key: &str, value: impl Into<String>) -> bool {
                match Self::KEYS.iter().position(|k| *k == key) {
                    Some(i) => {
                        *self.slots()[i] = leak(value.into());
                        true
                    }
                    None => false,
                }
            }

            /// The string named `key`, if it exists.
            pub fn get(&self, key: &str) -> Option<&str> {
                Self::KEYS.iter().position(|k| *k == key).map(|i| self.values()[i])
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
    err_message_too_long: t("Please keep your message to {max} characters or fewer."),
    err_network: t("We couldn't reach the shop. Please check your connection and try again."),
    err_rejected: t("The shop couldn't accept this message: {detail}"),
    err_server: t("Something went wrong on the shop's side. Please try again in a moment."),
    retry: t("Try again"),
    queued_title: t("Saved"),
    queued_body: t("We'll send it as soon as you're back online. You can close this window."),
    status_show: t("Show me the status"),
    status_title: t("Your requests"),
    status_received: t("Received — we'll get back to you as promised."),
    status_scheduled: t("Scheduled — your call is planned."),
    status_called_back: t("We've called you."),
    status_handled: t("Done — thank you!"),
    status_delayed: t("Running late"),
    status_overdue: t("We haven't managed to call you yet — we're sorry."),
    status_unavailable: t("We couldn't load the status just now."),
    status_loading: t("Loading…"),
    status_tried: t("We tried to call you at {time} but couldn't reach you."),
    status_wrong_number: t("We tried to call you at {time}, but the number didn't work."),
    status_retry_today: t("We'll try again around {time}."),
    status_retry_tomorrow: t("We'll try again tomorrow around {time}."),
    status_retry_day: t("We'll try again on {day} around {time}."),
    status_by_email: t("We'll write to you by email instead."),
    status_ask_again: t("If you still need us, please send a new request."),
    status_answered: t("We answered you by email on {date}."),
    callback_email_hint: t("So we can tell you if we're running late."),
    kind_feedback: t("Your message"),
    kind_callback: t("Your call-back request"),
    nps_question: t("How likely are you to recommend us to a friend or colleague?"),
    nps_low: t("Not at all likely"),
    nps_high: t("Extremely likely"),
    nps_option: t("{n} out of 10"),
    ces_question: t("The shop made it easy for me to do what I wanted."),
    ces_1: t("Strongly disagree"),
    ces_2: t("Disagree"),
    ces_3: t("Somewhat disagree"),
    ces_4: t("Neither agree nor disagree"),
    ces_5: t("Somewhat agree"),
    ces_6: t("Agree"),
    ces_7: t("Strongly agree"),
    followup_low: t("What went wrong?"),
    followup_neutral: t("What could we do better?"),
    followup_high: t("What did we do well?"),
    offer_callback: t("Would you like us to call you?"),
    offer_callback_button: t("Yes, call me back"),
    category_label: t("Topic"),
    category_none: t("Choose a topic"),
    cat_problem: t("A problem"),
    cat_idea: t("An idea"),
    cat_praise: t("Praise"),
    cat_question: t("A question"),
    cat_other: t("Something else"),
    chars_left: t("{n} characters left"),
    name_label: t("Your name"),
    email_label: t("Your email"),
    remember_me: t("Remember me on this device"),
    greeting: t("Welcome back, {name}!"),
    err_name_required: t("Please enter your name."),
    err_name_too_long: t("Please keep your name to {max} characters or fewer."),
    err_email_required: t("Please enter your email address."),
    err_email_invalid: t("Please enter a valid email address, like name@example.com."),
    phone_label: t("Phone number"),
    country_label: t("Country"),
    reason_label: t("What is it about?"),
    urgent_label: t("It's urgent"),
    when_label: t("When should we call?"),
    when_asap: t("As soon as possible"),
    when_slot: t("At a time that suits me"),
    slot_label: t("Choose a time"),
    slot_none: t("No times are available in the next days."),
    consent_text: t(
        "I agree that the shop may call me about this request and keep my number for that purpose.",
    ),
    privacy_link: t("Privacy policy"),
    callback_send: t("Call me back"),
    callback_thanks_title: t("Request received"),
    err_phone_required: t("Please enter your phone number."),
    err_phone_invalid: t(
        "This doesn't look like a phone number. Check the digits and the country.",
    ),
    err_slot_required: t("Please choose a time."),
    err_consent_required: t("Please tick the box so that we may call you."),
    err_reason_too_long: t("Please keep this to {max} characters or fewer."),
    err_too_fast: t("That was very fast. Please check your details and send again."),
    err_cooldown: t("You've just sent a request. You can send another in {minutes} min."),
    err_duplicate: t("We already have your request — we'll call you as promised."),
    promise_open: t("We'll call you within {minutes} minutes."),
    promise_closed_today: t("We're closed right now. We'll call you today from {time}."),
    promise_closed_tomorrow: t("We're closed right now. We'll call you tomorrow from {time}."),
    promise_closed_day: t("We're closed right now. We'll call you on {day} from {time}."),
    promise_closing_today: t("We're closing soon, so we'll call you today from {time}."),
    promise_closing_tomorrow: t("We're closing soon, so we'll call you tomorrow from {time}."),
    promise_closing_day: t("We're closing soon, so we'll call you on {day} from {time}."),
    promise_slot: t("We'll call you on {date} between {from} and {to}."),
    promise_no_hours: t("We'll call you back as soon as we can."),
    problems_one: t("1 problem: {list}"),
    problems_many: t("{n} problems: {list}"),
    // Prompts (issue 21).
    prompt_dismiss: t("No thanks"),
    prompt_announce: t("A quick question:"),
    prompt_callback: t("Call me back"),
};

/// French.
pub static FR: Strings = Strings {
    launcher_label: t("Nous contacter"),
    panel_title: t("Comment pouvons-nous vous aider\u{a0}?"),
    close_label: t("Fermer"),
    feedback_tab: t("Donner mon avis"),
    callback_tab: t("Demander un rappel"),
    csat_question: t("Dans quelle mesure êtes-vous satisfait de votre expérience\u{a0}?"),
    csat_1: t("Très insatisfait"),
    csat_2: t("Insatisfait"),
    csat_3: t("Ni satisfait ni insatisfait"),
    csat_4: t("Satisfait"),
    csat_5: t("Très satisfait"),
    message_label: t("Votre message"),
    optional: t("facultatif"),
    send: t("Envoyer"),
    sending: t("Envoi en cours…"),
    thanks_title: t("Merci\u{a0}!"),
    thanks_next: t("Votre message est bien parvenu à l'équipe de la boutique."),
    thanks_reference: t("Votre référence\u{a0}: {ref}"),
    send_another: t("Envoyer un autre message"),
    err_rating_required: t("Veuillez choisir une note."),
    err_message_required: t("Veuillez écrire un message."),
    err_message_too_long: t("Votre message ne doit pas dépasser {max} caractères."),
    err_network: t("Impossible de joindre la boutique. Vérifiez votre connexion et réessayez."),
    err_rejected: t("La boutique n'a pas pu accepter ce message\u{a0}: {detail}"),
    err_server: t("Un problème est survenu du côté de la boutique. Réessayez dans un instant."),
    retry: t("Réessayer"),
    queued_title: t("Enregistré"),
    queued_body: t("Nous l'enverrons dès que vous serez de nouveau en ligne. Vous pouvez fermer cette fenêtre."),
    status_show: t("Voir où en est ma demande"),
    status_title: t("Vos demandes"),
    status_received: t("Reçue — nous revenons vers vous comme promis."),
    status_scheduled: t("Planifiée — votre appel est prévu."),
    status_called_back: t("Nous vous avons appelé."),
    status_handled: t("Traitée — merci\u{a0}!"),
    status_delayed: t("Nous avons du retard"),
    status_overdue: t("Nous n'avons pas encore réussi à vous appeler — nous en sommes désolés."),
    status_unavailable: t("Impossible de charger le statut pour le moment."),
    status_loading: t("Chargement…"),
    status_tried: t("Nous avons essayé de vous appeler à {time}, sans réussir à vous joindre."),
    status_wrong_number: t("Nous avons essayé de vous appeler à {time}, mais le numéro ne fonctionne pas."),
    status_retry_today: t("Nous réessaierons vers {time}."),
    status_retry_tomorrow: t("Nous réessaierons demain vers {time}."),
    status_retry_day: t("Nous réessaierons {day} vers {time}."),
    status_by_email: t("Nous vous écrirons plutôt par e-mail."),
    status_ask_again: t("Si vous avez toujours besoin de nous, envoyez-nous une nouvelle demande."),
    status_answered: t("Nous vous avons répondu par e-mail le {date}."),
    callback_email_hint: t("Pour vous prévenir si nous avons du retard."),
    kind_feedback: t("Votre message"),
    kind_callback: t("Votre demande de rappel"),
    nps_question: t("Quelle est la probabilité que vous recommandiez notre boutique à un ami ou à un collègue\u{a0}?"),
    nps_low: t("Pas du tout probable"),
    nps_high: t("Très probable"),
    nps_option: t("{n} sur 10"),
    ces_question: t("La boutique m'a permis de faire facilement ce que je voulais."),
    ces_1: t("Pas du tout d'accord"),
    ces_2: t("Pas d'accord"),
    ces_3: t("Plutôt pas d'accord"),
    ces_4: t("Ni d'accord ni pas d'accord"),
    ces_5: t("Plutôt d'accord"),
    ces_6: t("D'accord"),
    ces_7: t("Tout à fait d'accord"),
    followup_low: t("Qu'est-ce qui n'a pas fonctionné\u{a0}?"),
    followup_neutral: t("Que pourrions-nous améliorer\u{a0}?"),
    followup_high: t("Qu'avons-nous bien fait\u{a0}?"),
    offer_callback: t("Voulez-vous que nous vous appelions\u{a0}?"),
    offer_callback_button: t("Oui, rappelez-moi"),
    category_label: t("Sujet"),
    category_none: t("Choisissez un sujet"),
    cat_problem: t("Un problème"),
    cat_idea: t("Une idée"),
    cat_praise: t("Un compliment"),
    cat_question: t("Une question"),
    cat_other: t("Autre chose"),
    chars_left: t("{n} caractères restants"),
    name_label: t("Votre nom"),
    email_label: t("Votre adresse e-mail"),
    remember_me: t("Se souvenir de moi sur cet appareil"),
    greeting: t("Ravis de vous revoir, {name}\u{a0}!"),
    err_name_required: t("Veuillez indiquer votre nom."),
    err_name_too_long: t("Votre nom ne doit pas dépasser {max} caractères."),
    err_email_required: t("Veuillez indiquer votre adresse e-mail."),
    err_email_invalid: t("Veuillez saisir une adresse e-mail valide, par exemple nom@exemple.fr."),
    phone_label: t("Numéro de téléphone"),
    country_label: t("Pays"),
    reason_label: t("À quel sujet\u{a0}?"),
    urgent_label: t("C'est urgent"),
    when_label: t("Quand pouvons-nous vous appeler\u{a0}?"),
    when_asap: t("Dès que possible"),
    when_slot: t("À l'heure de mon choix"),
    slot_label: t("Choisissez un créneau"),
    slot_none: t("Aucun créneau n'est disponible dans les prochains jours."),
    consent_text: t("J'accepte que la boutique m'appelle au sujet de cette demande et conserve mon numéro à cette fin."),
    privacy_link: t("Politique de confidentialité"),
    callback_send: t("Rappelez-moi"),
    callback_thanks_title: t("Demande reçue"),
    err_phone_required: t("Veuillez indiquer votre numéro de téléphone."),
    err_phone_invalid: t("Ce numéro ne semble pas valide. Vérifiez les chiffres et le pays."),
    err_slot_required: t("Veuillez choisir un créneau."),
    err_consent_required: t("Veuillez cocher la case pour que nous puissions vous appeler."),
    err_reason_too_long: t("Merci de ne pas dépasser {max} caractères."),
    err_too_fast: t("C'était très rapide. Vérifiez vos informations, puis envoyez à nouveau."),
    err_cooldown: t("Vous venez d'envoyer une demande. Vous pourrez en envoyer une autre dans {minutes} min."),
    err_duplicate: t("Nous avons déjà votre demande — nous vous appellerons comme promis."),
    promise_open: t("Nous vous appellerons dans les {minutes} minutes."),
    promise_closed_today: t(
        "Nous sommes fermés pour le moment. Nous vous appellerons aujourd'hui à partir de {time}.",
    ),
    promise_closed_tomorrow: t(
        "Nous sommes fermés pour le moment. Nous vous appellerons demain à partir de {time}.",
    ),
    promise_closed_day: t(
        "Nous sommes fermés pour le moment. Nous vous appellerons {day} à partir de {time}.",
    ),
    promise_closing_today: t(
        "Nous fermons bientôt, nous vous appellerons donc aujourd'hui à partir de {time}.",
    ),
    promise_closing_tomorrow: t(
        "Nous fermons bientôt, nous vous appellerons donc demain à partir de {time}.",
    ),
    promise_closing_day: t(
        "Nous fermons bientôt, nous vous appellerons donc {day} à partir de {time}.",
    ),
    promise_slot: t("Nous vous appellerons le {date} entre {from} et {to}."),
    promise_no_hours: t("Nous vous rappellerons dès que possible."),
    problems_one: t("1 problème\u{a0}: {list}"),
    problems_many: t("{n} problèmes\u{a0}: {list}"),
    // Prompts (issue 21).
    prompt_dismiss: t("Non merci"),
    prompt_announce: t("Une petite question\u{a0}:"),
    prompt_callback: t("Être rappelé"),
};

/// German.
pub static DE: Strings = Strings {
    launcher_label: t("Kontakt"),
    panel_title: t("Wie können wir helfen?"),
    close_label: t("Schließen"),
    feedback_tab: t("Feedback geben"),
    callback_tab: t("Rückruf anfordern"),
    csat_question: t("Wie zufrieden sind Sie insgesamt?"),
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
    thanks_reference: t("Ihre Referenznummer: {ref}"),
    send_another: t("Weitere Nachricht senden"),
    err_rating_required: t("Bitte wählen Sie eine Bewertung."),
    err_message_required: t("Bitte schreiben Sie eine Nachricht."),
    err_message_too_long: t("Ihre Nachricht darf höchstens {max} Zeichen lang sein."),
    err_network: t("Der Shop ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut."),
    err_rejected: t("Der Shop konnte diese Nachricht nicht annehmen: {detail}"),
    err_server: t("Beim Shop ist ein Fehler aufgetreten. Bitte versuchen Sie es gleich noch einmal."),
    retry: t("Erneut versuchen"),
    queued_title: t("Gespeichert"),
    queued_body: t("Wir senden alles ab, sobald Sie wieder online sind. Sie können dieses Fenster schließen."),
    status_show: t("Status anzeigen"),
    status_title: t("Ihre Anfragen"),
    status_received: t("Eingegangen — wir melden uns wie versprochen."),
    status_scheduled: t("Geplant — Ihr Anruf ist eingeplant."),
    status_called_back: t("Wir haben Sie angerufen."),
    status_handled: t("Erledigt — vielen Dank!"),
    status_delayed: t("Wir sind spät dran"),
    status_overdue: t("Wir haben es noch nicht geschafft, Sie anzurufen — das tut uns leid."),
    status_unavailable: t("Der Status konnte gerade nicht geladen werden."),
    status_loading: t("Wird geladen…"),
    status_tried: t("Wir haben versucht, Sie um {time} anzurufen, Sie aber nicht erreicht."),
    status_wrong_number: t("Wir haben versucht, Sie um {time} anzurufen, aber die Nummer funktioniert nicht."),
    status_retry_today: t("Wir versuchen es gegen {time} erneut."),
    status_retry_tomorrow: t("Wir versuchen es morgen gegen {time} erneut."),
    status_retry_day: t("Wir versuchen es am {day} gegen {time} erneut."),
    status_by_email: t("Wir schreiben Ihnen stattdessen eine E-Mail."),
    status_ask_again: t("Wenn Sie uns noch brauchen, senden Sie bitte eine neue Anfrage."),
    status_answered: t("Wir haben Ihnen am {date} per E-Mail geantwortet."),
    callback_email_hint: t("Damit wir Ihnen Bescheid geben können, falls es später wird."),
    kind_feedback: t("Ihre Nachricht"),
    kind_callback: t("Ihre Rückrufanfrage"),
    nps_question: t("Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?"),
    nps_low: t("Überhaupt nicht wahrscheinlich"),
    nps_high: t("Äußerst wahrscheinlich"),
    nps_option: t("{n} von 10"),
    ces_question: t("Der Shop hat es mir leicht gemacht, mein Anliegen zu erledigen."),
    ces_1: t("Stimme überhaupt nicht zu"),
    ces_2: t("Stimme nicht zu"),
    ces_3: t("Stimme eher nicht zu"),
    ces_4: t("Neutral"),
    ces_5: t("Stimme eher zu"),
    ces_6: t("Stimme zu"),
    ces_7: t("Stimme voll und ganz zu"),
    followup_low: t("Was ist schiefgelaufen?"),
    followup_neutral: t("Was könnten wir besser machen?"),
    followup_high: t("Was haben wir gut gemacht?"),
    offer_callback: t("Sollen wir Sie anrufen?"),
    offer_callback_button: t("Ja, bitte zurückrufen"),
    category_label: t("Thema"),
    category_none: t("Thema wählen"),
    cat_problem: t("Ein Problem"),
    cat_idea: t("Eine Idee"),
    cat_praise: t("Ein Lob"),
    cat_question: t("Eine Frage"),
    cat_other: t("Etwas anderes"),
    chars_left: t("Noch {n} Zeichen"),
    name_label: t("Ihr Name"),
    email_label: t("Ihre E-Mail-Adresse"),
    remember_me: t("Meine Angaben auf diesem Gerät speichern"),
    greeting: t("Willkommen zurück, {name}!"),
    err_name_required: t("Bitte geben Sie Ihren Namen ein."),
    err_name_too_long: t("Der Name darf höchstens {max} Zeichen lang sein."),
    err_email_required: t("Bitte geben Sie Ihre E-Mail-Adresse ein."),
    err_email_invalid: t("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."),
    phone_label: t("Telefonnummer"),
    country_label: t("Land"),
    reason_label: t("Worum geht es?"),
    urgent_label: t("Es ist dringend"),
    when_label: t("Wann dürfen wir Sie anrufen?"),
    when_asap: t("So bald wie möglich"),
    when_slot: t("Zu einer Wunschzeit"),
    slot_label: t("Uhrzeit wählen"),
    slot_none: t("In den nächsten Tagen sind keine Zeiten frei."),
    consent_text: t("Ich bin einverstanden, dass der Shop mich zu dieser Anfrage anruft und meine Nummer dafür speichert."),
    privacy_link: t("Datenschutzerklärung"),
    callback_send: t("Rückruf anfordern"),
    callback_thanks_title: t("Anfrage erhalten"),
    err_phone_required: t("Bitte geben Sie Ihre Telefonnummer ein."),
    err_phone_invalid: t("Das sieht nicht nach einer Telefonnummer aus. Bitte prüfen Sie die Ziffern und das Land."),
    err_slot_required: t("Bitte wählen Sie eine Zeit."),
    err_consent_required: t("Bitte setzen Sie das Häkchen, damit wir Sie anrufen dürfen."),
    err_reason_too_long: t("Bitte höchstens {max} Zeichen."),
    err_too_fast: t("Das ging sehr schnell. Bitte prüfen Sie Ihre Angaben und senden Sie erneut."),
    err_cooldown: t("Sie haben gerade eine Anfrage gesendet. Eine weitere ist in {minutes} Min. möglich."),
    err_duplicate: t("Ihre Anfrage liegt uns bereits vor — wir rufen Sie wie versprochen an."),
    promise_open: t("Wir rufen Sie innerhalb von {minutes} Minuten an."),
    promise_closed_today: t("Wir haben gerade geschlossen. Wir rufen Sie heute ab {time} an."),
    promise_closed_tomorrow: t("Wir haben gerade geschlossen. Wir rufen Sie morgen ab {time} an."),
    promise_closed_day: t("Wir haben gerade geschlossen. Wir rufen Sie am {day} ab {time} an."),
    promise_closing_today: t("Wir schließen in Kürze. Wir rufen Sie daher heute ab {time} an."),
    promise_closing_tomorrow: t("Wir schließen in Kürze. Wir rufen Sie daher morgen ab {time} an."),
    promise_closing_day: t("Wir schließen in Kürze. Wir rufen Sie daher am {day} ab {time} an."),
    promise_slot: t("Wir rufen Sie am {date} zwischen {from} und {to} an."),
    promise_no_hours: t("Wir rufen Sie so bald wie möglich zurück."),
    problems_one: t("1 Fehler: {list}"),
    problems_many: t("{n} Fehler: {list}"),
    // Prompts (issue 21).
    prompt_dismiss: t("Nein danke"),
    prompt_announce: t("Eine kurze Frage:"),
    prompt_callback: t("Rückruf anfordern"),
};

/// Spanish.
pub static ES: Strings = Strings {
    launcher_label: t("Contáctenos"),
    panel_title: t("¿Cómo podemos ayudarle?"),
    close_label: t("Cerrar"),
    feedback_tab: t("Dar mi opinión"),
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
    err_message_too_long: t("El mensaje no puede superar los {max} caracteres."),
    err_network: t(
        "No hemos podido contactar con la tienda. Compruebe su conexión e inténtelo de nuevo.",
    ),
    err_rejected: t("La tienda no ha podido aceptar este mensaje: {detail}"),
    err_server: t("Se ha producido un error en la tienda. Inténtelo de nuevo en un momento."),
    retry: t("Volver a intentarlo"),
    queued_title: t("Guardado"),
    queued_body: t("Lo enviaremos en cuanto vuelva a tener conexión. Puede cerrar esta ventana."),
    status_show: t("Ver el estado"),
    status_title: t("Sus solicitudes"),
    status_received: t("Recibida: nos pondremos en contacto como prometimos."),
    status_scheduled: t("Programada: su llamada está prevista."),
    status_called_back: t("Le hemos llamado."),
    status_handled: t("Resuelta: ¡gracias!"),
    status_delayed: t("Vamos con retraso"),
    status_overdue: t("Todavía no hemos podido llamarle; lo sentimos."),
    status_unavailable: t("No hemos podido cargar el estado ahora mismo."),
    status_loading: t("Cargando…"),
    status_tried: t("Intentamos llamarle a las {time}, pero no pudimos localizarle."),
    status_wrong_number: t("Intentamos llamarle a las {time}, pero el número no funciona."),
    status_retry_today: t("Volveremos a intentarlo hacia las {time}."),
    status_retry_tomorrow: t("Volveremos a intentarlo mañana hacia las {time}."),
    status_retry_day: t("Volveremos a intentarlo el {day} hacia las {time}."),
    status_by_email: t("En su lugar, le escribiremos por correo electrónico."),
    status_ask_again: t("Si todavía nos necesita, envíenos una nueva solicitud."),
    status_answered: t("Le respondimos por correo electrónico el {date}."),
    callback_email_hint: t("Para avisarle si nos retrasamos."),
    kind_feedback: t("Su mensaje"),
    kind_callback: t("Su solicitud de llamada"),
    nps_question: t("¿Qué probabilidad hay de que nos recomiende a un amigo o colega?"),
    nps_low: t("Nada probable"),
    nps_high: t("Muy probable"),
    nps_option: t("{n} de 10"),
    ces_question: t("La tienda me ha facilitado hacer lo que quería."),
    ces_1: t("Totalmente en desacuerdo"),
    ces_2: t("En desacuerdo"),
    ces_3: t("Algo en desacuerdo"),
    ces_4: t("Ni de acuerdo ni en desacuerdo"),
    ces_5: t("Algo de acuerdo"),
    ces_6: t("De acuerdo"),
    ces_7: t("Totalmente de acuerdo"),
    followup_low: t("¿Qué ha fallado?"),
    followup_neutral: t("¿Qué podríamos mejorar?"),
    followup_high: t("¿Qué hemos hecho bien?"),
    offer_callback: t("¿Quiere que le llamemos?"),
    offer_callback_button: t("Sí, llámenme"),
    category_label: t("Tema"),
    category_none: t("Elija un tema"),
    cat_problem: t("Un problema"),
    cat_idea: t("Una idea"),
    cat_praise: t("Un elogio"),
    cat_question: t("Una pregunta"),
    cat_other: t("Otra cosa"),
    chars_left: t("Quedan {n} caracteres"),
    name_label: t("Su nombre"),
    email_label: t("Su correo electrónico"),
    remember_me: t("Recordarme en este dispositivo"),
    greeting: t("¡Hola de nuevo, {name}!"),
    err_name_required: t("Indique su nombre."),
    err_name_too_long: t("El nombre no puede superar los {max} caracteres."),
    err_email_required: t("Indique su correo electrónico."),
    err_email_invalid: t("Introduzca un correo válido, por ejemplo nombre@ejemplo.es."),
    phone_label: t("Número de teléfono"),
    country_label: t("País"),
    reason_label: t("¿De qué se trata?"),
    urgent_label: t("Es urgente"),
    when_label: t("¿Cuándo le llamamos?"),
    when_asap: t("Lo antes posible"),
    when_slot: t("A una hora que me convenga"),
    slot_label: t("Elija una hora"),
    slot_none: t("No hay horas disponibles en los próximos días."),
    consent_text: t(
        "Acepto que la tienda me llame por esta solicitud y guarde mi número con ese fin.",
    ),
    privacy_link: t("Política de privacidad"),
    callback_send: t("Llámenme"),
    callback_thanks_title: t("Solicitud recibida"),
    err_phone_required: t("Indique su número de teléfono."),
    err_phone_invalid: t("No parece un número de teléfono. Compruebe los dígitos y el país."),
    err_slot_required: t("Elija una hora."),
    err_consent_required: t("Marque la casilla para que podamos llamarle."),
    err_reason_too_long: t("Máximo {max} caracteres."),
    err_too_fast: t("Ha sido muy rápido. Revise sus datos y vuelva a enviarlos."),
    err_cooldown: t("Acaba de enviar una solicitud. Podrá enviar otra en {minutes} min."),
    err_duplicate: t("Ya tenemos su solicitud: le llamaremos como prometimos."),
    promise_open: t("Le llamaremos en los próximos {minutes} minutos."),
    promise_closed_today: t(
        "Ahora mismo estamos cerrados. Le llamaremos hoy a partir de las {time}.",
    ),
    promise_closed_tomorrow: t(
        "Ahora mismo estamos cerrados. Le llamaremos mañana a partir de las {time}.",
    ),
    promise_closed_day: t(
        "Ahora mismo estamos cerrados. Le llamaremos el {day} a partir de las {time}.",
    ),
    promise_closing_today: t(
        "Estamos a punto de cerrar, así que le llamaremos hoy a partir de las {time}.",
    ),
    promise_closing_tomorrow: t(
        "Estamos a punto de cerrar, así que le llamaremos mañana a partir de las {time}.",
    ),
    promise_closing_day: t(
        "Estamos a punto de cerrar, así que le llamaremos el {day} a partir de las {time}.",
    ),
    promise_slot: t("Le llamaremos el {date} entre las {from} y las {to}."),
    promise_no_hours: t("Le devolveremos la llamada lo antes posible."),
    problems_one: t("1 problema: {list}"),
    problems_many: t("{n} problemas: {list}"),
    // Prompts (issue 21).
    prompt_dismiss: t("No, gracias"),
    prompt_announce: t("Una pregunta rápida:"),
    prompt_callback: t("Que me llamen"),
};

/// Italian.
pub static IT: Strings = Strings {
    launcher_label: t("Contattaci"),
    panel_title: t("Come possiamo aiutarti?"),
    close_label: t("Chiudi"),
    feedback_tab: t("Lascia un parere"),
    callback_tab: t("Fatti richiamare"),
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
    thanks_reference: t("Codice di riferimento: {ref}"),
    send_another: t("Invia un altro messaggio"),
    err_rating_required: t("Scegli una valutazione."),
    err_message_required: t("Scrivi un messaggio."),
    err_message_too_long: t("Il messaggio non può superare i {max} caratteri."),
    err_network: t("Impossibile raggiungere il negozio. Controlla la connessione e riprova."),
    err_rejected: t("Il negozio non ha potuto accettare questo messaggio: {detail}"),
    err_server: t("Si è verificato un problema da parte del negozio. Riprova tra un momento."),
    retry: t("Riprova"),
    queued_title: t("Salvato"),
    queued_body: t("Lo invieremo appena sarai di nuovo online. Puoi chiudere questa finestra."),
    status_show: t("Mostra lo stato"),
    status_title: t("Le tue richieste"),
    status_received: t("Ricevuta: ti ricontatteremo come promesso."),
    status_scheduled: t("Pianificata: la tua chiamata è in programma."),
    status_called_back: t("Ti abbiamo chiamato."),
    status_handled: t("Fatto: grazie!"),
    status_delayed: t("Siamo in ritardo"),
    status_overdue: t("Non siamo ancora riusciti a chiamarti: ci dispiace."),
    status_unavailable: t("Al momento non è possibile caricare lo stato."),
    status_loading: t("Caricamento…"),
    status_tried: t("Abbiamo provato a chiamarti alle {time}, ma non siamo riusciti a raggiungerti."),
    status_wrong_number: t("Abbiamo provato a chiamarti alle {time}, ma il numero non funziona."),
    status_retry_today: t("Riproveremo verso le {time}."),
    status_retry_tomorrow: t("Riproveremo domani verso le {time}."),
    status_retry_day: t("Riproveremo {day} verso le {time}."),
    status_by_email: t("Ti scriveremo invece via e-mail."),
    status_ask_again: t("Se hai ancora bisogno di noi, inviaci una nuova richiesta."),
    status_answered: t("Ti abbiamo risposto via email il {date}."),
    callback_email_hint: t("Per avvisarti se siamo in ritardo."),
    kind_feedback: t("Il tuo messaggio"),
    kind_callback: t("La tua richiesta di richiamata"),
    nps_question: t("Quanto è probabile che tu ci consigli a un amico o a un collega?"),
    nps_low: t("Per niente probabile"),
    nps_high: t("Estremamente probabile"),
    nps_option: t("{n} su 10"),
    ces_question: t("Il negozio mi ha permesso di fare facilmente ciò che volevo."),
    ces_1: t("Per niente d'accordo"),
    ces_2: t("In disaccordo"),
    ces_3: t("Leggermente in disaccordo"),
    ces_4: t("Né d'accordo né in disaccordo"),
    ces_5: t("Leggermente d'accordo"),
    ces_6: t("D'accordo"),
    ces_7: t("Completamente d'accordo"),
    followup_low: t("Che cosa non è andato bene?"),
    followup_neutral: t("Che cosa potremmo fare meglio?"),
    followup_high: t("Che cosa abbiamo fatto bene?"),
    offer_callback: t("Vuoi che ti chiamiamo?"),
    offer_callback_button: t("Sì, richiamatemi"),
    category_label: t("Argomento"),
    category_none: t("Scegli un argomento"),
    cat_problem: t("Un problema"),
    cat_idea: t("Un'idea"),
    cat_praise: t("Un complimento"),
    cat_question: t("Una domanda"),
    cat_other: t("Altro"),
    chars_left: t("{n} caratteri rimanenti"),
    name_label: t("Il tuo nome"),
    email_label: t("La tua email"),
    remember_me: t("Ricordami su questo dispositivo"),
    greeting: t("Felici di rivederti, {name}!"),
    err_name_required: t("Inserisci il tuo nome."),
    err_name_too_long: t("Il nome non può superare i {max} caratteri."),
    err_email_required: t("Inserisci il tuo indirizzo email."),
    err_email_invalid: t("Inserisci un indirizzo email valido, ad esempio nome@esempio.it."),
    phone_label: t("Numero di telefono"),
    country_label: t("Paese"),
    reason_label: t("Di che cosa si tratta?"),
    urgent_label: t("È urgente"),
    when_label: t("Quando possiamo chiamarti?"),
    when_asap: t("Il prima possibile"),
    when_slot: t("All'orario che preferisco"),
    slot_label: t("Scegli un orario"),
    slot_none: t("Nessun orario disponibile nei prossimi giorni."),
    consent_text: t("Accetto che il negozio mi chiami per questa richiesta e conservi il mio numero a tale scopo."),
    privacy_link: t("Informativa sulla privacy"),
    callback_send: t("Richiamatemi"),
    callback_thanks_title: t("Richiesta ricevuta"),
    err_phone_required: t("Inserisci il tuo numero di telefono."),
    err_phone_invalid: t("Non sembra un numero di telefono. Controlla le cifre e il paese."),
    err_slot_required: t("Scegli un orario."),
    err_consent_required: t("Spunta la casella per permetterci di chiamarti."),
    err_reason_too_long: t("Massimo {max} caratteri."),
    err_too_fast: t("Hai fatto molto in fretta. Controlla i dati e invia di nuovo."),
    err_cooldown: t("Hai appena inviato una richiesta. Potrai inviarne un'altra tra {minutes} min."),
    err_duplicate: t("Abbiamo già la tua richiesta: ti chiameremo come promesso."),
    promise_open: t("Ti chiameremo entro {minutes} minuti."),
    promise_closed_today: t("Al momento siamo chiusi. Ti chiameremo oggi dalle {time}."),
    promise_closed_tomorrow: t("Al momento siamo chiusi. Ti chiameremo domani dalle {time}."),
    promise_closed_day: t("Al momento siamo chiusi. Ti chiameremo {day} dalle {time}."),
    promise_closing_today: t("Stiamo per chiudere, quindi ti chiameremo oggi dalle {time}."),
    promise_closing_tomorrow: t("Stiamo per chiudere, quindi ti chiameremo domani dalle {time}."),
    promise_closing_day: t("Stiamo per chiudere, quindi ti chiameremo {day} dalle {time}."),
    promise_slot: t("Ti chiameremo {date} dalle {from} alle {to}."),
    promise_no_hours: t("Ti richiameremo il prima possibile."),
    problems_one: t("1 problema: {list}"),
    problems_many: t("{n} problemi: {list}"),
    // Prompts (issue 21).
    prompt_dismiss: t("No, grazie"),
    prompt_announce: t("Una domanda veloce:"),
    prompt_callback: t("Richiamatemi"),
};

/// Dutch.
pub static NL: Strings = Strings {
    launcher_label: t("Contact"),
    panel_title: t("Waarmee kunnen we u helpen?"),
    close_label: t("Sluiten"),
    feedback_tab: t("Feedback geven"),
    callback_tab: t("Bel me terug"),
    csat_question: t("Hoe tevreden bent u over uw ervaring?"),
    csat_1: t("Zeer ontevreden"),
    csat_2: t("Ontevreden"),
    csat_3: t("Niet tevreden, niet ontevreden"),
    csat_4: t("Tevreden"),
    csat_5: t("Zeer tevreden"),
    message_label: t("Uw bericht"),
    optional: t("optioneel"),
    send: t("Versturen"),
    sending: t("Wordt verstuurd…"),
    thanks_title: t("Bedankt!"),
    thanks_next: t("Uw bericht is aangekomen bij het team van de winkel."),
    thanks_reference: t("Uw referentienummer: {ref}"),
    send_another: t("Nog een bericht sturen"),
    err_rating_required: t("Kies een beoordeling."),
    err_message_required: t("Schrijf een bericht."),
    err_message_too_long: t("Uw bericht mag maximaal {max} tekens lang zijn."),
    err_network: t(
        "We kunnen de winkel niet bereiken. Controleer uw verbinding en probeer het opnieuw.",
    ),
    err_rejected: t("De winkel kon dit bericht niet aannemen: {detail}"),
    err_server: t("Er ging iets mis bij de winkel. Probeer het zo opnieuw."),
    retry: t("Opnieuw proberen"),
    queued_title: t("Opgeslagen"),
    queued_body: t("We versturen het zodra u weer online bent. U kunt dit venster sluiten."),
    status_show: t("Toon de status"),
    status_title: t("Uw verzoeken"),
    status_received: t("Ontvangen — we nemen contact op zoals beloofd."),
    status_scheduled: t("Ingepland — uw gesprek staat gepland."),
    status_called_back: t("We hebben u gebeld."),
    status_handled: t("Afgehandeld — bedankt!"),
    status_delayed: t("We lopen vertraging op"),
    status_overdue: t("Het is ons nog niet gelukt u te bellen — het spijt ons."),
    status_unavailable: t("De status kon nu niet worden geladen."),
    status_loading: t("Laden…"),
    status_tried: t("We hebben geprobeerd u om {time} te bellen, maar konden u niet bereiken."),
    status_wrong_number: t("We hebben geprobeerd u om {time} te bellen, maar het nummer werkt niet."),
    status_retry_today: t("We proberen het rond {time} opnieuw."),
    status_retry_tomorrow: t("We proberen het morgen rond {time} opnieuw."),
    status_retry_day: t("We proberen het op {day} rond {time} opnieuw."),
    status_by_email: t("We sturen u in plaats daarvan een e-mail."),
    status_ask_again: t("Heeft u ons nog nodig? Stuur ons dan een nieuw verzoek."),
    status_answered: t("We hebben u op {date} per e-mail geantwoord."),
    callback_email_hint: t("Zodat we u kunnen laten weten als we uitlopen."),
    kind_feedback: t("Uw bericht"),
    kind_callback: t("Uw terugbelverzoek"),
    nps_question: t("Hoe waarschijnlijk is het dat u ons aanbeveelt aan een vriend of collega?"),
    nps_low: t("Helemaal niet waarschijnlijk"),
    nps_high: t("Zeer waarschijnlijk"),
    nps_option: t("{n} van 10"),
    ces_question: t("De winkel maakte het me makkelijk om te doen wat ik wilde."),
    ces_1: t("Helemaal mee oneens"),
    ces_2: t("Mee oneens"),
    ces_3: t("Enigszins mee oneens"),
    ces_4: t("Neutraal"),
    ces_5: t("Enigszins mee eens"),
    ces_6: t("Mee eens"),
    ces_7: t("Helemaal mee eens"),
    followup_low: t("Wat ging er mis?"),
    followup_neutral: t("Wat kunnen we beter doen?"),
    followup_high: t("Wat deden we goed?"),
    offer_callback: t("Wilt u dat we u bellen?"),
    offer_callback_button: t("Ja, bel me terug"),
    category_label: t("Onderwerp"),
    category_none: t("Kies een onderwerp"),
    cat_problem: t("Een probleem"),
    cat_idea: t("Een idee"),
    cat_praise: t("Een compliment"),
    cat_question: t("Een vraag"),
    cat_other: t("Iets anders"),
    chars_left: t("Nog {n} tekens"),
    name_label: t("Uw naam"),
    email_label: t("Uw e-mailadres"),
    remember_me: t("Onthoud mij op dit apparaat"),
    greeting: t("Welkom terug, {name}!"),
    err_name_required: t("Vul uw naam in."),
    err_name_too_long: t("Uw naam mag maximaal {max} tekens lang zijn."),
    err_email_required: t("Vul uw e-mailadres in."),
    err_email_invalid: t("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
    phone_label: t("Telefoonnummer"),
    country_label: t("Land"),
    reason_label: t("Waar gaat het over?"),
    urgent_label: t("Het is dringend"),
    when_label: t("Wanneer mogen we u bellen?"),
    when_asap: t("Zo snel mogelijk"),
    when_slot: t("Op een moment dat mij uitkomt"),
    slot_label: t("Kies een tijd"),
    slot_none: t("Er zijn de komende dagen geen tijden beschikbaar."),
    consent_text: t("Ik ga ermee akkoord dat de winkel mij over dit verzoek belt en mijn nummer daarvoor bewaart."),
    privacy_link: t("Privacybeleid"),
    callback_send: t("Bel me terug"),
    callback_thanks_title: t("Verzoek ontvangen"),
    err_phone_required: t("Vul uw telefoonnummer in."),
    err_phone_invalid: t("Dit lijkt geen telefoonnummer. Controleer de cijfers en het land."),
    err_slot_required: t("Kies een tijd."),
    err_consent_required: t("Vink het vakje aan zodat we u mogen bellen."),
    err_reason_too_long: t("Maximaal {max} tekens."),
    err_too_fast: t("Dat ging erg snel. Controleer uw gegevens en verstuur het opnieuw."),
    err_cooldown: t("U heeft net een verzoek verstuurd. Over {minutes} min kunt u er nog een sturen."),
    err_duplicate: t("We hebben uw verzoek al — we bellen u zoals beloofd."),
    promise_open: t("We bellen u binnen {minutes} minuten."),
    promise_closed_today: t("We zijn nu gesloten. We bellen u vandaag vanaf {time}."),
    promise_closed_tomorrow: t("We zijn nu gesloten. We bellen u morgen vanaf {time}."),
    promise_closed_day: t("We zijn nu gesloten. We bellen u op {day} vanaf {time}."),
    promise_closing_today: t("We sluiten zo, dus we bellen u vandaag vanaf {time}."),
    promise_closing_tomorrow: t("We sluiten zo, dus we bellen u morgen vanaf {time}."),
    promise_closing_day: t("We sluiten zo, dus we bellen u op {day} vanaf {time}."),
    promise_slot: t("We bellen u op {date} tussen {from} en {to}."),
    promise_no_hours: t("We bellen u zo snel mogelijk terug."),
    problems_one: t("1 probleem: {list}"),
    problems_many: t("{n} problemen: {list}"),
    // Prompts (issue 21).
    prompt_dismiss: t("Nee, bedankt"),
    prompt_announce: t("Een korte vraag:"),
    prompt_callback: t("Bel me terug"),
};

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
        let applying: Overrides = ["*", lang.code()]
            .iter()
            .flat_map(|scope| overrides.iter().filter(move |(l, ..)| l == scope))
            .cloned()
            .collect();
        if applying.is_empty() {
            return *lang.strings();
        }
        LOCALIZED.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some((.., done)) = cache.iter().find(|(l, o, _)| *l == lang && *o == applying) {
                return *done;
            }
            let mut strings = *lang.strings();
            for (_, key, text) in &applying {
                strings.set(key, text.clone());
            }
            cache.push((lang, applying, strings));
            strings
        })
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
    fn fill_replaces_placeholders() {
        assert_eq!(fill("Ref {ref} / {ref}", &[("ref", "AB")]), "Ref AB / AB");
        assert_eq!(fill("{max} chars", &[("max", "10")]), "10 chars");
    }
}
