//! Hooks over the remembered visitor (`crate::visitor`): the greeting, the requests they
//! follow, and where one request stands. Components render what these return; the reads,
//! fetches and storage writes happen here.
use std::rc::Rc;

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

/// The requests the visitor follows on this device, read once when the list mounts.
#[hook]
pub fn use_followed_requests() -> Rc<Vec<Tracked>> {
    use_memo((), |_| visitor::list())
}

/// The name to greet the visitor with: the owner's `identify` (or visitor setting) first,
/// then a visitor who asked to be remembered.
#[hook]
pub fn use_greeting(prefill_name: Option<String>) -> Rc<Option<String>> {
    use_memo(prefill_name, |name| {
        name.clone()
            .or_else(|| visitor::load().map(|r| r.name))
            .filter(|n| !n.is_empty())
    })
}
