//! Rows written by a person on a screen rather than by an import (rules
//! §10: records are never changed in place). Shared by HR's resolution of
//! a discrepancy (`crate::discrepancies`), the confirmation of self-study
//! (`crate::self_study`) and a doctor's own declarations
//! (`crate::declarations`):
//!
//! - a new row is version 1 with no `replaces_id` and no import batch,
//!   recorded as a correction by its `created_by` (the login) and its
//!   `correction_reason`;
//! - a change is a new version (`replaces_id`, `version + 1`) and the old
//!   version superseded with who, when and why — or, for a withdrawal,
//!   only the supersession.
//!
//! The caller holds the write transaction and writes the audit entry.

use crate::db::models::{NewTimecardRow, ShiftExtras, StoredShift};
use crate::db::queries::{self, Supersession};
use crate::db::AnyConnection;
use crate::domain::shift::Shift;
use chrono::NaiveDateTime;
use diesel::QueryResult;

/// Who writes, when, and why.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a> {
    pub login: &'a str,
    pub at: NaiveDateTime,
    /// Kept with the new row (`correction_reason`).
    pub reason: &'a str,
}

/// A row added on screen: version 1, no import batch.
pub fn added_row(doctor_id: i64, shift: &Shift, extras: ShiftExtras, w: &Writer) -> NewTimecardRow {
    NewTimecardRow {
        doctor_id,
        kind: shift.kind().code().into(),
        start_at: shift.start(),
        end_at: shift.end(),
        break_minutes: i32::try_from(shift.break_minutes()).unwrap_or(i32::MAX),
        version: 1,
        replaces_id: None,
        batch_id: None,
        source_line: None,
        correction_reason: Some(w.reason.to_string()),
        created_by: Some(w.login.to_string()),
        created_at: w.at,
        extras,
    }
}

/// The first working row of `rows` that `shift` overlaps, described for
/// a refusal's Japanese part (`06/03 08:30 → 06/03 17:30 勤務`).
pub fn working_clash<'a>(rows: impl IntoIterator<Item = &'a Shift>, shift: &Shift) -> Option<String> {
    rows.into_iter()
        .find(|w| w.kind().is_working() && w.overlaps(shift))
        .map(|c| {
            format!(
                "{} → {} {}",
                c.start().format("%m/%d %H:%M"),
                c.end().format("%m/%d %H:%M"),
                c.kind().label_ja()
            )
        })
}

/// Supersedes current row `old` (of version `version`, import batch
/// `batch`) with `why`, and — unless `new` is `None` (a withdrawal) —
/// inserts its next version: `new` with `extras`, keeping the batch.
pub fn replace_row(
    conn: &mut AnyConnection,
    old: (&StoredShift, i32, Option<i64>),
    new: Option<(&Shift, ShiftExtras)>,
    why: &str,
    w: &Writer,
) -> QueryResult<()> {
    let (stored, version, batch) = old;
    queries::supersede_timecard(
        conn,
        &[stored.id],
        &Supersession {
            at: w.at,
            by: Some(w.login),
            reason: why,
            batch_id: None,
        },
    )?;
    if let Some((shift, extras)) = new {
        let mut row = added_row(stored.doctor_id, shift, extras, w);
        row.version = version + 1;
        row.replaces_id = Some(stored.id);
        row.batch_id = batch;
        queries::insert_timecard_rows(conn, &[row])?;
    }
    Ok(())
}
