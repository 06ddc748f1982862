//! The inbox's pages: askama templates under `collector/templates/`, filled from view structs
//! built here.
//!
//! Why askama: the pages are HTML files a person can read and change without reading Rust,
//! each checked at compile time against the struct that fills it, and every `{{ value }}` is
//! escaped unless the template says `|safe` (none does), so a forgotten escape is impossible
//! rather than unlikely. maud would check as much, but its escaper leaves `'` as it is and
//! cannot be replaced; askama's can (`askama.toml`), so [`Escape`] keeps exactly the entities
//! the inbox always wrote (`&lt;`, `&#39;` …), and the pages read the same as before.
//!
//! The view structs hold text already formatted for the owner (times in their zone, labels):
//! what a page shows is decided in Rust, where it is tested; templates only lay it out. The
//! inbox's Content-Security-Policy allows the inbox's own scripts and styles only, so even a
//! value that escaped escaping could not run a script.
use std::collections::HashMap;
use std::fmt;

use askama::Template;

pub mod insights;

use crate::attempts::{self, CallPolicy, Outcome, RetryChoice};
use crate::owner_zone::Zone;
use crate::queue::{self, Queue};
use crate::status::Status;
use crate::store::{CallAttempt, Delivery, DeliveryKind, Record, StatusEvent};

/// The inbox's Content-Security-Policy: its own stylesheet, script (the queue's live updates),
/// fetches and forms, nothing else; never framed.
pub const INBOX_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

/// The stylesheet served at `/inbox/inbox.css`.
pub const CSS: &str = include_str!("../assets/inbox.css");

/// The script served at `/inbox/queue.js`: keeps an open queue current (see the file).
pub const QUEUE_JS: &str = include_str!("../assets/queue.js");

/// The escaper of every `.html` template (configured in `askama.toml`): `& < > " '` as the
/// named entities `&amp; &lt; &gt; &quot; &#39;`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, s: &str) -> fmt::Result {
        let mut last = 0;
        for (i, c) in s.char_indices() {
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&s[last..i])?;
            dest.write_str(entity)?;
            last = i + 1;
        }
        dest.write_str(&s[last..])
    }
}

/// Escapes text for HTML element content and quoted attribute values, as the templates do
/// (for the few strings built outside a template, and for tests).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = askama::filters::Escaper::write_escaped_str(&Escape, &mut out, s);
    out
}

/// Renders a page; a template that fails to render (only a `Display` impl failing could) is
/// logged and shown as a short error page rather than half a page.
fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "an inbox template failed to render");
        "<!doctype html><title>Error</title><p>This page could not be shown.</p>".to_owned()
    })
}

/// Shortens `s` to `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// Which part of the inbox a page belongs to, for the navigation's `aria-current`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    /// The callback queue.
    Queue,
    /// Everything.
    All,
    /// Feedback only.
    Feedback,
    /// The callbacks the viewer took.
    Mine,
    /// The accounts page.
    Accounts,
    /// The Insights page.
    Insights,
    /// A page of its own (an item, the login, a message).
    None,
}

/// What every page's frame needs.
pub struct Layout<'a> {
    /// The logout form's CSRF token; `None` for a page without a session (login, errors).
    pub csrf: Option<&'a str>,
    /// The navigation entry to mark as current.
    pub nav: Nav,
    /// Loads the queue's live-update script.
    pub live: bool,
    /// Shows the link to the accounts page (owners).
    pub manage: bool,
    /// Shows the link to "Mine" (a person with an account, not the API token).
    pub mine: bool,
    /// Shows the link to Insights (owners: the figures are a report, like the exports).
    pub insights: bool,
}

impl<'a> Layout<'a> {
    fn new(csrf: Option<&'a str>, nav: Nav) -> Layout<'a> {
        Layout {
            // Bearer requests have no session, hence no logout.
            csrf: csrf.filter(|c| !c.is_empty()),
            nav,
            live: false,
            manage: false,
            mine: false,
            insights: false,
        }
    }

    /// The same frame with the links `team`'s viewer may follow.
    fn for_team(mut self, team: &Team) -> Layout<'a> {
        self.manage = team.may_manage;
        self.mine = team.me.is_some();
        self.insights = team.may_export;
        self
    }
}

/// The viewer's rights and the team, for what the pages show about assignment.
#[derive(Clone, Debug, Default)]
pub struct Team {
    /// The viewer's account (`None`: the API token).
    pub me: Option<i64>,
    /// The viewer may export.
    pub may_export: bool,
    /// The viewer may manage accounts.
    pub may_manage: bool,
    /// Every account: id, label, disabled.
    pub people: Vec<(i64, String, bool)>,
    /// Who took which of the records shown: submission id → account id.
    pub assigned: HashMap<String, i64>,
}

