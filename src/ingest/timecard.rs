//! Importing a timecard (formats.md): inside the period the file covers for
//! each doctor it names, the file is the truth ([`super::period`]). A row is
//! new, unchanged, or a correction of a stored row — stored as a new version
//! pointing at the old one, which is kept and marked superseded; a stored row
//! the file no longer has is superseded with no new version. Either way the
//! old row keeps who superseded it, when and why, and by which import. Rows
//! overlapping other working rows — of the file, or stored and staying — are
//! refused.
//!
//! A self-study row's status (rules §2.3): a row with `confirmed_by` is
//! stored `confirmed`, by whom and when (`confirmed_at`, else the import's
//! time); a confirmation for the same times is a new version too
//! ([`CONFIRMED`]); a correction of the times without `confirmed_by` is
//! `unconfirmed` again; a row repeated without `confirmed_by` keeps its
//! status. A row the doctor confirmed themselves is refused.

use super::period::{match_rows, periods, same_content, slot_of, window, Slot, Stored};
use super::plan::{line_i32, Plan, Tx};
use super::shifts::{doctors, overlap_errors, resolve_rows, Resolved, Row};
use super::ImportRequest;
use crate::db::models::{NewTimecardRow, ShiftExtras};
use crate::db::queries::{self, Supersession};
use crate::db::AnyConnection;
use crate::domain::shift::Shift;
use crate::import::{self, Lined, Rejections};
use std::collections::{HashMap, HashSet};

/// Why the old version of a corrected row was superseded (also the new
/// version's `correction_reason`).
pub const CORRECTED: &str = "再取込による訂正 / corrected by re-import";
/// Why the old version of a self-study row was superseded when a
/// superior's confirmation came in for the same times (also the new
/// version's `correction_reason`).
pub const CONFIRMED: &str = "上司の確認を取込 / confirmation imported";
/// Why a stored row a re-export no longer has was superseded.
pub const REMOVED: &str =
    "再取込で取消（取り込んだファイルの対象期間に無い行） / removed by re-import (not in the file's period)";

