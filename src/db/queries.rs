//! The queries kinmu runs, written once for both backends.
//!
//! Reads are by time window and (optionally) a set of doctors, so a month's
//! report is a handful of queries whatever the number of doctors. Inserts go
//! in chunks inside the caller's transaction.

use super::models::*;
use super::schema::*;
use super::{AnyConnection, MultiBackend};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// Rows per INSERT statement: well under both backends' bind-parameter limits
/// (SQLite 32766, PostgreSQL 65535) for tables of up to 14 columns.
const INSERT_CHUNK: usize = 1000;

/// Inserts rows in chunks of multi-row INSERTs. Diesel's multi-row insert
/// for SQLite lives on `SqliteConnection` itself, so this matches on the
/// backend; the statement is the same on both.
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(INSERT_CHUNK) {
            match $conn {
                AnyConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                AnyConnection::Postgresql(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
        Ok(())
    }};
}

pub fn all_doctors(conn: &mut AnyConnection) -> QueryResult<Vec<Doctor>> {
    doctors::table
        .select(Doctor::as_select())
        .order(doctors::staff_id.asc())
        .load(conn)
}

pub fn doctor_by_staff_id(conn: &mut AnyConnection, staff_id: &str) -> QueryResult<Option<Doctor>> {
    doctors::table
        .filter(doctors::staff_id.eq(staff_id))
        .select(Doctor::as_select())
        .first(conn)
        .optional()
}

pub fn insert_doctor(conn: &mut AnyConnection, new: &NewDoctor) -> QueryResult<()> {
    diesel::insert_into(doctors::table).values(new).execute(conn).map(drop)
}

pub fn update_doctor(conn: &mut AnyConnection, id: i64, fields: &DoctorFields) -> QueryResult<()> {
    diesel::update(doctors::table.find(id))
        .set(fields)
        .execute(conn)
        .map(drop)
}

