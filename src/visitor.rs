//! The remembered visitor: who they are and the requests they follow, kept on this device only
//! for a visitor who ticked "remember me" — and only then.
//!
//! Two keys: `visitor` (name, email, phone) and `requests` (the requests whose status "Your
//! requests" shows). Unticking the box is how a visitor says "forget me": [`update`] removes
//! both. The details are read at boot to greet the visitor by name and prefill the forms, and
//! written only after a send (delivered or queued) with the box ticked.
//!
//! Only requests whose endpoint returned a status token are tracked (the collector does; other
//! endpoints don't, and then no status is offered). That holds whether the request went through
//! while the visitor watched (the forms' send hook) or later from the outbox
//! ([`follow_delivered`]). The status itself always comes fresh from the endpoint.
use allo_core::json::{FromJson, Obj, ToJson, Value};
use allo_core::status::RequestStatus;
use allo_core::submission::Kind;

use crate::{storage, transport};

const VISITOR_KEY: &str = "visitor";
const REQUESTS_KEY: &str = "requests";
/// Requests kept at most this many, newest first.
const MAX: usize = 10;
/// Requests forgotten after this long, whatever their status.
const KEEP_MS: f64 = 30.0 * 24.0 * 3_600_000.0;

/// One request the visitor may follow.
#[derive(Clone, Debug, PartialEq)]
pub struct Tracked {
    /// The submission id.
    pub id: String,
    /// Feedback or callback.
    pub kind: String,
    /// The token the endpoint gave for reading its status.
    pub token: String,
    /// The status URL.
    pub url: String,
    /// When it was sent (ms since the epoch), for expiry.
    pub sent_ms: f64,
}

impl ToJson for Tracked {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("id", &self.id)
            .set("kind", &self.kind)
            .set("token", &self.token)
            .set("url", &self.url)
            .set("sent_ms", self.sent_ms)
            .build()
    }
}

impl FromJson for Tracked {
    fn from_json(v: &Value) -> Option<Tracked> {
        Some(Tracked {
            id: v.field("id")?,
            kind: v.field("kind")?,
            token: v.field("token")?,
            url: v.field("url")?,
            sent_ms: v.field("sent_ms")?,
        })
    }
}

impl Tracked {
    /// A tracked request for submission `id` sent to `endpoint`; `None` when the endpoint's
    /// URL cannot take a path after it (a query string), so no status can be asked for.
    pub fn new(endpoint: &str, id: &str, kind: Kind, token: String) -> Option<Tracked> {
        if endpoint.contains(['?', '#']) {
            return None;
        }
        let url = format!(
            "{}/{id}/status?token={token}",
            endpoint.trim_end_matches('/')
        );
        Some(Tracked {
            id: id.to_owned(),
            kind: kind.as_str().to_owned(),
            token,
            url,
            sent_ms: crate::browser::now_ms(),
        })
    }

    /// The short reference shown to the visitor.
    pub fn reference(&self) -> String {
        allo_core::id::reference(&self.id)
    }

    /// Asks the endpoint where the request stands.
    pub async fn fetch(&self) -> Option<RequestStatus> {
        let v = transport::get_json(&self.url, 10_000).await.ok()?;
        RequestStatus::from_json(&v)
    }
}

/// The remembered requests, newest first, without expired ones.
pub fn list() -> Vec<Tracked> {
    let now = crate::browser::now_ms();
    let mut all: Vec<Tracked> = storage::load(REQUESTS_KEY).unwrap_or_default();
    all.retain(|t| now - t.sent_ms < KEEP_MS);
    all
}

/// Remembers `t` (only called for visitors who opted in).
pub fn add(t: Tracked) {
    let mut all = list();
    all.retain(|x| x.id != t.id);
    all.insert(0, t);
    all.truncate(MAX);
    storage::save(REQUESTS_KEY, &all, storage::Kept::Requests);
}

/// Follows a request the outbox delivered in the background (queued while offline or while the
/// endpoint was down, sent later, perhaps from another page), as the forms' hooks follow one
/// sent while the visitor watched.
///
/// The visitor's "remember me" choice is not in the outbox item: the hooks wrote it to
/// [`update`] when the request was queued (and unticking the box there forgets the visitor), so
/// a request is followed only while the visitor is remembered on this device. A request
/// already followed is left as it is.
pub fn follow_delivered(endpoint: &str, id: &str, kind: Kind, token: Option<String>) {
    let Some(token) = token else { return };
    if load().is_none() || list().iter().any(|t| t.id == id) {
        return;
    }
    if let Some(t) = Tracked::new(endpoint, id, kind, token) {
        add(t);
    }
}

/// Forgets a request that is finished, or every request when the visitor unticks "remember me".
pub fn forget(id: Option<&str>) {
    let mut all = list();
    match id {
        Some(id) => all.retain(|x| x.id != id),
        None => all.clear(),
    }
    if all.is_empty() {
        storage::remove(REQUESTS_KEY);
    } else {
        storage::save(REQUESTS_KEY, &all, storage::Kept::Requests);
    }
}

/// The remembered visitor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remembered {
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Their phone number as typed.
    pub phone: String,
}

impl ToJson for Remembered {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("name", &self.name)
            .set("email", &self.email)
            .set("phone", &self.phone)
            .build()
    }
}

impl FromJson for Remembered {
    fn from_json(v: &Value) -> Option<Remembered> {
        v.as_object()?;
        Some(Remembered {
            name: v.field_or_default("name"),
            email: v.field_or_default("email"),
            phone: v.field_or_default("phone"),
        })
    }
}

/// The remembered visitor, if they opted in on this device.
pub fn load() -> Option<Remembered> {
    storage::load(VISITOR_KEY)
}

/// Remembers the visitor (merging with what was known) when `remember` is set, and forgets
/// them entirely when it is not: unticking the box is how a visitor says "forget me", so the
/// requests they were following go too (also when this send was only queued, offline).
pub fn update(remember: bool, name: &str, email: &str, phone: &str) {
    if !remember {
        storage::remove(VISITOR_KEY);
        forget(None);
        return;
    }
    let mut r = load().unwrap_or_default();
    for (slot, value) in [
        (&mut r.name, name),
        (&mut r.email, email),
        (&mut r.phone, phone),
    ] {
        if !value.trim().is_empty() {
            *slot = value.trim().to_owned();
        }
    }
    storage::save(VISITOR_KEY, &r, storage::Kept::Visitor);
}
