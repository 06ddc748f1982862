//! The hook over the requests the remembered visitor (`crate::visitor`) follows: where each
//! stands. The cards render what it keeps (`view::requests::status_card`); the fetches and the
//! storage write happen here. (The greeting and the list of followed requests are read once
//! with the panel's own state, `view::panel`.)
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::status::RequestStatus;
use yew::prelude::*;

use crate::visitor::{self, Tracked};

/// Where each request stands, in the order the hook was given them, beside its id: `None` while
/// loading, `Some(None)` when the endpoint could not say, `Some(Some(status))` once loaded.
pub type Statuses = Rc<RefCell<Vec<(String, Option<Option<RequestStatus>>)>>>;

/// The status at position `i` of `statuses`: loading until the hook's effect has run.
pub fn status_at(
    statuses: &Statuses,
    i: usize,
) -> std::cell::Ref<'_, Option<Option<RequestStatus>>> {
    std::cell::Ref::map(statuses.borrow(), |all| {
        all.get(i).map_or(&None, |(_, st)| st)
    })
}

/// Where each of `requests` stands, fetched fresh (all at once) whenever the list changes: the
/// app's is empty while the panel is closed and read anew on each opening, the thank-you
/// state's has its one request once the visitor asks. A finished request is shown this once,
/// then forgotten. The panel's list and the thank-you state's one request share this hook, so
/// neither needs a component per card: the statuses are one cell and the render that shows an
/// answer is asked for (`use_force_update`), where a card of its own was a component type and
/// a state type (Yew's lifecycle and hook code for each; docs/performance.md, session 8).
#[hook]
pub fn use_request_statuses(requests: Rc<Vec<Tracked>>) -> Statuses {
    let statuses = use_mut_ref(Vec::new);
    let rerender = use_force_update();
    {
        let statuses = statuses.clone();
        // Compared by content: the thank-you state builds its one-request list on every render.
        use_effect_with(requests, move |requests| {
            *statuses.borrow_mut() = requests.iter().map(|t| (t.id.clone(), None)).collect();
            for (i, tracked) in requests.iter().cloned().enumerate() {
                let (statuses, rerender) = (statuses.clone(), rerender.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let status = tracked.fetch().await;
                    if status.as_ref().is_some_and(|st| !st.stage.is_open()) {
                        visitor::forget(Some(&tracked.id));
                    }
                    // Still this request's place: the list may have changed meanwhile (the panel
                    // closed, or closed and opened again).
                    if let Some((id, slot)) = statuses.borrow_mut().get_mut(i) {
                        if *id == tracked.id {
                            *slot = Some(status);
                        }
                    }
                    rerender.force_update();
                });
            }
        });
    }
    statuses
}
