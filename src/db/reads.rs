//! The month's PC sessions for the report, shaped for speed.
//!
//! A month of every doctor is hundreds of thousands of PC sessions, so this
//! read selects only the columns the rules use and decodes timestamps as
//! [`Ts`]. Each backend gets the plan that suits it:
//!
//! - SQLite: the sessions are read through the unique index
//!   `pc_sessions_key (doctor_id, logon_at, logoff_at, pc_name)`, which
//!   covers the columns read, one range of `logon_at` per doctor: no table
//!   lookups and no sort (the rows come out in the index's order). The
//!   `doctor_id IN (SELECT id FROM doctors)` filter (always true: the column
//!   is a foreign key) is what lets the planner seek per doctor.
//! - PostgreSQL: a plain range scan of `pc_sessions_logon` without ORDER BY
//!   (sorting a month's sessions would spill to disk at the default
//!   `work_mem`); the caller sorts each doctor's few hundred sessions.

use super::schema::{doctors, pc_sessions};
use super::timestamp::Ts;
use super::AnyConnection;
use crate::domain::discrepancy::PcSession;
use chrono::NaiveDateTime;
use diesel::connection::DefaultLoadingMode;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sqlite::Sqlite;
use std::collections::HashMap;

/// PC sessions logged on in `[from, to)`, by doctor: in time order on
/// SQLite, in no particular order on PostgreSQL (sort each doctor's
/// sessions). Read as the driver hands the rows over, each doctor looked up
/// once per run of their sessions (the rows come grouped by doctor on
/// SQLite).
pub fn pc_sessions_in(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<HashMap<i64, Vec<PcSession>>> {
    type Row = (i64, Ts, Ts);
    let columns = (pc_sessions::doctor_id, pc_sessions::logon_at, pc_sessions::logoff_at);
    let in_window = pc_sessions::logon_at.ge(from).and(pc_sessions::logon_at.lt(to));
    let mut by_doctor = ByDoctor::default();
    match conn {
        AnyConnection::Sqlite(c) => {
            let q = pc_sessions::table
                .filter(in_window)
                .select(columns)
                .order((pc_sessions::doctor_id, pc_sessions::logon_at, pc_sessions::logoff_at))
                .into_boxed::<Sqlite>();
            let q = match doctor_ids {
                Some(ids) => q.filter(pc_sessions::doctor_id.eq_any(ids)),
                None => q.filter(pc_sessions::doctor_id.eq_any(doctors::table.select(doctors::id))),
            };
            for row in q.load_iter::<Row, DefaultLoadingMode>(c)? {
                by_doctor.push(row?);
            }
        }
        AnyConnection::Postgresql(c) => {
            let q = pc_sessions::table.filter(in_window).select(columns).into_boxed::<Pg>();
            let q = match doctor_ids {
                Some(ids) => q.filter(pc_sessions::doctor_id.eq_any(ids)),
                None => q,
            };
            for row in q.load_iter::<Row, DefaultLoadingMode>(c)? {
                by_doctor.push(row?);
            }
        }
    }
    Ok(by_doctor.lists.into_iter().collect())
}

/// Sessions gathered by doctor.
#[derive(Default)]
struct ByDoctor {
    index: HashMap<i64, usize>,
    lists: Vec<(i64, Vec<PcSession>)>,
    /// The doctor of the previous row and their list.
    last: Option<(i64, usize)>,
}

impl ByDoctor {
    fn push(&mut self, (doctor_id, logon, logoff): (i64, Ts, Ts)) {
        let i = match self.last {
            Some((d, i)) if d == doctor_id => i,
            _ => {
                let lists = &mut self.lists;
                let i = *self.index.entry(doctor_id).or_insert_with(|| {
                    lists.push((doctor_id, Vec::new()));
                    lists.len() - 1
                });
                self.last = Some((doctor_id, i));
                i
            }
        };
        self.lists[i].1.push(PcSession {
            logon: logon.0,
            logoff: logoff.0,
        });
    }
}
