//! A roster file read for a check (rules §15.1), not imported: the same
//! reader and the same row checks as `kinmu import roster` — layout,
//! unknown doctors, self-confirmation, repeated rows, overlaps within the
//! file — and the rows refused listed as an import lists them. Nothing is
//! written, and no transaction is opened.

use super::plan::Tx;
use super::shifts::{doctors, overlap_errors, resolve_rows, Row};
use super::ImportError;
use crate::db::AnyConnection;
use crate::domain::shift::Shift;
use crate::import::layout::{self, Layout};
use crate::import::{ReasonCount, RowError};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One accepted row of the file.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub line: usize,
    pub doctor_id: i64,
    pub shift: Shift,
}

/// The rows refused, as an import's answer lists them (formats.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub rejected: Vec<RowError>,
    pub rejected_total: usize,
    pub rejected_rows: usize,
    pub rejected_omitted: usize,
    pub rejected_reasons: Vec<ReasonCount>,
}

/// A roster file as a check reads it.
#[derive(Debug, Clone)]
pub struct RosterFile {
    /// The layout the file was read with.
    pub layout: String,
    /// The accepted rows, in file order.
    pub rows: Vec<FileRow>,
    pub refused: Refused,
}

/// Reads a roster file as `kinmu import roster` would, without writing.
pub fn read_roster_file(
    conn: &mut AnyConnection,
    bytes: &[u8],
    layout: Option<&Layout>,
) -> Result<RosterFile, ImportError> {
    let read = layout::read_shifts(layout, bytes)?;
    let mut rejected = read.parsed.rejected;
    let known = doctors(conn).map_err(|e| match e {
        Tx::Fail(e) => e,
        Tx::Abort(_) => ImportError::Request("取込が中断されました / the read was aborted".into()),
    })?;
    let resolved = resolve_rows(read.parsed.rows, &known, &mut rejected);
    let overlap = overlap_errors(&resolved.rows.iter().collect::<Vec<_>>(), &HashMap::new());
    let bad: HashSet<usize> = overlap.iter().map(|(l, _)| *l).collect();
    rejected.extend(overlap.into_iter().map(|(_, e)| e));
    let rows = resolved
        .rows
        .into_iter()
        .filter(|r: &Row| !bad.contains(&r.line))
        .map(|r| FileRow {
            line: r.line,
            doctor_id: r.doctor_id,
            shift: r.shift,
        })
        .collect();
    Ok(RosterFile {
        layout: read.layout,
        rows,
        refused: Refused {
            rejected_total: rejected.total(),
            rejected_rows: rejected.rows(),
            rejected_omitted: rejected.omitted(),
            rejected_reasons: rejected.reasons(),
            rejected: rejected.into_listed(),
        },
    })
}
