//! The one read a doctor's own declarations need beyond `queries`: every
//! version (current and superseded) of a doctor's self-study and external
//! rows that no import stored, with who wrote each (rules §2.3, §5b.2).
//! Which of them are the doctor's declarations is `crate::declarations`'.

use super::models::StoredShift;
use super::queries::{stored_shift, ExtrasRow};
use super::schema::timecard_rows;
use super::timestamp::Ts;
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One stored version of a row added on screen.
#[derive(Debug, Clone)]
pub struct RowVersion {
    pub row: StoredShift,
    pub version: i32,
    pub replaces_id: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    /// The reason or note written with it.
    pub correction_reason: Option<String>,
    pub superseded: bool,
    pub superseded_reason: Option<String>,
}

type Row = (
    i64,
    i64,
    String,
    NaiveDateTime,
    NaiveDateTime,
    i32,
    ExtrasRow,
    i32,
    Option<i64>,
    Option<String>,
    NaiveDateTime,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// Every version of doctor `doctor_id`'s `self_study` and `external` rows
/// without an import batch, oldest first.
pub fn unbatched_versions(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<Vec<RowVersion>> {
    let rows: Vec<Row> = timecard_rows::table
        .filter(timecard_rows::doctor_id.eq(doctor_id))
        .filter(timecard_rows::batch_id.is_null())
        .filter(timecard_rows::kind.eq_any(["self_study", "external"]))
        .select((
            timecard_rows::id,
            timecard_rows::doctor_id,
            timecard_rows::kind,
            timecard_rows::start_at,
            timecard_rows::end_at,
            timecard_rows::break_minutes,
            (
                timecard_rows::study_status,
                timecard_rows::confirmed_by,
                timecard_rows::confirmed_at,
                timecard_rows::employer,
                timecard_rows::schedule_class,
                timecard_rows::interval_rule,
            ),
            timecard_rows::version,
            timecard_rows::replaces_id,
            timecard_rows::created_by,
            timecard_rows::created_at,
            timecard_rows::correction_reason,
            timecard_rows::superseded_at,
            timecard_rows::superseded_reason,
        ))
        .order(timecard_rows::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, d, k, s, e, b, x, version, replaces_id, created_by, created_at, reason, sup_at, sup_reason)| {
                RowVersion {
                    row: stored_shift(id, d, k, Ts(s), Ts(e), b, x),
                    version,
                    replaces_id,
                    created_by,
                    created_at,
                    correction_reason: reason,
                    superseded: sup_at.is_some(),
                    superseded_reason: sup_reason,
                }
            },
        )
        .collect())
}

/// The id of the doctor's latest timecard row (the one just written, in
/// the write transaction that wrote it).
pub fn latest_id(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<i64> {
    timecard_rows::table
        .filter(timecard_rows::doctor_id.eq(doctor_id))
        .select(diesel::dsl::max(timecard_rows::id))
        .first::<Option<i64>>(conn)
        .map(|id| id.unwrap_or(0))
}
