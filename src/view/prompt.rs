//! The prompt card: the owner's question with the rating inline, near the launcher.
//!
//! Not a dialog: it never takes focus and never blocks the page (it overlays, fixed, so
//! nothing moves). It is reachable with Tab (after the launcher), its score buttons and its
//! close button carry accessible names, Esc dismisses it (`use_prompt`), and the app's polite
//! live region announces it. Buttons, not the panel's radio group: in a radio group the
//! arrow keys choose, and here choosing answers at once. It carries the widget's `lang` and
//! `dir`, and its layout uses logical properties, so a right-to-left page does not break it.
use allo_core::config::Position;
use allo_core::submission::{Kind, Metric};
use yew::prelude::*;

use crate::context::AppContext;
use crate::hooks::use_prompt::{Reply, Shown};
use crate::view::icons::{close_icon, face};

/// The question as shown: the owner's, else the form's own.
pub fn question(ctx: &AppContext, shown: &Shown) -> String {
    shown.question.clone().unwrap_or_else(|| match shown.kind {
        Kind::Feedback => crate::view::rating::scale(ctx.config.metric, &ctx.strings)
            .0
            .to_owned(),
        Kind::Callback => ctx.strings.panel_title.to_owned(),
    })
}

/// The card: what to ask (`shown`), and `onreply` when the visitor answers or dismisses. A
/// plain function, for the reason given in `view::field`.
pub fn card(ctx: &AppContext, shown: &Shown, onreply: &Callback<Reply>) -> Html {
    let s = &ctx.strings;
    let metric = ctx.config.metric;
    // Every button of the card replies with a value fixed when it is drawn: one closure type
    // for all of them.
    let reply = |r: Reply| onreply.reform(move |_: MouseEvent| r);
    let answer = match shown.kind {
        Kind::Feedback => {
            let (_, options, _) = crate::view::rating::scale(metric, s);
            let scale_class = match metric {
                Metric::Csat => "allo-prompt__scale allo-prompt__scale--csat",
                Metric::Nps => "allo-prompt__scale allo-prompt__scale--nps",
                Metric::Ces => "allo-prompt__scale allo-prompt__scale--ces",
            };
            html! {
                <div ~className={scale_class}
                    role="group" aria-labelledby="allo-prompt-q">
                    { for options.into_iter().map(|(score, name)| html! {
                        <button type="button" class="allo-prompt__score" aria-label={name}
                            onclick={reply(Reply::Answered(Some(score)))}>
                            if metric == Metric::Csat { { face(score) } } else { { score } }
                        </button>
                    }) }
                </div>
            }
        }
        Kind::Callback => html! {
            <button type="button" class="allo-prompt__action"
                onclick={reply(Reply::Answered(None))}>
                { s.prompt_callback }
            </button>
        },
    };
    // Written out rather than formatted: one static string per position, set as the property
    // (`view`, on `className`).
    let class = match ctx.config.position {
        Position::BottomRight => "allo-prompt allo-prompt--bottom-right",
        Position::BottomLeft => "allo-prompt allo-prompt--bottom-left",
    };
    html! {
        <aside ~className={class} aria-labelledby="allo-prompt-q" lang={ctx.locale.clone()} dir={ctx.lang.dir()}>
            <div class="allo-prompt__header">
                <p id="allo-prompt-q" class="allo-prompt__question">{ question(ctx, shown) }</p>
                <button type="button" class="allo-prompt__close" aria-label={AttrValue::Static(s.prompt_dismiss)}
                    onclick={reply(Reply::Dismissed)}>
                    { close_icon() }
                </button>
            </div>
            { answer }
        </aside>
    }
}
