//! Running an import all or nothing (formats.md, "What an import does with
//! bad input"): the file is parsed, its kind's step plans inside the write
//! transaction, and then either the transaction is rolled back (rows were
//! rejected without `skip_invalid`, or nothing changed) or the batch is
//! recorded, the rows written and the import logged in the audit trail.

use super::doctors::doctors;
use super::plan::{Planner, Tx};
use super::roster::roster;
use super::stream::{pclog_in_parts, PcSource};
use super::timecard::timecard;
use super::{ImportError, ImportKind, ImportReport, ImportRequest};
use crate::db::models::{NewAuditEntry, NewImportBatch};
use crate::db::{queries, write_transaction, AnyConnection};
use crate::import::blocks::Blocks;
use crate::import::{self, layout, Parsed, Rejections};
use sha2::{Digest, Sha256};
use std::time::Instant;

/// Whether an import writes, or only says what it would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Write,
    Check,
}

/// Imports one file. Returns the report whether or not rows were rejected;
/// an `Err` means the file could not be read at all or the database failed,
/// and nothing was written.
pub fn run(conn: &mut AnyConnection, req: &ImportRequest) -> Result<ImportReport, ImportError> {
    run_in(conn, req, Mode::Write)
}

/// What importing the file now would do — the same parse, the same checks
/// against the stored rows (unknown doctors, overlaps, corrections) and the
/// same report as [`run`] — with nothing written (`committed` is false; the
/// counts are those the import would write). The preview screen shows this,
/// so its verdict is the import's.
pub fn check(conn: &mut AnyConnection, req: &ImportRequest) -> Result<ImportReport, ImportError> {
    run_in(conn, req, Mode::Check)
}

fn run_in(conn: &mut AnyConnection, req: &ImportRequest, mode: Mode) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    // The file is read through the layout asked for, or one recognised
    // from its header (import::layout); the answer names it.
    let result = crate::db::with_import_cache(conn, |conn| match req.kind {
        ImportKind::Doctors => {
            layout::check_doctors(req.layout)?;
            let parsed = import::parse_doctors(req.bytes)?;
            apply(conn, req, parsed, doctors, mode, "kinmu".into())
        }
        ImportKind::Timecard => {
            let read = layout::read_shifts(req.layout, req.bytes)?;
            apply(conn, req, read.parsed, timecard, mode, read.layout)
        }
        ImportKind::Roster => {
            let read = layout::read_shifts(req.layout, req.bytes)?;
            apply(conn, req, read.parsed, roster, mode, read.layout)
        }
        ImportKind::Pclog => {
            let source = match layout::read_pclog_vendor(req.layout, req.bytes)? {
                Some(read) => PcSource::Whole(Some(read.parsed), sha256_hex(req.bytes), read.layout),
                None => PcSource::Blocks(Blocks::new(req.bytes)),
            };
            pclog_in_parts(conn, req, source, mode)
        }
    });
    if mode == Mode::Check {
        return result;
    }
    if let Ok(r) = &result {
        tracing::info!(
            kind = %req.kind,
            file = req.file_name,
            layout = r.layout,
            encoding = r.encoding,
            inserted = r.inserted,
            corrected = r.corrected,
            superseded = r.superseded,
            unchanged = r.unchanged,
            rejected = r.rejected_total,
            committed = r.committed,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "import finished"
        );
    }
    result
}

