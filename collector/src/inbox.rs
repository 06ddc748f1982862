//! The owner's inbox at `/inbox`: thin handlers over the store, `auth` and `html`/`export`.
//!
//! | method | path                        | what                                            |
//! |--------|-----------------------------|-------------------------------------------------|
//! | GET    | `/inbox`                    | list, filters `q` (search), `kind`, `status` (a status, `open`, `overdue`), `from`, `to`, `context` (`key=value`), `page`; `view=callbacks` alone is the callback queue |
//! | GET    | `/inbox/queue/stamp`        | the queue's change stamp, for the live script (text) |
//! | GET    | `/inbox/queue/fragment`     | the queue's cards alone, for the live script    |
//! | GET    | `/inbox/item/{id}`          | one submission, its calls, history, deliveries, the status form |
//! | POST   | `/inbox/item/{id}/status`   | form `csrf`, `status`, `note`, `by`, `visitor_message`, `due_by` → 303 |
//! | POST   | `/inbox/item/{id}/reply`    | form `csrf`, `body` → the reply emailed to the visitor, 303 |
//! | POST   | `/inbox/item/{id}/attempt`  | form `csrf`, `outcome`, `retry` (`30m`…, `tomorrow`), `retry_at`, `note`, `by`, `back` → 303 |
//! | GET    | `/inbox/export.csv`, `.json`| the list's rows with the same filters           |
//! | GET    | `/inbox/insights`           | figures and charts, `period` (7, 30, 90, year, custom with `from`/`to`), `category`, `path`, `lang` |
//! | GET    | `/inbox/insights.csv`       | the same figures as CSV                         |
//! | POST   | `/inbox/item/{id}/assign`   | form `csrf`, `to` (`me`, an account id, empty: nobody) → 303 |
//! | GET/POST | `/inbox/login`            | login form / form `email`, `password` → cookie, 303 |
//! | POST   | `/inbox/logout`             | form `csrf` → cookie cleared, 303               |
//! | POST   | `/inbox/logout/everywhere`  | form `csrf` → every session of the account ends, 303 |
//! | GET/POST | `/inbox/accounts`         | owners: the accounts / form `csrf`, `email`, `name`, `role`, `password` → 303 |
//! | POST   | `/inbox/accounts/{id}`      | owners: form `csrf`, `action` (`disable`, `enable`, `role`, `password`), `role`, `password` → 303 |
//!
//! Everything but the login page, the stylesheet and the queue's script answers 401 without
//! credentials; what a role may not do ([`crate::accounts::Role::may`]) answers 403. Mounted
//! when `--inbox-token` is set or the database has an account; otherwise `/inbox` is a plain
//! 404. The token is the API credential (Bearer, owner's rights); people log in with their
//! account.
//!
//! Pages show times in the owner's zone (`--timezone`, see [`crate::owner_zone`]), and typed times
//! and the `from`/`to` days are read in it; exports keep the stored UTC instants.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::accounts::{self as team, Action};
use crate::attempts::{self, AttemptInput, CallPolicy, Outcome, RetryChoice};
use crate::auth::{self, InboxAuth, Login, Owner};
use crate::export;
use crate::html::{self, ItemExtras, Paging, Shown};
use crate::insights;
use crate::owner_zone::Zone;
use crate::ratelimit::{self, Failures};
use crate::status::Status;
use crate::store::{Assigned, Filter, Order, Recorded, StatusChange, StatusFilter, Store};
use crate::time;

/// Rows per page of the list (pages go on as far as the rows do; exports stream every row).
pub const PER_PAGE: u32 = 100;
/// Longest note kept.
pub const NOTE_MAX: usize = 2000;
/// Longest name kept in the history.
pub const NAME_MAX: usize = 100;
/// Longest message to the visitor (the widget shows it in a small panel).
pub const VISITOR_MESSAGE_MAX: usize = 500;

/// What the inbox handlers share.
#[derive(Clone)]
pub struct InboxState {
    /// The submissions.
    pub store: Arc<dyn Store>,
    /// The token and sessions.
    pub auth: Arc<InboxAuth>,
    /// Wrong credentials per client address (login form, Bearer, session cookie), shared
    /// with the status endpoint's tokens.
    pub failures: Arc<Failures>,
    /// Whether `X-Forwarded-*` headers are believed.
    pub trust_proxy: bool,
    /// The zone pages show times in and typed times are read in.
    pub zone: Zone,
    /// How callbacks are called back: attempts allowed, hours retries fall in.
    pub calls: Arc<CallPolicy>,
    /// Emails to visitors (replies, delay and missed-call notices); `None` when off.
    pub visitor: Option<VisitorEmails>,
}

/// What the inbox needs to email visitors.
#[derive(Clone)]
pub struct VisitorEmails {
    /// Their settings and texts.
    pub mail: Arc<crate::visitor_mail::VisitorMail>,
    /// The status-token key, for the links in the emails.
    pub key: Arc<crate::status_token::StatusKey>,
    /// Wakes the outbox's sender.
    pub wake: Arc<tokio::sync::Notify>,
}

impl InboxState {
    /// Emails visitors about the owner's changes and replies.
    pub fn with_visitor_emails(mut self, visitor: Option<VisitorEmails>) -> InboxState {
        self.visitor = visitor;
        self
    }

    /// Queues `message` (an email to the visitor of `id`) and wakes the sender; a failure
    /// is logged, not shown: the owner's change itself is saved.
    async fn notify(&self, id: &str, message: Option<crate::visitor_mail::Rendered>) {
        let (Some(visitor), Some(rendered)) = (&self.visitor, message) else {
            return;
        };
        let key = rendered.message.event_key.clone();
        match self
            .store
            .queue_notices(id.to_owned(), time::now_rfc3339(), vec![rendered.message])
            .await
        {
            Ok(0) => tracing::info!(%id, ?key, "visitor email already queued (or unsubscribed)"),
            Ok(_) => {
                tracing::info!(%id, ?key, "visitor email queued");
                visitor.wake.notify_one();
            }
            Err(e) => tracing::error!(%id, ?key, error = %e, "visitor email not queued"),
        }
    }

    /// The inbox of the accounts in `store`, with `token` (if any) as the API credential.
    pub fn new(store: Arc<dyn Store>, token: Option<&str>, trust_proxy: bool) -> InboxState {
        InboxState {
            auth: Arc::new(InboxAuth::new(Arc::clone(&store), token)),
            store,
            failures: Arc::new(Failures::new(ratelimit::DEFAULT_AUTH_FAILURES)),
            trust_proxy,
            zone: Zone::utc(),
            calls: Arc::new(CallPolicy::default()),
            visitor: None,
        }
    }

