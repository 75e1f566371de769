//! The interview records' tables — interviews, pre-checks, self-checks and
//! measures (rules §8, §10) — as the screens and the jobs read and write
//! them. The rules of writing a record are those of `monitor::records` and
//! the daily job's (`monitor::daily`); this module only reads and stores rows.

use super::models::{Doctor, Interview, Measure, NewInterview, NewMeasure, NewSelfCheck, PreCheck, SelfCheck};
use super::schema::{doctors, interviews, measures, prechecks, self_checks, users};
use super::AnyConnection;
use crate::domain::due::PreCheckMark;
use crate::domain::time::YearMonth;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// The open (not yet held) interviews of some doctors, every month, the
/// nearest deadline first, with their doctors.
pub fn open_interviews_of(conn: &mut AnyConnection, doctor_ids: &[i64]) -> QueryResult<Vec<(Interview, Doctor)>> {
    interviews::table
        .inner_join(doctors::table)
        .filter(interviews::doctor_id.eq_any(doctor_ids))
        .filter(interviews::held_on.is_null())
        .order((interviews::deadline, doctors::staff_id))
        .select((Interview::as_select(), Doctor::as_select()))
        .load(conn)
}

/// The open interview of a doctor's month, if any: its id and deadline.
pub fn open_interview_of(
    conn: &mut AnyConnection,
    doctor_id: i64,
    month: YearMonth,
) -> QueryResult<Option<(i64, NaiveDate)>> {
    interviews::table
        .filter(interviews::doctor_id.eq(doctor_id))
        .filter(interviews::month.eq(month.to_string()))
        .filter(interviews::held_on.is_null())
        .select((interviews::id, interviews::deadline))
        .first(conn)
        .optional()
}

/// The months (`YYYY-MM`, each once) in which a physician has interviews.
pub fn months_of_physician(conn: &mut AnyConnection, physician_id: i64) -> QueryResult<Vec<String>> {
    interviews::table
        .filter(interviews::physician_id.eq(physician_id))
        .select(interviews::month)
        .distinct()
        .load::<String>(conn)
}

/// An interview's opinion and physician, if the interview exists.
pub fn opinion_and_physician(
    conn: &mut AnyConnection,
    interview_id: i64,
) -> QueryResult<Option<(Option<String>, Option<i64>)>> {
    interviews::table
        .find(interview_id)
        .select((interviews::opinion, interviews::physician_id))
        .first(conn)
        .optional()
}

/// The latest pre-check of a doctor's month, if any.
pub fn latest_precheck(conn: &mut AnyConnection, doctor_id: i64, month: YearMonth) -> QueryResult<Option<PreCheck>> {
    prechecks::table
        .filter(prechecks::doctor_id.eq(doctor_id))
        .filter(prechecks::month.eq(month.to_string()))
        .order(prechecks::id.desc())
        .select(PreCheck::as_select())
        .first(conn)
        .optional()
}

/// A doctor's pre-checks of a month, oldest first (the latest counts), as
/// `monitor::records::interview` lists them for an interview.
pub fn prechecks_of(conn: &mut AnyConnection, doctor_id: i64, month: YearMonth) -> QueryResult<Vec<PreCheck>> {
    prechecks_of_month(conn, doctor_id, &month.to_string())
}

/// A doctor's pre-checks of a month (`YYYY-MM`), oldest first.
pub fn prechecks_of_month(conn: &mut AnyConnection, doctor_id: i64, month: &str) -> QueryResult<Vec<PreCheck>> {
    prechecks::table
        .filter(prechecks::doctor_id.eq(doctor_id))
        .filter(prechecks::month.eq(month))
        .order(prechecks::id)
        .select(PreCheck::as_select())
        .load(conn)
}

/// Every pre-check of a month (`YYYY-MM`) as `(doctor_id, mark)`, for the
/// A-level exception of every doctor (rules §8.4).
pub fn precheck_marks_of_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(i64, PreCheckMark)>> {
    let checks: Vec<PreCheck> = prechecks::table
        .filter(prechecks::month.eq(month))
        .order(prechecks::id)
        .select(PreCheck::as_select())
        .load(conn)?;
    Ok(checks.iter().map(|c| (c.doctor_id, c.mark())).collect())
}

/// Stores what decides an interview's timeliness (rules §8.2–§8.4): the
/// minute 100 h was reached, the exception and the planning deadline.
pub fn set_judgement(
    conn: &mut AnyConnection,
    interview_id: i64,
    reach_100_at: Option<NaiveDateTime>,
    exception: &str,
    deadline: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(interviews::table.find(interview_id))
        .set((
            interviews::reach_100_at.eq(reach_100_at),
            interviews::a_level_exception.eq(exception),
            interviews::deadline.eq(deadline),
        ))
        .execute(conn)
}

