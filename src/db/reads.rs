//! Reads of a month's rows for the report, shaped for speed.
//!
//! A month of every doctor is hundreds of thousands of PC sessions, so these
//! reads select only the columns the rules use, and decode SQLite's text
//! timestamps with a fixed-format fast path (falling back to diesel's own
//! parser for any other stored form). Each backend gets the plan that suits
//! it:
//!
//! - SQLite: the sessions are read through the unique index
//!   `pc_sessions_key (doctor_id, logon_at, logoff_at, pc_name)`, which
//!   covers the columns read, one range of `logon_at` per doctor: no table
//!   lookups and no sort (the rows come out in the index's order). The
//!   `doctor_id IN (SELECT id FROM doctors)` filter (always true: the column
//!   is a foreign key) is what lets the planner seek per doctor.
//! - PostgreSQL: a plain range scan of `pc_sessions_logon` without ORDER BY
//!   (sorting a month's sessions would spill to disk at the default
//!   `work_mem`); the caller sorts each doctor's few hundred sessions.

use super::models::StoredShift;
use super::schema::{doctors, pc_sessions, roster_rows, timecard_rows};
use super::AnyConnection;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// A `Timestamp` column decoded without chrono's format parser on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, FromSqlRow)]
pub struct Ts(pub NaiveDateTime);

/// `YYYY-MM-DD HH:MM:SS`, the form diesel stores whole-second timestamps in.
fn parse_plain_timestamp(s: &[u8]) -> Option<NaiveDateTime> {
    if s.len() != 19 || s[4] != b'-' || s[7] != b'-' || s[10] != b' ' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        s[range]
            .iter()
            .try_fold(0u32, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(date.and_time(time))
}

impl FromSql<Timestamp, Sqlite> for Ts {
    fn from_sql(mut value: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if value.value_type() == Some(diesel::sqlite::SqliteType::Text) {
            if let Some(t) = parse_plain_timestamp(value.read_text().as_bytes()) {
                return Ok(Ts(t));
            }
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Ts)
    }
}

impl FromSql<Timestamp, Pg> for Ts {
    fn from_sql(value: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Ts)
    }
}

/// PC sessions logged on in `[from, to)` as `(doctor_id, logon, logoff)`:
/// grouped by doctor on SQLite, in no particular order on PostgreSQL (sort
/// each doctor's sessions).
pub fn pc_sessions_in(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(i64, Ts, Ts)>> {
    let columns = (pc_sessions::doctor_id, pc_sessions::logon_at, pc_sessions::logoff_at);
    let in_window = pc_sessions::logon_at.ge(from).and(pc_sessions::logon_at.lt(to));
    match conn {
        AnyConnection::Sqlite(c) => {
            let q = pc_sessions::table
                .filter(in_window)
                .select(columns)
                .order((pc_sessions::doctor_id, pc_sessions::logon_at, pc_sessions::logoff_at))
                .into_boxed::<Sqlite>();
            let q = match doctor_ids {
                Some(ids) => q.filter(pc_sessions::doctor_id.eq_any(ids)),
                None => q.filter(pc_sessions::doctor_id.eq_any(doctors::table.select(doctors::id))),
            };
            q.load(c)
        }
        AnyConnection::Postgresql(c) => {
            let q = pc_sessions::table.filter(in_window).select(columns).into_boxed::<Pg>();
            let q = match doctor_ids {
                Some(ids) => q.filter(pc_sessions::doctor_id.eq_any(ids)),
                None => q,
            };
            q.load(c)
        }
    }
}

/// A shift row as read: `(id, doctor_id, kind, start_at, end_at, break_minutes)`.
type ShiftRow = (i64, i64, String, Ts, Ts, i32);

fn stored(r: ShiftRow) -> StoredShift {
    StoredShift {
        id: r.0,
        doctor_id: r.1,
        kind: r.2,
        start_at: r.3 .0,
        end_at: r.4 .0,
        break_minutes: r.5,
    }
}

macro_rules! current_shifts {
    ($conn:expr, $table:ident, $doctor_ids:expr, $from:expr, $to:expr) => {{
        macro_rules! query {
            ($backend:ty) => {{
                let q = $table::table
                    .filter($table::superseded_at.is_null())
                    .filter($table::start_at.ge($from))
                    .filter($table::start_at.lt($to))
                    .select((
                        $table::id,
                        $table::doctor_id,
                        $table::kind,
                        $table::start_at,
                        $table::end_at,
                        $table::break_minutes,
                    ))
                    .order(($table::doctor_id, $table::start_at))
                    .into_boxed::<$backend>();
                match $doctor_ids {
                    Some(ids) => q.filter($table::doctor_id.eq_any(ids)),
                    None => q,
                }
            }};
        }
        let rows: Vec<ShiftRow> = match $conn {
            AnyConnection::Sqlite(c) => query!(Sqlite).load(c)?,
            AnyConnection::Postgresql(c) => query!(Pg).load(c)?,
        };
        Ok(rows.into_iter().map(stored).collect())
    }};
}

/// Current (not superseded) timecard rows starting in `[from, to)`, ordered
/// by doctor and start, as `queries::current_timecard` without the versions.
pub fn current_timecard_rows(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<StoredShift>> {
    current_shifts!(conn, timecard_rows, doctor_ids, from, to)
}

/// Current planned rows starting in `[from, to)`, ordered by doctor and
/// start, as `queries::current_roster`.
pub fn current_roster_rows(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<StoredShift>> {
    current_shifts!(conn, roster_rows, doctor_ids, from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_timestamps_decode_as_chrono_does() {
        for s in ["2024-06-01 08:31:21", "2024-02-29 00:00:00", "1999-12-31 23:59:59"] {
            let want = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
            assert_eq!(parse_plain_timestamp(s.as_bytes()), Some(want), "{s}");
        }
        for s in [
            "2024-06-01 08:31:21.5",
            "2024-06-01T08:31:21",
            "2023-02-29 00:00:00",
            "2024-06-01 24:00:00",
            "2024-06-01 08:31:60",
            "2024-06-01 08:3a:21",
            "2024-6-01 08:31:21",
            "",
        ] {
            assert_eq!(parse_plain_timestamp(s.as_bytes()), None, "{s}");
        }
    }
}
