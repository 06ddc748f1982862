//! The feedback category: a native select of the owner's list (default categories translated,
//! the owner's own names shown as given).
use allo_core::i18n::Strings;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::context::use_app_ctx;

/// Props of [`Category`].
#[derive(Properties, PartialEq)]
pub struct CategoryProps {
    /// The chosen category.
    pub value: Option<String>,
    /// Called with the new choice (`None` for the empty choice).
    pub onchange: Callback<Option<String>>,
}

/// The visible label of a category value.
pub fn label<'a>(s: &'a Strings, value: &'a str) -> &'a str {
    match value {
        "problem" => s.cat_problem,
        "idea" => s.cat_idea,
        "praise" => s.cat_praise,
        "question" => s.cat_question,
        "other" => s.cat_other,
        custom => custom,
    }
}

/// The select.
#[component]
pub fn Category(props: &CategoryProps) -> Html {
    let ctx = use_app_ctx();
    let s = &ctx.strings;
    let onchange = props.onchange.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        (!v.is_empty()).then_some(v)
    });
    html! {
        <div class="allo-field">
            <label class="allo-label" for="allo-category">
                { s.category_label }{" "}<span class="allo-hint">{"("}{ s.optional }{")"}</span>
            </label>
            <select id="allo-category" class="allo-input allo-select" {onchange}>
                <option value="" selected={props.value.is_none()}>{ s.category_none }</option>
                { for ctx.config.categories.iter().map(|c| html! {
                    <option value={c.clone()} selected={props.value.as_deref() == Some(c.as_str())}>{ label(s, c) }</option>
                }) }
            </select>
        </div>
    }
}
