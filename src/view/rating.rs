//! The rating scale as a native radio group: arrow keys move between options and every
//! option has an accessible name, with no scripting needed for either. CSAT is drawn as
//! faces, NPS (0–10) and CES (1–7) as numbered choices with labelled ends.
use allo_core::i18n::{fill, Strings};
use allo_core::submission::Metric;
use yew::prelude::*;

use crate::context::Ctx;
use crate::view::field;
use crate::view::icons::face;

/// The question, each option's accessible name, and the labels of the two ends, for a metric
/// (the prompt card uses it too).
pub(crate) fn scale(
    metric: Metric,
    s: &Strings,
) -> (&'static str, Vec<(u8, AttrValue)>, [&'static str; 2]) {
    let (question, first, ends) = match metric {
        Metric::Csat => (s.csat_question, 1, [s.csat_1, s.csat_5]),
        Metric::Nps => (s.nps_question, 0, [s.nps_low, s.nps_high]),
        Metric::Ces => (s.ces_question, 1, [s.ces_1, s.ces_7]),
    };
    let csat = [s.csat_1, s.csat_2, s.csat_3, s.csat_4, s.csat_5];
    let ces = [
        s.ces_1, s.ces_2, s.ces_3, s.ces_4, s.ces_5, s.ces_6, s.ces_7,
    ];
    let last = match metric {
        Metric::Csat => 5,
        Metric::Nps => 10,
        Metric::Ces => 7,
    };
    // One loop for the three scales, not an iterator chain collected per metric (each chain
    // was a `collect` of its own).
    let mut options = Vec::new();
    for n in first..=last {
        let i = usize::from(n).saturating_sub(1);
        let name = match metric {
            Metric::Csat => AttrValue::Static(csat[i]),
            Metric::Nps => {
                let mut name = fill(s.nps_option, &[("n", &n.to_string())]);
                // The ends carry their meaning in the name too, for screen-reader users.
                for (end, label) in [(0, s.nps_low), (10, s.nps_high)] {
                    if n == end {
                        name.push_str(", ");
                        name.push_str(label);
                    }
                }
                AttrValue::from(name)
            }
            Metric::Ces => AttrValue::from(format!("{n}, {}", ces[i])),
        };
        options.push((n, name));
    }
    (question, options, ends)
}

/// The rating group for the widget's metric: `value` chosen, `onchange` called with the newly
/// chosen score, `error` the localized problem to show under the group, read-only while
/// sending. A plain function, for the reason given in `view::field`.
pub fn rating(
    ctx: &Ctx,
    value: Option<u8>,
    onchange: &Callback<u8>,
    error: Option<AttrValue>,
    readonly: bool,
) -> Html {
    let metric = ctx.config.metric;
    let (question, options, [low, high]) = scale(metric, &ctx.strings);
    let described = error.as_ref().map(|_| "allo-score-error");
    let invalid = error.is_some().then_some("true");
    // Written out rather than formatted: one static string per metric, set as the property
    // (`view`, on `className`).
    let class = match metric {
        Metric::Csat => "allo-rating allo-rating--csat",
        Metric::Nps => "allo-rating allo-rating--nps",
        Metric::Ces => "allo-rating allo-rating--ces",
    };
    html! {
        <fieldset class="allo-field" aria-describedby={described}>
            <legend class="allo-legend">{ question }</legend>
            <div ~className={class}>
                { for options.into_iter().map(|(score, name)| {
                    let onchange = onchange.reform(move |_: Event| score);
                    let shown = match metric {
                        Metric::Csat => face(score),
                        _ => html! { { score } },
                    };
                    html! {
                        <label class="allo-rating__option">
                            <input type="radio" class="allo-rating__input" name="allo-score"
                                value={score.to_string()} checked={value == Some(score)}
                                disabled={readonly && value != Some(score)}
                                aria-invalid={invalid} {onchange} />
                            <span class="allo-rating__face" aria-hidden="true">{ shown }</span>
                            <span class="allo-visually-hidden">{ name }</span>
                        </label>
                    }
                }) }
            </div>
            <div class="allo-rating__ends" aria-hidden="true">
                <span>{ low }</span><span>{ high }</span>
            </div>
            if let Some(err) = error {
                { field::error(AttrValue::Static("allo-score-error"), "allo-error", err) }
            }
        </fieldset>
    }
}
