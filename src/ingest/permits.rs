//! Importing the 宿日直許可 register (formats.md R.3): the key is the permit
//! number; a new permit is inserted, a changed one updated with the change
//! in the audit log, an equal one left alone. Permits stored but not in the
//! file stay (a permit ends by its `revoked_on`).

use super::plan::{Plan, Register, Tx, Upsert};
use super::ImportRequest;
use crate::db::permits::{self as db, NewPermit, StoredPermit};
use crate::db::AnyConnection;
use crate::import::{Lined, PermitRecord, Rejections};
use std::collections::HashMap;

/// Permits: new ones inserted, changed ones updated (the audit log keeps
/// the old and new values).
pub(super) fn permits(
    conn: &mut AnyConnection,
    rows: Vec<Lined<PermitRecord>>,
    req: &ImportRequest,
    _rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let stored: HashMap<String, StoredPermit> = db::stored(conn)?
        .into_iter()
        .map(|p| (p.permit_no.clone(), p))
        .collect();
    let mut changes: Upsert<StoredPermit, NewPermit> = Upsert::new();
    for Lined { value: rec, .. } in rows {
        let new = NewPermit {
            permit_no: rec.permit_no,
            granted_on: rec.granted_on,
            kind: rec.kind.code().into(),
            departments: rec.departments.join("\n"),
            band_start: rec.band_start.format("%H:%M").to_string(),
            band_end: rec.band_end_text,
            weekdays: if rec.weekdays == crate::domain::permits::EVERY_DAY {
                String::new()
            } else {
                rec.weekdays.code()
            },
            revoked_on: rec.revoked_on,
            note: rec.note,
            updated_at: req.now,
        };
        match stored.get(&new.permit_no) {
            Some(old) if old.fields() == new.fields() => changes.unchanged += 1,
            Some(old) => {
                let key = ("permit_no", new.permit_no.clone());
                changes.updates.push((old.clone(), new, key));
            }
            None => changes.inserts.push(new),
        }
    }
    Ok(changes.plan(
        req,
        Register {
            category: crate::audit::Category::Change,
            operation: "update_permit",
            insert: |conn, new| db::insert(conn, std::slice::from_ref(new)),
            update: |conn, old, new| db::update(conn, old.id, new),
            before: StoredPermit::fields,
            after: NewPermit::fields,
        },
    ))
}
