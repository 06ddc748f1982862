//! Hooks own every side effect (network, storage, timers); components only render and call.
pub mod use_callback;
pub mod use_feedback;
pub mod use_keyboard_inset;
pub mod use_prompt;
