//! The counting engine of rule book v2 (rules §2–§6, §16, §17).
//!
//! [`count`] turns a doctor's rows into segments of worked minutes, each
//! with the day it belongs to (§4, §5.1), whether it is holiday work, who
//! employs it (§5b) and whether it is 所定 (§2.1), then walks them for daily,
//! weekly and period overtime (§5.2, §5a.3). [`Counted::month`] adds up an
//! agreement month (§6); the year and the day-by-day figures come from the
//! same segments.
//!
//! The steps, each in its own module: the schedule of every day
//! (`schedule`), the worked intervals with breaks, permitted duty and
//! self-study (`timeline`), the statutory holidays (`holiday`), and the
//! walks (`walk`).

mod figures;
mod holiday;
mod schedule;
mod timeline;
mod walk;

#[cfg(test)]
mod examples;
#[cfg(test)]
mod tests;

pub use figures::{DayFigures, MonthFigures, INTERVIEW_LINE, MEASURES_LINE};
pub use schedule::{period_cap, Schedule, VariablePeriodInfo};
pub use timeline::Source;

use super::hours::RuleConfig;
use super::profile::{Profile, RosterView, ScheduleClass, UNNAMED_EMPLOYER};
use super::shift::{Kind, Shift};
use super::time::{midnight, minutes_between, Minutes};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use super::interval::subtract;
pub use super::interval::Interval;

/// Sorted, disjoint, touching intervals joined.
pub(crate) fn merge(v: Vec<Interval>) -> Vec<Interval> {
    super::interval::merged(v, true)
}

/// Worked minutes with everything the figures need to know about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seg {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The attributed day (§5.1), or the calendar day of holiday work.
    pub day: NaiveDate,
    /// The start date of the row the minutes come from.
    pub start_day: NaiveDate,
    /// Holiday work (§4.2): own minutes on a statutory holiday.
    pub holiday: bool,
    pub source: Source,
    /// 所定 (§5b.4): own minutes inside the schedule, external `scheduled`.
    pub sched: bool,
    /// Overtime minutes found by each walk: the segment's last minutes.
    pub daily: Minutes,
    pub weekly: Minutes,
    pub period: Minutes,
}

impl Seg {
    pub fn minutes(&self) -> Minutes {
        minutes_between(self.start, self.end)
    }
    pub fn overtime(&self) -> Minutes {
        self.daily + self.weekly + self.period
    }
    pub fn own(&self) -> bool {
        self.source == Source::Own
    }
    /// The overtime minutes `start..end` (the last ones, see `walk`).
    pub fn overtime_interval(&self) -> Option<Interval> {
        let ot = self.overtime();
        (ot > 0).then(|| (self.end - Duration::minutes(ot), self.end))
    }
}

/// What one doctor's count needs.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The rows that count: actual rows starting on or before the as-of
    /// date, and for a projection the planned rows after it.
    pub rows: &'a [Shift],
    pub profile: &'a Profile,
    /// The roster as stored now (schedule coverage, §2.1).
    pub roster: &'a RosterView,
    /// The roster as published at 00:00 of each 変形 period's first day.
    pub published: &'a [(NaiveDate, RosterView)],
    /// The permit occurrences matching the doctor (§13.2); `None` when the
    /// permits register is off.
    pub permitted: Option<&'a [Interval]>,
}

/// A doctor's counted minutes.
#[derive(Debug, Clone)]
pub struct Counted {
    pub segs: Vec<Seg>,
    pub schedule: Schedule,
    pub holidays: BTreeSet<NaiveDate>,
    /// 4週 periods with fewer than four scheduled rest days.
    pub rest_days_short: Vec<(NaiveDate, NaiveDate)>,
    /// Self-study and permitted-duty tallies by row index of `rows`.
    pub study: Vec<(usize, timeline::StudyTally)>,
    pub duty: Vec<(usize, timeline::DutyTally)>,
}

