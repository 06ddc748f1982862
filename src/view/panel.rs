//! The panel: a modal dialog with a title, a close button, and the form.
//!
//! Focus moves into it on open, Tab and Shift+Tab cycle inside it, Esc closes it (the app
//! then returns focus to the launcher).
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::context::AppContext;
use crate::view::feedback_form::FeedbackForm;
use crate::view::icons::CloseIcon;

/// What counts as focusable for the focus trap.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type='hidden']), textarea:not([disabled]), select:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/// Props of [`Panel`].
#[derive(Properties, PartialEq)]
pub struct PanelProps {
    /// Called when the visitor closes the panel (button or Esc).
    pub onclose: Callback<()>,
}

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        // A radio group is one tab stop: only its checked (or, if none is, first) radio counts.
        .filter(|el| match el.dyn_ref::<web_sys::HtmlInputElement>() {
            Some(input) if input.type_() == "radio" => {
                input.checked()
                    || root
                        .query_selector(&format!("input[name='{}']:checked", input.name()))
                        .ok()
                        .flatten()
                        .is_none()
            }
            _ => true,
        })
        .collect()
}

/// The dialog.
#[component]
pub fn Panel(props: &PanelProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let panel_ref = use_node_ref();
    {
        let panel_ref = panel_ref.clone();
        use_effect_with((), move |_| {
            if let Some(panel) = panel_ref.cast::<web_sys::Element>() {
                let body = panel
                    .query_selector(".allo-panel__body")
                    .ok()
                    .flatten()
                    .unwrap_or(panel.clone());
                if let Some(first) = focusables(&body)
                    .into_iter()
                    .next()
                    .or_else(|| focusables(&panel).into_iter().next())
                {
                    let _ = first.focus();
                }
            }
        });
    }
    let onkeydown = {
        let onclose = props.onclose.clone();
        let panel_ref = panel_ref.clone();
        move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                onclose.emit(());
            }
            "Tab" => {
                let Some(panel) = panel_ref.cast::<web_sys::Element>() else {
                    return;
                };
                let items = focusables(&panel);
                let (Some(first), Some(last)) = (items.first(), items.last()) else {
                    return;
                };
                let active = crate::browser::active_element_near(&panel);
                let at = |el: &web_sys::HtmlElement| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
                };
                if e.shift_key() && at(first) {
                    e.prevent_default();
                    let _ = last.focus();
                } else if !e.shift_key() && at(last) {
                    e.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        }
    };
    let class = classes!(
        "allo-panel",
        format!("allo-panel--{}", ctx.config.position.as_str())
    );
    let close = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <div id="allo-panel" ref={panel_ref} {class} role="dialog" aria-modal="true" aria-labelledby="allo-title" {onkeydown}>
            <div class="allo-panel__header">
                <h2 id="allo-title" class="allo-panel__title">{ &*ctx.strings.panel_title }</h2>
                <button type="button" class="allo-panel__close" aria-label={ctx.strings.close_label.to_string()} onclick={close}>
                    <CloseIcon />
                </button>
            </div>
            <div class="allo-panel__body">
                <FeedbackForm />
            </div>
        </div>
    }
}
