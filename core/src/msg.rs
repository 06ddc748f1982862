//! Console messages as a [`Code`] plus its arguments: the one table of their texts.
//!
//! The widget prints what an owner must fix (a bad setting, a wrong `Allo.*` call, a file it
//! could not load) in the console. Its English texts were wasm bytes every visitor downloads
//! for lines most never cause (issue 22: moving them out saved 1.4 KB gzip net, measured in
//! docs/performance.md, Session 8), so the wasm holds only a message's code and its
//! arguments (the setting's name, the value the owner gave: text it has anyway). The texts
//! live here, in [`table!`]'s one list: the host (tests, the collector) formats a [`Msg`]
//! with [`Code::template`] through `Display`; the widget's build (`build.rs`) writes the
//! templates as a JSON array, in code order, into a fingerprinted file beside the wasm
//! (`allo-messages-HASH.json`), which the glue's `alloSay` (loader/glue-console.js) fetches
//! with the first message and fills; and `docs/messages.md` lists every code with its text
//! ([`markdown`], checked by a host test), for the line the glue prints instead when that
//! file cannot be loaded (`Allo: message N ["argument", …]`). The wasm never calls
//! [`Code::template`], so the linker leaves the texts out (check with `strings`).
//!
//! A template's holes are `{0}`, `{1}`, …: each argument in order, as many as the code
//! declares ([`Code::arity`]); every hole has its argument and every argument its hole, but
//! for a settings entry's refusal, which gets the same four and may leave some out (a host
//! test checks every template). An argument may itself be a message ([`Msg::nested`]).
use std::fmt;

