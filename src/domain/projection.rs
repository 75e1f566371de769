//! Thresholds, the projection of the month's end, the date 100 h is reached
//! and the minute 100 h is reached (rules §7, §8; the deadlines are `due`).
//!
//! "As of" a date T means data through the end of T: actual rows starting on
//! or before T. Where the doctor has planned (roster) working rows after T in
//! the month, the month is computed on the actual rows followed by the planned
//! ones; otherwise the actual figure is extended linearly.

use super::agreement::{effective_level, year_figures, YearFigures, YearRun};
use super::count::{count, Counted, Inputs, Interval, MonthFigures};
use super::hours::{earliest_start_for, RuleConfig};
use super::profile::{Profile, RosterView};
use super::shift::{Kind, Level, Shift};
use super::time::{Minutes, YearMonth};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use super::count::{INTERVIEW_LINE, MEASURES_LINE};

/// How the month's end was projected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Actual rows through T, then the roster (勤務予定) after T.
    Roster,
    /// `actual × days_in_month ÷ day_index(T)`.
    Linear,
}

/// The flags of rules §7.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    pub over_100: bool,
    pub over_155: bool,
    pub projected_over_100: bool,
    pub projected_over_155: bool,
    pub watch: bool,
}

impl Flags {
    /// Applies the thresholds to the actual and projected figures.
    pub fn new(actual: Minutes, projected: Minutes, watch_minutes: Minutes) -> Flags {
        Flags {
            over_100: actual >= INTERVIEW_LINE,
            over_155: actual > MEASURES_LINE,
            projected_over_100: projected >= INTERVIEW_LINE,
            projected_over_155: projected > MEASURES_LINE,
            watch: actual >= watch_minutes || projected >= watch_minutes,
        }
    }
}

/// Who is counted, and what is stored about them besides the rows.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub profile: &'a Profile,
    /// The roster as stored now (the schedule where it covers a day, §2.1).
    pub roster: &'a RosterView,
    /// The roster as published at each 変形 period's first day (§5a.2).
    pub published: &'a [(NaiveDate, RosterView)],
    /// Permit occurrences matching the doctor (§13.2); `None`: register off.
    pub permitted: Option<&'a [Interval]>,
}

impl Subject<'_> {
    fn count(&self, rows: &[Shift], cfg: &RuleConfig) -> Counted {
        count(
            Inputs {
                rows,
                profile: self.profile,
                roster: self.roster,
                published: self.published,
                permitted: self.permitted,
            },
            cfg,
        )
    }
}

/// A doctor's month as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    /// The as-of date, clamped into the month.
    pub as_of: NaiveDate,
    pub actual: MonthFigures,
    pub projected_overtime_holiday_minutes: Minutes,
    pub method: Method,
    pub flags: Flags,
    /// The first day whose running total reaches 6000 minutes.
    pub reach_100_date: Option<NaiveDate>,
    /// The end of the actual month's 6000th combined minute (rules §8.2);
    /// `None` while the actual month is below 6000.
    pub reach_100_at: Option<NaiveDateTime>,
    /// `run(k)` along the projection, index k−1 (§8).
    pub running: Vec<Minutes>,
    /// The effective level on the month's first day and whether a
    /// designation covers it (§7.2).
    pub effective_level: Level,
    pub level_designated: bool,
    /// The agreement year to the as-of date (§7.7).
    pub year: YearFigures,
}

/// Planned rows after T, each trimmed where an actual row holds its
/// minutes (readings 8: the actual row keeps the minute).
fn after_actual(planned: &[&Shift], actual: &[Shift]) -> Vec<Shift> {
    let covered_until = actual.iter().map(|a| a.rounded_end()).max();
    planned
        .iter()
        .filter_map(|p| match covered_until {
            Some(c) if p.rounded_start() < c && actual.iter().any(|a| a.overlaps(p)) => {
                if c >= p.rounded_end() {
                    return None;
                }
                let span = (p.rounded_end() - c).num_minutes();
                Shift::new(c, p.end(), p.break_minutes().min(span), p.kind())
                    .ok()
                    .map(|s| {
                        s.with_study(p.study())
                            .with_employer(p.employer())
                            .with_class(p.schedule_class())
                    })
            }
            _ => Some((*p).clone()),
        })
        .collect()
}

