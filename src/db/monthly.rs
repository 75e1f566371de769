//! The monthly check's own records: the frozen count of doctors expected
//! at ≥ 100 h of each agreement month (`monthly_checks`, rules §19). What
//! is frozen and when is `monitor::monthly`'s rule; this module only reads
//! and stores rows.

use super::schema::monthly_checks;
use super::AnyConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The stored first check of a month. `expected_100` is a JSON array of
/// staff ids (see [`FrozenCheck::staff_ids`]).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = monthly_checks)]
pub struct FrozenCheck {
    pub id: i64,
    pub month: String,
    pub month_first_day: NaiveDate,
    pub month_last_day: NaiveDate,
    pub expected_100: String,
    pub expected_100_count: i32,
    pub frozen_at: NaiveDateTime,
}

impl FrozenCheck {
    /// The frozen staff ids; a value that is not a JSON array of strings
    /// (edited outside kinmu) reads as none.
    pub fn staff_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.expected_100).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = monthly_checks)]
pub struct NewFrozenCheck<'a> {
    pub month: &'a str,
    pub month_first_day: NaiveDate,
    pub month_last_day: NaiveDate,
    pub expected_100: String,
    pub expected_100_count: i32,
    pub frozen_at: NaiveDateTime,
}

/// The frozen check of a month (`YYYY-MM`), if it was checked.
pub fn frozen_check(conn: &mut AnyConnection, month: &str) -> QueryResult<Option<FrozenCheck>> {
    monthly_checks::table
        .filter(monthly_checks::month.eq(month))
        .select(FrozenCheck::as_select())
        .first(conn)
        .optional()
}

/// The frozen checks of these months (`YYYY-MM`), in month order.
pub fn frozen_checks_of(conn: &mut AnyConnection, months: &[String]) -> QueryResult<Vec<FrozenCheck>> {
    monthly_checks::table
        .filter(monthly_checks::month.eq_any(months))
        .order(monthly_checks::month)
        .select(FrozenCheck::as_select())
        .load(conn)
}

/// Stores a month's first check; call in the check's write transaction,
/// after [`frozen_check`] found none.
pub fn insert_frozen_check(conn: &mut AnyConnection, new: &NewFrozenCheck) -> QueryResult<usize> {
    diesel::insert_into(monthly_checks::table).values(new).execute(conn)
}
