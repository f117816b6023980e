//! How PIN entry backs off after wrong PINs: a few free attempts, then locks that
//! double with every further failure, up to a ceiling. The device applies it to the
//! PIN that leaves customer mode; a customer trying PINs at random gets a handful
//! of tries, then minutes between each.

use chrono::Duration;

/// Wrong PINs in a row allowed before the first lock.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first lock; each further failure doubles it.
pub const FIRST_LOCK_SECONDS: i64 = 30;
/// No lock is longer than this.
pub const LONGEST_LOCK_SECONDS: i64 = 15 * 60;

/// How long entry stays locked after the `failures`-th wrong PIN in a row.
pub fn lock_after(failures: u32) -> Option<Duration> {
    let past_free = failures.checked_sub(FREE_ATTEMPTS)?;
    let seconds = FIRST_LOCK_SECONDS.saturating_mul(1i64 << past_free.min(20)).min(LONGEST_LOCK_SECONDS);
    Some(Duration::seconds(seconds))
}

/// Wrong PINs still allowed before a lock, after `failures` in a row.
pub fn attempts_left(failures: u32) -> u32 {
    FREE_ATTEMPTS.saturating_sub(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_wrong_pins_are_free() {
        for failures in 0..FREE_ATTEMPTS {
            assert_eq!(lock_after(failures), None, "{failures}");
        }
        assert_eq!(attempts_left(0), 5);
        assert_eq!(attempts_left(4), 1);
        assert_eq!(attempts_left(5), 0);
        assert_eq!(attempts_left(50), 0);
    }

    #[test]
    fn locks_double_then_stop_at_the_ceiling() {
        let seconds: Vec<i64> = (5..=12).map(|f| lock_after(f).unwrap().num_seconds()).collect();
        assert_eq!(seconds, [30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(lock_after(u32::MAX).unwrap().num_seconds(), LONGEST_LOCK_SECONDS);
    }
}