/// Current (not superseded) timecard rows starting in `[from, to)`, with
/// their version numbers; all doctors when `doctor_ids` is `None`.
pub fn current_timecard(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(StoredShift, i32)>> {
    let mut q = timecard_rows::table
        .filter(timecard_rows::superseded_at.is_null())
        .filter(timecard_rows::start_at.ge(from))
        .filter(timecard_rows::start_at.lt(to))
        .select((
            (
                timecard_rows::id,
                timecard_rows::doctor_id,
                timecard_rows::kind,
                timecard_rows::start_at,
                timecard_rows::end_at,
                timecard_rows::break_minutes,
            ),
            timecard_rows::version,
        ))
        .order((timecard_rows::doctor_id, timecard_rows::start_at))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(timecard_rows::doctor_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Current planned rows starting in `[from, to)`.
pub fn current_roster(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<StoredShift>> {
    let mut q = roster_rows::table
        .filter(roster_rows::superseded_at.is_null())
        .filter(roster_rows::start_at.ge(from))
        .filter(roster_rows::start_at.lt(to))
        .select((
            roster_rows::id,
            roster_rows::doctor_id,
            roster_rows::kind,
            roster_rows::start_at,
            roster_rows::end_at,
            roster_rows::break_minutes,
        ))
        .order((roster_rows::doctor_id, roster_rows::start_at))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(roster_rows::doctor_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// PC sessions logged on in `[from, to)`.
pub fn pc_sessions_between(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<StoredPcSession>> {
    let mut q = pc_sessions::table
        .filter(pc_sessions::logon_at.ge(from))
        .filter(pc_sessions::logon_at.lt(to))
        .select((
            pc_sessions::doctor_id,
            pc_sessions::pc_name,
            pc_sessions::logon_at,
            pc_sessions::logoff_at,
        ))
        .order((pc_sessions::doctor_id, pc_sessions::logon_at))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(pc_sessions::doctor_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// Discrepancy resolutions of days in `[from, to]`.
pub fn resolutions_between(conn: &mut AnyConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Resolution>> {
    discrepancy_resolutions::table
        .filter(discrepancy_resolutions::day.ge(from))
        .filter(discrepancy_resolutions::day.le(to))
        .select((
            discrepancy_resolutions::doctor_id,
            discrepancy_resolutions::day,
            discrepancy_resolutions::resolution,
        ))
        .load(conn)
}

pub fn insert_batch(conn: &mut AnyConnection, batch: &NewImportBatch) -> QueryResult<i64> {
    diesel::insert_into(import_batches::table)
        .values(batch)
        .returning(import_batches::id)
        .get_result(conn)
}

pub fn import_batches_recent(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<ImportBatch>> {
    import_batches::table
        .select(ImportBatch::as_select())
        .order(import_batches::id.desc())
        .limit(limit)
        .load(conn)
}

/// Marks timecard rows as replaced by a newer version (their data stays).
pub fn supersede_timecard(conn: &mut AnyConnection, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(INSERT_CHUNK) {
        n += diesel::update(timecard_rows::table.filter(timecard_rows::id.eq_any(chunk.to_vec())))
            .set(timecard_rows::superseded_at.eq(Some(at)))
            .execute(conn)?;
    }
    Ok(n)
}

/// Marks planned rows as withdrawn by a newer roster (their data stays).
pub fn supersede_roster(conn: &mut AnyConnection, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(INSERT_CHUNK) {
        n += diesel::update(roster_rows::table.filter(roster_rows::id.eq_any(chunk.to_vec())))
            .set(roster_rows::superseded_at.eq(Some(at)))
            .execute(conn)?;
    }
    Ok(n)
}

pub fn insert_timecard_rows(conn: &mut AnyConnection, rows: &[NewTimecardRow]) -> QueryResult<()> {
    batch_insert!(conn, timecard_rows::table, rows)
}

pub fn insert_roster_rows(conn: &mut AnyConnection, rows: &[NewRosterRow]) -> QueryResult<()> {
    batch_insert!(conn, roster_rows::table, rows)
}

pub fn insert_pc_sessions(conn: &mut AnyConnection, rows: &[NewPcSession]) -> QueryResult<()> {
    batch_insert!(conn, pc_sessions::table, rows)
}

/// Appends one entry to the access log, chained to the newest entry (see
/// `crate::audit`). Runs in `write_transaction` — a savepoint when the caller
/// already holds one — so two writers never chain onto the same entry.
/// `at` is kept to the microsecond, the precision both backends store.
pub fn insert_audit(conn: &mut AnyConnection, entry: &NewAuditEntry) -> QueryResult<()> {
    super::write_transaction(conn, |conn| {
        let prev_hash: String = audit_log::table
            .select(audit_log::hash)
            .order(audit_log::id.desc())
            .first(conn)
            .optional()?
            .unwrap_or_default();
        let at = crate::audit::stored_time(entry.at);
        let hash = crate::audit::entry_hash(
            &prev_hash,
            at,
            entry.actor.as_deref(),
            &entry.category,
            &entry.operation,
            &entry.detail,
        );
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(at),
                audit_log::actor.eq(entry.actor.as_deref()),
                audit_log::category.eq(&entry.category),
                audit_log::operation.eq(&entry.operation),
                audit_log::detail.eq(&entry.detail),
                audit_log::prev_hash.eq(&prev_hash),
                audit_log::hash.eq(&hash),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// Counts of stored rows per table, for diagnostics and tests.
pub fn table_counts(conn: &mut AnyConnection) -> QueryResult<Vec<(&'static str, i64)>> {
    Ok(vec![
        ("doctors", doctors::table.count().get_result(conn)?),
        ("import_batches", import_batches::table.count().get_result(conn)?),
        ("timecard_rows", timecard_rows::table.count().get_result(conn)?),
        ("roster_rows", roster_rows::table.count().get_result(conn)?),
        ("pc_sessions", pc_sessions::table.count().get_result(conn)?),
        (
            "discrepancy_resolutions",
            discrepancy_resolutions::table.count().get_result(conn)?,
        ),
        ("audit_log", audit_log::table.count().get_result(conn)?),
    ])
}
