//! `use_callback_request`: the callback form's state, its honest promise, and what it sends.
use std::cell::OnceCell;
use std::rc::Rc;

use allo_core::callback::{Action, CallbackForm, WhenChoice};
use allo_core::form::Status;
use allo_core::phone::{default_country, COUNTRIES};
use allo_core::promise::{promise, say, Promise, Request};
use allo_core::slots::{slots, Slot, SlotOptions};
use allo_core::submission::{self as sub, Kind, Visitor};
use allo_core::zone::Zone;
use yew::prelude::*;

use crate::context::{use_app_ctx, AppContext};
use crate::hooks::use_send::{use_send, Finished, Sender, Who};
use crate::intl::{self, CountryNames, Formatter, IanaZone, VisitorZone};
use crate::state::CallbackState;
use crate::{browser, storage, visitor};

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
            crate::messages::warn(allo_core::msg::Msg::new(
                allo_core::msg::Code::TimezoneUnknown,
                vec![allo_core::quoted::q(&tz).to_string()],
            ));
        }
        ShopClock {
            zone: Box::new(VisitorZone),
            name: intl::visitor_zone_name(),
        }
    }
}

/// Slots grouped by the visitor's day: the day's name, then each slot's index and label.
pub type SlotDays = Vec<(AttrValue, Vec<(usize, AttrValue)>)>;

/// What the form works out once, when it is first shown: one memo rather than one hook per
/// item, since each hook instance is code of its own (the country list and the slot labels
/// had a memo and a ref of their own: −290 B gzip).
pub struct Setup {
    clock: ShopClock,
    /// Formats slot labels.
    pub formatter: Formatter,
    /// Slots offered, in the visitor's zone for display.
    pub slots: Vec<Slot>,
    /// The country choices, ISO code and label ("France (+33)"), in the visitor's
    /// alphabetical order.
    pub countries: Vec<CountryChoice>,
    /// The slots grouped by day, labelled when first asked for.
    days: OnceCell<SlotDays>,
}

impl Setup {
    /// The slots grouped by the visitor's day, labelled once: only when the visitor first asks
    /// for a time (a week of half-hour slots is some 300 `Intl` calls), then reused.
    pub fn days(&self) -> &SlotDays {
        self.days
            .get_or_init(|| group_by_day(&self.slots, &self.formatter))
    }
}

fn group_by_day(slots: &[Slot], fmt: &Formatter) -> SlotDays {
    let mut days: SlotDays = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let day = fmt.date(slot.from_utc_ms);
        // "09:00 – 09:30", grown from the start's time rather than `format!`ted (−27 B gzip).
        let mut label = fmt.time(slot.from_utc_ms);
        label.push_str(" – ");
        label.push_str(&fmt.time(slot.to_utc_ms));
        let label = AttrValue::from(label);
        match days.last_mut() {
            Some((d, items)) if **d == *day => items.push((i, label)),
            _ => days.push((AttrValue::from(day), vec![(i, label)])),
        }
    }
    days
}

/// One choice of the country list.
pub struct CountryChoice {
    /// The ISO code, the option's value.
    pub iso: &'static str,
    /// "France (+33)", in the visitor's language.
    pub label: AttrValue,
    /// How much of `label` is the country's name (what the list is sorted by).
    name_len: usize,
}

/// The country choices for `locale`, each label written once.
fn country_choices(locale: &str) -> Vec<CountryChoice> {
    let names = CountryNames::new(locale);
    let mut list: Vec<CountryChoice> = Vec::with_capacity(COUNTRIES.len());
    for c in COUNTRIES {
        // The label grows from the name, without `format!`, and is kept as it is shown: no
        // second pass over the list (−98 B gzip).
        let mut label = names.name(c.iso);
        let name_len = label.len();
        label.push_str(" (+");
        label.push_str(c.calling_code);
        label.push(')');
        let label = AttrValue::from(label);
        // In the visitor's alphabetical order ("Österreich" among the Os, not after "Zypern"),
        // inserted in place after any equal name, as a stable sort would place it (the sort
        // was some 500 B of code of its own).
        let at = list.partition_point(|o| {
            intl::collate(locale, &o.label[..o.name_len], &label[..name_len]).is_le()
        });
        list.insert(
            at,
            CountryChoice {
                iso: c.iso,
                label,
                name_len,
            },
        );
    }
    list
}

