//! Allo's pure core: everything the widget and the collector decide without a browser.
//!
//! Nothing here touches `web-sys`, `yew` or the network, so every rule (config parsing, the
//! submission contract, validation, translations, colour contrast) is tested with plain
//! `cargo test` on the host, and the collector validates submissions with the very same code
//! the widget uses: the server never has to trust the client, and the two cannot drift apart.
#![deny(missing_docs)]

pub mod api;
pub mod callback;
pub mod color;
pub mod config;
pub mod css;
pub mod delivery;
pub mod form;
pub mod hours;
pub mod i18n;
pub mod id;
pub mod json;
#[cfg(feature = "mail")]
pub mod mail_text;
pub mod msg;
pub mod number;
pub mod outbox;
pub mod owner_context;
pub mod phone;
pub mod promise;
pub mod prompt;
pub mod quoted;
pub mod retry;
pub mod settings;
pub mod slots;
pub mod status;
#[cfg(feature = "serde")]
pub mod strict;
pub mod submission;
pub mod validate;
pub mod zone;

/// The widget's version, sent with every submission so the shop can tell old clients apart.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");
