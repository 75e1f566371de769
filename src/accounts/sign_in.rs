//! Signing in under the lock-out rule: every attempt is in the access log,
//! `lockout_failures` wrong passwords in a row lock the account for
//! `lockout_minutes` (ending its sessions), and this holds however many
//! attempts arrive at once. A refusal looks and takes the same whatever its
//! reason, so nobody learns from it whether an account exists. Changing
//! one's own password checks the current one through the same rule.

use super::error::AccountError;
use super::passwords::{hash_password, verify_password, DEMO_PASSWORD};
use super::sessions::{random_token, token_hash, Session};
use super::users::{may_sign_in, user_by_login, valid_login};
use crate::audit;
use crate::config::AccountPolicy;
use crate::db::models::User;
use crate::db::{sessions, users, write_transaction, AnyConnection, DbError};
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

/// A well-formed hash of a password nobody knows: checked whenever no real
/// password is, so a refusal costs the same time whatever its reason (an
/// unknown login, a disabled or a locked account answer like a wrong
/// password).
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// How the access log names the person behind an attempt: the login of a
/// known account; for anything else a short keyed hash of the normalised
/// text, which ties one run's repeated attempts together without keeping
/// what was typed (a password typed into the login field must never be
/// stored). The key is random per process and never stored, so the hash
/// cannot be reversed by trying candidate passwords against the log.
fn attempt_actor(login: &str, known: bool) -> String {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if known {
        return login.to_string();
    }
    let key = KEY.get_or_init(random_token);
    let normalised: String = login.trim().to_lowercase().chars().take(256).collect();
    let mut hasher = Sha256::new();
    hasher.update(key.as_bytes());
    hasher.update([0u8]);
    hasher.update(normalised.as_bytes());
    let short: String = hasher.finalize().iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("unknown:{short}")
}

/// Why an attempt was refused before any password was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Not a well-formed login: its text is not looked up, nor logged.
    InvalidLogin,
    UnknownLogin,
    Disabled,
    Locked(NaiveDateTime),
}

impl Refusal {
    fn code(self) -> &'static str {
        match self {
            Refusal::InvalidLogin => "invalid_login",
            Refusal::UnknownLogin => "unknown_login",
            Refusal::Disabled => "disabled",
            Refusal::Locked(_) => "locked",
        }
    }
    fn error(self) -> AccountError {
        match self {
            Refusal::Locked(until) => AccountError::Locked(until),
            _ => AccountError::BadCredentials,
        }
    }
}

/// What an attempt is for: both count toward the same lock-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    SignIn,
    /// The current password given to change one's own password.
    PasswordChange,
}

impl Purpose {
    fn refused_operation(self) -> &'static str {
        match self {
            Purpose::SignIn => "sign_in_refused",
            Purpose::PasswordChange => "change_password_refused",
        }
    }
    fn category(self) -> crate::audit::Category {
        match self {
            Purpose::SignIn => crate::audit::Category::Session,
            Purpose::PasswordChange => crate::audit::Category::Account,
        }
    }
}

fn log_refusal(
    conn: &mut AnyConnection,
    login: &str,
    known: bool,
    purpose: Purpose,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    log_refusal_after(conn, login, known, purpose, reason, false, now)
}

/// A refusal, noting whether the password had been checked (so the log
/// shows how many passwords were tried against an account).
fn log_refusal_after(
    conn: &mut AnyConnection,
    login: &str,
    known: bool,
    purpose: Purpose,
    reason: &str,
    password_checked: bool,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let actor = attempt_actor(login, known);
    let detail = if password_checked {
        serde_json::json!({ "reason": reason, "password_checked": true })
    } else {
        serde_json::json!({ "reason": reason })
    };
    audit::log(
        conn,
        Some(&actor),
        purpose.category(),
        purpose.refused_operation(),
        detail,
        now,
    )
}

