//! Request status: one card per request the visitor follows, fetched fresh from the endpoint,
//! and the list of their open requests shown when they come back. The fetching and the
//! remembering are `hooks::use_visitor`'s; these only render.
use allo_core::status::RequestStatus;
use yew::prelude::*;

use crate::context::Ctx;
use crate::hooks::use_visitor::{status_at, Statuses};
use crate::intl::{Formatter, VisitorZone};
use crate::visitor::Tracked;

/// Where one request stands, in the visitor's language: `status` as
/// [`use_request_statuses`](crate::hooks::use_visitor::use_request_statuses) keeps it. A plain
/// function, for the reason given in `view::field`; keyed by the request's id.
pub fn status_card(ctx: &Ctx, tracked: &Tracked, status: &Option<Option<RequestStatus>>) -> Html {
    let s = &ctx.strings;
    let kind = if tracked.kind == "callback" {
        &s.kind_callback
    } else {
        &s.kind_feedback
    };
    let body = match status {
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
        <li key={tracked.id.clone()} class="allo-request" aria-live="polite">
            <p class="allo-request__kind">{ format!("{kind} · {}", tracked.reference()) }</p>
            { body }
        </li>
    }
}

/// The visitor's remembered `requests` (read by the panel when it opens) with their
/// `statuses`, shown at the top of the panel when there are any. A plain function, for the
/// reason given in `view::field`.
pub fn your_requests(ctx: &Ctx, requests: &[Tracked], statuses: &Statuses) -> Html {
    if requests.is_empty() {
        return html! {};
    }
    html! {
        <section class="allo-requests" aria-labelledby="allo-requests-title">
            <h3 id="allo-requests-title" class="allo-requests__title">{ ctx.strings.status_title }</h3>
            <ul class="allo-requests__list">
                { for requests.iter().enumerate().map(|(i, t)| status_card(ctx, t, &status_at(statuses, i))) }
            </ul>
        </section>
    }
}
