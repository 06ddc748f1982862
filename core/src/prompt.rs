//! Prompts: when the widget may ask its short question by itself, and how rarely.
//!
//! The owner sets the triggers without code (`promptQuestion`, `promptPath`,
//! `promptAfterSeconds`, `promptAfterViews`, `promptOnExit`, `promptCapDays`: their entries are
//! in [`crate::settings::SETTINGS`], their reading here) or asks from
//! code with `Allo.ask`. Everything here is pure: the widget's `use_prompt` hook feeds it the
//! page's facts ([`Visit`]), what it remembers ([`History`], [`Session`]) and the clock, and
//! carries out the [`Plan`].
//!
//! The rules ([`caps`]): never on the first page view of a visit; never more than once per
//! session; none for `promptCapDays` days (default 30) after the visitor answered or
//! dismissed a prompt or sent anything. `Allo.ask` obeys the same caps unless the owner
//! passes `force`. [`History`] is written to storage only once the visitor interacted
//! (answered, dismissed, sent); a prompt shown and ignored is capped in memory for the page's
//! life only, so on a later page of the same visit it may show again (the privacy promise
//! wins over the cap there; `docs/embedding.md` says so).
use crate::json::{FromJson, Obj, ToJson, Value};
use crate::msg::{Code, Msg};
use crate::settings::{
    Reader, Setting, DEFAULT_CAP_DAYS, PROMPT_AFTER_SECONDS, PROMPT_AFTER_VIEWS, PROMPT_CAP_DAYS,
    PROMPT_ON_EXIT, PROMPT_PATH, PROMPT_QUESTION,
};

/// Longest `promptAfterSeconds` (an hour: a page left open longer is not being read).
pub const MAX_AFTER_SECONDS: u32 = 3600;
/// Most `promptAfterViews` counted.
pub const MAX_AFTER_VIEWS: u32 = 1000;
/// Longest question, in characters (it must fit a small card).
pub const QUESTION_MAX: usize = 140;
const DAY_MS: f64 = 86_400_000.0;

/// A path pattern (`/order/thanks*`): `*` stands for any run of characters, everything else
/// is matched exactly against `location.pathname`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern(String);

impl PathPattern {
    /// A pattern must start with `/` (it is a path, not a URL).
    pub fn parse(s: &str) -> Option<PathPattern> {
        let s = s.trim();
        (s.starts_with('/') && !s.chars().any(char::is_whitespace))
            .then(|| PathPattern(s.to_owned()))
    }

    /// True when `path` matches the whole pattern.
    pub fn matches(&self, path: &str) -> bool {
        let mut parts = self.0.split('*');
        let first = parts.next().unwrap_or("");
        let Some(mut rest) = path.strip_prefix(first) else {
            return false;
        };
        let parts: Vec<&str> = parts.collect();
        let Some((last, middle)) = parts.split_last() else {
            return rest.is_empty();
        };
        for part in middle {
            match rest.find(part) {
                Some(i) => rest = &rest[i + part.len()..],
                None => return false,
            }
        }
        rest.ends_with(last)
    }
}

/// The owner's prompt settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The owner's question (`promptQuestion`); `None`: the feedback form's own question.
    pub question: Option<String>,
    /// Only on pages whose path matches one of these (`promptPath`, comma-separated).
    pub paths: Vec<PathPattern>,
    /// After this many seconds on the page (`promptAfterSeconds`).
    pub after_seconds: Option<u32>,
    /// From this page view of the session on (`promptAfterViews`).
    pub after_views: Option<u32>,
    /// When the pointer leaves the page towards the top (`promptOnExit`), never on touch.
    pub on_exit: bool,
    /// Days without a prompt after an answer, a dismissal or a send (`promptCapDays`).
    pub cap_days: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            question: None,
            paths: Vec::new(),
            after_seconds: None,
            after_views: None,
            on_exit: false,
            cap_days: DEFAULT_CAP_DAYS,
        }
    }
}