/// Declares [`Code`], each message with its number of arguments and its English template.
macro_rules! table {
    ($($(#[doc = $doc:literal])* $name:ident / $arity:literal = $text:expr,)*) => {
        /// A console message; its number (`as u8`) indexes the texts file and docs/messages.md.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Code {
            $($(#[doc = $doc])* $name,)*
        }

        impl Code {
            /// Every code, in number order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The English text, with a `{i}` hole for argument `i`. Host only: the widget
            /// fetches the texts instead (see the top of this module).
            pub fn template(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }

            /// How many arguments the message takes.
            pub fn arity(self) -> usize {
                match self {
                    $(Code::$name => $arity,)*
                }
            }
        }
    };
}

table! {
    // ---- settings (`config`, `settings`, `delivery`, `prompt`, `owner_context`): {0} is the
    // setting's name in quotes.
    /// A value refused, with the entry's default: value, what is wrong, the default.
    SettingUsing / 4 = "Allo: setting {0}: {1} {2}; using {3}",
    // A refused value of the entries that say more (`settings::Setting::says`): each gets
    // the name, the value (or the reader's explanation), what is wrong with a choice or
    // number, and the default; a template may leave some out.
    /// `accent`.
    AccentRefused / 4 = "Allo: setting {0}: {1} is not a #rgb or #rrggbb colour; using {3}",
    /// `scheme`.
    SchemeRefused / 4 = "Allo: setting {0}: {1} {2}; following the visitor's system",
    /// `offsetX`, `offsetY`.
    OffsetRefused / 4 = "Allo: setting {0}: {1} is not a length such as 24px, 1.5rem or 5vw; using {3}",
    /// `kinds`, one kind.
    KindsRefused / 4 = "Allo: setting {0}: {1} is not feedback or callback; ignored",
    /// `metadata`.
    MetadataRefused / 4 = "Allo: setting {0}: {1} {2}; capturing metadata",
    /// `hours`: the explanation.
    HoursRefused / 4 = "Allo: setting {0}: {1}; promises will not name a time until this is fixed",
    /// `closed`: the explanation.
    ClosedRefused / 4 = "Allo: setting {0}: {1}; ignored",
    /// `country`.
    CountryRefused / 4 = "Allo: setting {0}: {1} is not a country Allo knows; using the visitor's",
    /// `privacyUrl`.
    PrivacyUrlRefused / 4 = "Allo: setting {0}: {1} is not an http(s) URL or a path; no link shown",
    /// `events`.
    EventsRefused / 4 = "Allo: setting {0}: {1} {2}; events carry ids only",
    /// `outboxTtl`.
    OutboxTtlRefused / 4 = "Allo: setting {0}: {1} is not a duration between \"1h\" and \"30d\" (e.g. \"36h\" or \"7d\"); using 7 days",
    /// `promptPath`, one path.
    PromptPathRefused / 4 = "Allo: setting {0}: {1} is not a path starting with \"/\" (use * for any characters); ignored",
    /// `promptAfterSeconds`, `promptAfterViews`.
    PromptCountRefused / 4 = "Allo: setting {0}: {1} {2}; ignored",
    /// A setting Allo does not know: the known ones.
    SettingUnknown / 2 = "Allo: setting {0}: unknown setting, ignored (known settings: {1})",
    /// `kinds` named none Allo offers.
    KindsNone / 1 = "Allo: setting {0}: no usable kind given; offering feedback and callback",
    /// `strings` is not an object.
    StringsNotObject / 1 = "Allo: setting {0}: must be an object such as { fr: { launcher_label: \"…\" } }; ignored",
    /// `strings.LANG.KEY`: the language, the key.
    StringsBadKey / 3 = "Allo: setting {0}: {1}.{2} is not a known string key with a text value; ignored",
    /// `strings.X` is neither a language nor a key: X quoted.
    StringsBadEntry / 2 = "Allo: setting {0}: {1} is neither a language (en, fr, de, es, it, nl) nor a known string key; ignored",
    /// `headers` is not an object.
    HeadersNotObject / 1 = "Allo: setting {0}: must be an object in window.alloSettings, e.g. { \"X-Api-Key\": \"…\" }; ignored",
    /// A header dropped: its name quoted, what is wrong.
    HeaderDropped / 3 = "Allo: setting {0}: {1} {2}; dropped",
    /// `promptQuestion` cut: the longest.
    QuestionCut / 2 = "Allo: setting {0}: longer than {1} characters; cut",
    /// `context` refused: why.
    ContextRefused / 2 = "Allo: setting {0}: {1}; no context is sent",
    /// The shop's `timezone` is not one this browser knows: the value quoted.
    TimezoneUnknown / 1 = "Allo: setting \"timezone\": {0} is not a time zone this browser knows; using the visitor's.",

    // ---- settings that stop the widget (`config::ConfigError`).
    /// The settings are not an object.
    NotAnObject / 0 = "Allo: window.alloSettings must be an object, e.g. { endpoint: \"https://your-shop.example/api/allo\" }. The widget is not shown.",
    /// No endpoint.
    MissingEndpoint / 0 = "Allo: the endpoint setting is missing. Add data-endpoint=\"https://your-shop.example/api/allo\" to the Allo <script> tag (or set window.alloSettings.endpoint). The widget is not shown.",
    /// A bad endpoint: the value quoted.
    BadEndpoint / 1 = "Allo: data-endpoint {0} is not an http(s) URL or a path starting with \"/\". Use e.g. data-endpoint=\"https://your-shop.example/api/allo\". The widget is not shown.",
    /// The widget's elements could not be made.
    NoElements / 0 = "Allo: could not create the widget's elements; it is not shown.",

    // ---- `Allo.*` calls (`api::ApiError`), as `src/js_api.rs` prints them.
    /// No such call: its name.
    UnknownCall / 1 = "Allo: Allo.{0}() does not exist; the calls are open(kind), close(), identify({ name, email, phone }), setLocale(tag), setContext({ key: \"text\" }), ask(kind, { question, context, force }) and destroy().",
    /// `open` with a bad form: the argument.
    BadKind / 1 = "Allo: Allo.open({0}): the form must be \"feedback\" or \"callback\" (or nothing, for the first one); nothing was opened.",
    /// `open` with a form not offered: its name.
    KindNotOffered / 1 = "Allo: Allo.open(\"{0}\"): this widget does not offer that form (see the kinds setting); nothing was opened.",
    /// `identify` without an object.
    IdentifyNotAnObject / 0 = "Allo: Allo.identify() needs an object such as { name: \"Ana\", email: \"ana@example.com\", phone: \"+33 6 12 34 56 78\" }; ignored.",
    /// `identify` with an unknown key, quoted.
    IdentifyUnknownKey / 1 = "Allo: Allo.identify(): {0} is not name, email or phone; the call was ignored.",
    /// `identify` with a value that is not text: its key.
    IdentifyNotText / 1 = "Allo: Allo.identify(): {0} must be text; the call was ignored.",
    /// `identify` with a bad email, quoted.
    IdentifyBadEmail / 1 = "Allo: Allo.identify(): {0} is not an email address; the call was ignored.",
    /// `setLocale` with a language Allo does not speak: the argument.
    BadLocale / 1 = "Allo: Allo.setLocale({0}): Allo speaks en, fr, de, es, it and nl (regions such as \"fr-CA\" are fine); the language was not changed.",
    /// A context refused by a call: the call, why.
    CallContext / 2 = "Allo: Allo.{0}(): {1}; the call was ignored.",
    /// `ask` with bad options: why.
    AskBadOptions / 1 = "Allo: Allo.ask(kind, { question, context, force }): {0}; nothing was asked.",
    /// `setContext` refused by the app: why.
    SetContextRefused / 1 = "Allo.setContext(): {0}; the call was ignored.",

    // ---- storage (`src/storage.rs`, `use_prompt`).
    /// The draft cannot be kept.
    NoStorageDraft / 0 = "Allo: browser storage is unavailable; your draft will not survive a reload.",
    /// The visitor's details cannot be kept.
    NoStorageVisitor / 0 = "Allo: browser storage is unavailable; your details will not be remembered on your next visit.",
    /// The request list cannot be kept.
    NoStorageRequests / 0 = "Allo: browser storage is unavailable; \"Your requests\" will not show this request after a reload.",
    /// The callback cooldown cannot be kept.
    NoStorageCooldown / 0 = "Allo: browser storage is unavailable; the wait between two callback requests will not survive a reload.",
    /// The prompt's pause cannot be kept.
    NoStoragePrompt / 0 = "Allo: browser storage is unavailable; the pause between two questions will not survive a reload.",

    // ---- the outbox (`src/sender.rs`).
    /// An unreadable saved message dropped: its storage key.
    OutboxUnreadable / 1 = "Allo: an unreadable saved message (allo:{0}) was discarded.",
    /// A saved message too old: when saved, its reference, the endpoint, the time to live.
    OutboxExpired / 4 = "Allo: a message saved on {0} (reference {1}) could not be delivered to {2} within {3} and was discarded (outboxTtl).",
    /// A saved message refused: the endpoint, its reference, the refusal's detail.
    OutboxRefused / 3 = "Allo: {0} refused the saved message (reference {1}){2}; it was discarded.",

    // ---- prompts (`src/hooks/use_prompt.rs`; `console.info`).
    /// `Allo.ask()` while the panel is open.
    AskPanelOpen / 0 = "Allo.ask(): not shown while the panel is open.",
    /// `Allo.ask()` held back by the caps: why.
    AskNotShown / 1 = "Allo.ask(): not shown: {0}; pass { force: true } to ask anyway.",

    // ---- parts of other messages (an argument that is itself a message, [`Msg::nested`]).
    // Opening hours and closed dates (`hours::HoursError`): {0} is the rule or date quoted.
    /// A day name that is not one: the name quoted.
    HoursUnknownDay / 2 = "{0}: unknown day {1} (use Mo Tu We Th Fr Sa Su)",
    /// Days without times.
    HoursMissingTimes / 1 = "{0}: no opening times (expected e.g. \"Mo-Fr 09:00-18:00\", or \"Su off\")",
    /// Not `start-end`: the part quoted.
    HoursBadRange / 2 = "{0}: {1} is not a time range (expected start-end, e.g. 09:00-18:00)",
    /// Not a time: the part quoted.
    HoursBadTime / 2 = "{0}: {1} is not a time (expected HH:MM from 00:00 to 24:00)",
    /// A range that closes when it opens, quoted.
    HoursEmptyRange / 2 = "{0}: {1} closes when it opens (the end must differ from the start)",
    /// A range starting at 24:00, quoted.
    HoursStartsAt24 / 2 = "{0}: {1} starts at 24:00 (start at 00:00 instead)",
    /// Two ranges that overlap, quoted.
    HoursOverlap / 3 = "{0}: {1} and {2} overlap (merge them into one range)",
    /// Words after `off`, quoted.
    HoursAfterOff / 2 = "{0}: unexpected {1} after \"off\" (give a day either times or off, not both)",
    /// Not a `YYYY-MM-DD` date.
    HoursBadDate / 1 = "{0}: not a valid date (expected YYYY-MM-DD, e.g. 2026-12-25)",
    // What is wrong with `Allo.ask`'s arguments (`api::ApiError::AskBadOptions`).
    /// Not a kind: the argument.
    AskKindBad / 1 = "the kind {0} is not \"feedback\" or \"callback\"",
    /// A kind not offered: its name.
    AskKindNotOffered / 1 = "this widget does not offer the {0} form (see the kinds setting)",
    /// Options that are not an object: the argument.
    AskNotAnObject / 1 = "{0} is not an object",
    /// An option of the wrong type: its name, its value.
    AskOptionBad / 2 = "{0} cannot be {1}",
    /// An option Allo does not know, quoted.
    AskOptionUnknown / 1 = "{0} is not question, context or force",
    // What is wrong with one of the owner's `headers` (`delivery`).
    /// Not an HTTP token.
    HeaderBadName / 0 = "is not a valid header name",
    /// A header the browser owns.
    HeaderByBrowser / 0 = "is controlled by the browser and cannot be set by a page",
    /// A header Allo sets.
    HeaderByAllo / 0 = "is set by Allo itself",
    /// Given twice.
    HeaderTwice / 0 = "is given twice",
    /// Past the most: the most.
    HeaderTooMany / 1 = "is one header too many (at most {0})",
    /// Not text.
    HeaderNoText / 0 = "must have a text value",
    /// A bad value: the longest.
    HeaderBadValue / 1 = "has a value with line breaks, characters outside Latin-1, or over {0} characters",
    // The owner's context (`owner_context::ContextError`).
    /// Not a flat object.
    ContextNotAnObject / 0 = "the context must be an object of short texts, such as { orderId: \"1042\", plan: \"pro\" }",
    /// Too many keys: how many, the most kept.
    ContextTooManyKeys / 2 = "the context has {0} keys; at most {1} are kept",
    /// A bad key, quoted; the longest key.
    ContextBadKey / 2 = "the context key {0} is not 1 to {1} letters, digits, _, - or ., starting with a letter",
    /// A value that is not text: its key.
    ContextNotText / 1 = "the context value of {0} must be text (or a number)",
    /// A value too long: its key, the longest value.
    ContextTooLong / 2 = "the context value of {0} is longer than {1} characters",
    /// An empty value: its key.
    ContextEmpty / 1 = "the context value of {0} is empty; leave the key out instead",
    /// A control character: its key.
    ContextControl / 1 = "the context value of {0} holds a line break or another control character",
    // Why a prompt was not shown (`prompt::Blocked`).
    /// One prompt per session.
    BlockedThisSession / 0 = "a prompt was already shown in this session",
    /// Not on the visit's first page.
    BlockedFirstView / 0 = "this is the visit's first page view",
    /// The quiet days after an answer: how many.
    QuietAnswered / 1 = "the visitor answered a prompt {0} days ago or less",
    /// … after a dismissal.
    QuietDismissed / 1 = "the visitor dismissed a prompt {0} days ago or less",
    /// … after a send.
    QuietSent / 1 = "the visitor sent a message {0} days ago or less",

    // ---- files (`src/catalog.rs`).
    /// A catalog not loaded: the language, the URL, why, the language kept.
    CatalogFailed / 4 = "Allo: could not load the texts in \"{0}\" ({1}: {2}); the widget goes on in \"{3}\".",
}

/// One console message: what to look up, and what fills its holes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    /// Which message.
    pub code: Code,
    /// Its arguments, already as they are printed (values quoted where the text wants it).
    pub args: Vec<String>,
}

impl Msg {
    /// The message `code` with `args`.
    pub fn new(code: Code, args: Vec<String>) -> Msg {
        debug_assert_eq!(args.len(), code.arity(), "{code:?}'s arguments");
        Msg { code, args }
    }

    /// This message as an argument of another: `\u{1}`, its number, then each argument after
    /// a `\u{2}` (one level: a nested message's arguments are text). [`fill`] and the glue's
    /// `alloSay` write its text in the hole.
    pub fn nested(&self) -> String {
        let mut s = format!("\u{1}{}", self.code as u8);
        for a in &self.args {
            s.push('\u{2}');
            s.push_str(a);
        }
        s
    }
}

/// What can say itself as a console message (an error that is part of one).
pub trait Said {
    /// The message.
    fn msg(&self) -> Msg;
}

/// `template` with each `{i}` replaced by `args[i]` (a hole with no argument stays as it is).
pub fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match (after.as_bytes().first(), after.as_bytes().get(1)) {
            (Some(d @ b'0'..=b'9'), Some(b'}')) if usize::from(d - b'0') < args.len() => {
                let arg = &args[usize::from(d - b'0')];
                match arg.strip_prefix('\u{1}') {
                    Some(inner) => out.push_str(&unnest(inner)),
                    None => out.push_str(arg),
                }
                rest = &after[2..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of a [`Msg::nested`] argument (after its `\u{1}`).
fn unnest(inner: &str) -> String {
    let mut parts = inner.split('\u{2}');
    let code = parts.next().and_then(|n| n.parse::<usize>().ok());
    let args: Vec<String> = parts.map(str::to_owned).collect();
    match code.and_then(|n| Code::ALL.get(n)) {
        Some(c) => fill(c.template(), &args),
        None => inner.to_owned(),
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&fill(self.code.template(), &self.args))
    }
}

/// The texts file the widget fetches: every template as a JSON array, in code order.
pub fn texts_json() -> String {
    crate::json::Value::Array(
        Code::ALL
            .iter()
            .map(|c| crate::json::Value::String(c.template().to_owned()))
            .collect(),
    )
    .to_string()
}

/// `docs/messages.md`: every code with its text (`core/tests/messages_doc.rs` compares).
pub fn markdown() -> String {
    let mut s = String::from(
        "# Allo's console messages\n\n\
         <!-- Written from `Code` in core/src/msg.rs: \
         `cargo run -p allo-core --example messages_doc > docs/messages.md`. -->\n\n\
         The widget prints these in the console, each filled with its arguments. It fetches \
         their texts beside the wasm with the first message; when that file cannot be loaded \
         it prints `Allo: message N [\"argument\", …]` instead: N is the number below, \
         and the arguments fill the holes `{0}`, `{1}`, … in order. An argument written \
         `\\u0001N\\u0002a\\u0002b` is itself message N, with the arguments a and b.\n\n\
         | N | text |\n|---|---|\n",
    );
    for c in Code::ALL {
        let text = c.template().replace('|', "\\|");
        s.push_str(&format!("| {} | `{text}` |\n", *c as u8));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_exactly_its_holes() {
        for (n, c) in Code::ALL.iter().enumerate() {
            assert_eq!(*c as usize, n, "ALL is in number order");
            let t = c.template();
            // A refused setting's template may leave arguments out; every other uses each.
            let refusal = t.starts_with("Allo: setting {0}: {1}") && c.arity() == 4;
            for i in 0..10 {
                let hole = format!("{{{i}}}");
                if i >= c.arity() {
                    assert!(
                        !t.contains(&hole),
                        "{c:?}: hole {hole} has no argument in {t}"
                    );
                } else if !refusal {
                    assert!(t.contains(&hole), "{c:?}: argument {i} unused in {t}");
                }
            }
            // Every hole filled, nothing else touched.
            let args: Vec<String> = (0..c.arity()).map(|i| format!("<{i}>")).collect();
            let out = fill(t, &args);
            assert!(!(0..10).any(|i| out.contains(&format!("{{{i}}}"))), "{out}");
            assert!(!out.contains('\u{1}'), "{c:?}: {out}");
        }
    }

    #[test]
    fn a_nested_message_fills_its_hole() {
        let inner = Msg::new(Code::ContextNotText, vec!["\"plan\"".into()]);
        let outer = Msg::new(Code::CallContext, vec!["setContext".into(), inner.nested()]);
        assert_eq!(
            outer.to_string(),
            "Allo: Allo.setContext(): the context value of \"plan\" must be text (or a number); the call was ignored."
        );
    }

    #[test]
    fn fill_leaves_braces_that_are_not_holes() {
        let args = vec!["a".to_owned()];
        assert_eq!(fill("{ x } {0} {1} {", &args), "{ x } a {1} {");
    }

    #[test]
    fn the_texts_file_is_the_templates_in_order() {
        let v = crate::json::Value::parse(&texts_json()).unwrap();
        let crate::json::Value::Array(items) = v else {
            panic!("an array")
        };
        assert_eq!(items.len(), Code::ALL.len());
        assert_eq!(
            items[Code::NotAnObject as usize].as_str(),
            Some(Code::NotAnObject.template())
        );
    }
}
