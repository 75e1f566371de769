//! The vocabulary shared by the kind-specific steps of an import: a step
//! plans (counts and a writer, its rejected rows going to the import's
//! [`Rejections`]) and may abort the transaction with a report that must not
//! be written (formats.md, "What an import does with bad input").

use super::{ImportError, ImportReport, ImportRequest};
use crate::db::models::CorruptRow;
use crate::db::AnyConnection;
use crate::import::{Lined, Rejections, RowError};

/// Inside the transaction: a failure, or a report that must not be written.
pub(super) enum Tx {
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

/// Writes a planned import's rows, given the batch id.
pub(super) type Writer = Box<dyn FnOnce(&mut AnyConnection, i64) -> diesel::QueryResult<()>>;

/// What a kind-specific step decided: counts and a writer (its rejected
/// rows go to the import's [`Rejections`]).
pub(super) struct Plan {
    pub(super) inserted: usize,
    pub(super) corrected: usize,
    /// Stored rows superseded with no new version (a timecard re-export
    /// that no longer has them, a roster's withdrawn plans).
    pub(super) superseded: usize,
    pub(super) unchanged: usize,
    /// Record the import although no row changed: a roster re-imported
    /// with an earlier publication time (`--published-at`) records when
    /// its plan was published (rules §5a.2).
    pub(super) records: bool,
    pub(super) write: Writer,
}

pub(super) type Planner<T> = fn(&mut AnyConnection, Vec<Lined<T>>, &ImportRequest, &mut Rejections) -> Result<Plan, Tx>;

pub(super) fn line_i32(line: usize) -> Option<i32> {
    i32::try_from(line).ok()
}

pub(super) fn row_error(line: usize, column: Option<&str>, reason: String) -> RowError {
    RowError {
        line,
        column: column.map(Into::into),
        reason,
    }
}
