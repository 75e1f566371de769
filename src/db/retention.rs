//! The retention purge's and the legal holds' queries (rules §10): which
//! doctors are on hold, the expired rows of every record table, and the
//! deletions. The rules — what has expired, what a hold keeps, the order
//! foreign keys ask for — are `records`'; this module only reads and
//! deletes rows.

use super::schema::{
    discrepancy_resolutions, doctors, interview_opinions, interviews, legal_holds, measures, pc_review_resolutions,
    pc_sessions, prechecks, record_addenda, roster_rows, self_checks, timecard_rows,
};
use super::AnyConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The doctors with an active (not released) legal hold, each once.
pub fn held_doctor_ids(conn: &mut AnyConnection) -> QueryResult<Vec<i64>> {
    legal_holds::table
        .filter(legal_holds::released_at.is_null())
        .select(legal_holds::doctor_id)
        .distinct()
        .load(conn)
}

/// The id of the doctor with this staff id, if there is one.
pub fn doctor_id_of(conn: &mut AnyConnection, staff_id: &str) -> QueryResult<Option<i64>> {
    doctors::table
        .filter(doctors::staff_id.eq(staff_id))
        .select(doctors::id)
        .first(conn)
        .optional()
}

/// How many active legal holds a doctor has.
pub fn holds_of(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<i64> {
    legal_holds::table
        .filter(legal_holds::doctor_id.eq(doctor_id))
        .filter(legal_holds::released_at.is_null())
        .count()
        .get_result(conn)
}

/// Inserts a legal hold on a doctor.
pub fn insert_hold(
    conn: &mut AnyConnection,
    doctor_id: i64,
    reason: &str,
    placed_by: Option<&str>,
    placed_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(legal_holds::table)
        .values((
            legal_holds::doctor_id.eq(doctor_id),
            legal_holds::reason.eq(reason),
            legal_holds::placed_by.eq(placed_by),
            legal_holds::placed_at.eq(placed_at),
        ))
        .execute(conn)
}

/// The largest legal-hold id of a doctor (the hold placed last), if any.
pub fn newest_hold_id(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<Option<i64>> {
    legal_holds::table
        .filter(legal_holds::doctor_id.eq(doctor_id))
        .select(diesel::dsl::max(legal_holds::id))
        .first::<Option<i64>>(conn)
}

/// Marks every active legal hold of a doctor released at `at`; returns how many.
pub fn release_holds_of(conn: &mut AnyConnection, doctor_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        legal_holds::table
            .filter(legal_holds::doctor_id.eq(doctor_id))
            .filter(legal_holds::released_at.is_null()),
    )
    .set(legal_holds::released_at.eq(Some(at)))
    .execute(conn)
}

/// Ids of the timecard rows (superseded ones included) starting before
/// `cutoff`, of doctors not in `held`.
pub fn timecard_ids_before(conn: &mut AnyConnection, held: &[i64], cutoff: NaiveDateTime) -> QueryResult<Vec<i64>> {
    timecard_rows::table
        .filter(timecard_rows::start_at.lt(cutoff))
        .filter(timecard_rows::doctor_id.ne_all(held))
        .select(timecard_rows::id)
        .load(conn)
}

/// Ids of one doctor's timecard rows (superseded ones included) starting
/// before `cutoff`.
pub fn timecard_ids_of_before(
    conn: &mut AnyConnection,
    doctor_id: i64,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    timecard_rows::table
        .filter(timecard_rows::doctor_id.eq(doctor_id))
        .filter(timecard_rows::start_at.lt(cutoff))
        .select(timecard_rows::id)
        .load(conn)
}

/// Every timecard row that replaces another: its id and the replaced row's.
pub fn timecard_replacements(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, Option<i64>)>> {
    timecard_rows::table
        .filter(timecard_rows::replaces_id.is_not_null())
        .select((timecard_rows::id, timecard_rows::replaces_id))
        .load(conn)
}

/// Deletes the timecard rows with these ids; returns how many.
pub fn delete_timecard_rows_by_id(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(timecard_rows::table.filter(timecard_rows::id.eq_any(ids))).execute(conn)
}

/// Deletes the roster rows starting before `cutoff` of doctors not in `held`.
pub fn delete_roster_before(conn: &mut AnyConnection, held: &[i64], cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        roster_rows::table
            .filter(roster_rows::start_at.lt(cutoff))
            .filter(roster_rows::doctor_id.ne_all(held)),
    )
    .execute(conn)
}

/// Deletes the PC sessions logged on before `cutoff` of doctors not in `held`.
pub fn delete_pc_sessions_before(conn: &mut AnyConnection, held: &[i64], cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        pc_sessions::table
            .filter(pc_sessions::logon_at.lt(cutoff))
            .filter(pc_sessions::doctor_id.ne_all(held)),
    )
    .execute(conn)
}

