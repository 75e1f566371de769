//! The print pack's month figures: each in-scope doctor's line of the
//! monthly report (`month`, rules §3–§7), the same rows and rule
//! book, plus the days worked.

use super::scope::Scope;
use crate::db::AnyConnection;
use crate::domain::hours::RuleConfig;
use crate::domain::time::YearMonth;
use crate::month::{compute, line, load_rows_of, DoctorMonth, ReportError};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// One doctor's month as the monthly report computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub month: YearMonth,
    pub as_of: NaiveDate,
    pub doctor_id: i64,
    pub department: Option<String>,
    /// Days with working time on the timecard (勤務日), up to `as_of`.
    pub work_days: usize,
    pub m: DoctorMonth,
}

/// Every in-scope doctor's line of `month` as of `as_of`: one `load_rows`
/// for all of them, then the rule book per doctor.
pub(super) fn month_lines(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
    scope: &Scope,
    ids: Option<&[i64]>,
) -> Result<Vec<MonthLine>, ReportError> {
    let (doctors, mut rows) = load_rows_of(conn, ids, month, as_of, rules)?;
    let mut out = Vec::new();
    for d in doctors.iter().filter(|d| scope.includes(d)) {
        let r = rows.remove(&d.id).unwrap_or_default();
        let c = compute(&r, d, month, as_of, rules);
        let work_days: BTreeSet<NaiveDate> = r
            .timecard
            .iter()
            .filter(|s| s.kind().is_working() && month.contains(s.start_date()) && s.start_date() <= as_of)
            .map(|s| s.start_date())
            .collect();
        out.push(MonthLine {
            month,
            as_of: c.projection.as_of,
            doctor_id: d.id,
            department: d.department.clone(),
            work_days: work_days.len(),
            m: line(d, &c),
        });
    }
    Ok(out)
}