impl Team {
    /// Who took submission `id`, in words ("you" for the viewer).
    pub fn taken_by(&self, id: &str) -> Option<String> {
        let who = *self.assigned.get(id)?;
        if Some(who) == self.me {
            return Some("you".to_owned());
        }
        Some(
            self.people
                .iter()
                .find(|(n, _, _)| *n == who)
                .map_or_else(|| format!("account {who}"), |(_, label, _)| label.clone()),
        )
    }

    /// The "Take it" form for submission `id`, unless the viewer has it already (or has no
    /// account to take it with).
    pub fn take_form(
        &self,
        id: &str,
        csrf: &str,
        back: &'static str,
        assigned: &str,
    ) -> Option<TakeForm> {
        let me = self.me?;
        (self.assigned.get(id) != Some(&me)).then(|| TakeForm {
            action: format!("/inbox/item/{id}/assign"),
            csrf: csrf.to_owned(),
            back,
            assigned: assigned.to_owned(),
            label: if self.assigned.contains_key(id) {
                "Take it over"
            } else {
                "Take it"
            },
        })
    }

    /// Marks who took each card of the queue and adds its "Take it" button.
    pub fn mark_queue(&self, view: &mut QueueView, csrf: &str, assigned: &str) {
        for row in view
            .now
            .iter_mut()
            .chain(view.later.iter_mut())
            .chain(view.other.iter_mut())
        {
            row.taken = self.taken_by(&row.id);
            row.take = self.take_form(&row.id, csrf, "queue", assigned);
        }
    }
}

/// A "Take it" button (a form posting `to=me`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakeForm {
    /// Where it posts.
    pub action: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// `queue` or `item`: where to go back to.
    pub back: &'static str,
    /// The queue filter to go back to.
    pub assigned: String,
    /// "Take it" or "Take it over".
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    layout: Layout<'a>,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage<'a> {
    layout: Layout<'a>,
    csrf: &'a str,
    error: Option<&'a str>,
    accounts: &'a [crate::accounts::Account],
    roles: [crate::accounts::Role; 2],
    min: usize,
}

/// The accounts page (owners): every account with its actions, and the form to add one.
pub fn accounts(accounts: &[crate::accounts::Account], csrf: &str, error: Option<&str>) -> String {
    let mut layout = Layout::new(Some(csrf), Nav::Accounts);
    layout.manage = true;
    layout.mine = true;
    render(&AccountsPage {
        layout,
        csrf,
        error,
        accounts,
        roles: crate::accounts::Role::ALL,
        min: crate::accounts::PASSWORD_MIN,
    })
}

/// The login page, with an optional error line.
pub fn login(error: Option<&str>) -> String {
    render(&LoginPage {
        layout: Layout::new(None, Nav::None),
        error,
    })
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    layout: Layout<'a>,
    heading: &'a str,
    text: &'a str,
}

/// A page with one message (bad filters, unknown item).
pub fn message(title: &str, text: &str, csrf: Option<&str>) -> String {
    render(&MessagePage {
        layout: Layout::new(csrf, Nav::None),
        heading: title,
        text,
    })
}

/// One `<option>`.
pub struct Opt {
    /// Its value.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Whether it is the chosen one.
    pub selected: bool,
}

impl Opt {
    fn new(value: &str, label: &str, chosen: &str) -> Opt {
        Opt {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: value == chosen,
        }
    }
}

/// The filters a listing was made with, as the form shows them (already validated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// `callbacks` or empty.
    pub view: String,
    /// `feedback`, `callback` or empty.
    pub kind: String,
    /// A status name, `open`, `any` or empty.
    pub status: String,
    /// `YYYY-MM-DD` or empty.
    pub from: String,
    /// `YYYY-MM-DD` or empty.
    pub to: String,
    /// The search words, as typed (trimmed).
    pub q: String,
    /// The page of results, 1-based (1 is not written in links).
    pub page: u32,
    /// `mine`, `none` or empty (see [`crate::store::Assigned`]).
    pub assigned: String,
    /// One context entry, `key=value`, or empty (see [`crate::context`]).
    pub context: String,
}

impl Shown {
    /// The query string that reproduces these filters, without the page: the validated values
    /// are URL-safe, the search words are percent-encoded.
    pub fn query(&self) -> String {
        let q = url_encode(&self.q);
        let context = url_encode(&self.context);
        let pairs = [
            ("q", &q),
            ("context", &context),
            ("view", &self.view),
            ("kind", &self.kind),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
            ("assigned", &self.assigned),
        ];
        let parts: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.join("&")
    }

    /// The link to page `page` of these filters.
    pub fn page_href(&self, page: u32) -> String {
        let mut q = self.query();
        if page > 1 {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&format!("page={page}"));
        }
        if q.is_empty() {
            "/inbox".to_owned()
        } else {
            format!("/inbox?{q}")
        }
    }
}

