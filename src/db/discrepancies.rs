//! The `discrepancy_resolutions` table: a day's resolution, the insert of
//! one, and the resolutions of a month or a range of days as the queue and
//! the print pack list them. The rules of resolving are `discrepancies`';
//! this module only reads and stores rows.

use super::schema::{discrepancy_resolutions, doctors};
use super::AnyConnection;
use crate::domain::time::YearMonth;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// A resolution to insert.
#[derive(Insertable)]
#[diesel(table_name = discrepancy_resolutions, treat_none_as_default_value = false)]
pub struct NewResolution {
    pub doctor_id: i64,
    pub day: NaiveDate,
    pub resolution: String,
    pub reason: String,
    pub resolved_by: Option<String>,
    pub resolved_at: NaiveDateTime,
}

/// A resolution as the queue lists it (fields in the order selected).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ResolutionRecord {
    pub staff_id: String,
    pub name: String,
    pub day: NaiveDate,
    pub resolution: String,
    pub reason: String,
    pub resolved_by: Option<String>,
    pub resolved_at: NaiveDateTime,
}

/// A doctor's day's resolution, if it has one: its code and who resolved it.
pub fn resolution_of_day(
    conn: &mut AnyConnection,
    doctor_id: i64,
    day: NaiveDate,
) -> QueryResult<Option<(String, Option<String>)>> {
    discrepancy_resolutions::table
        .filter(discrepancy_resolutions::doctor_id.eq(doctor_id))
        .filter(discrepancy_resolutions::day.eq(day))
        .select((
            discrepancy_resolutions::resolution,
            discrepancy_resolutions::resolved_by,
        ))
        .first(conn)
        .optional()
}

/// Inserts one resolution (a second one of the same doctor and day is a
/// unique violation).
pub fn insert_resolution(conn: &mut AnyConnection, new: &NewResolution) -> QueryResult<usize> {
    diesel::insert_into(discrepancy_resolutions::table)
        .values(new)
        .execute(conn)
}

/// The resolutions of the days of a month, by day then staff id.
pub fn resolutions_of_month(conn: &mut AnyConnection, month: YearMonth) -> QueryResult<Vec<ResolutionRecord>> {
    discrepancy_resolutions::table
        .inner_join(doctors::table)
        .filter(discrepancy_resolutions::day.ge(month.first_day()))
        .filter(discrepancy_resolutions::day.le(month.last_day()))
        .order((discrepancy_resolutions::day, doctors::staff_id))
        .select((
            doctors::staff_id,
            doctors::name,
            discrepancy_resolutions::day,
            discrepancy_resolutions::resolution,
            discrepancy_resolutions::reason,
            discrepancy_resolutions::resolved_by,
            discrepancy_resolutions::resolved_at,
        ))
        .load(conn)
}

/// The resolutions of days in `[from, to]` with their reasons: doctor id,
/// day, resolution code and reason.
pub fn resolutions_with_reasons_between(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(i64, NaiveDate, String, String)>> {
    discrepancy_resolutions::table
        .filter(discrepancy_resolutions::day.ge(from))
        .filter(discrepancy_resolutions::day.le(to))
        .select((
            discrepancy_resolutions::doctor_id,
            discrepancy_resolutions::day,
            discrepancy_resolutions::resolution,
            discrepancy_resolutions::reason,
        ))
        .load(conn)
}
