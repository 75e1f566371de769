//! The minute the month's 時間外・休日労働 reaches a line (rules §8.2).
//!
//! 「百時間に達するまでの間に」 means before the moment, not before the day: an
//! interview held on the morning of the day the doctor reaches 100 h in the
//! evening is in time. The moment is found by walking the month's combined
//! minutes in the order they were worked (§5.2): each day's ordinary minutes
//! in time order, the minutes above 8 h being daily overtime; the week's
//! remaining minutes in time order, those above 40 h being weekly overtime;
//! and every holiday minute. The `line`-th of those minutes, taken in the
//! order they were worked, ends at the instant returned.

use super::hours::{for_each_piece, week_start_of, DoctorRules, Piece, DAILY_LIMIT, WEEKLY_LIMIT};
use super::shift::Shift;
use super::time::{minutes_between, Minutes, YearMonth};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use std::collections::BTreeMap;

/// Worked minutes `start..end`.
type Stretch = (NaiveDateTime, NaiveDateTime);

/// The end of the `line`-th combined overtime or holiday minute of the
/// month, in the order the minutes were worked; `None` while the month has
/// fewer. `shifts` are the rows [`super::hours::month_figures`] takes.
pub fn reach_instant(
    shifts: &[Shift],
    doctor: &DoctorRules,
    month: YearMonth,
    week_start: Weekday,
    line: Minutes,
) -> Option<NaiveDateTime> {
    let mut ordinary: BTreeMap<NaiveDate, Vec<Stretch>> = BTreeMap::new();
    let mut counted: Vec<Stretch> = Vec::new();
    for_each_piece(shifts, doctor, |p: Piece| {
        if p.holiday {
            if month.contains(p.day) {
                counted.push((p.start, p.end));
            }
        } else {
            ordinary.entry(p.day).or_default().push((p.start, p.end));
        }
    });

    let mut week_regular: Minutes = 0;
    let first = week_start_of(month.first_day(), week_start);
    for d in first.iter_days().take_while(|d| *d <= month.last_day()) {
        if d.weekday() == week_start {
            week_regular = 0;
        }
        let Some(day) = ordinary.get_mut(&d) else {
            continue;
        };
        day.sort_unstable();
        let (regular, daily) = split_after(day, DAILY_LIMIT);
        // The week's walk takes the regular minutes in time order; those
        // past 40 h are weekly overtime.
        let room = (WEEKLY_LIMIT - week_regular).max(0);
        let regular_minutes: Minutes = regular.iter().map(|(s, e)| minutes_between(*s, *e)).sum();
        let (_, weekly) = split_after(&regular, room);
        week_regular += regular_minutes;
        if month.contains(d) {
            counted.extend(daily);
            counted.extend(weekly);
        }
    }

    counted.sort_unstable();
    let mut total: Minutes = 0;
    for (start, end) in counted {
        let length = minutes_between(start, end);
        if total + length >= line {
            return Some(start + Duration::minutes(line - total));
        }
        total += length;
    }
    None
}