impl Settings {
    /// Reads the prompt settings through `r`, which collects a warning for each value ignored.
    pub fn parse(r: &mut Reader) -> Settings {
        let mut s = Settings::default();
        let count = |r: &mut Reader, setting: &Setting, max: u32| {
            let v = r.get(setting)?;
            let n = v.parse::<u32>().ok().filter(|n| *n <= max);
            if n.is_none() {
                r.warn(
                    setting,
                    &v,
                    &format!("is not a whole number from 0 to {max}"),
                );
            }
            n
        };
        s.after_seconds = count(r, &PROMPT_AFTER_SECONDS, MAX_AFTER_SECONDS);
        s.after_views = count(r, &PROMPT_AFTER_VIEWS, MAX_AFTER_VIEWS);
        s.cap_days = r.number(&PROMPT_CAP_DAYS) as u32;
        s.question = r.get(&PROMPT_QUESTION).map(|q| {
            if q.chars().count() > QUESTION_MAX {
                r.note(
                    &PROMPT_QUESTION,
                    Code::QuestionCut,
                    vec![QUESTION_MAX.to_string()],
                );
            }
            q.chars().take(QUESTION_MAX).collect()
        });
        for p in r.get(&PROMPT_PATH).iter().flat_map(|l| l.split(',')) {
            match PathPattern::parse(p) {
                Some(pattern) => s.paths.push(pattern),
                None if p.trim().is_empty() => {}
                None => r.warn(&PROMPT_PATH, p.trim(), ""),
            }
        }
        // `data-prompt-on-exit` with no value reads as "" (set but empty): it means yes.
        s.on_exit = r.raw(&PROMPT_ON_EXIT).and_then(Value::as_str) == Some("")
            || r.choice(&PROMPT_ON_EXIT, &[false, true]);
        s
    }

    /// True when the owner configured a prompt without code (any prompt setting but the cap).
    pub fn configured(&self) -> bool {
        self.question.is_some()
            || !self.paths.is_empty()
            || self.after_seconds.is_some()
            || self.after_views.is_some()
            || self.on_exit
    }
}

/// A checked `Allo.ask(kind, { question, context, force })`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// The form the prompt leads to (feedback: the rating inline).
    pub kind: crate::submission::Kind,
    /// The question; `None`: the `promptQuestion` setting, else the form's own.
    pub question: Option<String>,
    /// Context added when the visitor answers.
    pub context: crate::owner_context::Changes,
    /// Skip the frequency caps (the owner knows better, e.g. right after a purchase).
    pub force: bool,
}

/// What the page says about this visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// `location.pathname`.
    pub path: String,
    /// Which page view of the session this is, from 1 (see [`page_views`]).
    pub views: u32,
    /// A touch device (no hovering fine pointer): no exit intent there.
    pub touch: bool,
}

/// The page view count of the session without storage: the Navigation API's index of this
/// entry among the tab's same-origin history entries, plus one; where the browser lacks it,
/// 2 when the visitor came from a page of the same site, else 1.
pub fn page_views(nav_index: Option<u32>, same_site_referrer: bool) -> u32 {
    match nav_index {
        Some(i) => i.saturating_add(1),
        None if same_site_referrer => 2,
        None => 1,
    }
}

/// When the configured prompt should be shown on this page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Show after this many milliseconds (0: as soon as the widget is ready).
    pub delay_ms: Option<u32>,
    /// Show when the pointer leaves the page towards the top.
    pub on_exit: bool,
}

/// What the settings ask for on `visit`, before the caps: `None` when no prompt is set, the
/// page does not match, the session has too few views, or the only trigger is exit intent on
/// a touch device.
pub fn plan(s: &Settings, visit: &Visit) -> Option<Plan> {
    if !s.configured() {
        return None;
    }
    if !s.paths.is_empty() && !s.paths.iter().any(|p| p.matches(&visit.path)) {
        return None;
    }
    if s.after_views.is_some_and(|n| visit.views < n) {
        return None;
    }
    let on_exit = s.on_exit && !visit.touch;
    let delay_ms = match s.after_seconds {
        Some(secs) => Some(secs * 1000),
        // Exit intent alone waits for the exit; on touch it never comes.
        None if s.on_exit => None,
        None => Some(0),
    };
    (delay_ms.is_some() || on_exit).then_some(Plan { delay_ms, on_exit })
}

