//! The employers file (formats.md C.3): a doctor's other employers, with
//! the contract date and whether this hospital dispatched the doctor there
//! (rules §5b.3, §16).

use super::models::{DoctorEmployer, NewDoctorEmployer};
use super::schema::doctor_employers;
use super::{AnyConnection, MultiBackend};
use crate::domain::profile::Employer;
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// The stored rows of some doctors (all when `None`), by doctor and name.
pub fn stored(conn: &mut AnyConnection, doctor_ids: Option<&[i64]>) -> QueryResult<Vec<DoctorEmployer>> {
    let mut q = doctor_employers::table
        .select(DoctorEmployer::as_select())
        .order((doctor_employers::doctor_id, doctor_employers::employer))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(doctor_employers::doctor_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// The other employers of some doctors (all when `None`), as the rules
/// read them, by doctor; doctors without any are absent.
pub fn employers_of(conn: &mut AnyConnection, doctor_ids: Option<&[i64]>) -> QueryResult<HashMap<i64, Vec<Employer>>> {
    let mut out: HashMap<i64, Vec<Employer>> = HashMap::new();
    for row in stored(conn, doctor_ids)? {
        out.entry(row.doctor_id).or_default().push(row.employer());
    }
    Ok(out)
}

pub fn insert(conn: &mut AnyConnection, rows: &[NewDoctorEmployer]) -> QueryResult<()> {
    // One by one: files of a few hundred rows, the same statement each time.
    for row in rows {
        diesel::insert_into(doctor_employers::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn update(conn: &mut AnyConnection, id: i64, row: &NewDoctorEmployer) -> QueryResult<()> {
    diesel::update(doctor_employers::table.find(id))
        .set(row)
        .execute(conn)
        .map(drop)
}