    /// The same inbox counting wrong credentials in `failures` (shared with other doors).
    pub fn with_failures(mut self, failures: Arc<Failures>) -> InboxState {
        self.failures = failures;
        self
    }

    /// The client address of a request, as the rate limits key it.
    fn client_ip(
        &self,
        extensions: &axum::http::Extensions,
        headers: &HeaderMap,
    ) -> Option<IpAddr> {
        let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        ratelimit::client_ip(peer, headers, self.trust_proxy)
    }

    /// The owner, if the request proves it; a wrong Bearer token or session cookie counts
    /// against the address, and an address over the limit is refused unchecked: `Err` holds
    /// how long until it may try again (answer it with [`too_many`]).
    async fn owner(
        &self,
        extensions: &axum::http::Extensions,
        headers: &HeaderMap,
    ) -> Result<Option<Owner>, Response> {
        let bearer = headers.contains_key(header::AUTHORIZATION);
        let cookie = auth::cookie(headers, auth::COOKIE).is_some();
        if !bearer && !cookie {
            return Ok(None);
        }
        let ip = self.client_ip(extensions, headers);
        let now = Instant::now();
        self.failures.refused(ip, now).map_err(too_many)?;
        let owner = self
            .auth
            .authenticate(headers, time::now_millis())
            .await
            .map_err(storage_error)?;
        if owner.is_none() {
            let kind = if bearer {
                "inbox bearer"
            } else {
                "inbox session"
            };
            self.failures.failed(ip, kind, now);
        }
        Ok(owner)
    }

    /// The same inbox showing times in `zone` (UTC without it); retries are planned in it too.
    pub fn with_zone(mut self, zone: Zone) -> InboxState {
        let mut calls = (*self.calls).clone();
        calls.hours.zone = zone.clone();
        self.calls = Arc::new(calls);
        self.zone = zone;
        self
    }

    /// The same inbox with these rules for calling back (their zone is the inbox's).
    pub fn with_calls(mut self, mut calls: CallPolicy) -> InboxState {
        calls.hours.zone = self.zone.clone();
        self.calls = Arc::new(calls);
        self
    }
}

/// The inbox routes, with their own CSP and no caching.
pub fn router(state: InboxState) -> Router {
    Router::new()
        .route("/inbox", get(list))
        .route("/inbox/", get(list))
        .route("/inbox/inbox.css", get(css))
        .route("/inbox/queue.js", get(queue_js))
        .route("/inbox/queue/stamp", get(queue_stamp))
        .route("/inbox/queue/fragment", get(queue_fragment))
        .route("/inbox/login", get(login_page).post(login))
        .route("/inbox/logout", post(logout))
        .route("/inbox/logout/everywhere", post(logout_everywhere))
        .route("/inbox/accounts", get(accounts_page).post(add_account))
        .route("/inbox/accounts/{id}", post(change_account))
        .route("/inbox/item/{id}/assign", post(assign))
        .route("/inbox/item/{id}", get(item))
        .route("/inbox/item/{id}/status", post(set_status))
        .route("/inbox/item/{id}/attempt", post(record_attempt))
        .route("/inbox/item/{id}/reply", post(reply))
        .route("/inbox/insights", get(insights_page))
        .route("/inbox/insights.csv", get(insights_csv))
        .route("/inbox/export.csv", get(export_csv))
        .route("/inbox/export.json", get(export_json))
        .route("/inbox/{*rest}", axum::routing::any(not_found))
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(html::INBOX_CSP),
        ))
        // Personal data: no cache may keep a page or an export.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Answers 401 with the login form (and the Bearer challenge for scripts).
fn unauthorized(error: Option<&str>) -> Response {
    let mut r = (StatusCode::UNAUTHORIZED, Html(html::login(error))).into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"allo-inbox\""),
    );
    r
}

fn page_error(status: StatusCode, title: &str, text: &str, owner: &Owner) -> Response {
    (status, Html(html::message(title, text, Some(owner.csrf())))).into_response()
}

/// The 404 of every item route whose id matches no submission.
fn no_such_item(owner: &Owner) -> Response {
    page_error(
        StatusCode::NOT_FOUND,
        "Not found",
        "No submission has this id.",
        owner,
    )
}

fn storage_error(e: impl std::fmt::Display) -> Response {
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

/// The 429 for an address that sent too many wrong credentials: the login form, with
/// `Retry-After`.
fn too_many(wait: std::time::Duration) -> Response {
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

impl FromRequestParts<InboxState> for Owner {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &InboxState) -> Result<Owner, Response> {
        state
            .owner(&parts.extensions, &parts.headers)
            .await?
            .ok_or_else(|| {
                let tried = parts.headers.contains_key(header::AUTHORIZATION);
                unauthorized(tried.then_some("That token is not valid."))
            })
    }
}

/// The list's query parameters, as sent by the filter form or a link.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `callbacks` for the urgency-sorted callbacks view.
    #[serde(default)]
    pub view: String,
    /// `feedback` or `callback`.
    #[serde(default)]
    pub kind: String,
    /// A status name, `open`, `overdue` or `any`.
    #[serde(default)]
    pub status: String,
    /// First day received, `YYYY-MM-DD`, a day in the owner's zone.
    #[serde(default)]
    pub from: String,
    /// Last day received, `YYYY-MM-DD` in the owner's zone, inclusive.
    #[serde(default)]
    pub to: String,
    /// Search words (see [`crate::search`]).
    #[serde(default)]
    pub q: String,
    /// The page, 1-based; empty is the first.
    #[serde(default)]
    pub page: String,
    /// `mine` (taken by the viewer) or `none` (taken by nobody); empty: whoever.
    #[serde(default)]
    pub assigned: String,
    /// One entry of the owner's context, `key=value` (see [`crate::context`]).
    #[serde(default)]
    pub context: String,
}

impl ListQuery {
    /// The store filter and the filters to show back, or what is wrong with them; days are
    /// days in `zone`.
    pub fn filter(&self, zone: &Zone) -> Result<(Filter, Shown), String> {
        self.filter_at(&time::now_rfc3339(), zone)
    }

    /// True for the callback queue: the callbacks view with no filter of its own.
    pub fn is_queue(&self) -> bool {
        // `assigned` is allowed: "Mine" and "Unassigned" are views of the queue too.
        self.view == "callbacks"
            && [
                &self.status,
                &self.from,
                &self.to,
                &self.q,
                &self.page,
                &self.context,
            ]
            .iter()
            .all(|v| v.trim().is_empty())
    }

