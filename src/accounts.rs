//! People and roles: user accounts with argon2 password hashes, and API
//! session tokens (stored only as SHA-256 hashes).

use crate::audit;
use crate::db::models::{NewUser, User};
use crate::db::schema::{doctors, sessions, users};
use crate::db::{write_transaction, AnyConnection, DbError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The account rules: password strength, lock-out, session lifetime and
/// when an unused account is disabled (settings; MHLW checklist 2-(5)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPolicy {
    /// The shortest password accepted (13: the MHLW guideline's length for
    /// passwords used without a second factor).
    pub password_min_chars: usize,
    /// Consecutive failed sign-ins that lock an account.
    pub lockout_failures: i32,
    /// How long a locked account stays locked.
    pub lockout_minutes: i64,
    /// How long a session lasts at most.
    pub session_hours: i64,
    /// A session not used for this long ends.
    pub session_idle_minutes: i64,
    /// An account not used for this many days is disabled by the daily job.
    pub unused_days: i64,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy {
            password_min_chars: 13,
            lockout_failures: 5,
            lockout_minutes: 15,
            session_hours: 12,
            session_idle_minutes: 30,
            unused_days: 90,
        }
    }
}

/// How often a session's last use is written (not on every request).
const LAST_SEEN_GRANULARITY_SECONDS: i64 = 60;

/// What a user may do (role-based access).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Hr,
    Manager,
    Physician,
    Doctor,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Hr => "hr",
            Role::Manager => "manager",
            Role::Physician => "physician",
            Role::Doctor => "doctor",
        }
    }
}

impl Role {
    /// The role's name on Japanese screens and ledgers.
    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Admin => "システム管理者",
            Role::Hr => "人事",
            Role::Manager => "所属長",
            Role::Physician => "面接指導実施医師",
            Role::Doctor => "医師",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Role, AccountError> {
        Ok(match s {
            "admin" => Role::Admin,
            "hr" => Role::Hr,
            "manager" => Role::Manager,
            "physician" => Role::Physician,
            "doctor" => Role::Doctor,
            other => return Err(AccountError::BadRole(other.to_string())),
        })
    }
}

/// Why an account operation failed. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("ロールが不正です: {0:?}（admin, hr, manager, physician, doctor） / unknown role")]
    BadRole(String),
    #[error("ログインIDが不正です: {0:?}（英数字と . _ - @、64文字まで） / invalid login")]
    BadLogin(String),
    #[error("ログインID {0:?} は既に使われています / login already exists")]
    LoginTaken(String),
    #[error("{0}")]
    WeakPassword(PasswordProblem),
    #[error(
        "アカウントはロックされています（{0} まで）。時間をおいて再度ログインしてください / account locked until then"
    )]
    Locked(NaiveDateTime),
    #[error("ログインID {0:?} のアカウントはありません / no such account")]
    NoSuchUser(String),
    #[error("現在のパスワードが違います / the current password is wrong")]
    WrongCurrentPassword,
    #[error(
        "医師ロールには登録済みの職員番号（--staff-id）が必要です: {0:?} / a doctor account needs a known staff id"
    )]
    UnknownStaffId(String),
    #[error("ログインIDまたはパスワードが違います / wrong login or password")]
    BadCredentials,
    #[error("パスワードを処理できません: {0} / password hashing failed")]
    Hash(String),
    /// A date out of range (domain::input), naming the field.
    #[error("{0}")]
    Input(#[from] crate::domain::input::InputError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for AccountError {
    fn from(e: diesel::result::Error) -> Self {
        AccountError::Db(DbError::Query(e))
    }
}

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

