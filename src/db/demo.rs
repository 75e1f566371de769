//! The demo's mark on a database (`demo_marker`) and the emptiness check
//! made before placing it. Whether the demo may use a database is
//! `demo`'s rule; this module only reads and writes the rows.

use super::schema::{demo_marker, users};
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

/// Whether the database carries the demo's mark.
pub fn has_demo_mark(conn: &mut AnyConnection) -> QueryResult<bool> {
    Ok(demo_marker::table.count().get_result::<i64>(conn)? > 0)
}

/// How many users the database has.
pub fn user_count(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result::<i64>(conn)
}

/// Marks the database as a demo database, made at `at`.
pub fn insert_demo_mark(conn: &mut AnyConnection, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(demo_marker::table)
        .values((demo_marker::id.eq(1), demo_marker::created_at.eq(at)))
        .execute(conn)
}
