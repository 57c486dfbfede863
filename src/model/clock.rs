//! The database's clock: wall time plus an offset that tests move forward, so that TTL
//! expiry, stream trimming and iterator expiry can be tested without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A shared clock (clones share the offset).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Milliseconds since the Unix epoch, offset included.
    pub fn now_ms(&self) -> i64 {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        wall + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Seconds since the Unix epoch (millisecond precision), as DynamoDB's timestamps.
    pub fn now(&self) -> f64 {
        self.now_ms() as f64 / 1000.0
    }

    /// Moves the clock forward (never back: a clock that goes back would reorder records).
    pub fn advance(&self, by: std::time::Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn advancing_moves_every_clone() {
        let c = Clock::default();
        let d = c.clone();
        let before = c.now_ms();
        d.advance(std::time::Duration::from_secs(3600));
        assert!(c.now_ms() - before >= 3_600_000);
    }
}