fn valid_login(login: &str) -> bool {
    !login.is_empty() && login.len() <= 64 && login.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Checks a password against a stored PHC string.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Why a password is refused. Japanese first, then English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort(usize),
    /// Letters, digits and symbols must all appear (英数字・記号の混在).
    NotMixed,
    ContainsLogin,
    /// One character repeated, or a well-known password.
    Guessable,
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordProblem::TooShort(n) => {
                write!(f, "パスワードは{n}文字以上にしてください / use at least {n} characters")
            }
            PasswordProblem::NotMixed => {
                f.write_str("パスワードには英字・数字・記号をすべて含めてください / use letters, digits and symbols")
            }
            PasswordProblem::ContainsLogin => {
                f.write_str("パスワードにログインIDを含めないでください / do not include the login")
            }
            PasswordProblem::Guessable => {
                f.write_str("推測されやすいパスワードは使えません / this password is too easy to guess")
            }
        }
    }
}

/// Passwords (lower case, as substrings) that are refused whatever their
/// length: the most common ones and the product's own name.
const GUESSABLE: &[&str] = &[
    "password", "passw0rd", "qwerty", "123456", "abcdef", "kinmu", "hospital", "byouin", "iloveyou", "admin",
];

/// Checks a new password against the rules (MHLW guideline: long, mixed,
/// not guessable).
pub fn check_password(policy: &AccountPolicy, login: &str, password: &str) -> Result<(), PasswordProblem> {
    if password.chars().count() < policy.password_min_chars {
        return Err(PasswordProblem::TooShort(policy.password_min_chars));
    }
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let symbols = password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    if !(letters && digits && symbols) {
        return Err(PasswordProblem::NotMixed);
    }
    let lower = password.to_lowercase();
    if !login.is_empty() && lower.contains(&login.to_lowercase()) {
        return Err(PasswordProblem::ContainsLogin);
    }
    let distinct: std::collections::HashSet<char> = password.chars().collect();
    if distinct.len() < 5 || GUESSABLE.iter().any(|g| lower.contains(g)) {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
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
        let taken: i64 = users::table
            .filter(users::login.eq(&account.login))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(AccountError::LoginTaken(account.login.clone()));
        }
        if account.role == Role::Doctor {
            let staff = account.staff_id.clone().unwrap_or_default();
            let known: i64 = doctors::table
                .filter(doctors::staff_id.eq(&staff))
                .count()
                .get_result(conn)?;
            if known == 0 {
                return Err(AccountError::UnknownStaffId(staff));
            }
        }
        diesel::insert_into(users::table)
            .values(&NewUser {
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
            })
            .execute(conn)?;
        audit::log(
            conn,
            actor,
            "account",
            "create",
            serde_json::json!({ "login": account.login, "role": account.role.code() }),
            now,
        )?;
        Ok(users::table
            .filter(users::login.eq(&account.login))
            .select(User::as_select())
            .first(conn)?)
    })
}

pub fn user_by_login(conn: &mut AnyConnection, login: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::login.eq(login))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn active_users(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::active.eq(1))
        .order(users::login)
        .select(User::as_select())
        .load(conn)
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random token of 32 bytes, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An open session: the token (shown once, stored only as its hash) and the
/// token its forms must carry (CSRF).
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
}

/// Whether the account may sign in on `today`: enabled, and not past its
/// leaving date (a leaver works through the leaving day).
fn may_sign_in(user: &User, today: NaiveDate) -> bool {
    user.is_active() && user.leaves_on.is_none_or(|d| today <= d)
}

/// A well-formed hash of a password nobody knows: checked when the login is
/// unknown, so a wrong login costs as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

enum Attempt {
    Opened(Box<User>, Session),
    Refused(AccountError),
}

