//! Delivery: hands a finished submission to the transport and reports what the visitor
//! should be told. Forms call [`deliver`] and never the transport directly, so how hard Allo
//! tries (retries, the outbox) is decided in one place.
use allo_core::form::SendFailure;
use allo_core::submission::Submission;

use crate::transport;

/// What happened to a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint accepted it.
    Delivered,
    /// Stored to be sent later (the visitor or the endpoint is offline).
    Queued,
    /// It did not go through and will not be retried automatically.
    Failed(SendFailure),
}

/// Sends `sub` to `endpoint`.
pub async fn deliver(endpoint: &str, sub: &Submission) -> Outcome {
    match transport::send(endpoint, sub).await {
        Ok(_) => Outcome::Delivered,
        Err(e) => Outcome::Failed(e.failure()),
    }
}
