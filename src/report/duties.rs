//! `kinmu report duties` (formats.md R.9): each doctor's permitted 宿直 and
//! 日直 of a month with their work and frequency warnings (rules
//! §13.4–§13.5), and per permit of the register how many duties it named.

use crate::db::{permits, AnyConnection};
use crate::domain::duties::{Duty, DutyWarning};
use crate::domain::hours::RuleConfig;
use crate::domain::permits::{Permit, PermitsRegister};
use crate::domain::time::{Minutes, YearMonth};
use crate::month::{compute_all, ReportError};
use chrono::NaiveDate;
use serde::Serialize;

/// The report as `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct DutiesReport {
    pub month: String,
    pub as_of: NaiveDate,
    pub permits_register: PermitsRegister,
    pub permits: Vec<PermitLine>,
    pub doctors: Vec<DoctorDuties>,
}

/// A permit's duties of the month (a duty counts for the permit it names).
#[derive(Debug, Clone, Serialize)]
pub struct PermitLine {
    pub permit_no: String,
    pub kind: &'static str,
    pub duties: usize,
    pub duties_with_work: usize,
}

/// One doctor's permitted duty of the month.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorDuties {
    pub staff_id: String,
    pub permitted_night_duties: i64,
    pub permitted_day_duties: i64,
    pub permitted_duties_with_work: i64,
    pub work_minutes_in_permitted_duty: Minutes,
    pub duty_permitted_minutes: Minutes,
    pub duty_outside_permit_minutes: Minutes,
    pub duties: Vec<Duty>,
    pub warnings: Vec<DutyWarning>,
}

/// The CSV form's columns: one line per doctor.
pub const CSV_COLUMNS: [&str; 8] = [
    "staff_id",
    "permitted_night_duties",
    "permitted_day_duties",
    "permitted_duties_with_work",
    "work_minutes_in_permitted_duty",
    "duty_permitted_minutes",
    "duty_outside_permit_minutes",
    "permitted_duty_warnings",
];

/// Builds the report of `month` as of `as_of` (clamped into the month).
pub fn report(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<DutiesReport, ReportError> {
    let month = cfg.calendar.month(month);
    let t = month.clamp(as_of);
    let (first, last) = (month.first_day(), month.last_day());
    let computed = compute_all(conn, month, t, cfg)?;
    let register = permits::register(conn)?;
    let in_month = |d: NaiveDate| first <= d && d <= last;
    let doctors: Vec<DoctorDuties> = computed
        .iter()
        .map(|(d, c)| {
            let a = &c.projection.actual;
            DoctorDuties {
                staff_id: d.staff_id.clone(),
                permitted_night_duties: c.duty_month.permitted_night_duties,
                permitted_day_duties: c.duty_month.permitted_day_duties,
                permitted_duties_with_work: c.duty_month.permitted_duties_with_work,
                work_minutes_in_permitted_duty: c.duty_month.work_minutes_in_permitted_duty,
                duty_permitted_minutes: a.duty_permitted_minutes,
                duty_outside_permit_minutes: a.duty_outside_permit_minutes,
                duties: c.duties.iter().filter(|x| in_month(x.date)).cloned().collect(),
                warnings: c.duty_warnings.iter().filter(|w| in_month(w.date)).cloned().collect(),
            }
        })
        .collect();
    let permits = permit_lines(&register, &doctors);
    Ok(DutiesReport {
        month: month.to_string(),
        as_of: t,
        permits_register: cfg.permits_register,
        permits,
        doctors,
    })
}

/// Per permit of `register`, how many of `doctors`' duties name it and how
/// many of those had work (rules §13.5). The print pack calls it on the
/// doctors it covers.
pub fn permit_lines(register: &[Permit], doctors: &[DoctorDuties]) -> Vec<PermitLine> {
    register
        .iter()
        .map(|p| {
            let named = doctors
                .iter()
                .flat_map(|d| d.duties.iter())
                .filter(|x| x.permit_no == p.permit_no);
            PermitLine {
                permit_no: p.permit_no.clone(),
                kind: p.kind.code(),
                duties: named.clone().count(),
                duties_with_work: named.filter(|x| x.with_work()).count(),
            }
        })
        .collect()
}

/// The CSV form: one line per doctor with the month's figures.
pub fn to_csv(r: &DutiesReport) -> Result<Vec<u8>, csv::Error> {
    let rows = r.doctors.iter().map(|d| {
        vec![
            d.staff_id.clone(),
            d.permitted_night_duties.to_string(),
            d.permitted_day_duties.to_string(),
            d.permitted_duties_with_work.to_string(),
            d.work_minutes_in_permitted_duty.to_string(),
            d.duty_permitted_minutes.to_string(),
            d.duty_outside_permit_minutes.to_string(),
            d.warnings.len().to_string(),
        ]
    });
    crate::export::plain_csv(&CSV_COLUMNS, rows)
}
