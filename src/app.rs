//! What every command and the web service share: settings and the database.

use crate::audit::key::{self, AuditKey, KeyError};
use crate::config::Settings;
use crate::db::{self, DatabaseUrl, DbError, Pool};
use crate::monitor::mailer::{MailError, Mailer};
use crate::rate_limit::SignInLimiter;
use chrono::NaiveDateTime;
use std::sync::{Arc, OnceLock};

/// Why [`App::open`] failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Key(#[from] KeyError),
}

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
    /// The key the access log is signed with.
    audit_key: Option<Arc<AuditKey>>,
    /// Computed monthly reports, until the data changes.
    pub reports: Arc<crate::month::cache::ReportCache>,
}

impl App {
    /// Opens the database named by `settings.database_url` (running
    /// migrations) and takes the access-log key: the one this process
    /// already uses, else the `audit_key_file` (made when missing and the
    /// log has no signed entry; refused when missing otherwise — see
    /// [`crate::audit::key`]).
    pub fn open(settings: Settings) -> Result<App, OpenError> {
        let database = DatabaseUrl::parse(&settings.database_url)?;
        tracing::info!(database = %database.redacted(), "opening database");
        let pool = db::open(&database, 16)?;
        let audit_key = match key::process_key() {
            Some(k) => k,
            None => {
                let path = settings
                    .audit_key_file
                    .clone()
                    .unwrap_or_else(|| key::default_path(&database));
                let now = chrono::Utc::now().with_timezone(&settings.timezone).naive_local();
                let mut conn = pool.get().map_err(DbError::from)?;
                let (k, created) = key::load_or_create(&path, &mut conn, now)?;
                let k = key::install(k)?;
                if created {
                    tracing::warn!(
                        path = %path.display(),
                        "access-log key created; back it up apart from the database backups"
                    );
                    crate::audit::log(
                        &mut conn,
                        None,
                        crate::audit::Category::System,
                        "audit_key_created",
                        serde_json::json!({
                            "path": path.display().to_string(),
                            "unkeyed_through": k.unkeyed_through.as_ref().map(|(id, _)| *id),
                        }),
                        now,
                    )?;
                }
                k
            }
        };
        Ok(App::with_pool(settings, database, pool).with_audit_key(audit_key))
    }

    /// Settings and an already-open database. The access log is signed with
    /// this process's key ([`crate::audit::key::process_key`]); see
    /// [`App::with_audit_key`].
    pub fn with_pool(settings: Settings, database: DatabaseUrl, pool: Pool) -> App {
        App {
            audit_key: key::process_key(),
            sign_in_limiter: Arc::new(SignInLimiter::new(settings.sign_in_attempts_per_minute)),
            audit_sink: Arc::new(OnceLock::new()),
            reports: Arc::new(crate::month::cache::ReportCache::default()),
            settings,
            database,
            pool,
        }
    }

    /// The mail sender configured by `smtp_url` (not configured: mails stay queued).
    pub fn mailer(&self) -> Result<Mailer, MailError> {
        Mailer::from_url(self.settings.smtp_url.as_deref(), &self.settings.mail_from)
    }

    /// The same, signing the access log with `key`.
    pub fn with_audit_key(mut self, key: Arc<AuditKey>) -> App {
        self.audit_key = Some(key);
        self
    }

    /// The access-log key (`None` only for an App made by [`App::with_pool`]
    /// in a process that has none; its entries are then unsigned and
    /// `audit verify` reports them).
    pub fn audit_key(&self) -> Option<Arc<AuditKey>> {
        self.audit_key.clone()
    }

    /// The access-log writer of the web service (see [`crate::audit::Sink`]).
    pub fn audit_sink(&self) -> std::io::Result<&crate::audit::Sink> {
        if let Some(sink) = self.audit_sink.get() {
            return Ok(sink);
        }
        let key = self
            .audit_key
            .clone()
            .ok_or_else(|| std::io::Error::other("no access-log key / アクセスログの鍵がありません"))?;
        let sink = crate::audit::Sink::start(self.pool.clone(), key)?;
        Ok(self.audit_sink.get_or_init(|| sink))
    }

    /// The hospital's local time now (what imports and logs record).
    pub fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().with_timezone(&self.settings.timezone).naive_local()
    }
}
