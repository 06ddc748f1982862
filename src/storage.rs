//! The one place Allo touches browser storage (`localStorage`, keys prefixed `allo:`).
//!
//! Nothing is written until the visitor has interacted (callers only save after an input or a
//! send; reading, including listing the outbox at boot, writes nothing), and every failure
//! (storage disabled, quota, sandboxed iframe) is contained: [`save`] warns, naming what
//! was not kept, and carries on, while the outbox uses [`try_save`] because it must know whether a submission
//! is really safe before telling the visitor "saved".
use allo_core::json::{FromJson, ToJson, Value};
use allo_core::msg::{Code, Msg};

const PREFIX: &str = "allo:";

/// Why a value could not be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No `localStorage` here (disabled, sandboxed, or blocked by privacy settings).
    Unavailable,
    /// The browser refused the write (usually the quota).
    Write,
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StorageError::Unavailable => "browser storage is unavailable",
            StorageError::Write => "the browser refused to store it (storage full?)",
        })
    }
}

impl std::error::Error for StorageError {}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Allo's full key for `key`.
fn full(key: &str) -> String {
    let mut k = String::with_capacity(PREFIX.len() + key.len());
    k.push_str(PREFIX);
    k.push_str(key);
    k
}

fn raw(key: &str) -> Option<String> {
    local()?.get_item(&full(key)).ok()?
}

// The generic `load`/`try_save` only convert; reading and writing are these non-generic
// functions, so each stored type adds its conversion and not another copy of the storage code
// (`inline(never)`: LTO otherwise inlines them into every instance, ~1 KB each).
#[inline(never)]
fn load_value(key: &str) -> Option<Value> {
    crate::browser::parse_json(&raw(key)?)
}

#[inline(never)]
fn save_value(key: &str, value: Value) -> Result<(), StorageError> {
    local()
        .ok_or(StorageError::Unavailable)?
        .set_item(&full(key), &value.to_string())
        .map_err(|_| StorageError::Write)
}

/// Reads and decodes the value under `key`, if present and readable.
pub fn load<T: FromJson>(key: &str) -> Option<T> {
    T::from_json(&load_value(key)?)
}

/// True when something is stored under `key` (decodable or not).
pub fn contains(key: &str) -> bool {
    raw(key).is_some()
}

/// Stores `value` under `key`, reporting failure.
pub fn try_save<T: ToJson>(key: &str, value: &T) -> Result<(), StorageError> {
    save_value(key, value.to_json())
}

/// A value kept for the visitor's comfort, named in the warning when it cannot be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// The unsent feedback draft.
    Draft,
    /// The remembered name, number and email ("remember me").
    Visitor,
    /// The requests whose status "Your requests" follows.
    Requests,
    /// When the last callback request was sent (the cooldown).
    Cooldown,
}

impl Kept {
    /// The console warning for a failed write of this value.
    pub fn warning(self) -> Msg {
        let code = match self {
            Kept::Draft => Code::NoStorageDraft,
            Kept::Visitor => Code::NoStorageVisitor,
            Kept::Requests => Code::NoStorageRequests,
            Kept::Cooldown => Code::NoStorageCooldown,
        };
        Msg::new(code, vec![])
    }
}

/// Stores `value` under `key`; a failure only warns, naming what was not saved (for values
/// that are a comfort, such as the draft).
pub fn save<T: ToJson>(key: &str, value: &T, what: Kept) {
    save_or_warn(key, value.to_json(), what);
}

fn save_or_warn(key: &str, value: Value, what: Kept) {
    if save_value(key, value).is_err() {
        crate::messages::warn(what.warning());
    }
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(&full(key));
    }
}

/// The keys (without `allo:`) that start with `prefix`, in storage order. Reads only.
pub fn keys(prefix: &str) -> Vec<String> {
    let Some(s) = local() else {
        return Vec::new();
    };
    let wanted = full(prefix);
    let n = s.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(&wanted))
        .map(|k| k[PREFIX.len()..].to_owned())
        .collect()
}

/// Turns a key from a `storage` event (another tab wrote) into Allo's key, if it is one of
/// Allo's.
pub fn own_key(full: &str) -> Option<&str> {
    full.strip_prefix(PREFIX)
}
