//! A labelled checkbox (remember me, urgent, consent), optionally with an error and a link.
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`Checkbox`].
#[derive(Properties, PartialEq)]
pub struct CheckboxProps {
    /// The input's id; the error gets `{id}-error`.
    pub id: AttrValue,
    /// The label text.
    pub label: AttrValue,
    /// Whether it is ticked.
    pub checked: bool,
    /// Called with the new state.
    pub onchange: Callback<bool>,
    /// A link shown after the label (e.g. the privacy policy): (text, href).
    #[prop_or_default]
    pub link: Option<(AttrValue, AttrValue)>,
    /// The localized problem, if any.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Must be ticked to send.
    #[prop_or_default]
    pub required: bool,
}

/// The checkbox.
#[component]
pub fn Checkbox(props: &CheckboxProps) -> Html {
    let onchange = props
        .onchange
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
    let error_id = format!("{}-error", props.id);
    html! {
        <div class="allo-check">
            <input id={props.id.clone()} type="checkbox" class="allo-check__box" checked={props.checked} {onchange}
                required={props.required}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={props.error.is_some().then_some(error_id.clone())} />
            <label for={props.id.clone()} class="allo-check__label">
                { props.label.clone() }
                if let Some((text, href)) = &props.link {
                    {" "}<a href={href.clone()} target="_blank" rel="noopener noreferrer">{ text.clone() }</a>
                }
            </label>
            if let Some(err) = &props.error {
                <p id={error_id} class="allo-error allo-check__error">{ err.clone() }</p>
            }
        </div>
    }
}
