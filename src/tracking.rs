//! The visitor's own requests, so they can see what happened to them later.
//!
//! Only requests whose endpoint returned a status token are tracked (the collector does; other
//! endpoints don't, and then no status is offered), and only for a visitor who asked to be
//! remembered: nothing is stored otherwise. That holds whether the request went through while
//! the visitor watched (the forms' hooks) or later from the outbox ([`follow_delivered`]). The
//! status itself always comes fresh from the endpoint.
use allo_core::json::{FromJson, Obj, ToJson, Value};
use allo_core::status::RequestStatus;
use allo_core::submission::Kind;

use crate::{memory, storage, transport};

const KEY: &str = "requests";
/// Kept at most this many, newest first.
const MAX: usize = 10;
/// Forgotten after this long, whatever their status.
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
    let mut all: Vec<Tracked> = storage::load(KEY).unwrap_or_default();
    all.retain(|t| now - t.sent_ms < KEEP_MS);
    all
}

/// Remembers `t` (only called for visitors who opted in).
pub fn add(t: Tracked) {
    let mut all = list();
    all.retain(|x| x.id != t.id);
    all.insert(0, t);
    all.truncate(MAX);
    storage::save(KEY, &all, storage::Kept::Requests);
}

/// Follows a request the outbox delivered in the background (queued while offline or while the
/// endpoint was down, sent later, perhaps from another page), as the forms' hooks follow one
/// sent while the visitor watched.
///
/// The visitor's "remember me" choice is not in the outbox item: the hooks wrote it to
/// [`memory`] when the request was queued (and unticking the box there forgets the visitor), so
/// a request is followed only while the visitor is remembered on this device. A request
/// already followed is left as it is.
pub fn follow_delivered(endpoint: &str, id: &str, kind: Kind, token: Option<String>) {
    let Some(token) = token else { return };
    if memory::load().is_none() || list().iter().any(|t| t.id == id) {
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
        storage::remove(KEY);
    } else {
        storage::save(KEY, &all, storage::Kept::Requests);
    }
}
