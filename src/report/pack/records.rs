//! The raw records of the print pack (rules §12, (ア)): every doctor's day
//! of timecard rows, PC sessions and discrepancy resolutions, as an
//! attachment of their own — one month of the doctors in scope, or one
//! doctor's month — printed or downloaded on the inspectors' request, so
//! the pack itself stays a few pages of summaries.
//!
//! The scope is the pack's ([`Scope`]): HR and the administrator every
//! doctor, a manager their own doctors, a physician the doctors of their
//! interviews.

use super::documents::{period_words, work_status_days_table};
use super::{Context, PackError, Table};
use crate::db::AnyConnection;
use crate::domain::time::YearMonth;
use crate::policy::Who;
use crate::report::inspection::{self as insp, Scope};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

/// The attachment's parameters as given (`month=YYYY-MM&staff_id=`).
#[derive(Debug, Deserialize)]
pub struct RecordsQuery {
    month: Option<String>,
    staff_id: Option<String>,
}

/// The attachment's parameters, checked: the month (an agreement month
/// under the hospital's calendar, rules §6.1) and, for one doctor's
/// records, their staff id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsParams {
    pub month: YearMonth,
    pub staff_id: Option<String>,
}

impl RecordsParams {
    /// The month defaults to the last closed one, as the pack's period does.
    pub fn read(q: &RecordsQuery, ctx: &Context) -> Result<RecordsParams, super::BadParams> {
        let month = match q.month.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => YearMonth::parse(s)
                .ok_or_else(|| super::BadParams(format!("month（YYYY-MM）: {s} / month (YYYY-MM): {s}")))?,
            None => YearMonth::of(ctx.today).previous(),
        };
        let staff_id = q
            .staff_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(RecordsParams {
            month: ctx.rules.calendar.month(month),
            staff_id,
        })
    }

    /// The month's name, `2024-06` (whatever day the agreement month
    /// starts on).
    pub fn month_code(&self) -> String {
        YearMonth::of(self.month.first_day()).to_string()
    }

    /// For file names: `2024-06` or `2024-06-C03` (the staff id reduced to
    /// letters, digits and `-`/`_`).
    pub fn file_stem(&self) -> String {
        let month = self.month_code();
        match &self.staff_id {
            Some(s) => {
                let safe: String = s
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                format!("{month}-{safe}")
            }
            None => month,
        }
    }
}

/// One attachment of raw records.
pub struct RecordsAttachment {
    pub params: RecordsParams,
    pub scope: Scope,
    pub hospital: String,
    pub generated: NaiveDateTime,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The one doctor's name, when the attachment is one doctor's.
    pub doctor: Option<String>,
    /// (ア) of the month: one row per doctor and day.
    pub table: Table,
}

/// Why an attachment was not made.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error(transparent)]
    Pack(#[from] PackError),
    /// The staff id names no doctor `who` may print.
    #[error("no such doctor in scope")]
    NoSuchDoctor,
}

/// The raw records of `params.month` (of one doctor, with `staff_id`) that
/// `who` may print.
pub fn load_records(
    conn: &mut AnyConnection,
    ctx: &Context,
    who: Who,
    params: RecordsParams,
) -> Result<RecordsAttachment, RecordsError> {
    let scope = Scope::of(who).ok_or(PackError::NotAllowed)?;
    let (from, to) = (params.month.first_day(), params.month.last_day());
    let days = insp::work_status(conn, from, to, &scope, params.staff_id.as_deref()).map_err(PackError::from)?;
    let doctor = match params.staff_id.as_deref() {
        None => None,
        Some(staff) => {
            let name = match days.first() {
                Some(d) => d.name.clone(),
                // A doctor in scope with no record in the month still has
                // an (empty) attachment; one out of scope has none.
                None => insp::doctor_in_scope(conn, &scope, staff)
                    .map_err(|e| PackError::Report(e.into()))?
                    .ok_or(RecordsError::NoSuchDoctor)?,
            };
            Some(name)
        }
    };
    let mut table = work_status_days_table(&days, period_words(from, to));
    table
        .notes
        .push("この記録は立入検査資料の別添です（資料本体には綴じず、求めに応じて提出します）。".into());
    Ok(RecordsAttachment {
        params,
        scope,
        hospital: ctx.hospital.clone(),
        generated: ctx.generated,
        from,
        to,
        doctor,
        table,
    })
}
