//! Applying an import file to the database (formats.md, "What an import does
//! with bad input").
//!
//! A file is written all or nothing, in one transaction: every row is
//! checked first (parse errors, unknown doctors, duplicate keys, overlap with
//! the file's other rows and with stored rows), and if any row is invalid
//! nothing is written unless `skip_invalid` is set. Re-importing the same
//! file changes nothing. A timecard row with the same doctor, start and kind
//! as a stored one but other values is a correction: the new version is
//! stored and points at the old one, which is kept.

use crate::db::models::*;
use crate::db::{queries, write_transaction, AnyConnection, DbError};
use crate::domain::shift::{weekday_code, Shift};
use crate::import::{self, FileError, Lined, Parsed, ReasonCount, Rejections, RowError};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::time::Instant;

/// The largest file accepted (formats.md files of a large hospital's month
/// are a few MB; this leaves room for a year of PC logs).
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Which kind of file is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Doctors,
    Timecard,
    Roster,
    Pclog,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Doctors => "doctors",
            ImportKind::Timecard => "timecard",
            ImportKind::Roster => "roster",
            ImportKind::Pclog => "pclog",
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ImportKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "doctors" => Ok(ImportKind::Doctors),
            "timecard" => Ok(ImportKind::Timecard),
            "roster" => Ok(ImportKind::Roster),
            "pclog" => Ok(ImportKind::Pclog),
            other => Err(format!(
                "不明な取込種別です: {other:?}（doctors, timecard, roster, pclog） / unknown import kind"
            )),
        }
    }
}

/// One import to run.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub kind: ImportKind,
    pub bytes: &'a [u8],
    /// The file's name as uploaded, kept with the batch.
    pub file_name: &'a str,
    /// Write the valid rows even if some are rejected.
    pub skip_invalid: bool,
    /// Who imports (a login), for the batch and the audit log.
    pub actor: Option<&'a str>,
    /// The hospital's local time now.
    pub now: NaiveDateTime,
}

/// The answer of an import (formats.md: one JSON object on stdout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub kind: ImportKind,
    pub inserted: usize,
    pub corrected: usize,
    pub unchanged: usize,
    /// The problems found, by line: the first [`import::MAX_LISTED`] of them
    /// (a row with two bad cells has two entries).
    pub rejected: Vec<RowError>,
    /// Every problem found, listed or not.
    pub rejected_total: usize,
    /// The rows refused.
    pub rejected_rows: usize,
    /// Problems found but not listed in `rejected`.
    pub rejected_omitted: usize,
    /// Problems counted by kind of reason (column and English reason,
    /// numbers aside), each with its first reason and line.
    pub rejected_reasons: Vec<ReasonCount>,
    pub ignored_columns: Vec<String>,
    /// Ignored columns beyond the 100 named in `ignored_columns`.
    #[serde(skip_serializing_if = "is_zero")]
    pub ignored_columns_omitted: usize,
    pub encoding: &'static str,
    /// Whether anything was written (false when rows were rejected and
    /// `skip_invalid` was not set, or when nothing changed).
    pub committed: bool,
    pub batch_id: Option<i64>,
}

/// Why an import failed as a whole. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(DbError::Query(e))
    }
}

/// Inside the transaction: a failure, or a report that must not be written.
enum Tx {
    Abort(Box<ImportReport>),
    Fail(ImportError),
}

impl From<diesel::result::Error> for Tx {
    fn from(e: diesel::result::Error) -> Self {
        Tx::Fail(e.into())
    }
}
impl From<CorruptRow> for Tx {
    fn from(e: CorruptRow) -> Self {
        Tx::Fail(e.into())
    }
}

/// Imports one file. Returns the report whether or not rows were rejected;
/// an `Err` means the file could not be read at all or the database failed,
/// and nothing was written.
pub fn run(conn: &mut AnyConnection, req: &ImportRequest) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let result = with_import_cache(conn, |conn| match req.kind {
        ImportKind::Doctors => apply(conn, req, import::parse_doctors(req.bytes)?, doctors),
        ImportKind::Timecard => apply(conn, req, import::parse_shifts(req.bytes)?, timecard),
        ImportKind::Roster => apply(conn, req, import::parse_shifts(req.bytes)?, roster),
        ImportKind::Pclog => apply(conn, req, import::parse_pclog(req.bytes)?, pclog),
    });
    if let Ok(r) = &result {
        tracing::info!(
            kind = %req.kind,
            file = req.file_name,
            encoding = r.encoding,
            inserted = r.inserted,
            corrected = r.corrected,
            unchanged = r.unchanged,
            rejected = r.rejected_total,
            committed = r.committed,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "import finished"
        );
    }
    result
}