/// Checks a login and password and opens a session; every attempt is in
/// the access log. `policy.lockout_failures` wrong passwords in a row lock
/// the account for `policy.lockout_minutes` (the count is kept even though
/// the attempt fails).
pub fn sign_in(
    conn: &mut AnyConnection,
    login: &str,
    password: &str,
    policy: &AccountPolicy,
    now: NaiveDateTime,
) -> Result<(User, Session), AccountError> {
    let user = user_by_login(conn, login)?;
    let password_ok = verify_password(user.as_ref().map_or(decoy_hash(), |u| &u.password_hash), password);
    let attempt = write_transaction(conn, |conn| -> Result<Attempt, AccountError> {
        let refuse = |conn: &mut AnyConnection, reason: &str, error: AccountError| {
            audit::log(
                conn,
                Some(login),
                "session",
                "sign_in_refused",
                serde_json::json!({ "reason": reason }),
                now,
            )?;
            Ok(Attempt::Refused(error))
        };
        let Some(user) = user else {
            return refuse(conn, "unknown_login", AccountError::BadCredentials);
        };
        if !may_sign_in(&user, now.date()) {
            return refuse(conn, "disabled", AccountError::BadCredentials);
        }
        if let Some(until) = user.locked_until.filter(|u| *u > now) {
            return refuse(conn, "locked", AccountError::Locked(until));
        }
        if !password_ok {
            let failures = user.failed_sign_ins + 1;
            if failures >= policy.lockout_failures {
                let until = now + Duration::minutes(policy.lockout_minutes);
                diesel::update(users::table.find(user.id))
                    .set((users::failed_sign_ins.eq(0), users::locked_until.eq(Some(until))))
                    .execute(conn)?;
                audit::log(
                    conn,
                    Some(login),
                    "account",
                    "lock",
                    serde_json::json!({ "failures": failures, "until": until }),
                    now,
                )?;
                return refuse(conn, "wrong_password", AccountError::Locked(until));
            }
            diesel::update(users::table.find(user.id))
                .set(users::failed_sign_ins.eq(failures))
                .execute(conn)?;
            return refuse(conn, "wrong_password", AccountError::BadCredentials);
        }
        let session = Session {
            token: random_token(),
            csrf: random_token(),
        };
        diesel::update(users::table.find(user.id))
            .set((
                users::failed_sign_ins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                users::last_sign_in_at.eq(Some(now)),
            ))
            .execute(conn)?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(user.id),
                sessions::token_sha256.eq(token_hash(&session.token)),
                sessions::csrf_token.eq(&session.csrf),
                sessions::created_at.eq(now),
                sessions::expires_at.eq(now + Duration::hours(policy.session_hours)),
                sessions::last_seen_at.eq(Some(now)),
            ))
            .execute(conn)?;
        audit::log(conn, Some(login), "session", "sign_in", serde_json::json!({}), now)?;
        let user = User {
            failed_sign_ins: 0,
            locked_until: None,
            last_sign_in_at: Some(now),
            ..user
        };
        Ok(Attempt::Opened(Box::new(user), session))
    })?;
    match attempt {
        Attempt::Opened(user, session) => Ok((*user, session)),
        Attempt::Refused(e) => Err(e),
    }
}

/// The active user a session token belongs to, with the session's CSRF
/// token, if the session is current: not past its end, used within the
/// idle limit, and its account still allowed to sign in. Notes the use
/// (at most once a minute).
pub fn user_by_token(
    conn: &mut AnyConnection,
    token: &str,
    policy: &AccountPolicy,
    now: NaiveDateTime,
) -> QueryResult<Option<(User, String)>> {
    let idle_since = now - Duration::minutes(policy.session_idle_minutes);
    let found: Option<(User, String, i64, Option<NaiveDateTime>)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_sha256.eq(token_hash(token)))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(idle_since))
        .select((
            User::as_select(),
            sessions::csrf_token,
            sessions::id,
            sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user, csrf, session_id, last_seen)) = found else {
        return Ok(None);
    };
    if !may_sign_in(&user, now.date()) {
        return Ok(None);
    }
    if last_seen.is_none_or(|t| now - t >= Duration::seconds(LAST_SEEN_GRANULARITY_SECONDS)) {
        diesel::update(sessions::table.find(session_id))
            .set(sessions::last_seen_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(Some((user, csrf)))
}

/// Ends a session (logged as the user's sign-out).
pub fn sign_out(conn: &mut AnyConnection, token: &str, login: &str, now: NaiveDateTime) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        let n = diesel::delete(sessions::table.filter(sessions::token_sha256.eq(token_hash(token)))).execute(conn)?;
        if n > 0 {
            audit::log(conn, Some(login), "session", "sign_out", serde_json::json!({}), now)?;
        }
        Ok(())
    })
}

