//! How fresh each source of working time is (issue 13 §4): up to when the
//! stored timecards, rosters and PC sessions reach, when each kind was last
//! imported, and whether a month has any of them.

use super::schema::{import_batches, pc_sessions, roster_rows, timecard_rows};
use super::AnyConnection;
use crate::domain::shift::MAX_SHIFT;
use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{exists, max};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// One source as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    /// The end of the latest row (current rows only).
    pub latest: Option<NaiveDateTime>,
    /// When a file of this kind was last imported.
    pub imported_at: Option<NaiveDateTime>,
    /// Whether any row starts in the month asked about.
    pub any_in_month: bool,
}

fn imported_at(conn: &mut AnyConnection, kind: &str) -> QueryResult<Option<NaiveDateTime>> {
    import_batches::table
        .filter(import_batches::kind.eq(kind))
        .select(max(import_batches::imported_at))
        .first(conn)
}

/// How far before the last logon the PC session with the last logoff is
/// looked for. Sessions have no upper length (timecard and roster rows
/// have, see `shifts_stored!`): one open for more than a week before the
/// file's last logon is not seen, and the day shown is then early, never
/// late.
const PC_LOOK_BACK: Duration = Duration::days(7);

/// [`Stored`] of the timecard or the roster, by the `(start_at, …)` index
/// rather than a walk of every stored row (the dashboard asks on every
/// view, and the tables grow with every month kept). The latest end is
/// exact: a row lasts at most [`MAX_SHIFT`] (no longer one is stored), and
/// the row ending last ends after the row starting last starts, so it
/// starts no earlier than the latest start less [`MAX_SHIFT`].
macro_rules! shifts_stored {
    ($conn:expr, $table:ident, $kind:expr, $from:expr, $to:expr) => {{
        let current = || $table::table.filter($table::superseded_at.is_null());
        let last_start: Option<NaiveDateTime> = current()
            .select($table::start_at)
            .order($table::start_at.desc())
            .first($conn)
            .optional()?;
        let latest = match last_start {
            Some(s) => current()
                .filter($table::start_at.ge(s - MAX_SHIFT))
                .select(max($table::end_at))
                .first($conn)?,
            None => None,
        };
        Stored {
            latest,
            imported_at: imported_at($conn, $kind)?,
            any_in_month: diesel::select(exists(
                current()
                    .filter($table::start_at.ge($from))
                    .filter($table::start_at.lt($to)),
            ))
            .get_result($conn)?,
        }
    }};
}

/// Timecards, rosters and PC sessions, for the month `[from, to)`.
pub fn sources(conn: &mut AnyConnection, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<[Stored; 3]> {
    let timecard = shifts_stored!(conn, timecard_rows, "timecard", from, to);
    let roster = shifts_stored!(conn, roster_rows, "roster", from, to);
    let last_logon: Option<NaiveDateTime> = pc_sessions::table
        .select(pc_sessions::logon_at)
        .order(pc_sessions::logon_at.desc())
        .first(conn)
        .optional()?;
    let pclog = Stored {
        latest: match last_logon {
            Some(s) => pc_sessions::table
                .filter(pc_sessions::logon_at.ge(s - PC_LOOK_BACK))
                .select(max(pc_sessions::logoff_at))
                .first(conn)?,
            None => None,
        },
        imported_at: imported_at(conn, "pclog")?,
        any_in_month: diesel::select(exists(
            pc_sessions::table
                .filter(pc_sessions::logon_at.ge(from))
                .filter(pc_sessions::logon_at.lt(to)),
        ))
        .get_result(conn)?,
    };
    Ok([timecard, roster, pclog])
}
