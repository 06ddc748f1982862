//! Hooks own every side effect (network, storage, timers, focus); components only render and
//! call. Each form's hook builds what it sends; `use_send` is the one path that sends it.
pub mod use_callback_request;
pub mod use_feedback;
pub mod use_form_focus;
pub mod use_keyboard_inset;
pub mod use_prompt;
pub mod use_send;
pub mod use_visitor;
