//! Importing 代償休息 grants (formats.md R.4): the key is the doctor and
//! the grant's start; a new grant is inserted, a changed one updated with
//! the change in the audit log, an equal one left alone. Two grants of one
//! doctor that overlap — in the file, or a row of the file and a stored
//! grant as the file's earlier rows leave them — refuse the later row,
//! naming the other.
//! Grants stored but not in the file stay.

use super::plan::{row_error, unknown_doctor, Plan, Register, Tx, Upsert};
use super::ImportRequest;
use crate::db::comp_rest::{self as db, NewGrant, StoredGrant};
use crate::db::{queries, AnyConnection};
use crate::import::{CompRestRecord, Lined, Rejections};
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// Who records a grant when the import names no one (the command line).
pub(crate) const IMPORT_ACTOR: &str = "import";

/// Whether `[a0, a1)` and `[b0, b1)` share a moment.
pub(crate) fn overlaps(a: (NaiveDateTime, NaiveDateTime), b: (NaiveDateTime, NaiveDateTime)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn span_text(from: NaiveDateTime, to: NaiveDateTime) -> String {
    format!("{}〜{}", from.format("%Y-%m-%d %H:%M"), to.format("%Y-%m-%d %H:%M"))
}

/// Grants: new ones inserted, changed ones updated (the audit log keeps the
/// old and new values).
pub(super) fn comp_rest(
    conn: &mut AnyConnection,
    rows: Vec<Lined<CompRestRecord>>,
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
    // Every stored grant of the file's doctors, in one read (a bound every
    // stored timestamp is before, also as SQLite's text).
    let end_of_time = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or_default();
    let stored: HashMap<i64, Vec<StoredGrant>> = db::grants_of(conn, Some(&ids), end_of_time)?;
    let recorded_by = req.actor.unwrap_or(IMPORT_ACTOR).to_string();
    // Each doctor's grants as the file's rows, in line order, leave them:
    // the stored ones, then each accepted row in place of the stored grant
    // of its start (`Some(line)`: from that line of the file). A row is
    // checked against all of them but the one it replaces, so no two
    // grants written or kept overlap whichever rows are refused.
    type Current = HashMap<NaiveDateTime, (NaiveDateTime, Option<usize>)>;
    let mut current: HashMap<i64, Current> = stored
        .iter()
        .map(|(id, grants)| (*id, grants.iter().map(|g| (g.start_at, (g.end_at, None))).collect()))
        .collect();
    let mut changes: Upsert<StoredGrant, NewGrant> = Upsert::new();
    for Lined { line, value: rec } in rows {
        let Some(&doctor_id) = doctors.get(&rec.staff_id) else {
            rejected.push(unknown_doctor(line, &rec.staff_id));
            continue;
        };
        let span = (rec.start, rec.end);
        let grants = current.entry(doctor_id).or_default();
        let clash = grants
            .iter()
            .filter(|(start, _)| **start != rec.start)
            .filter(|(start, (end, _))| overlaps(span, (**start, *end)))
            .min_by_key(|(start, _)| **start);
        if let Some((start, (end, from))) = clash {
            let reason = match from {
                Some(other) => format!(
                    "代償休息 {} が{other}行目の付与と重なっています / overlaps the grant on line {other}",
                    span_text(rec.start, rec.end)
                ),
                None => format!(
                    "代償休息 {} が登録済みの付与 {} と重なっています / overlaps a stored grant",
                    span_text(rec.start, rec.end),
                    span_text(*start, *end)
                ),
            };
            rejected.push(row_error(line, Some("開始"), reason));
            continue;
        }
        grants.insert(rec.start, (rec.end, Some(line)));
        let own = stored.get(&doctor_id).map(Vec::as_slice).unwrap_or_default();
        let new = NewGrant {
            doctor_id,
            start_at: rec.start,
            end_at: rec.end,
            method: rec.method.map(|m| m.code().to_string()),
            note: rec.note,
            recorded_by: recorded_by.clone(),
            updated_at: req.now,
        };
        match own.iter().find(|g| g.start_at == new.start_at) {
            Some(old) if old.fields() == new.fields() => changes.unchanged += 1,
            Some(old) => changes.updates.push((old.clone(), new, ("staff_id", rec.staff_id))),
            None => changes.inserts.push(new),
        }
    }
    Ok(changes.plan(
        req,
        Register {
            category: crate::audit::Category::Change,
            operation: "update_comp_rest_grant",
            insert: |conn, new| db::insert_grant(conn, new).map(drop),
            update: |conn, old, new| db::update_grant(conn, old.id, new),
            before: StoredGrant::fields,
            after: NewGrant::fields,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn grants_touching_end_to_start_do_not_overlap() {
        let a = (at("2024-06-04 08:30"), at("2024-06-04 12:00"));
        assert!(!overlaps(a, (at("2024-06-04 12:00"), at("2024-06-04 13:00"))));
        assert!(overlaps(a, (at("2024-06-04 11:59"), at("2024-06-04 13:00"))));
        assert!(overlaps(a, (at("2024-06-04 09:00"), at("2024-06-04 10:00"))));
    }
}
