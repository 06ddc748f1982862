//! Read-only, app-wide data every component may need: the config and the visitor's strings.
//!
//! The app hands it down through [`provide`] and [`use_app_ctx`] rather than Yew's
//! `ContextProvider`: that provider is a component type of its own, and its lookup and
//! subscription code is generic over the context's type (together ~5 KB of wasm before
//! wasm-opt, docs/performance.md, Size, session 8). One widget runs per page (`js_api` keeps one
//! running app too), so the context is the page's, not a subtree's.
use std::cell::RefCell;
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

/// The context the app last rendered with, and the re-render of every component that reads it.
#[derive(Default)]
struct Shared {
    ctx: Option<AppContext>,
    readers: Vec<(u32, UseForceUpdateHandle)>,
    /// The number the next reader gets.
    next: u32,
}

thread_local! {
    static SHARED: RefCell<Shared> = RefCell::default();
}

/// Makes `ctx` the context [`use_app_ctx`] returns. The app calls it on every render (its
/// children render after it): when `ctx` is a new one (`identify`, `setLocale`, `setContext`),
/// every component that reads the context renders again, as Yew's context provider did.
pub fn provide(ctx: &AppContext) {
    let readers = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        if s.ctx.as_ref() == Some(ctx) {
            return Vec::new();
        }
        s.ctx = Some(ctx.clone());
        std::mem::take(&mut s.readers)
    });
    // Outside the borrow: a re-render is scheduled, but nothing here may reach `SHARED` again.
    for (_, r) in &readers {
        r.force_update();
    }
    SHARED.with(|s| {
        let mut s = s.borrow_mut();
        let added = std::mem::replace(&mut s.readers, readers);
        s.readers.extend(added);
    });
}

/// A component's subscription to the context: renders it again when the context changes, for
/// as long as the component lives (Yew drops a component's hook states when it unmounts).
struct Reader(u32);

impl Drop for Reader {
    fn drop(&mut self) {
        SHARED.with(|s| s.borrow_mut().readers.retain(|(id, _)| *id != self.0));
    }
}

/// The app-wide context every component below [`crate::view::app::App`] reads. `App` always
/// provides it before they render, so its absence is a programming error, not a state to
/// render.
#[hook]
pub fn use_app_ctx() -> AppContext {
    let rerender = use_force_update();
    // Subscribed during the first render, as Yew's `use_context` does.
    use_mut_ref(move || {
        SHARED.with(|s| {
            let mut s = s.borrow_mut();
            let id = s.next;
            s.next = id.wrapping_add(1);
            s.readers.push((id, rerender));
            Reader(id)
        })
    });
    SHARED
        .with(|s| s.borrow().ctx.clone())
        .expect("AppContext is provided by App")
}
