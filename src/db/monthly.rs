//! The monthly check's own records: the frozen count of doctors expected
//! at ≥ 100 h of each agreement month (`monthly_checks`, rules §19) and the
//! 安衛法 80 h notices (`anei_notices`, rules §16). What is frozen or
//! notified and when is `monitor::monthly`'s and `monitor::anei`'s rule;
//! this module only reads and stores rows.

use super::models::Doctor;
use super::schema::{anei_notices, doctors, monthly_checks};
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

/// The status of a notice whose mail went to the outbox.
pub const NOTICE_QUEUED: &str = "queued";
/// The status of a notice that could not be mailed (no address).
pub const NOTICE_NOT_SENT: &str = "not_sent";

/// A recorded 安衛法 80 h notice (one per doctor and month).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = anei_notices)]
pub struct AneiNotice {
    pub id: i64,
    pub doctor_id: i64,
    pub month: String,
    pub total_minutes: i32,
    pub excess_minutes: i32,
    pub status: String,
    pub mail_key: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub physician_listed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = anei_notices)]
pub struct NewAneiNotice<'a> {
    pub doctor_id: i64,
    pub month: &'a str,
    pub total_minutes: i32,
    pub excess_minutes: i32,
    pub status: &'a str,
    pub mail_key: Option<String>,
    pub recorded_at: NaiveDateTime,
}

/// The notices of a month (`YYYY-MM`) with their doctors, in staff-id order.
pub fn anei_notices_of_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(AneiNotice, Doctor)>> {
    anei_notices::table
        .inner_join(doctors::table)
        .filter(anei_notices::month.eq(month))
        .order(doctors::staff_id)
        .select((AneiNotice::as_select(), Doctor::as_select()))
        .load(conn)
}

/// Records a notice; call in the check's write transaction, after
/// [`anei_notices_of_month`] found none for the doctor.
pub fn insert_anei_notice(conn: &mut AnyConnection, new: &NewAneiNotice) -> QueryResult<usize> {
    diesel::insert_into(anei_notices::table).values(new).execute(conn)
}

/// A notice that was not sent is mailed after all (the doctor has an
/// address now).
pub fn set_anei_notice_queued(conn: &mut AnyConnection, id: i64, mail_key: &str) -> QueryResult<usize> {
    diesel::update(anei_notices::table.find(id))
        .set((
            anei_notices::status.eq(NOTICE_QUEUED),
            anei_notices::mail_key.eq(Some(mail_key)),
        ))
        .execute(conn)
}

/// Marks notices as listed to the 産業医 at `at`.
pub fn set_anei_listed(conn: &mut AnyConnection, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(anei_notices::table.filter(anei_notices::id.eq_any(ids)))
        .set(anei_notices::physician_listed_at.eq(Some(at)))
        .execute(conn)
}

/// How many lists of a month went to the 産業医 (the distinct times
/// notices were listed).
pub fn anei_lists_of_month(conn: &mut AnyConnection, month: &str) -> QueryResult<usize> {
    let times: Vec<Option<NaiveDateTime>> = anei_notices::table
        .filter(anei_notices::month.eq(month))
        .filter(anei_notices::physician_listed_at.is_not_null())
        .select(anei_notices::physician_listed_at)
        .distinct()
        .load(conn)?;
    Ok(times.len())
}
