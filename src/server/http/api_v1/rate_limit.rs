//! The API's rate limit: one token bucket per key, in this instance's memory
//! (each instance limits on its own).
use crate::server::config::ApiRate;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    rate: ApiRate,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate: ApiRate) -> RateLimiter {
        RateLimiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key` at `now`: `Ok` or the whole seconds to wait.
    pub fn take(&self, key: i64, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = buckets.entry(key).or_insert((self.rate.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.rate.per_second).min(self.rate.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / self.rate.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_key_gets_its_burst_then_waits_for_the_refill() {
        let l = RateLimiter::new(ApiRate {
            per_second: 2.0,
            burst: 3.0,
        });
        let t = Instant::now();
        for _ in 0..3 {
            assert!(l.take(1, t).is_ok());
        }
        assert_eq!(l.take(1, t), Err(1));
        assert!(l.take(2, t).is_ok(), "another key has its own bucket");
        assert!(l.take(1, t + Duration::from_millis(600)).is_ok());
        assert!(l.take(1, t + Duration::from_millis(600)).is_err());
    }
}
