//! Importing a roster (formats.md): the file's plan replaces each doctor's
//! current plan for the dates it covers; withdrawn rows are superseded, not
//! deleted, and counted as `superseded`.
//!
//! The same rule as a timecard re-export ([`super::period`]) — per doctor
//! named in the file, from its first to last date in the file, doctors
//! absent untouched — but simpler, as a plan has no versions: rows are
//! matched by their whole content, so a changed plan is a new row plus the
//! old one withdrawn (never a correction), and a roster takes no declared
//! period. Overlaps are checked within the file only: the file's plan
//! replaces the stored one.

use super::plan::{line_i32, Plan, Tx};
use super::shifts::{doctor_ids, overlap_errors, resolve_rows, stored_around, Row};
use super::ImportRequest;
use crate::db::models::NewRosterRow;
use crate::db::{queries, AnyConnection};
use crate::domain::shift::Shift;
use crate::import::{self, Lined, Rejections};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{HashMap, HashSet};

/// Roster rows: the file's plan replaces the doctor's current plan for the
/// dates it covers (from the doctor's first to last date in the file).
pub(super) fn roster(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::ShiftRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let ids = doctor_ids(conn)?;
    let super::shifts::Resolved { rows, duplicates, .. } = resolve_rows(rows, &ids, rejected);
    let overlap = overlap_errors(&rows.iter().collect::<Vec<_>>(), &HashMap::new());
    let bad: HashSet<usize> = overlap.iter().map(|(l, _)| *l).collect();
    rejected.extend(overlap.into_iter().map(|(_, e)| e));
    let rows: Vec<Row> = rows.into_iter().filter(|r| !bad.contains(&r.line)).collect();

    let mut span: HashMap<i64, (NaiveDate, NaiveDate)> = HashMap::new();
    for r in &rows {
        let d = r.shift.start_date();
        let e = span.entry(r.doctor_id).or_insert((d, d));
        e.0 = e.0.min(d);
        e.1 = e.1.max(d);
    }
    let stored = stored_around(conn, &rows, |conn, ids, from, to| {
        queries::current_roster(conn, Some(ids), from, to).map(|v| v.into_iter().map(|s| (s, None)).collect())
    })?;
    // The stored plan of the covered dates, keyed by its full content.
    type Content = (i64, String, NaiveDateTime, NaiveDateTime, i64);
    let content = |doctor_id: i64, s: &Shift| -> Content {
        (doctor_id, s.kind().code().into(), s.start(), s.end(), s.break_minutes())
    };
    let mut covered: HashMap<Content, i64> = HashMap::new();
    for (s, _) in &stored {
        let Some((from, to)) = span.get(&s.doctor_id) else {
            continue;
        };
        if (*from..=*to).contains(&s.start_at.date()) {
            covered.insert(content(s.doctor_id, &s.shift("roster_rows")?), s.id);
        }
    }
    let mut unchanged = duplicates;
    let mut inserts = Vec::new();
    for r in rows {
        if covered.remove(&content(r.doctor_id, &r.shift)).is_some() {
            unchanged += 1;
        } else {
            inserts.push(r);
        }
    }
    let withdrawn: Vec<i64> = covered.into_values().collect();
    let now = req.now;
    Ok(Plan {
        inserted: inserts.len(),
        corrected: 0,
        superseded: withdrawn.len(),
        unchanged,
        write: Box::new(move |conn, batch_id| {
            queries::supersede_roster(conn, &withdrawn, now)?;
            let rows: Vec<NewRosterRow> = inserts
                .iter()
                .map(|r| NewRosterRow {
                    doctor_id: r.doctor_id,
                    kind: r.shift.kind().code().into(),
                    start_at: r.shift.start(),
                    end_at: r.shift.end(),
                    break_minutes: i32::try_from(r.shift.break_minutes()).unwrap_or(i32::MAX),
                    batch_id: Some(batch_id),
                    source_line: line_i32(r.line),
                    created_at: now,
                })
                .collect();
            queries::insert_roster_rows(conn, &rows)
        }),
    })
}