    /// Who took what, for the viewer `me` (`None`: the API token, which has no "mine").
    pub fn assigned(&self, me: Option<i64>) -> Result<Assigned, String> {
        match (self.assigned.as_str(), me) {
            ("", _) => Ok(Assigned::Any),
            ("none", _) => Ok(Assigned::Nobody),
            ("mine", Some(id)) => Ok(Assigned::To(id)),
            ("mine", None) => Err("`assigned=mine` needs a logged-in account".into()),
            (other, _) => Err(format!(
                "unknown `assigned` value `{other}`; use mine or none"
            )),
        }
    }

    /// [`ListQuery::filter`] with the clock given (`overdue` is relative to `now`).
    pub fn filter_at(&self, now: &str, zone: &Zone) -> Result<(Filter, Shown), String> {
        let callbacks = match self.view.as_str() {
            "" | "all" => false,
            "callbacks" => true,
            other => return Err(format!("unknown view `{other}`; use callbacks")),
        };
        let kind = match (callbacks, self.kind.as_str()) {
            (true, _) => Some("callback".to_owned()),
            (false, "") => None,
            (false, k @ ("feedback" | "callback")) => Some(k.to_owned()),
            (false, other) => {
                return Err(format!("unknown kind `{other}`; use feedback or callback"))
            }
        };
        let status = match self.status.as_str() {
            // The callbacks view is a to-do list: open ones unless asked otherwise.
            "" if callbacks => StatusFilter::Open,
            "" | "any" => StatusFilter::Any,
            "open" | "overdue" => StatusFilter::Open,
            name => StatusFilter::Only(name.parse::<Status>()?),
        };
        let overdue_at = (self.status == "overdue").then(|| now.to_owned());
        let day = |name: &str, value: &str| -> Result<Option<(String, String)>, String> {
            if value.is_empty() {
                return Ok(None);
            }
            zone.day_bounds(value)
                .map(Some)
                .ok_or_else(|| format!("`{name}` must be a date like 2026-11-23"))
        };
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        let page = match self.page.trim() {
            "" => 1,
            p => p
                .parse::<u32>()
                .ok()
                .filter(|&p| p >= 1)
                .ok_or_else(|| format!("`page` must be a page number, not `{p}`"))?,
        };
        let q = self.q.trim();
        let context = match self.context.trim() {
            "" => None,
            c => Some(crate::context::EntryFilter::parse(c).ok_or_else(|| {
                format!("`context` must be key=value, such as orderId=1042, not `{c}`")
            })?),
        };
        let filter = Filter {
            kind,
            status,
            received_from: from.map(|(start, _)| start),
            received_to: to.map(|(_, end)| end),
            order: if callbacks {
                Order::Urgency
            } else {
                Order::Newest
            },
            overdue_at,
            search: crate::search::terms(q),
            limit: None,
            offset: None,
            assigned: Assigned::Any,
            context: context.clone(),
        };
        let shown = Shown {
            view: if callbacks {
                "callbacks".into()
            } else {
                String::new()
            },
            kind: if callbacks {
                String::new()
            } else {
                self.kind.clone()
            },
            status: self.status.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            q: q.to_owned(),
            page,
            assigned: self.assigned.clone(),
            context: context.map(|c| c.query()).unwrap_or_default(),
        };
        Ok((filter, shown))
    }
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        html::CSS,
    )
        .into_response()
}

async fn not_found(owner: Owner) -> Response {
    page_error(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no such page in the inbox.",
        &owner,
    )
}

async fn queue_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        html::QUEUE_JS,
    )
        .into_response()
}

async fn list(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Response {
    let assigned = match q.assigned(owner.account().map(|a| a.id)) {
        Ok(a) => a,
        Err(e) => return page_error(StatusCode::BAD_REQUEST, "Bad filter", &e, &owner),
    };
    let team = match team_view(&state, &owner).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    if q.is_queue() {
        return match queue_view(&state, &owner, assigned, &team, &q.assigned).await {
            Ok(view) => {
                Html(html::queue_page(&view, owner.csrf(), &team, &q.assigned)).into_response()
            }
            Err(r) => r,
        };
    }
    let (mut filter, shown) = match q.filter(&state.zone) {
        Ok(f) => f,
        Err(e) => return page_error(StatusCode::BAD_REQUEST, "Bad filter", &e, &owner),
    };
    filter.assigned = assigned;
    let total = match state.store.count(filter.clone()).await {
        Ok(n) => n,
        Err(e) => return storage_error(e),
    };
    let paging = Paging {
        page: shown.page,
        per_page: PER_PAGE,
        total,
    };
    if shown.page > paging.pages() {
        return page_error(
            StatusCode::NOT_FOUND,
            "No such page",
            &format!("These filters fill {} page(s).", paging.pages()),
            &owner,
        );
    }
    filter.limit = Some(PER_PAGE);
    filter.offset = Some(u64::from(shown.page - 1) * u64::from(PER_PAGE));
    let records = match state.store.list(filter).await {
        Ok(records) => records,
        Err(e) => return storage_error(e),
    };
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let problems = match state.store.delivery_problems(ids).await {
        Ok(p) => p.into_iter().collect(),
        Err(e) => return storage_error(e),
    };
    let team = match team.with_assignees(&state, &records).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    Html(html::list(
        &records,
        &shown,
        owner.csrf(),
        &time::now_rfc3339(),
        paging,
        &problems,
        &state.zone,
        &team,
    ))
    .into_response()
}

/// The viewer's rights and the team's accounts, as the pages show them.
async fn team_view(state: &InboxState, owner: &Owner) -> Result<html::Team, Response> {
    let accounts = state.store.accounts().await.map_err(storage_error)?;
    Ok(html::Team {
        me: owner.account().map(|a| a.id),
        may_export: owner.may(Action::Export),
        may_manage: owner.may(Action::ManageAccounts),
        people: accounts
            .into_iter()
            .map(|a| (a.id, a.label(), a.disabled))
            .collect(),
        assigned: Default::default(),
    })
}

impl html::Team {
    /// The same team knowing who took each of `records`.
    async fn with_assignees(
        mut self,
        state: &InboxState,
        records: &[crate::store::Record],
    ) -> Result<html::Team, Response> {
        let ids = records.iter().map(|r| r.id.clone()).collect();
        self.assigned = state
            .store
            .assignees(ids)
            .await
            .map_err(storage_error)?
            .into_iter()
            .collect();
        Ok(self)
    }
}

/// The open callbacks, in queue order, as the queue page and its fragment show them.
async fn queue_view(
    state: &InboxState,
    owner: &Owner,
    assigned: Assigned,
    team: &html::Team,
    assigned_param: &str,
) -> Result<html::QueueView, Response> {
    // The stamp first: a change landing between the two reads is then seen again next time
    // rather than missed.
    let stamp = state.store.queue_stamp().await.map_err(storage_error)?;
    let filter = Filter {
        kind: Some("callback".into()),
        status: StatusFilter::Open,
        assigned,
        ..Filter::default()
    };
    let records = state.store.list(filter).await.map_err(storage_error)?;
    let now = time::now_millis() as i64;
    let queue = crate::queue::build(&records, now, &state.zone);
    let mut view = html::queue_view(&queue, owner.csrf(), now, &state.calls, stamp);
    let team = team.clone().with_assignees(state, &records).await?;
    team.mark_queue(&mut view, owner.csrf(), assigned_param);
    Ok(view)
}

async fn queue_stamp(State(state): State<InboxState>, _owner: Owner) -> Response {
    match state.store.queue_stamp().await {
        Ok(stamp) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], stamp).into_response(),
        Err(e) => storage_error(e),
    }
}

