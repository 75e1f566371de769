//! Retention of records (docs/rules.md §10), as pure date arithmetic.
//!
//! Working-time records (timecard rows and their superseded versions, roster
//! rows, PC sessions, discrepancy resolutions) are kept 3 years from the end
//! of their month (規則第61条); interview, pre-check, self-check and measure
//! records carry their own `retention_until` date, 5 years from the interview
//! or measure date (規則第64条, 第69条–第71条).
//!
//! A retention date is the **last day** a record must be kept: the purge
//! deletes it from the following day on. So June 2021 timecard rows (kept
//! until 2024-06-30) are deleted by a purge run on 2024-07-01, and an
//! interview whose `retention_until` is 2024-06-20 by a run on 2024-06-21.

use super::interview::work_record_retention;
use super::time::YearMonth;
use chrono::NaiveDate;

/// Whether a record kept until `retention_until` may be deleted on `today`.
pub fn has_expired(retention_until: NaiveDate, today: NaiveDate) -> bool {
    retention_until < today
}

/// The first day of the earliest month whose working-time records must still
/// be kept on `today`: rows dated before it have passed their retention.
pub fn work_records_kept_from(today: NaiveDate) -> NaiveDate {
    // Retention is monotonic in the month: walk back from today's month to
    // the latest month that has expired (at most ~37 steps).
    let mut month = YearMonth::of(today);
    while !has_expired(work_record_retention(month), today) {
        month = month.previous();
    }
    month.next().first_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn june_2021_working_time_is_kept_through_the_30th_of_june_2024() {
        assert_eq!(work_records_kept_from(d("2024-06-30")), d("2021-06-01"));
        assert_eq!(work_records_kept_from(d("2024-07-01")), d("2021-07-01"));
        assert_eq!(work_records_kept_from(d("2024-07-31")), d("2021-07-01"));
        assert_eq!(work_records_kept_from(d("2024-08-01")), d("2021-08-01"));
    }

    #[test]
    fn february_of_a_leap_year_ends_on_the_28th_three_years_later() {
        // February 2024 ends on the 29th; 2027-02-29 does not exist → 28th.
        assert_eq!(work_records_kept_from(d("2027-02-28")), d("2024-02-01"));
        assert_eq!(work_records_kept_from(d("2027-03-01")), d("2024-03-01"));
    }

    #[test]
    fn a_health_record_goes_the_day_after_its_retention_date() {
        assert!(!has_expired(d("2024-06-20"), d("2024-06-20")));
        assert!(has_expired(d("2024-06-20"), d("2024-06-21")));
    }
}
