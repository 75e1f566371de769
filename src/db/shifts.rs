//! Stored shift rows read for the rules, by doctor, shaped for speed.
//!
//! A month's report reads every doctor's timecard and roster rows of the
//! agreement year so far: hundreds of thousands of rows. They are read
//! here straight into the domain's [`Shift`] as the driver hands them over
//! (no vector of selected tuples, no [`super::models::StoredShift`] in
//! between, codes decoded without copying: [`Coded`]), with only the
//! columns the rules use, and grouped by doctor. Each doctor's rows are
//! then put in the order of storing within a start: by start, then id — on
//! both databases alike (PostgreSQL returns them in no particular order).

use super::coded::Coded;
use super::models::CorruptRow;
use super::schema::{doctors, roster_rows, timecard_rows};
use super::timestamp::Ts;
use super::AnyConnection;
use crate::domain::row_status::{ScheduleClass, StudyStatus};
use crate::domain::shift::{IntervalRule, Kind, Shift};
use chrono::NaiveDateTime;
use diesel::connection::DefaultLoadingMode;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sqlite::Sqlite;
use std::collections::HashMap;

/// Reading stored shifts failed: the query, or a stored row that is not a
/// shift.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
}

/// The columns of a shift row the rules read, and `$extra` ones.
macro_rules! shift_columns {
    ($table:ident, ($($extra:expr),*)) => {
        (
            $table::id,
            $table::doctor_id,
            $table::kind,
            $table::start_at,
            $table::end_at,
            $table::break_minutes,
            (
                $table::study_status,
                $table::employer,
                $table::schedule_class,
                $table::interval_rule,
            ),
            $($extra),*
        )
    };
}

/// What [`shift_columns`] selects besides the extra columns.
type Extras = (
    Coded<StudyStatus>,
    Option<String>,
    Coded<ScheduleClass>,
    Option<Coded<IntervalRule>>,
);

/// A row of [`shift_columns`] without extra columns.
type Row = (i64, i64, Coded<Kind>, Ts, Ts, i32, Extras);

/// A row of [`shift_columns`] with a roster row's import, the import that
/// withdrew it and when.
type VersionRow = (
    i64,
    i64,
    Coded<Kind>,
    Ts,
    Ts,
    i32,
    Extras,
    Option<i64>,
    Option<i64>,
    Option<Ts>,
);

/// A stored row as the rules take it: `(doctor_id, id, shift)`.
fn shift_of(
    table: &'static str,
    (id, doctor_id, kind, start, end, break_minutes, (study, employer, class, rule)): Row,
) -> Result<(i64, i64, Shift), CorruptRow> {
    let corrupt = |reason: String| CorruptRow { table, id, reason };
    let kind = kind.0.map_err(|raw| corrupt(format!("kind {raw:?}")))?;
    let shift = Shift::new(start.0, end.0, i64::from(break_minutes), kind)
        .map_err(|e| corrupt(e.to_string()))?
        // An unreadable status counts as unconfirmed: counted (rules §2.3).
        .with_study(study.0.unwrap_or_default())
        .with_employer(employer.as_deref())
        .with_class(class.0.unwrap_or_default())
        .with_interval_rule(rule.and_then(|r| r.0.ok()));
    Ok((doctor_id, id, shift))
}

/// Each doctor's rows by start, then id (the order of storing).
fn in_order<T>(by_doctor: HashMap<i64, Vec<(i64, T)>>, start: impl Fn(&T) -> NaiveDateTime) -> HashMap<i64, Vec<T>> {
    by_doctor
        .into_iter()
        .map(|(doctor_id, mut rows)| {
            rows.sort_unstable_by_key(|(id, r)| (start(r), *id));
            (doctor_id, rows.into_iter().map(|(_, r)| r).collect())
        })
        .collect()
}

