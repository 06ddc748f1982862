//! The rating scale as a native radio group: arrow keys move between options and every
//! option has an accessible name, with no scripting needed for either.
use allo_core::submission::Metric;
use yew::prelude::*;

use crate::context::AppContext;

/// Props of [`Rating`].
#[derive(Properties, PartialEq)]
pub struct RatingProps {
    /// The chosen score.
    pub value: Option<u8>,
    /// Called with the newly chosen score.
    pub onchange: Callback<u8>,
    /// The localized problem to show under the group, if any.
    pub error: Option<AttrValue>,
}

const CSAT_FACES: [&str; 5] = ["😠", "🙁", "😐", "🙂", "😄"];

/// The rating group for the widget's metric.
#[component]
pub fn Rating(props: &RatingProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let s = &ctx.strings;
    // Only CSAT is drawn so far; other metrics fall back to it until they get their own scale.
    let _metric: Metric = ctx.config.metric;
    let labels = [&s.csat_1, &s.csat_2, &s.csat_3, &s.csat_4, &s.csat_5];
    let described = props
        .error
        .as_ref()
        .map(|_| AttrValue::from("allo-score-error"));
    let invalid = props.error.is_some().then_some("true");
    html! {
        <fieldset class="allo-field" aria-describedby={described.clone()}>
            <legend class="allo-legend">{ &*s.csat_question }</legend>
            <div class="allo-rating">
                { for (1u8..=5).map(|score| {
                    let onchange = props.onchange.reform(move |_: Event| score);
                    let label = labels[usize::from(score - 1)].to_string();
                    html! {
                        <label class="allo-rating__option">
                            <input type="radio" class="allo-rating__input" name="allo-score"
                                id={format!("allo-score-{score}")}
                                value={score.to_string()} checked={props.value == Some(score)}
                                aria-invalid={invalid} {onchange} />
                            <span class="allo-rating__face" aria-hidden="true">{ CSAT_FACES[usize::from(score - 1)] }</span>
                            <span class="allo-visually-hidden">{ label }</span>
                        </label>
                    }
                }) }
            </div>
            <div class="allo-rating__ends" aria-hidden="true">
                <span>{ &*s.csat_1 }</span><span>{ &*s.csat_5 }</span>
            </div>
            if let Some(err) = &props.error {
                <p id="allo-score-error" class="allo-error">{ err.clone() }</p>
            }
        </fieldset>
    }
}
