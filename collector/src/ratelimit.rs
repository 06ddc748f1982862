//! Per-client rate limits: token buckets keyed by IP address, the shared count of wrong
//! credentials ([`Failures`]), and which address a request is from.
//!
//! In memory on purpose: a limit that protects the database must not cost a database round
//! trip, and losing the buckets on restart only forgives a few clients. (The per-phone limit
//! on callbacks is different: it is counted from stored rows, see `store::Guard`.)
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// How fast tokens come back and how many can be saved up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Tokens added per minute.
    pub per_minute: u32,
    /// Most tokens a bucket holds (the burst a fresh client may send at once).
    pub burst: u32,
}

/// One client's bucket.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Buckets by key; [`Limiter::check`] takes one token or says how long to wait.
#[derive(Debug)]
pub struct Limiter<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// Above this many tracked clients, full buckets are dropped (they equal a fresh one).
const PRUNE_ABOVE: usize = 10_000;

impl<K: Eq + Hash + Clone> Limiter<K> {
    /// A limiter; `per_minute == 0` or `burst == 0` would refuse everyone, so callers treat
    /// those as "no limit" and build no limiter.
    pub fn new(rate: Rate) -> Limiter<K> {
        Limiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key` at `now`, or returns how long until one is available.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        self.take(key, now, true)
    }

    /// Like [`Limiter::check`] without taking the token: would `key` be refused now?
    pub fn peek(&self, key: &K, now: Instant) -> Result<(), Duration> {
        self.take(key, now, false)
    }

    fn take(&self, key: &K, now: Instant, consume: bool) -> Result<(), Duration> {
        let per_sec = f64::from(self.rate.per_minute) / 60.0;
        let burst = f64::from(self.rate.burst.max(1));
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * per_sec < burst
            });
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            if consume {
                bucket.tokens -= 1.0;
            }
            Ok(())
        } else if per_sec <= 0.0 {
            Err(Duration::from_secs(3600))
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        }
    }
}

/// Wrong credentials allowed per minute from one address by default (`--auth-failure-limit`).
pub const DEFAULT_AUTH_FAILURES: u32 = 10;

/// Wrong credentials per client address, shared by every credential the collector checks:
/// the inbox's Bearer token, its login form and session cookie, and visitors' status tokens.
///
/// An address that sent too many is refused (429 with `Retry-After`) *before* its next
/// credential is even looked at, so guessing costs one try per token that comes back,
/// whichever door it knocks on. Each wrong credential is logged at warn with the address
/// and the kind of credential, never its value; once an address is refused, its further
/// attempts are only logged at debug, so a flood cannot flood the log too.
#[derive(Debug)]
pub struct Failures {
    /// `None` when the limit is off (`--auth-failure-limit 0`): failures are only logged.
    limiter: Option<Limiter<IpAddr>>,
}

impl Failures {
    /// Allows `per_minute` wrong credentials at once, then `per_minute` a minute; 0 turns
    /// the limit off.
    pub fn new(per_minute: u32) -> Failures {
        Failures {
            limiter: (per_minute > 0).then(|| {
                Limiter::new(Rate {
                    per_minute,
                    burst: per_minute,
                })
            }),
        }
    }

    /// `Err(wait)` while `ip` is refused: answer 429 without checking its credential.
    pub fn refused(&self, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        match (ip, &self.limiter) {
            (Some(ip), Some(limiter)) => limiter.peek(&ip, now).inspect_err(|_| {
                tracing::debug!(%ip, "credential refused unchecked: too many wrong ones");
            }),
            _ => Ok(()),
        }
    }

    /// Counts one wrong credential of `kind` (e.g. `"inbox bearer"`) from `ip`.
    pub fn failed(&self, ip: Option<IpAddr>, kind: &'static str, now: Instant) {
        let Some(ip) = ip else {
            tracing::warn!(credential = kind, "wrong credential (no client address)");
            return;
        };
        let Some(limiter) = &self.limiter else {
            tracing::warn!(%ip, credential = kind, "wrong credential");
            return;
        };
        match limiter.check(&ip, now) {
            Ok(()) => {
                tracing::warn!(%ip, credential = kind, "wrong credential");
                // That was the last one allowed: say so once, not on every refusal after.
                if let Err(wait) = limiter.peek(&ip, now) {
                    tracing::warn!(%ip, retry_after = retry_after_secs(wait),
                        "too many wrong credentials: this address is refused for a while");
                }
            }
            Err(_) => tracing::debug!(%ip, credential = kind, "wrong credential (refused)"),
        }
    }
}

/// A `Retry-After` value in whole seconds, never 0 (0 would invite an immediate retry).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// The client's address: the peer, or with `trust_proxy` the last `X-Forwarded-For` hop.
///
/// The *last* entry is the one the proxy in front of us appended; everything left of it was
/// written by the client and may be forged, so it is never used, not even when the last
/// one does not parse: then the answer is the peer (the proxy itself), which at worst puts
/// that request in the proxy's bucket. Hops are read as proxies write them: `ip`, `ip:port`,
/// `[v6]` and `[v6]:port`, optionally quoted. Without `trust_proxy` the header is ignored
/// entirely, or any visitor could pick a fresh address per request.
pub fn client_ip(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        // The last header line, then its last hop: a proxy appends to the end.
        let last_hop = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next());
        if let Some(ip) = last_hop.and_then(parse_hop) {
            return Some(canonical(ip));
        }
        if let Some(hop) = last_hop {
            tracing::debug!(
                hop,
                "unreadable last X-Forwarded-For hop; using the peer address"
            );
        }
    }
    peer.map(|p| canonical(p.ip()))
}

/// One `X-Forwarded-For` hop: `ip`, `ip:port`, `[v6]` or `[v6]:port`, maybe in quotes.
pub fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let hop = hop
        .strip_prefix('"')
        .and_then(|h| h.strip_suffix('"'))
        .unwrap_or(hop);
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<std::net::Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_steady_rate() {
        let limiter = Limiter::new(Rate {
            per_minute: 20,
            burst: 10,
        });
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(limiter.check(&1, t0), Ok(()));
        }
        let wait = limiter.check(&1, t0).unwrap_err();
        assert_eq!(retry_after_secs(wait), 3, "20/min is one token every 3 s");
        // Another client has its own bucket.
        assert_eq!(limiter.check(&2, t0), Ok(()));
        // Three seconds later one token is back, and only one.
        let t1 = t0 + Duration::from_secs(3);
        assert_eq!(limiter.check(&1, t1), Ok(()));
        assert!(limiter.check(&1, t1).is_err());
        // A long pause refills to the burst, not beyond.
        let t2 = t1 + Duration::from_secs(3600);
        for _ in 0..10 {
            assert_eq!(limiter.check(&1, t2), Ok(()));
        }
        assert!(limiter.check(&1, t2).is_err());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let peer = Some(SocketAddr::from(([10, 0, 0, 1], 5000)));
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.1.1.1, 203.0.113.9".parse().unwrap());
        assert_eq!(
            client_ip(peer, &h, false),
            Some(IpAddr::from([10, 0, 0, 1]))
        );
        assert_eq!(
            client_ip(peer, &h, true),
            Some(IpAddr::from([203, 0, 113, 9]))
        );
        h.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_ip(peer, &h, true), Some(IpAddr::from([10, 0, 0, 1])));
        // The last hop as proxies write it, whatever the client put before it.
        for (header, want) in [
            ("10.2.7.1, 203.0.113.8:51234", "203.0.113.8"),
            ("10.2.7.1, [2001:db8::8]:51234", "2001:db8::8"),
            ("10.2.7.1, [2001:db8::8]", "2001:db8::8"),
            ("10.2.7.1, \"203.0.113.8\"", "203.0.113.8"),
            ("10.2.7.1,203.0.113.8", "203.0.113.8"),
            ("10.2.7.1, ::ffff:203.0.113.8", "203.0.113.8"),
            // Unreadable last hops never fall back to the client's own entries.
            ("10.2.7.1, unknown", "10.0.0.1"),
            ("10.2.7.1, 203.0.113.8:port", "10.0.0.1"),
            ("10.2.7.1, ", "10.0.0.1"),
            ("10.2.7.1, [203.0.113.8]", "10.0.0.1"),
        ] {
            h.insert("x-forwarded-for", header.parse().unwrap());
            let want: IpAddr = want.parse().unwrap();
            assert_eq!(client_ip(peer, &h, true), Some(want), "{header}");
        }
        // Two header lines: the proxy's is the last one.
        let mut two = HeaderMap::new();
        two.append("x-forwarded-for", "10.2.7.1".parse().unwrap());
        two.append("x-forwarded-for", "203.0.113.8".parse().unwrap());
        assert_eq!(
            client_ip(peer, &two, true),
            Some(IpAddr::from([203, 0, 113, 8]))
        );
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:80".parse().unwrap();
        assert_eq!(
            client_ip(Some(mapped), &HeaderMap::new(), false),
            Some(IpAddr::from([192, 0, 2, 1]))
        );
    }

    #[test]
    fn peek_does_not_take_a_token() {
        let limiter = Limiter::new(Rate {
            per_minute: 1,
            burst: 1,
        });
        let t0 = Instant::now();
        assert_eq!(limiter.peek(&1, t0), Ok(()));
        assert_eq!(limiter.peek(&1, t0), Ok(()));
        assert_eq!(limiter.check(&1, t0), Ok(()));
        assert!(limiter.peek(&1, t0).is_err());
    }
}