async fn queue_fragment(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Response {
    let assigned = match q.assigned(owner.account().map(|a| a.id)) {
        Ok(a) => a,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let team = match team_view(&state, &owner).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match queue_view(&state, &owner, assigned, &team, &q.assigned).await {
        Ok(view) => Html(html::queue_fragment(&view)).into_response(),
        Err(r) => r,
    }
}

async fn item(State(state): State<InboxState>, owner: Owner, Path(id): Path<String>) -> Response {
    let id = allo_core::id::canonical(&id);
    let deliveries = match state.store.deliveries(id.clone()).await {
        Ok(d) => d,
        Err(e) => return storage_error(e),
    };
    let attempts = match state.store.attempts(id.clone()).await {
        Ok(a) => a,
        Err(e) => return storage_error(e),
    };
    let team = match team_view(&state, &owner).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let replies = match state.store.replies(id.clone()).await {
        Ok(r) => r,
        Err(e) => return storage_error(e),
    };
    match state.store.get(id).await {
        Ok(Some((record, history))) => {
            let team = match team
                .with_assignees(&state, std::slice::from_ref(&record))
                .await
            {
                Ok(t) => t,
                Err(r) => return r,
            };
            let reply = match (&state.visitor, &record.visitor_email) {
                (Some(_), Some(_)) if record.unsubscribed_at.is_some() => {
                    html::ReplyBox::Unsubscribed
                }
                (Some(_), Some(_)) => match crate::visitor_mail::VisitorMail::recipient(&record) {
                    Some(to) => html::ReplyBox::Form(to),
                    None => html::ReplyBox::Hidden,
                },
                _ => html::ReplyBox::Hidden,
            };
            let now = time::now_millis() as i64;
            let extras = ItemExtras {
                call: html::call_card(&record, owner.csrf(), now, &state.calls),
                attempts: html::attempt_rows(&attempts, &state.zone),
                promise_kept: html::promise_kept_text(&record, &state.zone),
                replies,
                reply,
            };
            Html(html::item(
                &record,
                &history,
                &deliveries,
                extras,
                owner.csrf(),
                owner.name(),
                &time::now_rfc3339(),
                &state.zone,
                &team,
            ))
            .into_response()
        }
        Ok(None) => no_such_item(&owner),
        Err(e) => storage_error(e),
    }
}

/// The outcome form of a call (from a queue card or an item page).
#[derive(Debug, Default, Deserialize)]
pub struct AttemptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    /// A [`RetryChoice`] value; absent or empty: the suggested one.
    #[serde(default)]
    retry: String,
    /// An owner-typed time (`datetime-local`, owner's zone), winning over `retry`.
    #[serde(default)]
    retry_at: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    by: String,
    /// `queue` to go back to the queue, else the item.
    #[serde(default)]
    back: String,
}

/// The checks every owner form starts with: its CSRF token, then the length of its note. The
/// note and the name of who recorded it come back trimmed and without NUL characters
/// (PostgreSQL text cannot hold one: a NUL would be a 503).
/// The refusal is boxed: a `Response` is large, and the happy path should not carry its size.
fn signed(
    owner: &Owner,
    csrf: &str,
    note: &str,
    by: &str,
) -> Result<(String, String), Box<Response>> {
    if !owner.csrf_ok(csrf) {
        return Err(Box::new(form_expired(owner)));
    }
    let note = note.trim().replace('\0', "");
    if note.chars().count() > NOTE_MAX {
        return Err(Box::new(page_error(
            StatusCode::BAD_REQUEST,
            "Note too long",
            &format!("Keep notes under {NOTE_MAX} characters."),
            owner,
        )));
    }
    // A person is recorded as their account, whatever a form says; only a script with the
    // API token may name who acted (it has no account).
    let by: String = match (owner, by.trim()) {
        (Owner::Session { .. }, _) | (Owner::Bearer, "") => owner.name().to_owned(),
        (Owner::Bearer, name) => name.replace('\0', "").chars().take(NAME_MAX).collect(),
    };
    Ok((note, if by.is_empty() { "owner".into() } else { by }))
}

async fn record_attempt(
    State(state): State<InboxState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(form): Form<AttemptForm>,
) -> Response {
    let id = allo_core::id::canonical(&id);
    let (note, by) = match signed(&owner, &form.csrf, &form.note, &form.by) {
        Ok(checked) => checked,
        Err(refused) => return *refused,
    };
    let outcome: Outcome = match form.outcome.parse() {
        Ok(o) => o,
        Err(e) => return page_error(StatusCode::BAD_REQUEST, "Bad outcome", &e, &owner),
    };
    let now = time::now_millis();
    let choice = match form.retry.trim() {
        "" => None,
        value => match RetryChoice::parse(value) {
            Some(c) => Some(c),
            None => {
                return page_error(
                    StatusCode::BAD_REQUEST,
                    "Bad retry time",
                    &format!("`{value}` is not one of the offered retry times."),
                    &owner,
                )
            }
        },
    };
    let typed = match form.retry_at.trim() {
        "" => None,
        t => match attempts::parse_retry_at(t, now, &state.zone) {
            Ok(ms) => Some(ms),
            Err(e) => return page_error(StatusCode::BAD_REQUEST, "Bad retry time", &e, &owner),
        },
    };
    let input = AttemptInput {
        at: time::format_millis(now),
        by,
        outcome,
        retry_at: outcome
            .may_retry()
            .then(|| attempts::retry_instant(choice, typed, now, &state.calls.hours)),
        note,
    };
    match state
        .store
        .record_attempt(id.clone(), input, state.calls.max_failed)
        .await
    {
        Ok(Recorded::Done(applied)) => {
            tracing::info!(%id, outcome = outcome.as_str(), retry_at = ?applied.retry_at,
                other_channel = applied.other_channel, "call recorded");
            if let (Some(visitor), true) = (&state.visitor, outcome.failed()) {
                // The record as it is now: its last call, the retry time, the other channel.
                if let Ok(Some((record, _))) = state.store.get(id.clone()).await {
                    let notice =
                        visitor
                            .mail
                            .missed_call(&record, &time::now_rfc3339(), &visitor.key);
                    state.notify(&id, notice).await;
                }
            }
            let to = if form.back == "queue" {
                "/inbox?view=callbacks".to_owned()
            } else {
                format!("/inbox/item/{}", url_segment(&id))
            };
            Redirect::to(&to).into_response()
        }
        Ok(Recorded::NotFound) => no_such_item(&owner),
        Ok(Recorded::NotCallback) => page_error(
            StatusCode::BAD_REQUEST,
            "Not a callback",
            "Calls are recorded on callback requests only.",
            &owner,
        ),
        Err(e) => storage_error(e),
    }
}

/// The status form.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    by: String,
    /// Absent: keep the current message; empty: remove it.
    #[serde(default)]
    visitor_message: Option<String>,
    /// Absent: keep the promised time; empty: back to the widget's; else `YYYY-MM-DDTHH:MM`
    /// in the owner's zone.
    #[serde(default)]
    due_by: Option<String>,
}