/// True for a `mouseout` that is the pointer leaving the page towards the top: it left the
/// document (no element it went to) at or above its top edge.
pub fn is_exit(client_y: f64, left_document: bool) -> bool {
    left_document && client_y <= 0.0
}

/// What the visitor did that starts the quiet period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Answered a prompt.
    Answered,
    /// Closed a prompt.
    Dismissed,
    /// Sent something (any form, prompted or not).
    Sent,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Why::Answered => "answered",
            Why::Dismissed => "dismissed",
            Why::Sent => "sent",
        }
    }
}

/// What is kept in storage (`allo:prompt`), written only after the visitor interacted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct History {
    /// The last answer, dismissal or send: when (ms since the epoch) and which.
    pub last: Option<(f64, Why)>,
}

impl ToJson for History {
    fn to_json(&self) -> Value {
        match self.last {
            Some((at, why)) => Obj::new().set("at", at).set("why", why.as_str()).build(),
            None => Obj::new().build(),
        }
    }
}

impl FromJson for History {
    fn from_json(v: &Value) -> Option<History> {
        let why = match v.get("why")?.as_str()? {
            "answered" => Why::Answered,
            "dismissed" => Why::Dismissed,
            _ => Why::Sent,
        };
        Some(History {
            last: Some((v.field("at")?, why)),
        })
    }
}

/// What the widget knows about this page's life, in memory only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// Which page view of the session this is (see [`page_views`]).
    pub views: u32,
    /// A prompt was shown on this page already (answered, dismissed or ignored).
    pub prompted: bool,
}

/// Why no prompt may be shown now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Blocked {
    /// One was shown in this session already.
    ThisSession,
    /// The first page view of a visit.
    FirstView,
    /// Within the quiet period after an answer, a dismissal or a send.
    Quiet {
        /// The quiet period's length.
        days: u32,
        /// What started it.
        why: Why,
    },
}

impl crate::msg::Said for Blocked {
    /// Why, as a part of `Allo.ask()`'s console line ([`crate::msg`]).
    fn msg(&self) -> Msg {
        let (code, args) = match self {
            Blocked::ThisSession => (Code::BlockedThisSession, vec![]),
            Blocked::FirstView => (Code::BlockedFirstView, vec![]),
            Blocked::Quiet { days, why } => (
                match why {
                    Why::Answered => Code::QuietAnswered,
                    Why::Dismissed => Code::QuietDismissed,
                    Why::Sent => Code::QuietSent,
                },
                vec![days.to_string()],
            ),
        };
        Msg::new(code, args)
    }
}

/// The text of [`crate::msg::Said::msg`].
impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::msg::Said::msg(self).fmt(f)
    }
}

impl std::error::Error for Blocked {}

