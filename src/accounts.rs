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

pub use crate::config::AccountPolicy;

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

/// The password of every account of the demo hospital. It is published in
/// the README, so it opens an account only while kinmu runs as a demo
/// (`serve --demo`), and no account may be given it otherwise.
pub const DEMO_PASSWORD: &str = "Shift-2024-demo";

/// Passwords (lower case, as substrings) that are refused whatever their
/// length: the most common ones and the product's own name.
const GUESSABLE: &[&str] = &[
    "password", "passw0rd", "qwerty", "123456", "abcdef", "kinmu", "hospital", "byouin", "iloveyou", "admin",
];

/// Words a password of this product must not be built on, besides the
/// login: zxcvbn counts them as known words.
const PRODUCT_WORDS: &[&str] = &[
    "kinmu",
    "hospital",
    "byouin",
    "byoin",
    "iryou",
    "kango",
    "ishi",
    DEMO_PASSWORD,
];

/// Checks a new password against the rules (MHLW guideline: long, mixed,
/// not guessable). Besides a short list of words never allowed, guessability
/// is zxcvbn's estimate (dictionaries of
/// common passwords, names and words, keyboard patterns, dates, l33t
/// spellings), which must reach `policy.password_min_score`.
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
    if password == DEMO_PASSWORD {
        return if policy.demo_mode {
            Ok(())
        } else {
            Err(PasswordProblem::Guessable)
        };
    }
    let mut known: Vec<&str> = PRODUCT_WORDS.to_vec();
    known.push(login);
    // zxcvbn's work grows with the length; past 100 characters a password
    // is long enough whatever it is made of.
    let estimated: String = password.chars().take(100).collect();
    let score = u8::from(zxcvbn::zxcvbn(&estimated, &known).score());
    if score < policy.password_min_score {
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
enum Purpose {
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
    fn category(self) -> &'static str {
        match self {
            Purpose::SignIn => "session",
            Purpose::PasswordChange => "account",
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
    diesel::update(users::table.find(user.id))
        .set((users::failed_sign_ins.eq(0), users::locked_until.eq(Some(until))))
        .execute(conn)?;
    let ended = diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id))).execute(conn)?;
    audit::log(
        conn,
        Some(&user.login),
        "account",
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
                diesel::update(users::table.find(u.id))
                    .set(users::failed_sign_ins.eq(u.failed_sign_ins + 1))
                    .execute(conn)?;
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
fn attempt<T>(
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
        let current = users::table
            .find(user.id)
            .select(User::as_select())
            .first(conn)
            .optional()?;
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
        diesel::update(users::table.find(current.id))
            .set((
                users::failed_sign_ins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
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
        diesel::update(users::table.find(user.id))
            .set(users::last_sign_in_at.eq(Some(now)))
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
            last_sign_in_at: Some(now),
            ..user.clone()
        };
        Ok((user, session))
    })
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
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(&hash),
                users::failed_sign_ins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        let others = sessions::table.filter(sessions::user_id.eq(user.id));
        let ended = match change {
            PasswordChange::Own {
                keep_session: Some(token),
                ..
            } => diesel::delete(others.filter(sessions::token_sha256.ne(token_hash(token)))).execute(conn)?,
            _ => diesel::delete(others).execute(conn)?,
        };
        let operation = match change {
            PasswordChange::Own { .. } => "change_password",
            PasswordChange::Reset => "reset_password",
        };
        audit::log(
            conn,
            actor,
            "account",
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