/// Deletes the discrepancy and PC review resolutions (rules §9) of days
/// before `first_kept` of doctors not in `held`; returns how many of each.
pub fn delete_resolutions_before(
    conn: &mut AnyConnection,
    held: &[i64],
    first_kept: NaiveDate,
) -> QueryResult<(usize, usize)> {
    let discrepancies = diesel::delete(
        discrepancy_resolutions::table
            .filter(discrepancy_resolutions::day.lt(first_kept))
            .filter(discrepancy_resolutions::doctor_id.ne_all(held)),
    )
    .execute(conn)?;
    let reviews = diesel::delete(
        pc_review_resolutions::table
            .filter(pc_review_resolutions::day.lt(first_kept))
            .filter(pc_review_resolutions::doctor_id.ne_all(held)),
    )
    .execute(conn)?;
    Ok((discrepancies, reviews))
}

/// Deletes the measures kept until before `today` of doctors not in `held`.
pub fn delete_expired_measures(conn: &mut AnyConnection, held: &[i64], today: NaiveDate) -> QueryResult<usize> {
    // Their addenda (追記) go with them.
    let ids: Vec<i64> = measures::table
        .filter(measures::retention_until.lt(today))
        .filter(measures::doctor_id.ne_all(held))
        .select(measures::id)
        .load(conn)?;
    for chunk in ids.chunks(500) {
        diesel::delete(
            record_addenda::table
                .filter(record_addenda::record_kind.eq("measure"))
                .filter(record_addenda::record_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    diesel::delete(
        measures::table
            .filter(measures::retention_until.lt(today))
            .filter(measures::doctor_id.ne_all(held)),
    )
    .execute(conn)
}

/// The interviews some measure refers to, each once.
pub fn interviews_referenced_by_measures(conn: &mut AnyConnection) -> QueryResult<Vec<Option<i64>>> {
    measures::table
        .filter(measures::interview_id.is_not_null())
        .select(measures::interview_id)
        .distinct()
        .load(conn)
}

/// Deletes the interviews kept until before `today` of doctors not in
/// `held`, except those in `referenced`.
pub fn delete_expired_interviews(
    conn: &mut AnyConnection,
    held: &[i64],
    referenced: &[i64],
    today: NaiveDate,
) -> QueryResult<usize> {
    // Their opinions (意見書) and addenda (追記) go with them.
    let ids: Vec<i64> = interviews::table
        .filter(interviews::retention_until.lt(today))
        .filter(interviews::doctor_id.ne_all(held))
        .filter(interviews::id.ne_all(referenced))
        .select(interviews::id)
        .load(conn)?;
    for chunk in ids.chunks(500) {
        diesel::delete(interview_opinions::table.filter(interview_opinions::interview_id.eq_any(chunk)))
            .execute(conn)?;
        diesel::delete(
            record_addenda::table
                .filter(record_addenda::record_kind.eq("interview"))
                .filter(record_addenda::record_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    diesel::delete(
        interviews::table
            .filter(interviews::retention_until.lt(today))
            .filter(interviews::doctor_id.ne_all(held))
            .filter(interviews::id.ne_all(referenced)),
    )
    .execute(conn)
}

/// Deletes the pre-checks kept until before `today` of doctors not in `held`.
pub fn delete_expired_prechecks(conn: &mut AnyConnection, held: &[i64], today: NaiveDate) -> QueryResult<usize> {
    diesel::delete(
        prechecks::table
            .filter(prechecks::retention_until.lt(today))
            .filter(prechecks::doctor_id.ne_all(held)),
    )
    .execute(conn)
}

/// Deletes the self-checks kept until before `today` of doctors not in `held`.
pub fn delete_expired_self_checks(conn: &mut AnyConnection, held: &[i64], today: NaiveDate) -> QueryResult<usize> {
    diesel::delete(
        self_checks::table
            .filter(self_checks::retention_until.lt(today))
            .filter(self_checks::doctor_id.ne_all(held)),
    )
    .execute(conn)
}

/// Deletes one doctor's roster rows starting before `cutoff`.
pub fn delete_roster_of_before(conn: &mut AnyConnection, doctor_id: i64, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        roster_rows::table
            .filter(roster_rows::doctor_id.eq(doctor_id))
            .filter(roster_rows::start_at.lt(cutoff)),
    )
    .execute(conn)
}

/// Deletes one doctor's PC sessions logged on before `cutoff`.
pub fn delete_pc_sessions_of_before(
    conn: &mut AnyConnection,
    doctor_id: i64,
    cutoff: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        pc_sessions::table
            .filter(pc_sessions::doctor_id.eq(doctor_id))
            .filter(pc_sessions::logon_at.lt(cutoff)),
    )
    .execute(conn)
}

/// Deletes one doctor's discrepancy and PC review resolutions of days
/// before `first_kept`; returns how many of each.
pub fn delete_resolutions_of_before(
    conn: &mut AnyConnection,
    doctor_id: i64,
    first_kept: NaiveDate,
) -> QueryResult<(usize, usize)> {
    let discrepancies = diesel::delete(
        discrepancy_resolutions::table
            .filter(discrepancy_resolutions::doctor_id.eq(doctor_id))
            .filter(discrepancy_resolutions::day.lt(first_kept)),
    )
    .execute(conn)?;
    let reviews = diesel::delete(
        pc_review_resolutions::table
            .filter(pc_review_resolutions::doctor_id.eq(doctor_id))
            .filter(pc_review_resolutions::day.lt(first_kept)),
    )
    .execute(conn)?;
    Ok((discrepancies, reviews))
}
