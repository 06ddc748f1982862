//! Read-only, app-wide data every component may need: the config and the visitor's strings.
use std::rc::Rc;

use allo_core::config::Config;
use allo_core::i18n::{negotiate_locale, Lang, Strings, EN};
use yew::prelude::*;

/// The config plus the language chosen for this visitor.
#[derive(Debug)]
pub struct Ctx {
    /// The owner's settings, parsed once.
    pub config: Config,
    /// The language the widget speaks.
    pub lang: Lang,
    /// The BCP 47 tag that picked `lang`, in the form `Intl` accepts: dates and numbers are
    /// formatted with it, and it is sent with submissions.
    pub locale: String,
    /// The strings shown, with the owner's overrides applied.
    pub strings: Strings,
}

impl Ctx {
    /// Chooses the language from the owner's setting first, then the `candidates`
    /// (page `lang`, then the browser's languages); see [`negotiate_locale`]. English when
    /// that language's catalog is not in memory (it could not be loaded; `crate::catalog`).
    pub fn new(config: Config, candidates: &[String]) -> Ctx {
        let (lang, locale) = Ctx::language(config.locale.as_deref(), candidates);
        let (lang, locale, catalog) = match crate::catalog::loaded(lang) {
            Some(catalog) => (lang, locale, catalog),
            None => (Lang::En, "en".to_owned(), &EN),
        };
        let strings = Strings::localized_from(lang, catalog, &config.strings);
        Ctx {
            strings,
            config,
            lang,
            locale,
        }
    }

    /// The language and tag for the owner's `locale` setting and the `candidates`: what
    /// [`Ctx::new`] speaks once that language's catalog is loaded.
    pub fn language(owner: Option<&str>, candidates: &[String]) -> (Lang, String) {
        negotiate_locale(
            owner
                .into_iter()
                .chain(candidates.iter().map(String::as_str)),
        )
    }

    /// A whole number as the visitor writes it ("4,000" in English, "4.000" in German).
    pub fn number(&self, n: usize) -> String {
        crate::intl::number(&self.locale, n)
    }

    /// The localized message of a form problem, its limits written as the visitor writes them.
    pub fn problem_message(&self, p: &allo_core::validate::Problem) -> String {
        p.message_with(&self.strings, &|n| self.number(n))
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

/// The app-wide context every component below [`crate::view::app::App`] reads. `App` always
/// provides it, so its absence is a programming error, not a state to render.
#[hook]
pub fn use_app_ctx() -> AppContext {
    use_context::<AppContext>().expect("AppContext is provided by App")
}
