//! `use_callback_request`: the callback form's state, its honest promise, and its delivery.
use std::cell::RefCell;
use std::rc::Rc;

use allo_core::callback::{Action, CallbackForm, WhenChoice};
use allo_core::form::Status;
use allo_core::phone::default_country;
use allo_core::promise::{promise, say, Promise, Request};
use allo_core::slots::{slots, Slot, SlotOptions};
use allo_core::submission::{self as sub, Kind, Submission, Visitor, SCHEMA};
use allo_core::zone::Zone;
use yew::prelude::*;

use crate::clock::{self, Formatter, IanaZone, VisitorZone};
use crate::context::AppContext;
use crate::delivery::{deliver, Outcome};
use crate::hooks::use_feedback::follow;
use crate::state::CallbackState;
use crate::tracking::Tracked;
use crate::{browser, memory, storage};

const LAST_SENT_KEY: &str = "callback:last-sent";

/// The shop's clock: its IANA zone when the owner gave a valid one, else the visitor's own.
pub struct ShopClock {
    zone: Box<dyn Zone>,
    /// The zone name sent with the request.
    pub name: String,
}

impl ShopClock {
    fn new(ctx: &AppContext) -> ShopClock {
        if let Some(tz) = &ctx.config.callback.timezone {
            if let Some(zone) = IanaZone::new(tz) {
                return ShopClock {
                    zone: Box::new(zone),
                    name: tz.clone(),
                };
            }
            browser::warn(&format!("Allo: setting \"timezone\": {tz} is not a time zone this browser knows; using the visitor's.", tz = allo_core::quoted::q(&tz)));
        }
        let name = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
            .resolved_options()
            .pipe_time_zone();
        ShopClock {
            zone: Box::new(VisitorZone),
            name,
        }
    }
}

trait TimeZoneName {
    fn pipe_time_zone(self) -> String;
}

impl TimeZoneName for js_sys::Object {
    fn pipe_time_zone(self) -> String {
        js_sys::Reflect::get(&self, &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "UTC".into())
    }
}

/// Everything the callback form shows besides its fields.
pub struct CallbackView {
    /// The form state and dispatcher.
    pub form: UseReducerHandle<CallbackState>,
    /// Slots offered, in the visitor's zone for display.
    pub slots: Rc<Vec<Slot>>,
    /// The promise sentence for the current choice, in the visitor's language and zone.
    pub promise: String,
    /// Formats slot labels.
    pub formatter: Rc<Formatter>,
    /// The request to follow once sent, when the endpoint offers status.
    pub tracked: UseStateHandle<Option<Tracked>>,
}

/// The promise for `when` at `now`, and its sentence.
fn promise_for(
    ctx: &AppContext,
    clock: &ShopClock,
    fmt: &Formatter,
    when: WhenChoice,
    now: i64,
) -> (Promise, String) {
    let cb = &ctx.config.callback;
    let request = match when {
        WhenChoice::Slot(Some((from, to))) => Request::Slot { from, to },
        _ => Request::Asap,
    };
    let p = promise(
        &cb.hours,
        &cb.closed,
        clock.zone.as_ref(),
        now,
        cb.within_minutes,
        request,
    );
    let wording = p.wording_for(&VisitorZone, now);
    (p, say(&ctx.strings, &wording, &|f| fmt.show(f)))
}

/// The callback form's state, slots and promise; a valid submit becomes one delivery.
#[hook]
pub fn use_callback_request(carried_reason: Option<String>) -> CallbackView {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let clock = use_memo((), {
        let ctx = ctx.clone();
        move |_| ShopClock::new(&ctx)
    });
    let formatter = use_memo((), {
        let locale = ctx.locale.clone();
        move |_| Formatter::new(&locale)
    });
    let form = {
        let ctx = ctx.clone();
        use_reducer(move || {
            let langs = browser::language_candidates();
            let tags: Vec<&str> = std::iter::once(ctx.locale.as_str())
                .chain(langs.iter().map(String::as_str))
                .collect();
            let mut f = CallbackForm::new(default_country(
                ctx.config.callback.country.as_deref(),
                &tags,
            ));
            let remembered = memory::load();
            f.remember = remembered.is_some();
            let r = remembered.unwrap_or_default();
            f.name = ctx.config.prefill.name.clone().unwrap_or(r.name);
            f.phone = ctx.config.prefill.phone.clone().unwrap_or(r.phone);
            f.email_rule = ctx.config.callback.email;
            if f.email_rule != allo_core::config::FieldRule::Hidden {
                f.email = ctx.config.prefill.email.clone().unwrap_or(r.email);
            }
            CallbackState(f)
        })
    };
    // A message carried over from a low rating becomes the reason (if the visitor has not
    // written one yet).
    {
        let form = form.clone();
        use_effect_with(carried_reason, move |carried| {
            if let Some(text) = carried {
                if form.reason.is_empty() && !text.is_empty() {
                    form.dispatch(Action::Reason(text.clone()));
                }
            }
        });
    }
    let slots = use_memo((), {
        let (ctx, clock) = (ctx.clone(), clock.clone());
        move |_| {
            let cb = &ctx.config.callback;
            let options = SlotOptions {
                days_ahead: cb.slot_days,
                ..SlotOptions::default()
            };
            slots(
                &cb.hours,
                &cb.closed,
                clock.zone.as_ref(),
                clock::now_ms(),
                options,
            )
        }
    });
    let pending_id = use_mut_ref(|| None::<String>);
    let tracked = use_state(|| None::<Tracked>);
    {
        let sending = form.status == Status::Sending;
        let (form, ctx, clock, formatter, tracked) = (
            form.clone(),
            ctx.clone(),
            clock.clone(),
            formatter.clone(),
            tracked.clone(),
        );
        use_effect_with(sending, move |sending| {
            if *sending {
                send(ctx, clock, formatter, form, pending_id, tracked);
            }
        });
    }
    let (_, promise) = promise_for(&ctx, &clock, &formatter, form.when, clock::now_ms());
    CallbackView {
        form,
        slots,
        promise,
        formatter,
        tracked,
    }
}

