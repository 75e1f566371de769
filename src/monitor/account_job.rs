//! The daily account job (MHLW checklist 2-(5)): disables leavers past
//! their last day and accounts unused for `unused_account_days`, and reports
//! them to the administrators by mail (through the outbox, in the same
//! transaction) as well as in the access log.

use super::mails;
use super::outbox::{self, Topic};
use crate::accounts::{self, DisabledAccount, Role};
use crate::config::Settings;
use crate::db::{write_transaction, AnyConnection, DbError};
use chrono::NaiveDateTime;

/// Runs the job at `now`; returns the accounts it disabled.
pub fn run(conn: &mut AnyConnection, settings: &Settings, now: NaiveDateTime) -> Result<Vec<DisabledAccount>, DbError> {
    write_transaction(conn, |conn| {
        let disabled = accounts::disable_stale_accounts(conn, &settings.accounts, now)?;
        if disabled.is_empty() {
            return Ok(disabled);
        }
        let day = now.date().to_string();
        let admins = accounts::active_users(conn)?
            .into_iter()
            .filter(|u| u.role() == Some(Role::Admin));
        for admin in admins {
            let Some(to) = admin.email.as_deref() else {
                continue;
            };
            let mail = mails::accounts_disabled(&settings.hospital_name, to, now.date(), &disabled, &settings.base_url);
            let topic = Topic {
                reason: "accounts_disabled",
                doctor_id: None,
                month: Some(&day),
            };
            outbox::enqueue(conn, &topic, mail, now)?;
        }
        Ok(disabled)
    })
}