/// Sets a new password: the user's own change (with the current password)
/// or an administrator's reset (`current: None`). Ends the user's other
/// sessions and clears a lock.
pub fn set_password(
    conn: &mut AnyConnection,
    login: &str,
    current: Option<&str>,
    new_password: &str,
    policy: &AccountPolicy,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let user = user_by_login(conn, login)?.ok_or_else(|| AccountError::NoSuchUser(login.to_string()))?;
    if let Some(current) = current {
        if !verify_password(&user.password_hash, current) {
            return Err(AccountError::WrongCurrentPassword);
        }
    }
    check_password(policy, login, new_password).map_err(AccountError::WeakPassword)?;
    if verify_password(&user.password_hash, new_password) {
        return Err(AccountError::WeakPassword(PasswordProblem::Guessable));
    }
    let hash = hash_password(new_password)?;
    write_transaction(conn, |conn| {
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(&hash),
                users::failed_sign_ins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if current.is_none() {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id))).execute(conn)?;
        }
        let operation = if current.is_some() {
            "change_password"
        } else {
            "reset_password"
        };
        audit::log(
            conn,
            actor,
            "account",
            operation,
            serde_json::json!({ "login": login }),
            now,
        )?;
        Ok(())
    })
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
    fn parse(code: &str) -> Option<DisableReason> {
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
    diesel::update(users::table.find(user.id))
        .set((
            users::active.eq(0),
            users::disabled_at.eq(Some(now)),
            users::disabled_reason.eq(Some(reason.code())),
        ))
        .execute(conn)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id))).execute(conn)?;
    audit::log(
        conn,
        actor,
        "account",
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
        diesel::update(users::table.find(user.id))
            .set((
                users::active.eq(1),
                users::disabled_at.eq(None::<NaiveDateTime>),
                users::disabled_reason.eq(None::<String>),
                users::failed_sign_ins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                users::active_since.eq(Some(now)),
            ))
            .execute(conn)?;
        audit::log(
            conn,
            actor,
            "account",
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
        diesel::update(users::table.find(user.id))
            .set(users::leaves_on.eq(leaves_on))
            .execute(conn)?;
        audit::log(
            conn,
            actor,
            "account",
            "leaving_date",
            serde_json::json!({ "login": login, "leaves_on": leaves_on }),
            now,
        )
    })?;
    Ok(())
}

/// An account's state on the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountState {
    Active,
    /// Active, leaving: usable through this date.
    Leaving {
        leaves_on: NaiveDate,
    },
    Locked {
        until: NaiveDateTime,
    },
    Disabled {
        reason: Option<DisableReason>,
        since: Option<NaiveDateTime>,
    },
}

impl AccountState {
    /// The state as the ledger shows it (使用可 / 使用可（…まで） / ロック中 / 停止).
    pub fn label_ja(&self) -> String {
        match self {
            AccountState::Active => "使用可".into(),
            AccountState::Leaving { leaves_on } => format!("使用可（{leaves_on} まで・退職予定）"),
            AccountState::Locked { until } => format!("ロック中（{} まで）", until.format("%Y-%m-%d %H:%M")),
            AccountState::Disabled { reason, .. } => match reason {
                Some(DisableReason::Unused) => "停止（長期未使用）".into(),
                Some(DisableReason::Left) => "停止（退職）".into(),
                _ => "停止".into(),
            },
        }
    }
    pub fn label_en(&self) -> String {
        match self {
            AccountState::Active => "active".into(),
            AccountState::Leaving { leaves_on } => format!("active until {leaves_on} (leaving)"),
            AccountState::Locked { until } => format!("locked until {}", until.format("%Y-%m-%d %H:%M")),
            AccountState::Disabled { reason, .. } => match reason {
                Some(DisableReason::Unused) => "disabled (unused)".into(),
                Some(DisableReason::Left) => "disabled (left)".into(),
                _ => "disabled".into(),
            },
        }
    }
    pub fn is_usable(&self) -> bool {
        matches!(self, AccountState::Active | AccountState::Leaving { .. })
    }
}

