//! What both forms share about sending: the submit button (a failure turns it into "Try
//! again"), the failure sentence, and what the live region announces.
use allo_core::form::{SendFailure, Status};
use allo_core::i18n::{fill, Strings};
use yew::prelude::*;

use crate::context::use_app_ctx;

/// The visitor-facing sentence for a failed send.
pub fn failure_text(s: &Strings, f: &SendFailure) -> String {
    match f {
        SendFailure::Network => s.err_network.to_string(),
        SendFailure::Server => s.err_server.to_string(),
        SendFailure::Duplicate => s.err_duplicate.to_string(),
        SendFailure::Rejected(Some(detail)) => fill(s.err_rejected, &[("detail", detail)]),
        SendFailure::Rejected(None) => {
            fill(s.err_rejected, &[("detail", "")])
                .trim_end_matches([' ', ':', '\u{a0}'])
                .to_owned()
                + "."
        }
    }
}

/// What the form's live region says: "Sending…" while sending; once done, the thank-you
/// title (`thanks_title` replaces the default, as the callback form does: its heading, which
/// takes focus, carries the details as its description); otherwise `problems`, the last
/// submit's summary.
pub fn announcement(
    s: &Strings,
    status: &Status,
    thanks_title: Option<&str>,
    problems: &str,
) -> String {
    match status {
        Status::Sending => s.sending.to_string(),
        Status::Queued { .. } => s.queued_title.to_string(),
        Status::Sent { .. } => thanks_title.unwrap_or(s.thanks_title).to_owned(),
        _ => problems.to_owned(),
    }
}

/// Props of [`SendButton`].
#[derive(Properties, PartialEq)]
pub struct SendButtonProps {
    /// The idle label ("Send", "Call me back").
    pub label: AttrValue,
    /// The form's status.
    pub status: Status,
}

/// The submit button. It keeps focus while sending (the form's live region says "Sending…").
#[component]
pub fn SendButton(props: &SendButtonProps) -> Html {
    let ctx = use_app_ctx();
    let s = &ctx.strings;
    let sending = props.status == Status::Sending;
    let label = match props.status {
        Status::Sending => s.sending.to_string(),
        Status::Failed(_) => s.retry.to_string(),
        _ => props.label.to_string(),
    };
    html! {
        // aria-disabled rather than disabled: the button keeps focus while sending.
        <button type="submit" class="allo-button" aria-disabled={sending.then_some("true")}>{ label }</button>
    }
}
