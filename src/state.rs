//! Thin Yew adapters over the pure reducers in `allo_core`: all logic lives in
//! [`FeedbackForm::reduce`] and [`CallbackForm::reduce`]; these only move it behind an `Rc`.
//! [`make_callback`] turns an action into a component's callback.
use std::rc::Rc;

use allo_core::callback::{self, CallbackForm};
use allo_core::form::{self, FeedbackForm};
use yew::{Callback, Reducible, UseReducerHandle};

/// A callback that dispatches `action(value)` to `state`'s reducer: one line instead of a
/// clone-then-dispatch block per event. `action` is a plain function (an enum variant or a
/// closure capturing nothing), so every callback of one state and value type shares one
/// compiled body.
pub fn make_callback<R, T>(state: &UseReducerHandle<R>, action: fn(T) -> R::Action) -> Callback<T>
where
    R: Reducible + 'static,
    T: 'static,
{
    let dispatcher = state.dispatcher();
    Callback::from(move |value| dispatcher.dispatch(action(value)))
}

macro_rules! adapter {
    ($(#[$doc:meta])* $name:ident, $form:ty, $action:ty) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name(pub $form);

        impl Reducible for $name {
            type Action = $action;

            fn reduce(self: Rc<Self>, action: $action) -> Rc<Self> {
                Rc::new($name(self.0.clone().reduce(action)))
            }
        }

        impl std::ops::Deref for $name {
            type Target = $form;
            fn deref(&self) -> &$form {
                &self.0
            }
        }
    };
}

adapter!(
    /// The feedback form as Yew's `use_reducer` wants it.
    FeedbackState, FeedbackForm, form::Action
);
adapter!(
    /// The callback form as Yew's `use_reducer` wants it.
    CallbackState, CallbackForm, callback::Action
);
