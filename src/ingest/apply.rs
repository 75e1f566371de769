//! Running an import all or nothing (formats.md, "What an import does with
//! bad input"): the file is parsed, its kind's step plans inside the write
//! transaction, and then either the transaction is rolled back (rows were
//! rejected without `skip_invalid`, or nothing changed) or the batch is
//! recorded, the rows written and the import logged in the audit trail.

use super::doctors::doctors;
use super::pclog::pclog;
use super::plan::{Planner, Tx};
use super::roster::roster;
use super::timecard::timecard;
use super::{ImportError, ImportKind, ImportReport, ImportRequest};
use crate::db::models::{NewAuditEntry, NewImportBatch};
use crate::db::{queries, write_transaction, AnyConnection};
use crate::import::{self, Parsed};
use sha2::{Digest, Sha256};
use std::time::Instant;

/// Whether an import writes, or only says what it would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
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
    let result = crate::db::with_import_cache(conn, |conn| match req.kind {
        ImportKind::Doctors => apply(conn, req, import::parse_doctors(req.bytes)?, doctors, mode),
        ImportKind::Timecard => apply(conn, req, import::parse_shifts(req.bytes)?, timecard, mode),
        ImportKind::Roster => apply(conn, req, import::parse_shifts(req.bytes)?, roster, mode),
        ImportKind::Pclog => apply(conn, req, import::parse_pclog(req.bytes)?, pclog, mode),
    });
    if mode == Mode::Check {
        return result;
    }
    if let Ok(r) = &result {
        tracing::info!(
            kind = %req.kind,
            file = req.file_name,
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
) -> Result<ImportReport, ImportError> {
    let Parsed {
        rows,
        rejected: parse_errors,
        ignored_columns,
        ignored_columns_omitted,
        encoding,
        notices: _,
    } = parsed;
    let outcome = write_transaction(conn, |conn| {
        let mut rejected = parse_errors;
        let p = plan(conn, rows, req, &mut rejected)?;
        let mut report = ImportReport {
            kind: req.kind,
            inserted: p.inserted,
            corrected: p.corrected,
            superseded: p.superseded,
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
            report.superseded = 0;
            report.unchanged = 0;
            return Err(Tx::Abort(Box::new(report)));
        }
        if report.inserted + report.corrected + report.superseded == 0 || mode == Mode::Check {
            // Nothing new, or only a check: leave the database exactly as
            // it was.
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
                superseded: count(report.superseded),
            },
        )?;
        (p.write)(conn, batch_id)?;
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
        Ok(report)
    });
    match outcome {
        Ok(r) => Ok(r),
        Err(Tx::Abort(r)) => Ok(*r),
        Err(Tx::Fail(e)) => Err(e),
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