/// Locks an account now: no password is checked until `until`, and every
/// open session and API token of the account ends.
fn lock_in(
    conn: &mut AnyConnection,
    user: &User,
    failures: i32,
    policy: &AccountPolicy,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, DbError> {
    let until = now + Duration::minutes(policy.lockout_minutes);
    users::lock_user(conn, user.id, until)?;
    let ended = sessions::delete_sessions_of(conn, user.id)?;
    audit::log(
        conn,
        Some(&user.login),
        crate::audit::Category::Account,
        "lock",
        serde_json::json!({ "failures": failures, "until": until, "sessions_ended": ended }),
        now,
    )?;
    Ok(until)
}

/// The first half of an attempt, in one write transaction (which holds
/// kinmu's write lock, so concurrent attempts are decided one after the
/// other on the row as it is now): refuses a locked, disabled or unknown
/// account, else takes one of the account's `lockout_failures` attempts by
/// counting it as a failure before the password is checked. An attempt that
/// finds every attempt taken (by failures or by checks still running) locks
/// the account. So however many attempts arrive at once, at most
/// `lockout_failures` passwords are checked per lock window.
fn reserve_attempt(
    conn: &mut AnyConnection,
    login: &str,
    purpose: Purpose,
    policy: &AccountPolicy,
    now: NaiveDateTime,
) -> Result<Result<User, Refusal>, AccountError> {
    if !valid_login(login) {
        write_transaction(conn, |conn| {
            audit::log(
                conn,
                None,
                purpose.category(),
                purpose.refused_operation(),
                serde_json::json!({ "reason": Refusal::InvalidLogin.code() }),
                now,
            )
        })?;
        return Ok(Err(Refusal::InvalidLogin));
    }
    write_transaction(conn, |conn| {
        let user = user_by_login(conn, login)?;
        let refusal = match &user {
            None => Some(Refusal::UnknownLogin),
            Some(u) if !may_sign_in(u, now.date()) => Some(Refusal::Disabled),
            Some(u) => match u.locked_until.filter(|t| *t > now) {
                Some(until) => Some(Refusal::Locked(until)),
                None if u.failed_sign_ins >= policy.lockout_failures => {
                    Some(Refusal::Locked(lock_in(conn, u, u.failed_sign_ins, policy, now)?))
                }
                None => None,
            },
        };
        match (user, refusal) {
            (Some(u), None) => {
                users::record_failed_attempt(conn, u.id, u.failed_sign_ins + 1)?;
                Ok(Ok(u))
            }
            (user, Some(refusal)) => {
                log_refusal(conn, login, user.is_some(), purpose, refusal.code(), now)?;
                Ok(Err(refusal))
            }
            (None, None) => Ok(Err(Refusal::UnknownLogin)),
        }
    })
}

/// Checks the password of an attempt under the lock-out rule and, when it
/// is right, runs `accept` in the same transaction that clears the count.
/// Every refusal costs one password check (a decoy when none is made), so
/// its timing tells nothing.
pub(super) fn attempt<T>(
    conn: &mut AnyConnection,
    login: &str,
    password: &str,
    purpose: Purpose,
    policy: &AccountPolicy,
    now: NaiveDateTime,
    accept: impl FnOnce(&mut AnyConnection, &User) -> Result<T, AccountError>,
) -> Result<T, AccountError> {
    let user = match reserve_attempt(conn, login, purpose, policy, now)? {
        Ok(user) => user,
        Err(refusal) => {
            verify_password(decoy_hash(), password);
            return Err(refusal.error());
        }
    };
    // The published demo password opens nothing outside a demo.
    let password_ok = verify_password(&user.password_hash, password) && (policy.demo_mode || password != DEMO_PASSWORD);
    // A refusal is returned as `Ok(Err(_))` so that what it wrote (its log
    // entry, a lock) is committed; only a database error rolls back.
    write_transaction(conn, |conn| -> Result<Result<T, AccountError>, AccountError> {
        // The row as it is now: other attempts may have locked it, an
        // administrator may have disabled it meanwhile.
        let current = users::user_by_id(conn, user.id)?;
        let Some(current) = current else {
            log_refusal_after(conn, login, false, purpose, Refusal::UnknownLogin.code(), true, now)?;
            return Ok(Err(AccountError::BadCredentials));
        };
        if !may_sign_in(&current, now.date()) {
            log_refusal_after(conn, login, true, purpose, Refusal::Disabled.code(), true, now)?;
            return Ok(Err(AccountError::BadCredentials));
        }
        if let Some(until) = current.locked_until.filter(|t| *t > now) {
            log_refusal_after(conn, login, true, purpose, Refusal::Locked(until).code(), true, now)?;
            return Ok(Err(AccountError::Locked(until)));
        }
        // The password changed while this one was being checked: what was
        // checked is no longer the password.
        if password_ok && current.password_hash != user.password_hash {
            log_refusal_after(conn, login, true, purpose, "password_changed", true, now)?;
            return Ok(Err(AccountError::BadCredentials));
        }
        if !password_ok {
            // This attempt was counted when it was taken.
            let failures = current.failed_sign_ins;
            let error = if failures >= policy.lockout_failures {
                AccountError::Locked(lock_in(conn, &current, failures, policy, now)?)
            } else {
                match purpose {
                    Purpose::SignIn => AccountError::BadCredentials,
                    Purpose::PasswordChange => AccountError::WrongCurrentPassword,
                }
            };
            log_refusal_after(conn, login, true, purpose, "wrong_password", true, now)?;
            return Ok(Err(error));
        }
        users::clear_failed_attempts(conn, current.id)?;
        let current = User {
            failed_sign_ins: 0,
            locked_until: None,
            ..current
        };
        accept(conn, &current).map(Ok)
    })?
}

/// Checks a login and password and opens a session; every attempt is in
/// the access log. `policy.lockout_failures` wrong passwords in a row lock
/// the account for `policy.lockout_minutes` (see [`reserve_attempt`] for
/// how this holds under concurrent attempts). A locked account answers
/// [`AccountError::Locked`]; screens and the API show it exactly like a
/// wrong password, so nobody learns from it whether an account exists.
pub fn sign_in(
    conn: &mut AnyConnection,
    login: &str,
    password: &str,
    policy: &AccountPolicy,
    now: NaiveDateTime,
) -> Result<(User, Session), AccountError> {
    attempt(conn, login, password, Purpose::SignIn, policy, now, |conn, user| {
        let session = Session {
            token: random_token(),
            csrf: random_token(),
        };
        users::record_sign_in(conn, user.id, now)?;
        sessions::insert_session(
            conn,
            user.id,
            &token_hash(&session.token),
            &session.csrf,
            now,
            now + Duration::hours(policy.session_hours),
        )?;
        audit::log(
            conn,
            Some(login),
            crate::audit::Category::Session,
            "sign_in",
            serde_json::json!({}),
            now,
        )?;
        let user = User {
            last_sign_in_at: Some(now),
            ..user.clone()
        };
        Ok((user, session))
    })
}
