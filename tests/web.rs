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
    host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .unwrap()
}

fn settings(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn one(root: &ShadowRoot, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn all(root: &ShadowRoot, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into().unwrap())
        .collect()
}

async fn booted(json: &str) -> ShadowRoot {
    // The runner serves no catalog files: the languages the widget fetches come from the host's
    // built-in catalogs instead (the fetch itself is tested end to end, e2e/tests/i18n.test.mjs).
    for lang in allo_core::i18n::Lang::ALL {
        allo_widget::catalog::keep(lang, lang.strings());
    }
    let root = fresh_root();
    assert!(boot(settings(json), root.clone()).await);
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
    assert!(!boot(settings("{}"), root.clone()).await);
    assert!(
        !boot(
            settings(r#"{"endpoint":"javascript:alert(1)"}"#),
            root.clone()
        )
        .await
    );
    assert!(!boot(JsValue::from_str("https://shop.example"), root.clone()).await);
    yew::scheduler::flush().await;
    assert_eq!(root.child_element_count(), 0);
}

#[wasm_bindgen_test]
async fn launcher_is_a_named_button_that_opens_a_labelled_modal_dialog() {
    let root = booted(r#"{"endpoint":"/v1/submissions","position":"bottom-left"}"#).await;
    let launcher = one(&root, ".allo-launcher");
    assert_eq!(launcher.tag_name(), "BUTTON");
    assert_eq!(launcher.text_content().unwrap().trim(), "Contact us");
    assert!(launcher
        .class_name()
        .split(' ')
        .any(|c| c == "allo-launcher--bottom-left"));
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(root.query_selector("[role=dialog]").unwrap().is_none());

    click(&launcher).await;
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        one(&root, &format!("#{title_id}")).text_content().unwrap(),
        "How can we help?"
    );
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert_eq!(
        one(&root, ".allo-panel__close")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Close")
    );
}

#[wasm_bindgen_test]
async fn csat_is_a_radio_group_with_a_name_per_option() {
    let root = booted(r#"{"endpoint":"/v1/submissions"}"#).await;
    click(&one(&root, ".allo-launcher")).await;
    let legend = one(&root, "fieldset legend");
    assert_eq!(
        legend.text_content().unwrap(),
        "How satisfied are you with your experience?"
    );
    let radios = all(&root, "input[type=radio][name=allo-score]");
    assert_eq!(radios.len(), 5);
    let names: Vec<String> = radios
        .iter()
        .map(|r| {
            r.closest("label")
                .unwrap()
                .unwrap()
                .query_selector(".allo-visually-hidden")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(
        names,
        [
            "Very dissatisfied",
            "Dissatisfied",
            "Neither satisfied nor dissatisfied",
            "Satisfied",
            "Very satisfied"
        ]
    );
    click(&radios[3]).await;
    let checked: Vec<bool> = all(&root, "input[name=allo-score]")
        .iter()
        .map(|r| r.dyn_ref::<HtmlInputElement>().unwrap().checked())
        .collect();
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
    assert_eq!(
        fieldset.get_attribute("aria-describedby"),
        error.get_attribute("id")
    );
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
    assert_eq!(
        one(&root, ".allo-launcher").text_content().unwrap().trim(),
        "Nous contacter"
    );
    click(&one(&root, ".allo-launcher")).await;
    assert_eq!(
        one(&root, "#allo-title").text_content().unwrap(),
        "Comment pouvons-nous vous aider\u{a0}?"
    );
}

#[wasm_bindgen_test]
async fn owner_overrides_single_strings_per_language() {
    let root = booted(r#"{"endpoint":"/e","locale":"fr","strings":{"send":"Go","fr":{"launcher_label":"Une question ?"},"de":{"launcher_label":"Fragen?"}}}"#).await;
    assert_eq!(
        one(&root, ".allo-launcher").text_content().unwrap().trim(),
        "Une question ?"
    );
    click(&one(&root, ".allo-launcher")).await;
    let send = all(&root, "button[type=submit]");
    assert_eq!(send[0].text_content().unwrap(), "Go");
    // Untouched strings stay translated.
    assert_eq!(
        one(&root, "#allo-title").text_content().unwrap(),
        "Comment pouvons-nous vous aider\u{a0}?"
    );
}

fn style_of(el: &Element, property: &str) -> String {
    web_sys::window()
        .unwrap()
        .get_computed_style(el)
        .unwrap()
        .unwrap()
        .get_property_value(property)
        .unwrap()
}

fn live_region(root: &ShadowRoot) -> Element {
    // The form's own region, inside the dialog (the app's, beside it, announces prompts).
    let regions = all(root, "[role=dialog] [role=status][aria-live=polite]");
    let visible: Vec<_> = regions
        .into_iter()
        .filter(|r| r.closest("[hidden]").unwrap().is_none())
        .collect();
    assert_eq!(visible.len(), 1, "one live region in the visible form");
    visible.into_iter().next().unwrap()
}

#[wasm_bindgen_test]
async fn a_failed_submit_is_summarised_in_a_live_region_and_refocuses_the_first_problem() {
    // Earlier tests leave a draft (with a score) behind.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root =
        booted(r#"{"endpoint":"/v1/submissions","kinds":"feedback","email":"required"}"#).await;
    click(&one(&root, ".allo-launcher")).await;
    let region = live_region(&root);
    assert_eq!(region.text_content().unwrap(), "");
    click(&one(&root, "button[type=submit]")).await;
    yew::scheduler::flush().await;
    assert_eq!(
        region.text_content().unwrap(),
        "2 problems: Please choose a rating. Please enter your email address."
    );
    // The same problems again are a change of text (a trailing no-break space), so they are
    // spoken again; focus goes back to the first of them.
    one(&root, "#allo-message")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    click(&one(&root, "button[type=submit]")).await;
    yew::scheduler::flush().await;
    assert_eq!(
        region.text_content().unwrap(),
        "2 problems: Please choose a rating. Please enter your email address.\u{a0}"
    );
    assert_eq!(
        root.active_element()
            .unwrap()
            .get_attribute("name")
            .as_deref(),
        Some("allo-score")
    );
    // Fixing one problem neither re-announces nor moves focus.
    click(&all(&root, "input[name=allo-score]")[4]).await;
    assert_eq!(
        root.active_element()
            .unwrap()
            .get_attribute("name")
            .as_deref(),
        Some("allo-score")
    );
    assert!(region.text_content().unwrap().starts_with("2 problems"));
    assert!(region.is_connected());
}

#[wasm_bindgen_test]
async fn launcher_and_panel_carry_the_widget_language_and_direction() {
    let root = booted(r#"{"endpoint":"/e","locale":"de_at"}"#).await;
    let launcher = one(&root, ".allo-launcher");
    assert_eq!(launcher.get_attribute("lang").as_deref(), Some("de-AT"));
    assert_eq!(launcher.get_attribute("dir").as_deref(), Some("ltr"));
    assert_eq!(
        launcher.get_attribute("aria-controls"),
        None,
        "nothing to point at while closed"
    );
    click(&launcher).await;
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("de-AT"));
    assert_eq!(dialog.get_attribute("dir").as_deref(), Some("ltr"));
    assert_eq!(
        launcher.get_attribute("aria-controls").as_deref(),
        Some("allo-panel")
    );
    assert_eq!(
        one(&root, "#allo-title").text_content().unwrap(),
        "Wie können wir helfen?"
    );
}

#[wasm_bindgen_test]
async fn theme_settings_reach_the_css() {
    let root = booted(r##"{"endpoint":"/e","scheme":"dark","accent":"#7c2d12","zIndex":"42","offsetX":"96px","offsetY":"2rem","position":"bottom-left"}"##).await;
    let launcher = one(&root, ".allo-launcher");
    assert_eq!(style_of(&launcher, "z-index"), "42");
    assert_eq!(style_of(&launcher, "left"), "96px");
    assert_eq!(style_of(&launcher, "bottom"), "32px");
    assert_eq!(style_of(&launcher, "background-color"), "rgb(124, 45, 18)");
    click(&launcher).await;
    let panel = one(&root, "[role=dialog]");
    // The dark palette, whatever the system says, and the accent lifted to stay readable on it.
    assert_eq!(style_of(&panel, "background-color"), "rgb(31, 41, 55)");
    let ink = style_of(&panel, "--allo-accent-ink");
    assert_ne!(ink.trim(), "#7c2d12", "{ink}");
    assert_eq!(style_of(&one(&root, ".allo"), "color-scheme"), "dark");
}

#[wasm_bindgen_test]
async fn a_hidden_launcher_renders_nothing() {
    let root = booted(r#"{"endpoint":"/e","launcher":"hidden"}"#).await;
    assert!(root.query_selector("button").unwrap().is_none());
    assert!(root.query_selector("[role=dialog]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn without_a_launcher_the_panel_works_and_gives_focus_back_to_the_owners_button() {
    let own = document().create_element("button").unwrap();
    own.set_text_content(Some("Ask us"));
    document().body().unwrap().append_child(&own).unwrap();
    own.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();

    // What the owner's own button does with the launcher hidden: `Allo.open()`.
    let root = booted(r#"{ "endpoint": "/e", "launcher": "hidden" }"#).await;
    allo_widget::js_api::command("open", JsValue::UNDEFINED, JsValue::UNDEFINED);
    yew::scheduler::flush().await;

    // Focus moved into the dialog (the first rating option).
    let active = root.active_element().expect("focus is inside the widget");
    assert_eq!(active.get_attribute("name").as_deref(), Some("allo-score"));
    // Esc closes it, and focus returns to the button that opened it.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    init.set_composed(true);
    let esc = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    active.dispatch_event(&esc).unwrap();
    yew::scheduler::flush().await;
    assert!(root.query_selector("[role=dialog]").unwrap().is_none());
    assert_eq!(document().active_element().as_ref(), Some(&own));
    own.remove();
}

/// The accessible name of a radio or checkbox: its label's visually hidden text, or the label.
fn name_of(input: &Element) -> String {
    let label = input.closest("label").unwrap().unwrap();
    match label.query_selector(".allo-visually-hidden").unwrap() {
        Some(hidden) => hidden.text_content().unwrap(),
        None => label.text_content().unwrap().trim().to_owned(),
    }
}

#[wasm_bindgen_test]
async fn nps_and_ces_are_radio_groups_with_a_name_per_option() {
    let cases: [(&str, &str, usize, &str, &str); 2] = [
        (
            "nps",
            "How likely are you to recommend us to a friend or colleague?",
            11,
            "0 out of 10, Not at all likely",
            "10 out of 10, Extremely likely",
        ),
        (
            "ces",
            "The shop made it easy for me to do what I wanted.",
            7,
            "1, Strongly disagree",
            "7, Strongly agree",
        ),
    ];
    for (metric, question, count, first, last) in cases {
        let root = booted(&format!(
            r#"{{"endpoint":"/v1/submissions","metric":"{metric}","kinds":"feedback"}}"#
        ))
        .await;
        click(&one(&root, ".allo-launcher")).await;
        assert_eq!(
            one(&root, "fieldset legend").text_content().unwrap(),
            question
        );
        let radios = all(&root, "input[type=radio][name=allo-score]");
        assert_eq!(radios.len(), count, "{metric}");
        assert_eq!(name_of(&radios[0]), first);
        assert_eq!(name_of(&radios[count - 1]), last);
        // Choosing one checks exactly that one, and the follow-up question adapts to it.
        click(&radios[count - 1]).await;
        let checked: Vec<bool> = all(&root, "input[name=allo-score]")
            .iter()
            .map(|r| r.dyn_ref::<HtmlInputElement>().unwrap().checked())
            .collect();
        assert_eq!(checked.iter().filter(|c| **c).count(), 1);
        assert!(checked[count - 1]);
        // (The label goes on with " (optional)".)
        assert!(one(&root, "label[for=allo-message]")
            .text_content()
            .unwrap()
            .starts_with("What did we do well?"));
    }
}

#[wasm_bindgen_test]
async fn callback_form_has_labelled_phone_country_and_consent_and_reports_every_problem() {
    let root = booted(r#"{"endpoint":"/v1/submissions","kinds":"callback","country":"BE","hours":"Mo-Su 00:00-24:00"}"#).await;
    click(&one(&root, ".allo-launcher")).await;
    let phone = one(&root, "#allo-phone");
    assert_eq!(phone.get_attribute("type").as_deref(), Some("tel"));
    assert_eq!(phone.get_attribute("autocomplete").as_deref(), Some("tel"));
    assert_eq!(
        one(&root, "label[for=allo-phone]")
            .text_content()
            .unwrap()
            .trim(),
        "Phone number"
    );
    let country = one(&root, "#allo-country")
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    assert_eq!(country.value(), "BE");
    assert!(root
        .query_selector("label[for=allo-country]")
        .unwrap()
        .is_some());
    let consent = one(&root, "#allo-consent")
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    assert!(!consent.checked(), "consent is never pre-ticked");
    // The honeypot is out of the tab order and hidden from assistive technology.
    let hp = one(&root, "#allo-website");
    assert_eq!(hp.get_attribute("tabindex").as_deref(), Some("-1"));
    assert!(hp.closest("[aria-hidden=true]").unwrap().is_some());

    click(&one(&root, "button[type=submit]")).await;
    yew::scheduler::flush().await;
    let errors: Vec<String> = all(&root, ".allo-error")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e == "Please enter your phone number."),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e == "Please enter your name."),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e == "Please tick the box so that we may call you."),
        "{errors:?}"
    );
    assert_eq!(phone.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = phone.get_attribute("aria-describedby").unwrap();
    assert_eq!(
        one(&root, &format!("#{described}")).text_content().unwrap(),
        "Please enter your phone number."
    );
}

#[wasm_bindgen_test]
fn a_shop_zone_tells_its_offset_through_intl() {
    use allo_core::zone::Zone;
    use allo_widget::intl::IanaZone;
    // 2026-01-15 12:00:00.250 UTC and 2026-07-15 12:00:00.250 UTC: winter and summer, with a
    // fraction of a second (Intl works in whole seconds).
    let (winter, summer) = (1_768_478_400_250, 1_784_116_800_250);
    let cases = [
        ("Europe/Paris", 60, 120),
        ("America/New_York", -300, -240),
        ("America/St_Johns", -210, -150),
        ("Asia/Kolkata", 330, 330),
        ("Australia/Sydney", 660, 600),
        ("UTC", 0, 0),
    ];
    for (name, want_winter, want_summer) in cases {
        let zone = IanaZone::new(name).unwrap();
        assert_eq!(
            zone.offset_minutes(winter),
            want_winter,
            "{name} in January"
        );
        assert_eq!(zone.offset_minutes(summer), want_summer, "{name} in July");
    }
    // Just before and after Paris's spring change (2026-03-29 01:00 UTC).
    let paris = IanaZone::new("Europe/Paris").unwrap();
    let change = 1_774_746_000_000;
    assert_eq!(paris.offset_minutes(change - 1), 60);
    assert_eq!(paris.offset_minutes(change), 120);
    assert!(IanaZone::new("Not/AZone").is_none());
}

/// The widget reads JSON with the browser's `JSON.parse` (`browser::parse_json`); it must read
/// every shape the same as `allo_core::json`, the host's parser, and refuse what that refuses.
#[wasm_bindgen_test]
fn the_browsers_json_reads_as_the_hosts_parser_does() {
    use allo_core::json::{Value, MAX_DEPTH};
    use allo_widget::browser::parse_json;
    for text in [
        r#"{"b":[1,-2.5,1e3,true,false,null,"x\u00e9\n\"",{}],"a":{"c":"d","a":[]},"":0}"#,
        r#"  [ ]  "#,
        r#""Ça va ? 🙂""#,
        "12345678901234",
        r#"{"k":1,"k":2}"#,
        "-0",
    ] {
        assert_eq!(parse_json(text), Value::parse(text).ok(), "{text}");
    }
    for text in ["", "{", "[1,]", "nul", "{'a':1}", "1 2", "<html>"] {
        assert_eq!(parse_json(text), None, "{text}");
        assert!(Value::parse(text).is_err(), "{text}");
    }
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deepest = nested(MAX_DEPTH as usize);
    assert_eq!(parse_json(&deepest), Value::parse(&deepest).ok());
    assert!(parse_json(&deepest).is_some());
    let too_deep = nested(MAX_DEPTH as usize + 1);
    assert_eq!(parse_json(&too_deep), None);
    assert!(Value::parse(&too_deep).is_err());
}
