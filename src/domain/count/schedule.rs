//! The doctor's schedule for a day (所定労働時間, rules §2.1) and the
//! 1箇月単位の変形労働時間制 periods that decide it where they are valid
//! (§5a.1–§5a.2).

use super::super::profile::{Profile, Regime, RosterView};
use super::super::shift::{Kind, Shift};
use super::super::time::Minutes;
use super::Interval;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One 変形 period and whether its published schedule makes it valid (§5a.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariablePeriodInfo {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// 総枠 `floor(2400 × n ÷ 7)`.
    pub cap_minutes: Minutes,
    /// ΣS(d) over the period, as published.
    pub scheduled_minutes: Minutes,
    pub valid: bool,
    /// `variable_schedule_missing` or `variable_schedule_over_cap` when invalid.
    pub reason: Option<&'static str>,
}

/// The 総枠 of a period of `days` days (rules §5a.3, [ex V5]).
pub fn period_cap(days: i64) -> Minutes {
    2400 * days / 7
}

/// Sched(X, d) for every date of a range, with the 変形 periods touching it.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// The first date built (day number, [`day_number`]); `None` when
    /// nothing was built.
    first: Option<i32>,
    /// Day k of the range has `intervals[bounds[k]..bounds[k + 1]]`: one
    /// flat list rather than a map of lists (the schedule is built for every
    /// count of every doctor, months at a time).
    bounds: Vec<u32>,
    intervals: Vec<Interval>,
    /// S(d) on the days of valid periods.
    scheduled: BTreeMap<NaiveDate, Minutes>,
    pub periods: Vec<VariablePeriodInfo>,
}

fn day_number(d: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&d)
}

fn starts_by_day(rows: &[Shift]) -> BTreeMap<NaiveDate, Vec<&Shift>> {
    let mut by_day: BTreeMap<NaiveDate, Vec<&Shift>> = BTreeMap::new();
    for r in rows.iter().filter(|r| matches!(r.kind(), Kind::Work | Kind::Duty)) {
        by_day.entry(r.start_date()).or_default().push(r);
    }
    by_day
}

fn intervals_of(rows: Option<&Vec<&Shift>>) -> Vec<Interval> {
    let mut v: Vec<Interval> = rows
        .map(|rs| rs.iter().map(|r| (r.rounded_start(), r.rounded_end())).collect())
        .unwrap_or_default();
    v.sort_unstable();
    v
}

