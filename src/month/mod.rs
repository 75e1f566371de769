//! The month, computed: the one stage between the stored rows and every
//! reader of a doctor's figures (rules §2–§9). [`rows`] loads what is stored
//! about one doctor, some or all doctors for a month as of a date, in a few
//! queries over the month's window (timecard, roster, PC sessions,
//! discrepancy and PC review resolutions); [`compute`] applies the rule
//! book (`domain`) to one doctor's rows; [`monthly`] is the monthly report of formats.md
//! (`report monthly`), every doctor's line; [`cache`] keeps that report per
//! month, as-of day and data version, for every reader (the API, the
//! screens, the jobs).
//!
//! A reader of one doctor loads that doctor only ([`rows::load_rows_of`]
//! with its id); a reader of the hospital takes the cached report.

pub mod cache;
pub mod rest;
pub mod roster_check;
pub mod rows;

pub use rows::{load_rows, load_rows_of, DoctorRows};

use crate::db::models::{CorruptRow, Doctor};
use crate::db::{AnyConnection, DbError};
use crate::domain::agreement::YearFigures;
use crate::domain::breaks::{work_periods, WorkPeriod};
use crate::domain::count::VariablePeriodInfo;
use crate::domain::discrepancy::{
    classify, discrepancy_days_of, review_items_of, Coverage, DiscrepancyDay, ReviewItem,
};
use crate::domain::due::{end_of, of_month, Exception, MonthDue};
use crate::domain::duties::{counting_from, duties, warnings, Duty, DutyMonth, DutyWarning, Limits};
use crate::domain::hours::RuleConfig;
use crate::domain::permits::PermitsRegister;
use crate::domain::profile::Profile;
use crate::domain::projection::{project, Projection, Subject};
use crate::domain::shift::{Level, Shift};
use crate::domain::time::{Minutes, YearMonth};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
    #[error("月次報告をJSONにできません: {0} / the report cannot be written as JSON")]
    Json(#[from] serde_json::Error),
}

impl From<diesel::result::Error> for ReportError {
    fn from(e: diesel::result::Error) -> Self {
        ReportError::Db(DbError::Query(e))
    }
}

/// The report as formats.md prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    pub month: String,
    /// The agreement month's first and last day (rules §6.1).
    pub month_first_day: NaiveDate,
    pub month_last_day: NaiveDate,
    pub as_of: NaiveDate,
    /// Config `permits_register` (rules §13.2, formats.md R.7).
    pub permits_register: PermitsRegister,
    pub doctors: Vec<DoctorMonth>,
}

/// One doctor's line of the report. Field names are a stable interface
/// (formats.md; the totals are the combined figures, rules §5b.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DoctorMonth {
    pub staff_id: String,
    pub name: String,
    pub level: String,
    pub effective_level: String,
    pub level_designated: bool,
    pub employment_type: &'static str,
    pub main_employer: Option<String>,
    pub holiday_rule: &'static str,
    pub regime: &'static str,
    pub variable_period: Option<VariablePeriodInfo>,
    pub total_work_minutes: Minutes,
    pub own_total_work_minutes: Minutes,
    pub overtime_minutes: Minutes,
    pub own_overtime_minutes: Minutes,
    pub external_overtime_minutes: Minutes,
    pub daily_overtime_minutes: Minutes,
    pub weekly_overtime_minutes: Minutes,
    pub period_overtime_minutes: Minutes,
    pub holiday_minutes: Minutes,
    pub holiday_days: i64,
    pub holiday_dates: Vec<NaiveDate>,
    pub rest_days_short: bool,
    pub overtime_holiday_minutes: Minutes,
    pub own_overtime_holiday_minutes: Minutes,
    pub projected_overtime_holiday_minutes: Minutes,
    pub self_study_minutes: Minutes,
    pub self_study_counted_minutes: Minutes,
    pub self_study_excluded_minutes: Minutes,
    pub self_study_unconfirmed_rows: i64,
    pub external_minutes: Minutes,
    pub external_not_reported: bool,
    pub duty_permitted_minutes: Minutes,
    pub duty_outside_permit_minutes: Minutes,
    /// Rules §13.4–§13.5, duties dated in the month (formats.md R.7).
    pub permitted_night_duties: i64,
    pub permitted_day_duties: i64,
    pub permitted_duties_with_work: i64,
    pub work_minutes_in_permitted_duty: Minutes,
    pub permitted_duty_warnings: i64,
    /// Rules §14: work periods with a shortfall, starting in the month.
    pub break_shortfalls: usize,
    /// Rules §11 (formats.md R.7): shortfall records whose window starts in
    /// the month, and the 代償休息 ledger's month figures.
    pub rest_planned_shortfalls: usize,
    pub rest_actual_shortfalls: usize,
    pub comp_rest_arose_minutes: Minutes,
    pub comp_rest_granted_minutes: Minutes,
    pub comp_rest_open_minutes: Minutes,
    pub comp_rest_overdue_minutes: Minutes,
    pub consideration_open_minutes: Minutes,
    pub over_100: bool,
    pub over_155: bool,
    pub projected_over_100: bool,
    pub projected_over_155: bool,
    pub watch: bool,
    pub reach_100_date: Option<NaiveDate>,
    /// `YYYY-MM-DDTHH:MM` (rules §8.2).
    #[serde(serialize_with = "crate::domain::due::minute")]
    pub reach_100_at: Option<NaiveDateTime>,
    /// The planning deadline (rules §8.3).
    pub interview_deadline: Option<NaiveDate>,
    pub a_level_exception: Exception,
    pub interview_in_time: Option<bool>,
    pub monthly_100h_violation_from: Option<NaiveDate>,
    pub past_planning_deadline: bool,
    pub special_clause_month: bool,
    pub special_month_exceeded: bool,
    pub holiday_days_exceeded: bool,
    pub late_night_minutes: Minutes,
    pub overtime_over_60h_minutes: Minutes,
    pub anei_total_minutes: Minutes,
    pub anei_excess_minutes: Minutes,
    pub anei_over_80: bool,
    pub open_discrepancies: usize,
    pub open_pc_reviews: usize,
    pub year: YearFigures,
}

