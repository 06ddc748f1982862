//! The inbox's one error type: every way an inbox handler stops short, and the page or body
//! each one answers with, so handlers write `?`.
//!
//! Bad input is a 4xx that names the problem (a message page for people, plain text for the
//! scripts' endpoints); only a database failure is a 5xx, and its detail goes to the log.
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::accounts::Account;
use crate::auth::{AuthError, Owner};
use crate::html;
use crate::ratelimit;
use crate::store::StoreError;

/// Why an inbox request was not served.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The database failed: 503 "Unavailable", the detail logged, not shown.
    #[error("{0}")]
    Storage(#[from] StoreError),
    /// Logging in failed on the server's side (the database, the random source): the same 503.
    #[error("{0}")]
    Auth(#[from] AuthError),
    /// No credentials, or wrong ones: 401 with the login form (and the Bearer challenge for
    /// scripts), showing `error` if any.
    #[error("not signed in")]
    Unauthorized {
        /// The line shown above the login form.
        error: Option<&'static str>,
    },
    /// The address sent too many wrong credentials: 429, the login form, `Retry-After`.
    #[error("too many wrong credentials; wait {0:?}")]
    TooMany(Duration),
    /// A message page for a signed-in owner: bad input (400), a role's limit or an expired
    /// form (403), no such item or page (404), a conflict (409).
    #[error("{title}: {text}")]
    Page {
        /// The HTTP status.
        status: StatusCode,
        /// The page's heading.
        title: &'static str,
        /// The sentence that says what is wrong.
        text: String,
        /// The owner's CSRF token, for the page's logout form.
        csrf: String,
    },
    /// A plain-text 400 for the endpoints scripts read (the queue's fragment, the exports).
    #[error("{0}")]
    BadQuery(String),
    /// The accounts page again with `error` above its forms (400, or 409 for a conflict).
    #[error("{error}")]
    AccountsForm {
        /// The HTTP status.
        status: StatusCode,
        /// What is wrong, shown on the page.
        error: String,
        /// The accounts the page lists.
        accounts: Vec<Account>,
        /// The owner's CSRF token, for the page's forms.
        csrf: String,
    },
}

impl InboxError {
    /// A message page with `status` for `owner`.
    pub fn page(
        owner: &Owner,
        status: StatusCode,
        title: &'static str,
        text: impl Into<String>,
    ) -> InboxError {
        InboxError::Page {
            status,
            title,
            text: text.into(),
            csrf: owner.csrf().to_owned(),
        }
    }

    /// The 400 page for input that cannot be used, saying why.
    pub fn bad_input(owner: &Owner, title: &'static str, why: impl ToString) -> InboxError {
        InboxError::page(owner, StatusCode::BAD_REQUEST, title, why.to_string())
    }

    /// The 404 of every item route whose id matches no submission.
    pub fn no_such_item(owner: &Owner) -> InboxError {
        InboxError::page(
            owner,
            StatusCode::NOT_FOUND,
            "Not found",
            "No submission has this id.",
        )
    }

    /// The 404 of an account route whose id matches no account.
    pub fn no_such_account(owner: &Owner) -> InboxError {
        InboxError::page(
            owner,
            StatusCode::NOT_FOUND,
            "Not found",
            "No such account.",
        )
    }

    /// The 403 of a form without its session's CSRF token.
    pub fn form_expired(owner: &Owner) -> InboxError {
        InboxError::page(
            owner,
            StatusCode::FORBIDDEN,
            "Form expired",
            "Reload the page and try again.",
        )
    }

    /// The 403 for a role that may not do what it asked.
    pub fn not_for_role(owner: &Owner) -> InboxError {
        InboxError::page(
            owner,
            StatusCode::FORBIDDEN,
            "Not for your role",
            "Ask an owner of this inbox: your account may work the queue and the requests only.",
        )
    }
}

/// Answers 401 with the login form and the Bearer challenge.
fn unauthorized(error: Option<&str>) -> Response {
    let mut r = (StatusCode::UNAUTHORIZED, Html(html::login(error))).into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"allo-inbox\""),
    );
    r
}

impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        match self {
            e @ (InboxError::Storage(_) | InboxError::Auth(_)) => {
                tracing::error!(detail = %e, "storage failure in the inbox");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Html(html::message(
                        "Unavailable",
                        "The database did not answer; try again in a moment.",
                        None,
                    )),
                )
                    .into_response()
            }
            InboxError::Unauthorized { error } => unauthorized(error),
            InboxError::TooMany(wait) => {
                let mut r = (
                    StatusCode::TOO_MANY_REQUESTS,
                    Html(html::login(Some(
                        "Too many attempts; wait a minute and try again.",
                    ))),
                )
                    .into_response();
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(ratelimit::retry_after_secs(wait)),
                );
                r
            }
            InboxError::Page {
                status,
                title,
                text,
                csrf,
            } => (status, Html(html::message(title, &text, Some(&csrf)))).into_response(),
            InboxError::BadQuery(why) => (StatusCode::BAD_REQUEST, why).into_response(),
            InboxError::AccountsForm {
                status,
                error,
                accounts,
                csrf,
            } => (status, Html(html::accounts(&accounts, &csrf, Some(&error)))).into_response(),
        }
    }
}

/// What is wrong with the list's filters (the query of `/inbox` and the exports).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// `view` is neither empty, `all` nor `callbacks`.
    #[error("unknown view `{0}`; use callbacks")]
    View(String),
    /// `kind` is neither `feedback` nor `callback`.
    #[error("unknown kind `{0}`; use feedback or callback")]
    Kind(String),
    /// `status` names no status (the status vocabulary's own message).
    #[error("{0}")]
    Status(String),
    /// `from` or `to` is not a day.
    #[error("`{0}` must be a date like 2026-11-23")]
    Day(&'static str),
    /// `page` is not a page number.
    #[error("`page` must be a page number, not `{0}`")]
    Page(String),
    /// `context` is not `key=value`.
    #[error("`context` must be key=value, such as orderId=1042, not `{0}`")]
    Context(String),
    /// `assigned=mine` from the API token, which has no account.
    #[error("`assigned=mine` needs a logged-in account")]
    MineWithoutAccount,
    /// `assigned` is neither `mine` nor `none`.
    #[error("unknown `assigned` value `{0}`; use mine or none")]
    Assigned(String),
}
