//! `kinmu report staffing`: the reference-week staffing report of rules §18
//! from the stored doctors and timecards (the rules are
//! `domain::staffing`).

use crate::db::models::Doctor;
use crate::db::{queries, shifts, AnyConnection};
use crate::domain::hours::RuleConfig;
use crate::domain::staffing::{staffing, StaffInput, Staffing};
use crate::domain::time::midnight;
use crate::month::ReportError;
use chrono::{Duration, NaiveDate};

/// The staffing of the seven days from `from`, every doctor in staff id
/// order (full-time doctors always, others when they worked the week).
pub fn report(conn: &mut AnyConnection, from: NaiveDate, cfg: &RuleConfig) -> Result<Staffing, ReportError> {
    report_of(conn, from, cfg, |_| true)
}

/// As [`report`], for the doctors `wanted` keeps (a manager's print pack
/// counts their doctors only).
pub fn report_of(
    conn: &mut AnyConnection,
    from: NaiveDate,
    cfg: &RuleConfig,
    wanted: impl Fn(&Doctor) -> bool,
) -> Result<Staffing, ReportError> {
    let mut doctors = queries::all_doctors(conn)?;
    doctors.retain(|d| wanted(d));
    doctors.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
    // Rows of up to 48 h may start two days before the week.
    let rows = shifts::current_timecard(
        conn,
        None,
        midnight(from) - Duration::days(2),
        midnight(from + Duration::days(7)),
    )?;
    let empty = Vec::new();
    let inputs: Vec<StaffInput> = doctors
        .iter()
        .map(|d| StaffInput {
            staff_id: &d.staff_id,
            name: &d.name,
            employment_type: d.employment_type(),
            rows: rows.get(&d.id).unwrap_or(&empty),
        })
        .collect();
    Ok(staffing(&inputs, from, cfg.staffing_weekly_minutes))
}

/// The CSV form (formats.md C.7): one line per doctor, then `TOTAL` with
/// the total in tenths and as written.
pub fn to_csv(s: &Staffing) -> Result<Vec<u8>, csv::Error> {
    let header = [
        "staff_id",
        "name",
        "employment_type",
        "work_minutes",
        "duty_minutes",
        "fte_hundredths",
        "total_fte_tenths",
        "total_fte",
    ];
    let mut lines: Vec<Vec<String>> = s
        .doctors
        .iter()
        .map(|l| {
            vec![
                l.staff_id.clone(),
                l.name.clone(),
                l.employment_type.to_string(),
                l.work_minutes.to_string(),
                l.duty_minutes.to_string(),
                l.fte_hundredths.to_string(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    let mut total = vec![String::new(); 8];
    total[0] = "TOTAL".into();
    total[6] = s.total_fte_tenths.to_string();
    total[7] = s.total_fte.clone();
    lines.push(total);
    crate::export::plain_csv(&header, lines)
}