/// Everything the callback form shows besides its fields.
#[derive(Clone)]
pub struct CallbackView {
    /// The form state and dispatcher.
    pub form: UseReducerHandle<CallbackState>,
    /// The clock, formatter and slots.
    pub setup: Rc<Setup>,
    /// The promise sentence for the current choice, in the visitor's language and zone.
    pub promise: String,
    /// The form's sender (its `tracked` is the request to follow once sent).
    pub sender: Sender,
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
    let ctx = use_app_ctx();
    // The memo's and the reducer's first-run closures borrow the context (they run inside this
    // call): no clone of it to make and drop.
    let setup = use_memo((), |_| {
        let clock = ShopClock::new(&ctx);
        let cb = &ctx.config.callback;
        let options = SlotOptions {
            days_ahead: cb.slot_days,
            ..SlotOptions::default()
        };
        let slots = slots(
            &cb.hours,
            &cb.closed,
            clock.zone.as_ref(),
            intl::now_ms(),
            options,
        );
        Setup {
            formatter: Formatter::new(&ctx.locale),
            countries: country_choices(&ctx.locale),
            clock,
            slots,
            days: OnceCell::new(),
        }
    });
    let form = use_reducer(|| {
        // The widget's language first, then the page's and the browser's: one list of
        // `String`s rather than a chain of borrowed tags collected anew (−137 B gzip).
        let mut tags = browser::language_candidates();
        tags.insert(0, ctx.locale.clone());
        let mut f = CallbackForm::new(default_country(
            ctx.config.callback.country.as_deref(),
            &tags,
        ));
        let remembered = visitor::load();
        f.remember = remembered.is_some();
        let r = remembered.unwrap_or_default();
        f.name = ctx.config.prefill.name.clone().unwrap_or(r.name);
        f.phone = ctx.config.prefill.phone.clone().unwrap_or(r.phone);
        f.email_rule = ctx.config.callback.email;
        if f.email_rule != allo_core::config::FieldRule::Hidden {
            f.email = ctx.config.prefill.email.clone().unwrap_or(r.email);
        }
        CallbackState(f)
    });
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
    let sender = use_send();
    let (_, promise) = promise_for(
        &ctx,
        &setup.clock,
        &setup.formatter,
        form.when,
        intl::now_ms(),
    );
    CallbackView {
        form,
        setup,
        promise,
        sender,
    }
}

/// When this browser last asked for a callback, for the cooldown.
fn last_sent_ms() -> Option<i64> {
    storage::load(LAST_SENT_KEY)
}

impl CallbackView {
    /// Send pressed: the reducer checks the form, and a submit it lets through (the state is
    /// now `Sending`) is sent at once. No effect watches for `Sending`: the dispatch has run the
    /// reducer by the time it returns, and the handle reads the state it left; each effect is
    /// its own copy of Yew's effect code.
    pub fn submit(&self, ctx: &AppContext) {
        let form = &self.form;
        // A submit while sending leaves the state `Sending`; that one must not send again.
        let was_sending = form.status == Status::Sending;
        form.dispatch(Action::Submit {
            now_ms: intl::now_ms(),
            last_sent_ms: last_sent_ms(),
            cooldown_ms: i64::from(ctx.config.callback.cooldown_minutes) * 60_000,
        });
        if !was_sending && form.status == Status::Sending {
            let setup = &self.setup;
            send(ctx, &setup.clock, &setup.formatter, form, &self.sender);
        }
    }
}

fn send(
    ctx: &AppContext,
    clock: &ShopClock,
    fmt: &Formatter,
    form: &UseReducerHandle<CallbackState>,
    sender: &Sender,
) {
    // The state read once through the handle (each read through it is a call).
    let f: &CallbackForm = form;
    let Some(e164) = f.e164() else { return };
    let now = intl::now_ms();
    let (p, text) = promise_for(ctx, clock, fmt, f.when, now);
    let cb = &ctx.config.callback;
    let when = match f.when {
        WhenChoice::Slot(Some((from, to))) => sub::When::Slot {
            from: intl::iso(from),
            to: intl::iso(to),
        },
        _ => sub::When::Asap {},
    };
    let email_shown = f.email_rule != allo_core::config::FieldRule::Hidden;
    let phone = f.phone.trim().to_owned();
    let mut submission = sender.submission(ctx, Kind::Callback, intl::iso(now));
    submission.visitor = Visitor {
        name: Some(f.name.trim().to_owned()),
        email: email_shown
            .then(|| f.email.trim().to_owned())
            .filter(|e| !e.is_empty()),
        phone: Some(phone.clone()),
    };
    submission.callback = Some(sub::Callback {
        phone_e164: e164.into_string(),
        phone_raw: phone,
        country: f.country.clone(),
        when,
        timezone: clock.name.clone(),
        reason: f.reason.trim().to_owned(),
        urgent: f.urgent,
        promise: sub::Promise {
            text,
            due_by: intl::iso(p.due_by_ms()),
        },
    });
    submission.consent = f.consent_at.clone().map(|given_at| sub::Consent {
        given_at,
        text: ctx.strings.consent_text.to_owned(),
        version: cb.consent_version.clone(),
    });
    let who = Who {
        remember: f.remember,
        name: f.name.clone(),
        email: f.email.clone(),
        phone: f.phone.clone(),
    };
    let dispatcher = form.dispatcher();
    let done = Callback::from(move |f: Finished| {
        if !matches!(f, Finished::Failed(_)) {
            storage::save(LAST_SENT_KEY, &now, storage::Kept::Cooldown);
        }
        dispatcher.dispatch(match f {
            Finished::Sent(id) => Action::Sent(id),
            Finished::Queued(id) => Action::Queued(id),
            Finished::Failed(f) => Action::Failed(f),
        });
    });
    sender.send(ctx, submission, who, done);
}
