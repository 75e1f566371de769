//! The daily account job (MHLW checklist 2-(5)): disables leavers past
//! their last day and accounts unused for `unused_account_days`, and reports
//! them to the administrators by mail (through the outbox, in the same
//! transaction) as well as in the access log.
//!
//! The same job checks the access log (checklist 2-(6)) and mails the
//! administrators its newest entry as an anchor kept outside the database:
//! the chain and the signatures show an entry edited or removed inside the
//! log, only such a copy shows entries cut from its end
//! (`kinmu audit verify --anchor ID:HASH`).

use super::mails;
use super::outbox::{self, MailKind, Topic};
use crate::accounts::{self, DisabledAccount, Role};
use crate::audit::{self, VerifyReport};
use crate::config::Settings;
use crate::db::{write_transaction, AnyConnection, DbError};
use chrono::NaiveDateTime;

/// Runs the job at `now`; returns the accounts it disabled.
pub fn run(conn: &mut AnyConnection, settings: &Settings, now: NaiveDateTime) -> Result<Vec<DisabledAccount>, DbError> {
    write_transaction(conn, |conn| {
        let disabled = accounts::disable_stale_accounts(conn, &settings.accounts, now)?;
        if !disabled.is_empty() {
            mail_administrators(conn, MailKind::AccountsDisabled, now, |to| {
                mails::accounts_disabled(&settings.hospital_name, to, now.date(), &disabled, &settings.base_url)
            })?;
        }
        Ok(disabled)
    })
}

/// Checks the access log at `now` and mails every administrator the result
/// with the newest entry (`ID:HASH`) to keep: once a day per administrator.
pub fn anchor_log(conn: &mut AnyConnection, settings: &Settings, now: NaiveDateTime) -> Result<VerifyReport, DbError> {
    // Read outside the write transaction: the whole log may be long.
    let report = audit::verify(conn)?;
    write_transaction(conn, |conn| -> Result<(), DbError> {
        mail_administrators(conn, MailKind::AccessLogAnchor, now, |to| {
            mails::access_log_anchor(&settings.hospital_name, to, now.date(), &report, &settings.base_url)
        })?;
        audit::log(
            conn,
            None,
            crate::audit::Category::System,
            "access_log_check",
            serde_json::json!({ "ok": report.ok, "entries": report.entries, "last": report.last }),
            now,
        )
    })?;
    Ok(report)
}

/// Queues `mail` for every active administrator with an address, at most
/// once a day per administrator and `reason` (the outbox's dedupe key).
fn mail_administrators(
    conn: &mut AnyConnection,
    reason: MailKind,
    now: NaiveDateTime,
    mail: impl Fn(&str) -> super::mailer::Mail,
) -> Result<(), DbError> {
    let day = now.date().to_string();
    let admins = accounts::active_users(conn)?
        .into_iter()
        .filter(|u| u.role() == Some(Role::Admin));
    for admin in admins {
        let Some(to) = admin.email.as_deref() else {
            continue;
        };
        let topic = Topic {
            reason,
            doctor_id: None,
            month: Some(&day),
        };
        outbox::enqueue(conn, &topic, mail(to), now)?;
    }
    Ok(())
}
