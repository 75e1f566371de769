//! Retention of records (docs/rules.md §10), as pure date arithmetic.
//!
//! Working-time records (timecard rows and their superseded versions, roster
//! rows, PC sessions, discrepancy resolutions) are kept until the later of
//! (a) 3 years after the last day of their month (医療法施行規則第61条) and
//! (b) `work_records_retention_years` years after the later of that day and
//! the month's wage payment date (労基法109条, 附則143条, 労基則56条);
//! interview, pre-check, self-check and measure records carry their own
//! `retention_until` date, 5 years from the interview or measure date
//! (規則第64条, 第69条–第71条).
//!
//! A retention date is the **last day** a record must be kept: the purge
//! deletes it from the following day on.

use super::interview::{years_after, WORK_RECORD_YEARS};
use super::time::YearMonth;
use chrono::{Datelike, NaiveDate};

/// The hospital's settings for keeping working-time records (rules §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkRetention {
    /// Years after the wage payment date (労基法109条: 5; 3 is the
    /// transitional minimum of 附則143条, nothing below).
    pub years: i32,
    /// The day of the month wages are paid (a day past the month's end is
    /// its last day).
    pub wage_payment_day: u32,
    /// Months after the month's name wages are paid in (1: the next month).
    pub wage_payment_month_offset: u32,
}

impl Default for WorkRetention {
    fn default() -> Self {
        WorkRetention {
            years: 5,
            wage_payment_day: 25,
            wage_payment_month_offset: 1,
        }
    }
}

impl WorkRetention {
    /// The least `years` the law allows (附則143条).
    pub const MIN_YEARS: i32 = 3;

    /// The wage payment date of `month`: day `wage_payment_day` of the
    /// calendar month `wage_payment_month_offset` months after the one
    /// naming it (an agreement month 06-16..07-15 is named June), or that
    /// month's last day.
    pub fn wage_payment_date(&self, month: YearMonth) -> NaiveDate {
        let mut paid = YearMonth::of(month.first_day());
        for _ in 0..self.wage_payment_month_offset {
            paid = paid.next();
        }
        let last = paid.last_day();
        last.with_day(self.wage_payment_day.clamp(1, last.day()))
            .unwrap_or(last)
    }

    /// The last day `month`'s working-time records must be kept.
    pub fn keep_until(&self, month: YearMonth) -> NaiveDate {
        let end = month.last_day();
        let medical_act = years_after(end, WORK_RECORD_YEARS);
        let labour_act = years_after(end.max(self.wage_payment_date(month)), self.years);
        medical_act.max(labour_act)
    }

    /// The first day of the earliest month whose working-time records must
    /// still be kept on `today`: rows dated before it have passed their
    /// retention.
    pub fn kept_from(&self, today: NaiveDate) -> NaiveDate {
        // Retention is monotonic in the month: walk back from today's month
        // to the latest month that has expired (at most ~62 steps).
        let mut month = YearMonth::of(today);
        while !has_expired(self.keep_until(month), today) {
            month = month.previous();
        }
        month.next().first_day()
    }
}

/// Whether a record kept until `retention_until` may be deleted on `today`.
pub fn has_expired(retention_until: NaiveDate, today: NaiveDate) -> bool {
    retention_until < today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn month(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    /// Paid on the last day of the month itself, kept 3 years: the rule
    /// before rules v2 (3 years from the month's end).
    const AT_MONTH_END_3_YEARS: WorkRetention = WorkRetention {
        years: 3,
        wage_payment_day: 31,
        wage_payment_month_offset: 0,
    };

    #[test]
    fn e4_the_later_of_the_medical_act_and_the_wage_payment_date() {
        // June 2021, paid 2021-07-25.
        let five = WorkRetention::default();
        assert_eq!(five.wage_payment_date(month("2021-06")), d("2021-07-25"));
        assert_eq!(years_after(month("2021-06").last_day(), 3), d("2024-06-30"));
        assert_eq!(five.keep_until(month("2021-06")), d("2026-07-25"));
        let three = WorkRetention { years: 3, ..five };
        assert_eq!(three.keep_until(month("2021-06")), d("2024-07-25"));
        // Purgeable from the next day (v1 purged from 2024-07-01).
        assert!(!has_expired(three.keep_until(month("2021-06")), d("2024-07-25")));
        assert!(has_expired(three.keep_until(month("2021-06")), d("2024-07-26")));
        assert!(has_expired(five.keep_until(month("2021-06")), d("2026-07-26")));
    }

    #[test]
    fn r_2_paid_on_the_months_last_day_february_of_a_leap_year() {
        let r = AT_MONTH_END_3_YEARS;
        assert_eq!(month("2024-02").last_day(), d("2024-02-29"));
        assert_eq!(r.wage_payment_date(month("2024-02")), d("2024-02-29"));
        assert_eq!(r.keep_until(month("2024-02")), d("2027-02-28"));
        assert_eq!(r.kept_from(d("2027-02-28")), d("2024-02-01"));
        assert_eq!(r.kept_from(d("2027-03-01")), d("2024-03-01"));
    }

    /// [ex R-1] the agreement month 2024-06 from the 16th, paid on the 25th
    /// of the next named month.
    #[test]
    fn r_1_an_agreement_month_from_the_16th() {
        let cal = crate::domain::agreement::AgreementCalendar::new(16, "04-16").unwrap();
        let june = cal.month(month("2024-06"));
        assert_eq!((june.first_day(), june.last_day()), (d("2024-06-16"), d("2024-07-15")));
        let r = WorkRetention::default();
        assert_eq!(r.wage_payment_date(june), d("2024-07-25"));
        assert_eq!(years_after(june.last_day(), 3), d("2027-07-15"));
        assert_eq!(r.keep_until(june), d("2029-07-25"));
        assert!(!has_expired(r.keep_until(june), d("2029-07-25")));
        assert!(has_expired(r.keep_until(june), d("2029-07-26")));
    }

    #[test]
    fn the_earliest_month_kept_moves_on_the_day_after_its_last_day() {
        let r = WorkRetention::default();
        // June 2021 (paid 2021-07-25) is kept through 2026-07-25.
        assert_eq!(r.kept_from(d("2026-07-25")), d("2021-06-01"));
        assert_eq!(r.kept_from(d("2026-07-26")), d("2021-07-01"));
        let v1 = AT_MONTH_END_3_YEARS;
        assert_eq!(v1.kept_from(d("2024-06-30")), d("2021-06-01"));
        assert_eq!(v1.kept_from(d("2024-07-01")), d("2021-07-01"));
    }

    #[test]
    fn a_payment_day_past_the_months_end_is_its_last_day() {
        let r = WorkRetention {
            wage_payment_day: 31,
            ..WorkRetention::default()
        };
        assert_eq!(r.wage_payment_date(month("2024-01")), d("2024-02-29"));
        assert_eq!(r.wage_payment_date(month("2024-03")), d("2024-04-30"));
    }

    #[test]
    fn a_health_record_goes_the_day_after_its_retention_date() {
        assert!(!has_expired(d("2024-06-20"), d("2024-06-20")));
        assert!(has_expired(d("2024-06-20"), d("2024-06-21")));
    }
}