/// The current (not superseded) timecard rows starting in `[from, to)`,
/// by doctor (all doctors when `doctor_ids` is `None`).
pub fn current_timecard(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<i64, Vec<Shift>>, ReadError> {
    let mut by_doctor: HashMap<i64, Vec<(i64, Shift)>> = HashMap::new();
    let mut take = |row: QueryResult<Row>| -> Result<(), ReadError> {
        let (doctor_id, id, shift) = shift_of("timecard_rows", row?)?;
        by_doctor.entry(doctor_id).or_default().push((id, shift));
        Ok(())
    };
    macro_rules! query {
        ($backend:ty) => {{
            let q = timecard_rows::table
                .filter(timecard_rows::superseded_at.is_null())
                .filter(timecard_rows::start_at.ge(from))
                .filter(timecard_rows::start_at.lt(to))
                .select(shift_columns!(timecard_rows, ()))
                .into_boxed::<$backend>();
            match doctor_ids {
                Some(ids) => q.filter(timecard_rows::doctor_id.eq_any(ids)),
                None => q,
            }
        }};
    }
    match conn {
        // SQLite: every doctor's range of the current rows' index (doctor,
        // start), asked for by "doctor in (every doctor)", rather than the
        // window by start — whose rows it would fetch in no file order.
        AnyConnection::Sqlite(c) => {
            let q = match doctor_ids {
                Some(_) => query!(Sqlite),
                None => query!(Sqlite).filter(timecard_rows::doctor_id.eq_any(doctors::table.select(doctors::id))),
            };
            for row in q.load_iter::<Row, DefaultLoadingMode>(c)? {
                take(row)?;
            }
        }
        AnyConnection::Postgresql(c) => {
            for row in query!(Pg).load_iter::<Row, DefaultLoadingMode>(c)? {
                take(row)?;
            }
        }
    }
    Ok(in_order(by_doctor, Shift::start))
}

/// A stored version of a roster row: the shift, the import that stored it
/// (`None`: stored before imports were recorded with their rows) and the
/// one that withdrew it, and when.
#[derive(Debug, Clone)]
pub struct Version {
    pub shift: Shift,
    pub batch: Option<i64>,
    pub withdrawn_by: Option<i64>,
    pub withdrawn_at: Option<NaiveDateTime>,
}

impl Version {
    /// Not withdrawn: part of the current roster.
    pub fn is_current(&self) -> bool {
        self.withdrawn_by.is_none() && self.withdrawn_at.is_none()
    }
}

/// Every stored version of the doctors' roster rows (all doctors when
/// `None`) starting in `[start, end)`, by doctor, each doctor's by start
/// and id.
pub fn roster_versions(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<HashMap<i64, Vec<Version>>, ReadError> {
    let mut by_doctor: HashMap<i64, Vec<(i64, Version)>> = HashMap::new();
    let mut take = |row: QueryResult<VersionRow>| -> Result<(), ReadError> {
        let (id, doctor_id, kind, start, end, break_minutes, extras, batch, withdrawn_by, withdrawn_at) = row?;
        let (doctor_id, id, shift) = shift_of("roster_rows", (id, doctor_id, kind, start, end, break_minutes, extras))?;
        let version = Version {
            shift,
            batch,
            withdrawn_by,
            withdrawn_at: withdrawn_at.map(|t| t.0),
        };
        by_doctor.entry(doctor_id).or_default().push((id, version));
        Ok(())
    };
    macro_rules! query {
        ($backend:ty) => {
            roster_rows::table
                .filter(roster_rows::start_at.ge(start))
                .filter(roster_rows::start_at.lt(end))
                .select(shift_columns!(
                    roster_rows,
                    (
                        roster_rows::batch_id,
                        roster_rows::superseded_batch_id,
                        roster_rows::superseded_at
                    )
                ))
                .into_boxed::<$backend>()
        };
    }
    let chunks: Vec<Option<&[i64]>> = match doctor_ids {
        Some(ids) => ids.chunks(500).map(Some).collect(),
        None => vec![None],
    };
    for chunk in chunks {
        match (&mut *conn, chunk) {
            (AnyConnection::Sqlite(c), Some(ids)) => {
                let q = query!(Sqlite).filter(roster_rows::doctor_id.eq_any(ids));
                for row in q.load_iter::<VersionRow, DefaultLoadingMode>(c)? {
                    take(row)?;
                }
            }
            // Every doctor's range of the (doctor, start) index rather than
            // the window by start, as for the timecard.
            (AnyConnection::Sqlite(c), None) => {
                let q = query!(Sqlite).filter(roster_rows::doctor_id.eq_any(doctors::table.select(doctors::id)));
                for row in q.load_iter::<VersionRow, DefaultLoadingMode>(c)? {
                    take(row)?;
                }
            }
            (AnyConnection::Postgresql(c), Some(ids)) => {
                let q = query!(Pg).filter(roster_rows::doctor_id.eq_any(ids));
                for row in q.load_iter::<VersionRow, DefaultLoadingMode>(c)? {
                    take(row)?;
                }
            }
            (AnyConnection::Postgresql(c), None) => {
                for row in query!(Pg).load_iter::<VersionRow, DefaultLoadingMode>(c)? {
                    take(row)?;
                }
            }
        }
    }
    Ok(in_order(by_doctor, |v: &Version| v.shift.start()))
}