/// The shared frame of every import: plan inside the write transaction,
/// then either abort (rolling back) or record the batch and write.
fn apply<T>(
    conn: &mut AnyConnection,
    req: &ImportRequest,
    parsed: Parsed<T>,
    plan: Planner<T>,
    mode: Mode,
    layout: String,
) -> Result<ImportReport, ImportError> {
    let Parsed {
        rows,
        rejected: parse_errors,
        ignored_columns,
        ignored_columns_omitted,
        encoding,
        notices,
    } = parsed;
    let outcome = write_transaction(conn, |conn| {
        let mut rejected = parse_errors;
        let p = plan(conn, rows, req, &mut rejected)?;
        let mut report = report_of(
            req,
            &layout,
            [p.inserted, p.corrected, p.superseded, p.unchanged],
            rejected,
            (ignored_columns, ignored_columns_omitted),
            encoding,
        );
        report.notices_total = notices.total();
        report.notices = notices.reasons();
        if leaves_nothing(&mut report, req, mode) {
            return Err(Tx::Abort(Box::new(report)));
        }
        let batch_id = queries::insert_batch(conn, &new_batch(req, &report, sha256_hex(req.bytes)))?;
        (p.write)(conn, batch_id)?;
        record(conn, req, &mut report, batch_id)?;
        Ok(report)
    });
    match outcome {
        Ok(r) => Ok(r),
        Err(Tx::Abort(r)) => Ok(*r),
        Err(Tx::Fail(e)) => Err(e),
    }
}

/// The answer of an import, before anything is written.
pub(super) fn report_of(
    req: &ImportRequest,
    layout: &str,
    [inserted, corrected, superseded, unchanged]: [usize; 4],
    rejected: Rejections,
    (ignored_columns, ignored_columns_omitted): (Vec<String>, usize),
    encoding: &'static str,
) -> ImportReport {
    ImportReport {
        kind: req.kind,
        layout: layout.to_string(),
        inserted,
        corrected,
        superseded,
        unchanged,
        rejected_total: rejected.total(),
        rejected_rows: rejected.rows(),
        rejected_omitted: rejected.omitted(),
        rejected_reasons: rejected.reasons(),
        rejected: rejected.into_listed(),
        notices: Vec::new(),
        notices_total: 0,
        ignored_columns,
        ignored_columns_omitted,
        encoding,
        committed: false,
        batch_id: None,
    }
}

/// Whether the import must leave the database exactly as it was: rows were
/// rejected without `skip_invalid` (then it writes nothing and says so
/// with zero counts), nothing is new, or it is only a check.
pub(super) fn leaves_nothing(report: &mut ImportReport, req: &ImportRequest, mode: Mode) -> bool {
    if report.rejected_total > 0 && !req.skip_invalid {
        report.inserted = 0;
        report.corrected = 0;
        report.superseded = 0;
        report.unchanged = 0;
        return true;
    }
    report.inserted + report.corrected + report.superseded == 0 || mode == Mode::Check
}

/// The batch of an import with its counts.
pub(super) fn new_batch(req: &ImportRequest, report: &ImportReport, file_sha256: String) -> NewImportBatch {
    NewImportBatch {
        kind: req.kind.code().into(),
        file_name: req.file_name.into(),
        file_sha256,
        encoding: report.encoding.into(),
        imported_at: req.now,
        imported_by: req.actor.map(Into::into),
        inserted: count(report.inserted),
        corrected: count(report.corrected),
        unchanged: count(report.unchanged),
        rejected: count(report.rejected_total),
        superseded: count(report.superseded),
    }
}

/// After the rows of batch `batch_id` are written: the data changed, the
/// import goes to the audit trail, and the answer says it was committed.
pub(super) fn record(
    conn: &mut AnyConnection,
    req: &ImportRequest,
    report: &mut ImportReport,
    batch_id: i64,
) -> diesel::QueryResult<()> {
    crate::db::bump_data_version(conn)?;
    crate::audit::append(
        conn,
        &NewAuditEntry {
            at: req.now,
            actor: req.actor.map(Into::into),
            category: crate::audit::Category::Import.code().into(),
            operation: req.kind.code().into(),
            detail: serde_json::json!({
                "batch_id": batch_id,
                "file": req.file_name,
                "layout": report.layout,
                "inserted": report.inserted,
                "corrected": report.corrected,
                "superseded": report.superseded,
                "unchanged": report.unchanged,
                "rejected": report.rejected_total,
            })
            .to_string(),
        },
    )?;
    report.committed = true;
    report.batch_id = Some(batch_id);
    Ok(())
}

pub(super) fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
