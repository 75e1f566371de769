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

/// A keyed register's changes (employers, permits, 代償休息 grants): rows to
/// insert, stored rows to update with their new values, and equal rows.
pub(super) struct Upsert<O, N> {
    pub(super) inserts: Vec<N>,
    /// The stored row, its new values, and what the audit entry names it by
    /// (`("staff_id", "D001")`, `("permit_no", "H-1")`).
    pub(super) updates: Vec<(O, N, (&'static str, String))>,
    pub(super) unchanged: usize,
}

/// How a register's rows are written and shown in the audit log.
pub(super) struct Register<O, N> {
    pub(super) category: crate::audit::Category,
    /// The audit log's operation of an update (`update_permit`).
    pub(super) operation: &'static str,
    pub(super) insert: fn(&mut AnyConnection, &N) -> diesel::QueryResult<()>,
    pub(super) update: fn(&mut AnyConnection, &O, &N) -> diesel::QueryResult<()>,
    pub(super) before: fn(&O) -> serde_json::Value,
    pub(super) after: fn(&N) -> serde_json::Value,
}

impl<O: 'static, N: 'static> Upsert<O, N> {
    pub(super) fn new() -> Self {
        Upsert {
            inserts: Vec::new(),
            updates: Vec::new(),
            unchanged: 0,
        }
    }

    /// The plan: new rows inserted, changed ones updated with an audit
    /// entry of the old and new values each, in the import's transaction.
    pub(super) fn plan(self, req: &ImportRequest, how: Register<O, N>) -> Plan {
        let (now, actor) = (req.now, req.actor.map(String::from));
        let Upsert {
            inserts,
            updates,
            unchanged,
        } = self;
        Plan {
            inserted: inserts.len(),
            corrected: updates.len(),
            superseded: 0,
            unchanged,
            records: false,
            write: Box::new(move |conn, batch_id| {
                for new in &inserts {
                    (how.insert)(conn, new)?;
                }
                for (old, new, (key, value)) in &updates {
                    (how.update)(conn, old, new)?;
                    let mut detail = serde_json::json!({
                        "batch_id": batch_id,
                        "before": (how.before)(old),
                        "after": (how.after)(new),
                    });
                    detail[*key] = serde_json::Value::String(value.clone());
                    crate::audit::append(
                        conn,
                        &crate::db::models::NewAuditEntry {
                            at: now,
                            actor: actor.clone(),
                            category: how.category.code().into(),
                            operation: how.operation.into(),
                            detail: detail.to_string(),
                        },
                    )?;
                }
                Ok(())
            }),
        }
    }
}

/// A row naming a doctor kinmu does not know.
pub(super) fn unknown_doctor(line: usize, staff_id: &str) -> RowError {
    row_error(
        line,
        Some("職員番号"),
        format!(
            "職員番号 {staff_id:?} の医師が登録されていません（先に医師一覧を取り込んでください） / unknown doctor (import the doctors list first)"
        ),
    )
}