/// Projects a doctor's month as of `as_of` (clamped into the month).
///
/// `actual` holds the doctor's timecard rows that can touch the month and
/// its agreement year (see [`super::count`]); rows starting after the as-of
/// date are left out here. `roster` holds the doctor's planned rows; only
/// those starting after the as-of date are used.
pub fn project(
    actual: &[Shift],
    roster: &[Shift],
    who: Subject,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Projection {
    project_at(actual, roster, who, month, month.clamp(as_of), cfg)
}

/// As [`project`], as of `t` itself: the day before the month's first day
/// too (the roster check of a month not started, rules §15.1), when nothing
/// of the month is actual and every planned row of the month is used.
pub fn project_at(
    actual: &[Shift],
    roster: &[Shift],
    who: Subject,
    month: YearMonth,
    t: NaiveDate,
    cfg: &RuleConfig,
) -> Projection {
    let known: Vec<Shift> = actual.iter().filter(|s| s.start_date() <= t).cloned().collect();
    let planned: Vec<&Shift> = roster
        .iter()
        .filter(|s| s.start_date() > t && month.contains(s.start_date()))
        .collect();
    let counted = who.count(&known, cfg);
    let actual_figures = counted.month(&known, who.profile, month, &cfg.agreement);
    let actual_total = actual_figures.overtime_holiday_minutes;
    let reach_100_at = actual_figures.reach_100_at.filter(|_| actual_total >= INTERVIEW_LINE);

    let has_plan = planned
        .iter()
        .any(|s| matches!(s.kind(), Kind::Work | Kind::Duty | Kind::External));
    let (method, projected, running) = if has_plan {
        // Only the month's figures are wanted of the projected count: the
        // rows that can change them are enough (not the year's).
        let from = earliest_start_for(month.first_day(), cfg);
        let mut rows: Vec<Shift> = known.iter().filter(|s| s.start() >= from).cloned().collect();
        rows.extend(after_actual(&planned, &known));
        let f = who.count(&rows, cfg).month(&rows, who.profile, month, &cfg.agreement);
        (Method::Roster, f.overtime_holiday_minutes, f.running)
    } else {
        // Before the month (t = its first day − 1) nothing is known of it.
        let day_t = ((t - month.first_day()).num_days() + 1).max(1);
        let running = (1..=month.days())
            .map(|k| {
                if k <= day_t {
                    actual_figures.running.get(k as usize - 1).copied().unwrap_or(0)
                } else {
                    actual_total * k / day_t
                }
            })
            .collect();
        (Method::Linear, actual_total * month.days() / day_t, running)
    };

    let (effective, designated) = effective_level(who.profile.level, &cfg.designated_levels, month.first_day());
    let year = year_of(&counted, who.profile, t, cfg);
    let reach_100_date = reach_date(&running, month, INTERVIEW_LINE);
    Projection {
        reach_100_at,
        as_of: t,
        flags: Flags::new(actual_total, projected, cfg.watch_minutes),
        actual: actual_figures,
        projected_overtime_holiday_minutes: projected,
        method,
        reach_100_date,
        running,
        effective_level: effective,
        level_designated: designated,
        year,
    }
}

/// The agreement year containing `t`, to `t` (rules §7.3, §7.4, §7.7).
fn year_of(counted: &Counted, profile: &Profile, t: NaiveDate, cfg: &RuleConfig) -> YearFigures {
    let (first, last) = cfg.calendar.year_of(t);
    // Each day's minutes from `first` to `t`, then their running total.
    let n = usize::try_from((t - first).num_days() + 1).unwrap_or(0);
    let mut combined = vec![0; n];
    let mut own = vec![0; n];
    let mut own_overtime = 0;
    for s in counted.segs.iter().filter(|s| first <= s.day && s.day <= t) {
        let i = (s.day - first).num_days() as usize;
        let m = if s.holiday { s.minutes() } else { s.overtime() };
        combined[i] += m;
        if s.own() {
            own[i] += m;
            if !s.holiday {
                own_overtime += m;
            }
        }
    }
    let cumulative = |mut by_day: Vec<Minutes>| -> Vec<Minutes> {
        let mut run = 0;
        for m in &mut by_day {
            run += *m;
            *m = run;
        }
        by_day
    };
    let (combined, own) = (cumulative(combined), cumulative(own));
    let days = (last - first).num_days() + 1;
    let (level, _) = effective_level(profile.level, &cfg.designated_levels, first);
    year_figures(
        YearRun {
            first_day: first,
            days,
            actual: &combined,
        },
        YearRun {
            first_day: first,
            days,
            actual: &own,
        },
        own_overtime,
        level,
        &cfg.agreement,
    )
}

/// The first day of the month whose running total is at least `line`.
fn reach_date(running: &[Minutes], month: YearMonth, line: Minutes) -> Option<NaiveDate> {
    let k = running.iter().position(|r| *r >= line)?;
    Some(month.first_day() + Duration::days(k as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::shift::Kind;
    use crate::domain::time::ClockReading;
    use chrono::Datelike;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn work(date: &str, clock_in: &str, clock_out: &str, brk: Minutes) -> Shift {
        let c = |s: &str| ClockReading::parse(s).unwrap();
        Shift::from_written(d(date), c(clock_in), c(clock_out), None, brk, Kind::Work).unwrap()
    }
    fn doctor() -> Subject<'static> {
        static PROFILE: std::sync::LazyLock<Profile> = std::sync::LazyLock::new(Profile::default);
        static ROSTER: std::sync::LazyLock<RosterView> = std::sync::LazyLock::new(RosterView::default);
        Subject {
            profile: &PROFILE,
            roster: &ROSTER,
            published: &[],
            permitted: Some(&[]),
        }
    }
    fn june() -> YearMonth {
        YearMonth::parse("2024-06").unwrap()
    }
    /// Weekdays of June 2024 from the 3rd to `last`, 08:00–22:00 with a 60 min
    /// break: 780 minutes a day, 300 of them daily overtime (regular 480 a
    /// day reaches 40 h on Friday exactly, so no weekly overtime).
    fn long_weekdays(last: u32) -> Vec<Shift> {
        (3..=last)
            .map(|day| NaiveDate::from_ymd_opt(2024, 6, day).unwrap())
            .filter(|d| d.weekday().num_days_from_monday() < 5)
            .map(|d| work(&d.to_string(), "08:00", "22:00", 60))
            .collect()
    }

    #[test]
    fn thresholds_use_100_hours_inclusive_and_155_hours_exclusive() {
        assert!(Flags::new(6000, 0, 4800).over_100);
        assert!(!Flags::new(5999, 0, 4800).over_100);
        assert!(!Flags::new(9300, 0, 4800).over_155);
        assert!(Flags::new(9301, 0, 4800).over_155);
        assert!(Flags::new(0, 9301, 4800).projected_over_155);
        assert!(!Flags::new(0, 9300, 4800).projected_over_155);
        assert!(Flags::new(0, 6000, 4800).projected_over_100);
        assert!(Flags::new(0, 4800, 4800).watch);
        assert!(Flags::new(4800, 0, 4800).watch);
        assert!(!Flags::new(4799, 4799, 4800).watch);
    }

    #[test]
    fn without_a_roster_the_month_is_extended_linearly_rounding_down() {
        // As of Fri 14 June: 10 weekdays × 300 = 3000 actual.
        // Projected 3000 × 30 ÷ 14 = 6428 (rounded down).
        let p = project(
            &long_weekdays(30),
            &[],
            doctor(),
            june(),
            d("2024-06-14"),
            &RuleConfig::default(),
        );
        assert_eq!(p.method, Method::Linear);
        assert_eq!(p.actual.overtime_holiday_minutes, 3000);
        assert_eq!(p.projected_overtime_holiday_minutes, 6428);
        assert!(p.flags.projected_over_100 && !p.flags.over_100 && p.flags.watch);
        // run(k) = 3000 × k ÷ 14 ≥ 6000 first at k = 28.
        assert_eq!(p.reach_100_date, Some(d("2024-06-28")));
    }

    #[test]
    fn rows_after_the_as_of_date_are_not_counted_as_actual() {
        let p = project(
            &long_weekdays(30),
            &[],
            doctor(),
            june(),
            d("2024-06-04"),
            &RuleConfig::default(),
        );
        assert_eq!(p.actual.overtime_holiday_minutes, 600);
        // 600 × 30 ÷ 4 = 4500.
        assert_eq!(p.projected_overtime_holiday_minutes, 4500);
        assert_eq!(p.reach_100_date, None);
    }

    #[test]
    fn with_a_roster_the_projection_follows_the_plan_after_the_as_of_date() {
        // Actual through Fri 14 June (3000). The roster plans the same long
        // days for the rest of the month; a roster row on the 14th itself is
        // ignored (planned rows on or before T never count).
        let actual = long_weekdays(14);
        let mut roster = long_weekdays(30);
        roster.push(work("2024-06-14", "22:00", "23:00", 0));
        let p = project(
            &actual,
            &roster,
            doctor(),
            june(),
            d("2024-06-14"),
            &RuleConfig::default(),
        );
        assert_eq!(p.method, Method::Roster);
        // 20 weekdays in 3–28 June × 300 = 6000.
        assert_eq!(p.projected_overtime_holiday_minutes, 6000);
        assert_eq!(p.actual.overtime_holiday_minutes, 3000);
        // 6000 is reached on Fri 28 June, the last planned weekday.
        assert_eq!(p.reach_100_date, Some(d("2024-06-28")));
        assert!(p.flags.projected_over_100 && !p.flags.projected_over_155);
    }

    #[test]
    fn a_roster_with_no_working_rows_after_the_as_of_date_falls_back_to_linear() {
        let roster = vec![Shift::new(
            d("2024-06-20").and_hms_opt(9, 0, 0).unwrap(),
            d("2024-06-20").and_hms_opt(12, 0, 0).unwrap(),
            0,
            Kind::SelfStudy,
        )
        .unwrap()];
        let p = project(
            &long_weekdays(14),
            &roster,
            doctor(),
            june(),
            d("2024-06-14"),
            &RuleConfig::default(),
        );
        assert_eq!(p.method, Method::Linear);
    }

    #[test]
    fn an_as_of_date_outside_the_month_is_clamped_into_it() {
        let after = project(
            &long_weekdays(30),
            &[],
            doctor(),
            june(),
            d("2024-07-10"),
            &RuleConfig::default(),
        );
        assert_eq!(after.as_of, d("2024-06-30"));
        // 20 weekdays × 300 = 6000 actual; linear over the whole month = actual.
        assert_eq!(after.actual.overtime_holiday_minutes, 6000);
        assert_eq!(after.projected_overtime_holiday_minutes, 6000);
        assert!(after.flags.over_100);
        assert_eq!(after.reach_100_date, Some(d("2024-06-28")));
        let before = project(
            &long_weekdays(30),
            &[],
            doctor(),
            june(),
            d("2024-05-10"),
            &RuleConfig::default(),
        );
        assert_eq!(before.as_of, d("2024-06-01"));
        assert_eq!(before.actual.overtime_holiday_minutes, 0);
    }

    #[test]
    fn the_linear_running_total_is_actual_through_the_as_of_day_then_scaled() {
        // Sat 1 June 00:00 → Mon 3 June 00:00 (48 h) for a Sunday-holiday
        // doctor: Saturday keeps 24 h (960 daily overtime), Sunday's 24 h are
        // holiday work: 2400 actual as of the 1st, though 1440 fall on the 2nd.
        let rows = [Shift::new(
            d("2024-06-01").and_hms_opt(0, 0, 0).unwrap(),
            d("2024-06-03").and_hms_opt(0, 0, 0).unwrap(),
            0,
            Kind::Work,
        )
        .unwrap()];
        let p = project(&rows, &[], doctor(), june(), d("2024-06-01"), &RuleConfig::default());
        assert_eq!(p.actual.overtime_holiday_minutes, 960 + 1440);
        assert_eq!(p.projected_overtime_holiday_minutes, 2400 * 30);
        // run(1) = 960; run(k) = 2400 × k for k > 1: 6000 first reached at k = 3.
        assert_eq!(p.reach_100_date, Some(d("2024-06-03")));
    }
}
