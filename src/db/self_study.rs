//! The reads the self-study confirmation and the doctor's declarations need
//! beyond `queries`: a timecard row's doctor (and start), by id (rules §2.3).

use super::schema::timecard_rows;
use super::timestamp::Ts;
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The doctor and start of timecard row `id` if it is current (not
/// superseded); `None` for an unknown or superseded row.
pub fn current_row_head(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<(i64, NaiveDateTime)>> {
    macro_rules! query {
        () => {
            timecard_rows::table
                .filter(timecard_rows::id.eq(id))
                .filter(timecard_rows::superseded_at.is_null())
                .select((timecard_rows::doctor_id, timecard_rows::start_at))
        };
    }
    let row: Option<(i64, Ts)> = match conn {
        AnyConnection::Sqlite(c) => query!().first(c).optional()?,
        AnyConnection::Postgresql(c) => query!().first(c).optional()?,
    };
    Ok(row.map(|(d, s)| (d, s.0)))
}

/// Whether timecard row `id` is a superseded version (corrected, decided or
/// withdrawn since) of a row of `doctor_id`.
pub fn is_superseded_row_of(conn: &mut AnyConnection, doctor_id: i64, id: i64) -> QueryResult<bool> {
    macro_rules! query {
        () => {
            timecard_rows::table
                .filter(timecard_rows::id.eq(id))
                .filter(timecard_rows::doctor_id.eq(doctor_id))
                .filter(timecard_rows::superseded_at.is_not_null())
                .count()
        };
    }
    let n: i64 = match conn {
        AnyConnection::Sqlite(c) => query!().get_result(c)?,
        AnyConnection::Postgresql(c) => query!().get_result(c)?,
    };
    Ok(n > 0)
}
