//! The one place Allo touches browser storage (`localStorage`, keys prefixed `allo:`).
//!
//! Nothing is written until the visitor has interacted (callers only save after an input),
//! and every failure (storage disabled, quota, sandboxed iframe) is swallowed with a warning:
//! storage makes Allo kinder, it must never make it break.
use serde::de::DeserializeOwned;
use serde::Serialize;

const PREFIX: &str = "allo:";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Reads and decodes the value under `key`, if present and readable.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let raw = local()?.get_item(&format!("{PREFIX}{key}")).ok()??;
    serde_json::from_str(&raw).ok()
}

/// Stores `value` under `key`.
pub fn save<T: Serialize>(key: &str, value: &T) {
    let Ok(json) = serde_json::to_string(value) else {
        return;
    };
    let stored = local().is_some_and(|s| s.set_item(&format!("{PREFIX}{key}"), &json).is_ok());
    if !stored {
        crate::browser::warn(
            "Allo: browser storage is unavailable; your draft will not survive a reload.",
        );
    }
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(&format!("{PREFIX}{key}"));
    }
}