async fn set_status(
    State(state): State<InboxState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let id = allo_core::id::canonical(&id);
    let (note, by) = match signed(&owner, &form.csrf, &form.note, &form.by) {
        Ok(checked) => checked,
        Err(refused) => return *refused,
    };
    let status: Status = match form.status.parse() {
        Ok(s) => s,
        Err(e) => return page_error(StatusCode::BAD_REQUEST, "Bad status", &e, &owner),
    };
    let visitor_message = form
        .visitor_message
        .as_deref()
        .map(|m| m.trim().replace("\r\n", "\n").replace('\0', ""));
    if visitor_message
        .as_deref()
        .is_some_and(|m| m.chars().count() > VISITOR_MESSAGE_MAX)
    {
        return page_error(
            StatusCode::BAD_REQUEST,
            "Message too long",
            &format!("Keep the message to the visitor under {VISITOR_MESSAGE_MAX} characters."),
            &owner,
        );
    }
    let due_by = match form.due_by.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(String::new()),
        Some(t) => match state.zone.parse_owner_time(t) {
            Some(ms) => Some(time::format_millis(ms)),
            None => {
                return page_error(
                    StatusCode::BAD_REQUEST,
                    "Bad time",
                    &format!(
                        "The new promised time must look like 2026-11-24T15:30 ({}).",
                        state.zone.name()
                    ),
                    &owner,
                )
            }
        },
    };
    // The record before the change: the delay notice says the old time and the new one.
    let before = match (&state.visitor, status, due_by.as_deref()) {
        (Some(_), Status::Delayed, Some(due)) if !due.is_empty() => {
            match state.store.get(id.clone()).await {
                Ok(found) => found.map(|(r, _)| r),
                Err(e) => return storage_error(e),
            }
        }
        _ => None,
    };
    let change = StatusChange {
        status,
        by,
        note,
        at: time::now_rfc3339(),
        visitor_message: visitor_message.clone(),
        due_by: due_by.clone(),
    };
    match state.store.change_status(id.clone(), change).await {
        Ok(true) => {
            tracing::info!(%id, status = status.as_str(), "status changed");
            if let (Some(visitor), Some(before), Some(due)) = (&state.visitor, &before, &due_by) {
                let message = visitor_message
                    .as_deref()
                    .or(before.visitor_message.as_deref());
                let notice =
                    visitor
                        .mail
                        .delay(before, due, message, &time::now_rfc3339(), &visitor.key);
                state.notify(&id, notice).await;
            }
            Redirect::to(&format!("/inbox/item/{}", url_segment(&id))).into_response()
        }
        Ok(false) => no_such_item(&owner),
        Err(e) => storage_error(e),
    }
}

/// Longest reply to a visitor.
pub const REPLY_MAX: usize = 5000;

/// The reply form.
#[derive(Debug, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

async fn reply(
    State(state): State<InboxState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let id = allo_core::id::canonical(&id);
    // The CSRF check, and who is writing: the inbox's current actor (one call, see `signed`).
    let (_, by) = match signed(&owner, &form.csrf, "", "") {
        Ok(checked) => checked,
        Err(refused) => return *refused,
    };
    let text = form.body.trim().replace("\r\n", "\n").replace('\0', "");
    if text.is_empty() {
        return page_error(
            StatusCode::BAD_REQUEST,
            "Empty reply",
            "Write the reply to the visitor first.",
            &owner,
        );
    }
    if text.chars().count() > REPLY_MAX {
        return page_error(
            StatusCode::BAD_REQUEST,
            "Reply too long",
            &format!("Keep the reply under {REPLY_MAX} characters."),
            &owner,
        );
    }
    let Some(visitor) = &state.visitor else {
        return page_error(
            StatusCode::BAD_REQUEST,
            "Email is off",
            "Replies need --smtp-host and --public-url.",
            &owner,
        );
    };
    let record = match state.store.get(id.clone()).await {
        Ok(Some((r, _))) => r,
        Ok(None) => return no_such_item(&owner),
        Err(e) => return storage_error(e),
    };
    let Some(rendered) = visitor.mail.reply(&record, &text, &visitor.key) else {
        let why = if record.unsubscribed_at.is_some() {
            "The visitor asked for no more emails about this request."
        } else {
            "The visitor left no usable email address."
        };
        return page_error(StatusCode::BAD_REQUEST, "No email to reply to", why, &owner);
    };
    let new = crate::store::NewReply {
        at: time::now_rfc3339(),
        by,
        body: text,
        message_id: rendered.message_id.clone(),
    };
    match state.store.reply(id.clone(), new, rendered.message).await {
        Ok(crate::store::Replied::Done) => {
            tracing::info!(%id, "reply queued");
            visitor.wake.notify_one();
            Redirect::to(&format!("/inbox/item/{}", url_segment(&id))).into_response()
        }
        Ok(crate::store::Replied::NotFound) => no_such_item(&owner),
        Ok(crate::store::Replied::Unsubscribed) => page_error(
            StatusCode::BAD_REQUEST,
            "No email to reply to",
            "The visitor asked for no more emails about this request.",
            &owner,
        ),
        Err(e) => storage_error(e),
    }
}

