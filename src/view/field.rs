//! A labelled text input or textarea with its error message linked by `aria-describedby`.
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::context::use_app_ctx;

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The input's id (unique within the widget); the error gets `{id}-error`.
    pub id: AttrValue,
    /// The visible label.
    pub label: AttrValue,
    /// The current value.
    pub value: AttrValue,
    /// Called with the new value on every input.
    pub oninput: Callback<String>,
    /// Shows "(optional)" after the label when false.
    #[prop_or_default]
    pub required: bool,
    /// `text`, `email`, `tel`, …; ignored for a textarea.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    /// A multi-line field.
    #[prop_or_default]
    pub multiline: bool,
    /// The `autocomplete` token.
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    /// The `inputmode` hint.
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    /// Read-only while sending.
    #[prop_or_default]
    pub readonly: bool,
    /// The localized problem, if any.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// A hint under the field (e.g. a character counter), announced politely.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

/// The field.
#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let ctx = use_app_ctx();
    let error_id = format!("{}-error", props.id);
    let hint_id = format!("{}-hint", props.id);
    let described: Vec<&str> = [
        (props.error.is_some(), error_id.as_str()),
        (props.hint.is_some(), hint_id.as_str()),
    ]
    .into_iter()
    .filter_map(|(on, id)| on.then_some(id))
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = props.error.is_some().then_some("true");
    let input = if props.multiline {
        let oninput = props
            .oninput
            .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
        html! {
            <textarea id={props.id.clone()} class="allo-textarea" value={props.value.clone()} {oninput}
                readonly={props.readonly} required={props.required} aria-invalid={invalid}
                aria-describedby={described} autocomplete={props.autocomplete.clone()} />
        }
    } else {
        let oninput = props
            .oninput
            .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
        html! {
            <input id={props.id.clone()} class="allo-input" type={props.kind.clone()} value={props.value.clone()} {oninput}
                readonly={props.readonly} required={props.required} aria-invalid={invalid}
                aria-describedby={described} autocomplete={props.autocomplete.clone()} inputmode={props.inputmode.clone()} />
        }
    };
    html! {
        <div class="allo-field">
            <label class="allo-label" for={props.id.clone()}>
                { props.label.clone() }
                if !props.required {
                    {" "}<span class="allo-hint">{"("}{ ctx.strings.optional }{")"}</span>
                }
            </label>
            { input }
            if let Some(hint) = &props.hint {
                <p id={hint_id} class="allo-status" aria-live="polite">{ hint.clone() }</p>
            }
            if let Some(err) = &props.error {
                <p id={error_id} class="allo-error">{ err.clone() }</p>
            }
        </div>
    }
}