impl User {
    /// The account's state at `now`.
    pub fn state(&self, now: NaiveDateTime) -> AccountState {
        if !self.is_active() || self.leaves_on.is_some_and(|d| d < now.date()) {
            return AccountState::Disabled {
                reason: self
                    .disabled_reason
                    .as_deref()
                    .and_then(DisableReason::parse)
                    .or_else(|| self.leaves_on.filter(|d| *d < now.date()).map(|_| DisableReason::Left)),
                since: self.disabled_at,
            };
        }
        if let Some(until) = self.locked_until.filter(|u| *u > now) {
            return AccountState::Locked { until };
        }
        match self.leaves_on {
            Some(leaves_on) => AccountState::Leaving { leaves_on },
            None => AccountState::Active,
        }
    }
}

/// One line of the user ledger (利用者ID台帳, checklist 2-(4)).
#[derive(Debug, Clone, Serialize)]
pub struct LedgerLine {
    pub no: usize,
    pub department: Option<String>,
    pub name: Option<String>,
    pub login: String,
    pub staff_id: Option<String>,
    pub role: Role,
    pub role_label: &'static str,
    pub administrator: bool,
    #[serde(flatten)]
    pub state: AccountState,
    pub state_label: String,
    pub last_sign_in_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub leaves_on: Option<NaiveDate>,
}

/// The user ledger: every account, enabled or not, by department and login.
pub fn ledger(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<LedgerLine>> {
    let mut all: Vec<User> = users::table.select(User::as_select()).load(conn)?;
    all.sort_by(|a, b| (&a.department, &a.login).cmp(&(&b.department, &b.login)));
    Ok(all
        .into_iter()
        .filter_map(|u| {
            let role = u.role()?;
            let state = u.state(now);
            Some((u, role, state))
        })
        .enumerate()
        .map(|(i, (u, role, state))| LedgerLine {
            no: i + 1,
            state_label: state.label_ja(),
            department: u.department,
            name: u.name,
            login: u.login,
            staff_id: u.staff_id,
            role,
            role_label: role.label_ja(),
            administrator: u.is_administrator != 0,
            state,
            last_sign_in_at: u.last_sign_in_at,
            created_at: u.created_at,
            leaves_on: u.leaves_on,
        })
        .collect())
}

/// The ledger as CSV for a spreadsheet program.
pub fn ledger_csv(lines: &[LedgerLine]) -> Result<Vec<u8>, csv::Error> {
    let time = |t: Option<NaiveDateTime>| t.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
    crate::export::spreadsheet_csv(
        &[
            "No",
            "所属部署",
            "氏名",
            "ユーザID",
            "職員番号",
            "権限",
            "管理者",
            "状態",
            "最終ログイン",
            "登録日",
            "退職日",
        ],
        lines.iter().map(|l| {
            vec![
                l.no.to_string(),
                l.department.clone().unwrap_or_default(),
                l.name.clone().unwrap_or_default(),
                l.login.clone(),
                l.staff_id.clone().unwrap_or_default(),
                l.role_label.to_string(),
                if l.administrator {
                    "管理者".into()
                } else {
                    String::new()
                },
                l.state_label.clone(),
                time(l.last_sign_in_at),
                l.created_at.format("%Y-%m-%d").to_string(),
                l.leaves_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_nothing_else() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn logins_are_plain_ascii_names() {
        assert!(valid_login("kato.t@hospital"));
        assert!(!valid_login(""));
        assert!(!valid_login("山田"));
        assert!(!valid_login("a b"));
    }

    #[test]
    fn roles_read_their_codes() {
        assert_eq!("physician".parse::<Role>().unwrap(), Role::Physician);
        assert!("nurse".parse::<Role>().is_err());
    }
}
