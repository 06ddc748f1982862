//! What both forms share about sending: the submit button (a failure turns it into "Try
//! again"), the failure sentence, and what the live region announces.
use allo_core::form::{SendFailure, Status};
use allo_core::i18n::{fill, Strings};
use yew::prelude::*;

/// The visitor-facing sentence for a failed send.
pub fn failure_text(s: &Strings, f: &SendFailure) -> AttrValue {
    match f {
        SendFailure::Network => AttrValue::Static(s.err_network),
        SendFailure::Server => AttrValue::Static(s.err_server),
        SendFailure::Duplicate => AttrValue::Static(s.err_duplicate),
        SendFailure::Rejected(Some(detail)) => fill(s.err_rejected, &[("detail", detail)]).into(),
        SendFailure::Rejected(None) => {
            let mut text = fill(s.err_rejected, &[("detail", "")]);
            text.truncate(text.trim_end_matches([' ', ':', '\u{a0}']).len());
            text.push('.');
            text.into()
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
    thanks_title: Option<&'static str>,
    problems: String,
) -> AttrValue {
    match status {
        Status::Sending => AttrValue::Static(s.sending),
        Status::Queued { .. } => AttrValue::Static(s.queued_title),
        Status::Sent { .. } => AttrValue::Static(thanks_title.unwrap_or(s.thanks_title)),
        _ => problems.into(),
    }
}

/// The submit button, `label` when idle ("Send", "Call me back"). It keeps focus while
/// sending (the form's live region says "Sending…"). A plain function, for the reason given in
/// `view::field`.
pub fn send_button(s: &Strings, label: &'static str, status: &Status) -> Html {
    let label = match status {
        Status::Sending => s.sending,
        Status::Failed(_) => s.retry,
        _ => label,
    };
    let sending = *status == Status::Sending;
    html! {
        // aria-disabled rather than disabled: the button keeps focus while sending.
        <button type="submit" class="allo-button" aria-disabled={sending.then_some("true")}>{ label }</button>
    }
}
