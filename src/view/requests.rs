//! Request status: one card per request the visitor follows, fetched fresh from the endpoint,
//! and the list of their open requests shown when they come back. The fetching and the
//! remembering are `hooks::use_visitor`'s; these only render.
use allo_core::i18n::Strings;
use yew::prelude::*;

use crate::context::use_app_ctx;
use crate::hooks::use_visitor::use_request_status;
use crate::intl::{Formatter, VisitorZone};
use crate::visitor::Tracked;

/// Props of [`StatusCard`].
#[derive(Properties, PartialEq)]
pub struct StatusCardProps {
    /// The request.
    pub tracked: Tracked,
}

/// Where one request stands, in the visitor's language.
#[component]
pub fn StatusCard(props: &StatusCardProps) -> Html {
    let ctx = use_app_ctx();
    let s = &ctx.strings;
    let state = use_request_status(props.tracked.clone());
    let kind = if props.tracked.kind == "callback" {
        &s.kind_callback
    } else {
        &s.kind_feedback
    };
    let body = match &*state {
        None => html! { <p class="allo-status">{ s.status_loading }</p> },
        Some(None) => html! { <p class="allo-status">{ s.status_unavailable }</p> },
        Some(Some(st)) => {
            // Times of a missed call are the visitor's: their zone, their language's format.
            let fmt = Formatter::new(&ctx.locale);
            let now = crate::intl::iso(crate::intl::now_ms());
            let (headline, detail) = st.describe(s, &now, &VisitorZone, &|f| fmt.show(f));
            let answered = st
                .answered_at
                .as_deref()
                .and_then(allo_core::zone::instant_ms)
                .map(|ms| {
                    let date = format!("{} {}", fmt.date(ms), fmt.time(ms));
                    allo_core::i18n::fill(s.status_answered, &[("date", &date)])
                });
            html! {
                <>
                    <p class="allo-request__headline">{ headline }</p>
                    if let Some(d) = detail {
                        <p class="allo-request__detail">{ d }</p>
                    }
                    if let Some(a) = answered {
                        <p class="allo-request__detail">{ a }</p>
                    }
                </>
            }
        }
    };
    html! {
        <li class="allo-request" aria-live="polite">
            <p class="allo-request__kind">{ format!("{kind} · {}", props.tracked.reference()) }</p>
            { body }
        </li>
    }
}

/// The visitor's remembered `requests` (read by the panel when it opens), shown
/// at the top of the panel when there are any. A plain function, for the reason given in
/// `view::field`.
pub fn your_requests(s: &Strings, requests: &[Tracked]) -> Html {
    if requests.is_empty() {
        return html! {};
    }
    html! {
        <section class="allo-requests" aria-labelledby="allo-requests-title">
            <h3 id="allo-requests-title" class="allo-requests__title">{ s.status_title }</h3>
            <ul class="allo-requests__list">
                { for requests.iter().map(|t| html! { <StatusCard key={t.id.clone()} tracked={t.clone()} /> }) }
            </ul>
        </section>
    }
}
