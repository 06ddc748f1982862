//! `use_form_focus`: where focus goes and what the live region says across a form's submit
//! attempts — the first field with a problem after each submit, the thank-you state's heading
//! when it replaces the form (and its status list when the visitor asks for it), the form's
//! first control when the thank-you state gives way to a fresh form.
use std::rc::Rc;

use allo_core::form::fields;
use allo_core::i18n::{problems_summary, Strings};
use allo_core::validate::Problem;
use yew::prelude::*;

use crate::context::AppContext;
use crate::hooks::use_visitor::{use_request_statuses, Statuses};
use crate::visitor::Tracked;

/// Submits so far and what the live region said about the last one: the form's own record,
/// so a repeated submit with the same problems is announced and focused again.
#[derive(Clone, Default, PartialEq)]
pub struct Attempts {
    /// How many times the visitor pressed send.
    pub count: u32,
    /// "2 problems: …" for the last submit (empty when it found none).
    pub summary: String,
}

impl Attempts {
    /// The next attempt, finding `messages` (the localized problems, in field order).
    pub fn next(&self, s: &Strings, messages: &[String]) -> Attempts {
        Attempts {
            count: self.count + 1,
            summary: problems_summary(s, messages),
        }
    }

    /// The summary to put in the live region while problems remain. Every other attempt ends
    /// in a no-break space: the same words twice are a change, so they are spoken again.
    pub fn spoken(&self, problems_left: bool) -> String {
        match (problems_left && !self.summary.is_empty(), self.count % 2) {
            (false, _) => String::new(),
            (true, 0) => format!("{}\u{a0}", self.summary),
            (true, _) => self.summary.clone(),
        }
    }
}

/// What the hook keeps between renders, in one cell (each state or cell type is its own copy
/// of Yew's hook code, and the attempts need no render of their own: see
/// [`FormFocus::submitted`]).
struct Kept {
    /// The submits so far.
    attempts: Attempts,
    /// The attempt count as the effect last saw it; `None` before its first run.
    seen_count: Option<u32>,
    /// The thank-you state as the effect last saw it.
    was_done: bool,
}

/// What the form's thank-you state (`view::thanks`, a plain function) keeps while it shows.
pub struct ThanksState {
    /// Goes on its heading, which takes focus when it appears.
    pub heading: NodeRef,
    /// Goes on the status list, which takes focus when the visitor asks for it (the button
    /// they pressed is gone).
    pub status_list: NodeRef,
    /// The request whose status the visitor asked to see; none until they ask, and none again
    /// once the form is back. The request rather than a flag: `use_send` already keeps a
    /// state of this type, and each state type is its own copy of Yew's hook code.
    pub shown: UseStateHandle<Option<Tracked>>,
    /// Its status (`use_request_statuses`, shared with the panel's list).
    pub statuses: Statuses,
}

/// A form's ref, its attempts, and its thank-you state's.
pub struct FormFocus {
    /// Goes on the `<form>`.
    pub form_ref: NodeRef,
    kept: std::rc::Rc<std::cell::RefCell<Kept>>,
    /// What the thank-you state keeps.
    pub thanks: ThanksState,
}

impl FormFocus {
    /// Records a submit that finds `problems` (the reducer validates the same state, so these
    /// are the problems it will show). Call it just before dispatching the submit to the form's
    /// reducer: that dispatch renders the form, which then shows and focuses what this
    /// recorded (a cell, not a state, so the submit renders once, not twice).
    pub fn submitted(&self, ctx: &AppContext, problems: &[Problem]) {
        let messages: Vec<String> = problems.iter().map(|p| ctx.problem_message(p)).collect();
        let mut kept = self.kept.borrow_mut();
        kept.attempts = kept.attempts.next(&ctx.strings, &messages);
    }

    /// What the live region says about the last submit while `problems_left`.
    pub fn spoken(&self, problems_left: bool) -> String {
        self.kept.borrow().attempts.spoken(problems_left)
    }
}

fn focus_in(form_ref: &NodeRef, selectors: &[&str]) -> bool {
    let Some(form) = form_ref.cast::<web_sys::Element>() else {
        return false;
    };
    // The first selector that finds an element decides (a plain loop, not a chain of
    // `filter_map`s).
    for sel in selectors {
        if let Ok(Some(el)) = form.query_selector(sel) {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                return el.focus().is_ok();
            }
        }
    }
    false
}

/// The form's focus across attempts: after each submit that found problems, focus moves to
/// `first_problem`'s field — keyed on the attempt, not on the field, since fixing a field must
/// never pull focus away mid-typing. When `done` (the thank-you state) gives way to a fresh
/// form ("Send another message"), focus goes to the form's first control: the button that had
/// it is gone, and focus left on nothing would escape the dialog at the next Tab. When `done`
/// begins, the thank-you heading takes focus, and the status list when it is shown.
#[hook]
pub fn use_form_focus(first_problem: Option<&'static str>, done: bool) -> FormFocus {
    let form_ref = use_node_ref();
    let shown = use_state(|| None::<Tracked>);
    // Fetched once shown; the list is empty again when the form comes back.
    let statuses = use_request_statuses(Rc::new(shown.iter().cloned().collect()));
    let thanks = ThanksState {
        heading: use_node_ref(),
        status_list: use_node_ref(),
        shown,
        statuses,
    };
    // No count seen before the effect's first run, so that run looks for a problem as every
    // new attempt does.
    let kept = use_mut_ref(|| Kept {
        attempts: Attempts::default(),
        seen_count: None,
        was_done: done,
    });
    // One effect for both moves (each effect is its own copy of Yew's effect code).
    {
        let (form_ref, cell) = (form_ref.clone(), kept.clone());
        let (heading, status_list, shown) = (
            thanks.heading.clone(),
            thanks.status_list.clone(),
            thanks.shown.clone(),
        );
        let count = kept.borrow().attempts.count;
        use_effect_with(
            (count, done, shown.is_some()),
            move |&(count, done, status)| {
                let (last_count, was_done) = {
                    let mut k = cell.borrow_mut();
                    let last = (k.seen_count.replace(count), k.was_done);
                    k.was_done = done;
                    last
                };
                if last_count != Some(count) {
                    // Static selectors passed as they are, not copied into `String`s.
                    match first_problem {
                        Some(fields::SCORE) => focus_in(
                            &form_ref,
                            &[
                                "input[name='allo-score']:checked",
                                "input[name='allo-score']",
                            ],
                        ),
                        // The control marked invalid first (the phone number, not the country
                        // beside it).
                        Some(field) => focus_in(
                            &form_ref,
                            &[
                                &format!("[data-field='{field}'] [aria-invalid='true']"),
                                &format!("[data-field='{field}'] input, [data-field='{field}'] textarea, [data-field='{field}'] select"),
                            ],
                        ),
                        None => false,
                    };
                }
                if done && !was_done {
                    crate::view::focus(&heading);
                }
                // Once shown, the status stays until the form comes back.
                if done && status {
                    crate::view::focus(&status_list);
                }
                if was_done && !done {
                    if status {
                        shown.set(None);
                    }
                    focus_in(
                        &form_ref,
                        &["input:not([type='hidden']):not([tabindex='-1']), textarea, select, button"],
                    );
                }
            },
        );
    }
    FormFocus {
        form_ref,
        kept,
        thanks,
    }
}
