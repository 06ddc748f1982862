//! Read-only, app-wide data every component may need: the config and the visitor's strings.
use std::rc::Rc;

use allo_core::config::Config;
use allo_core::i18n::{Lang, Strings};

/// The config plus the language chosen for this visitor.
#[derive(Debug)]
pub struct Ctx {
    /// The owner's settings, parsed once.
    pub config: Config,
    /// The language the widget speaks.
    pub lang: Lang,
    /// The BCP 47 tag sent with submissions (the most specific tag that picked `lang`).
    pub locale: String,
    /// The strings shown, with the owner's overrides applied.
    pub strings: Strings,
}

impl Ctx {
    /// Chooses the language from the owner's setting first, then the `candidates`
    /// (page `lang`, then the browser's languages).
    pub fn new(config: Config, candidates: &[String]) -> Ctx {
        let owner = config.locale.iter().map(String::as_str);
        let (lang, locale) = owner
            .chain(candidates.iter().map(String::as_str))
            .find_map(|tag| Lang::from_tag(tag).map(|l| (l, tag.trim().to_owned())))
            .unwrap_or((Lang::En, "en".to_owned()));
        let mut strings = lang.strings().clone();
        // The owner's overrides: first those for every language, then this language's own.
        for scope in ["*", lang.code()] {
            for (l, key, text) in &config.strings {
                if l == scope {
                    strings.set(key, text.clone());
                }
            }
        }
        Ctx { strings, config, lang, locale }
    }
}

/// The context value handed down the component tree. Compared by pointer: it never changes
/// after boot, so re-renders never need a deep comparison.
#[derive(Clone, Debug)]
pub struct AppContext(pub Rc<Ctx>);

impl From<Rc<Ctx>> for AppContext {
    fn from(c: Rc<Ctx>) -> Self {
        AppContext(c)
    }
}

impl PartialEq for AppContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for AppContext {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.0
    }
}
