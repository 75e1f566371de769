//! What every command and the web service share: settings and the database.

use crate::config::Settings;
use crate::db::{self, DatabaseUrl, DbError, Pool};
use crate::monitor::mailer::{MailError, Mailer};
use chrono::NaiveDateTime;

/// Settings plus an open, migrated database.
#[derive(Clone)]
pub struct App {
    pub settings: Settings,
    pub database: DatabaseUrl,
    pub pool: Pool,
}

impl App {
    /// Opens the database named by `settings.database_url` (running migrations).
    pub fn open(settings: Settings) -> Result<App, DbError> {
        let database = DatabaseUrl::parse(&settings.database_url)?;
        tracing::info!(database = %database.redacted(), "opening database");
        let pool = db::open(&database, 8)?;
        Ok(App {
            settings,
            database,
            pool,
        })
    }

    /// The mail sender configured by `smtp_url` (not configured: mails stay queued).
    pub fn mailer(&self) -> Result<Mailer, MailError> {
        Mailer::from_url(self.settings.smtp_url.as_deref(), &self.settings.mail_from)
    }

    /// The hospital's local time now (what imports and logs record).
    pub fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().with_timezone(&self.settings.timezone).naive_local()
    }
}
