//! The visitor's pages: their request's status for people, and unsubscribing from its emails.
//!
//! | method | path                             | what                                          |
//! |--------|----------------------------------|-----------------------------------------------|
//! | GET    | `/status/{id}?token=…`           | the status page: what the widget's "Your requests" shows, in the visitor's language |
//! | GET    | `/status/{id}/unsubscribe?token=…` | asks to confirm (a link must not unsubscribe: mail scanners follow links) |
//! | POST   | `/status/{id}/unsubscribe?token=…` | unsubscribes: the confirmation's button, and RFC 8058's one-click POST |
//! | GET    | `/status/page.css`               | the pages' stylesheet                         |
//!
//! Server-rendered, no script: the link in an email works in any mail client's browser. The
//! token is checked exactly as the JSON status endpoint checks it ([`routes::visitor_record`]:
//! rate limits, the count of wrong tokens, no database read for a wrong one) and stays out of
//! the logs the same way (the request log has the path, never the query). The sentences
//! about the request are the widget's ([`crate::visitor_text::describe`]); the page's own
//! come from allo-core's mail catalog with the owner's overrides.

use allo_core::i18n::{fill, Lang};
use allo_core::mail_text::MailStrings;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::limits::{Limited, StatusRequests};
use crate::routes::{self, AppState, TokenQuery};
use crate::store::Record;
use crate::visitor_text;

/// The pages' Content-Security-Policy: their stylesheet and the unsubscribe form, nothing else.
pub const CSP: &str = "default-src 'none'; style-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// The stylesheet served at `/status/page.css`.
pub const CSS: &str = include_str!("../assets/status.css");

/// A link at the bottom of a page.
struct Link {
    href: String,
    text: String,
}

/// The unsubscribe form.
struct Confirm {
    action: String,
    button: String,
}

#[derive(Template)]
#[template(path = "visitor.html")]
struct Page {
    lang: &'static str,
    title: String,
    kind: Option<String>,
    heading: String,
    lines: Vec<String>,
    form: Option<Confirm>,
    link: Option<Link>,
}

/// The visitor pages' routes, with their own CSP and no caching.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/status/page.css", get(css))
        .route("/status/{id}", get(status_page))
        .route(
            "/status/{id}/unsubscribe",
            get(unsubscribe_page).post(unsubscribe),
        )
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

fn render(page: &Page, status: StatusCode) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "status page template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn strings(state: &AppState, lang: Lang) -> MailStrings {
    let overrides = state
        .visitor_mail
        .as_ref()
        .map(|m| m.overrides.as_slice())
        .unwrap_or_default();
    MailStrings::localized(lang, overrides)
}

/// A refused token or an unknown request, in the browser's language: the same 4xx the JSON
/// endpoint gives, as a page.
fn refused(state: &AppState, headers: &HeaderMap, e: ApiError) -> Response {
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = Lang::negotiate(
        accepted
            .split(',')
            .map(|t| t.split(';').next().unwrap_or("")),
    );
    let s = strings(state, lang);
    let status = e.status();
    let text = match &e {
        ApiError::RateLimited { message, .. } => (*message).to_owned(),
        ApiError::Storage(reason) => {
            tracing::warn!(error = %reason, "visitor page: storage unavailable");
            "Please try again in a moment.".to_owned()
        }
        _ => s.page_unknown.clone(),
    };
    let retry_after = match &e {
        ApiError::RateLimited { retry_after, .. } => Some(*retry_after),
        _ => None,
    };
    let mut response = render(
        &Page {
            lang: lang.code(),
            title: text.clone(),
            kind: None,
            heading: text,
            lines: Vec::new(),
            form: None,
            link: None,
        },
        status,
    );
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// The record the status token in `query` opens (checked like the JSON endpoint's: the same
/// limits and refusals), with that token for the page's own links.
async fn checked(
    state: &AppState,
    id: &str,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
    limited: Result<Limited<StatusRequests>, ApiError>,
) -> Result<(Record, String), ApiError> {
    let ip = limited?.ip;
    let token = query.ok().and_then(|Query(q)| q.token);
    let record = routes::visitor_record(state, id, token.clone(), ip).await?;
    Ok((record, token.unwrap_or_default()))
}

/// `GET /status/{id}?token=…`.
async fn status_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
    limited: Result<Limited<StatusRequests>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let (record, token) = match checked(&state, &id, query, limited).await {
        Ok(found) => found,
        Err(e) => return refused(&state, &headers, e),
    };
    let lang = Lang::from_tag(&record.locale).unwrap_or(Lang::En);
    let s = strings(&state, lang);
    let now = crate::time::now_rfc3339();
    let zone = visitor_text::shop_zone(&record, &state.webhooks.zone);
    let view = crate::visitor_status::of(&record, &now, &state.webhooks.zone);
    let (headline, detail) = visitor_text::describe(&(&view).into(), lang, &now, &zone);
    let mut lines: Vec<String> = detail.into_iter().collect();
    if let Some(at) = &record.answered_at {
        lines.push(visitor_text::answered(at, lang, &zone));
    }
    let link = (record.visitor_email.is_some() && record.unsubscribed_at.is_none()).then(|| Link {
        href: format!(
            "/status/{}/unsubscribe?token={}",
            record.id,
            url_token(&token)
        ),
        text: s.page_unsubscribe.clone(),
    });
    render(
        &Page {
            lang: lang.code(),
            title: fill(&s.page_title, &[("ref", &record.reference)]),
            kind: Some(if record.is_callback() {
                s.page_kind_callback.clone()
            } else {
                s.page_kind_feedback.clone()
            }),
            heading: headline,
            lines,
            form: None,
            link,
        },
        StatusCode::OK,
    )
}

