//! The month, computed: the one stage between the stored rows and every
//! reader of a doctor's figures (rules §2–§9). [`rows`] loads what is stored
//! about one doctor, some or all doctors for a month as of a date, in four
//! queries over the month's window (timecard, roster, PC sessions,
//! discrepancy resolutions); [`compute`] applies the rule book (`domain`) to
//! one doctor's rows; [`monthly`] is the monthly report of formats.md
//! (`report monthly`), every doctor's line; [`cache`] keeps that report per
//! month, as-of day and data version, for every reader (the API, the
//! screens, the jobs).
//!
//! A reader of one doctor loads that doctor only ([`rows::load_rows_of`]
//! with its id); a reader of the hospital takes the cached report.

pub mod cache;
pub mod rows;

pub use rows::{load_rows, load_rows_of, DoctorRows};

use crate::db::models::{CorruptRow, Doctor};
use crate::db::{AnyConnection, DbError};
use crate::domain::discrepancy::{discrepancy_days, DiscrepancyDay};
use crate::domain::due::{end_of, of_month, Exception, MonthDue};
use crate::domain::hours::RuleConfig;
use crate::domain::projection::{project, Projection};
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
    pub as_of: NaiveDate,
    pub doctors: Vec<DoctorMonth>,
}

/// One doctor's line of the report. Field names are a stable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctorMonth {
    pub staff_id: String,
    pub name: String,
    pub level: String,
    pub total_work_minutes: Minutes,
    pub overtime_minutes: Minutes,
    pub holiday_minutes: Minutes,
    pub overtime_holiday_minutes: Minutes,
    pub projected_overtime_holiday_minutes: Minutes,
    pub self_study_minutes: Minutes,
    pub external_minutes: Minutes,
    pub duty_permitted_minutes: Minutes,
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
    pub open_discrepancies: usize,
}

/// The column order of the CSV form: the JSON field names.
pub const CSV_COLUMNS: [&str; 24] = [
    "staff_id",
    "name",
    "level",
    "total_work_minutes",
    "overtime_minutes",
    "holiday_minutes",
    "overtime_holiday_minutes",
    "projected_overtime_holiday_minutes",
    "self_study_minutes",
    "external_minutes",
    "duty_permitted_minutes",
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
    "open_discrepancies",
];

/// One doctor's computed month, with the details screens need.
#[derive(Debug, Clone)]
pub struct DoctorComputation {
    pub projection: Projection,
    /// The interview's timeliness (rules §8.3–§8.5) as of the end of the day.
    pub due: MonthDue,
    pub discrepancies: Vec<DiscrepancyDay>,
    pub open_discrepancies: usize,
}

/// Applies the rule book to one doctor's rows (pure).
pub fn compute(
    rows: &DoctorRows,
    doctor: &Doctor,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> DoctorComputation {
    let rules = doctor.rules(cfg);
    let projection = project(&rows.timecard, &rows.roster, &rules, month, as_of, cfg);
    let t = projection.as_of;
    let covering: Vec<Shift> = rows.timecard.iter().filter(|s| s.start_date() <= t).cloned().collect();
    let pc = if rows.pc_around.is_empty() {
        std::borrow::Cow::Borrowed(&rows.pc)
    } else {
        std::borrow::Cow::Owned(rows.pc_for_coverage())
    };
    let discrepancies = discrepancy_days(&pc, &covering, month.first_day(), t, cfg.discrepancy_minutes);
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
    DoctorComputation {
        due,
        projection,
        discrepancies,
        open_discrepancies,
    }
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
    let t = month.clamp(as_of);
    Ok(MonthlyReport::of(month, t, &compute_all(conn, month, t, cfg)?))
}

/// Every doctor's month as of a date (clamped into the month), computed:
/// what the monthly report's lines and the jobs are made of.
pub fn compute_all(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<Vec<(Doctor, DoctorComputation)>, ReportError> {
    let t = month.clamp(as_of);
    let (doctors, mut rows) = load_rows(conn, month, t, cfg)?;
    Ok(doctors
        .into_iter()
        .map(|d| {
            let r = rows.remove(&d.id).unwrap_or_default();
            let c = compute(&r, &d, month, t, cfg);
            (d, c)
        })
        .collect())
}

/// The report line of a computed doctor.
pub fn line(d: &Doctor, c: &DoctorComputation) -> DoctorMonth {
    let p = &c.projection;
    let a = &p.actual;
    DoctorMonth {
        staff_id: d.staff_id.clone(),
        name: d.name.clone(),
        level: d.level().code().to_string(),
        total_work_minutes: a.total_work_minutes,
        overtime_minutes: a.overtime_minutes,
        holiday_minutes: a.holiday_minutes,
        overtime_holiday_minutes: a.overtime_holiday_minutes,
        projected_overtime_holiday_minutes: p.projected_overtime_holiday_minutes,
        self_study_minutes: a.self_study_minutes,
        external_minutes: a.external_minutes,
        duty_permitted_minutes: a.duty_permitted_minutes,
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
        open_discrepancies: c.open_discrepancies,
    }
}

impl MonthlyReport {
    /// The report of computed months (`as_of` already clamped).
    pub fn of(month: YearMonth, as_of: NaiveDate, computed: &[(Doctor, DoctorComputation)]) -> MonthlyReport {
        MonthlyReport {
            month: month.to_string(),
            as_of,
            doctors: computed.iter().map(|(d, c)| line(d, c)).collect(),
        }
    }

    /// The CSV form: a header of the JSON field names, one line per doctor,
    /// booleans as `true`/`false`, missing dates empty.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        // Through the one CSV writer, so names and staff ids that start like
        // a formula are written as text (export::neutralise).
        let rows = self.doctors.iter().map(|d| {
            vec![
                d.staff_id.clone(),
                d.name.clone(),
                d.level.clone(),
                d.total_work_minutes.to_string(),
                d.overtime_minutes.to_string(),
                d.holiday_minutes.to_string(),
                d.overtime_holiday_minutes.to_string(),
                d.projected_overtime_holiday_minutes.to_string(),
                d.self_study_minutes.to_string(),
                d.external_minutes.to_string(),
                d.duty_permitted_minutes.to_string(),
                d.over_100.to_string(),
                d.over_155.to_string(),
                d.projected_over_100.to_string(),
                d.projected_over_155.to_string(),
                d.watch.to_string(),
                date(d.reach_100_date),
                d.reach_100_at
                    .map(|at| at.format("%Y-%m-%dT%H:%M").to_string())
                    .unwrap_or_default(),
                date(d.interview_deadline),
                d.a_level_exception.code().to_string(),
                d.interview_in_time.map(|b| b.to_string()).unwrap_or_default(),
                date(d.monthly_100h_violation_from),
                d.past_planning_deadline.to_string(),
                d.open_discrepancies.to_string(),
            ]
        });
        let bytes = crate::export::plain_csv(&CSV_COLUMNS, rows)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