/// Percent-encodes a query value (`application/x-www-form-urlencoded`, as a form would).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A listing's page of results: which rows of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// The page shown, 1-based.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows matching the filters, on every page.
    pub total: u64,
}

impl Paging {
    /// How many pages the rows fill (at least one, even when empty).
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per).max(1)).unwrap_or(u32::MAX)
    }
}

struct Pager {
    prev: Option<String>,
    next: Option<String>,
    position: String,
}

struct CallbackCell {
    urgent: bool,
    overdue: bool,
    phone: String,
    promise: String,
    due: String,
    moved: bool,
    reason: Option<String>,
}

struct FeedbackCell {
    score: String,
    category: Option<String>,
    message: String,
}

struct ListRow {
    received: String,
    id: String,
    reference: String,
    status: Status,
    delivery_problem: Option<bool>,
    taken: Option<String>,
    who: Vec<String>,
    callback: Option<CallbackCell>,
    feedback: Option<FeedbackCell>,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage<'a> {
    layout: Layout<'a>,
    heading: &'static str,
    shown: &'a Shown,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    assigned_opts: Vec<Opt>,
    may_export: bool,
    zone: &'a str,
    summary: String,
    export_query: String,
    rows: Vec<ListRow>,
    pager: Pager,
}

/// Groups digits by three (`12,345`), for counts people read.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The listing page; `problems` maps ids with a failing delivery to whether it was abandoned.
/// Times are shown in `zone`; `team` says who took what and whether exports are offered.
#[allow(clippy::too_many_arguments)]
pub fn list(
    records: &[Record],
    shown: &Shown,
    csrf: &str,
    now: &str,
    paging: Paging,
    problems: &HashMap<String, bool>,
    zone: &Zone,
    team: &Team,
) -> String {
    let callbacks = shown.view == "callbacks";
    let mut assigned_opts = vec![
        Opt::new("", "Anyone", &shown.assigned),
        Opt::new("none", "Nobody (unassigned)", &shown.assigned),
    ];
    if team.me.is_some() {
        assigned_opts.insert(1, Opt::new("mine", "Me", &shown.assigned));
    }
    let kinds = vec![
        Opt::new("", "Any", &shown.kind),
        Opt::new("callback", "Callback requests", &shown.kind),
        Opt::new("feedback", "Feedback", &shown.kind),
    ];
    let mut statuses = vec![
        Opt::new("", if callbacks { "Open" } else { "Any" }, &shown.status),
        Opt::new(
            if callbacks { "any" } else { "open" },
            if callbacks { "Any" } else { "Open" },
            &shown.status,
        ),
        Opt::new("overdue", "Overdue callbacks", &shown.status),
    ];
    statuses.extend(
        Status::ALL
            .iter()
            .map(|s| Opt::new(s.as_str(), s.label(), &shown.status)),
    );
    let rows = records
        .iter()
        .map(|r| ListRow {
            received: zone.show(&r.received_at),
            id: r.id.clone(),
            reference: r.reference.clone(),
            status: r.status,
            delivery_problem: problems.get(&r.id).copied(),
            taken: team.taken_by(&r.id),
            who: [
                r.visitor_name.as_deref(),
                r.visitor_email.as_deref(),
                r.visitor_phone.as_deref(),
            ]
            .into_iter()
            .flatten()
            .map(str::to_owned)
            .collect(),
            callback: r.is_callback().then(|| CallbackCell {
                urgent: r.callback_urgent == Some(true),
                overdue: r.is_overdue(now),
                phone: r.callback_phone_e164.clone().unwrap_or_default(),
                promise: r.callback_promise_text.clone().unwrap_or_default(),
                due: zone.show(r.due_by().unwrap_or("")),
                moved: r.rescheduled_due_by.is_some(),
                reason: r
                    .callback_reason
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .map(|s| clip(s, 140)),
            }),
            feedback: (!r.is_callback()).then(|| FeedbackCell {
                score: format!(
                    "{} {}",
                    r.feedback_metric.as_deref().unwrap_or(""),
                    r.feedback_score.map(|s| s.to_string()).unwrap_or_default()
                ),
                category: r.feedback_category.clone(),
                message: clip(r.feedback_message.as_deref().unwrap_or(""), 140),
            }),
        })
        .collect();
    let pages = paging.pages();
    let first = u64::from(paging.page - 1) * u64::from(paging.per_page) + 1;
    let last = (first - 1 + records.len() as u64).max(first.min(paging.total));
    let summary = match paging.total {
        0 => "None shown".to_owned(),
        n if pages == 1 => format!("{} shown", thousands(n)),
        n => format!(
            "{}–{} of {}",
            thousands(first),
            thousands(last),
            thousands(n)
        ),
    };
    let q = shown.query();
    let pager = Pager {
        prev: (paging.page > 1).then(|| shown.page_href(paging.page - 1)),
        next: (paging.page < pages).then(|| shown.page_href(paging.page + 1)),
        position: format!("Page {} of {}", paging.page, thousands(u64::from(pages))),
    };
    let page = ListPage {
        layout: Layout::new(
            Some(csrf),
            match (callbacks, shown.kind.as_str()) {
                (true, _) => Nav::Queue,
                (false, "feedback") => Nav::Feedback,
                _ => Nav::All,
            },
        )
        .for_team(team),
        assigned_opts,
        may_export: team.may_export,
        heading: if callbacks {
            "Callbacks — most urgent first"
        } else if shown.q.is_empty() {
            "Submissions — newest first"
        } else {
            "Search results — newest first"
        },
        shown,
        kinds,
        statuses,
        zone: zone.name(),
        summary,
        export_query: if q.is_empty() {
            String::new()
        } else {
            format!("?{q}")
        },
        rows,
        pager,
    };
    render(&page)
}

