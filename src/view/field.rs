//! The forms' repeated field shapes, as plain functions rather than components: a labelled
//! text input or textarea with its hint and error linked by `aria-describedby`, a native
//! `<option>`, and an error line.
//!
//! Why functions: each component type costs its own copy of Yew's lifecycle code, and each
//! `<Component prop=… />` expands into a props builder at its call site; a function called with
//! a plain struct is one body, shared by both forms (`#[inline(never)]` keeps it one). The DOM is
//! the same as when these were components.
use allo_core::i18n::Strings;
use allo_core::validate::Problem;
use wasm_bindgen::prelude::wasm_bindgen;
use yew::prelude::*;

use crate::context::Ctx;

#[wasm_bindgen]
extern "C" {
    /// An `<input>`, `<textarea>` or `<select>`: each is read through the same `value`
    /// property, so one getter (one import, one closure per use) serves them all instead of
    /// web-sys's one per element type.
    #[wasm_bindgen(extends = web_sys::EventTarget)]
    type Control;

    #[wasm_bindgen(method, getter)]
    fn value(this: &Control) -> String;
}

/// The value of the form control `e` happened on.
#[inline(never)]
pub fn value_of(e: &Event) -> String {
    e.target_unchecked_into::<Control>().value()
}

/// What kind of control a [`Text`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `<input type="text">`.
    Text,
    /// `<input type="email">`.
    Email,
    /// `<textarea>`.
    Multiline,
}

/// One text field, as a form describes it.
pub struct Text<'a> {
    /// The visitor's strings ("(optional)" after the label of a field that is not required).
    pub strings: &'a Strings,
    /// The field's name in `allo_core` (`data-field` on the wrapper, where focus looks for it).
    pub field: &'static str,
    /// The control's id (unique within the widget); the error gets `{id}-error`, the hint
    /// `{id}-hint`.
    pub id: &'static str,
    /// The visible label.
    pub label: &'static str,
    /// The control.
    pub shape: Shape,
    /// The `autocomplete` token.
    pub autocomplete: Option<&'static str>,
    /// The current value.
    pub value: &'a str,
    /// Called with the new value on every input.
    pub oninput: Callback<String>,
    /// Shows "(optional)" after the label when false.
    pub required: bool,
    /// Read-only while sending.
    pub readonly: bool,
    /// The localized problem, if any.
    pub error: Option<AttrValue>,
    /// A hint under the field (e.g. a character counter), announced politely.
    pub hint: Option<AttrValue>,
}

/// The field, inside its `data-field` wrapper.
#[inline(never)]
pub fn text(f: Text<'_>) -> Html {
    // The ids grown by hand, not `format!`ted: one allocation each and no formatting code.
    let error_id = [f.id, "-error"].concat();
    let hint_id = [f.id, "-hint"].concat();
    let described = match (f.error.is_some(), f.hint.is_some()) {
        (true, true) => Some([error_id.as_str(), " ", hint_id.as_str()].concat()),
        (true, false) => Some(error_id.clone()),
        (false, true) => Some(hint_id.clone()),
        (false, false) => None,
    };
    let invalid = f.error.is_some().then_some("true");
    let value = AttrValue::from(f.value.to_owned());
    // One listener for either control.
    let oninput = f.oninput.reform(|e: InputEvent| value_of(&e));
    let input = if f.shape == Shape::Multiline {
        html! {
            <textarea id={f.id} class="allo-textarea" {value} {oninput}
                readonly={f.readonly} required={f.required} aria-invalid={invalid}
                aria-describedby={described} autocomplete={f.autocomplete} />
        }
    } else {
        let kind = if f.shape == Shape::Email {
            "email"
        } else {
            "text"
        };
        html! {
            <input id={f.id} class="allo-input" type={kind} {value} {oninput}
                readonly={f.readonly} required={f.required} aria-invalid={invalid}
                aria-describedby={described} autocomplete={f.autocomplete} />
        }
    };
    html! {
        <div data-field={f.field}>
            <div class="allo-field">
                <label class="allo-label" for={f.id}>
                    { f.label }
                    if !f.required {
                        {" "}<span class="allo-hint">{"("}{ f.strings.optional }{")"}</span>
                    }
                </label>
                { input }
                if let Some(hint) = f.hint {
                    <p id={hint_id} class="allo-status" aria-live="polite">{ hint }</p>
                }
                if let Some(err) = f.error {
                    { error(error_id.into(), "allo-error", err) }
                }
            </div>
        </div>
    }
}

/// The localized message of `field`'s problem among `problems`, if it has one.
#[inline(never)]
pub fn problem_text(ctx: &Ctx, problems: &[Problem], field: &str) -> Option<AttrValue> {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| AttrValue::from(ctx.problem_message(p)))
}

/// `<option value selected>text</option>`: the country, slot and category lists.
#[inline(never)]
pub fn option(value: AttrValue, selected: bool, text: AttrValue) -> Html {
    html! { <option {value} {selected}>{ text }</option> }
}

/// `<p id class>text</p>`: a field's problem, the id its control's `aria-describedby` names.
#[inline(never)]
pub fn error(id: AttrValue, class: &'static str, text: AttrValue) -> Html {
    html! { <p {id} ~className={class}>{ text }</p> }
}
