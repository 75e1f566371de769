//! Setting a password: the user's own change (the current password checked
//! under the sign-in lock-out, every other session ending) or an
//! administrator's reset (every session ending); either clears a lock and
//! is in the access log.

use super::error::{AccountError, PasswordProblem};
use super::passwords::{check_password, hash_password, verify_password};
use super::sessions::token_hash;
use super::sign_in::{attempt, Purpose};
use super::users::user_by_login;
use crate::audit;
use crate::config::AccountPolicy;
use crate::db::models::User;
use crate::db::{sessions, users, write_transaction, AnyConnection};
use chrono::NaiveDateTime;

/// Who sets a password, and which sessions survive it.
#[derive(Debug, Clone, Copy)]
pub enum PasswordChange<'a> {
    /// The user's own change: the current password is checked under the
    /// same lock-out as a sign-in; every other session and API token of the
    /// user ends, the session making the change (its token) stays.
    Own {
        current: &'a str,
        keep_session: Option<&'a str>,
    },
    /// An administrator's reset: every session of the user ends.
    Reset,
}

/// Sets a new password (the user's own change or an administrator's reset)
/// and clears a lock.
pub fn set_password(
    conn: &mut AnyConnection,
    login: &str,
    change: PasswordChange<'_>,
    new_password: &str,
    policy: &AccountPolicy,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let user = user_by_login(conn, login)?.ok_or_else(|| AccountError::NoSuchUser(login.to_string()))?;
    check_password(policy, login, new_password).map_err(AccountError::WeakPassword)?;
    // The new password must differ from the old one. On one's own change
    // that is a plain comparison with the current password once it has
    // been checked (checking the new one against the stored hash here
    // would test a second guess outside the lock-out).
    let unchanged = match change {
        PasswordChange::Own { current, .. } => current == new_password,
        PasswordChange::Reset => verify_password(&user.password_hash, new_password),
    };
    if unchanged {
        return Err(AccountError::WeakPassword(PasswordProblem::Guessable));
    }
    let hash = hash_password(new_password)?;
    let store = |conn: &mut AnyConnection, user: &User| -> Result<(), AccountError> {
        users::set_password_hash(conn, user.id, &hash)?;
        let ended = match change {
            PasswordChange::Own {
                keep_session: Some(token),
                ..
            } => sessions::delete_sessions_of_except(conn, user.id, &token_hash(token))?,
            _ => sessions::delete_sessions_of(conn, user.id)?,
        };
        let operation = match change {
            PasswordChange::Own { .. } => "change_password",
            PasswordChange::Reset => "reset_password",
        };
        audit::log(
            conn,
            actor,
            crate::audit::Category::Account,
            operation,
            serde_json::json!({ "login": login, "sessions_ended": ended }),
            now,
        )?;
        Ok(())
    };
    match change {
        PasswordChange::Own { current, .. } => {
            attempt(conn, login, current, Purpose::PasswordChange, policy, now, store)
        }
        PasswordChange::Reset => write_transaction(conn, |conn| store(conn, &user)),
    }
}
