//! Sign-in rate limiting: at most N attempts per client address per minute,
//! on the screen and the API alike (then 429 with Retry-After). Kept in
//! memory: a restart forgets it, which the per-account lock-out (kept in
//! the database) does not.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many tracked addresses, stale ones are swept.
const SWEEP_AT: usize = 10_000;

/// A fixed-window counter per address.
#[derive(Debug)]
pub struct SignInLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl SignInLimiter {
    pub fn new(per_minute: u32) -> SignInLimiter {
        SignInLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `addr` at `now`: `Ok` when allowed, else the
    /// time to wait.
    pub fn check(&self, addr: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_minute {
            return Err(WINDOW.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_address_and_resets_after_a_minute() {
        let limiter = SignInLimiter::new(3);
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(a, t0).is_ok());
        }
        let wait = limiter.check(a, t0 + Duration::from_secs(20)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(40));
        assert!(limiter.check(b, t0).is_ok(), "another address is not limited");
        assert!(limiter.check(a, t0 + Duration::from_secs(60)).is_ok(), "a new window");
    }
}
