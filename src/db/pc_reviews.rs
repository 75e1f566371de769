//! The `pc_review_resolutions` table (rules §9): the resolution of a PC
//! review item (a doctor's day and kind), the insert of one, and the
//! resolutions of a month or a range of days. The rules of resolving are
//! `pc_reviews`'; this module only reads and stores rows.

use super::discrepancies::ResolutionRecord;
use super::schema::{doctors, pc_review_resolutions};
use super::AnyConnection;
use crate::domain::time::YearMonth;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// A resolution to insert.
#[derive(Insertable)]
#[diesel(table_name = pc_review_resolutions, treat_none_as_default_value = false)]
pub struct NewReviewResolution {
    pub doctor_id: i64,
    pub day: NaiveDate,
    pub kind: String,
    pub resolution: String,
    pub reason: String,
    pub resolved_by: Option<String>,
    pub resolved_at: NaiveDateTime,
}

/// A resolution as the screen lists it: the doctor's id, the item's kind,
/// and the fields a discrepancy resolution is listed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub doctor_id: i64,
    pub kind: String,
    pub record: ResolutionRecord,
}

/// The resolution of a doctor's day and kind, if it has one: its code and
/// who resolved it.
pub fn resolution_of_item(
    conn: &mut AnyConnection,
    doctor_id: i64,
    day: NaiveDate,
    kind: &str,
) -> QueryResult<Option<(String, Option<String>)>> {
    pc_review_resolutions::table
        .filter(pc_review_resolutions::doctor_id.eq(doctor_id))
        .filter(pc_review_resolutions::day.eq(day))
        .filter(pc_review_resolutions::kind.eq(kind))
        .select((pc_review_resolutions::resolution, pc_review_resolutions::resolved_by))
        .first(conn)
        .optional()
}

/// Inserts one resolution (a second one of the same doctor, day and kind is
/// a unique violation).
pub fn insert_review_resolution(conn: &mut AnyConnection, new: &NewReviewResolution) -> QueryResult<usize> {
    diesel::insert_into(pc_review_resolutions::table)
        .values(new)
        .execute(conn)
}

/// The resolutions of the days of a month, by day, staff id and kind.
pub fn review_resolutions_of_month(conn: &mut AnyConnection, month: YearMonth) -> QueryResult<Vec<ReviewRecord>> {
    let rows: Vec<(i64, String, ResolutionRecord)> = pc_review_resolutions::table
        .inner_join(doctors::table)
        .filter(pc_review_resolutions::day.ge(month.first_day()))
        .filter(pc_review_resolutions::day.le(month.last_day()))
        .order((
            pc_review_resolutions::day,
            doctors::staff_id,
            pc_review_resolutions::kind,
        ))
        .select((
            pc_review_resolutions::doctor_id,
            pc_review_resolutions::kind,
            (
                doctors::staff_id,
                doctors::name,
                pc_review_resolutions::day,
                pc_review_resolutions::resolution,
                pc_review_resolutions::reason,
                pc_review_resolutions::resolved_by,
                pc_review_resolutions::resolved_at,
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(doctor_id, kind, record)| ReviewRecord {
            doctor_id,
            kind,
            record,
        })
        .collect())
}

/// The resolved items of days in `[from, to]`: doctor id, day and kind
/// (one query for the month's computation, every doctor at once).
pub fn reviews_resolved_between(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(i64, NaiveDate, String)>> {
    pc_review_resolutions::table
        .filter(pc_review_resolutions::day.ge(from))
        .filter(pc_review_resolutions::day.le(to))
        .select((
            pc_review_resolutions::doctor_id,
            pc_review_resolutions::day,
            pc_review_resolutions::kind,
        ))
        .load(conn)
}
