//! The retry policy: after a failed attempt, wait how long — or give up?
//!
//! One pure function, [`Policy::next_delay`], decides for every sender (the form's first
//! attempts, the outbox worker, the next page load), so "how hard Allo tries" is written down
//! once and tested here on the host. The randomness (jitter) is an input, not a call, so the
//! tests can pin it; the browser passes `Math.random()`.
//!
//! The rules:
//! - retry on no answer (network error, refused connection, CORS failure), on a timeout, and
//!   on 408, 429 and every 5xx: those are the endpoint (or the road to it) having a bad moment;
//! - never retry any other status: a 4xx means "this submission will never be accepted", and
//!   sending it again only repeats the refusal (the visitor is told instead);
//! - wait `base · 2^attempt`, capped, with "equal jitter" (a random point in the upper half of
//!   that window) so a thousand widgets that lost the same endpoint at the same moment do not
//!   come back at the same moment;
//! - on 429 and 503 a `Retry-After` from the endpoint is a floor: Allo never comes back sooner
//!   than it was asked to (the caller turns seconds or an HTTP-date into milliseconds).

/// The first retry waits between half and all of this (milliseconds).
pub const BASE_DELAY_MS: u64 = 1_000;

/// The longest wait the exponential backoff reaches, as a multiple of the base (five minutes
/// with the default base). Scaled with the base so a test-sized base keeps a test-sized cap.
pub const CAP_FACTOR: u64 = 300;

/// The longest `Retry-After` honoured (a day): anything longer is treated as garbage from a
/// confused endpoint, not as a reason to sit on a visitor's message for a week.
pub const MAX_RETRY_AFTER_MS: u64 = 24 * 60 * 60 * 1_000;

/// The longest the form makes the visitor wait for its one quick retry; a longer wait means
/// "saved, we'll send it later" instead of a spinner.
pub const FIRST_RETRY_MAX_MS: u64 = 3_000;

/// What went wrong with one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No HTTP answer at all: offline, DNS, refused connection, reset, blocked by CORS.
    Network,
    /// The attempt was aborted after the configured timeout.
    Timeout,
    /// The endpoint answered with this (non-2xx) status.
    Status(u16),
}

impl Failure {
    /// True when a later attempt may succeed (see the module rules).
    pub fn is_transient(self) -> bool {
        match self {
            Failure::Network | Failure::Timeout => true,
            Failure::Status(s) => s == 408 || s == 429 || (500..=599).contains(&s),
        }
    }

    /// True for the statuses whose `Retry-After` is honoured (429 Too Many Requests and
    /// 503 Service Unavailable, as HTTP defines them).
    pub fn honours_retry_after(self) -> bool {
        matches!(self, Failure::Status(429 | 503))
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this many milliseconds.
    RetryAfter(u64),
    /// Stop: the failure is permanent.
    GiveUp,
}

/// The backoff parameters; [`Policy::DEFAULT`] unless the owner (in practice: a test) set
/// `retryBaseMs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The first retry waits between half of this and all of it (milliseconds).
    pub base_ms: u64,
    /// The longest backoff wait (milliseconds).
    pub cap_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}

impl Policy {
    /// One second doubling up to five minutes.
    pub const DEFAULT: Policy = Policy {
        base_ms: BASE_DELAY_MS,
        cap_ms: BASE_DELAY_MS * CAP_FACTOR,
    };

    /// A policy with another base (and the cap scaled with it).
    pub fn with_base(base_ms: u64) -> Policy {
        let base_ms = base_ms.max(1);
        Policy {
            base_ms,
            cap_ms: base_ms.saturating_mul(CAP_FACTOR),
        }
    }

    /// The jittered backoff before the retry that follows failed attempt number `attempt`
    /// (0 for the first attempt). `jitter` in `[0, 1]` picks the point in the upper half of
    /// the window; anything outside (or NaN) is clamped, so a broken random source can only
    /// make Allo wait the full window, never zero.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> u64 {
        let window = if attempt >= 63 {
            self.cap_ms
        } else {
            self.base_ms
                .saturating_mul(1u64 << attempt)
                .min(self.cap_ms)
        };
        let jitter = if jitter.is_nan() {
            1.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let half = window / 2;
        half + ((window - half) as f64 * jitter).round() as u64
    }

    /// The decision after failed attempt number `attempt` (0-based) ended in `failure`.
    /// `retry_after_ms` is the endpoint's `Retry-After`, already converted to milliseconds;
    /// it only counts on 429 and 503.
    pub fn next_delay(
        &self,
        attempt: u32,
        failure: Failure,
        retry_after_ms: Option<u64>,
        jitter: f64,
    ) -> Decision {
        if !failure.is_transient() {
            return Decision::GiveUp;
        }
        let backoff = self.backoff(attempt, jitter);
        let floor = match retry_after_ms {
            Some(ms) if failure.honours_retry_after() => ms.min(MAX_RETRY_AFTER_MS),
            _ => 0,
        };
        Decision::RetryAfter(backoff.max(floor))
    }
}

/// [`Policy::next_delay`] with the default policy.
pub fn next_delay(
    attempt: u32,
    failure: Failure,
    retry_after_ms: Option<u64>,
    jitter: f64,
) -> Decision {
    Policy::DEFAULT.next_delay(attempt, failure, retry_after_ms, jitter)
}

