//! `use_keyboard_inset`: keeps the focused field visible while a phone's on-screen keyboard is
//! open. Not a hook of its own but a function the panel's mount effect calls, whose clean-up it
//! returns: one effect instead of two, and each effect type is its own copy of Yew's effect
//! code (docs/performance.md, session 7).
//!
//! The keyboard shrinks the *visual* viewport but, on most phones, not the layout viewport a
//! fixed element is sized against, so the bottom of a full-height sheet (and the field being
//! typed into) ends up under the keyboard. This follows `window.visualViewport`: it hands
//! the visible area to the CSS as `--allo-vv-top` / `--allo-vv-height` (used by the small-screen
//! sheet in `styles/panel.css`) and scrolls the panel so the focused control stays in sight.
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::NodeRef;

/// Space kept between the focused control and the edge of what is visible, in CSS pixels.
const MARGIN: f64 = 12.0;

/// Fits the panel in `panel_ref` to the visible viewport from now until the returned clean-up
/// runs (the panel's mount effect calls it, and the effect's clean-up calls what it returns).
pub fn follow_visual_viewport(panel_ref: NodeRef) -> impl FnOnce() {
    let window = web_sys::window();
    let viewport = window.as_ref().and_then(|w| w.visual_viewport());
    let listener = viewport.as_ref().map(|vv| {
        let (seen, window) = (vv.clone(), window.clone());
        let on_change = Closure::<dyn Fn()>::new(move || {
            if let (Some(panel), Some(window)) = (panel_ref.cast::<HtmlElement>(), window.as_ref())
            {
                fit(&panel, &seen, window);
            }
        });
        for event in ["resize", "scroll"] {
            let _ = vv.add_event_listener_with_callback(event, on_change.as_ref().unchecked_ref());
        }
        on_change
    });
    move || {
        if let (Some(vv), Some(listener)) = (viewport, listener) {
            for event in ["resize", "scroll"] {
                let _ = vv
                    .remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            }
        }
    }
}

fn fit(panel: &HtmlElement, vv: &web_sys::VisualViewport, window: &web_sys::Window) {
    let style = panel.style();
    let layout_height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    // Only a keyboard (or a pinch zoom) makes the visible area smaller than the layout one.
    if vv.height() + 1.0 < layout_height {
        let _ = style.set_property("--allo-vv-top", &px(vv.offset_top()));
        let _ = style.set_property("--allo-vv-height", &px(vv.height()));
    } else {
        let _ = style.remove_property("--allo-vv-top");
        let _ = style.remove_property("--allo-vv-height");
    }
    reveal_focus(panel);
}

/// A length in CSS pixels, to the hundredth (the printer in `allo_core::number` keeps core's
/// float formatting out of the wasm).
fn px(v: f64) -> String {
    format!(
        "{}px",
        allo_core::number::to_string((v * 100.0).round() / 100.0)
    )
}

/// Scrolls `panel` (only the panel: the shop's page stays where it is) so that its focused
/// control is inside its visible box.
fn reveal_focus(panel: &HtmlElement) {
    let Some(active) = crate::browser::active_element_near(panel) else {
        return;
    };
    if !panel.contains(Some(&active)) {
        return;
    }
    let (field, frame) = (
        active.get_bounding_client_rect(),
        panel.get_bounding_client_rect(),
    );
    let below = field.bottom() + MARGIN - frame.bottom();
    let above = frame.top() - (field.top() - MARGIN);
    if below > 0.0 {
        panel.set_scroll_top(panel.scroll_top() + below.ceil() as i32);
    } else if above > 0.0 {
        panel.set_scroll_top(panel.scroll_top() - above.ceil() as i32);
    }
}
