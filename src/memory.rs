//! What Allo remembers about a visitor who ticked "remember me" — and only then.
//!
//! Stored under one key so "forget me" is one removal. Read at boot to greet the visitor by
//! name and prefill the forms; written only after a successful send with the box ticked.
use allo_core::json::{FromJson, Obj, ToJson, Value};

use crate::storage;

const KEY: &str = "visitor";

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
    storage::load(KEY)
}

/// Remembers the visitor (merging with what was known) when `remember` is set, and forgets
/// them entirely when it is not: unticking the box is how a visitor says "forget me", so the
/// requests they were following go too (also when this send was only queued, offline).
pub fn update(remember: bool, name: &str, email: &str, phone: &str) {
    if !remember {
        storage::remove(KEY);
        crate::tracking::forget(None);
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
    storage::save(KEY, &r, storage::Kept::Visitor);
}