/// Whether the form should wait `delay_ms` for one quick retry while the visitor watches,
/// rather than answer "saved, we'll send it later" at once. Not after a timeout: the visitor
/// has already waited a whole attempt.
pub fn worth_waiting(failure: Failure, delay_ms: u64) -> bool {
    failure != Failure::Timeout && delay_ms <= FIRST_RETRY_MAX_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{GiveUp, RetryAfter};
    use Failure::{Network, Status, Timeout};

    #[test]
    fn which_failures_are_retried() {
        let cases: &[(Failure, bool)] = &[
            (Network, true),
            (Timeout, true),
            (Status(408), true),
            (Status(429), true),
            (Status(500), true),
            (Status(502), true),
            (Status(503), true),
            (Status(504), true),
            (Status(599), true),
            (Status(400), false),
            (Status(401), false),
            (Status(403), false),
            (Status(404), false),
            (Status(409), false),
            (Status(413), false),
            (Status(415), false),
            (Status(422), false),
            (Status(451), false),
            // Not errors a retry fixes either: a redirect fetch did not follow, nonsense.
            (Status(304), false),
            (Status(600), false),
        ];
        for &(failure, retried) in cases {
            let d = next_delay(0, failure, None, 0.5);
            assert_eq!(matches!(d, RetryAfter(_)), retried, "{failure:?} → {d:?}");
        }
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_is_capped() {
        // (attempt, jitter, delay): the window is base·2^attempt, jitter picks in its upper half.
        let cases: &[(u32, f64, u64)] = &[
            (0, 0.0, 500),
            (0, 0.5, 750),
            (0, 1.0, 1_000),
            (1, 0.0, 1_000),
            (1, 1.0, 2_000),
            (2, 0.0, 2_000),
            (3, 1.0, 8_000),
            (8, 1.0, 256_000),
            // 2^9 s is past the five-minute cap.
            (9, 0.0, 150_000),
            (9, 1.0, 300_000),
            (40, 1.0, 300_000),
            (63, 0.5, 225_000),
            (u32::MAX, 1.0, 300_000),
            // A broken random source never shortens the wait below the window's half, and NaN
            // waits the whole window.
            (0, -3.0, 500),
            (0, 7.0, 1_000),
            (0, f64::NAN, 1_000),
        ];
        for &(attempt, jitter, want) in cases {
            assert_eq!(
                next_delay(attempt, Network, None, jitter),
                RetryAfter(want),
                "attempt {attempt}, jitter {jitter}"
            );
        }
    }

    #[test]
    fn jitter_stays_within_bounds_for_every_attempt() {
        let p = Policy::DEFAULT;
        for attempt in 0..70 {
            let window = if attempt >= 63 {
                p.cap_ms
            } else {
                (p.base_ms << attempt.min(20)).min(p.cap_ms)
            };
            for j in 0..=20 {
                let d = p.backoff(attempt, j as f64 / 20.0);
                assert!(
                    d >= window / 2 && d <= window && d <= p.cap_ms,
                    "{attempt} {j} {d}"
                );
            }
        }
    }

    #[test]
    fn retry_after_is_a_floor_on_429_and_503_only() {
        // (failure, attempt, Retry-After ms, jitter, decision)
        let cases: &[(Failure, u32, Option<u64>, f64, Decision)] = &[
            (Status(503), 0, Some(30_000), 0.0, RetryAfter(30_000)),
            (Status(429), 0, Some(2_000), 1.0, RetryAfter(2_000)),
            (Status(429), 0, Some(0), 0.0, RetryAfter(500)),
            // Backoff already longer than asked: keep the backoff (never sooner than asked).
            (Status(503), 5, Some(1_000), 0.0, RetryAfter(16_000)),
            // Absurd values are capped at a day.
            (
                Status(503),
                0,
                Some(u64::MAX),
                0.0,
                RetryAfter(MAX_RETRY_AFTER_MS),
            ),
            // Retry-After on other statuses is not a promise HTTP makes: plain backoff.
            (Status(500), 0, Some(60_000), 0.0, RetryAfter(500)),
            (Network, 0, Some(60_000), 0.0, RetryAfter(500)),
            // A permanent refusal stays permanent whatever the header says.
            (Status(400), 0, Some(1_000), 0.0, GiveUp),
        ];
        for &(failure, attempt, ra, jitter, want) in cases {
            assert_eq!(
                next_delay(attempt, failure, ra, jitter),
                want,
                "{failure:?} {ra:?}"
            );
        }
    }

    #[test]
    fn a_smaller_base_scales_the_cap() {
        let p = Policy::with_base(100);
        assert_eq!(p.cap_ms, 30_000);
        assert_eq!(p.next_delay(0, Timeout, None, 1.0), RetryAfter(100));
        assert_eq!(p.next_delay(30, Timeout, None, 1.0), RetryAfter(30_000));
        assert_eq!(Policy::with_base(0).base_ms, 1);
        assert_eq!(Policy::default(), Policy::DEFAULT);
    }

    #[test]
    fn the_form_waits_only_for_a_quick_retry() {
        let cases: &[(Failure, u64, bool)] = &[
            (Network, 750, true),
            (Status(500), 1_000, true),
            (Status(503), FIRST_RETRY_MAX_MS, true),
            (Status(503), FIRST_RETRY_MAX_MS + 1, false),
            (Status(429), 120_000, false),
            (Timeout, 10, false),
        ];
        for &(failure, delay, want) in cases {
            assert_eq!(worth_waiting(failure, delay), want, "{failure:?} {delay}");
        }
    }
}
