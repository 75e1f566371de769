//! The 宿日直許可 register and its use, for the print pack (rules §12,
//! §13): what an inspector of a 特定労務管理対象機関 asks to see of the
//! permits — each permit as granted, how many 宿直・日直 of each month it
//! covered and how many of those had work, and per doctor the permitted
//! duty that no permit covers (working time).
//!
//! The figures are `kinmu report duties`' ([`crate::report::duties`]), each
//! month of the period as of its end (or today), kept to the doctors of the
//! [`Scope`] — the permits' counts made of those doctors' duties by the
//! same [`duties::permit_lines`].

use super::dates::{as_of_for, months_between};
use super::scope::{scoped, Scope};
use crate::db::models::Doctor;
use crate::db::permits::{self as db, StoredPermit};
use crate::db::AnyConnection;
use crate::domain::hours::RuleConfig;
use crate::domain::permits::{Permit, PermitsRegister};
use crate::month::ReportError;
use crate::report::duties::{self, DutiesReport};
use chrono::NaiveDate;
use std::collections::HashMap;

/// The register and its use in the period.
#[derive(Debug, Clone)]
pub struct PermitsUse {
    /// Config `permits_register`: `off` reads every permitted duty as
    /// permitted, without the register.
    pub register: PermitsRegister,
    /// The permits as stored, each with the rules' reading (permit number
    /// order; a permit whose stored values cannot be read has none and
    /// covers nothing).
    pub permits: Vec<(StoredPermit, Option<Permit>)>,
    /// `report duties` of each month the period touches (up to today),
    /// with the doctors in scope only.
    pub months: Vec<DutiesReport>,
    /// The doctors in scope by staff id.
    pub doctors: HashMap<String, Doctor>,
}

/// The register and the duties of each month from `from` to `to`.
pub fn permits_use(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    scope: &Scope,
) -> Result<PermitsUse, ReportError> {
    let stored = db::stored(conn)?;
    let register: Vec<Permit> = stored.iter().filter_map(StoredPermit::permit).collect();
    let (mine, _) = scoped(conn, scope)?;
    let doctors: HashMap<String, Doctor> = mine.into_iter().map(|d| (d.staff_id.clone(), d)).collect();
    let mut months = Vec::new();
    for month in months_between(rules.calendar, from, to) {
        let Some(as_of) = as_of_for(month, today) else {
            continue;
        };
        let mut report = duties::report(conn, month, as_of, rules)?;
        report.doctors.retain(|d| doctors.contains_key(&d.staff_id));
        report.permits = duties::permit_lines(&register, &report.doctors);
        months.push(report);
    }
    let permits = stored
        .into_iter()
        .map(|p| {
            let read = p.permit();
            (p, read)
        })
        .collect();
    Ok(PermitsUse {
        register: rules.permits_register,
        permits,
        months,
        doctors,
    })
}
