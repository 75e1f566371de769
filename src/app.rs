//! What every command and the web service share: settings and the database.

use crate::config::Settings;
use crate::db::{self, DatabaseUrl, DbError, Pool};
use crate::monitor::mailer::{MailError, Mailer};
use crate::web::SignInLimiter;
use chrono::NaiveDateTime;
use std::sync::{Arc, OnceLock};

/// Settings plus an open, migrated database.
#[derive(Clone)]
pub struct App {
    pub settings: Settings,
    pub database: DatabaseUrl,
    pub pool: Pool,
    /// Sign-in attempts per address (shared by every worker).
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// The web service's access-log writer (started on first use).
    audit_sink: Arc<OnceLock<crate::audit::Sink>>,
    /// Computed monthly reports, until the data changes.
    pub reports: Arc<crate::web::report_cache::ReportCache>,
}

impl App {
    /// Opens the database named by `settings.database_url` (running migrations).
    pub fn open(settings: Settings) -> Result<App, DbError> {
        let database = DatabaseUrl::parse(&settings.database_url)?;
        tracing::info!(database = %database.redacted(), "opening database");
        let pool = db::open(&database, 16)?;
        Ok(App::with_pool(settings, database, pool))
    }

    /// Settings and an already-open database.
    pub fn with_pool(settings: Settings, database: DatabaseUrl, pool: Pool) -> App {
        App {
            sign_in_limiter: Arc::new(SignInLimiter::new(settings.sign_in_attempts_per_minute)),
            audit_sink: Arc::new(OnceLock::new()),
            reports: Arc::new(crate::web::report_cache::ReportCache::default()),
            settings,
            database,
            pool,
        }
    }

    /// The mail sender configured by `smtp_url` (not configured: mails stay queued).
    pub fn mailer(&self) -> Result<Mailer, MailError> {
        Mailer::from_url(self.settings.smtp_url.as_deref(), &self.settings.mail_from)
    }

    /// The access-log writer of the web service (see [`crate::audit::Sink`]).
    pub fn audit_sink(&self) -> std::io::Result<&crate::audit::Sink> {
        if let Some(sink) = self.audit_sink.get() {
            return Ok(sink);
        }
        let sink = crate::audit::Sink::start(self.pool.clone())?;
        Ok(self.audit_sink.get_or_init(|| sink))
    }

    /// The hospital's local time now (what imports and logs record).
    pub fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().with_timezone(&self.settings.timezone).naive_local()
    }
}