/// A doctor's self-checks of a month (`YYYY-MM`), newest first.
pub fn self_checks_of(conn: &mut AnyConnection, doctor_id: i64, month: &str) -> QueryResult<Vec<SelfCheck>> {
    self_checks::table
        .filter(self_checks::doctor_id.eq(doctor_id))
        .filter(self_checks::month.eq(month))
        .order(self_checks::id.desc())
        .select(SelfCheck::as_select())
        .load(conn)
}

/// A doctor's latest `limit` self-checks, any month, newest first.
pub fn recent_self_checks(conn: &mut AnyConnection, doctor_id: i64, limit: i64) -> QueryResult<Vec<SelfCheck>> {
    self_checks::table
        .filter(self_checks::doctor_id.eq(doctor_id))
        .order(self_checks::id.desc())
        .limit(limit)
        .select(SelfCheck::as_select())
        .load(conn)
}

/// Stores a doctor's self-check.
pub fn insert_self_check(conn: &mut AnyConnection, new: &NewSelfCheck) -> QueryResult<usize> {
    diesel::insert_into(self_checks::table).values(new).execute(conn)
}

/// The measures cases of some doctors not yet recorded, every month, by
/// month and staff id, with their doctors.
pub fn unrecorded_measures_of(conn: &mut AnyConnection, doctor_ids: &[i64]) -> QueryResult<Vec<(Measure, Doctor)>> {
    measures::table
        .inner_join(doctors::table)
        .filter(measures::doctor_id.eq_any(doctor_ids))
        .filter(measures::recorded_at.is_null())
        .order((measures::month, doctors::staff_id, measures::id))
        .select((Measure::as_select(), Doctor::as_select()))
        .load(conn)
}

/// A measures case with its doctor, if it exists.
pub fn measure_with_doctor(conn: &mut AnyConnection, measure_id: i64) -> QueryResult<Option<(Measure, Doctor)>> {
    measures::table
        .inner_join(doctors::table)
        .filter(measures::id.eq(measure_id))
        .select((Measure::as_select(), Doctor::as_select()))
        .first(conn)
        .optional()
}

/// The doctor of a measures case, if the case exists.
pub fn doctor_of_measure(conn: &mut AnyConnection, measure_id: i64) -> QueryResult<Option<Doctor>> {
    measures::table
        .inner_join(doctors::table)
        .filter(measures::id.eq(measure_id))
        .select(Doctor::as_select())
        .first(conn)
        .optional()
}

/// The interviews of a month (`YYYY-MM`) with their doctor's staff id, in
/// staff-id order.
pub fn interviews_of_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(String, Interview)>> {
    interviews::table
        .inner_join(doctors::table)
        .filter(interviews::month.eq(month))
        .order(doctors::staff_id)
        .select((doctors::staff_id, Interview::as_select()))
        .load(conn)
}

/// A doctor's interviews, newest month first, each with the login of its
/// physician (if one is assigned).
pub fn interviews_of_doctor(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<Vec<(Interview, Option<String>)>> {
    let found: Vec<Interview> = interviews::table
        .filter(interviews::doctor_id.eq(doctor_id))
        .order(interviews::month.desc())
        .select(Interview::as_select())
        .load(conn)?;
    let ids: Vec<i64> = found.iter().filter_map(|i| i.physician_id).collect();
    let logins: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        users::table
            .filter(users::id.eq_any(&ids))
            .select((users::id, users::login))
            .load(conn)?
            .into_iter()
            .collect()
    };
    Ok(found
        .into_iter()
        .map(|i| {
            let login = i.physician_id.and_then(|p| logins.get(&p).cloned());
            (i, login)
        })
        .collect())
}

