//! Sessions and API tokens: a random token shown once and stored only as
//! its SHA-256 hash, with the CSRF token its forms must carry; a session
//! holds while it is not past its end, not idle too long and its account may
//! still sign in. Opening one is `sign_in.rs`.

use super::users::may_sign_in;
use crate::audit;
use crate::config::AccountPolicy;
use crate::db::models::User;
use crate::db::{sessions, write_transaction, AnyConnection, DbError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;
use sha2::{Digest, Sha256};

/// How often a session's last use is written (not on every request).
const LAST_SEEN_GRANULARITY_SECONDS: i64 = 60;

pub(super) fn token_hash(token: &str) -> String {
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
    let found = sessions::current_session(conn, &token_hash(token), now, idle_since)?;
    let Some((user, csrf, session_id, last_seen)) = found else {
        return Ok(None);
    };
    if !may_sign_in(&user, now.date()) {
        return Ok(None);
    }
    if last_seen.is_none_or(|t| now - t >= Duration::seconds(LAST_SEEN_GRANULARITY_SECONDS)) {
        sessions::touch_session(conn, session_id, now)?;
    }
    Ok(Some((user, csrf)))
}

/// Ends a session (logged as the user's sign-out).
pub fn sign_out(conn: &mut AnyConnection, token: &str, login: &str, now: NaiveDateTime) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        let n = sessions::delete_session(conn, &token_hash(token))?;
        if n > 0 {
            audit::log(
                conn,
                Some(login),
                crate::audit::Category::Session,
                "sign_out",
                serde_json::json!({}),
                now,
            )?;
        }
        Ok(())
    })
}
