//! The `users` table as the screens read it besides the accounts' own
//! work (which is `accounts`, with its rules): a user by id, a login, and
//! the names shown next to logins.

use super::models::User;
use super::schema::users;
use super::AnyConnection;
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