/// Keeps only characters that are safe in a path segment (ids are UUIDs; anything else was
/// refused by the store already, this only keeps a Location header well-formed).
fn url_segment(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// The two export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

/// Streams the list's rows (with its filters, no row limit) as an attachment, encoded one
/// record at a time while the store reads them: memory stays flat whatever the export's
/// size. A database failure before the first row is a 503; after it, the download is cut
/// (the client sees an incomplete file rather than a complete-looking wrong one).
async fn export(state: &InboxState, q: &ListQuery, format: Format) -> Response {
    let (filter, _) = match q.filter(&state.zone) {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let mut rows = match state.store.export(filter).await {
        Ok(rows) => rows,
        Err(e) => return storage_error(e),
    };
    let first = match rows.recv().await {
        Some(Err(e)) => return storage_error(e),
        first => first.and_then(Result::ok),
    };
    let mut csv = export::CsvEncoder::new();
    let opening = match format {
        Format::Csv => csv.header(),
        Format::Json => export::JSON_OPEN.as_bytes().to_vec(),
    };
    struct Streaming {
        rows: crate::store::RecordStream,
        pending: Option<crate::store::Record>,
        csv: export::CsvEncoder,
        started: bool,
        done: bool,
    }
    let stream = futures_util::stream::unfold(
        Streaming {
            rows,
            pending: first,
            csv,
            started: false,
            done: false,
        },
        move |mut st| async move {
            if st.done {
                return None;
            }
            let mut chunk = Vec::new();
            // Whatever is ready, up to about 64 KiB a chunk; wait only for the first record.
            loop {
                let next = match st.pending.take() {
                    Some(r) => Some(Ok(r)),
                    None if chunk.is_empty() => st.rows.recv().await,
                    None => match st.rows.try_recv() {
                        Ok(item) => Some(item),
                        Err(tokio::sync::mpsc::error::TryRecvError::Empty) => break,
                        Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => None,
                    },
                };
                match next {
                    Some(Ok(r)) => {
                        match format {
                            Format::Csv => chunk.extend(st.csv.row(&r)),
                            Format::Json => {
                                if st.started {
                                    chunk.extend_from_slice(export::JSON_SEPARATOR.as_bytes());
                                }
                                chunk.extend(export::json_item(&r));
                            }
                        }
                        st.started = true;
                        if chunk.len() >= 64 * 1024 {
                            break;
                        }
                    }
                    Some(Err(e)) => {
                        tracing::error!(detail = %e, "storage failure in the middle of an export");
                        st.done = true;
                        return Some((Err(std::io::Error::other(e.to_string())), st));
                    }
                    None => {
                        if format == Format::Json {
                            chunk.extend_from_slice(export::JSON_CLOSE.as_bytes());
                        }
                        st.done = true;
                        break;
                    }
                }
            }
            Some((Ok(axum::body::Bytes::from(chunk)), st))
        },
    );
    let opening = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(axum::body::Bytes::from(opening))
    });
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "allo-submissions.csv"),
        Format::Json => ("application/json", "allo-submissions.json"),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        axum::body::Body::from_stream(futures_util::StreamExt::chain(opening, stream)),
    )
        .into_response()
}

async fn export_csv(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Err(refused) = allowed(&owner, Action::Export) {
        return *refused;
    }
    export(&state, &q, Format::Csv).await
}

async fn export_json(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Err(refused) = allowed(&owner, Action::Export) {
        return *refused;
    }
    export(&state, &q, Format::Json).await
}

/// The 403 for a role that may not do `action`.
fn allowed(owner: &Owner, action: Action) -> Result<(), Box<Response>> {
    if owner.may(action) {
        return Ok(());
    }
    Err(Box::new(page_error(
        StatusCode::FORBIDDEN,
        "Not for your role",
        "Ask an owner of this inbox: your account may work the queue and the requests only.",
        owner,
    )))
}

/// The Insights figures for `scope` at `now_ms` in `zone`: one read of the period and the
/// trend's weeks, one of the callbacks overdue now; everything else is
/// [`crate::insights::compute`]. Shared by the page, its CSV and the weekly digest.
pub async fn insights_for(
    store: &dyn Store,
    scope: &insights::Scope,
    zone: &Zone,
    now_ms: i64,
) -> Result<insights::Insights, crate::store::StoreError> {
    let window = insights::Window::of(&scope.period, zone, now_ms);
    let trend = window.trend(zone);
    let start = window.start.clone().min(trend.start.clone());
    let end = window.end.clone().max(trend.end.clone());
    let rows = store.insight_rows(start, end).await?;
    let overdue = store
        .list(Filter {
            kind: Some("callback".into()),
            status: StatusFilter::Open,
            overdue_at: Some(time::format_millis(u64::try_from(now_ms).unwrap_or(0))),
            ..Filter::default()
        })
        .await?;
    let overdue: Vec<insights::InsightRow> = overdue.iter().map(Into::into).collect();
    Ok(insights::compute(&rows, &overdue, scope, zone, now_ms))
}

/// The page's figures, or the answer to give instead (a 400 naming the bad value, a 503).
async fn insights_of(
    state: &InboxState,
    owner: &Owner,
    q: &insights::InsightsQuery,
) -> Result<insights::Insights, Response> {
    let scope = q
        .scope()
        .map_err(|e| page_error(StatusCode::BAD_REQUEST, "Bad filter", &e, owner))?;
    let now = i64::try_from(time::now_millis()).unwrap_or(0);
    insights_for(state.store.as_ref(), &scope, &state.zone, now)
        .await
        .map_err(storage_error)
}

async fn insights_page(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<insights::InsightsQuery>,
) -> Response {
    // A report on the whole shop: owners only, like the exports.
    if let Err(refused) = allowed(&owner, Action::Export) {
        return *refused;
    }
    let team = match team_view(&state, &owner).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match insights_of(&state, &owner, &q).await {
        Ok(ins) => Html(html::insights::page(
            &ins,
            &q,
            owner.csrf(),
            &state.zone,
            &team,
        ))
        .into_response(),
        Err(r) => r,
    }
}

async fn insights_csv(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<insights::InsightsQuery>,
) -> Response {
    // Owners only, like the page.
    if let Err(refused) = allowed(&owner, Action::Export) {
        return *refused;
    }
    match insights_of(&state, &owner, &q).await {
        Ok(ins) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"allo-insights.csv\"",
                ),
            ],
            export::insights_csv(&ins),
        )
            .into_response(),
        Err(r) => r,
    }
}

