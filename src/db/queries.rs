//! The queries kinmu runs, written once for both backends.
//!
//! Reads are by time window and (optionally) a set of doctors, so a month's
//! report is a handful of queries whatever the number of doctors. Inserts go
//! in chunks inside the caller's transaction.

use super::models::*;
use super::schema::*;
use super::timestamp::{Ts, TsText};
use super::{AnyConnection, MultiBackend};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// Rows per INSERT statement: well under both backends' bind-parameter limits
/// (SQLite 32766, PostgreSQL 65535) for tables of up to 17 columns.
const INSERT_CHUNK: usize = 1000;

/// Rows per `COPY … FROM STDIN` of the bulk imports on PostgreSQL: few
/// round trips, and a bounded buffer whatever the file's size.
const COPY_ROWS: usize = 20_000;

/// Rows per multi-row INSERT on SQLite: a fixed number, so that diesel
/// prepares the statement once and caches it (an array's INSERT has a
/// static query id; a `Vec`'s is parsed anew for every chunk), and well
/// under SQLite's bind-parameter limit (32766) at 17 columns.
const SQLITE_ROWS: usize = 64;

/// Inserts rows inside the caller's transaction.
///
/// On SQLite rows go [`SQLITE_ROWS`] at a time through one cached
/// multi-row INSERT, the rest one by one through a cached single-row one:
/// a statement's fixed work (starting the program, opening the table's and
/// indexes' cursors, the AUTOINCREMENT counter, diesel's checks) is done
/// once per [`SQLITE_ROWS`] rows rather than once per row. Rows keep their
/// order, so their ids rise in it as before. A multi-row INSERT keeps a
/// statement journal (so that one failing part-way is undone alone), which
/// an import keeps in memory ([`super::with_import_cache`]). On PostgreSQL, where a
/// statement is a round trip, rows go by `COPY … FROM STDIN` (binary) in
/// chunks of [`COPY_ROWS`]: the same rows and checks as INSERTs (unique
/// indexes, foreign keys, ids from the sequence in order), without a bind
/// parameter per value.
///
/// `$row` turns one element of `$rows` into a tuple of `column.eq(value)`.
/// Its text is copied, a chunk at a time (diesel caches only a statement
/// whose values own their text), so no second copy of all the rows is held.
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $rows:expr, |$r:ident| $row:expr) => {{
        match $conn {
            AnyConnection::Sqlite(c) => {
                let mut chunks = $rows.chunks_exact(SQLITE_ROWS);
                for chunk in &mut chunks {
                    let values: [_; SQLITE_ROWS] = std::array::from_fn(|i| {
                        let $r = &chunk[i];
                        $row
                    });
                    diesel::insert_into($table).values(values).execute(c)?;
                }
                for $r in chunks.remainder() {
                    diesel::insert_into($table).values($row).execute(c)?;
                }
            }
            AnyConnection::Postgresql(c) => {
                for rows in $rows.chunks(COPY_ROWS) {
                    let chunk: Vec<_> = rows.iter().map(|$r| $row).collect();
                    diesel::copy_from($table).from_insertable(chunk).execute(c)?;
                }
            }
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

/// The doctors of `ids` (any order of ids; the result by staff id, as
/// [`all_doctors`]).
pub fn doctors_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<Doctor>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            doctors::table
                .filter(doctors::id.eq_any(chunk))
                .select(Doctor::as_select())
                .load(conn)?,
        );
    }
    out.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
    Ok(out)
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

/// Current (not superseded) rows of a shift table starting in `[from, to)`,
/// ordered by doctor, start and id; timestamps read as [`Ts`], which takes a
/// query per backend. `$extra` columns follow the shift's.
macro_rules! current_shifts {
    ($conn:expr, $table:ident, $doctor_ids:expr, $from:expr, $to:expr, ($($extra:expr),*), $row:ty) => {{
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
                        (
                            $table::study_status,
                            $table::confirmed_by,
                            $table::confirmed_at,
                            $table::employer,
                            $table::schedule_class,
                            $table::interval_rule,
                        ),
                        $($extra),*
                    ))
                    .into_boxed::<$backend>();
                match $doctor_ids {
                    Some(ids) => q.filter($table::doctor_id.eq_any(ids)),
                    None => q,
                }
            }};
        }
        let mut rows: Vec<$row> = match $conn {
            // SQLite: every doctor's range of the current rows' index
            // (doctor, start), asked for by "doctor in (every doctor)",
            // rather than the window by start — whose rows it would fetch
            // in no file order and sort with every column in a temporary
            // B-tree.
            AnyConnection::Sqlite(c) => match $doctor_ids {
                Some(_) => query!(diesel::sqlite::Sqlite).load(c)?,
                None => query!(diesel::sqlite::Sqlite)
                    .filter($table::doctor_id.eq_any(doctors::table.select(doctors::id)))
                    .load(c)?,
            },
            AnyConnection::Postgresql(c) => query!(diesel::pg::Pg).load(c)?,
        };
        // By doctor, then start, then id (the order of storing), on both
        // databases alike.
        rows.sort_unstable_by_key(|r| (r.1, r.3, r.0));
        rows
    }};
}

