//! kinmu's own PC log imported in blocks (issue 12, "Streaming"): peak
//! memory stays flat whatever the file's size, and the import is still all
//! or nothing.
//!
//! Inside one write transaction, the batch is recorded first (its counts
//! and the file's hash are completed at the end), then each block of the
//! file ([`crate::import::blocks`]) is read, planned against the stored
//! sessions — those of earlier blocks included, as they are stored in the
//! same transaction — and written at once. At the end the same decision as
//! for a file read whole ([`super::apply`]) either commits or rolls back
//! everything: rows rejected without `skip_invalid`, nothing new, or only a
//! check leave the database exactly as it was.

use super::outcome::{count, leaves_nothing, new_batch, record, report_of, settle, Mode};
use super::pclog::{plan_sessions, Accounts};
use super::plan::Tx;
use super::{ImportError, ImportReport, ImportRequest};
use crate::db::{queries, write_transaction, AnyConnection};
use crate::import::blocks::{BlockError, Blocks};
use crate::import::{self, Lined, Parsed, Rejections};
use std::io::Read;

impl From<BlockError> for Tx {
    fn from(e: BlockError) -> Self {
        match e {
            BlockError::File(e) => Tx::Fail(ImportError::File(e)),
            BlockError::Io(e) => Tx::Fail(ImportError::Read(e.to_string())),
        }
    }
}

/// Where a PC log's records come from.
pub(super) enum PcSource<R> {
    /// kinmu's own layout, read block by block.
    Blocks(Blocks<R>),
    /// A file read whole through a vendor layout, with its bytes' hash and
    /// the layout's name.
    Whole(Option<Box<Parsed<import::PcRecord>>>, String, String),
}

impl<R: Read> PcSource<R> {
    /// The next part of the file and the offset of its line numbers.
    fn next_part(&mut self) -> Result<Option<(Parsed<import::PcRecord>, usize)>, Tx> {
        match self {
            PcSource::Blocks(blocks) => match blocks.next_block()? {
                Some(block) => Ok(Some((
                    import::parse_pclog(&block.bytes).map_err(|e| Tx::Fail(e.into()))?,
                    block.line_offset,
                ))),
                None => Ok(None),
            },
            PcSource::Whole(parsed, ..) => Ok(parsed.take().map(|p| (*p, 0))),
        }
    }

    fn layout(&self) -> &str {
        match self {
            PcSource::Blocks(_) => "kinmu",
            PcSource::Whole(_, _, layout) => layout,
        }
    }

    fn sha256_hex(&self) -> String {
        match self {
            PcSource::Blocks(blocks) => blocks.sha256_hex(),
            PcSource::Whole(_, sha, _) => sha.clone(),
        }
    }
}

/// Imports a PC log part by part (block by block for kinmu's own layout).
pub(super) fn pclog_in_parts<R: Read>(
    conn: &mut AnyConnection,
    req: &ImportRequest,
    mut source: PcSource<R>,
    mode: Mode,
) -> Result<ImportReport, ImportError> {
    let outcome = write_transaction(conn, |conn| {
        let mut report = report_of(
            req,
            source.layout(),
            [0; 4],
            Rejections::default(),
            (Vec::new(), 0),
            "utf-8",
        );
        let batch_id = queries::insert_batch(conn, &new_batch(req, &report, String::new()))?;
        let accounts = Accounts::load(conn)?;
        let mut rejected = Rejections::default();
        let mut notices = Rejections::default();
        let (mut inserted, mut unchanged) = (0, 0);
        let mut columns = None;
        let mut encoding = "utf-8";
        while let Some((parsed, line_offset)) = source.next_part()? {
            columns.get_or_insert((parsed.ignored_columns, parsed.ignored_columns_omitted));
            encoding = parsed.encoding;
            rejected.absorb(parsed.rejected, line_offset);
            notices.absorb(parsed.notices, line_offset);
            let rows: Vec<Lined<import::PcRecord>> = parsed
                .rows
                .into_iter()
                .map(|mut r| {
                    r.line += line_offset;
                    r
                })
                .collect();
            let mut block_rejected = Rejections::default();
            let (mut inserts, same) = plan_sessions(conn, &accounts, rows, &mut block_rejected)?;
            rejected.absorb(block_rejected, 0);
            unchanged += same;
            inserted += inserts.len();
            // Written even when rows were rejected: the decision comes at
            // the end, and a rollback takes them out again.
            for s in &mut inserts {
                s.batch_id = Some(batch_id);
            }
            queries::insert_pc_sessions(conn, &inserts)?;
        }
        report = report_of(
            req,
            source.layout(),
            [inserted, 0, 0, unchanged],
            rejected,
            columns.unwrap_or_default(),
            match &source {
                PcSource::Blocks(blocks) => blocks.encoding(),
                PcSource::Whole(..) => encoding,
            },
        );
        report.notices_total = notices.total();
        report.notices = notices.reasons();
        if leaves_nothing(&mut report, req, mode, false) {
            return Err(Tx::Abort(Box::new(report)));
        }
        queries::finish_batch(
            conn,
            batch_id,
            &source.sha256_hex(),
            report.encoding,
            [
                count(report.inserted),
                count(report.corrected),
                count(report.unchanged),
                count(report.rejected_total),
            ],
        )?;
        record(conn, req, &mut report, batch_id)?;
        Ok(report)
    });
    settle(outcome)
}