/// The column order of the CSV form: the JSON field names, the `year`
/// object's as `year_<name>` and `variable_period`'s as
/// `variable_period_<name>` (formats.md C.6).
pub const CSV_COLUMNS: [&str; 86] = [
    "staff_id",
    "name",
    "level",
    "effective_level",
    "level_designated",
    "employment_type",
    "main_employer",
    "holiday_rule",
    "regime",
    "variable_period_first_day",
    "variable_period_last_day",
    "variable_period_cap_minutes",
    "variable_period_scheduled_minutes",
    "variable_period_valid",
    "variable_period_reason",
    "total_work_minutes",
    "own_total_work_minutes",
    "overtime_minutes",
    "own_overtime_minutes",
    "external_overtime_minutes",
    "daily_overtime_minutes",
    "weekly_overtime_minutes",
    "period_overtime_minutes",
    "holiday_minutes",
    "holiday_days",
    "holiday_dates",
    "rest_days_short",
    "overtime_holiday_minutes",
    "own_overtime_holiday_minutes",
    "projected_overtime_holiday_minutes",
    "self_study_minutes",
    "self_study_counted_minutes",
    "self_study_excluded_minutes",
    "self_study_unconfirmed_rows",
    "external_minutes",
    "external_not_reported",
    "duty_permitted_minutes",
    "duty_outside_permit_minutes",
    "permitted_night_duties",
    "permitted_day_duties",
    "permitted_duties_with_work",
    "work_minutes_in_permitted_duty",
    "permitted_duty_warnings",
    "break_shortfalls",
    "rest_planned_shortfalls",
    "rest_actual_shortfalls",
    "comp_rest_arose_minutes",
    "comp_rest_granted_minutes",
    "comp_rest_open_minutes",
    "comp_rest_overdue_minutes",
    "consideration_open_minutes",
    "over_100",
    "over_155",
    "projected_over_100",
    "projected_over_155",
    "watch",
    "reach_100_date",
    "reach_100_at",
    "interview_deadline",
    "a_level_exception",
    "interview_in_time",
    "monthly_100h_violation_from",
    "past_planning_deadline",
    "special_clause_month",
    "special_month_exceeded",
    "holiday_days_exceeded",
    "late_night_minutes",
    "overtime_over_60h_minutes",
    "anei_total_minutes",
    "anei_excess_minutes",
    "anei_over_80",
    "open_discrepancies",
    "open_pc_reviews",
    "year_first_day",
    "year_overtime_holiday_minutes",
    "year_own_overtime_holiday_minutes",
    "year_own_overtime_minutes",
    "year_projected_overtime_holiday_minutes",
    "year_own_projected_overtime_holiday_minutes",
    "year_cap_minutes",
    "year_own_cap_minutes",
    "year_cap_exceeded",
    "year_own_cap_exceeded",
    "year_cap_exceed_date",
    "year_own_cap_exceed_date",
    "year_general_year_exceeded",
];

