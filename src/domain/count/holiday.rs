//! Which days are statutory holidays (法定休日, rules §4.1).
//!
//! A fixed weekday is every such day. `unspecified` takes, per calendar
//! week, the last scheduled rest day when every scheduled rest day of the
//! week was worked. `4w4` walks each 28-day period's scheduled rest days and
//! makes a worked one a statutory holiday once fewer than four rest days
//! would remain. Both look backwards at work only, so a figure computed
//! before the week or period ends never changes when later work comes in.

use super::super::hours::week_start_of;
use super::super::profile::LegalHoliday;
use super::schedule::Schedule;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// The statutory holidays of `from..=to`, and whether some 4週 period
/// touching it has fewer than four scheduled rest days (`rest_days_short`).
pub fn statutory_holidays(
    form: LegalHoliday,
    schedule: &Schedule,
    worked: &BTreeSet<NaiveDate>,
    week_start: Weekday,
    from: NaiveDate,
    to: NaiveDate,
) -> (BTreeSet<NaiveDate>, Vec<(NaiveDate, NaiveDate)>) {
    let mut holidays = BTreeSet::new();
    let mut short = Vec::new();
    match form {
        LegalHoliday::Fixed(w) => {
            holidays.extend(from.iter_days().take_while(|d| *d <= to).filter(|d| d.weekday() == w));
        }
        LegalHoliday::Unspecified => {
            let mut first = week_start_of(from, week_start);
            while first <= to {
                let days = || first.iter_days().take(7);
                let mut candidates = schedule.rest_days(days());
                if candidates.is_empty() {
                    candidates = days().collect();
                }
                if candidates.iter().all(|d| worked.contains(d)) {
                    holidays.extend(candidates.last().copied());
                }
                first += Duration::days(7);
            }
        }
        LegalHoliday::FourWeeks(start) => {
            let k = (from - start).num_days().div_euclid(28);
            let mut first = start + Duration::days(28 * k);
            while first <= to {
                let last = first + Duration::days(27);
                let candidates = schedule.rest_days(first.iter_days().take(28));
                let n = candidates.len();
                if n < 4 {
                    short.push((first, last));
                }
                let mut worked_so_far = 0;
                for c in candidates {
                    if worked.contains(&c) {
                        worked_so_far += 1;
                        if n < 4 + worked_so_far {
                            holidays.insert(c);
                        }
                    }
                }
                first += Duration::days(28);
            }
        }
    }
    (holidays, short)
}
