//! The accounts themselves: creating one (`kinmu users add`, the admin
//! screen), finding them, and taking them out of use — an administrator's
//! disable / enable, a leaver's leaving date, and the daily housekeeping that
//! disables leavers and accounts unused too long (checklist 2-(5)). Every
//! change is in the access log.

use super::error::AccountError;
use super::passwords::{check_password, hash_password};
use super::role::Role;
use crate::audit;
use crate::config::AccountPolicy;
use crate::db::models::{NewUser, User};
use crate::db::{sessions, users, write_transaction, AnyConnection, DbError};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use crate::db::users::{active_users, user_by_login};

/// A new account as requested by `kinmu users add`.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: String,
    pub role: Role,
    pub name: Option<String>,
    pub staff_id: Option<String>,
    pub email: Option<String>,
    pub department: Option<String>,
    pub trained_on: Option<NaiveDate>,
    pub is_administrator: bool,
    pub password: String,
}

impl User {
    pub fn role(&self) -> Option<Role> {
        self.role.parse().ok()
    }
    pub fn is_active(&self) -> bool {
        self.active != 0
    }
}

pub(super) fn valid_login(login: &str) -> bool {
    !login.is_empty() && login.len() <= 64 && login.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
}

/// Creates an account.
pub fn add_user(
    conn: &mut AnyConnection,
    account: &NewAccount,
    policy: &AccountPolicy,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<User, AccountError> {
    if !valid_login(&account.login) {
        return Err(AccountError::BadLogin(account.login.clone()));
    }
    check_password(policy, &account.login, &account.password).map_err(AccountError::WeakPassword)?;
    if let Some(d) = account.trained_on {
        crate::domain::input::planned_date(("研修修了日", "trained_on"), d, now.date())?;
    }
    let password_hash = hash_password(&account.password)?;
    write_transaction(conn, |conn| {
        let taken = users::count_with_login(conn, &account.login)?;
        if taken > 0 {
            return Err(AccountError::LoginTaken(account.login.clone()));
        }
        if account.role == Role::Doctor {
            let staff = account.staff_id.clone().unwrap_or_default();
            let known = users::count_doctors_with_staff_id(conn, &staff)?;
            if known == 0 {
                return Err(AccountError::UnknownStaffId(staff));
            }
        }
        users::insert_user(
            conn,
            &NewUser {
                login: account.login.clone(),
                role: account.role.code().into(),
                name: account.name.clone(),
                staff_id: account.staff_id.clone(),
                email: account.email.clone(),
                department: account.department.clone(),
                password_hash,
                trained_on: account.trained_on,
                is_administrator: i32::from(account.is_administrator),
                active: 1,
                created_at: now,
                active_since: Some(now),
            },
        )?;
        audit::log(
            conn,
            actor,
            crate::audit::Category::Account,
            "create",
            serde_json::json!({ "login": account.login, "role": account.role.code() }),
            now,
        )?;
        Ok(users::user_by_login(conn, &account.login)?.ok_or(diesel::result::Error::NotFound)?)
    })
}

/// Whether the account may sign in on `today`: enabled, and not past its
/// leaving date (a leaver works through the leaving day).
pub(super) fn may_sign_in(user: &User, today: NaiveDate) -> bool {
    user.is_active() && user.leaves_on.is_none_or(|d| today <= d)
}

/// Why an account is disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisableReason {
    /// Not used for `unused_days`.
    Unused,
    /// Past its leaving date.
    Left,
    /// Disabled by an administrator.
    Admin,
}

impl DisableReason {
    pub fn code(self) -> &'static str {
        match self {
            DisableReason::Unused => "unused",
            DisableReason::Left => "left",
            DisableReason::Admin => "admin",
        }
    }
    pub(super) fn parse(code: &str) -> Option<DisableReason> {
        Some(match code {
            "unused" => DisableReason::Unused,
            "left" => DisableReason::Left,
            "admin" => DisableReason::Admin,
            _ => return None,
        })
    }
}