async fn login_page(State(state): State<InboxState>, parts: Parts) -> Response {
    // Already logged in: straight to the list.
    match state.owner(&parts.extensions, &parts.headers).await {
        Ok(Some(_)) => Redirect::to("/inbox").into_response(),
        Ok(None) => Html(html::login(None)).into_response(),
        Err(r) => r,
    }
}

/// The login form.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The one answer to a wrong email, a wrong password and a disabled account.
const WRONG_LOGIN: &str = "That email and password do not match an account.";

async fn login(
    State(state): State<InboxState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = ratelimit::client_ip(connect.map(|c| (c.0).0), &headers, state.trust_proxy);
    // The per-instance count shared with the other doors first (cheap, no database), then
    // the per-account and per-address counts in the database, shared by every collector.
    if let Err(wait) = state.failures.refused(ip, Instant::now()) {
        return too_many(wait);
    }
    let outcome = state
        .auth
        .login(&form.email, &form.password, ip, time::now_millis())
        .await;
    let id = match outcome {
        Ok(Login::Session(id)) => id,
        Ok(Login::Wrong) => {
            state.failures.failed(ip, "inbox login", Instant::now());
            return unauthorized(Some(WRONG_LOGIN));
        }
        Ok(Login::Limited(wait)) => return too_many(wait),
        Err(e) => return storage_error(e),
    };
    let secure = state.trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let mut r = Redirect::to("/inbox").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&id, secure)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// A form that only carries its CSRF token (logout, log out everywhere).
#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// The 403 of a form without its session's CSRF token.
fn form_expired(owner: &Owner) -> Response {
    page_error(
        StatusCode::FORBIDDEN,
        "Form expired",
        "Reload the page and try again.",
        owner,
    )
}

