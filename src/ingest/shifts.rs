//! What timecard and roster imports share: resolving a row's staff id to a
//! doctor, dropping rows the file repeats, loading the stored rows a file
//! can touch, and refusing working rows that overlap (rules §2).

use super::plan::{row_error, Tx};
use crate::db::models::StoredShift;
use crate::db::{queries, AnyConnection};
use crate::domain::shift::Shift;
use crate::import::{self, Lined, Rejections, RowError};
use chrono::{Duration, NaiveDateTime};
use std::collections::{BTreeMap, HashMap};

fn unknown_doctor(line: usize, staff_id: &str) -> RowError {
    row_error(
        line,
        Some("職員番号"),
        format!(
            "職員番号 {staff_id:?} の医師が登録されていません（先に医師一覧を取り込んでください） / unknown doctor (import the doctors list first)"
        ),
    )
}

fn describe(s: &Shift) -> String {
    format!(
        "{} → {} ({})",
        s.start().format("%Y-%m-%d %H:%M:%S"),
        s.end().format("%Y-%m-%d %H:%M:%S"),
        s.kind()
    )
}

/// Doctors by staff id, for resolving rows.
pub(super) fn doctor_ids(conn: &mut AnyConnection) -> Result<HashMap<String, i64>, Tx> {
    Ok(queries::all_doctors(conn)?
        .into_iter()
        .map(|d| (d.staff_id, d.id))
        .collect())
}

/// A shift row resolved to a doctor.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) line: usize,
    pub(super) doctor_id: i64,
    pub(super) shift: Shift,
}

/// The rows of a file resolved to doctors.
pub(super) struct Resolved {
    pub(super) rows: Vec<Row>,
    /// Rows that repeat an earlier row exactly (counted as unchanged).
    pub(super) duplicates: usize,
    /// Rows refused because an earlier row has the same doctor, start and
    /// kind but other values (a timecard re-import must not remove their
    /// stored counterpart).
    pub(super) clashing: Vec<Row>,
}

/// Resolves staff ids, and drops rows that repeat an earlier row of the file
/// exactly (the same row twice is one row). Two different rows with the same
/// doctor, start and kind are an error on the later one.
pub(super) fn resolve_rows(
    rows: Vec<Lined<import::ShiftRecord>>,
    ids: &HashMap<String, i64>,
    rejected: &mut Rejections,
) -> Resolved {
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    let mut clashing = Vec::new();
    let mut duplicates = 0;
    let mut seen: HashMap<(i64, NaiveDateTime, &'static str), usize> = HashMap::with_capacity(rows.len());
    for Lined { line, value } in rows {
        let Some(&doctor_id) = ids.get(&value.staff_id) else {
            rejected.push(unknown_doctor(line, &value.staff_id));
            continue;
        };
        let key = (doctor_id, value.shift.start(), value.shift.kind().code());
        match seen.get(&key) {
            Some(&i) if out[i].shift == value.shift => duplicates += 1,
            Some(&i) => {
                rejected.push(row_error(
                    line,
                    None,
                    format!(
                        "同じ職員・開始時刻・区分の行が{}行目にあり、内容が異なります / another row (line {}) has the same doctor, start and kind",
                        out[i].line, out[i].line
                    ),
                ));
                clashing.push(Row {
                    line,
                    doctor_id,
                    shift: value.shift,
                });
            }
            None => {
                seen.insert(key, out.len());
                out.push(Row {
                    line,
                    doctor_id,
                    shift: value.shift,
                });
            }
        }
    }
    Resolved {
        rows: out,
        duplicates,
        clashing,
    }
}

/// Rejects working rows among `candidates` that overlap a `stored` working
/// row or an earlier-accepted candidate (rules §2). Returns the lines of the
/// rejected candidates with their errors.
///
/// Stored rows of a doctor never overlap each other, nor do accepted ones,
/// so sorted by start their ends rise too: a row can only clash with the
/// latest stored row starting before its end, or the last accepted row.
pub(super) fn overlap_errors(candidates: &[&Row], stored: &HashMap<i64, Vec<Shift>>) -> Vec<(usize, RowError)> {
    let mut errors = Vec::new();
    let mut by_doctor: BTreeMap<i64, Vec<&Row>> = BTreeMap::new();
    for r in candidates.iter().filter(|r| r.shift.kind().is_working()) {
        by_doctor.entry(r.doctor_id).or_default().push(r);
    }
    for (doctor_id, rows) in by_doctor.iter_mut() {
        let mut stored: Vec<&Shift> = stored.get(doctor_id).map(|v| v.iter().collect()).unwrap_or_default();
        stored.sort_by_key(|s| s.start());
        rows.sort_by_key(|r| (r.shift.start(), r.line));
        let mut last_accepted: Option<&Row> = None;
        for r in rows.iter() {
            let before_end = stored.partition_point(|s| s.start() < r.shift.end());
            let clash_stored = before_end
                .checked_sub(1)
                .map(|i| stored[i])
                .filter(|s| s.overlaps(&r.shift));
            let clash_file = last_accepted.filter(|a| a.shift.overlaps(&r.shift));
            let reason = match (clash_stored, clash_file) {
                (Some(s), _) => Some(format!(
                    "登録済みの勤務と重なっています: {} / overlaps a stored working row",
                    describe(s)
                )),
                (None, Some(a)) => Some(format!(
                    "{}行目の勤務と重なっています: {} / overlaps the working row on line {}",
                    a.line,
                    describe(&a.shift),
                    a.line
                )),
                (None, None) => None,
            };
            match reason {
                Some(reason) => errors.push((r.line, row_error(r.line, None, reason))),
                None => last_accepted = Some(r),
            }
        }
    }
    errors
}

pub(super) type StoredLoader = fn(
    &mut AnyConnection,
    &[i64],
    NaiveDateTime,
    NaiveDateTime,
) -> diesel::QueryResult<Vec<(StoredShift, Option<i32>)>>;

/// Loads the stored rows of the file's doctors that start within 48 h (the
/// longest row) of the file's rows, so every row they can overlap is seen.
pub(super) fn stored_around(
    conn: &mut AnyConnection,
    rows: &[Row],
    load: StoredLoader,
) -> Result<Vec<(StoredShift, Option<i32>)>, Tx> {
    let (Some(min), Some(max)) = (
        rows.iter().map(|r| r.shift.start()).min(),
        rows.iter().map(|r| r.shift.start()).max(),
    ) else {
        return Ok(Vec::new());
    };
    let (from, to) = (min - Duration::hours(48), max + Duration::hours(48));
    let mut doctor_ids: Vec<i64> = rows.iter().map(|r| r.doctor_id).collect();
    doctor_ids.sort_unstable();
    doctor_ids.dedup();
    let mut stored = Vec::new();
    for chunk in doctor_ids.chunks(500) {
        stored.extend(load(conn, chunk, from, to)?);
    }
    Ok(stored)
}
