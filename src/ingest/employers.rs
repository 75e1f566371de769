//! Importing the doctors' other employers (formats.md C.3): the key is the
//! doctor and the employer's name; a new pair is inserted, a changed one
//! updated with the change in the audit log, an equal one left alone. Pairs
//! stored but not in the file stay (a file may list one department).

use super::plan::{unknown_doctor, Plan, Register, Tx, Upsert};
use super::ImportRequest;
use crate::db::models::{DoctorEmployer, NewDoctorEmployer};
use crate::db::{employers as db, queries, AnyConnection};
use crate::import::{EmployerRecord, Lined, Rejections};
use std::collections::HashMap;

/// Employers: new pairs inserted, changed ones updated (the audit log keeps
/// the old and new values).
pub(super) fn employers(
    conn: &mut AnyConnection,
    rows: Vec<Lined<EmployerRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let doctors: HashMap<String, i64> = queries::all_doctors(conn)?
        .into_iter()
        .map(|d| (d.staff_id, d.id))
        .collect();
    let mut ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| doctors.get(&r.value.staff_id).copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut stored: HashMap<(i64, String), DoctorEmployer> = HashMap::new();
    for chunk in ids.chunks(500) {
        for e in db::stored(conn, Some(chunk))? {
            stored.insert((e.doctor_id, e.employer.clone()), e);
        }
    }
    let mut changes: Upsert<DoctorEmployer, NewDoctorEmployer> = Upsert::new();
    for Lined { line, value: rec } in rows {
        let Some(&doctor_id) = doctors.get(&rec.staff_id) else {
            rejected.push(unknown_doctor(line, &rec.staff_id));
            continue;
        };
        let new = NewDoctorEmployer {
            doctor_id,
            employer: rec.employer,
            contract_date: rec.contract_date,
            dispatched: i32::from(rec.dispatched),
            updated_at: req.now,
        };
        match stored.get(&(doctor_id, new.employer.clone())) {
            Some(old) if old.fields() == new.fields() => changes.unchanged += 1,
            Some(old) => changes.updates.push((old.clone(), new, ("staff_id", rec.staff_id))),
            None => changes.inserts.push(new),
        }
    }
    Ok(changes.plan(
        req,
        Register {
            category: crate::audit::Category::Doctor,
            operation: "update_employer",
            insert: |conn, new| db::insert(conn, std::slice::from_ref(new)),
            update: |conn, old, new| db::update(conn, old.id, new),
            before: DoctorEmployer::fields,
            after: NewDoctorEmployer::fields,
        },
    ))
}