/// The answer that ends the browser's session: cookie cleared, to the login page.
fn logged_out() -> Response {
    let mut r = Redirect::to("/inbox/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::clear_cookie()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

async fn logout(
    State(state): State<InboxState>,
    owner: Owner,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !owner.csrf_ok(&form.csrf) {
        return form_expired(&owner);
    }
    if let Owner::Session { id_hash, .. } = &owner {
        if let Err(e) = state.auth.logout(id_hash).await {
            return storage_error(e);
        }
    }
    logged_out()
}

async fn logout_everywhere(
    State(state): State<InboxState>,
    owner: Owner,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !owner.csrf_ok(&form.csrf) {
        return form_expired(&owner);
    }
    if let Some(account) = owner.account() {
        match state.store.end_sessions(account.id).await {
            Ok(n) => tracing::info!(account = account.id, sessions = n, "logged out everywhere"),
            Err(e) => return storage_error(e),
        }
    }
    logged_out()
}

/// The take-it / reassign form.
#[derive(Debug, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    csrf: String,
    /// `me`, an account id, or empty for nobody.
    #[serde(default)]
    to: String,
    /// `queue` to go back to the queue (keeping `assigned`), else the item.
    #[serde(default)]
    back: String,
    /// The queue's `assigned` filter to go back to.
    #[serde(default)]
    assigned: String,
}

async fn assign(
    State(state): State<InboxState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Response {
    let id = allo_core::id::canonical(&id);
    if !owner.csrf_ok(&form.csrf) {
        return form_expired(&owner);
    }
    let accounts = match state.store.accounts().await {
        Ok(a) => a,
        Err(e) => return storage_error(e),
    };
    let to = match form.to.trim() {
        "" => None,
        "me" => match owner.account() {
            Some(a) => Some(a.clone()),
            None => {
                return page_error(
                    StatusCode::BAD_REQUEST,
                    "No account",
                    "The API token has no account to take requests: give an account id.",
                    &owner,
                )
            }
        },
        other => match other
            .parse::<i64>()
            .ok()
            .and_then(|n| accounts.iter().find(|a| a.id == n && !a.disabled))
        {
            Some(a) => Some(a.clone()),
            None => {
                return page_error(
                    StatusCode::BAD_REQUEST,
                    "No such account",
                    "Choose an enabled account of this inbox.",
                    &owner,
                )
            }
        },
    };
    let note = match (&to, owner.account()) {
        (None, _) => "Unassigned".to_owned(),
        (Some(a), Some(me)) if a.id == me.id => "Taken".to_owned(),
        (Some(a), _) => format!("Assigned to {}", a.email),
    };
    let at = time::now_rfc3339();
    match state
        .store
        .assign(
            id.clone(),
            to.as_ref().map(|a| a.id),
            owner.name().to_owned(),
            note,
            at,
        )
        .await
    {
        Ok(true) => {
            tracing::info!(%id, to = ?to.as_ref().map(|a| a.id), "assigned");
            let back = if form.back == "queue" {
                match form.assigned.as_str() {
                    v @ ("mine" | "none") => format!("/inbox?view=callbacks&assigned={v}"),
                    _ => "/inbox?view=callbacks".to_owned(),
                }
            } else {
                format!("/inbox/item/{}", url_segment(&id))
            };
            Redirect::to(&back).into_response()
        }
        Ok(false) => no_such_item(&owner),
        Err(e) => storage_error(e),
    }
}

async fn accounts_page(State(state): State<InboxState>, owner: Owner) -> Response {
    if let Err(refused) = allowed(&owner, Action::ManageAccounts) {
        return *refused;
    }
    match state.store.accounts().await {
        Ok(accounts) => Html(html::accounts(&accounts, owner.csrf(), None)).into_response(),
        Err(e) => storage_error(e),
    }
}

/// The form that adds an account.
#[derive(Debug, Default, Deserialize)]
pub struct NewAccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// The accounts page again with `error`, as a 400 (or 409 for a taken email).
async fn accounts_error(
    state: &InboxState,
    owner: &Owner,
    status: StatusCode,
    error: &str,
) -> Response {
    match state.store.accounts().await {
        Ok(accounts) => (
            status,
            Html(html::accounts(&accounts, owner.csrf(), Some(error))),
        )
            .into_response(),
        Err(e) => storage_error(e),
    }
}

async fn add_account(
    State(state): State<InboxState>,
    owner: Owner,
    Form(form): Form<NewAccountForm>,
) -> Response {
    if let Err(refused) = allowed(&owner, Action::ManageAccounts) {
        return *refused;
    }
    if !owner.csrf_ok(&form.csrf) {
        return form_expired(&owner);
    }
    let new = match crate::users::new_account(&form.email, &form.name, &form.role, &form.password)
        .await
    {
        Ok(new) => new,
        Err(e) => {
            return accounts_error(&state, &owner, StatusCode::BAD_REQUEST, &e.to_string()).await
        }
    };
    match state.store.create_account(new).await {
        Ok(Some(a)) => {
            tracing::info!(
                account = a.id,
                role = a.role.as_str(),
                by = owner.name(),
                "account added"
            );
            Redirect::to("/inbox/accounts").into_response()
        }
        Ok(None) => {
            accounts_error(
                &state,
                &owner,
                StatusCode::CONFLICT,
                &team::AccountError::EmailTaken.to_string(),
            )
            .await
        }
        Err(e) => storage_error(e),
    }
}

/// The form that changes an account.
#[derive(Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    csrf: String,
    /// `disable`, `enable`, `role` or `password`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn change_account(
    State(state): State<InboxState>,
    owner: Owner,
    Path(id): Path<String>,
    Form(form): Form<AccountForm>,
) -> Response {
    use crate::store::accounts::{AccountChange, Changed};
    if let Err(refused) = allowed(&owner, Action::ManageAccounts) {
        return *refused;
    }
    if !owner.csrf_ok(&form.csrf) {
        return form_expired(&owner);
    }
    let Ok(id) = id.parse::<i64>() else {
        return page_error(
            StatusCode::NOT_FOUND,
            "Not found",
            "No such account.",
            &owner,
        );
    };
    let change = match form.action.as_str() {
        "disable" => AccountChange::Disable,
        "enable" => AccountChange::Enable,
        "role" => match form.role.parse() {
            Ok(role) => AccountChange::Role(role),
            Err(e) => {
                return accounts_error(&state, &owner, StatusCode::BAD_REQUEST, &format!("{e}"))
                    .await
            }
        },
        "password" => match crate::users::hash_new_password(form.password).await {
            Ok(hash) => AccountChange::Password(hash),
            Err(e) => {
                return accounts_error(&state, &owner, StatusCode::BAD_REQUEST, &e.to_string())
                    .await
            }
        },
        other => {
            return accounts_error(
                &state,
                &owner,
                StatusCode::BAD_REQUEST,
                &format!("unknown action `{other}`"),
            )
            .await
        }
    };
    match state.store.change_account(id, change).await {
        Ok(Changed::Done(a)) => {
            tracing::info!(
                account = a.id,
                action = form.action,
                by = owner.name(),
                "account changed"
            );
            // Disabling oneself or changing one's own password ends this session too.
            let own = owner.account().is_some_and(|me| me.id == a.id);
            if own && matches!(form.action.as_str(), "disable" | "password") {
                return logged_out();
            }
            Redirect::to("/inbox/accounts").into_response()
        }
        Ok(Changed::NotFound) => page_error(
            StatusCode::NOT_FOUND,
            "Not found",
            "No such account.",
            &owner,
        ),
        Ok(Changed::LastOwner) => {
            accounts_error(
                &state,
                &owner,
                StatusCode::CONFLICT,
                &team::AccountError::LastOwner.to_string(),
            )
            .await
        }
        Err(e) => storage_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(view: &str, kind: &str, status: &str, from: &str, to: &str) -> ListQuery {
        ListQuery {
            view: view.into(),
            kind: kind.into(),
            status: status.into(),
            from: from.into(),
            to: to.into(),
            ..ListQuery::default()
        }
    }

    #[test]
    fn search_words_and_pages_from_the_query() {
        let query = ListQuery {
            q: "  Noor  06 12 ".into(),
            page: "3".into(),
            ..ListQuery::default()
        };
        let (f, shown) = query.filter(&Zone::utc()).unwrap();
        assert_eq!(f.search, ["noor", "06", "12"]);
        assert_eq!((shown.q.as_str(), shown.page), ("Noor  06 12", 3));
        assert_eq!(shown.query(), "q=Noor++06+12");
        for bad in ["0", "-1", "two"] {
            let query = ListQuery {
                page: bad.into(),
                ..ListQuery::default()
            };
            assert!(query.filter(&Zone::utc()).is_err(), "{bad}");
        }
        assert!(q("callbacks", "", "", "", "").is_queue());
        assert!(!q("callbacks", "", "any", "", "").is_queue());
        assert!(!q("", "callback", "", "", "").is_queue());
    }

    #[test]
    fn filters_from_the_query() {
        let (f, shown) = q("", "", "", "", "").filter(&Zone::utc()).unwrap();
        assert_eq!(f, Filter::default());
        assert_eq!(shown.query(), "");

        let (f, _) = q("callbacks", "feedback", "", "2026-11-01", "2026-11-30")
            .filter(&Zone::utc())
            .unwrap();
        assert_eq!(
            f.kind.as_deref(),
            Some("callback"),
            "the view wins over kind"
        );
        assert_eq!(f.status, StatusFilter::Open);
        assert_eq!(f.order, Order::Urgency);
        assert_eq!(f.received_from.as_deref(), Some("2026-11-01T00:00:00.000Z"));
        assert_eq!(f.received_to.as_deref(), Some("2026-11-30T23:59:59.999Z"));

        let (f, _) = q("callbacks", "", "any", "", "")
            .filter(&Zone::utc())
            .unwrap();
        assert_eq!(f.status, StatusFilter::Any);
        let (f, _) = q("", "feedback", "handled", "", "")
            .filter(&Zone::utc())
            .unwrap();
        assert_eq!(f.status, StatusFilter::Only(Status::Handled));
        let (f, shown) = q("", "", "overdue", "", "")
            .filter_at("2026-11-24T10:00:00.000Z", &Zone::utc())
            .unwrap();
        assert_eq!(f.overdue_at.as_deref(), Some("2026-11-24T10:00:00.000Z"));
        assert_eq!(f.status, StatusFilter::Open);
        assert_eq!(shown.query(), "status=overdue");

        for bad in [
            q("x", "", "", "", ""),
            q("", "mail", "", "", ""),
            q("", "", "done", "", ""),
            q("", "", "", "yesterday", ""),
            q("", "", "", "", "2026-13-01"),
        ] {
            assert!(bad.filter(&Zone::utc()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn received_days_are_the_owners_days() {
        let paris = Zone::named("Europe/Paris").unwrap();
        let (f, shown) = q("", "", "", "2026-07-14", "2026-11-24")
            .filter(&paris)
            .unwrap();
        assert_eq!(f.received_from.as_deref(), Some("2026-07-13T22:00:00.000Z"));
        assert_eq!(f.received_to.as_deref(), Some("2026-11-24T22:59:59.999Z"));
        assert_eq!(
            shown.query(),
            "from=2026-07-14&to=2026-11-24",
            "shown as typed"
        );
    }
}
