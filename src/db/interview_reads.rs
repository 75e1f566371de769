//! Reads of interviews, pre-checks and measures for the read models (the
//! dashboard's interview column, a doctor's month).

use super::models::{Interview, Measure, PreCheck};
use super::schema::{doctors, interviews, measures, prechecks, users};
use super::AnyConnection;
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

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
pub fn interviews_of_doctor(
    conn: &mut AnyConnection,
    doctor_id: i64,
) -> QueryResult<Vec<(Interview, Option<String>)>> {
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

/// The pre-checks of a doctor-month (`YYYY-MM`), oldest first.
pub fn prechecks_of(conn: &mut AnyConnection, doctor_id: i64, month: &str) -> QueryResult<Vec<PreCheck>> {
    prechecks::table
        .filter(prechecks::doctor_id.eq(doctor_id))
        .filter(prechecks::month.eq(month))
        .order(prechecks::id)
        .select(PreCheck::as_select())
        .load(conn)
}

/// A doctor's measures cases, newest month first.
pub fn measures_of_doctor(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<Vec<Measure>> {
    measures::table
        .filter(measures::doctor_id.eq(doctor_id))
        .order(measures::month.desc())
        .select(Measure::as_select())
        .load(conn)
}