/// One entry of the owner's context on the item page, linking to the list filtered by it.
struct ContextRow {
    key: String,
    value: String,
    href: String,
}

/// A line of the item page's details.
struct Detail {
    label: &'static str,
    value: String,
    tel: Option<String>,
}

struct DeliveryRow {
    to: String,
    badge: Option<(&'static str, &'static str)>,
    state: String,
    attempts: u32,
    last_error: String,
}

enum MessageNote {
    Removed,
    Set(String),
}

enum DueNote {
    Original,
    Set(String),
}

struct HistoryRow {
    /// Sort key (stored UTC instant): status changes and replies in one time line.
    sort: String,
    at: String,
    by: String,
    change: String,
    note: String,
    message: Option<MessageNote>,
    due: Option<DueNote>,
}

/// One call attempt as the item page lists it.
pub struct AttemptRow {
    /// When, in the owner's zone.
    pub at: String,
    /// Who called.
    pub by: String,
    /// What happened.
    pub outcome: String,
    /// When the next try was set for, if one was.
    pub retry: String,
    /// The caller's note.
    pub note: String,
}

/// A `<select>` choice of when to try again.
pub type RetryOpt = Opt;

/// The outcome buttons of one callback, on a queue row or an item page.
pub struct OutcomeForm {
    /// Where the form posts.
    pub action: String,
    /// The session's CSRF token (empty for Bearer).
    pub csrf: String,
    /// Where to go after: `queue` or `item`.
    pub back: &'static str,
    /// When to try again after no answer; empty when no retry will be planned.
    pub retries: Vec<RetryOpt>,
    /// Offers a time of the owner's choosing and a note (the item page).
    pub custom: bool,
    /// The owner's zone name, for the custom time.
    pub zone: String,
    /// The visitor's name, for the buttons' group label.
    pub who: String,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage<'a> {
    layout: Layout<'a>,
    title: String,
    back: &'static str,
    back_label: &'static str,
    kind_label: &'static str,
    reference: &'a str,
    status: Status,
    call: Option<QueueRow>,
    details: Vec<Detail>,
    context: Vec<ContextRow>,
    is_callback: bool,
    attempts: Vec<AttemptRow>,
    deliveries: Vec<DeliveryRow>,
    history: Vec<HistoryRow>,
    id: &'a str,
    csrf: &'a str,
    statuses: Vec<Opt>,
    visitor_message: &'a str,
    zone: &'a str,
    original_due: String,
    due_input: String,
    by: &'a str,
    taken: Option<String>,
    take: Option<TakeForm>,
    reassign: Vec<Opt>,
    reply: ReplyBox,
}

/// What the item page shows beside the record itself.
pub struct ItemExtras {
    /// The call panel, for an open callback: its queue card with more choices.
    pub call: Option<QueueRow>,
    /// The calls made so far, oldest first.
    pub attempts: Vec<AttemptRow>,
    /// Whether the first call kept the promise, in words, once a call was made.
    pub promise_kept: Option<String>,
    /// The owner's replies by email, oldest first (shown in the history).
    pub replies: Vec<crate::store::ReplyRow>,
    /// Whether the reply form is offered, and if not why.
    pub reply: ReplyBox,
}

/// The item page's reply form, or why there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ReplyBox {
    /// Visitor emails are off (no --smtp-host or no --public-url), or the visitor left none.
    #[default]
    Hidden,
    /// The form, replying to this address.
    Form(String),
    /// The visitor unsubscribed from this request's emails.
    Unsubscribed,
}

