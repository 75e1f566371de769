//! The monthly report (formats.md, `report monthly`): every doctor's month
//! as of a date, computed by the rule book from the stored rows.
//!
//! The rows of all doctors are read in four queries (timecard, roster, PC
//! sessions, discrepancy resolutions) over the month's window, grouped by
//! doctor, and each doctor is computed in one pass.

use crate::db::models::{CorruptRow, Doctor};
use crate::db::{queries, reads, AnyConnection, DbError};
use crate::domain::discrepancy::{discrepancy_days, DiscrepancyDay, PcSession};
use crate::domain::hours::{earliest_relevant_start, RuleConfig};
use crate::domain::projection::{project, Projection};
use crate::domain::shift::Shift;
use crate::domain::time::{midnight, Minutes, YearMonth};
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
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
    pub interview_deadline: Option<NaiveDate>,
    pub open_discrepancies: usize,
}

/// The column order of the CSV form: the JSON field names.
pub const CSV_COLUMNS: [&str; 19] = [
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
    "interview_deadline",
    "open_discrepancies",
];

/// Everything stored about one doctor's month, before the rules run.
#[derive(Debug, Default)]
pub struct DoctorRows {
    pub timecard: Vec<Shift>,
    pub roster: Vec<Shift>,
    pub pc: Vec<PcSession>,
    pub resolved_days: HashSet<NaiveDate>,
}

/// One doctor's computed month, with the details screens need.
#[derive(Debug, Clone)]
pub struct DoctorComputation {
    pub projection: Projection,
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
    let discrepancies = discrepancy_days(&rows.pc, &covering, month.first_day(), t, cfg.discrepancy_minutes);
    let open_discrepancies = discrepancies
        .iter()
        .filter(|d| !rows.resolved_days.contains(&d.date))
        .count();
    DoctorComputation {
        projection,
        discrepancies,
        open_discrepancies,
    }
}

/// Loads every doctor's rows for `month` as of `as_of` (clamped into the month).
pub fn load_rows(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<(Vec<Doctor>, HashMap<i64, DoctorRows>), ReportError> {
    load_rows_of(conn, None, month, as_of, cfg)
}

/// As [`load_rows`], for some doctors only (all when `doctor_ids` is `None`).
pub fn load_rows_of(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<(Vec<Doctor>, HashMap<i64, DoctorRows>), ReportError> {
    let t = month.clamp(as_of);
    let after_t = midnight(t + Duration::days(1));
    let mut doctors = queries::all_doctors(conn)?;
    if let Some(ids) = doctor_ids {
        doctors.retain(|d| ids.contains(&d.id));
    }
    let mut rows: HashMap<i64, DoctorRows> = HashMap::new();

    let from = earliest_relevant_start(month, cfg.week_start);
    for (s, _, _) in queries::current_timecard(conn, doctor_ids, from, after_t)? {
        rows.entry(s.doctor_id)
            .or_default()
            .timecard
            .push(s.shift("timecard_rows")?);
    }
    let month_end = midnight(month.next().first_day());
    if after_t < month_end {
        for s in queries::current_roster(conn, doctor_ids, after_t, month_end)? {
            rows.entry(s.doctor_id)
                .or_default()
                .roster
                .push(s.shift("roster_rows")?);
        }
    }
    // A month's sessions are most of the rows: look each doctor up once per
    // run of their sessions (the rows come grouped by doctor), then put each
    // doctor's sessions in time order (already so on SQLite).
    let sessions = reads::pc_sessions_in(conn, doctor_ids, midnight(month.first_day()), after_t)?;
    let mut run = sessions.as_slice();
    while let Some(&(doctor_id, _, _)) = run.first() {
        let n = run.iter().position(|s| s.0 != doctor_id).unwrap_or(run.len());
        let pc = &mut rows.entry(doctor_id).or_default().pc;
        pc.extend(run[..n].iter().map(|&(_, on, off)| PcSession {
            logon: on.0,
            logoff: off.0,
        }));
        run = &run[n..];
    }
    drop(sessions);
    for r in rows.values_mut() {
        if !r.pc.is_sorted() {
            r.pc.sort_unstable();
        }
    }
    for r in queries::resolutions_between(conn, month.first_day(), t)?
        .into_iter()
        .filter(|r| doctor_ids.is_none_or(|ids| ids.contains(&r.doctor_id)))
    {
        rows.entry(r.doctor_id).or_default().resolved_days.insert(r.day);
    }
    Ok((doctors, rows))
}

/// Builds the monthly report.
pub fn monthly(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<MonthlyReport, ReportError> {
    let t = month.clamp(as_of);
    let (doctors, rows) = load_rows(conn, month, t, cfg)?;
    let empty = DoctorRows::default();
    let lines = doctors
        .iter()
        .map(|d| {
            let c = compute(rows.get(&d.id).unwrap_or(&empty), d, month, t, cfg);
            line(d, &c)
        })
        .collect();
    Ok(MonthlyReport {
        month: month.to_string(),
        as_of: t,
        doctors: lines,
    })
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
        interview_deadline: p.interview_deadline,
        open_discrepancies: c.open_discrepancies,
    }
}

impl MonthlyReport {
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
                date(d.interview_deadline),
                d.open_discrepancies.to_string(),
            ]
        });
        let bytes = crate::export::plain_csv(&CSV_COLUMNS, rows)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