/// The frequency caps (see the module's documentation), at `now_ms`.
pub fn caps(
    cap_days: u32,
    history: &History,
    session: &Session,
    now_ms: f64,
) -> Result<(), Blocked> {
    if session.prompted {
        return Err(Blocked::ThisSession);
    }
    if session.views <= 1 {
        return Err(Blocked::FirstView);
    }
    if let Some((at, why)) = history.last {
        // A time in the future (a clock set back) counts as now: the cap holds.
        if now_ms - at < f64::from(cap_days) * DAY_MS {
            return Err(Blocked::Quiet {
                days: cap_days,
                why,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::j as json;

    /// 2026-11-23T18:00:00Z, the fixed clock of these tests.
    const NOW: f64 = 1_795_456_800_000.0;

    fn parse(raw: Value) -> (Settings, Vec<String>) {
        let mut r = Reader::new(raw.as_object().unwrap());
        let s = Settings::parse(&mut r);
        let warned = r
            .warnings
            .into_iter()
            .map(|w| format!("{}: {}", w.setting, w.detail()))
            .collect();
        (s, warned)
    }

    #[test]
    fn warnings_are_the_entries_words() {
        let (s, w) = parse(json!({
            "promptAfterViews": "many", "promptCapDays": -1, "promptOnExit": "maybe", "promptPath": "thanks",
        }));
        assert_eq!(s, Settings::default());
        assert_eq!(
            w,
            [
                "promptAfterViews: \"many\" is not a whole number from 0 to 1000; ignored",
                "promptCapDays: \"-1\" is not a whole number from 0 to 3650; using 30",
                "promptPath: \"thanks\" is not a path starting with \"/\" (use * for any characters); ignored",
                "promptOnExit: \"maybe\" is not false or true; using false",
            ]
        );
    }

    #[test]
    fn path_patterns() {
        let cases = [
            ("/order/thanks*", "/order/thanks", true),
            ("/order/thanks*", "/order/thanks/1042", true),
            ("/order/thanks*", "/order/thank", false),
            ("/order/thanks*", "/x/order/thanks", false),
            ("/order/thanks", "/order/thanks/", false),
            ("/order/*/done", "/order/1042/done", true),
            ("/order/*/done", "/order/1042/done/x", false),
            ("*/done", "/a/b/done", true),
            ("/a*b*c", "/abc", true),
            ("/a*b*c", "/acb", false),
            ("/*", "/", true),
        ];
        for (pattern, path, want) in cases {
            let p = PathPattern::parse(pattern).unwrap_or(PathPattern(pattern.into()));
            assert_eq!(p.matches(path), want, "{pattern} vs {path}");
        }
        assert_eq!(PathPattern::parse("order/thanks"), None);
        assert_eq!(PathPattern::parse("/a b"), None);
    }

    #[test]
    fn settings() {
        let (s, w) = parse(json!({}));
        assert_eq!((s.clone(), w.len()), (Settings::default(), 0));
        assert!(!s.configured());
        let (s, w) = parse(json!({
            "promptQuestion": " How was your order? ",
            "promptPath": "/order/thanks*, /checkout/done",
            "promptAfterSeconds": "5",
            "promptAfterViews": 2,
            "promptOnExit": "true",
            "promptCapDays": "14",
        }));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.question.as_deref(), Some("How was your order?"));
        assert_eq!(s.paths.len(), 2);
        assert_eq!(
            (s.after_seconds, s.after_views, s.on_exit, s.cap_days),
            (Some(5), Some(2), true, 14)
        );
        let (s, w) = parse(json!({
            "promptPath": "order, /ok*",
            "promptAfterSeconds": "-1",
            "promptCapDays": "soon",
            "promptOnExit": "maybe",
            "promptQuestion": "x".repeat(QUESTION_MAX + 5),
        }));
        assert_eq!(w.len(), 5, "{w:?}");
        assert_eq!(s.paths, [PathPattern("/ok*".into())]);
        assert_eq!(
            (s.after_seconds, s.cap_days, s.on_exit),
            (None, DEFAULT_CAP_DAYS, false)
        );
        assert_eq!(s.question.unwrap().chars().count(), QUESTION_MAX);
        // `data-prompt-on-exit` without a value.
        assert!(parse(json!({ "promptOnExit": "" })).0.on_exit);
    }

    #[test]
    fn plans() {
        let visit = |path: &str, views: u32, touch: bool| Visit {
            path: path.into(),
            views,
            touch,
        };
        let mut thanks = Settings {
            paths: vec![PathPattern::parse("/order/thanks*").unwrap()],
            ..Settings::default()
        };
        let now = Some(Plan {
            delay_ms: Some(0),
            on_exit: false,
        });
        let exit = Some(Plan {
            delay_ms: None,
            on_exit: true,
        });
        let cases: Vec<(&str, Settings, Visit, Option<Plan>)> = vec![
            (
                "nothing set",
                Settings::default(),
                visit("/", 3, false),
                None,
            ),
            (
                "path matches",
                thanks.clone(),
                visit("/order/thanks", 2, false),
                now,
            ),
            (
                "path differs",
                thanks.clone(),
                visit("/cart", 2, false),
                None,
            ),
            (
                "seconds",
                Settings {
                    after_seconds: Some(30),
                    ..Settings::default()
                },
                visit("/", 2, false),
                Some(Plan {
                    delay_ms: Some(30_000),
                    on_exit: false,
                }),
            ),
            (
                "too few views",
                Settings {
                    after_views: Some(3),
                    ..Settings::default()
                },
                visit("/", 2, false),
                None,
            ),
            (
                "enough views",
                Settings {
                    after_views: Some(3),
                    ..Settings::default()
                },
                visit("/", 3, false),
                now,
            ),
            (
                "exit, desktop",
                Settings {
                    on_exit: true,
                    ..Settings::default()
                },
                visit("/", 2, false),
                exit,
            ),
            (
                "exit, touch",
                Settings {
                    on_exit: true,
                    ..Settings::default()
                },
                visit("/", 2, true),
                None,
            ),
            (
                "exit or seconds, touch",
                Settings {
                    on_exit: true,
                    after_seconds: Some(10),
                    ..Settings::default()
                },
                visit("/", 2, true),
                Some(Plan {
                    delay_ms: Some(10_000),
                    on_exit: false,
                }),
            ),
            (
                "exit or seconds, desktop",
                Settings {
                    on_exit: true,
                    after_seconds: Some(10),
                    ..Settings::default()
                },
                visit("/", 2, false),
                Some(Plan {
                    delay_ms: Some(10_000),
                    on_exit: true,
                }),
            ),
            (
                "question alone: this page",
                Settings {
                    question: Some("How was your order?".into()),
                    ..Settings::default()
                },
                visit("/anything", 2, true),
                now,
            ),
        ];
        for (name, s, v, want) in cases {
            assert_eq!(plan(&s, &v), want, "{name}");
        }
        thanks.on_exit = true;
        assert_eq!(plan(&thanks, &visit("/order/thanks", 2, false)), exit);
    }

    #[test]
    fn cap_rules() {
        let day = DAY_MS;
        let at = |days_ago: f64, why: Why| History {
            last: Some((NOW - days_ago * day, why)),
        };
        let s = |views: u32, prompted: bool| Session { views, prompted };
        let quiet = |why| Err(Blocked::Quiet { days: 30, why });
        type Case = (&'static str, u32, History, Session, Result<(), Blocked>);
        let cases: Vec<Case> = vec![
            (
                "second view, never asked",
                30,
                History::default(),
                s(2, false),
                Ok(()),
            ),
            (
                "first view of the visit",
                30,
                History::default(),
                s(1, false),
                Err(Blocked::FirstView),
            ),
            (
                "already shown this session",
                30,
                History::default(),
                s(5, true),
                Err(Blocked::ThisSession),
            ),
            (
                "answered yesterday",
                30,
                at(1.0, Why::Answered),
                s(2, false),
                quiet(Why::Answered),
            ),
            (
                "dismissed 29.9 days ago",
                30,
                at(29.9, Why::Dismissed),
                s(2, false),
                quiet(Why::Dismissed),
            ),
            (
                "sent 10 days ago",
                30,
                at(10.0, Why::Sent),
                s(2, false),
                quiet(Why::Sent),
            ),
            (
                "answered 30 days ago",
                30,
                at(30.0, Why::Answered),
                s(2, false),
                Ok(()),
            ),
            (
                "owner cap of 7 days",
                7,
                at(8.0, Why::Dismissed),
                s(2, false),
                Ok(()),
            ),
            (
                "cap 0: only the session caps",
                0,
                at(0.0, Why::Dismissed),
                s(2, false),
                Ok(()),
            ),
            (
                "clock set back",
                30,
                at(-3.0, Why::Sent),
                s(2, false),
                quiet(Why::Sent),
            ),
        ];
        for (name, days, h, sess, want) in cases {
            assert_eq!(caps(days, &h, &sess, NOW), want, "{name}");
        }
        assert_eq!(
            Blocked::Quiet {
                days: 30,
                why: Why::Dismissed
            }
            .to_string(),
            "the visitor dismissed a prompt 30 days ago or less"
        );
    }

    #[test]
    fn history_round_trips_and_views() {
        let h = History {
            last: Some((NOW, Why::Dismissed)),
        };
        assert_eq!(History::from_json(&h.to_json()), Some(h));
        assert_eq!(History::from_json(&json!({})), None);
        assert!(is_exit(0.0, true) && is_exit(-4.0, true));
        assert!(!is_exit(0.0, false) && !is_exit(12.0, true));
        assert_eq!(page_views(Some(0), true), 1);
        assert_eq!(page_views(Some(3), false), 4);
        assert_eq!(page_views(None, true), 2);
        assert_eq!(page_views(None, false), 1);
    }
}
