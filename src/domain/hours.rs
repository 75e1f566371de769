//! Hospital-wide settings of the rule book (rules §2.1, §5–§7, §9, §10,
//! §18) and the calendar week. The counting itself is `count`.

use super::agreement::{AgreementCalendar, AgreementLimits, Designation};
use super::profile::{HolidayStartTail, WeekdaySet};
use super::time::{midnight, Minutes};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use std::collections::BTreeSet;

/// 8 hours: the daily limit of 労基法32条.
pub const DAILY_LIMIT: Minutes = 480;
/// 40 hours: the weekly limit of 労基法32条.
pub const WEEKLY_LIMIT: Minutes = 2400;

/// Hospital-wide settings the rules depend on (config file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleConfig {
    /// First day of the calendar week for weekly overtime (default Sunday).
    pub week_start: Weekday,
    /// Early-warning level on overtime + holiday minutes (default 4800 = 80 h).
    pub watch_minutes: Minutes,
    /// Uncovered PC minutes a day above which the day is a discrepancy (default 30).
    pub discrepancy_minutes: Minutes,
    /// The hospital's scheduled start (所定始業, default 08:30).
    pub scheduled_start: NaiveTime,
    /// A-level grace after reaching 100 h, in days (default 7).
    pub a_level_grace_days: i64,
    /// How long working-time records are kept (rules §10).
    pub retention: super::retention::WorkRetention,
    /// The default schedule's end (所定終業, default 17:15; rules §2.1).
    pub scheduled_end: NaiveTime,
    /// The default schedule's days (default Monday to Friday; §2.1).
    pub scheduled_days: WeekdaySet,
    /// Dates on which the default schedule has no work (祝日, 年末年始; §2.1).
    pub scheduled_closed_dates: BTreeSet<NaiveDate>,
    /// How a holiday-started 勤務's own tail is counted (§5.1).
    pub holiday_start_tail: HolidayStartTail,
    /// Where agreement months and years start (§6.1).
    pub calendar: AgreementCalendar,
    /// 特定労務管理対象機関 designations (§7.2).
    pub designated_levels: Vec<Designation>,
    /// The 36協定's figures (§7.3–§7.5).
    pub agreement: AgreementLimits,
    /// PC minutes a day inside 研鑽 or permitted duty above which the day is
    /// a review item (default 30; §9).
    pub pc_review_minutes: Minutes,
    /// The hospital's normal weekly hours for doctors (default 2400; §18).
    pub staffing_weekly_minutes: Minutes,
    /// Whether permitted duty is read against the permits register (§13.2).
    pub permits_register: super::permits::PermitsRegister,
    /// 宿直 per calendar week before a warning (default 1; §13.4).
    pub permitted_night_duty_per_week: i64,
    /// 日直 per calendar month before a warning (default 1; §13.4).
    pub permitted_day_duty_per_month: i64,
    /// A gap of this many minutes or more ends a work period (default 60; §14.1).
    pub break_period_gap_minutes: Minutes,
    /// Rest between shifts (§11.1): from when, and for level A.
    pub rest: super::rest::RestConfig,
    /// Days before a 代償休息 falls due when the manager is reminded
    /// (default 7; §11.12).
    pub comp_rest_reminder_days: i64,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            week_start: Weekday::Sun,
            watch_minutes: 4800,
            discrepancy_minutes: 30,
            scheduled_start: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN),
            a_level_grace_days: 7,
            retention: super::retention::WorkRetention::default(),
            scheduled_end: NaiveTime::from_hms_opt(17, 15, 0).unwrap_or(NaiveTime::MIN),
            scheduled_days: WeekdaySet::MON_FRI,
            scheduled_closed_dates: BTreeSet::new(),
            holiday_start_tail: HolidayStartTail::Separate,
            calendar: AgreementCalendar::default(),
            designated_levels: Vec::new(),
            agreement: AgreementLimits::default(),
            pc_review_minutes: 30,
            staffing_weekly_minutes: 2400,
            permits_register: super::permits::PermitsRegister::Required,
            permitted_night_duty_per_week: 1,
            permitted_day_duty_per_month: 1,
            break_period_gap_minutes: 60,
            rest: super::rest::RestConfig::default(),
            comp_rest_reminder_days: 7,
        }
    }
}

/// The first day of the calendar week that contains `d`.
pub fn week_start_of(d: NaiveDate, week_start: Weekday) -> NaiveDate {
    let back = (7 + d.weekday().num_days_from_sunday() - week_start.num_days_from_sunday()) % 7;
    d - Duration::days(i64::from(back))
}

/// The earliest row start that can change the figures of the agreement
/// year containing `as_of` and of its months: the year's first calendar
/// week, a 変形 period of up to 31 days reaching into it, and two days
/// before that for rows of up to 48 h.
pub fn earliest_relevant_start(as_of: NaiveDate, cfg: &RuleConfig) -> NaiveDateTime {
    let (first, _) = cfg.calendar.year_of(as_of);
    earliest_start_for(first, cfg)
}

/// The earliest row start that can change the figures of the days from
/// `first` on: the calendar week of `first`, a 変形 period (up to 31 days)
/// or a 4週4休 unit (28 days) reaching into it, and two days before that
/// for rows of up to 48 h.
pub fn earliest_start_for(first: NaiveDate, cfg: &RuleConfig) -> NaiveDateTime {
    midnight(week_start_of(first, cfg.week_start) - Duration::days(33))
}