/// The rule book v2 columns of a shift row, as selected by `current_shifts!`.
pub(super) type ExtrasRow = (
    String,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
    String,
    Option<String>,
);

pub(super) fn stored_shift(
    id: i64,
    doctor_id: i64,
    kind: String,
    start: Ts,
    end: Ts,
    break_minutes: i32,
    (study_status, confirmed_by, confirmed_at, employer, schedule_class, interval_rule): ExtrasRow,
) -> StoredShift {
    StoredShift {
        id,
        doctor_id,
        kind,
        start_at: start.0,
        end_at: end.0,
        break_minutes,
        extras: ShiftExtras {
            study_status,
            confirmed_by,
            confirmed_at,
            employer,
            schedule_class,
            interval_rule,
        },
    }
}

/// Current (not superseded) timecard rows starting in `[from, to)`, with
/// their version numbers and, for corrections, the reason given; all
/// doctors when `doctor_ids` is `None`.
pub fn current_timecard(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(StoredShift, i32, Option<String>)>> {
    let rows = current_shifts!(
        conn,
        timecard_rows,
        doctor_ids,
        from,
        to,
        (timecard_rows::version, timecard_rows::correction_reason),
        (i64, i64, String, Ts, Ts, i32, ExtrasRow, i32, Option<String>)
    );
    Ok(rows
        .into_iter()
        .map(|(id, d, k, s, e, b, x, version, reason)| (stored_shift(id, d, k, s, e, b, x), version, reason))
        .collect())
}

/// Current (not superseded) timecard rows starting in `[from, to)`, with
/// their version numbers and the import batch that stored them (`None`: a
/// row HR added on the discrepancy screen), for a timecard import to
/// classify its rows against.
pub fn current_timecard_batches(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(StoredShift, i32, Option<i64>)>> {
    let rows = current_shifts!(
        conn,
        timecard_rows,
        doctor_ids,
        from,
        to,
        (timecard_rows::version, timecard_rows::batch_id),
        (i64, i64, String, Ts, Ts, i32, ExtrasRow, i32, Option<i64>)
    );
    Ok(rows
        .into_iter()
        .map(|(id, d, k, s, e, b, x, version, batch)| (stored_shift(id, d, k, s, e, b, x), version, batch))
        .collect())
}

/// Current planned rows starting in `[from, to)`.
pub fn current_roster(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<StoredShift>> {
    let rows = current_shifts!(
        conn,
        roster_rows,
        doctor_ids,
        from,
        to,
        (),
        (i64, i64, String, Ts, Ts, i32, ExtrasRow)
    );
    Ok(rows
        .into_iter()
        .map(|(id, d, k, s, e, b, x)| stored_shift(id, d, k, s, e, b, x))
        .collect())
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

/// Completes a batch recorded before its rows were read (a file imported
/// in blocks): its file's hash, encoding and counts.
pub fn finish_batch(
    conn: &mut AnyConnection,
    id: i64,
    file_sha256: &str,
    encoding: &str,
    counts: [i32; 4],
) -> QueryResult<()> {
    let [inserted, corrected, unchanged, rejected] = counts;
    diesel::update(import_batches::table.find(id))
        .set((
            import_batches::file_sha256.eq(file_sha256),
            import_batches::encoding.eq(encoding),
            import_batches::inserted.eq(inserted),
            import_batches::corrected.eq(corrected),
            import_batches::unchanged.eq(unchanged),
            import_batches::rejected.eq(rejected),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn import_batches_recent(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<ImportBatch>> {
    import_batches::table
        .select(ImportBatch::as_select())
        .order(import_batches::id.desc())
        .limit(limit)
        .load(conn)
}

/// Who, when, why and by which import timecard rows are superseded.
#[derive(Debug, Clone, Copy)]
pub struct Supersession<'a> {
    pub at: NaiveDateTime,
    pub by: Option<&'a str>,
    /// 日本語 / English, e.g. 「再取込による訂正 / corrected by re-import」.
    pub reason: &'a str,
    pub batch_id: Option<i64>,
}

/// Marks timecard rows as superseded — replaced by a newer version, or no
/// longer in a re-export of their period (their data stays), keeping who,
/// when, why and by which import.
pub fn supersede_timecard(conn: &mut AnyConnection, ids: &[i64], s: &Supersession) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(INSERT_CHUNK) {
        n += diesel::update(timecard_rows::table.filter(timecard_rows::id.eq_any(chunk.to_vec())))
            .set((
                timecard_rows::superseded_at.eq(Some(s.at)),
                timecard_rows::superseded_by.eq(s.by),
                timecard_rows::superseded_reason.eq(Some(s.reason)),
                timecard_rows::superseded_batch_id.eq(s.batch_id),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

/// Marks planned rows as withdrawn by a newer roster, import `batch_id`
/// (their data stays; the roster as it stood before is rebuilt from it,
/// see [`super::roster`]).
pub fn supersede_roster(conn: &mut AnyConnection, ids: &[i64], at: NaiveDateTime, batch_id: i64) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(INSERT_CHUNK) {
        n += diesel::update(roster_rows::table.filter(roster_rows::id.eq_any(chunk.to_vec())))
            .set((
                roster_rows::superseded_at.eq(Some(at)),
                roster_rows::superseded_batch_id.eq(Some(batch_id)),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

pub fn insert_timecard_rows(conn: &mut AnyConnection, rows: &[NewTimecardRow]) -> QueryResult<()> {
    use timecard_rows as t;
    batch_insert!(conn, t::table, rows, |r| (
        t::doctor_id.eq(r.doctor_id),
        t::kind.eq(r.kind.clone()),
        t::start_at.eq(TsText::new(r.start_at)),
        t::end_at.eq(TsText::new(r.end_at)),
        t::break_minutes.eq(r.break_minutes),
        t::version.eq(r.version),
        t::replaces_id.eq(r.replaces_id),
        t::batch_id.eq(r.batch_id),
        t::source_line.eq(r.source_line),
        t::correction_reason.eq(r.correction_reason.clone()),
        t::created_by.eq(r.created_by.clone()),
        t::created_at.eq(TsText::new(r.created_at)),
        t::study_status.eq(r.extras.study_status.clone()),
        t::confirmed_by.eq(r.extras.confirmed_by.clone()),
        t::confirmed_at.eq(r.extras.confirmed_at),
        t::employer.eq(r.extras.employer.clone()),
        t::schedule_class.eq(r.extras.schedule_class.clone()),
        t::interval_rule.eq(r.extras.interval_rule.clone()),
    ))
}

pub fn insert_roster_rows(conn: &mut AnyConnection, rows: &[NewRosterRow]) -> QueryResult<()> {
    use roster_rows as t;
    batch_insert!(conn, t::table, rows, |r| (
        t::doctor_id.eq(r.doctor_id),
        t::kind.eq(r.kind.clone()),
        t::start_at.eq(TsText::new(r.start_at)),
        t::end_at.eq(TsText::new(r.end_at)),
        t::break_minutes.eq(r.break_minutes),
        t::batch_id.eq(r.batch_id),
        t::source_line.eq(r.source_line),
        t::created_at.eq(TsText::new(r.created_at)),
        t::study_status.eq(r.extras.study_status.clone()),
        t::confirmed_by.eq(r.extras.confirmed_by.clone()),
        t::confirmed_at.eq(r.extras.confirmed_at),
        t::employer.eq(r.extras.employer.clone()),
        t::schedule_class.eq(r.extras.schedule_class.clone()),
        t::interval_rule.eq(r.extras.interval_rule.clone()),
    ))
}

pub fn insert_pc_sessions(conn: &mut AnyConnection, rows: &[NewPcSession]) -> QueryResult<()> {
    use pc_sessions as t;
    batch_insert!(conn, t::table, rows, |r| (
        t::doctor_id.eq(r.doctor_id),
        t::pc_name.eq(r.pc_name.clone()),
        t::logon_at.eq(TsText::new(r.logon_at)),
        t::logoff_at.eq(TsText::new(r.logoff_at)),
        t::batch_id.eq(r.batch_id),
        t::source_line.eq(r.source_line),
    ))
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
        (
            "pc_review_resolutions",
            super::schema::pc_review_resolutions::table.count().get_result(conn)?,
        ),
        ("audit_log", audit_log::table.count().get_result(conn)?),
        ("doctor_employers", doctor_employers::table.count().get_result(conn)?),
        ("roster_ranges", roster_ranges::table.count().get_result(conn)?),
        ("permits", super::schema::permits::table.count().get_result(conn)?),
    ])
}
