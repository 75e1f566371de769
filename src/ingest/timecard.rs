//! Importing a timecard (formats.md): a row is new, unchanged, or a
//! correction of the stored row with the same doctor, start and kind. A
//! correction is stored as a new version pointing at the old one, which is
//! kept and marked superseded; rows overlapping other working rows are
//! refused.

use super::plan::{line_i32, Plan, Tx};
use super::shifts::{doctor_ids, overlap_errors, resolve_rows, stored_around, stored_working, Row};
use super::ImportRequest;
use crate::db::models::{NewTimecardRow, StoredShift};
use crate::db::{queries, AnyConnection};
use crate::domain::shift::Shift;
use crate::import::{self, Lined, Rejections};
use chrono::NaiveDateTime;
use std::collections::{HashMap, HashSet};

/// Timecard rows: new rows, corrections, or unchanged.
pub(super) fn timecard(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::ShiftRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let ids = doctor_ids(conn)?;
    let (rows, duplicates) = resolve_rows(rows, &ids, rejected);
    let stored = stored_around(conn, &rows, |conn, ids, from, to| {
        queries::current_timecard(conn, Some(ids), from, to)
            .map(|v| v.into_iter().map(|(s, version, _)| (s, Some(version))).collect())
    })?;

    // Classify each row against the stored current version with its key.
    let mut by_key: HashMap<(i64, NaiveDateTime, String), (&StoredShift, i32, Shift)> = HashMap::new();
    for (s, version) in &stored {
        by_key.insert(
            (s.doctor_id, s.start_at, s.kind.clone()),
            (s, version.unwrap_or(1), s.shift("timecard_rows")?),
        );
    }
    let mut unchanged = duplicates;
    let mut fresh: Vec<&Row> = Vec::new();
    let mut corrections: Vec<(&Row, i64, i32)> = Vec::new();
    for r in &rows {
        match by_key.get(&(r.doctor_id, r.shift.start(), r.shift.kind().code().to_string())) {
            Some((_, _, old)) if *old == r.shift => unchanged += 1,
            Some((s, version, _)) => corrections.push((r, s.id, *version)),
            None => fresh.push(r),
        }
    }

    // Overlap, until stable: a rejected correction leaves its old version
    // in place, which may then clash with another accepted row.
    let mut rejected_lines: HashSet<usize> = HashSet::new();
    loop {
        let replaced: HashSet<i64> = corrections
            .iter()
            .filter(|(r, _, _)| !rejected_lines.contains(&r.line))
            .map(|(_, id, _)| *id)
            .collect();
        let candidates: Vec<&Row> = fresh
            .iter()
            .copied()
            .chain(corrections.iter().map(|(r, _, _)| *r))
            .filter(|r| !rejected_lines.contains(&r.line))
            .collect();
        let errors = overlap_errors(&candidates, &stored_working(&stored, &replaced)?);
        if errors.is_empty() {
            break;
        }
        for (line, e) in errors {
            rejected_lines.insert(line);
            rejected.push(e);
        }
    }
    fresh.retain(|r| !rejected_lines.contains(&r.line));
    corrections.retain(|(r, _, _)| !rejected_lines.contains(&r.line));

    let now = req.now;
    let actor = req.actor.map(String::from);
    let new_row = move |r: &Row, version: i32, replaces_id: Option<i64>, batch_id: i64| NewTimecardRow {
        doctor_id: r.doctor_id,
        kind: r.shift.kind().code().into(),
        start_at: r.shift.start(),
        end_at: r.shift.end(),
        break_minutes: i32::try_from(r.shift.break_minutes()).unwrap_or(i32::MAX),
        version,
        replaces_id,
        batch_id: Some(batch_id),
        source_line: line_i32(r.line),
        correction_reason: replaces_id.map(|_| "再取込による訂正 / corrected by re-import".into()),
        created_by: actor.clone(),
        created_at: now,
    };
    let inserts: Vec<(Row, i32, Option<i64>)> = fresh
        .iter()
        .map(|r| ((*r).clone(), 1, None))
        .chain(corrections.iter().map(|(r, id, v)| ((*r).clone(), v + 1, Some(*id))))
        .collect();
    let superseded: Vec<i64> = corrections.iter().map(|(_, id, _)| *id).collect();
    Ok(Plan {
        inserted: fresh.len(),
        corrected: corrections.len(),
        unchanged,
        write: Box::new(move |conn, batch_id| {
            queries::supersede_timecard(conn, &superseded, now)?;
            let rows: Vec<NewTimecardRow> = inserts
                .iter()
                .map(|(r, v, rep)| new_row(r, *v, *rep, batch_id))
                .collect();
            queries::insert_timecard_rows(conn, &rows)
        }),
    })
}
