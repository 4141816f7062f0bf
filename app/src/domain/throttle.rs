//! How failed sign-ins slow down whoever makes them: a few are free, then
//! each one makes the next attempt wait twice as long, and many lock the
//! account (or the address) for a while. Counted per account, whether it
//! exists or not, so that the answers never tell the two apart.

/// Failures older than this are forgotten.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures in a row that cost nothing.
    pub free: i64,
    /// From this failure on, the lock is `lock_ms`.
    pub lock_at: i64,
    pub lock_ms: i64,
}

/// One person mistyping does not wait; guessing one account's password
/// soon waits minutes.
pub const PER_ACCOUNT: Policy = Policy {
    free: 3,
    lock_at: 10,
    lock_ms: 15 * 60 * 1000,
};

/// An address may be a whole office behind one router: more room, but a
/// guesser trying many accounts from it is stopped too.
pub const PER_ADDRESS: Policy = Policy {
    free: 30,
    lock_at: 100,
    lock_ms: 15 * 60 * 1000,
};

impl Policy {
    /// How long no attempt is heard after the `failures`-th failure in a row.
    pub fn pause_ms(&self, failures: i64) -> i64 {
        if failures <= self.free {
            0
        } else if failures >= self.lock_at {
            self.lock_ms
        } else {
            let doublings = (failures - self.free - 1).min(20) as u32;
            (1000_i64 << doublings).min(self.lock_ms)
        }
    }
}

/// Whole seconds to tell a client to wait (`Retry-After`), at least one.
pub fn retry_after_secs(locked_until: i64, now: i64) -> u64 {
    let ms = (locked_until - now).max(0) as u64;
    ms.div_ceil(1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_are_free_then_each_doubles_the_wait_then_a_lock() {
        let waits: Vec<i64> = (1..=11).map(|n| PER_ACCOUNT.pause_ms(n)).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 900_000, 900_000]
        );
    }

    #[test]
    fn an_address_has_more_room_but_is_locked_too() {
        assert_eq!(PER_ADDRESS.pause_ms(30), 0);
        assert_eq!(PER_ADDRESS.pause_ms(31), 1000);
        assert_eq!(PER_ADDRESS.pause_ms(60), 900_000, "capped at the lock");
        assert_eq!(PER_ADDRESS.pause_ms(100), 900_000);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(10_001, 0), 11);
        assert_eq!(retry_after_secs(5, 5), 1);
    }
}
