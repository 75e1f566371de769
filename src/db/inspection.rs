//! The inspector's print pack's reads (rules §12) beyond the month's
//! figures: the counts and dates of the prefecture's checklist (rows
//! stored, last imports, the jobs' runs) and the interviews, pre-checks,
//! measures and people of some months at once.

use super::models::{Interview, Measure, PreCheck, User};
use super::schema::{import_batches, interviews, job_runs, measures, pc_sessions, prechecks, timecard_rows, users};
use super::{AnyConnection, MultiBackend};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The doctors with an interview (any month) assigned to the physician
/// `login` now: the interview physician's print pack.
pub fn doctors_interviewed_by(conn: &mut AnyConnection, login: &str) -> QueryResult<Vec<i64>> {
    interviews::table
        .inner_join(users::table.on(interviews::physician_id.eq(users::id.nullable())))
        .filter(users::login.eq(login))
        .select(interviews::doctor_id)
        .distinct()
        .load(conn)
}

/// How many current (not superseded) timecard rows start in `[from, to)`;
/// all doctors when `doctor_ids` is `None`.
pub fn current_timecard_count(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    let mut q = timecard_rows::table
        .filter(timecard_rows::superseded_at.is_null())
        .filter(timecard_rows::start_at.ge(from))
        .filter(timecard_rows::start_at.lt(to))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(timecard_rows::doctor_id.eq_any(ids.to_vec()));
    }
    q.count().get_result(conn)
}

/// How many PC sessions were logged on in `[from, to)`; all doctors when
/// `doctor_ids` is `None`.
pub fn pc_session_count(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    let mut q = pc_sessions::table
        .filter(pc_sessions::logon_at.ge(from))
        .filter(pc_sessions::logon_at.lt(to))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(pc_sessions::doctor_id.eq_any(ids.to_vec()));
    }
    q.count().get_result(conn)
}

/// When the last import of a kind (`timecard`, `pclog` …) was made, if any.
pub fn last_import_at(conn: &mut AnyConnection, kind: &str) -> QueryResult<Option<NaiveDateTime>> {
    import_batches::table
        .filter(import_batches::kind.eq(kind))
        .select(diesel::dsl::max(import_batches::imported_at))
        .first(conn)
}

/// The start of the oldest timecard row stored, superseded versions
/// included; all doctors when `doctor_ids` is `None`.
pub fn oldest_timecard_start(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut q = timecard_rows::table
        .select(diesel::dsl::min(timecard_rows::start_at))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(timecard_rows::doctor_id.eq_any(ids.to_vec()));
    }
    q.first(conn)
}

/// The runs of the monthly job for these months (`YYYY-MM`): month and
/// when it finished, earliest first.
pub fn monthly_runs_of(conn: &mut AnyConnection, months: &[String]) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    job_runs::table
        .filter(job_runs::job.eq("monthly"))
        .filter(job_runs::month.eq_any(months))
        .select((job_runs::month, job_runs::finished_at))
        .order(job_runs::finished_at)
        .load(conn)
}

/// How many runs of the daily job were as of a day in `[from, to]`.
pub fn daily_run_count(conn: &mut AnyConnection, from: NaiveDate, to: NaiveDate) -> QueryResult<i64> {
    job_runs::table
        .filter(job_runs::job.eq("daily"))
        .filter(job_runs::as_of.ge(from))
        .filter(job_runs::as_of.le(to))
        .count()
        .get_result(conn)
}

/// The interviews of these months (`YYYY-MM`), in id order.
pub fn interviews_of_months(conn: &mut AnyConnection, months: &[String]) -> QueryResult<Vec<Interview>> {
    interviews::table
        .filter(interviews::month.eq_any(months))
        .order(interviews::id)
        .select(Interview::as_select())
        .load(conn)
}

/// The pre-checks of these months (`YYYY-MM`), in id order.
pub fn prechecks_of_months(conn: &mut AnyConnection, months: &[String]) -> QueryResult<Vec<PreCheck>> {
    prechecks::table
        .filter(prechecks::month.eq_any(months))
        .order(prechecks::id)
        .select(PreCheck::as_select())
        .load(conn)
}

/// The measures of these months (`YYYY-MM`), in id order.
pub fn measures_of_months(conn: &mut AnyConnection, months: &[String]) -> QueryResult<Vec<Measure>> {
    measures::table
        .filter(measures::month.eq_any(months))
        .order(measures::id)
        .select(Measure::as_select())
        .load(conn)
}

/// Every user.
pub fn all_users(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table.select(User::as_select()).load(conn)
}
