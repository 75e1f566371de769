//! Daily, weekly and period overtime by walking minutes (rules §5.2, §5a.3,
//! §5b.4).
//!
//! A walk takes segments in a fixed order with a counter; the minutes that
//! bring the counter above the threshold are overtime. A segment is walked
//! in time order, so its overtime minutes are always its last ones: after
//! the three walks a segment is `[regular | period | weekly | daily]`.

use super::super::hours::{week_start_of, DAILY_LIMIT, WEEKLY_LIMIT};
use super::super::profile::HolidayStartTail;
use super::super::time::Minutes;
use super::schedule::Schedule;
use super::timeline::Source;
use super::Seg;
use chrono::{Duration, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// What the walks need besides the segments.
pub struct WalkRules<'a> {
    pub schedule: &'a Schedule,
    pub holidays: &'a BTreeSet<NaiveDate>,
    /// H_start(d): holiday minutes of the rows that started on d (§5.2).
    pub holiday_start: &'a BTreeMap<NaiveDate, Minutes>,
    pub tail: HolidayStartTail,
    pub week_start: Weekday,
    /// This hospital's rank among the doctor's employers (§5b.3).
    pub own_rank: usize,
}

/// The order of a walk: time order, or §5b.4's (所定 by employer rank and
/// time, then 所定外 by time) when external minutes are present.
fn order(segs: &[Seg], idx: &mut [usize], own_rank: usize) {
    let mixed = idx.iter().any(|i| matches!(segs[*i].source, Source::External { .. }));
    if mixed {
        idx.sort_by_key(|i| {
            let s = &segs[*i];
            let rank = match s.source {
                Source::Own => own_rank,
                Source::External { rank, .. } => rank,
            };
            if s.sched {
                (0, rank, s.start)
            } else {
                (1, 0, s.start)
            }
        });
    } else {
        idx.sort_by_key(|i| segs[*i].start);
    }
}

/// The overtime of the last minutes walked past `threshold`.
fn excess(counter: Minutes, available: Minutes, threshold: Minutes) -> Minutes {
    (counter + available - threshold).clamp(0, available.max(0))
}

/// Runs the three walks over every ordinary segment.
pub fn walk(segs: &mut [Seg], rules: &WalkRules) {
    let mut weeks: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, s) in segs.iter().enumerate().filter(|(_, s)| !s.holiday) {
        weeks.entry(week_start_of(s.day, rules.week_start)).or_default().push(i);
    }
    for (first, mut idx) in weeks {
        order(segs, &mut idx, rules.own_rank);
        // Daily: per attributed day, in the week's order.
        let mut counters: BTreeMap<NaiveDate, Minutes> = BTreeMap::new();
        for &i in &idx {
            let d = segs[i].day;
            let counter = counters.entry(d).or_insert_with(|| {
                if rules.tail == HolidayStartTail::WithHolidayHours && rules.holidays.contains(&d) {
                    rules.holiday_start.get(&d).copied().unwrap_or(0)
                } else {
                    0
                }
            });
            let threshold = DAILY_LIMIT.max(rules.schedule.scheduled_minutes(d));
            let len = segs[i].minutes();
            segs[i].daily = excess(*counter, len, threshold);
            *counter += len;
        }
        // Weekly: the minutes that are not daily overtime.
        let scheduled: Minutes = (0..7)
            .map(|k| rules.schedule.scheduled_minutes(first + Duration::days(k)))
            .sum();
        let threshold = WEEKLY_LIMIT.max(scheduled);
        let mut counter = 0;
        for &i in &idx {
            let available = segs[i].minutes() - segs[i].daily;
            segs[i].weekly = excess(counter, available, threshold);
            counter += available;
        }
    }
    // Period (§5a.3): the minutes that are neither daily nor weekly overtime.
    for p in rules.schedule.periods.iter().filter(|p| p.valid) {
        let mut idx: Vec<usize> = segs
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.holiday && p.first_day <= s.day && s.day <= p.last_day)
            .map(|(i, _)| i)
            .collect();
        order(segs, &mut idx, rules.own_rank);
        let mut counter = 0;
        for i in idx {
            let available = segs[i].minutes() - segs[i].daily - segs[i].weekly;
            segs[i].period = excess(counter, available, p.cap_minutes);
            counter += available;
        }
    }
}