/// One doctor's computed month, with the details screens need.
#[derive(Debug, Clone)]
pub struct DoctorComputation {
    pub projection: Projection,
    /// The interview's timeliness (rules §8.3–§8.5) as of the end of the day.
    pub due: MonthDue,
    pub discrepancies: Vec<DiscrepancyDay>,
    pub open_discrepancies: usize,
    /// The doctor as the rules saw them (rules v2 §2.1, §4.1, §5a, §5b).
    pub profile: Profile,
    /// What the month's PC use is checked against (rules §9).
    pub coverage: Coverage,
    /// PC use inside 研鑽 or permitted duty over the review line (§9).
    pub review_items: Vec<ReviewItem>,
    /// The review items not resolved yet.
    pub open_pc_reviews: usize,
    /// Permitted 宿直・日直 from the start of the month's first calendar
    /// week to the as-of date, and their frequency warnings (rules §13.4).
    pub duties: Vec<Duty>,
    pub duty_warnings: Vec<DutyWarning>,
    /// The month's figures of them (§13.5).
    pub duty_month: DutyMonth,
    /// §14 work periods with a shortfall, starting in the month.
    pub break_shortfalls: Vec<WorkPeriod>,
    /// Rest between shifts and 代償休息 (§11); `None` where §11 does not
    /// apply.
    pub rest: Option<rest::RestComputation>,
}

/// The coverage of a doctor's timecard rows (rules §9) with the doctor's
/// schedule and permits: the one coverage every reader of PC logs uses.
pub fn coverage(covering: &[Shift], who: &Subject, cfg: &RuleConfig) -> Coverage {
    crate::domain::count::coverage(
        crate::domain::count::Inputs {
            rows: covering,
            profile: who.profile,
            roster: who.roster,
            published: who.published,
            permitted: who.permitted,
        },
        cfg,
    )
}

/// The coverage of one doctor's rows around a day, with the schedule and
/// permits stored for the doctor (a resolution of that day).
pub fn coverage_of_day(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    covering: &[Shift],
    day: NaiveDate,
    cfg: &RuleConfig,
) -> Result<Coverage, ReportError> {
    let month = cfg.calendar.month_of(day);
    let (_, mut rows) = load_rows_of(conn, Some(&[doctor.id]), month, day, cfg)?;
    let rows = rows.remove(&doctor.id).unwrap_or_default();
    let profile = doctor.profile(cfg, rows.profile_employers.clone());
    let who = Subject {
        profile: &profile,
        roster: &rows.schedule_roster,
        published: &rows.published,
        permitted: rows.permitted(),
    };
    Ok(coverage(covering, &who, cfg))
}