/// The employers of a doctor in contract order (§5b.3): this hospital's
/// rank and a function from a row to its employer's rank.
pub struct Employers {
    names: Vec<String>,
    own_rank: usize,
}

/// The name standing for this hospital among the employers.
const THIS_HOSPITAL: &str = "";

impl Employers {
    pub fn of(profile: &Profile, rows: &[Shift]) -> Employers {
        let mut names: BTreeSet<String> = BTreeSet::new();
        if let Some(m) = &profile.main_employer {
            names.insert(m.clone());
        }
        names.extend(profile.employers.iter().map(|e| e.name.clone()));
        names.extend(
            rows.iter()
                .filter(|r| r.kind() == Kind::External)
                .map(|r| Self::name_of(profile, r)),
        );
        let contract = |name: &str| {
            profile
                .employers
                .iter()
                .find(|e| e.name == name)
                .and_then(|e| e.contract_date)
        };
        let mut keyed: Vec<((i64, u8, String), String)> = names
            .into_iter()
            .map(|n| {
                let main = profile.main_employer.as_deref() == Some(n.as_str());
                let date = contract(&n).map_or(if main { i64::MIN } else { i64::MAX }, day_number);
                ((date, if main { 0 } else { 2 }, n.clone()), n)
            })
            .collect();
        let own_date = profile.contract_date.map_or(i64::MIN, day_number);
        let own_role = if profile.main_employer.is_some() { 1 } else { 0 };
        keyed.push(((own_date, own_role, String::new()), THIS_HOSPITAL.to_string()));
        keyed.sort();
        let names: Vec<String> = keyed.into_iter().map(|(_, n)| n).collect();
        let own_rank = names.iter().position(|n| n == THIS_HOSPITAL).unwrap_or(0);
        Employers { names, own_rank }
    }

    /// The employer of an external row: as written, else the main employer,
    /// else "(未記入)" (§5b.2).
    pub fn name_of(profile: &Profile, r: &Shift) -> String {
        r.employer()
            .map(str::to_string)
            .or_else(|| profile.main_employer.clone())
            .unwrap_or_else(|| UNNAMED_EMPLOYER.to_string())
    }

    fn rank(&self, name: &str) -> usize {
        self.names.iter().position(|n| n == name).unwrap_or(self.names.len())
    }
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&d))
}

/// Counts a doctor's rows (rules §2–§5b).
pub fn count(inputs: Inputs, cfg: &RuleConfig) -> Counted {
    let rows = inputs.rows;
    let profile = inputs.profile;
    let (lo, hi) = match (
        rows.iter().map(|r| r.start_date()).min(),
        rows.iter().map(|r| r.rounded_end().date()).max(),
    ) {
        (Some(lo), Some(hi)) => (lo, hi),
        _ => {
            return Counted {
                segs: Vec::new(),
                schedule: Schedule::default(),
                holidays: BTreeSet::new(),
                rest_days_short: Vec::new(),
                study: Vec::new(),
                duty: Vec::new(),
            }
        }
    };
    let (from, to) = (lo - Duration::days(35), hi + Duration::days(35));
    let schedule = Schedule::build(
        profile,
        inputs.roster,
        inputs.published,
        &cfg.scheduled_closed_dates,
        from,
        to,
    );
    let inside = schedule.merged();
    let employers = Employers::of(profile, rows);
    let rank_of = |r: &Shift| employers.rank(&Employers::name_of(profile, r));
    let tl = timeline::build(rows, inputs.permitted, &inside, &rank_of);

    let mut worked_days = BTreeSet::new();
    for w in tl.worked.iter().filter(|w| w.source == Source::Own) {
        let mut d = w.start.date();
        while midnight(d) < w.end {
            worked_days.insert(d);
            d += Duration::days(1);
        }
    }
    let (holidays, rest_days_short) =
        holiday::statutory_holidays(profile.legal_holiday, &schedule, &worked_days, cfg.week_start, lo, hi);

    let mut segs = Vec::new();
    for w in &tl.worked {
        cut(w, &schedule, &inside, &holidays, &mut segs);
    }
    let mut holiday_start: BTreeMap<NaiveDate, Minutes> = BTreeMap::new();
    for s in segs.iter().filter(|s| s.holiday) {
        *holiday_start.entry(s.start_day).or_default() += s.minutes();
    }
    walk::walk(
        &mut segs,
        &walk::WalkRules {
            schedule: &schedule,
            holidays: &holidays,
            holiday_start: &holiday_start,
            tail: cfg.holiday_start_tail,
            week_start: cfg.week_start,
            own_rank: employers.own_rank,
        },
    );
    Counted {
        segs,
        schedule,
        holidays,
        rest_days_short,
        study: tl.study,
        duty: tl.duty,
    }
}

