//! The inbox's extractors: the submission an item route names, and an owner's form with its
//! checks done (CSRF token, the role's right, the note's length), so that every form handler
//! starts from a signed form instead of repeating the checks.
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::de::DeserializeOwned;

use super::{InboxError, InboxState, NAME_MAX, NOTE_MAX};
use crate::accounts::Action;
use crate::auth::Owner;

/// The submission id of an item route (`/inbox/item/{id}/…`), in its canonical spelling.
pub struct ItemId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ItemId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ItemId, Response> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(ItemId(allo_core::id::canonical(&id)))
    }
}

/// A form of the inbox, as [`Signed`] checks it.
pub trait OwnerForm: DeserializeOwned + Send {
    /// What the viewer's role must be allowed to do to send it; `None`: any signed-in owner.
    const NEEDS: Option<Action> = None;

    /// The CSRF token the form carried.
    fn csrf(&self) -> &str;

    /// The note and the name of who acted, if the form has them.
    fn note(&self) -> (&str, &str) {
        ("", "")
    }
}

/// An owner's form, accepted: the owner proved who they are, the role may send it, its CSRF
/// token is the session's, and its note is short enough.
pub struct Signed<F> {
    /// Who sent it.
    pub owner: Owner,
    /// The form as sent.
    pub form: F,
    /// The note, trimmed and without NUL characters (PostgreSQL text cannot hold one: a NUL
    /// would be a 503).
    pub note: String,
    /// Who is recorded as having acted: the account, or the name a script with the API token
    /// gave (it has no account).
    pub by: String,
}

impl<F: OwnerForm> FromRequest<InboxState> for Signed<F> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &InboxState) -> Result<Signed<F>, Response> {
        let (mut parts, body) = req.into_parts();
        let owner = Owner::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Form(form) = Form::<F>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if let Some(action) = F::NEEDS {
            allowed(&owner, action).map_err(IntoResponse::into_response)?;
        }
        let (note, by) = form.note();
        let (note, by) =
            checked(&owner, form.csrf(), note, by).map_err(IntoResponse::into_response)?;
        Ok(Signed {
            owner,
            form,
            note,
            by,
        })
    }
}

/// The 403 for a role that may not do `action`.
pub fn allowed(owner: &Owner, action: Action) -> Result<(), InboxError> {
    if owner.may(action) {
        return Ok(());
    }
    Err(InboxError::not_for_role(owner))
}

/// The checks every owner form starts with: its CSRF token, then the length of its note; the
/// note and who acted come back cleaned.
fn checked(
    owner: &Owner,
    csrf: &str,
    note: &str,
    by: &str,
) -> Result<(String, String), InboxError> {
    if !owner.csrf_ok(csrf) {
        return Err(InboxError::form_expired(owner));
    }
    let note = note.trim().replace('\0', "");
    if note.chars().count() > NOTE_MAX {
        return Err(InboxError::bad_input(
            owner,
            "Note too long",
            format!("Keep notes under {NOTE_MAX} characters."),
        ));
    }
    // A person is recorded as their account, whatever a form says; only a script with the
    // API token may name who acted (it has no account).
    let by: String = match (owner, by.trim()) {
        (Owner::Session { .. }, _) | (Owner::Bearer, "") => owner.name().to_owned(),
        (Owner::Bearer, name) => name.replace('\0', "").chars().take(NAME_MAX).collect(),
    };
    Ok((note, if by.is_empty() { "owner".into() } else { by }))
}
