//! The hook over the requests the remembered visitor (`crate::visitor`) follows: where each
//! stands. The cards render what it keeps (`view::requests::status_card`); the fetches and the
//! storage write happen here. (The greeting and the list of followed requests are read once
//! with the panel's own state, `view::panel`.)
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::status::RequestStatus;
use yew::prelude::*;

use crate::visitor::{self, Tracked};

/// Where each request stands, in the order the hook was given them: `None` while loading,
/// `Some(None)` when the endpoint could not say, `Some(Some(status))` once loaded.
pub type Statuses = Rc<RefCell<Vec<Option<Option<RequestStatus>>>>>;

/// Where each of `requests` stands, fetched fresh (all at once) when the list first has them;
/// a finished request is shown this once, then forgotten. The panel's list and the thank-you
/// state's one request share this hook, so neither needs a component per card: the statuses
/// are one cell and the render that shows an answer is asked for (`use_force_update`), where
/// a card of its own was a component type and a state type (Yew's lifecycle and hook code
/// for each; docs/performance.md, session 8).
#[hook]
pub fn use_request_statuses(requests: Rc<Vec<Tracked>>) -> Statuses {
    let statuses = use_mut_ref(Vec::new);
    let rerender = use_force_update();
    {
        let statuses = statuses.clone();
        // Compared by content: the thank-you state builds its one-request list on every render.
        use_effect_with(requests, move |requests| {
            let mut all = statuses.borrow_mut();
            all.clear();
            all.resize_with(requests.len(), || None);
            for (i, tracked) in requests.iter().cloned().enumerate() {
                let (statuses, rerender) = (statuses.clone(), rerender.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let status = tracked.fetch().await;
                    if status.as_ref().is_some_and(|st| !st.stage.is_open()) {
                        visitor::forget(Some(&tracked.id));
                    }
                    // The list only ever grows from none to its requests while a view is
                    // mounted (the panel reads it once, the thank-you state shows its one), so
                    // position `i` is this request's.
                    if let Some(slot) = statuses.borrow_mut().get_mut(i) {
                        *slot = Some(status);
                    }
                    rerender.force_update();
                });
            }
        });
    }
    statuses
}
