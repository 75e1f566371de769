//! The interview records' tables — interviews, pre-checks, self-checks and
//! measures (rules §8, §10) — as the screens and the jobs read them, and the
//! self-check's insert. The rules of writing a record are those of
//! `monitor::records`; this module only reads and stores rows.

use super::models::{Doctor, Interview, Measure, NewSelfCheck, PreCheck, SelfCheck};
use super::schema::{doctors, interviews, measures, prechecks, self_checks, users};
use super::AnyConnection;
use crate::domain::time::YearMonth;
use chrono::NaiveDate;
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
    prechecks::table
        .filter(prechecks::doctor_id.eq(doctor_id))
        .filter(prechecks::month.eq(month.to_string()))
        .order(prechecks::id)
        .select(PreCheck::as_select())
        .load(conn)
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
