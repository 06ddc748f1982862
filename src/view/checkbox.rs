//! A labelled checkbox (remember me, urgent, consent), optionally with an error and a link: a
//! plain function, not a component, for the reason given in `view::field`.
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::view::field;

/// One checkbox, as a form describes it.
pub struct Check {
    /// The input's id; the error gets `{id}-error`.
    pub id: &'static str,
    /// The label text.
    pub label: &'static str,
    /// Whether it is ticked.
    pub checked: bool,
    /// Called with the new state.
    pub onchange: Callback<bool>,
    /// A link shown after the label (e.g. the privacy policy): (text, href).
    pub link: Option<(&'static str, AttrValue)>,
    /// The localized problem, if any.
    pub error: Option<AttrValue>,
    /// Must be ticked to send.
    pub required: bool,
}

impl Check {
    /// A checkbox with no link, no error, not required: the common case.
    pub fn plain(
        id: &'static str,
        label: &'static str,
        checked: bool,
        onchange: Callback<bool>,
    ) -> Check {
        Check {
            id,
            label,
            checked,
            onchange,
            link: None,
            error: None,
            required: false,
        }
    }
}

/// The checkbox.
#[inline(never)]
pub fn checkbox(c: Check) -> Html {
    let onchange = c
        .onchange
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
    let error_id = c.error.is_some().then(|| [c.id, "-error"].concat());
    html! {
        <div class="allo-check">
            <input id={c.id} type="checkbox" class="allo-check__box" checked={c.checked} {onchange}
                required={c.required}
                aria-invalid={c.error.is_some().then_some("true")}
                aria-describedby={error_id.clone()} />
            <label for={c.id} class="allo-check__label">
                { c.label }
                if let Some((text, href)) = c.link {
                    {" "}<a {href} target="_blank" rel="noopener noreferrer">{ text }</a>
                }
            </label>
            if let (Some(err), Some(id)) = (c.error, error_id) {
                { field::error(id.into(), "allo-error allo-check__error", err) }
            }
        </div>
    }
}
