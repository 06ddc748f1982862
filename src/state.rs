//! Thin Yew adapters over the pure reducers in `allo_core`.
use std::rc::Rc;

use allo_core::form::{Action, FeedbackForm};
use yew::Reducible;

/// The feedback form state as Yew's `use_reducer` wants it. All the logic is in
/// [`FeedbackForm::reduce`]; this only moves it behind an `Rc`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedbackState(pub FeedbackForm);

impl Reducible for FeedbackState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(FeedbackState(self.0.clone().reduce(action)))
    }
}

impl std::ops::Deref for FeedbackState {
    type Target = FeedbackForm;
    fn deref(&self) -> &FeedbackForm {
        &self.0
    }
}
