//! The `sessions` table: sign-in sessions and API tokens, each found by the
//! SHA-256 hash of its token (the token itself is never stored). When a
//! session holds, and what opens or ends one, is `accounts`.

use super::models::User;
use super::schema::{sessions, users};
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

/// A session as [`current_session`] finds it: its user, CSRF token, id and last use.
pub type SessionRow = (User, String, i64, Option<NaiveDateTime>);

/// The session with this token hash, if it ends after `now` and was used
/// after `idle_since`.
pub fn current_session(
    conn: &mut AnyConnection,
    token_sha256: &str,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_sha256.eq(token_sha256))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(idle_since))
        .select((
            User::as_select(),
            sessions::csrf_token,
            sessions::id,
            sessions::last_seen_at,
        ))
        .first(conn)
        .optional()
}

/// Notes a session's use at `now`.
pub fn touch_session(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(Some(now)))
        .execute(conn)
        .map(drop)
}

/// Opens a session of a user, created and last used at `now`.
pub fn insert_session(
    conn: &mut AnyConnection,
    user_id: i64,
    token_sha256: &str,
    csrf_token: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::token_sha256.eq(token_sha256),
            sessions::csrf_token.eq(csrf_token),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::last_seen_at.eq(Some(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Ends the session with this token hash; returns how many ended (0 or 1).
pub fn delete_session(conn: &mut AnyConnection, token_sha256: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_sha256.eq(token_sha256))).execute(conn)
}

/// Ends every session of a user; returns how many ended.
pub fn delete_sessions_of(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// Ends every session of a user but the one with this token hash; returns how many ended.
pub fn delete_sessions_of_except(conn: &mut AnyConnection, user_id: i64, keep_sha256: &str) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_sha256.ne(keep_sha256)),
    )
    .execute(conn)
}