/// One submission with its history, its deliveries and the status form, times in `zone`.
#[allow(clippy::too_many_arguments)]
pub fn item(
    r: &Record,
    history: &[StatusEvent],
    deliveries: &[Delivery],
    extras: ItemExtras,
    csrf: &str,
    by: &str,
    now: &str,
    zone: &Zone,
    team: &Team,
) -> String {
    let mut details = Vec::new();
    let mut row = |label: &'static str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            details.push(Detail {
                label,
                value: v.to_owned(),
                tel: None,
            });
        }
    };
    row("Received", Some(&zone.show(&r.received_at)));
    row("Sent (visitor's clock)", Some(&zone.show(&r.created_at)));
    row("Name", r.visitor_name.as_deref());
    row("Email", r.visitor_email.as_deref());
    row("Phone (as typed)", r.visitor_phone.as_deref());
    if r.is_callback() {
        row("Number to call", r.callback_phone_e164.as_deref());
        row("Country", r.callback_country.as_deref());
        row(
            "Urgent",
            r.callback_urgent.map(|u| if u { "yes" } else { "no" }),
        );
        row("Promised", r.callback_promise_text.as_deref());
        let due = r.due_by().map(|d| {
            format!(
                "{}{}{}",
                zone.show(d),
                match (&r.rescheduled_due_by, &r.callback_due_by) {
                    (Some(_), Some(original)) => format!(" (moved from {})", zone.show(original)),
                    _ => String::new(),
                },
                if r.is_overdue(now) { " (overdue)" } else { "" }
            )
        });
        row("Due by", due.as_deref());
        let slot = match (&r.callback_slot_from, &r.callback_slot_to) {
            (Some(a), Some(b)) => Some(format!("{} – {}", zone.show(a), zone.show(b))),
            _ => r.callback_when_mode.as_deref().map(|m| {
                if m == "asap" {
                    "As soon as possible".to_owned()
                } else {
                    m.to_owned()
                }
            }),
        };
        row("When", slot.as_deref());
        row("Promise kept", extras.promise_kept.as_deref());
        row("Shop time zone", r.callback_timezone.as_deref());
        row("Reason", r.callback_reason.as_deref());
    } else {
        let score = r
            .feedback_score
            .map(|s| format!("{} {s}", r.feedback_metric.as_deref().unwrap_or("")));
        row("Score", score.as_deref());
        row("Category", r.feedback_category.as_deref());
        row("Message", r.feedback_message.as_deref());
    }
    row("Page", r.page_url.as_deref());
    row("Page title", r.page_title.as_deref());
    row("Language", Some(&r.locale));
    row("Consent", r.consent_text.as_deref());
    let consent_meta = r.consent_given_at.as_deref().map(|at| {
        format!(
            "{} (version {})",
            zone.show(at),
            r.consent_version.as_deref().unwrap_or("?")
        )
    });
    row("Consent given", consent_meta.as_deref());
    row("Id", Some(&r.id));
    row("Told the visitor", r.visitor_message.as_deref());
    // The number is one tap away wherever it is shown.
    for d in &mut details {
        if d.label == "Number to call" {
            d.tel = Some(d.value.clone());
        }
    }
    let deliveries = deliveries
        .iter()
        .map(|d| {
            let (badge, state) = match (&d.delivered_at, &d.failed_at) {
                (Some(at), _) => (Some(("status-handled", "delivered")), zone.show(at)),
                (None, Some(at)) => (
                    Some(("failing", "failed")),
                    format!("gave up {}", zone.show(at)),
                ),
                (None, None) if d.attempts == 0 => (None, "queued".to_owned()),
                (None, None) => (
                    Some(("failing", "retrying")),
                    format!("next attempt {}", zone.show(&d.next_attempt_at)),
                ),
            };
            DeliveryRow {
                to: match d.kind {
                    Some(DeliveryKind::Email) => format!("Email to {}", d.target),
                    Some(DeliveryKind::Webhook) => format!("Webhook {}", d.target),
                    None => d.target.clone(),
                },
                badge,
                state,
                attempts: d.attempts,
                last_error: d.last_error.clone().unwrap_or_default(),
            }
        })
        .collect();
    let mut history: Vec<HistoryRow> = history
        .iter()
        .map(|e| HistoryRow {
            sort: e.at.clone(),
            at: zone.show(&e.at),
            by: e.by.clone(),
            change: if e.from == e.to {
                format!("note ({})", e.to.label())
            } else {
                format!("{} → {}", e.from.label(), e.to.label())
            },
            note: e.note.clone(),
            message: e.visitor_message.as_deref().map(|m| match m {
                "" => MessageNote::Removed,
                m => MessageNote::Set(m.to_owned()),
            }),
            due: e.due_by.as_deref().map(|d| match d {
                "" => DueNote::Original,
                d => DueNote::Set(zone.show(d)),
            }),
        })
        .collect();
    history.extend(extras.replies.iter().map(|reply| {
        let state = match (&reply.delivered_at, &reply.failed_at) {
            (Some(at), _) => format!("delivered {}", zone.show(at)),
            (None, Some(_)) => format!(
                "not delivered: {}",
                reply.last_error.as_deref().unwrap_or("gave up")
            ),
            (None, None) if reply.attempts == 0 => "queued".to_owned(),
            (None, None) => format!("retrying: {}", reply.last_error.as_deref().unwrap_or("")),
        };
        HistoryRow {
            sort: reply.at.clone(),
            at: zone.show(&reply.at),
            by: reply.by.clone(),
            change: format!("replied by email ({state})"),
            note: reply.body.clone(),
            message: None,
            due: None,
        }
    }));
    history.sort_by(|a, b| a.sort.cmp(&b.sort));
    let page = ItemPage {
        layout: Layout::new(Some(csrf), Nav::None).for_team(team),
        title: format!("{} {}", r.kind, r.reference),
        back: if r.is_callback() {
            "/inbox?view=callbacks"
        } else {
            "/inbox"
        },
        back_label: if r.is_callback() {
            "Callbacks"
        } else {
            "Inbox"
        },
        kind_label: if r.is_callback() {
            "Callback request"
        } else {
            "Feedback"
        },
        reference: &r.reference,
        status: r.status,
        call: extras.call,
        details,
        context: r
            .context
            .0
            .iter()
            .map(|(key, value)| ContextRow {
                key: key.clone(),
                value: value.clone(),
                href: format!("/inbox?context={}", url_encode(&format!("{key}={value}"))),
            })
            .collect(),
        is_callback: r.is_callback(),
        attempts: extras.attempts,
        deliveries,
        history,
        id: &r.id,
        csrf,
        statuses: Status::ALL
            .iter()
            .map(|s| Opt::new(s.as_str(), s.label(), r.status.as_str()))
            .collect(),
        visitor_message: r.visitor_message.as_deref().unwrap_or(""),
        zone: zone.name(),
        original_due: zone.show(r.callback_due_by.as_deref().unwrap_or("")),
        due_input: zone.input_value(r.rescheduled_due_by.as_deref().unwrap_or("")),
        by,
        taken: team.taken_by(&r.id),
        take: team.take_form(&r.id, csrf, "item", ""),
        reassign: {
            let current = team
                .assigned
                .get(&r.id)
                .map(i64::to_string)
                .unwrap_or_default();
            std::iter::once(Opt::new("", "Nobody", &current))
                .chain(
                    team.people
                        .iter()
                        .filter(|(_, _, disabled)| !disabled)
                        .map(|(id, label, _)| Opt::new(&id.to_string(), label, &current)),
                )
                .collect()
        },
        reply: extras.reply,
    };
    render(&page)
}