/// What PC use is checked against (rules §9): the rows' coverage with the
/// doctor's schedule and permits, as [`count`] reads them.
pub fn coverage(inputs: Inputs, cfg: &RuleConfig) -> super::discrepancy::Coverage {
    let rows = inputs.rows;
    let inside = match (
        rows.iter().map(|r| r.start_date()).min(),
        rows.iter().map(|r| r.rounded_end().date()).max(),
    ) {
        (Some(lo), Some(hi)) => Schedule::build(
            inputs.profile,
            inputs.roster,
            inputs.published,
            &cfg.scheduled_closed_dates,
            lo - Duration::days(2),
            hi + Duration::days(2),
        )
        .merged(),
        _ => Vec::new(),
    };
    super::discrepancy::Coverage::new(rows, &inside, inputs.permitted)
}

/// Cuts worked minutes into segments: at midnights (holiday work, §4.2),
/// at the schedule's edges (所定, §5b.4) and at the scheduled starts of the
/// following scheduled working days (attribution, §5.1).
fn cut(
    w: &timeline::Worked,
    schedule: &Schedule,
    inside: &[Interval],
    holidays: &BTreeSet<NaiveDate>,
    out: &mut Vec<Seg>,
) {
    let own = w.source == Source::Own;
    let mut cuts: Vec<NaiveDateTime> = Vec::new();
    let mut d = w.start.date();
    while midnight(d) < w.end {
        let next = d + Duration::days(1);
        cuts.push(midnight(next));
        if let Some(s) = schedule.start_of(next) {
            cuts.push(s);
        }
        d = next;
    }
    // The schedule intervals that meet the worked minutes (sorted, disjoint).
    let first = inside.partition_point(|(_, e)| *e <= w.start);
    let meeting = &inside[first..first + inside[first..].partition_point(|(s, _)| *s < w.end)];
    if own {
        for &(s, e) in meeting {
            cuts.extend([s, e]);
        }
    }
    cuts.retain(|c| w.start < *c && *c < w.end);
    cuts.push(w.end);
    cuts.sort_unstable();
    cuts.dedup();
    let mut at = w.start;
    for end in cuts {
        let calendar = at.date();
        let holiday = own && holidays.contains(&calendar);
        let sched = match w.source {
            Source::Own => meeting.iter().any(|(s, e)| *s <= at && end <= *e),
            Source::External { class, .. } => class == ScheduleClass::Scheduled,
        };
        out.push(Seg {
            start: at,
            end,
            day: if holiday {
                calendar
            } else {
                attribute(w.start_day, at, schedule)
            },
            start_day: w.start_day,
            holiday,
            source: w.source,
            sched,
            daily: 0,
            weekly: 0,
            period: 0,
        });
        at = end;
    }
}

/// A(t): the latest date D from the row's start day up to t's date that is
/// the start day, or a scheduled working day whose scheduled start is at or
/// before t (§5.1).
fn attribute(start_day: NaiveDate, t: NaiveDateTime, schedule: &Schedule) -> NaiveDate {
    let mut day = start_day;
    let mut d = start_day + Duration::days(1);
    while d <= t.date() {
        if schedule.start_of(d).is_some_and(|s| t >= s) {
            day = d;
        }
        d += Duration::days(1);
    }
    day
}