/// Timecard rows: new rows, corrections, rows removed, or unchanged.
pub(super) fn timecard(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::ShiftRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    // A line that could not be read at all may be anyone's row: then
    // nothing is removed (see `period`).
    let unreadable = rejected.total() > 0;
    let known = doctors(conn)?;
    let Resolved {
        rows,
        duplicates,
        refused: held_back,
    } = resolve_rows(rows, &known, rejected);
    let periods = periods(&rows, req.period);
    let stored = load_stored(conn, &rows, &periods)?;
    let m = match_rows(&rows, &stored, &periods);

    // Overlap, until stable: a refused row leaves the stored rows of its
    // slot in place (its correction's old version, and what it would have
    // removed), which may then clash with another accepted row.
    let mut refused: HashSet<usize> = HashSet::new();
    let mut kept_slots: HashSet<Slot> = held_back.iter().map(|r| slot_of(r.doctor_id, &r.shift)).collect();
    let removed = |kept_slots: &HashSet<Slot>| -> Vec<usize> {
        if unreadable {
            return Vec::new();
        }
        m.missing
            .iter()
            .copied()
            .filter(|&j| !kept_slots.contains(&slot_of(stored[j].doctor_id, &stored[j].shift)))
            .collect()
    };
    loop {
        let mut replaced: HashSet<usize> = removed(&kept_slots).into_iter().collect();
        replaced.extend(
            m.corrections
                .iter()
                .filter(|(i, _)| !refused.contains(i))
                .map(|(_, j)| *j),
        );
        let candidates: Vec<&Row> = m
            .fresh
            .iter()
            .chain(m.corrections.iter().map(|(i, _)| i))
            .filter(|i| !refused.contains(i))
            .map(|&i| &rows[i])
            .collect();
        let mut staying: HashMap<i64, Vec<Shift>> = HashMap::new();
        for (j, s) in stored.iter().enumerate() {
            if !replaced.contains(&j) && s.shift.kind().is_working() {
                staying.entry(s.doctor_id).or_default().push(s.shift.clone());
            }
        }
        let errors = overlap_errors(&candidates, &staying);
        if errors.is_empty() {
            break;
        }
        let index: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, r)| (r.line, i)).collect();
        for (line, e) in errors {
            if let Some(&i) = index.get(&line) {
                refused.insert(i);
                kept_slots.insert(slot_of(rows[i].doctor_id, &rows[i].shift));
            }
            rejected.push(e);
        }
    }
    let fresh: Vec<usize> = m.fresh.iter().copied().filter(|i| !refused.contains(i)).collect();
    let corrections: Vec<(usize, usize)> = m
        .corrections
        .iter()
        .copied()
        .filter(|(i, _)| !refused.contains(i))
        .collect();
    let removed: Vec<i64> = removed(&kept_slots).into_iter().map(|j| stored[j].id).collect();

    let now = req.now;
    let actor = req.actor.map(String::from);
    let new_row = |r: &Row, version: i32, replaces: Option<(i64, &'static str)>| NewTimecardRow {
        doctor_id: r.doctor_id,
        kind: r.shift.kind().code().into(),
        start_at: r.shift.start(),
        end_at: r.shift.end(),
        break_minutes: i32::try_from(r.shift.break_minutes()).unwrap_or(i32::MAX),
        version,
        replaces_id: replaces.map(|(id, _)| id),
        batch_id: None,
        source_line: line_i32(r.line),
        correction_reason: replaces.map(|(_, why)| why.into()),
        created_by: actor.clone(),
        created_at: now,
        extras: ShiftExtras::of(
            &r.shift,
            r.confirmation.as_ref().map(|c| (c.by.as_str(), c.at.unwrap_or(now))),
        ),
    };
    // A version that changes only the status is a confirmation, not a
    // correction of the times.
    let why = |i: usize, j: usize| {
        if same_content(&stored[j].shift, &rows[i].shift) {
            CONFIRMED
        } else {
            CORRECTED
        }
    };
    let mut inserts: Vec<NewTimecardRow> = fresh.iter().map(|&i| new_row(&rows[i], 1, None)).collect();
    inserts.extend(
        corrections
            .iter()
            .map(|&(i, j)| new_row(&rows[i], stored[j].version + 1, Some((stored[j].id, why(i, j))))),
    );
    let replaced: Vec<i64> = corrections
        .iter()
        .filter(|&&(i, j)| why(i, j) == CORRECTED)
        .map(|&(_, j)| stored[j].id)
        .collect();
    let confirmed: Vec<i64> = corrections
        .iter()
        .filter(|&&(i, j)| why(i, j) == CONFIRMED)
        .map(|&(_, j)| stored[j].id)
        .collect();
    Ok(Plan {
        inserted: fresh.len(),
        corrected: corrections.len(),
        superseded: removed.len(),
        unchanged: m.unchanged + duplicates,
        records: false,
        write: Box::new(move |conn, batch_id| {
            let mut inserts = inserts;
            let by = actor.as_deref();
            let at = |reason| Supersession {
                at: now,
                by,
                reason,
                batch_id: Some(batch_id),
            };
            queries::supersede_timecard(conn, &replaced, &at(CORRECTED))?;
            queries::supersede_timecard(conn, &confirmed, &at(CONFIRMED))?;
            queries::supersede_timecard(conn, &removed, &at(REMOVED))?;
            for r in inserts.iter_mut() {
                r.batch_id = Some(batch_id);
            }
            queries::insert_timecard_rows(conn, &inserts)
        }),
    })
}

/// The stored current rows of the file's doctors the file can pair with,
/// replace or overlap.
fn load_stored(
    conn: &mut AnyConnection,
    rows: &[Row],
    periods: &HashMap<i64, super::period::Period>,
) -> Result<Vec<Stored>, Tx> {
    let Some((from, to)) = window(rows, periods) else {
        return Ok(Vec::new());
    };
    let mut doctors: Vec<i64> = periods.keys().copied().collect();
    doctors.sort_unstable();
    let mut stored = Vec::new();
    for chunk in doctors.chunks(500) {
        for (s, version, batch) in queries::current_timecard_batches(conn, Some(chunk), from, to)? {
            stored.push(Stored {
                id: s.id,
                doctor_id: s.doctor_id,
                version,
                imported: batch.is_some(),
                shift: s.shift("timecard_rows")?,
                confirmed_by: s.extras.confirmed_by.clone(),
                confirmed_at: s.extras.confirmed_at,
            });
        }
    }
    Ok(stored)
}