/// One request in the queue as a card shows it.
pub struct QueueRow {
    /// The submission id.
    pub id: String,
    /// Its reference.
    pub reference: String,
    /// Time left, in words.
    pub left: String,
    /// `late`, `soon` or empty.
    pub left_class: &'static str,
    /// Past its promised time.
    pub late: bool,
    /// Marked urgent.
    pub urgent: bool,
    /// The visitor's name (or "No name").
    pub name: String,
    /// Why they want a call, clipped.
    pub reason: Option<String>,
    /// "Due by …" in the owner's zone.
    pub due_line: String,
    /// The calls so far, e.g. "2 calls, last: no answer".
    pub calls: Option<String>,
    /// Why calling is given up.
    pub flag: Option<String>,
    /// The visitor's email, for the other channel.
    pub email: Option<String>,
    /// E.164, for `tel:`.
    pub tel: String,
    /// The number as people read it.
    pub tel_display: String,
    /// The outcome buttons.
    pub outcome: OutcomeForm,
    /// Who took it, in words.
    pub taken: Option<String>,
    /// The "Take it" button.
    pub take: Option<TakeForm>,
}

/// The queue as the page and its live fragment show it.
pub struct QueueView {
    /// The tab's title, with the count of requests due soon.
    pub title: String,
    /// "2 due within 15 minutes or overdue".
    pub count_line: String,
    /// The stamp the live script compares (see [`crate::store::Store::queue_stamp`]).
    pub stamp: String,
    /// The owner's zone name.
    pub zone: String,
    /// To call now, in order.
    pub now: Vec<QueueRow>,
    /// Waiting for a retry.
    pub later: Vec<QueueRow>,
    /// Calling given up.
    pub other: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage<'a> {
    layout: Layout<'a>,
    q: &'a QueueView,
    filters: Vec<QueueFilter>,
}

#[derive(Template)]
#[template(path = "queue_rows.html")]
struct QueueFragment<'a> {
    q: &'a QueueView,
}