/// The first `keep` minutes of `stretches` (in the order given) and the rest.
fn split_after(stretches: &[Stretch], keep: Minutes) -> (Vec<Stretch>, Vec<Stretch>) {
    let mut left = keep.max(0);
    let mut head = Vec::new();
    let mut tail = Vec::new();
    for &(start, end) in stretches {
        let length = minutes_between(start, end);
        if left >= length {
            head.push((start, end));
            left -= length;
        } else if left > 0 {
            let cut = start + Duration::minutes(left);
            head.push((start, cut));
            tail.push((cut, end));
            left = 0;
        } else {
            tail.push((start, end));
        }
    }
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hours::tests::row;
    use crate::domain::hours::{month_figures, RuleConfig};
    use crate::domain::shift::Kind;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }
    fn doctor() -> DoctorRules {
        DoctorRules::new(&RuleConfig::default(), Weekday::Sun, None)
    }
    fn june() -> YearMonth {
        YearMonth::parse("2024-06").unwrap()
    }

    /// Weekdays 08:00–22:00 with a 60-minute break: 300 minutes of
    /// overtime each, worked 17:00–22:00 (the break is the first hour).
    fn long_weekdays(month: YearMonth) -> Vec<Shift> {
        month
            .iter_days()
            .filter(|d| d.weekday().number_from_monday() <= 5)
            .map(|d| row(&d.to_string(), "08:00", "22:00", 60, Kind::Work))
            .collect()
    }

    #[test]
    fn e9_calendar_reading_the_6000th_minute_ends_at_the_days_last_overtime_minute() {
        // Rules §8.2 [ex E9] on calendar months: 300 a weekday, so the
        // 20th weekday (2024-06-28) ends the 6,000th minute at 22:00.
        let rows = long_weekdays(june());
        let f = month_figures(&rows, &doctor(), june(), Weekday::Sun);
        assert_eq!(f.overtime_holiday_minutes, 6000);
        let r = reach_instant(&rows, &doctor(), june(), Weekday::Sun, 6000);
        assert_eq!(r, Some(at("2024-06-28T22:00")));
        assert_eq!(reach_instant(&rows, &doctor(), june(), Weekday::Sun, 6001), None);
    }

    #[test]
    fn the_reach_minute_lies_inside_a_day_and_its_date_is_the_running_totals() {
        // 19 weekdays × 300 = 5,700 by the 27th; the 120th minute of the
        // 28th's overtime (17:00–22:00) ends at 19:00.
        let rows = long_weekdays(june());
        let r = reach_instant(&rows, &doctor(), june(), Weekday::Sun, 5700 + 120);
        assert_eq!(r, Some(at("2024-06-28T19:00")));
        let f = month_figures(&rows, &doctor(), june(), Weekday::Sun);
        let day = f.running.iter().position(|m| *m >= 5820).map(|k| k + 1);
        assert_eq!(day, Some(28), "the attributed day of the minute is the running total's");
    }

    #[test]
    fn weekly_overtime_is_the_weeks_regular_minutes_past_40_hours_in_time_order() {
        // Six 8-hour days Monday–Saturday (no daily overtime): the sixth
        // day's 480 minutes are weekly overtime, 09:00–17:00 on Saturday.
        let rows: Vec<Shift> = ["03", "04", "05", "06", "07", "08"]
            .iter()
            .map(|day| row(&format!("2024-06-{day}"), "09:00", "17:00", 0, Kind::Work))
            .collect();
        let r = reach_instant(&rows, &doctor(), june(), Weekday::Sun, 60);
        assert_eq!(r, Some(at("2024-06-08T10:00")));
        assert_eq!(
            reach_instant(&rows, &doctor(), june(), Weekday::Sun, 480),
            Some(at("2024-06-08T17:00"))
        );
        assert_eq!(reach_instant(&rows, &doctor(), june(), Weekday::Sun, 481), None);
    }

    #[test]
    fn holiday_minutes_count_at_the_instant_they_were_worked() {
        // Sunday 2024-06-02 09:00–12:00 is holiday work; Monday 09:00–19:00
        // has 120 minutes of daily overtime (17:00–19:00).
        let rows = vec![
            row("2024-06-02", "09:00", "12:00", 0, Kind::Work),
            row("2024-06-03", "09:00", "19:00", 0, Kind::Work),
        ];
        let r = |line| reach_instant(&rows, &doctor(), june(), Weekday::Sun, line);
        assert_eq!(r(180), Some(at("2024-06-02T12:00")));
        assert_eq!(r(181), Some(at("2024-06-03T17:01")));
        assert_eq!(r(300), Some(at("2024-06-03T19:00")));
        assert_eq!(r(301), None);
    }

    #[test]
    fn the_previous_months_days_of_the_first_week_fill_the_week_but_are_not_counted() {
        // May 27–31 (Mon–Fri) 8 h each fill the week's 40 h; Saturday June
        // 1st's 8 hours are weekly overtime of June.
        let mut rows: Vec<Shift> = ["27", "28", "29", "30", "31"]
            .iter()
            .map(|day| row(&format!("2024-05-{day}"), "09:00", "17:00", 0, Kind::Work))
            .collect();
        rows.push(row("2024-06-01", "09:00", "17:00", 0, Kind::Work));
        let r = reach_instant(&rows, &doctor(), june(), Weekday::Sun, 480);
        assert_eq!(r, Some(at("2024-06-01T17:00")));
    }
}