/// When this browser last asked for a callback, for the cooldown.
pub fn last_sent_ms() -> Option<i64> {
    storage::load(LAST_SENT_KEY)
}

fn send(
    ctx: AppContext,
    clock: Rc<ShopClock>,
    fmt: Rc<Formatter>,
    form: UseReducerHandle<CallbackState>,
    pending_id: Rc<RefCell<Option<String>>>,
    tracked: UseStateHandle<Option<Tracked>>,
) {
    let Some(e164) = form.e164() else { return };
    let now = clock::now_ms();
    let (p, text) = promise_for(&ctx, &clock, &fmt, form.when, now);
    let id = pending_id
        .borrow_mut()
        .get_or_insert_with(|| allo_core::id::uuid_v4(browser::random_bytes()))
        .clone();
    let cb = &ctx.config.callback;
    let when = match form.when {
        WhenChoice::Slot(Some((from, to))) => sub::When::Slot {
            from: clock::iso(from),
            to: clock::iso(to),
        },
        _ => sub::When::Asap {},
    };
    let consent_text = ctx.strings.consent_text.to_string();
    let meta = ctx.config.capture_metadata;
    let submission = Submission {
        schema: SCHEMA.to_owned(),
        id: id.clone(),
        kind: Kind::Callback,
        created_at: clock::iso(now),
        locale: ctx.locale.clone(),
        page: meta.then(browser::page),
        visitor: Visitor {
            name: Some(form.name.trim().to_owned()),
            email: (form.email_rule != allo_core::config::FieldRule::Hidden)
                .then(|| form.email.trim().to_owned())
                .filter(|e| !e.is_empty()),
            phone: Some(form.phone.trim().to_owned()),
        },
        feedback: None,
        callback: Some(sub::Callback {
            phone_e164: e164.into_string(),
            phone_raw: form.phone.trim().to_owned(),
            country: form.country.clone(),
            when,
            timezone: clock.name.clone(),
            reason: form.reason.trim().to_owned(),
            urgent: form.urgent,
            promise: sub::Promise {
                text,
                due_by: clock::iso(p.due_by_ms()),
            },
        }),
        consent: form.consent_at.clone().map(|given_at| sub::Consent {
            given_at,
            text: consent_text,
            version: cb.consent_version.clone(),
        }),
        client: meta.then(browser::client),
        context: ctx.config.context.clone(),
    };
    let endpoint = ctx.config.endpoint.clone();
    let (remember, name, phone) = (form.remember, form.name.clone(), form.phone.clone());
    let email = form.email.clone();
    let full_events = ctx.config.events == allo_core::config::EventDetail::Full;
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = deliver(&endpoint, &submission).await;
        crate::events::after_send(&submission, &outcome, full_events);
        if let Outcome::Delivered(token) = &outcome {
            follow(
                &endpoint,
                &id,
                Kind::Callback,
                token.clone(),
                remember,
                &tracked,
            );
        }
        if matches!(outcome, Outcome::Delivered(_) | Outcome::Queued) {
            pending_id.borrow_mut().take();
            storage::save(LAST_SENT_KEY, &now, storage::Kept::Cooldown);
            memory::update(remember, &name, &email, &phone);
        }
        form.dispatch(match outcome {
            Outcome::Delivered(_) => Action::Sent(id),
            Outcome::Queued => Action::Queued(id),
            Outcome::Failed(f) => Action::Failed(f),
        });
    });
}