/// The queue page: the live script keeps it current.
pub fn queue_page(q: &QueueView, csrf: &str, team: &Team, assigned: &str) -> String {
    let nav = if assigned == "mine" {
        Nav::Mine
    } else {
        Nav::Queue
    };
    let mut layout = Layout::new(Some(csrf), nav).for_team(team);
    layout.live = true;
    let filters = [("", "Everyone's"), ("mine", "Mine"), ("none", "Unassigned")]
        .into_iter()
        .filter(|(v, _)| team.me.is_some() || *v != "mine")
        .map(|(value, label)| QueueFilter {
            href: if value.is_empty() {
                "/inbox?view=callbacks".to_owned()
            } else {
                format!("/inbox?view=callbacks&assigned={value}")
            },
            label,
            current: assigned == value,
        })
        .collect();
    render(&QueuePage { layout, q, filters })
}

/// A link of the queue's "Everyone's / Mine / Unassigned" switch.
struct QueueFilter {
    href: String,
    label: &'static str,
    current: bool,
}

/// The queue alone (`/inbox/queue/fragment`), for the live script to swap in.
pub fn queue_fragment(q: &QueueView) -> String {
    render(&QueueFragment { q })
}

/// The outcome buttons of `r`, with the retry times offered at `now_ms`.
pub fn outcome_form(
    r: &Record,
    csrf: &str,
    back: &'static str,
    custom: bool,
    now_ms: i64,
    policy: &CallPolicy,
) -> OutcomeForm {
    let zone = &policy.hours.zone;
    // The failure that reaches the limit gives up calling: no retry to choose then.
    let last_try = r.attempts_failed.saturating_add(1) >= policy.max_failed.max(1);
    let retries = if r.other_channel || last_try {
        Vec::new()
    } else {
        RetryChoice::OFFERED
            .iter()
            .map(|c| {
                let at = c.at(now_ms, &policy.hours);
                Opt {
                    value: c.value(),
                    label: format!(
                        "{} {} ({})",
                        queue::day_word(zone, now_ms, at),
                        queue::clock(zone, at),
                        c.label()
                    ),
                    selected: *c == attempts::DEFAULT_RETRY,
                }
            })
            .collect()
    };
    OutcomeForm {
        action: format!("/inbox/item/{}/attempt", r.id),
        csrf: csrf.to_owned(),
        back,
        retries,
        custom,
        zone: zone.name().to_owned(),
        who: r.visitor_name.clone().unwrap_or_default(),
    }
}

/// "2 calls, last: no answer" (and how many may still fail), or `None` before the first.
fn calls_line(r: &Record, max_failed: u32) -> Option<String> {
    let last = r.last_outcome.as_deref()?.parse::<Outcome>().ok()?;
    Some(match last {
        Outcome::Reached => format!("last call: {}", last.label().to_lowercase()),
        _ => format!(
            "{} of {} calls failed, last: {}",
            r.attempts_failed,
            max_failed.max(1),
            last.label().to_lowercase()
        ),
    })
}

/// Why calling is given up, for a flagged request.
fn flag_line(r: &Record) -> Option<String> {
    if !r.other_channel {
        return None;
    }
    let why = if r.last_outcome.as_deref() == Some(Outcome::WrongNumber.as_str()) {
        "Wrong number."
    } else {
        "No more calls planned."
    };
    Some(match r.visitor_email {
        Some(_) => format!("{why} Write to them instead:"),
        None => format!("{why} No email address was given."),
    })
}

/// One request's card: on the queue (`back` = `queue`), or atop its page with a time of the
/// owner's choosing and a note (`custom`).
fn queue_row(
    e: &queue::Entry<'_>,
    csrf: &str,
    back: &'static str,
    custom: bool,
    now_ms: i64,
    policy: &CallPolicy,
) -> QueueRow {
    let zone = &policy.hours.zone;
    let r = e.record;
    let tel = r.callback_phone_e164.clone().unwrap_or_default();
    let promised = r.due_by().map(|due| zone.show(due)).unwrap_or_default();
    QueueRow {
        id: r.id.clone(),
        reference: r.reference.clone(),
        left: e.left.clone(),
        left_class: match (e.group, e.soon) {
            (queue::Group::Overdue, _) => "late",
            (_, true) => "soon",
            _ => "",
        },
        late: e.group == queue::Group::Overdue,
        urgent: r.callback_urgent == Some(true),
        name: r
            .visitor_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "No name".to_owned()),
        reason: r
            .callback_reason
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| clip(s, 140)),
        due_line: match (&r.retry_at, promised.is_empty()) {
            (Some(retry), _) => format!("Next try {}, promised by {promised}", zone.show(retry)),
            (None, false) => format!("Due by {promised}"),
            (None, true) => String::new(),
        },
        calls: calls_line(r, policy.max_failed),
        flag: flag_line(r),
        email: r.visitor_email.clone().filter(|_| r.other_channel),
        tel_display: crate::numbering_plan::display(&tel),
        tel,
        outcome: outcome_form(r, csrf, back, custom, now_ms, policy),
        taken: None,
        take: None,
    }
}

