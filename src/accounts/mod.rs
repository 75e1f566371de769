//! People and roles: user accounts with argon2 password hashes, and API
//! session tokens (stored only as SHA-256 hashes).
//!
//! By concern: `error.rs` why an operation or a password is refused;
//! `role.rs` what a user may do; `passwords.rs` hashing and the strength rules;
//! `users.rs` creating, finding, disabling and enabling accounts (and the
//! daily housekeeping); `ledger.rs` the user ledger; `sessions.rs` session
//! and API tokens; `sign_in.rs` attempts under the lock-out rule;
//! `password_change.rs` one's own change and an administrator's reset.
//! Each file uses only those listed before it (and this one declares and
//! re-exports them), so every `crate::accounts::X` path is as it was.

mod error;
mod ledger;
mod password_change;
mod passwords;
mod role;
mod sessions;
mod sign_in;
mod users;

pub use crate::config::AccountPolicy;
pub use error::{AccountError, PasswordProblem};
pub use ledger::{ledger, ledger_csv, AccountState, LedgerLine};
pub use password_change::{set_password, PasswordChange};
pub use passwords::{check_password, hash_password, verify_password, DEMO_PASSWORD};
pub use role::Role;
pub use sessions::{random_token, sign_out, user_by_token, Session};
pub use sign_in::sign_in;
pub use users::{
    active_users, add_user, disable, disable_stale_accounts, enable, set_leaving_date, user_by_login, DisableReason,
    DisabledAccount, NewAccount,
};
