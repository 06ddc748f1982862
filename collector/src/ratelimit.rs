//! Per-client rate limits: token buckets keyed by IP address, and which address a request is from.
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
            bucket.tokens -= 1.0;
            Ok(())
        } else if per_sec <= 0.0 {
            Err(Duration::from_secs(3600))
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
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
/// written by the client and may be forged, so it is never used. Without `trust_proxy` the
/// header is ignored entirely, or any visitor could pick a fresh address per request.
pub fn client_ip(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| canonical(p.ip()))
}

/// IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
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
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:80".parse().unwrap();
        assert_eq!(
            client_ip(Some(mapped), &HeaderMap::new(), false),
            Some(IpAddr::from([192, 0, 2, 1]))
        );
    }
}
