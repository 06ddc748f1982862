//! The hook over one request the remembered visitor (`crate::visitor`) follows: where it
//! stands. The card renders what it returns; the fetch and the storage write happen here. (The
//! greeting and the list of followed requests are read once with the panel's own state,
//! `view::panel`.)
use allo_core::status::RequestStatus;
use yew::prelude::*;

use crate::visitor::{self, Tracked};

/// Where a request stands: `None` while loading, `Some(None)` when the endpoint could not
/// say, `Some(Some(status))` once loaded. Fetched fresh when the card mounts; a finished
/// request is shown this once, then forgotten. The handle, not a copy: cloning the status on
/// every render was its own inlined code.
#[hook]
pub fn use_request_status(tracked: Tracked) -> UseStateHandle<Option<Option<RequestStatus>>> {
    let state = use_state(|| None::<Option<RequestStatus>>);
    {
        let state = state.clone();
        use_effect_with(tracked.id.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let status = tracked.fetch().await;
                if status.as_ref().is_some_and(|st| !st.stage.is_open()) {
                    visitor::forget(Some(&tracked.id));
                }
                state.set(Some(status));
            });
        });
    }
    state
}
