//! Running an import all or nothing (formats.md, "What an import does with
//! bad input"): the file is parsed, its kind's step plans inside the write
//! transaction, and then either the transaction is rolled back (rows were
//! rejected without `skip_invalid`, or nothing changed) or the batch is
//! recorded, the rows written and the import logged in the audit trail.

use super::comp_rest::comp_rest;
use super::doctors::doctors;
use super::employers::employers;
use super::outcome::{leaves_nothing, new_batch, record, report_of, settle, sha256_hex, Mode};
use super::permits::permits;
use super::plan::{Planner, Tx};
use super::roster::roster;
use super::stream::{pclog_in_parts, PcSource};
use super::timecard::timecard;
use super::{ImportError, ImportKind, ImportReport, ImportRequest};
use crate::db::{queries, write_transaction, AnyConnection};
use crate::import::blocks::Blocks;
use crate::import::{self, layout, Parsed};
use std::time::Instant;

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
    super::check_published_at(req.kind, req.published_at, req.now).map_err(ImportError::Request)?;
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
        ImportKind::Employers => {
            layout::check_employers(req.layout)?;
            let parsed = import::parse_employers(req.bytes)?;
            apply(conn, req, parsed, employers, mode, "kinmu".into())
        }
        ImportKind::Permits => {
            layout::check_permits(req.layout)?;
            let parsed = import::parse_permits(req.bytes)?;
            apply(conn, req, parsed, permits, mode, "kinmu".into())
        }
        ImportKind::CompRest => {
            layout::check_comp_rest(req.layout)?;
            let parsed = import::parse_comp_rest(req.bytes)?;
            apply(conn, req, parsed, comp_rest, mode, "kinmu".into())
        }
        ImportKind::Pclog => {
            let source = match layout::read_pclog_vendor(req.layout, req.bytes)? {
                Some(read) => PcSource::Whole(Some(Box::new(read.parsed)), sha256_hex(req.bytes), read.layout),
                None => PcSource::Blocks(Blocks::new(req.bytes)),
            };
            pclog_in_parts(conn, req, source, mode)
        }
    });
    if mode == Mode::Write {
        log_finished(req, &result, started);
    }
    result
}

/// Imports a PC log in kinmu's own columns from `file`, block by block, so
/// that a log of millions of sessions is never held whole (`kinmu import
/// pclog` of a file on disk). `req.bytes` is not read: the file is.
pub fn run_pclog_file(
    conn: &mut AnyConnection,
    req: &ImportRequest,
    file: impl std::io::Read,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let result = crate::db::with_import_cache(conn, |conn| {
        pclog_in_parts(conn, req, PcSource::Blocks(Blocks::new(file)), Mode::Write)
    });
    log_finished(req, &result, started);
    result
}

fn log_finished(req: &ImportRequest, result: &Result<ImportReport, ImportError>, started: Instant) {
    if let Ok(r) = result {
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
        if leaves_nothing(&mut report, req, mode, p.records) {
            return Err(Tx::Abort(Box::new(report)));
        }
        let batch_id = queries::insert_batch(conn, &new_batch(req, &report, sha256_hex(req.bytes)))?;
        (p.write)(conn, batch_id)?;
        record(conn, req, &mut report, batch_id)?;
        Ok(report)
    });
    settle(outcome)
}