fn disable_in(
    conn: &mut AnyConnection,
    user: &User,
    reason: DisableReason,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    users::disable_user(conn, user.id, reason.code(), now)?;
    sessions::delete_sessions_of(conn, user.id)?;
    audit::log(
        conn,
        actor,
        crate::audit::Category::Account,
        "disable",
        serde_json::json!({
            "login": user.login,
            "reason": reason.code(),
            "last_sign_in_at": user.last_sign_in_at,
            "leaves_on": user.leaves_on,
        }),
        now,
    )
}

/// An account the housekeeping job disabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisabledAccount {
    pub login: String,
    pub name: Option<String>,
    pub role: String,
    pub reason: DisableReason,
    /// The last sign-in (or creation / re-enabling, if never signed in).
    pub last_used: NaiveDateTime,
    pub leaves_on: Option<NaiveDate>,
}

/// The daily account housekeeping (checklist 2-(5)): disables leavers past
/// their leaving date and accounts unused for `policy.unused_days` (counted
/// from the last sign-in, else from creation or re-enabling), ends their
/// sessions, and logs each. Returns what it disabled.
pub fn disable_stale_accounts(
    conn: &mut AnyConnection,
    policy: &AccountPolicy,
    now: NaiveDateTime,
) -> Result<Vec<DisabledAccount>, DbError> {
    write_transaction(conn, |conn| {
        let mut disabled = Vec::new();
        for user in active_users(conn)? {
            let last_used = [user.last_sign_in_at, user.active_since, Some(user.created_at)]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(user.created_at);
            let reason = if user.leaves_on.is_some_and(|d| d < now.date()) {
                DisableReason::Left
            } else if now - last_used >= Duration::days(policy.unused_days) {
                DisableReason::Unused
            } else {
                continue;
            };
            disable_in(conn, &user, reason, None, now)?;
            disabled.push(DisabledAccount {
                login: user.login.clone(),
                name: user.name.clone(),
                role: user.role.clone(),
                reason,
                last_used,
                leaves_on: user.leaves_on,
            });
        }
        Ok(disabled)
    })
}

fn existing(conn: &mut AnyConnection, login: &str) -> Result<User, AccountError> {
    user_by_login(conn, login)?.ok_or_else(|| AccountError::NoSuchUser(login.to_string()))
}

/// An administrator disables an account now.
pub fn disable(
    conn: &mut AnyConnection,
    login: &str,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let user = existing(conn, login)?;
    write_transaction(conn, |conn| disable_in(conn, &user, DisableReason::Admin, actor, now))?;
    Ok(())
}

/// An administrator enables an account again (also clears a lock); its
/// unused days count afresh from now.
pub fn enable(
    conn: &mut AnyConnection,
    login: &str,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let user = existing(conn, login)?;
    write_transaction(conn, |conn| {
        users::enable_user(conn, user.id, now)?;
        audit::log(
            conn,
            actor,
            crate::audit::Category::Account,
            "enable",
            serde_json::json!({ "login": login }),
            now,
        )
    })?;
    Ok(())
}

/// Records (or clears) a leaver's leaving date: the account works through
/// that day and the daily job disables it the day after.
pub fn set_leaving_date(
    conn: &mut AnyConnection,
    login: &str,
    leaves_on: Option<NaiveDate>,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    if let Some(d) = leaves_on {
        crate::domain::input::planned_date(("退職日", "leaves_on"), d, now.date())?;
    }
    let user = existing(conn, login)?;
    write_transaction(conn, |conn| {
        users::set_leaves_on(conn, user.id, leaves_on)?;
        audit::log(
            conn,
            actor,
            crate::audit::Category::Account,
            "leaving_date",
            serde_json::json!({ "login": login, "leaves_on": leaves_on }),
            now,
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_plain_ascii_names() {
        assert!(valid_login("kato.t@hospital"));
        assert!(!valid_login(""));
        assert!(!valid_login("山田"));
        assert!(!valid_login("a b"));
    }
}