/// The queue's cards.
pub fn queue_view(
    queue: &Queue<'_>,
    csrf: &str,
    now_ms: i64,
    policy: &CallPolicy,
    stamp: String,
) -> QueueView {
    let row = |e: &queue::Entry<'_>| queue_row(e, csrf, "queue", false, now_ms, policy);
    let due_soon = queue.due_soon();
    QueueView {
        title: if due_soon == 0 {
            "Callbacks · Allo inbox".to_owned()
        } else {
            format!("({due_soon}) Callbacks · Allo inbox")
        },
        count_line: match (queue.now.len(), due_soon) {
            (0, 0) => "Nothing due.".to_owned(),
            (n, 0) => format!("{n} to call, none due within 15 minutes."),
            (n, d) => format!("{n} to call, {d} overdue or due within 15 minutes."),
        },
        stamp,
        zone: policy.hours.zone.name().to_owned(),
        now: queue.now.iter().map(row).collect(),
        later: queue.later.iter().map(row).collect(),
        other: queue.other_channel.iter().map(row).collect(),
    }
}

/// The call panel of an open callback's page: its queue card, with a retry time of the
/// owner's choosing and a note.
pub fn call_card(r: &Record, csrf: &str, now_ms: i64, policy: &CallPolicy) -> Option<QueueRow> {
    if !r.is_callback() || !r.status.is_open() {
        return None;
    }
    let q = queue::build(std::slice::from_ref(r), now_ms, &policy.hours.zone);
    let entry = q
        .now
        .iter()
        .chain(&q.later)
        .chain(&q.other_channel)
        .next()?;
    Some(queue_row(entry, csrf, "item", true, now_ms, policy))
}

/// The item page's list of calls, times in `zone`.
pub fn attempt_rows(attempts: &[CallAttempt], zone: &Zone) -> Vec<AttemptRow> {
    attempts
        .iter()
        .map(|a| AttemptRow {
            at: zone.show(&a.at),
            by: a.by.clone(),
            outcome: a
                .outcome
                .map(|o| o.label().to_owned())
                .unwrap_or_else(|| "?".to_owned()),
            retry: a
                .retry_at
                .as_deref()
                .map(|t| zone.show(t))
                .unwrap_or_default(),
            note: a.note.clone(),
        })
        .collect()
}

/// "Yes: first call 2026-11-24 10:05 CET, promised by 10:15 CET" once a call was made.
pub fn promise_kept_text(r: &Record, zone: &Zone) -> Option<String> {
    let first = r.first_attempt_at.as_deref()?;
    let promised = r.callback_due_by.as_deref().map(|d| zone.show(d));
    let verdict = match r.promise_kept {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "No promise was made",
    };
    Some(match promised {
        Some(p) => format!(
            "{verdict}: first call {}, promised by {p}",
            zone.show(first)
        ),
        None => format!("{verdict}: first call {}", zone.show(first)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("Très bien 😀"), "Très bien 😀");
    }

    #[test]
    fn templates_escape_what_they_are_given() {
        let page = message("<b>x</b>", "it's \"quoted\" & <i>", Some("t\"ok"));
        assert!(page.contains("<h2>&lt;b&gt;x&lt;/b&gt;</h2>"), "{page}");
        assert!(
            page.contains("it&#39;s &quot;quoted&quot; &amp; &lt;i&gt;"),
            "{page}"
        );
        assert!(page.contains("value=\"t&quot;ok\""), "{page}");
    }

    #[test]
    fn instants_and_clipping() {
        // Instants are shown through the owner's zone; UTC reads as it always did.
        let utc = crate::owner_zone::Zone::utc();
        assert_eq!(utc.show("2026-11-24T10:00:00.000Z"), "2026-11-24 10:00 UTC");
        assert_eq!(utc.show("garbage"), "garbage");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn filter_query_round_trip() {
        let s = Shown {
            view: "callbacks".into(),
            status: "open".into(),
            ..Shown::default()
        };
        assert_eq!(s.query(), "view=callbacks&status=open");
        assert_eq!(Shown::default().query(), "");
        let s = Shown {
            q: "Noor & co/é".into(),
            kind: "callback".into(),
            ..Shown::default()
        };
        assert_eq!(s.query(), "q=Noor+%26+co%2F%C3%A9&kind=callback");
        assert_eq!(
            s.page_href(3),
            "/inbox?q=Noor+%26+co%2F%C3%A9&kind=callback&page=3"
        );
        assert_eq!(Shown::default().page_href(1), "/inbox");
        assert_eq!(Shown::default().page_href(2), "/inbox?page=2");
    }

    #[test]
    fn paging_counts_pages() {
        let p = |total| Paging {
            page: 1,
            per_page: 100,
            total,
        };
        assert_eq!(p(0).pages(), 1);
        assert_eq!(p(100).pages(), 1);
        assert_eq!(p(101).pages(), 2);
        assert_eq!(p(100_000).pages(), 1000);
    }
}
