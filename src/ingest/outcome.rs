//! What every import does once its rows are planned, whichever way the
//! file was read (whole, [`super::apply`], or in blocks, [`super::stream`]):
//! the answer, the all-or-nothing decision, the batch record and the audit
//! entry (formats.md, "What an import does with bad input").

use super::plan::Tx;
use super::{ImportError, ImportReport, ImportRequest};
use crate::db::models::{NewAuditEntry, NewImportBatch};
use crate::db::AnyConnection;
use crate::import::Rejections;
use sha2::{Digest, Sha256};

/// Whether an import writes, or only says what it would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Write,
    Check,
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
/// with zero counts), nothing is new (unless the plan `records` anyway),
/// or it is only a check.
pub(super) fn leaves_nothing(report: &mut ImportReport, req: &ImportRequest, mode: Mode, records: bool) -> bool {
    if report.rejected_total > 0 && !req.skip_invalid {
        report.inserted = 0;
        report.corrected = 0;
        report.superseded = 0;
        report.unchanged = 0;
        return true;
    }
    (report.inserted + report.corrected + report.superseded == 0 && !records) || mode == Mode::Check
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
        published_at: req.published_at.filter(|_| req.kind == super::ImportKind::Roster),
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
                "published_at": req.published_at.filter(|_| req.kind == super::ImportKind::Roster),
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

/// The answer of a write transaction: a report it wrote, or one it rolled
/// back (nothing to write), or the failure.
pub(super) fn settle(outcome: Result<ImportReport, Tx>) -> Result<ImportReport, ImportError> {
    match outcome {
        Ok(r) => Ok(r),
        Err(Tx::Abort(r)) => Ok(*r),
        Err(Tx::Fail(e)) => Err(e),
    }
}