/// Applies the rule book to one doctor's rows (pure).
pub fn compute(
    rows: &DoctorRows,
    doctor: &Doctor,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> DoctorComputation {
    let month = cfg.calendar.month(month);
    let profile = doctor.profile(cfg, rows.profile_employers.clone());
    let who = Subject {
        profile: &profile,
        roster: &rows.schedule_roster,
        published: &rows.published,
        permitted: rows.permitted(),
    };
    let projection = project(&rows.timecard, &rows.roster, who, month, as_of, cfg);
    let t = projection.as_of;
    let covering: Vec<Shift> = rows.timecard.iter().filter(|s| s.start_date() <= t).cloned().collect();
    let coverage = coverage(&covering, &who, cfg);
    let pc = if rows.pc_around.is_empty() {
        std::borrow::Cow::Borrowed(&rows.pc)
    } else {
        std::borrow::Cow::Owned(rows.pc_for_coverage())
    };
    // One classification of the PC use (rules §9) for both counts.
    let pieces = classify(&pc, &coverage);
    let discrepancies = discrepancy_days_of(&pieces, month.first_day(), t, cfg.discrepancy_minutes);
    let review_items = review_items_of(&pieces, month.first_day(), t, cfg.pc_review_minutes);
    let open_discrepancies = discrepancies
        .iter()
        .filter(|d| !rows.resolved_days.contains(&d.date))
        .count();
    let end_of_t = end_of(t);
    let due = of_month(
        doctor.level() == Level::A,
        projection.reach_100_date,
        projection.reach_100_at,
        &rows.prechecks,
        rows.held.map(|h| (h.on, h.at)),
        end_of_t,
        cfg.a_level_grace_days,
    );
    let open_pc_reviews = review_items
        .iter()
        .filter(|i| !rows.resolved_reviews.contains(&(i.date, i.kind)))
        .count();
    let (duties, duty_warnings, duty_month, break_shortfalls) =
        duties_and_breaks(rows, doctor, &covering, month, t, cfg);
    let rest = rest::compute(
        rest::Who {
            doctor: crate::domain::rest::RestDoctor {
                staff_id: doctor.staff_id.clone(),
                level: doctor.level(),
                clinical_trainee: doctor.is_clinical_trainee(),
            },
            profile: &profile,
            schedule_roster: &rows.schedule_roster,
            published: &rows.published,
            timecard: &rows.timecard,
            permits_on: !rows.permits_off,
        },
        &rows.rest,
        (month.first_day(), month.last_day()),
        t,
        cfg,
    );
    DoctorComputation {
        rest,
        duties,
        duty_warnings,
        duty_month,
        break_shortfalls,
        open_pc_reviews,
        review_items,
        coverage,
        profile: profile.clone(),
        due,
        projection,
        discrepancies,
        open_discrepancies,
    }
}

/// Permitted duty (rules §13.4–§13.5) and breaks (§14) of the rows starting
/// on or before the as-of date `t`: the duties from the start of the
/// month's first calendar week (so the week's count is whole), the month's
/// figures and the work periods short of break that start in the month.
/// With the permits register off no duty is dated (no permit names one).
fn duties_and_breaks(
    rows: &DoctorRows,
    doctor: &Doctor,
    covering: &[Shift],
    month: YearMonth,
    t: NaiveDate,
    cfg: &RuleConfig,
) -> (Vec<Duty>, Vec<DutyWarning>, DutyMonth, Vec<WorkPeriod>) {
    let (first, last) = (month.first_day(), month.last_day().min(t));
    let from = counting_from(first, cfg.week_start);
    let recent: Vec<Shift> = covering
        .iter()
        .filter(|s| s.start_date() >= from - chrono::Duration::days(2))
        .cloned()
        .collect();
    let found = if rows.permits_off {
        Vec::new()
    } else {
        duties(&recent, &rows.permits, doctor.department.as_deref(), from, last)
    };
    let warned = warnings(
        &found,
        Limits {
            week_start: cfg.week_start,
            nights_per_week: cfg.permitted_night_duty_per_week,
            days_per_month: cfg.permitted_day_duty_per_month,
        },
    );
    let figures = DutyMonth::of(&found, &warned, first, last);
    let short = work_periods(&recent, rows.permitted(), cfg.break_period_gap_minutes)
        .into_iter()
        .filter(|p| p.short() && first <= p.date && p.date <= last)
        .collect();
    (found, warned, figures, short)
}

/// One doctor's rows for a month as of a date, loaded (that doctor's only)
/// and computed.
pub fn compute_one(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    d: &Doctor,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<(DoctorRows, DoctorComputation), ReportError> {
    let month = rules.calendar.month(month);
    let (_, mut rows) = load_rows_of(conn, Some(&[d.id]), month, as_of, rules)?;
    let rows = rows.remove(&d.id).unwrap_or_default();
    let c = compute(&rows, d, month, as_of, rules);
    Ok((rows, c))
}

/// Builds the monthly report.
pub fn monthly(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<MonthlyReport, ReportError> {
    monthly_on(conn, Vec::new(), month, as_of, cfg)
}

/// As [`monthly`], reading on `spare` connections too (see
/// [`rows::load_rows_on`]).
pub fn monthly_on(
    conn: &mut AnyConnection,
    spare: Vec<&mut AnyConnection>,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<MonthlyReport, ReportError> {
    let month = cfg.calendar.month(month);
    let t = month.clamp(as_of);
    Ok(MonthlyReport::of(
        month,
        t,
        cfg.permits_register,
        &compute_all_on(conn, spare, month, t, cfg)?,
    ))
}

/// Every doctor's month as of a date (clamped into the month), computed:
/// what the monthly report's lines and the jobs are made of.
pub fn compute_all(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<Vec<(Doctor, DoctorComputation)>, ReportError> {
    compute_all_on(conn, Vec::new(), month, as_of, cfg)
}

/// As [`compute_all`]; with `spare` connections the rows are read on all
/// of them at once (see [`rows::load_rows_on`]).
pub fn compute_all_on(
    conn: &mut AnyConnection,
    spare: Vec<&mut AnyConnection>,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<Vec<(Doctor, DoctorComputation)>, ReportError> {
    let month = cfg.calendar.month(month);
    let t = month.clamp(as_of);
    let (doctors, mut rows) = rows::load_rows_on(conn, spare, None, month, t, cfg)?;
    let work: Vec<(Doctor, DoctorRows)> = doctors
        .into_iter()
        .map(|d| {
            let r = rows.remove(&d.id).unwrap_or_default();
            (d, r)
        })
        .collect();
    Ok(in_parallel(work, |(d, r)| {
        let c = compute(&r, &d, month, t, cfg);
        (d, c)
    }))
}

/// `f` applied to every item, in order, on the machine's cores: each
/// doctor's computation is pure and independent of the others', and a
/// month of a large hospital is CPU-bound once its rows are read. The items
/// go in small batches to whichever thread is free, so that no core waits
/// at the end for another's heavier share (doctors' months differ much).
fn in_parallel<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    // Below this many items a thread costs more than it saves.
    const SMALL: usize = 64;
    if threads < 2 || items.len() < SMALL {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads * 16);
    let mut batches: Vec<(usize, Vec<T>)> = Vec::new();
    let mut items = items.into_iter();
    loop {
        let batch: Vec<T> = items.by_ref().take(per).collect();
        if batch.is_empty() {
            break;
        }
        batches.push((batches.len(), batch));
    }
    let queue = std::sync::Mutex::new(batches.into_iter());
    let next = || queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next();
    let f = &f;
    let mut done: Vec<(usize, Vec<U>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    while let Some((i, batch)) = next() {
                        out.push((i, batch.into_iter().map(f).collect::<Vec<U>>()));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, out)| out).collect()
}

/// The report line of a computed doctor.
pub fn line(d: &Doctor, c: &DoctorComputation) -> DoctorMonth {
    let p = &c.projection;
    let a = &p.actual;
    let rest_figures = c.rest.as_ref().map(|r| r.ledger.figures).unwrap_or_default();
    DoctorMonth {
        staff_id: d.staff_id.clone(),
        name: d.name.clone(),
        level: d.level().code().to_string(),
        effective_level: p.effective_level.code().to_string(),
        level_designated: p.level_designated,
        employment_type: c.profile.employment_type.code(),
        main_employer: c.profile.main_employer.clone(),
        holiday_rule: c.profile.legal_holiday.code(),
        regime: c.profile.regime.code(),
        variable_period: a.variable_period.clone(),
        total_work_minutes: a.total_work_minutes,
        own_total_work_minutes: a.own_total_work_minutes,
        overtime_minutes: a.overtime_minutes,
        own_overtime_minutes: a.own_overtime_minutes,
        external_overtime_minutes: a.external_overtime_minutes,
        daily_overtime_minutes: a.daily_overtime_minutes,
        weekly_overtime_minutes: a.weekly_overtime_minutes,
        period_overtime_minutes: a.period_overtime_minutes,
        holiday_minutes: a.holiday_minutes,
        holiday_days: a.holiday_days,
        holiday_dates: a.holiday_dates.clone(),
        rest_days_short: a.rest_days_short,
        overtime_holiday_minutes: a.overtime_holiday_minutes,
        own_overtime_holiday_minutes: a.own_overtime_holiday_minutes,
        projected_overtime_holiday_minutes: p.projected_overtime_holiday_minutes,
        self_study_minutes: a.self_study_minutes,
        self_study_counted_minutes: a.self_study_counted_minutes,
        self_study_excluded_minutes: a.self_study_excluded_minutes,
        self_study_unconfirmed_rows: a.self_study_unconfirmed_rows,
        external_minutes: a.external_minutes,
        external_not_reported: c.profile.works_elsewhere() && a.external_minutes == 0,
        duty_permitted_minutes: a.duty_permitted_minutes,
        duty_outside_permit_minutes: a.duty_outside_permit_minutes,
        permitted_night_duties: c.duty_month.permitted_night_duties,
        permitted_day_duties: c.duty_month.permitted_day_duties,
        permitted_duties_with_work: c.duty_month.permitted_duties_with_work,
        work_minutes_in_permitted_duty: c.duty_month.work_minutes_in_permitted_duty,
        permitted_duty_warnings: c.duty_month.permitted_duty_warnings,
        break_shortfalls: c.break_shortfalls.len(),
        rest_planned_shortfalls: c.rest.as_ref().map_or(0, rest::RestComputation::planned_shortfalls),
        rest_actual_shortfalls: c.rest.as_ref().map_or(0, rest::RestComputation::actual_shortfalls),
        comp_rest_arose_minutes: rest_figures.comp_rest_arose_minutes,
        comp_rest_granted_minutes: rest_figures.comp_rest_granted_minutes,
        comp_rest_open_minutes: rest_figures.comp_rest_open_minutes,
        comp_rest_overdue_minutes: rest_figures.comp_rest_overdue_minutes,
        consideration_open_minutes: rest_figures.consideration_open_minutes,
        over_100: p.flags.over_100,
        over_155: p.flags.over_155,
        projected_over_100: p.flags.projected_over_100,
        projected_over_155: p.flags.projected_over_155,
        watch: p.flags.watch,
        reach_100_date: p.reach_100_date,
        reach_100_at: p.reach_100_at,
        interview_deadline: c.due.interview_deadline,
        a_level_exception: c.due.a_level_exception,
        interview_in_time: c.due.interview_in_time,
        monthly_100h_violation_from: c.due.monthly_100h_violation_from,
        past_planning_deadline: c.due.past_planning_deadline,
        special_clause_month: a.special_clause_month,
        special_month_exceeded: a.special_month_exceeded,
        holiday_days_exceeded: a.holiday_days_exceeded,
        late_night_minutes: a.late_night_minutes,
        overtime_over_60h_minutes: a.overtime_over_60h_minutes,
        anei_total_minutes: a.anei_total_minutes,
        anei_excess_minutes: a.anei_excess_minutes,
        anei_over_80: a.anei_over_80,
        open_discrepancies: c.open_discrepancies,
        open_pc_reviews: c.open_pc_reviews,
        year: p.year.clone(),
    }
}

/// A report cell: the JSON value as CSV writes it (formats.md C.6).
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// The CSV cell of `column` in a line serialised as JSON.
fn column_of(line: &serde_json::Value, column: &str) -> String {
    if let Some(v) = line.get(column) {
        return cell(v);
    }
    for object in ["year", "variable_period"] {
        if let Some(name) = column.strip_prefix(object).and_then(|c| c.strip_prefix('_')) {
            return line.get(object).and_then(|o| o.get(name)).map(cell).unwrap_or_default();
        }
    }
    String::new()
}

impl MonthlyReport {
    /// The report of computed months (`as_of` already clamped).
    pub fn of(
        month: YearMonth,
        as_of: NaiveDate,
        permits_register: PermitsRegister,
        computed: &[(Doctor, DoctorComputation)],
    ) -> MonthlyReport {
        MonthlyReport {
            permits_register,
            month: month.to_string(),
            month_first_day: month.first_day(),
            month_last_day: month.last_day(),
            as_of,
            doctors: computed.iter().map(|(d, c)| line(d, c)).collect(),
        }
    }

    /// The CSV form: a header of the JSON field names (objects flattened,
    /// formats.md C.6), one line per doctor, booleans as `true`/`false`,
    /// nulls empty, lists joined by `;`.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        // Through the one CSV writer, so names and staff ids that start like
        // a formula are written as text (export::neutralise).
        let lines: Vec<serde_json::Value> = self
            .doctors
            .iter()
            .map(|d| serde_json::to_value(d).unwrap_or_default())
            .collect();
        let rows = lines
            .iter()
            .map(|line| CSV_COLUMNS.iter().map(|c| column_of(line, c)).collect::<Vec<_>>());
        let bytes = crate::export::plain_csv(&CSV_COLUMNS, rows)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn work_shared_between_threads_comes_back_in_order() {
        // Uneven items (a doctor's month may be far heavier than the next).
        let items: Vec<u64> = (0..1000).collect();
        let heavy = |x: u64| (0..(x % 7) * 1000).fold(x, |a, b| a.wrapping_mul(31).wrapping_add(b));
        let expected: Vec<u64> = items.iter().map(|&x| heavy(x)).collect();
        assert_eq!(super::in_parallel(items, heavy), expected);
        assert_eq!(
            super::in_parallel(vec![3u64, 1, 2], heavy),
            vec![heavy(3), heavy(1), heavy(2)]
        );
    }
}
