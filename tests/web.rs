//! Browser tests (wasm-bindgen-test in headless Chromium): boot the widget into a fresh
//! shadow root, let Yew render, and assert on the DOM a visitor and a screen reader get.
#![cfg(target_arch = "wasm32")]

use allo_widget::boot;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh host element with an open shadow root, like the loader makes.
fn fresh_root() -> ShadowRoot {
    let host = document().create_element("allo-widget").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).unwrap()
}

fn settings(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn one(root: &ShadowRoot, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"))
}

fn all(root: &ShadowRoot, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

async fn booted(json: &str) -> ShadowRoot {
    let root = fresh_root();
    assert!(boot(settings(json), root.clone()));
    yew::scheduler::flush().await;
    root
}

async fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn bad_config_renders_nothing() {
    let root = fresh_root();
    assert!(!boot(settings("{}"), root.clone()));
    assert!(!boot(settings(r#"{"endpoint":"javascript:alert(1)"}"#), root.clone()));
    assert!(!boot(JsValue::from_str("https://shop.example"), root.clone()));
    yew::scheduler::flush().await;
    assert_eq!(root.child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn launcher_is_a_named_button_that_opens_a_labelled_modal_dialog() {
    let root = booted(r#"{"endpoint":"/v1/submissions","position":"bottom-left"}"#).await;
    let launcher = one(&root, ".allo-launcher");
    assert_eq!(launcher.tag_name(), "BUTTON");
    assert_eq!(launcher.text_content().unwrap().trim(), "Contact us");
    assert!(launcher.class_name().split(' ').any(|c| c == "allo-launcher--bottom-left"));
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert!(root.query_selector("[role=dialog]").unwrap().is_none());

    click(&launcher).await;
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert_eq!(one(&root, &format!("#{title_id}")).text_content().unwrap(), "How can we help?");
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("true"));
    assert_eq!(one(&root, ".allo-panel__close").get_attribute("aria-label").as_deref(), Some("Close"));
}

#[wasm_bindgen_test]
async fn csat_is_a_radio_group_with_a_name_per_option() {
    let root = booted(r#"{"endpoint":"/v1/submissions"}"#).await;
    click(&one(&root, ".allo-launcher")).await;
    let legend = one(&root, "fieldset legend");
    assert_eq!(legend.text_content().unwrap(), "How satisfied are you with your experience?");
    let radios = all(&root, "input[type=radio][name=allo-score]");
    assert_eq!(radios.len(), 5);
    let names: Vec<String> = radios
        .iter()
        .map(|r| r.closest("label").unwrap().unwrap().query_selector(".allo-visually-hidden").unwrap().unwrap().text_content().unwrap())
        .collect();
    assert_eq!(names, ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"]);
    click(&radios[3]).await;
    let checked: Vec<bool> = all(&root, "input[name=allo-score]").iter().map(|r| r.dyn_ref::<HtmlInputElement>().unwrap().checked()).collect();
    assert_eq!(checked, [false, false, false, true, false]);
}

#[wasm_bindgen_test]
async fn submitting_without_a_rating_shows_a_linked_error_and_focuses_the_group() {
    let root = booted(r#"{"endpoint":"/v1/submissions"}"#).await;
    click(&one(&root, ".allo-launcher")).await;
    click(&one(&root, "button[type=submit]")).await;
    yew::scheduler::flush().await;
    let error = one(&root, ".allo-error");
    assert_eq!(error.text_content().unwrap(), "Please choose a rating.");
    let fieldset = one(&root, "fieldset");
    assert_eq!(fieldset.get_attribute("aria-describedby"), error.get_attribute("id"));
    for radio in all(&root, "input[name=allo-score]") {
        assert_eq!(radio.get_attribute("aria-invalid").as_deref(), Some("true"));
    }
    let active = root.active_element().expect("something has focus");
    assert_eq!(active.get_attribute("name").as_deref(), Some("allo-score"));
    // Choosing a rating clears the error at once.
    click(&all(&root, "input[name=allo-score]")[0]).await;
    assert!(root.query_selector(".allo-error").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn speaks_the_owners_language() {
    let root = booted(r#"{"endpoint":"/v1/submissions","locale":"fr-CA"}"#).await;
    assert_eq!(one(&root, ".allo-launcher").text_content().unwrap().trim(), "Nous contacter");
    click(&one(&root, ".allo-launcher")).await;
    assert_eq!(one(&root, "#allo-title").text_content().unwrap(), "Comment pouvons-nous vous aider ?");
}

#[wasm_bindgen_test]
async fn owner_overrides_single_strings_per_language() {
    let root = booted(r#"{"endpoint":"/e","locale":"fr","strings":{"send":"Go","fr":{"launcher_label":"Une question ?"},"de":{"launcher_label":"Fragen?"}}}"#).await;
    assert_eq!(one(&root, ".allo-launcher").text_content().unwrap().trim(), "Une question ?");
    click(&one(&root, ".allo-launcher")).await;
    let send = all(&root, "button[type=submit]");
    assert_eq!(send[0].text_content().unwrap(), "Go");
    // Untouched strings stay translated.
    assert_eq!(one(&root, "#allo-title").text_content().unwrap(), "Comment pouvons-nous vous aider ?");
}
