//! Why an account operation fails, and why a password is refused: the
//! errors of every part of `accounts`, each message Japanese first, then
//! English (the screens, the API and the command line show them as they are).

use crate::db::DbError;
use chrono::NaiveDateTime;
use std::fmt;

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
