//! Rest between shifts for the print pack (rules §11, §12): what an
//! inspector of a designated hospital (特定労務管理対象機関) asks to see of
//! the 勤務間インターバル and 代償休息 — each month's short rests and the
//! 代償休息 ledger. The figures are `kinmu report rest`'s
//! ([`crate::report::rest`]), each month of the period as of its end (or
//! today), kept to the doctors of the [`Scope`].

use super::dates::{as_of_for, months_between};
use super::scope::{scoped, Scope};
use crate::db::AnyConnection;
use crate::domain::hours::RuleConfig;
use crate::month::ReportError;
use crate::report::rest::{self, RestReport};
use chrono::NaiveDate;
use std::collections::HashMap;

/// `report rest` of each month the period touches (up to today), with the
/// doctors in scope only, and their departments by staff id.
#[derive(Debug, Clone)]
pub struct RestRecords {
    pub months: Vec<RestReport>,
    pub departments: HashMap<String, String>,
}

pub fn rest_records(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    scope: &Scope,
) -> Result<RestRecords, ReportError> {
    let (mine, _) = scoped(conn, scope)?;
    let departments: HashMap<String, String> = mine
        .into_iter()
        .map(|d| (d.staff_id, d.department.unwrap_or_default()))
        .collect();
    let mut months = Vec::new();
    for month in months_between(rules.calendar, from, to) {
        let Some(as_of) = as_of_for(month, today) else {
            continue;
        };
        let mut report = rest::report(conn, month, as_of, rules)?;
        report.doctors.retain(|d| departments.contains_key(&d.staff_id));
        months.push(report);
    }
    Ok(RestRecords { months, departments })
}