/// SQLite's page cache during an import, in KiB (a fixed bound, whatever the
/// file's size).
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

/// Runs `f` with a larger SQLite page cache. With the default 2 MiB, a large
/// import's dirty index pages no longer fit and SQLite spills them to the WAL
/// before the commit, then reads them back; a bigger cache only changes
/// memory use, not what is written or when it is durable. The connection's
/// own setting is restored afterwards (it may be a pooled one).
fn with_import_cache<T>(conn: &mut AnyConnection, f: impl FnOnce(&mut AnyConnection) -> T) -> T {
    use diesel::connection::SimpleConnection;
    use diesel::RunQueryDsl;
    let AnyConnection::Sqlite(sqlite) = conn else {
        return f(conn);
    };
    #[derive(diesel::QueryableByName)]
    struct CacheSize {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        cache_size: i64,
    }
    let before = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(sqlite)
        .ok()
        .map(|c| c.cache_size);
    // Only ever enlarged: a connection configured bigger keeps its cache.
    let enlarge = before.is_some_and(|b| cache_kib(b) < IMPORT_CACHE_KIB);
    if enlarge {
        let _ = sqlite.batch_execute(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"));
    }
    let result = f(conn);
    if let (true, Some(before), AnyConnection::Sqlite(sqlite)) = (enlarge, before, conn) {
        let _ = sqlite.batch_execute(&format!("PRAGMA cache_size = {before}"));
    }
    result
}

/// A `PRAGMA cache_size` value in KiB: negative is KiB, positive is pages
/// (counted at the largest page size, 64 KiB, to stay on the safe side).
fn cache_kib(value: i64) -> i64 {
    if value < 0 {
        -value
    } else {
        value.saturating_mul(64)
    }
}

/// Writes a planned import's rows, given the batch id.
type Writer = Box<dyn FnOnce(&mut AnyConnection, i64) -> diesel::QueryResult<()>>;

/// What a kind-specific step decided: counts and a writer (its rejected
/// rows go to the import's [`Rejections`]).
struct Plan {
    inserted: usize,
    corrected: usize,
    unchanged: usize,
    write: Writer,
}

type Planner<T> = fn(&mut AnyConnection, Vec<Lined<T>>, &ImportRequest, &mut Rejections) -> Result<Plan, Tx>;

/// The shared frame of every import: plan inside the write transaction,
/// then either abort (rolling back) or record the batch and write.
fn apply<T>(
    conn: &mut AnyConnection,
    req: &ImportRequest,
    parsed: Parsed<T>,
    plan: Planner<T>,
) -> Result<ImportReport, ImportError> {
    let Parsed {
        rows,
        rejected: parse_errors,
        ignored_columns,
        ignored_columns_omitted,
        encoding,
    } = parsed;
    let outcome = write_transaction(conn, |conn| {
        let mut rejected = parse_errors;
        let p = plan(conn, rows, req, &mut rejected)?;
        let mut report = ImportReport {
            kind: req.kind,
            inserted: p.inserted,
            corrected: p.corrected,
            unchanged: p.unchanged,
            rejected_total: rejected.total(),
            rejected_rows: rejected.rows(),
            rejected_omitted: rejected.omitted(),
            rejected_reasons: rejected.reasons(),
            rejected: rejected.into_listed(),
            ignored_columns,
            ignored_columns_omitted,
            encoding,
            committed: false,
            batch_id: None,
        };
        if report.rejected_total > 0 && !req.skip_invalid {
            report.inserted = 0;
            report.corrected = 0;
            report.unchanged = 0;
            return Err(Tx::Abort(Box::new(report)));
        }
        if report.inserted + report.corrected == 0 {
            // Nothing new: leave the database exactly as it was.
            return Err(Tx::Abort(Box::new(report)));
        }
        let batch_id = queries::insert_batch(
            conn,
            &NewImportBatch {
                kind: req.kind.code().into(),
                file_name: req.file_name.into(),
                file_sha256: sha256_hex(req.bytes),
                encoding: encoding.into(),
                imported_at: req.now,
                imported_by: req.actor.map(Into::into),
                inserted: count(report.inserted),
                corrected: count(report.corrected),
                unchanged: count(report.unchanged),
                rejected: count(report.rejected_total),
            },
        )?;
        (p.write)(conn, batch_id)?;
        crate::db::bump_data_version(conn)?;
        crate::audit::append(
            conn,
            &NewAuditEntry {
                at: req.now,
                actor: req.actor.map(Into::into),
                category: "import".into(),
                operation: req.kind.code().into(),
                detail: serde_json::json!({
                    "batch_id": batch_id,
                    "file": req.file_name,
                    "inserted": report.inserted,
                    "corrected": report.corrected,
                    "unchanged": report.unchanged,
                    "rejected": report.rejected_total,
                })
                .to_string(),
            },
        )?;
        report.committed = true;
        report.batch_id = Some(batch_id);
        Ok(report)
    });
    match outcome {
        Ok(r) => Ok(r),
        Err(Tx::Abort(r)) => Ok(*r),
        Err(Tx::Fail(e)) => Err(e),
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn line_i32(line: usize) -> Option<i32> {
    i32::try_from(line).ok()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn row_error(line: usize, column: Option<&str>, reason: String) -> RowError {
    RowError {
        line,
        column: column.map(Into::into),
        reason,
    }
}

fn unknown_doctor(line: usize, staff_id: &str) -> RowError {
    row_error(
        line,
        Some("staff_id"),
        format!(
            "職員番号 {staff_id:?} の医師が登録されていません（先に医師一覧を取り込んでください） / unknown doctor"
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
fn doctor_ids(conn: &mut AnyConnection) -> Result<HashMap<String, i64>, Tx> {
    Ok(queries::all_doctors(conn)?
        .into_iter()
        .map(|d| (d.staff_id, d.id))
        .collect())
}

/// A shift row resolved to a doctor.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    doctor_id: i64,
    shift: Shift,
}

/// Resolves staff ids, and drops rows that repeat an earlier row of the file
/// exactly (the same row twice is one row). Two different rows with the same
/// doctor, start and kind are an error on the later one.
fn resolve_rows(
    rows: Vec<Lined<import::ShiftRecord>>,
    ids: &HashMap<String, i64>,
    rejected: &mut Rejections,
) -> (Vec<Row>, usize) {
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    let mut duplicates = 0;
    let mut seen: HashMap<(i64, NaiveDateTime, &'static str), usize> = HashMap::new();
    for Lined { line, value } in rows {
        let Some(&doctor_id) = ids.get(&value.staff_id) else {
            rejected.push(unknown_doctor(line, &value.staff_id));
            continue;
        };
        let key = (doctor_id, value.shift.start(), value.shift.kind().code());
        match seen.get(&key) {
            Some(&i) if out[i].shift == value.shift => duplicates += 1,
            Some(&i) => rejected.push(row_error(
                line,
                None,
                format!(
                    "同じ職員・開始時刻・区分の行が{}行目にあり、内容が異なります / another row (line {}) has the same doctor, start and kind",
                    out[i].line, out[i].line
                ),
            )),
            None => {
                seen.insert(key, out.len());
                out.push(Row { line, doctor_id, shift: value.shift });
            }
        }
    }
    (out, duplicates)
}

/// Rejects working rows among `candidates` that overlap a `stored` working
/// row or an earlier-accepted candidate (rules §2). Returns the lines of the
/// rejected candidates with their errors.
///
/// Stored rows of a doctor never overlap each other, nor do accepted ones,
/// so sorted by start their ends rise too: a row can only clash with the
/// latest stored row starting before its end, or the last accepted row.
fn overlap_errors(candidates: &[&Row], stored: &HashMap<i64, Vec<Shift>>) -> Vec<(usize, RowError)> {
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

/// Timecard rows: new rows, corrections, or unchanged.
fn timecard(
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

type StoredLoader = fn(
    &mut AnyConnection,
    &[i64],
    NaiveDateTime,
    NaiveDateTime,
) -> diesel::QueryResult<Vec<(StoredShift, Option<i32>)>>;

/// Loads the stored rows of the file's doctors that start within 48 h (the
/// longest row) of the file's rows, so every row they can overlap is seen.
fn stored_around(
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

/// Stored working rows that stay (are not being replaced), per doctor.
fn stored_working(
    stored: &[(StoredShift, Option<i32>)],
    replaced: &HashSet<i64>,
) -> Result<HashMap<i64, Vec<Shift>>, CorruptRow> {
    let mut out: HashMap<i64, Vec<Shift>> = HashMap::new();
    for (s, _) in stored.iter().filter(|(s, _)| !replaced.contains(&s.id)) {
        let shift = s.shift("timecard_rows")?;
        if shift.kind().is_working() {
            out.entry(s.doctor_id).or_default().push(shift);
        }
    }
    Ok(out)
}

/// Roster rows: the file's plan replaces the doctor's current plan for the
/// dates it covers (from the doctor's first to last date in the file).
fn roster(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::ShiftRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let ids = doctor_ids(conn)?;
    let (rows, duplicates) = resolve_rows(rows, &ids, rejected);
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
        corrected: withdrawn.len(),
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

/// PC sessions: the objective record is append-only; a session already
/// stored is unchanged.
fn pclog(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::PcRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let doctors = queries::all_doctors(conn)?;
    let mut accounts: HashMap<&str, i64> = doctors
        .iter()
        .filter_map(|d| Some((d.pc_account.as_deref()?, d.id)))
        .collect();
    // A staff id wins over another doctor's PC account of the same spelling.
    accounts.extend(doctors.iter().map(|d| (d.staff_id.as_str(), d.id)));

    // Collected from `rows.into_iter()`, which lets the standard library
    // reuse the records' buffer for the sessions (they are the same size)
    // instead of holding both at once.
    let sessions: Vec<NewPcSession> = rows
        .into_iter()
        .filter_map(|Lined { line, value }| {
            let Some(&doctor_id) = accounts.get(value.account.as_str()) else {
                rejected.push(row_error(
                    line,
                    Some("staff_id"),
                    format!("アカウント {:?} に該当する医師がいません（職員番号またはPCアカウント） / no doctor has this staff id or PC account", value.account),
                ));
                return None;
            };
            Some(NewPcSession {
                doctor_id,
                pc_name: value.pc_name.unwrap_or_default(),
                logon_at: value.logon,
                logoff_at: value.logoff,
                batch_id: None,
                source_line: line_i32(line),
            })
        })
        .collect();
    // A session is new unless an earlier row of the file or a stored session
    // has its key. The keys borrow their PC names (from `sessions` and
    // `stored`) rather than copying them, and sessions are compared sorted
    // (ties in file order) instead of through a set of a million keys.
    type Key<'a> = (i64, &'a str, NaiveDateTime, NaiveDateTime);
    fn key(s: &NewPcSession) -> Key<'_> {
        (s.doctor_id, s.pc_name.as_str(), s.logon_at, s.logoff_at)
    }
    let mut stored: Vec<StoredPcSession> = Vec::new();
    if let (Some(min), Some(max)) = (
        sessions.iter().map(|s| s.logon_at).min(),
        sessions.iter().map(|s| s.logon_at).max(),
    ) {
        let mut ids: Vec<i64> = sessions.iter().map(|s| s.doctor_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            stored.extend(queries::pc_sessions_between(
                conn,
                Some(chunk),
                min,
                max + Duration::seconds(1),
            )?);
        }
    }
    let mut stored_keys: Vec<Key> = stored
        .iter()
        .map(|s| (s.doctor_id, s.pc_name.as_str(), s.logon_at, s.logoff_at))
        .collect();
    stored_keys.sort_unstable();
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    order.sort_unstable_by(|&a, &b| key(&sessions[a]).cmp(&key(&sessions[b])).then(a.cmp(&b)));
    let mut keep = vec![false; sessions.len()];
    let mut previous: Option<Key> = None;
    for &i in &order {
        let k = key(&sessions[i]);
        if previous != Some(k) && stored_keys.binary_search(&k).is_err() {
            keep[i] = true;
        }
        previous = Some(k);
    }
    drop(order);
    drop(stored_keys);
    drop(stored);
    let unchanged = keep.iter().filter(|k| !**k).count();
    let mut keep = keep.into_iter();
    let mut inserts = sessions;
    inserts.retain(|_| keep.next().unwrap_or(false));
    inserts.shrink_to_fit();
    let _ = req;
    Ok(Plan {
        inserted: inserts.len(),
        corrected: 0,
        unchanged,
        write: Box::new(move |conn, batch_id| {
            for s in &mut inserts {
                s.batch_id = Some(batch_id);
            }
            queries::insert_pc_sessions(conn, &inserts)
        }),
    })
}

/// Doctors: new doctors are inserted, changed ones updated (the change is
/// written to the audit log with the old and new values).
fn doctors(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::DoctorRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let stored = queries::all_doctors(conn)?;
    let by_staff: HashMap<String, Doctor> = stored.iter().map(|d| (d.staff_id.clone(), d.clone())).collect();
    // Who holds each PC account after this file: stored doctors not in the
    // file keep theirs.
    let in_file: HashSet<&str> = rows.iter().map(|r| r.value.staff_id.as_str()).collect();
    let mut account_holder: HashMap<String, (String, Option<usize>)> = stored
        .iter()
        .filter(|d| !in_file.contains(d.staff_id.as_str()))
        .filter_map(|d| Some((d.pc_account.clone()?, (d.staff_id.clone(), None))))
        .collect();
    let staff_ids: HashSet<String> = stored
        .iter()
        .map(|d| d.staff_id.clone())
        .chain(in_file.iter().map(|s| s.to_string()))
        .collect();

    let mut inserts = Vec::new();
    let mut updates: Vec<(i64, DoctorFields, Doctor)> = Vec::new();
    let mut unchanged = 0;
    for Lined { line, value: rec } in rows {
        if let Some(acct) = &rec.pc_account {
            if let Some((holder, holder_line)) = account_holder.get(acct).filter(|(h, _)| *h != rec.staff_id) {
                let at = holder_line.map(|l| format!("{l}行目の")).unwrap_or_default();
                rejected.push(row_error(
                    line,
                    Some("pc_account"),
                    format!("PCアカウント {acct:?} は{at}職員番号 {holder:?} が使っています / PC account already used by another doctor"),
                ));
                continue;
            }
            if *acct != rec.staff_id && staff_ids.contains(acct) {
                rejected.push(row_error(
                    line,
                    Some("pc_account"),
                    format!("PCアカウント {acct:?} は他の医師の職員番号と同じです / PC account equals another doctor's staff id"),
                ));
                continue;
            }
            account_holder.insert(acct.clone(), (rec.staff_id.clone(), Some(line)));
        }
        let fields = DoctorFields {
            staff_id: rec.staff_id.clone(),
            name: rec.name,
            department: rec.department,
            level: rec.level.code().into(),
            email: rec.email,
            legal_holiday: weekday_code(rec.legal_holiday).into(),
            pc_account: rec.pc_account,
            scheduled_start: rec.scheduled_start.map(|t| t.format("%H:%M").to_string()),
            manager_login: rec.manager_login,
            updated_at: req.now,
        };
        match by_staff.get(&rec.staff_id) {
            Some(old) if DoctorFields::of(old).profile() == fields.profile() => unchanged += 1,
            Some(old) => updates.push((old.id, fields, old.clone())),
            None => inserts.push(NewDoctor {
                fields,
                created_at: req.now,
            }),
        }
    }
    let (now, actor) = (req.now, req.actor.map(String::from));
    Ok(Plan {
        inserted: inserts.len(),
        corrected: updates.len(),
        unchanged,
        write: Box::new(move |conn, batch_id| {
            for d in &inserts {
                queries::insert_doctor(conn, d)?;
            }
            for (id, fields, old) in &updates {
                queries::update_doctor(conn, *id, fields)?;
                crate::audit::append(
                    conn,
                    &NewAuditEntry {
                        at: now,
                        actor: actor.clone(),
                        category: "doctor".into(),
                        operation: "update".into(),
                        detail: serde_json::json!({
                            "batch_id": batch_id,
                            "staff_id": old.staff_id,
                            "before": DoctorFields::of(old).profile(),
                            "after": fields.profile(),
                        })
                        .to_string(),
                    },
                )?;
            }
            Ok(())
        }),
    })
}
