//! The monthly count of doctors expected at ≥ 100 h, frozen at the first
//! monthly check of the agreement month (rules §19; checklist 1.(4)).
//!
//! A doctor is expected at ≥ 100 h in month M when (a) an interview case
//! for M was opened by a daily run (reason `projected_over_100` or
//! `over_100`), or (b) M's combined actual 時間外・休日 as of M's last day is
//! at least 6000 minutes at the time of the check. The first check stores
//! the list; later checks report it again beside the same computation on
//! today's data and name the doctors who reached the list after the check.

use super::interview::Reason;
use super::projection::INTERVIEW_LINE;
use super::time::Minutes;
use std::collections::BTreeSet;

/// Whether an interview case of the month, opened for `reason` (its stored
/// code), makes its doctor expected at ≥ 100 h (§19 (a)).
pub fn interview_counts(reason: &str) -> bool {
    Reason::parse(reason).is_some()
}

/// Whether the month's combined actual figure makes its doctor expected
/// at ≥ 100 h (§19 (b)).
pub fn actual_counts(overtime_holiday_minutes: Minutes) -> bool {
    overtime_holiday_minutes >= INTERVIEW_LINE
}

/// The staff ids expected at ≥ 100 h: those of (a) and (b), each once, in
/// order.
pub fn expected_100<'a>(
    interviewed: impl IntoIterator<Item = &'a str>,
    reached: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let all: BTreeSet<&str> = interviewed.into_iter().chain(reached).collect();
    all.into_iter().map(str::to_string).collect()
}

/// The doctors in the list now who were not in the frozen one, in the
/// order of `now`.
pub fn reached_after_check(frozen: &[String], now: &[String]) -> Vec<String> {
    now.iter().filter(|s| !frozen.contains(s)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fz_1_the_count_frozen_at_the_first_check_and_the_doctor_reached_after_it() {
        // Rules §19 [ex FZ-1]: A's interview opened by the daily run of
        // 06-12 (projected 6,100); at the first check A is at 5,500 and B at
        // 5,900; late timecards later put B at 6,200.
        assert!(interview_counts("projected_over_100") && interview_counts("over_100"));
        assert!(!interview_counts("requested"));
        let first = expected_100(
            ["A"],
            [("A", 5500), ("B", 5900)]
                .into_iter()
                .filter(|(_, m)| actual_counts(*m))
                .map(|(s, _)| s),
        );
        assert_eq!(first, vec!["A".to_string()]);
        let now = expected_100(
            ["A"],
            [("A", 5500), ("B", 6200)]
                .into_iter()
                .filter(|(_, m)| actual_counts(*m))
                .map(|(s, _)| s),
        );
        assert_eq!(now, vec!["A".to_string(), "B".to_string()]);
        assert_eq!(reached_after_check(&first, &now), vec!["B".to_string()]);
        assert!(reached_after_check(&now, &first).is_empty());
    }

    #[test]
    fn a_doctor_in_both_parts_is_counted_once_and_6000_is_reached() {
        assert!(actual_counts(6000) && !actual_counts(5999));
        assert_eq!(expected_100(["B", "A"], ["A", "C"]), vec!["A", "B", "C"]);
    }
}
