//! How fresh each source of working time is (issue 13 §4): up to when the
//! stored timecards, rosters and PC sessions reach, when each kind was last
//! imported, and whether a month has any of them.

use super::schema::{import_batches, pc_sessions, roster_rows, timecard_rows};
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;
use diesel::result::QueryResult;

/// One source as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    /// The end of the latest row (current rows only).
    pub latest: Option<NaiveDateTime>,
    /// When a file of this kind was last imported.
    pub imported_at: Option<NaiveDateTime>,
    /// Rows starting in the month asked about.
    pub in_month: i64,
}

fn imported_at(conn: &mut AnyConnection, kind: &str) -> QueryResult<Option<NaiveDateTime>> {
    import_batches::table
        .filter(import_batches::kind.eq(kind))
        .select(max(import_batches::imported_at))
        .first(conn)
}

/// Timecards, rosters and PC sessions, for the month `[from, to)`.
pub fn sources(conn: &mut AnyConnection, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<[Stored; 3]> {
    let timecard = Stored {
        latest: timecard_rows::table
            .filter(timecard_rows::superseded_at.is_null())
            .select(max(timecard_rows::end_at))
            .first(conn)?,
        imported_at: imported_at(conn, "timecard")?,
        in_month: timecard_rows::table
            .filter(timecard_rows::superseded_at.is_null())
            .filter(timecard_rows::start_at.ge(from))
            .filter(timecard_rows::start_at.lt(to))
            .count()
            .get_result(conn)?,
    };
    let roster = Stored {
        latest: roster_rows::table
            .filter(roster_rows::superseded_at.is_null())
            .select(max(roster_rows::end_at))
            .first(conn)?,
        imported_at: imported_at(conn, "roster")?,
        in_month: roster_rows::table
            .filter(roster_rows::superseded_at.is_null())
            .filter(roster_rows::start_at.ge(from))
            .filter(roster_rows::start_at.lt(to))
            .count()
            .get_result(conn)?,
    };
    let pclog = Stored {
        latest: pc_sessions::table.select(max(pc_sessions::logoff_at)).first(conn)?,
        imported_at: imported_at(conn, "pclog")?,
        in_month: pc_sessions::table
            .filter(pc_sessions::logon_at.ge(from))
            .filter(pc_sessions::logon_at.lt(to))
            .count()
            .get_result(conn)?,
    };
    Ok([timecard, roster, pclog])
}
