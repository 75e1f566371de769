//! The `users` table as the monitoring reads it: the active users mails go
//! to, the interview physicians, and the logins shown next to interviews.
//! Who gets which mail is `monitor::directory`'s; this module only reads rows.

use super::models::User;
use super::schema::users;
use super::AnyConnection;
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// The active users, in no particular order.
pub fn active_users(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::active.eq(1))
        .select(User::as_select())
        .load(conn)
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