impl Schedule {
    /// The schedule of `from..=to` (rules §2.1): a valid 変形 period's
    /// published rows, else the roster where it covers the date, else the
    /// default schedule.
    pub fn build(
        profile: &Profile,
        roster: &RosterView,
        published: &[(NaiveDate, RosterView)],
        closed: &BTreeSet<NaiveDate>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Schedule {
        let mut s = Schedule::default();
        let mut variable_days: BTreeMap<NaiveDate, Vec<Interval>> = BTreeMap::new();
        if let Regime::MonthlyVariable { .. } = profile.regime {
            let mut d = from;
            while d <= to {
                let Some((first, last)) = profile.regime.period_of(d) else {
                    d += Duration::days(1);
                    continue;
                };
                let view = published.iter().find(|(f, _)| *f == first).map(|(_, v)| v);
                let info = s.add_period(first, last, view, &mut variable_days);
                s.periods.push(info);
                d = last + Duration::days(1);
            }
        }
        // The roster's work and duty rows starting in the range, by start
        // date then interval: each day's run of them is its intervals.
        let mut roster_days: Vec<(NaiveDate, Interval)> = roster
            .rows
            .iter()
            .filter(|r| matches!(r.kind(), Kind::Work | Kind::Duty))
            .map(|r| (r.start_date(), (r.rounded_start(), r.rounded_end())))
            .filter(|(d, _)| from <= *d && *d <= to)
            .collect();
        roster_days.sort_unstable();
        let mut next_row = 0;
        s.first = Some(day_number(from));
        s.bounds.push(0);
        for d in from.iter_days().take_while(|d| *d <= to) {
            let start = next_row;
            while next_row < roster_days.len() && roster_days[next_row].0 == d {
                next_row += 1;
            }
            if let Some(v) = variable_days.remove(&d) {
                s.intervals.extend(v);
            } else if roster.covers(d) {
                s.intervals
                    .extend(roster_days[start..next_row].iter().map(|(_, iv)| *iv));
            } else {
                s.intervals.extend(profile.default_interval(d, closed.contains(&d)));
            }
            s.bounds.push(s.intervals.len() as u32);
        }
        s
    }

    fn add_period(
        &mut self,
        first: NaiveDate,
        last: NaiveDate,
        view: Option<&RosterView>,
        variable_days: &mut BTreeMap<NaiveDate, Vec<Interval>>,
    ) -> VariablePeriodInfo {
        let n = (last - first).num_days() + 1;
        let cap = period_cap(n);
        let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
        let (covered, rows) = match view {
            Some(v) => (days.iter().all(|d| v.covers(*d)), starts_by_day(&v.rows)),
            None => (false, BTreeMap::new()),
        };
        let per_day: Vec<(NaiveDate, Minutes)> = days
            .iter()
            .map(|d| (*d, rows.get(d).map_or(0, |rs| rs.iter().map(|r| r.minutes()).sum())))
            .collect();
        let scheduled: Minutes = per_day.iter().map(|(_, m)| m).sum();
        let reason = if !covered {
            Some("variable_schedule_missing")
        } else if 7 * scheduled > 2400 * n {
            Some("variable_schedule_over_cap")
        } else {
            None
        };
        if reason.is_none() {
            for (d, m) in per_day {
                self.scheduled.insert(d, m);
                variable_days.insert(d, intervals_of(rows.get(&d)));
            }
        }
        VariablePeriodInfo {
            first_day: first,
            last_day: last,
            cap_minutes: cap,
            scheduled_minutes: scheduled,
            valid: reason.is_none(),
            reason,
        }
    }

    /// Sched(X, d); empty outside the built range.
    pub fn of(&self, d: NaiveDate) -> &[Interval] {
        let Some(first) = self.first else {
            return &[];
        };
        let Ok(k) = usize::try_from(day_number(d) - first) else {
            return &[];
        };
        match (self.bounds.get(k), self.bounds.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.intervals[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Whether `d` is a scheduled working day (所定労働日).
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !self.of(d).is_empty()
    }

    /// The scheduled start (所定始業時刻) of a scheduled working day.
    pub fn start_of(&self, d: NaiveDate) -> Option<NaiveDateTime> {
        self.of(d).iter().map(|(s, _)| *s).min()
    }

    /// S(d) of a valid 変形 period's day, else 0.
    pub fn scheduled_minutes(&self, d: NaiveDate) -> Minutes {
        self.scheduled.get(&d).copied().unwrap_or(0)
    }

    /// The valid period containing `d`.
    pub fn valid_period_of(&self, d: NaiveDate) -> Option<&VariablePeriodInfo> {
        self.periods
            .iter()
            .find(|p| p.valid && p.first_day <= d && d <= p.last_day)
    }

    /// Every schedule interval of the range, merged: a minute is inside
    /// the schedule when it lies in one (§2.1: the intervals of the day
    /// before, the day and the day after).
    pub fn merged(&self) -> Vec<Interval> {
        let mut all: Vec<Interval> = self.intervals.clone();
        all.sort_unstable();
        let mut out: Vec<Interval> = Vec::with_capacity(all.len());
        for (s, e) in all {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        out
    }

    /// The scheduled rest days among `days`, in date order.
    pub fn rest_days(&self, days: impl Iterator<Item = NaiveDate>) -> Vec<NaiveDate> {
        days.filter(|d| !self.is_working_day(*d)).collect()
    }
}