/// A doctor's measures cases, newest month first.
pub fn measures_of_doctor(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<Vec<Measure>> {
    measures::table
        .filter(measures::doctor_id.eq(doctor_id))
        .order(measures::month.desc())
        .select(Measure::as_select())
        .load(conn)
}

/// The physician of every interview not yet held (one entry per interview).
pub fn open_interview_physicians(conn: &mut AnyConnection) -> QueryResult<Vec<Option<i64>>> {
    interviews::table
        .filter(interviews::held_on.is_null())
        .select(interviews::physician_id)
        .load(conn)
}

/// The interviews of a month with their doctors, in staff-id order.
pub fn interviews_with_doctors_of_month(
    conn: &mut AnyConnection,
    month: YearMonth,
) -> QueryResult<Vec<(Interview, Doctor)>> {
    interviews::table
        .inner_join(doctors::table)
        .filter(interviews::month.eq(month.to_string()))
        .order(doctors::staff_id)
        .select((Interview::as_select(), Doctor::as_select()))
        .load(conn)
}

/// An interview with its doctor, if the interview exists.
pub fn interview_with_doctor(conn: &mut AnyConnection, interview_id: i64) -> QueryResult<Option<(Interview, Doctor)>> {
    interviews::table
        .inner_join(doctors::table)
        .filter(interviews::id.eq(interview_id))
        .select((Interview::as_select(), Doctor::as_select()))
        .first(conn)
        .optional()
}

/// An interview by id (diesel's `NotFound` if there is none).
pub fn find_interview(conn: &mut AnyConnection, interview_id: i64) -> QueryResult<Interview> {
    interviews::table
        .find(interview_id)
        .select(Interview::as_select())
        .first(conn)
}

/// An interview by id, if it exists.
pub fn interview_by_id(conn: &mut AnyConnection, interview_id: i64) -> QueryResult<Option<Interview>> {
    find_interview(conn, interview_id).optional()
}

/// The interviews of a month (`YYYY-MM`), in no particular order.
pub fn interviews_in_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<Interview>> {
    interviews::table
        .filter(interviews::month.eq(month))
        .select(Interview::as_select())
        .load(conn)
}

/// The open (not yet held) interview of a doctor's month, if any.
pub fn open_interview_in(conn: &mut AnyConnection, doctor_id: i64, month: YearMonth) -> QueryResult<Option<Interview>> {
    interviews::table
        .filter(interviews::doctor_id.eq(doctor_id))
        .filter(interviews::month.eq(month.to_string()))
        .filter(interviews::held_on.is_null())
        .select(Interview::as_select())
        .first(conn)
        .optional()
}

/// When an interview was held (if it was) and its deadline.
pub type HeldAndDeadline = (Option<NaiveDate>, NaiveDate);

/// Each interview of a month (`YYYY-MM`) as its doctor's id, with the day
/// it was held (if it was) and its deadline.
pub fn held_and_deadlines_of_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(i64, HeldAndDeadline)>> {
    interviews::table
        .filter(interviews::month.eq(month))
        .select((interviews::doctor_id, (interviews::held_on, interviews::deadline)))
        .load(conn)
}

/// Stores a new interview.
pub fn insert_interview(conn: &mut AnyConnection, new: &NewInterview) -> QueryResult<usize> {
    diesel::insert_into(interviews::table).values(new).execute(conn)
}

/// Sets an interview's reach-100 date, deadline and reason.
pub fn set_reach_and_deadline(
    conn: &mut AnyConnection,
    interview_id: i64,
    reach_100_date: NaiveDate,
    deadline: NaiveDate,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(interviews::table.find(interview_id))
        .set((
            interviews::reach_100_date.eq(reach_100_date),
            interviews::deadline.eq(deadline),
            interviews::reason.eq(reason),
        ))
        .execute(conn)
}

/// Sets an interview's reason.
pub fn set_reason(conn: &mut AnyConnection, interview_id: i64, reason: &str) -> QueryResult<usize> {
    diesel::update(interviews::table.find(interview_id))
        .set(interviews::reason.eq(reason))
        .execute(conn)
}

/// Sets an interview's deadline.
pub fn set_deadline(conn: &mut AnyConnection, interview_id: i64, deadline: NaiveDate) -> QueryResult<usize> {
    diesel::update(interviews::table.find(interview_id))
        .set(interviews::deadline.eq(deadline))
        .execute(conn)
}

/// Sets an interview's physician, keeping the previous one.
pub fn set_physician(
    conn: &mut AnyConnection,
    interview_id: i64,
    physician_id: i64,
    previous_physician_id: Option<i64>,
) -> QueryResult<usize> {
    diesel::update(interviews::table.find(interview_id))
        .set((
            interviews::physician_id.eq(Some(physician_id)),
            interviews::previous_physician_id.eq(previous_physician_id),
        ))
        .execute(conn)
}

/// What the physician records of a held interview.
pub struct HeldInterview<'a> {
    pub held_on: NaiveDate,
    /// The minute it was held (rules §8.3).
    pub held_at: Option<NaiveDateTime>,
    pub check_work: &'a str,
    pub check_sleep: &'a str,
    pub check_fatigue: &'a str,
    pub check_mental_physical: &'a str,
    pub opinion: &'a str,
    pub recorded_by: &'a str,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

/// Records an interview as held, with the physician's record.
pub fn set_held(conn: &mut AnyConnection, interview_id: i64, r: &HeldInterview) -> QueryResult<usize> {
    diesel::update(interviews::table.find(interview_id))
        .set((
            interviews::held_on.eq(Some(r.held_on)),
            interviews::held_at.eq(r.held_at),
            interviews::check_work.eq(Some(r.check_work)),
            interviews::check_sleep.eq(Some(r.check_sleep)),
            interviews::check_fatigue.eq(Some(r.check_fatigue)),
            interviews::check_mental_physical.eq(Some(r.check_mental_physical)),
            interviews::opinion.eq(Some(r.opinion)),
            interviews::recorded_by.eq(Some(r.recorded_by)),
            interviews::recorded_at.eq(Some(r.recorded_at)),
            interviews::retention_until.eq(Some(r.retention_until)),
        ))
        .execute(conn)
}

/// Stores a manager's pre-check.
pub fn insert_precheck(conn: &mut AnyConnection, check: &PreCheck) -> QueryResult<usize> {
    diesel::insert_into(prechecks::table).values(check).execute(conn)
}

/// Keeps a doctor's pre-checks of a month (`YYYY-MM`) at least until `until`.
pub fn extend_precheck_retention(
    conn: &mut AnyConnection,
    doctor_id: i64,
    month: &str,
    until: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(
        prechecks::table
            .filter(prechecks::doctor_id.eq(doctor_id))
            .filter(prechecks::month.eq(month))
            .filter(prechecks::retention_until.lt(until)),
    )
    .set(prechecks::retention_until.eq(until))
    .execute(conn)
}

/// A doctor's measures cases of a month (`YYYY-MM`), oldest first.
pub fn measures_of_month(conn: &mut AnyConnection, doctor_id: i64, month: &str) -> QueryResult<Vec<Measure>> {
    measures::table
        .filter(measures::doctor_id.eq(doctor_id))
        .filter(measures::month.eq(month))
        .order(measures::id)
        .select(Measure::as_select())
        .load(conn)
}

/// The number of a doctor's measures cases of a month with a reason.
pub fn count_measures(conn: &mut AnyConnection, doctor_id: i64, month: &str, reason: &str) -> QueryResult<i64> {
    measures::table
        .filter(measures::doctor_id.eq(doctor_id))
        .filter(measures::month.eq(month))
        .filter(measures::reason.eq(reason))
        .count()
        .get_result(conn)
}

/// Each measures case of a month (`YYYY-MM`) as its doctor's id and reason.
pub fn measure_reasons_of_month(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(i64, String)>> {
    measures::table
        .filter(measures::month.eq(month))
        .select((measures::doctor_id, measures::reason))
        .load(conn)
}

/// The measures cases of a month with their doctors, by staff id.
pub fn measures_with_doctors_of_month(
    conn: &mut AnyConnection,
    month: YearMonth,
) -> QueryResult<Vec<(Measure, Doctor)>> {
    measures::table
        .inner_join(doctors::table)
        .filter(measures::month.eq(month.to_string()))
        .order((doctors::staff_id, measures::id))
        .select((Measure::as_select(), Doctor::as_select()))
        .load(conn)
}

/// Opens a measures case.
pub fn insert_measure(conn: &mut AnyConnection, new: &NewMeasure) -> QueryResult<usize> {
    diesel::insert_into(measures::table).values(new).execute(conn)
}

/// A measures case by id (diesel's `NotFound` if there is none).
pub fn find_measure(conn: &mut AnyConnection, measure_id: i64) -> QueryResult<Measure> {
    measures::table
        .find(measure_id)
        .select(Measure::as_select())
        .first(conn)
}

/// A measures case by id, if it exists.
pub fn measure_by_id(conn: &mut AnyConnection, measure_id: i64) -> QueryResult<Option<Measure>> {
    find_measure(conn, measure_id).optional()
}

/// The measures the manager records as taken on a case.
pub struct MeasuresTaken<'a> {
    pub shorter_hours: bool,
    pub fewer_night_duties: bool,
    pub other: bool,
    pub other_text: Option<&'a str>,
    pub recorded_by: &'a str,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

/// Records the measures taken on a case.
pub fn set_measures_taken(conn: &mut AnyConnection, measure_id: i64, t: &MeasuresTaken) -> QueryResult<usize> {
    diesel::update(measures::table.find(measure_id))
        .set((
            measures::shorter_hours.eq(i32::from(t.shorter_hours)),
            measures::fewer_night_duties.eq(i32::from(t.fewer_night_duties)),
            measures::other.eq(i32::from(t.other)),
            measures::other_text.eq(t.other_text),
            measures::recorded_by.eq(Some(t.recorded_by)),
            measures::recorded_at.eq(Some(t.recorded_at)),
            measures::retention_until.eq(Some(t.retention_until)),
        ))
        .execute(conn)
}

/// The minute each of some interviews was held (`None`: only the day was
/// recorded), by id.
pub fn held_times_of(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Option<NaiveDateTime>>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, Option<NaiveDateTime>)> = interviews::table
            .filter(interviews::id.eq_any(chunk))
            .select((interviews::id, interviews::held_at))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// The remarks (その他・特記事項) of an interview's record.
pub fn remarks_of(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<String>> {
    Ok(interviews::table
        .find(id)
        .select(interviews::opinion)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}
