//! The `users` table: what the screens read (a user by id, a login, the
//! names shown next to logins) and the reads and writes behind the
//! accounts' work, whose rules stay in `accounts` (its sessions are
//! `db::sessions`).

use super::models::{NewUser, User};
use super::schema::{doctors, users};
use super::AnyConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// A user by id, if there is one.
pub fn user_by_id(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<User>> {
    users::table.find(id).select(User::as_select()).first(conn).optional()
}

/// The login of a user by id, if there is one.
pub fn login_of(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<String>> {
    users::table.find(id).select(users::login).first(conn).optional()
}

/// Every login that has a name, with that name.
pub fn names_by_login(conn: &mut AnyConnection) -> QueryResult<HashMap<String, String>> {
    let pairs: Vec<(String, Option<String>)> = users::table.select((users::login, users::name)).load(conn)?;
    Ok(pairs.into_iter().filter_map(|(l, n)| Some((l, n?))).collect())
}

/// A user by login, if there is one.
pub fn user_by_login(conn: &mut AnyConnection, login: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::login.eq(login))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The enabled users, by login.
pub fn active_users(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::active.eq(1))
        .order(users::login)
        .select(User::as_select())
        .load(conn)
}

/// Every user, enabled or not, in no particular order.
pub fn all_users(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table.select(User::as_select()).load(conn)
}

/// How many users have this login (0 or 1).
pub fn count_with_login(conn: &mut AnyConnection, login: &str) -> QueryResult<i64> {
    users::table.filter(users::login.eq(login)).count().get_result(conn)
}

/// How many doctors have this staff id: whether a doctor account's staff id is known.
pub fn count_doctors_with_staff_id(conn: &mut AnyConnection, staff_id: &str) -> QueryResult<i64> {
    doctors::table
        .filter(doctors::staff_id.eq(staff_id))
        .count()
        .get_result(conn)
}

/// Stores a new user.
pub fn insert_user(conn: &mut AnyConnection, new: &NewUser) -> QueryResult<()> {
    diesel::insert_into(users::table).values(new).execute(conn).map(drop)
}

/// Disables a user now, noting why.
pub fn disable_user(conn: &mut AnyConnection, id: i64, reason: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(0),
            users::disabled_at.eq(Some(now)),
            users::disabled_reason.eq(Some(reason)),
        ))
        .execute(conn)
        .map(drop)
}

/// Enables a user again: no disable reason, no failed attempts, no lock, active since `now`.
pub fn enable_user(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(1),
            users::disabled_at.eq(None::<NaiveDateTime>),
            users::disabled_reason.eq(None::<String>),
            users::failed_sign_ins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::active_since.eq(Some(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets (or clears) a user's leaving date.
pub fn set_leaves_on(conn: &mut AnyConnection, id: i64, leaves_on: Option<NaiveDate>) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::leaves_on.eq(leaves_on))
        .execute(conn)
        .map(drop)
}

/// Stores a user's count of failed attempts (the one being made included).
pub fn record_failed_attempt(conn: &mut AnyConnection, id: i64, failures: i32) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::failed_sign_ins.eq(failures))
        .execute(conn)
        .map(drop)
}

/// Locks a user until `until`, the count of failed attempts starting again.
pub fn lock_user(conn: &mut AnyConnection, id: i64, until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::failed_sign_ins.eq(0), users::locked_until.eq(Some(until))))
        .execute(conn)
        .map(drop)
}

/// Clears a user's failed attempts and lock.
pub fn clear_failed_attempts(conn: &mut AnyConnection, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::failed_sign_ins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// Notes a user's sign-in at `now`.
pub fn record_sign_in(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::last_sign_in_at.eq(Some(now)))
        .execute(conn)
        .map(drop)
}

/// Stores a user's new password hash, clearing failed attempts and lock.
pub fn set_password_hash(conn: &mut AnyConnection, id: i64, password_hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::failed_sign_ins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// The users of a role (active or not), by login.
pub fn users_of_role(conn: &mut AnyConnection, role: &str) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::role.eq(role))
        .order(users::login)
        .select(User::as_select())
        .load(conn)
}

/// Every user's login, by user id.
pub fn logins_by_id(conn: &mut AnyConnection) -> QueryResult<HashMap<i64, String>> {
    Ok(users::table
        .select((users::id, users::login))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}
