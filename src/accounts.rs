//! People and roles: user accounts with argon2 password hashes, and API
//! session tokens (stored only as SHA-256 hashes).

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

/// How long an API session lasts.
pub const SESSION_HOURS: i64 = 12;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

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
    #[error("パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください / password too short")]
    WeakPassword,
    #[error(
        "医師ロールには登録済みの職員番号（--staff-id）が必要です: {0:?} / a doctor account needs a known staff id"
    )]
    UnknownStaffId(String),
    #[error("ログインIDまたはパスワードが違います / wrong login or password")]
    BadCredentials,
    #[error("パスワードを処理できません: {0} / password hashing failed")]
    Hash(String),
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

/// Creates an account.
pub fn add_user(conn: &mut AnyConnection, account: &NewAccount, now: NaiveDateTime) -> Result<User, AccountError> {
    if !valid_login(&account.login) {
        return Err(AccountError::BadLogin(account.login.clone()));
    }
    if account.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
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
            })
            .execute(conn)?;
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

/// Checks a login and password and opens a session.
pub fn sign_in(
    conn: &mut AnyConnection,
    login: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<(User, Session), AccountError> {
    let user = user_by_login(conn, login)?.filter(User::is_active);
    let Some(user) = user.filter(|u| verify_password(&u.password_hash, password)) else {
        return Err(AccountError::BadCredentials);
    };
    let session = Session {
        token: random_token(),
        csrf: random_token(),
    };
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user.id),
            sessions::token_sha256.eq(token_hash(&session.token)),
            sessions::csrf_token.eq(&session.csrf),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + Duration::hours(SESSION_HOURS)),
        ))
        .execute(conn)?;
    Ok((user, session))
}

/// The active user a session token belongs to, with the session's CSRF
/// token, if the session is current.
pub fn user_by_token(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> QueryResult<Option<(User, String)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_sha256.eq(token_hash(token)))
        .filter(sessions::expires_at.gt(now))
        .filter(users::active.eq(1))
        .select((User::as_select(), sessions::csrf_token))
        .first(conn)
        .optional()
}

/// Ends a session.
pub fn sign_out(conn: &mut AnyConnection, token: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_sha256.eq(token_hash(token))))
        .execute(conn)
        .map(drop)
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
