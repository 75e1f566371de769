//! What timecard and roster imports share: resolving a row's staff id to a
//! doctor, refusing a self-study row the doctor confirmed themselves (rules
//! §2.3), dropping rows the file repeats, loading the stored rows a file
//! can touch, and refusing working rows that overlap (rules §2).

use super::plan::{row_error, unknown_doctor, Tx};
use crate::db::models::StoredShift;
use crate::db::{queries, AnyConnection};
use crate::domain::identity::identity;
use crate::domain::shift::Shift;
use crate::import::{self, Lined, Rejections, RowError};
use chrono::{Duration, NaiveDateTime};
use std::collections::{BTreeMap, HashMap, HashSet};

fn describe(s: &Shift) -> String {
    format!(
        "{} → {} ({})",
        s.start().format("%Y-%m-%d %H:%M:%S"),
        s.end().format("%Y-%m-%d %H:%M:%S"),
        s.kind()
    )
}

/// The doctors rows name, by staff id, and who each doctor is.
pub(super) struct Doctors {
    ids: HashMap<String, i64>,
    /// Per doctor, the spellings that are the doctor (staff id, name,
    /// e-mail, the logins, names and e-mails of the doctor's accounts), as
    /// [`identity`] writes them.
    selves: HashMap<i64, HashSet<String>>,
}

/// The doctors of the database, for resolving rows and recognising a
/// self-confirmation.
pub(super) fn doctors(conn: &mut AnyConnection) -> Result<Doctors, Tx> {
    let mut ids = HashMap::new();
    let mut selves: HashMap<i64, HashSet<String>> = HashMap::new();
    for d in queries::all_doctors(conn)? {
        let spellings = [Some(&d.staff_id), Some(&d.name), d.email.as_ref()];
        selves.insert(d.id, spellings.into_iter().flatten().map(|s| identity(s)).collect());
        ids.insert(d.staff_id, d.id);
    }
    for u in crate::db::users::all_users(conn)? {
        let Some(&id) = u.staff_id.as_ref().and_then(|s| ids.get(s)) else {
            continue;
        };
        let me = selves.entry(id).or_default();
        me.insert(identity(&u.login));
        for spelling in [&u.name, &u.email].into_iter().flatten() {
            me.insert(identity(spelling));
        }
    }
    selves.values_mut().for_each(|s| {
        s.remove("");
    });
    Ok(Doctors { ids, selves })
}

/// A superior's confirmation of a self-study row, as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Confirmation {
    pub(super) by: String,
    /// `None`: the import's time.
    pub(super) at: Option<NaiveDateTime>,
}

/// A shift row resolved to a doctor.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) line: usize,
    pub(super) doctor_id: i64,
    pub(super) shift: Shift,
    /// A self-study row's `confirmed_by` (the shift is then `confirmed`).
    pub(super) confirmation: Option<Confirmation>,
}

/// The rows of a file resolved to doctors.
pub(super) struct Resolved {
    pub(super) rows: Vec<Row>,
    /// Rows that repeat an earlier row exactly (counted as unchanged).
    pub(super) duplicates: usize,
    /// Rows refused although they name a known doctor: an earlier row has
    /// the same doctor, start and kind but other values, or the doctor
    /// confirmed the row themselves. A timecard import with
    /// `--skip-invalid` must not remove their stored counterparts.
    pub(super) refused: Vec<Row>,
}

/// Resolves staff ids, refuses self-confirmed rows, and drops rows that
/// repeat an earlier row of the file exactly (the same row twice is one
/// row). Two different rows with the same doctor, start and kind are an
/// error on the later one.
pub(super) fn resolve_rows(
    rows: Vec<Lined<import::ShiftRecord>>,
    doctors: &Doctors,
    rejected: &mut Rejections,
) -> Resolved {
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    let mut duplicates = 0;
    let mut seen: HashMap<(i64, NaiveDateTime, &'static str), usize> = HashMap::with_capacity(rows.len());
    for Lined { line, value } in rows {
        let Some(&doctor_id) = doctors.ids.get(&value.staff_id) else {
            rejected.push(unknown_doctor(line, &value.staff_id));
            continue;
        };
        let row = Row {
            line,
            doctor_id,
            confirmation: value.confirmed_by.map(|by| Confirmation {
                by,
                at: value.confirmed_at,
            }),
            shift: value.shift,
        };
        if let Some(c) = &row.confirmation {
            if doctors
                .selves
                .get(&doctor_id)
                .is_some_and(|me| me.contains(&identity(&c.by)))
            {
                rejected.push(row_error(
                    line,
                    Some("確認者"),
                    format!(
                        "自己確認は確認になりません（確認者 {:?} は医師本人です） / self-confirmation: the confirmer is the doctor (staff id, login or name)",
                        c.by
                    ),
                ));
                refused.push(row);
                continue;
            }
        }
        let key = (doctor_id, row.shift.start(), row.shift.kind().code());
        match seen.get(&key) {
            Some(&i) if out[i].shift == row.shift && out[i].confirmation == row.confirmation => duplicates += 1,
            Some(&i) => {
                rejected.push(row_error(
                    line,
                    None,
                    format!(
                        "同じ職員・開始時刻・区分の行が{}行目にあり、内容が異なります / another row (line {}) has the same doctor, start and kind",
                        out[i].line, out[i].line
                    ),
                ));
                refused.push(row);
            }
            None => {
                seen.insert(key, out.len());
                out.push(row);
            }
        }
    }
    Resolved {
        rows: out,
        duplicates,
        refused,
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
