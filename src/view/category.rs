//! The feedback category: a native select of the owner's list (default categories translated,
//! the owner's own names shown as given). A plain function, for the reason given in
//! `view::field`.
use allo_core::i18n::Strings;
use yew::prelude::*;

use crate::view::field::{self, option};

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

/// The select of `categories`, `value` chosen; `onchange` gets the new choice (`None` for the
/// empty choice).
pub fn category(
    s: &Strings,
    categories: &[String],
    value: Option<&str>,
    onchange: Callback<Option<String>>,
) -> Html {
    let onchange = onchange.reform(|e: Event| {
        let v = field::value_of(&e);
        (!v.is_empty()).then_some(v)
    });
    html! {
        <div class="allo-field">
            <label class="allo-label" for="allo-category">
                { s.category_label }{" "}<span class="allo-hint">{"("}{ s.optional }{")"}</span>
            </label>
            <select id="allo-category" class="allo-input allo-select" {onchange}>
                { option(AttrValue::Static(""), value.is_none(), AttrValue::Static(s.category_none)) }
                { for categories.iter().map(|c| option(
                    AttrValue::from(c.clone()),
                    value == Some(c.as_str()),
                    AttrValue::from(label(s, c).to_owned()),
                )) }
            </select>
        </div>
    }
}