/// The token as it may appear in a link: base64url already, anything else dropped.
fn url_token(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}

/// `GET /status/{id}/unsubscribe?token=…`: the confirmation.
async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
    limited: Result<Limited<StatusRequests>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let (record, token) = match checked(&state, &id, query, limited).await {
        Ok(found) => found,
        Err(e) => return refused(&state, &headers, e),
    };
    let lang = Lang::from_tag(&record.locale).unwrap_or(Lang::En);
    let s = strings(&state, lang);
    let status_link = Link {
        href: format!("/status/{}?token={}", record.id, url_token(&token)),
        text: fill(&s.page_title, &[("ref", &record.reference)]),
    };
    if record.unsubscribed_at.is_some() {
        return done(&record, &s, lang, status_link);
    }
    render(
        &Page {
            lang: lang.code(),
            title: s.unsubscribe_title.clone(),
            kind: None,
            heading: fill(&s.unsubscribe_question, &[("ref", &record.reference)]),
            lines: Vec::new(),
            form: Some(Confirm {
                action: format!(
                    "/status/{}/unsubscribe?token={}",
                    record.id,
                    url_token(&token)
                ),
                button: s.unsubscribe_button.clone(),
            }),
            link: Some(status_link),
        },
        StatusCode::OK,
    )
}

fn done(record: &Record, s: &MailStrings, lang: Lang, link: Link) -> Response {
    render(
        &Page {
            lang: lang.code(),
            title: s.unsubscribe_title.clone(),
            kind: None,
            heading: fill(&s.unsubscribe_done, &[("ref", &record.reference)]),
            lines: Vec::new(),
            form: None,
            link: Some(link),
        },
        StatusCode::OK,
    )
}

/// `POST /status/{id}/unsubscribe?token=…`: the confirmation's button, or a mail client's
/// RFC 8058 one-click POST (body `List-Unsubscribe=One-Click`, not needed: the token is the
/// proof). Repeating it is harmless.
async fn unsubscribe(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
    limited: Result<Limited<StatusRequests>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let (record, token) = match checked(&state, &id, query, limited).await {
        Ok(found) => found,
        Err(e) => return refused(&state, &headers, e),
    };
    if let Err(e) = state
        .store
        .unsubscribe(record.id.clone(), crate::time::now_rfc3339())
        .await
    {
        return refused(&state, &headers, e.into());
    }
    tracing::info!(id = %record.id, "visitor unsubscribed from emails");
    let lang = Lang::from_tag(&record.locale).unwrap_or(Lang::En);
    let s = strings(&state, lang);
    let link = Link {
        href: format!("/status/{}?token={}", record.id, url_token(&token)),
        text: fill(&s.page_title, &[("ref", &record.reference)]),
    };
    done(&record, &s, lang, link)
}
