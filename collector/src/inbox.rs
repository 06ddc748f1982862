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

mod error;
mod extract;
pub use error::{FilterError, InboxError};
use extract::{allowed, ItemId, OwnerForm, Signed};

/// Makes a form with a `csrf` field an [`OwnerForm`]: `noted` when it has a `note` and a `by`,
/// `needs Action` when the role must be allowed that.
macro_rules! owner_form {
    ($form:ty) => {
        impl OwnerForm for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        }
    };
    ($form:ty, noted) => {
        impl OwnerForm for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }

            fn note(&self) -> (&str, &str) {
                (&self.note, &self.by)
            }
        }
    };
    ($form:ty, needs $action:ident) => {
        impl OwnerForm for $form {
            const NEEDS: Option<Action> = Some(Action::$action);

            fn csrf(&self) -> &str {
                &self.csrf
            }
        }
    };
}

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
    /// against the address, and an address over the limit is refused unchecked (a 429).
    async fn owner(
        &self,
        extensions: &axum::http::Extensions,
        headers: &HeaderMap,
    ) -> Result<Option<Owner>, InboxError> {
        let bearer = headers.contains_key(header::AUTHORIZATION);
        let cookie = auth::cookie(headers, auth::COOKIE).is_some();
        if !bearer && !cookie {
            return Ok(None);
        }
        let ip = self.client_ip(extensions, headers);
        let now = Instant::now();
        self.failures
            .refused(ip, now)
            .map_err(InboxError::TooMany)?;
        let owner = self.auth.authenticate(headers, time::now_millis()).await?;
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

impl FromRequestParts<InboxState> for Owner {
    type Rejection = InboxError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &InboxState,
    ) -> Result<Owner, InboxError> {
        state
            .owner(&parts.extensions, &parts.headers)
            .await?
            .ok_or_else(|| {
                let tried = parts.headers.contains_key(header::AUTHORIZATION);
                InboxError::Unauthorized {
                    error: tried.then_some("That token is not valid."),
                }
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
    pub fn filter(&self, zone: &Zone) -> Result<(Filter, Shown), FilterError> {
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
    pub fn assigned(&self, me: Option<i64>) -> Result<Assigned, FilterError> {
        match (self.assigned.as_str(), me) {
            ("", _) => Ok(Assigned::Any),
            ("none", _) => Ok(Assigned::Nobody),
            ("mine", Some(id)) => Ok(Assigned::To(id)),
            ("mine", None) => Err(FilterError::MineWithoutAccount),
            (other, _) => Err(FilterError::Assigned(other.to_owned())),
        }
    }

    /// [`ListQuery::filter`] with the clock given (`overdue` is relative to `now`).
    pub fn filter_at(&self, now: &str, zone: &Zone) -> Result<(Filter, Shown), FilterError> {
        let callbacks = match self.view.as_str() {
            "" | "all" => false,
            "callbacks" => true,
            other => return Err(FilterError::View(other.to_owned())),
        };
        let kind = match (callbacks, self.kind.as_str()) {
            (true, _) => Some("callback".to_owned()),
            (false, "") => None,
            (false, k @ ("feedback" | "callback")) => Some(k.to_owned()),
            (false, other) => return Err(FilterError::Kind(other.to_owned())),
        };
        let status = match self.status.as_str() {
            // The callbacks view is a to-do list: open ones unless asked otherwise.
            "" if callbacks => StatusFilter::Open,
            "" | "any" => StatusFilter::Any,
            "open" | "overdue" => StatusFilter::Open,
            name => StatusFilter::Only(name.parse::<Status>().map_err(FilterError::Status)?),
        };
        let overdue_at = (self.status == "overdue").then(|| now.to_owned());
        let day = |name: &'static str, value: &str| {
            if value.is_empty() {
                return Ok(None);
            }
            zone.day_bounds(value)
                .map(Some)
                .ok_or(FilterError::Day(name))
        };
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        let page = match self.page.trim() {
            "" => 1,
            p => p
                .parse::<u32>()
                .ok()
                .filter(|&p| p >= 1)
                .ok_or_else(|| FilterError::Page(p.to_owned()))?,
        };
        let q = self.q.trim();
        let context = match self.context.trim() {
            "" => None,
            c => Some(
                crate::context::EntryFilter::parse(c)
                    .ok_or_else(|| FilterError::Context(c.to_owned()))?,
            ),
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

async fn not_found(owner: Owner) -> InboxError {
    InboxError::page(
        &owner,
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no such page in the inbox.",
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
) -> Result<Response, InboxError> {
    let assigned = q
        .assigned(owner.account().map(|a| a.id))
        .map_err(|e| InboxError::bad_input(&owner, "Bad filter", e))?;
    let team = team_view(&state, &owner).await?;
    if q.is_queue() {
        let view = queue_view(&state, &owner, assigned, &team, &q.assigned).await?;
        return Ok(Html(html::queue_page(&view, owner.csrf(), &team, &q.assigned)).into_response());
    }
    let (mut filter, shown) = q
        .filter(&state.zone)
        .map_err(|e| InboxError::bad_input(&owner, "Bad filter", e))?;
    filter.assigned = assigned;
    let total = state.store.count(filter.clone()).await?;
    let paging = Paging {
        page: shown.page,
        per_page: PER_PAGE,
        total,
    };
    if shown.page > paging.pages() {
        return Err(InboxError::page(
            &owner,
            StatusCode::NOT_FOUND,
            "No such page",
            format!("These filters fill {} page(s).", paging.pages()),
        ));
    }
    filter.limit = Some(PER_PAGE);
    filter.offset = Some(u64::from(shown.page - 1) * u64::from(PER_PAGE));
    let records = state.store.list(filter).await?;
    let ids = records.iter().map(|r| r.id.clone()).collect();
    let problems = state
        .store
        .delivery_problems(ids)
        .await?
        .into_iter()
        .collect();
    let team = team.with_assignees(&state, &records).await?;
    Ok(Html(html::list(
        &records,
        &shown,
        owner.csrf(),
        &time::now_rfc3339(),
        paging,
        &problems,
        &state.zone,
        &team,
    ))
    .into_response())
}

/// The viewer's rights and the team's accounts, as the pages show them.
async fn team_view(state: &InboxState, owner: &Owner) -> Result<html::Team, InboxError> {
    let accounts = state.store.accounts().await?;
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
    ) -> Result<html::Team, InboxError> {
        let ids = records.iter().map(|r| r.id.clone()).collect();
        self.assigned = state.store.assignees(ids).await?.into_iter().collect();
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
) -> Result<html::QueueView, InboxError> {
    // The stamp first: a change landing between the two reads is then seen again next time
    // rather than missed.
    let stamp = state.store.queue_stamp().await?;
    let filter = Filter {
        kind: Some("callback".into()),
        status: StatusFilter::Open,
        assigned,
        ..Filter::default()
    };
    let records = state.store.list(filter).await?;
    let now = time::now_millis() as i64;
    let queue = crate::queue::build(&records, now, &state.zone);
    let mut view = html::queue_view(&queue, owner.csrf(), now, &state.calls, stamp);
    let team = team.clone().with_assignees(state, &records).await?;
    team.mark_queue(&mut view, owner.csrf(), assigned_param);
    Ok(view)
}

async fn queue_stamp(
    State(state): State<InboxState>,
    _owner: Owner,
) -> Result<Response, InboxError> {
    let stamp = state.store.queue_stamp().await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], stamp).into_response())
}

async fn queue_fragment(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Result<Response, InboxError> {
    let assigned = q
        .assigned(owner.account().map(|a| a.id))
        .map_err(|e| InboxError::BadQuery(e.to_string()))?;
    let team = team_view(&state, &owner).await?;
    let view = queue_view(&state, &owner, assigned, &team, &q.assigned).await?;
    Ok(Html(html::queue_fragment(&view)).into_response())
}

/// The submission `id` and its history, or the 404 page.
async fn record_of(
    state: &InboxState,
    owner: &Owner,
    id: &str,
) -> Result<(crate::store::Record, Vec<crate::store::StatusEvent>), InboxError> {
    state
        .store
        .get(id.to_owned())
        .await?
        .ok_or_else(|| InboxError::no_such_item(owner))
}

async fn item(
    State(state): State<InboxState>,
    owner: Owner,
    ItemId(id): ItemId,
) -> Result<Response, InboxError> {
    let deliveries = state.store.deliveries(id.clone()).await?;
    let attempts = state.store.attempts(id.clone()).await?;
    let team = team_view(&state, &owner).await?;
    let replies = state.store.replies(id.clone()).await?;
    let (record, history) = record_of(&state, &owner, &id).await?;
    let team = team
        .with_assignees(&state, std::slice::from_ref(&record))
        .await?;
    let reply = match (&state.visitor, &record.visitor_email) {
        (Some(_), Some(_)) if record.unsubscribed_at.is_some() => html::ReplyBox::Unsubscribed,
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
    Ok(Html(html::item(
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
    .into_response())
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

owner_form!(AttemptForm, noted);

/// A form's `value` read as a `T`, or the 400 page `title` with the reason.
fn parsed<T>(owner: &Owner, title: &'static str, value: &str) -> Result<T, InboxError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e: T::Err| InboxError::bad_input(owner, title, e))
}

/// The 303 back to the item page of `id`.
fn to_item(id: &str) -> Response {
    Redirect::to(&format!("/inbox/item/{}", url_segment(id))).into_response()
}

async fn record_attempt(
    State(state): State<InboxState>,
    ItemId(id): ItemId,
    signed: Signed<AttemptForm>,
) -> Result<Response, InboxError> {
    let (owner, form) = (&signed.owner, &signed.form);
    let outcome: Outcome = parsed(owner, "Bad outcome", &form.outcome)?;
    let now = time::now_millis();
    let choice = match form.retry.trim() {
        "" => None,
        value => Some(RetryChoice::parse(value).ok_or_else(|| {
            InboxError::bad_input(
                owner,
                "Bad retry time",
                format!("`{value}` is not one of the offered retry times."),
            )
        })?),
    };
    let typed = match form.retry_at.trim() {
        "" => None,
        t => Some(
            attempts::parse_retry_at(t, now, &state.zone)
                .map_err(|e| InboxError::bad_input(owner, "Bad retry time", e))?,
        ),
    };
    let input = AttemptInput {
        at: time::format_millis(now),
        by: signed.by,
        outcome,
        retry_at: outcome
            .may_retry()
            .then(|| attempts::retry_instant(choice, typed, now, &state.calls.hours)),
        note: signed.note,
    };
    let recorded = state
        .store
        .record_attempt(id.clone(), input, state.calls.max_failed)
        .await?;
    let applied = match recorded {
        Recorded::Done(applied) => applied,
        Recorded::NotFound => return Err(InboxError::no_such_item(owner)),
        Recorded::NotCallback => {
            return Err(InboxError::bad_input(
                owner,
                "Not a callback",
                "Calls are recorded on callback requests only.",
            ))
        }
    };
    tracing::info!(%id, outcome = outcome.as_str(), retry_at = ?applied.retry_at,
        other_channel = applied.other_channel, "call recorded");
    if let (Some(visitor), true) = (&state.visitor, outcome.failed()) {
        // The record as it is now: its last call, the retry time, the other channel.
        if let Ok(Some((record, _))) = state.store.get(id.clone()).await {
            let notice = visitor
                .mail
                .missed_call(&record, &time::now_rfc3339(), &visitor.key);
            state.notify(&id, notice).await;
        }
    }
    if form.back == "queue" {
        return Ok(Redirect::to("/inbox?view=callbacks").into_response());
    }
    Ok(to_item(&id))
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

owner_form!(StatusForm, noted);

async fn set_status(
    State(state): State<InboxState>,
    ItemId(id): ItemId,
    signed: Signed<StatusForm>,
) -> Result<Response, InboxError> {
    let (owner, form) = (&signed.owner, &signed.form);
    let status: Status = parsed(owner, "Bad status", &form.status)?;
    let visitor_message = form
        .visitor_message
        .as_deref()
        .map(|m| m.trim().replace("\r\n", "\n").replace('\0', ""));
    if visitor_message
        .as_deref()
        .is_some_and(|m| m.chars().count() > VISITOR_MESSAGE_MAX)
    {
        return Err(InboxError::bad_input(
            owner,
            "Message too long",
            format!("Keep the message to the visitor under {VISITOR_MESSAGE_MAX} characters."),
        ));
    }
    let due_by = match form.due_by.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(String::new()),
        Some(t) => {
            let ms = state.zone.parse_owner_time(t).ok_or_else(|| {
                InboxError::bad_input(
                    owner,
                    "Bad time",
                    format!(
                        "The new promised time must look like 2026-11-24T15:30 ({}).",
                        state.zone.name()
                    ),
                )
            })?;
            Some(time::format_millis(ms))
        }
    };
    // The record before the change: the delay notice says the old time and the new one.
    let before = match (&state.visitor, status, due_by.as_deref()) {
        (Some(_), Status::Delayed, Some(due)) if !due.is_empty() => {
            state.store.get(id.clone()).await?.map(|(r, _)| r)
        }
        _ => None,
    };
    let change = StatusChange {
        status,
        by: signed.by,
        note: signed.note,
        at: time::now_rfc3339(),
        visitor_message: visitor_message.clone(),
        due_by: due_by.clone(),
    };
    if !state.store.change_status(id.clone(), change).await? {
        return Err(InboxError::no_such_item(owner));
    }
    tracing::info!(%id, status = status.as_str(), "status changed");
    if let (Some(visitor), Some(before), Some(due)) = (&state.visitor, &before, &due_by) {
        let message = visitor_message
            .as_deref()
            .or(before.visitor_message.as_deref());
        let notice = visitor
            .mail
            .delay(before, due, message, &time::now_rfc3339(), &visitor.key);
        state.notify(&id, notice).await;
    }
    Ok(to_item(&id))
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

owner_form!(ReplyForm);

/// Why a reply cannot be emailed: the visitor unsubscribed.
const UNSUBSCRIBED: &str = "The visitor asked for no more emails about this request.";

async fn reply(
    State(state): State<InboxState>,
    ItemId(id): ItemId,
    // `by`: who is writing, the inbox's current actor.
    Signed {
        owner, form, by, ..
    }: Signed<ReplyForm>,
) -> Result<Response, InboxError> {
    let text = form.body.trim().replace("\r\n", "\n").replace('\0', "");
    if text.is_empty() {
        return Err(InboxError::bad_input(
            &owner,
            "Empty reply",
            "Write the reply to the visitor first.",
        ));
    }
    if text.chars().count() > REPLY_MAX {
        return Err(InboxError::bad_input(
            &owner,
            "Reply too long",
            format!("Keep the reply under {REPLY_MAX} characters."),
        ));
    }
    let Some(visitor) = &state.visitor else {
        return Err(InboxError::bad_input(
            &owner,
            "Email is off",
            "Replies need --smtp-host and --public-url.",
        ));
    };
    let (record, _) = record_of(&state, &owner, &id).await?;
    let Some(rendered) = visitor.mail.reply(&record, &text, &visitor.key) else {
        let why = if record.unsubscribed_at.is_some() {
            UNSUBSCRIBED
        } else {
            "The visitor left no usable email address."
        };
        return Err(InboxError::bad_input(&owner, "No email to reply to", why));
    };
    let new = crate::store::NewReply {
        at: time::now_rfc3339(),
        by,
        body: text,
        message_id: rendered.message_id.clone(),
    };
    match state.store.reply(id.clone(), new, rendered.message).await? {
        crate::store::Replied::Done => {
            tracing::info!(%id, "reply queued");
            visitor.wake.notify_one();
            Ok(to_item(&id))
        }
        crate::store::Replied::NotFound => Err(InboxError::no_such_item(&owner)),
        crate::store::Replied::Unsubscribed => Err(InboxError::bad_input(
            &owner,
            "No email to reply to",
            UNSUBSCRIBED,
        )),
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
async fn export(state: &InboxState, q: &ListQuery, format: Format) -> Result<Response, InboxError> {
    let (filter, _) = q
        .filter(&state.zone)
        .map_err(|e| InboxError::BadQuery(e.to_string()))?;
    let mut rows = state.store.export(filter).await?;
    let first = match rows.recv().await {
        Some(Err(e)) => return Err(e.into()),
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
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        axum::body::Body::from_stream(futures_util::StreamExt::chain(opening, stream)),
    )
        .into_response())
}

async fn export_csv(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Result<Response, InboxError> {
    allowed(&owner, Action::Export)?;
    export(&state, &q, Format::Csv).await
}

async fn export_json(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<ListQuery>,
) -> Result<Response, InboxError> {
    allowed(&owner, Action::Export)?;
    export(&state, &q, Format::Json).await
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
) -> Result<insights::Insights, InboxError> {
    let scope = q
        .scope()
        .map_err(|e| InboxError::bad_input(owner, "Bad filter", e))?;
    let now = i64::try_from(time::now_millis()).unwrap_or(0);
    Ok(insights_for(state.store.as_ref(), &scope, &state.zone, now).await?)
}

async fn insights_page(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<insights::InsightsQuery>,
) -> Result<Response, InboxError> {
    // A report on the whole shop: owners only, like the exports.
    allowed(&owner, Action::Export)?;
    let team = team_view(&state, &owner).await?;
    let ins = insights_of(&state, &owner, &q).await?;
    Ok(Html(html::insights::page(
        &ins,
        &q,
        owner.csrf(),
        &state.zone,
        &team,
    ))
    .into_response())
}

async fn insights_csv(
    State(state): State<InboxState>,
    owner: Owner,
    Query(q): Query<insights::InsightsQuery>,
) -> Result<Response, InboxError> {
    // Owners only, like the page.
    allowed(&owner, Action::Export)?;
    let ins = insights_of(&state, &owner, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"allo-insights.csv\"",
            ),
        ],
        export::insights_csv(&ins),
    )
        .into_response())
}

async fn login_page(State(state): State<InboxState>, parts: Parts) -> Result<Response, InboxError> {
    // Already logged in: straight to the list.
    Ok(
        match state.owner(&parts.extensions, &parts.headers).await? {
            Some(_) => Redirect::to("/inbox").into_response(),
            None => Html(html::login(None)).into_response(),
        },
    )
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
) -> Result<Response, InboxError> {
    let ip = ratelimit::client_ip(connect.map(|c| (c.0).0), &headers, state.trust_proxy);
    // The per-instance count shared with the other doors first (cheap, no database), then
    // the per-account and per-address counts in the database, shared by every collector.
    state
        .failures
        .refused(ip, Instant::now())
        .map_err(InboxError::TooMany)?;
    let outcome = state
        .auth
        .login(&form.email, &form.password, ip, time::now_millis())
        .await?;
    let id = match outcome {
        Login::Session(id) => id,
        Login::Wrong => {
            state.failures.failed(ip, "inbox login", Instant::now());
            return Err(InboxError::Unauthorized {
                error: Some(WRONG_LOGIN),
            });
        }
        Login::Limited(wait) => return Err(InboxError::TooMany(wait)),
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
    Ok(r)
}

/// A form that only carries its CSRF token (logout, log out everywhere).
#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

owner_form!(LogoutForm);

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
    Signed { owner, .. }: Signed<LogoutForm>,
) -> Result<Response, InboxError> {
    if let Owner::Session { id_hash, .. } = &owner {
        state.auth.logout(id_hash).await?;
    }
    Ok(logged_out())
}

async fn logout_everywhere(
    State(state): State<InboxState>,
    Signed { owner, .. }: Signed<LogoutForm>,
) -> Result<Response, InboxError> {
    if let Some(account) = owner.account() {
        let n = state.store.end_sessions(account.id).await?;
        tracing::info!(account = account.id, sessions = n, "logged out everywhere");
    }
    Ok(logged_out())
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

owner_form!(AssignForm);

async fn assign(
    State(state): State<InboxState>,
    ItemId(id): ItemId,
    Signed { owner, form, .. }: Signed<AssignForm>,
) -> Result<Response, InboxError> {
    let accounts = state.store.accounts().await?;
    let to = match form.to.trim() {
        "" => None,
        "me" => Some(owner.account().cloned().ok_or_else(|| {
            InboxError::bad_input(
                &owner,
                "No account",
                "The API token has no account to take requests: give an account id.",
            )
        })?),
        other => Some(
            other
                .parse::<i64>()
                .ok()
                .and_then(|n| accounts.iter().find(|a| a.id == n && !a.disabled))
                .cloned()
                .ok_or_else(|| {
                    InboxError::bad_input(
                        &owner,
                        "No such account",
                        "Choose an enabled account of this inbox.",
                    )
                })?,
        ),
    };
    let note = match (&to, owner.account()) {
        (None, _) => "Unassigned".to_owned(),
        (Some(a), Some(me)) if a.id == me.id => "Taken".to_owned(),
        (Some(a), _) => format!("Assigned to {}", a.email),
    };
    let at = time::now_rfc3339();
    let assigned = state
        .store
        .assign(
            id.clone(),
            to.as_ref().map(|a| a.id),
            owner.name().to_owned(),
            note,
            at,
        )
        .await?;
    if !assigned {
        return Err(InboxError::no_such_item(&owner));
    }
    tracing::info!(%id, to = ?to.as_ref().map(|a| a.id), "assigned");
    if form.back != "queue" {
        return Ok(to_item(&id));
    }
    let back = match form.assigned.as_str() {
        v @ ("mine" | "none") => format!("/inbox?view=callbacks&assigned={v}"),
        _ => "/inbox?view=callbacks".to_owned(),
    };
    Ok(Redirect::to(&back).into_response())
}

async fn accounts_page(
    State(state): State<InboxState>,
    owner: Owner,
) -> Result<Response, InboxError> {
    allowed(&owner, Action::ManageAccounts)?;
    let accounts = state.store.accounts().await?;
    Ok(Html(html::accounts(&accounts, owner.csrf(), None)).into_response())
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

owner_form!(NewAccountForm, needs ManageAccounts);

/// The accounts page again with `error`, as a 400 (or 409 for a taken email).
async fn accounts_error(
    state: &InboxState,
    owner: &Owner,
    status: StatusCode,
    error: impl ToString,
) -> InboxError {
    match state.store.accounts().await {
        Ok(accounts) => InboxError::AccountsForm {
            status,
            error: error.to_string(),
            accounts,
            csrf: owner.csrf().to_owned(),
        },
        Err(e) => e.into(),
    }
}

async fn add_account(
    State(state): State<InboxState>,
    Signed { owner, form, .. }: Signed<NewAccountForm>,
) -> Result<Response, InboxError> {
    let new = match crate::users::new_account(&form.email, &form.name, &form.role, &form.password)
        .await
    {
        Ok(new) => new,
        Err(e) => return Err(accounts_error(&state, &owner, StatusCode::BAD_REQUEST, e).await),
    };
    let Some(a) = state.store.create_account(new).await? else {
        let taken = team::AccountError::EmailTaken;
        return Err(accounts_error(&state, &owner, StatusCode::CONFLICT, taken).await);
    };
    tracing::info!(
        account = a.id,
        role = a.role.as_str(),
        by = owner.name(),
        "account added"
    );
    Ok(Redirect::to("/inbox/accounts").into_response())
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

owner_form!(AccountForm, needs ManageAccounts);

async fn change_account(
    State(state): State<InboxState>,
    Path(id): Path<String>,
    Signed { owner, form, .. }: Signed<AccountForm>,
) -> Result<Response, InboxError> {
    use crate::store::accounts::{AccountChange, Changed};
    let Ok(id) = id.parse::<i64>() else {
        return Err(InboxError::no_such_account(&owner));
    };
    let bad = StatusCode::BAD_REQUEST;
    let change = match form.action.as_str() {
        "disable" => AccountChange::Disable,
        "enable" => AccountChange::Enable,
        "role" => match form.role.parse() {
            Ok(role) => AccountChange::Role(role),
            Err(e) => return Err(accounts_error(&state, &owner, bad, e).await),
        },
        "password" => match crate::users::hash_new_password(form.password).await {
            Ok(hash) => AccountChange::Password(hash),
            Err(e) => return Err(accounts_error(&state, &owner, bad, e).await),
        },
        other => {
            let why = format!("unknown action `{other}`");
            return Err(accounts_error(&state, &owner, bad, why).await);
        }
    };
    let a = match state.store.change_account(id, change).await? {
        Changed::Done(a) => a,
        Changed::NotFound => return Err(InboxError::no_such_account(&owner)),
        Changed::LastOwner => {
            let last = team::AccountError::LastOwner;
            return Err(accounts_error(&state, &owner, StatusCode::CONFLICT, last).await);
        }
    };
    tracing::info!(
        account = a.id,
        action = form.action,
        by = owner.name(),
        "account changed"
    );
    // Disabling oneself or changing one's own password ends this session too.
    let own = owner.account().is_some_and(|me| me.id == a.id);
    if own && matches!(form.action.as_str(), "disable" | "password") {
        return Ok(logged_out());
    }
    Ok(Redirect::to("/inbox/accounts").into_response())
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
