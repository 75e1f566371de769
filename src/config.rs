//! Settings: built-in defaults (config/default.toml, compiled in), then a
//! config file, then `KINMU_<KEY>` environment variables (formats.md).

use crate::domain::hours::RuleConfig;
use crate::domain::shift::parse_weekday;
use chrono::{FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Deserialize;
use std::fmt;
use std::path::Path;
use std::time::Duration;

mod intake;
mod retention;
mod rules;

pub use intake::{glob_match, IntakeRule, IntakeSettings, KINDS as INTAKE_KINDS};

const DEFAULTS: &str = include_str!("../config/default.toml");

/// Why the settings could not be read. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("設定ファイルを読めません: {path}: {message} / cannot read config file")]
    Read { path: String, message: String },
    #[error("設定ファイルの書式が不正です: {path}: {message} / invalid config file")]
    Parse { path: String, message: String },
    #[error("設定 {key} の値が不正です: {value:?}（{expected}） / invalid setting")]
    Value {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
}

/// The settings as written (strings and numbers), before validation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    database_url: Option<String>,
    listen: Option<String>,
    timezone: Option<String>,
    week_start: Option<String>,
    scheduled_start: Option<String>,
    watch_minutes: Option<i64>,
    discrepancy_minutes: Option<i64>,
    a_level_grace_days: Option<i64>,
    work_records_retention_years: Option<i64>,
    wage_payment_day: Option<i64>,
    wage_payment_month_offset: Option<i64>,
    hospital_name: Option<String>,
    log_format: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    base_url: Option<String>,
    daily_cron: Option<String>,
    monthly_cron: Option<String>,
    outbox_cron: Option<String>,
    recheck_cron: Option<String>,
    purge_cron: Option<String>,
    accounts_cron: Option<String>,
    password_min_chars: Option<i64>,
    lockout_failures: Option<i64>,
    lockout_minutes: Option<i64>,
    session_hours: Option<i64>,
    session_idle_minutes: Option<i64>,
    unused_account_days: Option<i64>,
    sign_in_attempts_per_minute: Option<i64>,
    http_header_timeout_seconds: Option<i64>,
    http_body_timeout_seconds: Option<i64>,
    http_keep_alive_seconds: Option<i64>,
    http_disconnect_timeout_seconds: Option<i64>,
    http_max_connections: Option<i64>,
    http_max_connections_per_address: Option<i64>,
    audit_key_file: Option<String>,
    intake_dir: Option<String>,
    intake_rules: Option<Vec<String>>,
    intake_settle_seconds: Option<i64>,
    intake_cron: Option<String>,
    inspection: Option<RawInspection>,
    // Rule book v2 (formats.md C.4), read by `rules`.
    scheduled_end: Option<String>,
    holiday_start_tail: Option<String>,
    year_start: Option<String>,
    occupational_physician_email: Option<String>,
    scheduled_days: Option<Vec<String>>,
    scheduled_closed_dates: Option<Vec<String>>,
    designated_levels: Option<Vec<String>>,
    month_start_day: Option<i64>,
    agreement_general_month_minutes: Option<i64>,
    agreement_general_year_minutes: Option<i64>,
    agreement_special_month_minutes: Option<i64>,
    agreement_year_minutes_a: Option<i64>,
    agreement_year_minutes_renkei_b: Option<i64>,
    agreement_year_minutes_b: Option<i64>,
    agreement_year_minutes_c1: Option<i64>,
    agreement_year_minutes_c2: Option<i64>,
    agreement_holiday_days_per_month: Option<i64>,
    pc_review_minutes: Option<i64>,
    staffing_weekly_minutes: Option<i64>,
    // Rule book v2 (formats.md R.5): permits and breaks, read by `rules`.
    permits_register: Option<String>,
    permitted_night_duty_per_week: Option<i64>,
    permitted_day_duty_per_month: Option<i64>,
    break_period_gap_minutes: Option<i64>,
    // Rule book v2 (formats.md R.5): rest (rules §11.1, §11.12).
    rest_rules_from: Option<String>,
    rest_a_level_warnings: Option<Flag>,
    comp_rest_reminder_days: Option<i64>,
}

/// A yes/no key: `true` in the file, or its text (`"true"`, `"0"`, an
/// environment variable).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Text(String),
}

impl Flag {
    fn value(&self) -> Option<bool> {
        match self {
            Flag::Bool(b) => Some(*b),
            Flag::Text(s) => match s.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
        }
    }

    fn text(&self) -> String {
        match self {
            Flag::Bool(b) => b.to_string(),
            Flag::Text(s) => s.clone(),
        }
    }
}

/// `[inspection]`: the print pack's hospital policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInspection {
    administrator_sees_opinions: Option<bool>,
}

impl RawSettings {
    /// Fields of `other` that are set win over `self`.
    fn merge(self, other: RawSettings) -> RawSettings {
        RawSettings {
            database_url: other.database_url.or(self.database_url),
            listen: other.listen.or(self.listen),
            timezone: other.timezone.or(self.timezone),
            week_start: other.week_start.or(self.week_start),
            scheduled_start: other.scheduled_start.or(self.scheduled_start),
            watch_minutes: other.watch_minutes.or(self.watch_minutes),
            discrepancy_minutes: other.discrepancy_minutes.or(self.discrepancy_minutes),
            a_level_grace_days: other.a_level_grace_days.or(self.a_level_grace_days),
            work_records_retention_years: other.work_records_retention_years.or(self.work_records_retention_years),
            wage_payment_day: other.wage_payment_day.or(self.wage_payment_day),
            wage_payment_month_offset: other.wage_payment_month_offset.or(self.wage_payment_month_offset),
            hospital_name: other.hospital_name.or(self.hospital_name),
            log_format: other.log_format.or(self.log_format),
            smtp_url: other.smtp_url.or(self.smtp_url),
            mail_from: other.mail_from.or(self.mail_from),
            base_url: other.base_url.or(self.base_url),
            daily_cron: other.daily_cron.or(self.daily_cron),
            monthly_cron: other.monthly_cron.or(self.monthly_cron),
            outbox_cron: other.outbox_cron.or(self.outbox_cron),
            recheck_cron: other.recheck_cron.or(self.recheck_cron),
            purge_cron: other.purge_cron.or(self.purge_cron),
            accounts_cron: other.accounts_cron.or(self.accounts_cron),
            password_min_chars: other.password_min_chars.or(self.password_min_chars),
            lockout_failures: other.lockout_failures.or(self.lockout_failures),
            lockout_minutes: other.lockout_minutes.or(self.lockout_minutes),
            session_hours: other.session_hours.or(self.session_hours),
            session_idle_minutes: other.session_idle_minutes.or(self.session_idle_minutes),
            unused_account_days: other.unused_account_days.or(self.unused_account_days),
            sign_in_attempts_per_minute: other.sign_in_attempts_per_minute.or(self.sign_in_attempts_per_minute),
            http_header_timeout_seconds: other.http_header_timeout_seconds.or(self.http_header_timeout_seconds),
            http_body_timeout_seconds: other.http_body_timeout_seconds.or(self.http_body_timeout_seconds),
            http_keep_alive_seconds: other.http_keep_alive_seconds.or(self.http_keep_alive_seconds),
            http_disconnect_timeout_seconds: other
                .http_disconnect_timeout_seconds
                .or(self.http_disconnect_timeout_seconds),
            http_max_connections: other.http_max_connections.or(self.http_max_connections),
            http_max_connections_per_address: other
                .http_max_connections_per_address
                .or(self.http_max_connections_per_address),
            audit_key_file: other.audit_key_file.or(self.audit_key_file),
            intake_dir: other.intake_dir.or(self.intake_dir),
            intake_rules: other.intake_rules.or(self.intake_rules),
            intake_settle_seconds: other.intake_settle_seconds.or(self.intake_settle_seconds),
            intake_cron: other.intake_cron.or(self.intake_cron),
            inspection: match (self.inspection, other.inspection) {
                (Some(a), Some(b)) => Some(RawInspection {
                    administrator_sees_opinions: b.administrator_sees_opinions.or(a.administrator_sees_opinions),
                }),
                (a, b) => b.or(a),
            },
            scheduled_end: other.scheduled_end.or(self.scheduled_end),
            holiday_start_tail: other.holiday_start_tail.or(self.holiday_start_tail),
            year_start: other.year_start.or(self.year_start),
            occupational_physician_email: other.occupational_physician_email.or(self.occupational_physician_email),
            scheduled_days: other.scheduled_days.or(self.scheduled_days),
            scheduled_closed_dates: other.scheduled_closed_dates.or(self.scheduled_closed_dates),
            designated_levels: other.designated_levels.or(self.designated_levels),
            month_start_day: other.month_start_day.or(self.month_start_day),
            agreement_general_month_minutes: other
                .agreement_general_month_minutes
                .or(self.agreement_general_month_minutes),
            agreement_general_year_minutes: other
                .agreement_general_year_minutes
                .or(self.agreement_general_year_minutes),
            agreement_special_month_minutes: other
                .agreement_special_month_minutes
                .or(self.agreement_special_month_minutes),
            agreement_year_minutes_a: other.agreement_year_minutes_a.or(self.agreement_year_minutes_a),
            agreement_year_minutes_renkei_b: other
                .agreement_year_minutes_renkei_b
                .or(self.agreement_year_minutes_renkei_b),
            agreement_year_minutes_b: other.agreement_year_minutes_b.or(self.agreement_year_minutes_b),
            agreement_year_minutes_c1: other.agreement_year_minutes_c1.or(self.agreement_year_minutes_c1),
            agreement_year_minutes_c2: other.agreement_year_minutes_c2.or(self.agreement_year_minutes_c2),
            agreement_holiday_days_per_month: other
                .agreement_holiday_days_per_month
                .or(self.agreement_holiday_days_per_month),
            pc_review_minutes: other.pc_review_minutes.or(self.pc_review_minutes),
            staffing_weekly_minutes: other.staffing_weekly_minutes.or(self.staffing_weekly_minutes),
            permits_register: other.permits_register.or(self.permits_register),
            permitted_night_duty_per_week: other
                .permitted_night_duty_per_week
                .or(self.permitted_night_duty_per_week),
            permitted_day_duty_per_month: other.permitted_day_duty_per_month.or(self.permitted_day_duty_per_month),
            break_period_gap_minutes: other.break_period_gap_minutes.or(self.break_period_gap_minutes),
            rest_rules_from: other.rest_rules_from.or(self.rest_rules_from),
            rest_a_level_warnings: other.rest_a_level_warnings.or(self.rest_a_level_warnings),
            comp_rest_reminder_days: other.comp_rest_reminder_days.or(self.comp_rest_reminder_days),
        }
    }

    fn from_toml(text: &str, path: &str) -> Result<RawSettings, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            message: e.to_string(),
        })
    }

    /// `KINMU_<KEY>` variables, read through `lookup` (the process
    /// environment in production, a map in tests).
    fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<RawSettings, ConfigError> {
        let get = |key: &str| lookup(&format!("KINMU_{}", key.to_ascii_uppercase())).filter(|v| !v.is_empty());
        let int = |key: &'static str| -> Result<Option<i64>, ConfigError> {
            get(key)
                .map(|v| {
                    v.trim().parse().map_err(|_| ConfigError::Value {
                        key,
                        value: v.clone(),
                        expected: "整数 / an integer",
                    })
                })
                .transpose()
        };
        Ok(RawSettings {
            database_url: get("database_url"),
            listen: get("listen"),
            timezone: get("timezone"),
            week_start: get("week_start"),
            scheduled_start: get("scheduled_start"),
            watch_minutes: int("watch_minutes")?,
            discrepancy_minutes: int("discrepancy_minutes")?,
            a_level_grace_days: int("a_level_grace_days")?,
            work_records_retention_years: int("work_records_retention_years")?,
            wage_payment_day: int("wage_payment_day")?,
            wage_payment_month_offset: int("wage_payment_month_offset")?,
            hospital_name: get("hospital_name"),
            log_format: get("log_format"),
            smtp_url: get("smtp_url"),
            mail_from: get("mail_from"),
            base_url: get("base_url"),
            daily_cron: get("daily_cron"),
            monthly_cron: get("monthly_cron"),
            outbox_cron: get("outbox_cron"),
            recheck_cron: get("recheck_cron"),
            purge_cron: get("purge_cron"),
            accounts_cron: get("accounts_cron"),
            password_min_chars: int("password_min_chars")?,
            lockout_failures: int("lockout_failures")?,
            lockout_minutes: int("lockout_minutes")?,
            session_hours: int("session_hours")?,
            session_idle_minutes: int("session_idle_minutes")?,
            unused_account_days: int("unused_account_days")?,
            sign_in_attempts_per_minute: int("sign_in_attempts_per_minute")?,
            http_header_timeout_seconds: int("http_header_timeout_seconds")?,
            http_body_timeout_seconds: int("http_body_timeout_seconds")?,
            http_keep_alive_seconds: int("http_keep_alive_seconds")?,
            http_disconnect_timeout_seconds: int("http_disconnect_timeout_seconds")?,
            http_max_connections: int("http_max_connections")?,
            http_max_connections_per_address: int("http_max_connections_per_address")?,
            audit_key_file: get("audit_key_file"),
            intake_dir: get("intake_dir"),
            intake_rules: get("intake_rules").map(|v| intake::split_env_rules(&v)),
            intake_settle_seconds: int("intake_settle_seconds")?,
            intake_cron: get("intake_cron"),
            inspection: match get("inspection_administrator_sees_opinions") {
                None => None,
                Some(v) => Some(RawInspection {
                    administrator_sees_opinions: Some(match v.trim() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => {
                            return Err(ConfigError::Value {
                                key: "inspection_administrator_sees_opinions",
                                value: v,
                                expected: "true | false",
                            })
                        }
                    }),
                }),
            },
            scheduled_end: get("scheduled_end"),
            holiday_start_tail: get("holiday_start_tail"),
            year_start: get("year_start"),
            occupational_physician_email: get("occupational_physician_email"),
            scheduled_days: get("scheduled_days").map(|v| rules::split_env_list(&v)),
            scheduled_closed_dates: get("scheduled_closed_dates").map(|v| rules::split_env_list(&v)),
            designated_levels: get("designated_levels").map(|v| rules::split_env_list(&v)),
            month_start_day: int("month_start_day")?,
            agreement_general_month_minutes: int("agreement_general_month_minutes")?,
            agreement_general_year_minutes: int("agreement_general_year_minutes")?,
            agreement_special_month_minutes: int("agreement_special_month_minutes")?,
            agreement_year_minutes_a: int("agreement_year_minutes_a")?,
            agreement_year_minutes_renkei_b: int("agreement_year_minutes_renkei_b")?,
            agreement_year_minutes_b: int("agreement_year_minutes_b")?,
            agreement_year_minutes_c1: int("agreement_year_minutes_c1")?,
            agreement_year_minutes_c2: int("agreement_year_minutes_c2")?,
            agreement_holiday_days_per_month: int("agreement_holiday_days_per_month")?,
            pc_review_minutes: int("pc_review_minutes")?,
            staffing_weekly_minutes: int("staffing_weekly_minutes")?,
            permits_register: get("permits_register"),
            permitted_night_duty_per_week: int("permitted_night_duty_per_week")?,
            permitted_day_duty_per_month: int("permitted_day_duty_per_month")?,
            break_period_gap_minutes: int("break_period_gap_minutes")?,
            rest_rules_from: get("rest_rules_from"),
            rest_a_level_warnings: get("rest_a_level_warnings").map(Flag::Text),
            comp_rest_reminder_days: int("comp_rest_reminder_days")?,
        })
    }
}

/// Log output style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// How the web server treats connections (slow and greedy clients).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpLimits {
    /// A new connection must send its first request head within this
    /// (`http_header_timeout_seconds`, default 10 s; else 408 and closed).
    pub header_timeout: Duration,
    /// A request body must have arrived within this of the handler starting
    /// to read it (`http_body_timeout_seconds`, default 60 s; else 408 and
    /// closed).
    pub body_timeout: Duration,
    /// An idle kept-alive connection is closed after this
    /// (`http_keep_alive_seconds`, default 5 s; 0 turns keep-alive off).
    pub keep_alive: Duration,
    /// How long a closing connection may take to shut down
    /// (`http_disconnect_timeout_seconds`, default 2 s).
    pub disconnect_timeout: Duration,
    /// Open connections of the whole server (`http_max_connections`,
    /// default 2048), shared among the workers and lowered to what the
    /// open-file limit allows; more wait in the listen backlog.
    pub max_connections: usize,
    /// Open connections one client address may hold
    /// (`http_max_connections_per_address`, default 64; 0 = no cap); more
    /// are answered 429 and closed at once.
    pub max_connections_per_address: usize,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            keep_alive: Duration::from_secs(5),
            disconnect_timeout: Duration::from_secs(2),
            max_connections: 2048,
            max_connections_per_address: 64,
        }
    }
}

/// Validated settings.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub listen: String,
    pub timezone: FixedOffset,
    pub timezone_name: String,
    pub rules: RuleConfig,
    pub hospital_name: String,
    pub log_format: LogFormat,
    /// The SMTP relay; `None` keeps mails queued.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The 産業医's address for the 安衛法 80 h list (rules §16); `None`: none.
    pub occupational_physician_email: Option<String>,
    pub base_url: String,
    pub daily_cron: String,
    pub monthly_cron: String,
    pub outbox_cron: String,
    /// When months whose data changed are re-checked (every minute by
    /// default; nothing to do is two queries).
    pub recheck_cron: String,
    /// When the retention purge runs (monthly by default).
    pub purge_cron: String,
    /// When unused accounts and leavers are disabled (daily by default).
    pub accounts_cron: String,
    /// Passwords, lock-out, sessions, unused accounts.
    pub accounts: AccountPolicy,
    /// Sign-in attempts one address may make per minute (then 429).
    pub sign_in_attempts_per_minute: u32,
    /// Timeouts and connection caps of the web server.
    pub http: HttpLimits,
    /// The access-log key file (`None`: the default next to the database,
    /// see `crate::audit::key::default_path`).
    pub audit_key_file: Option<std::path::PathBuf>,
    /// The folder kinmu imports files from, and its rules (off by default).
    pub intake: IntakeSettings,
    /// `[inspection] administrator_sees_opinions`: whether the
    /// administrator's print pack carries the physicians' 意見書 (hospital
    /// policy; off by default: 「記録あり」 only).
    pub administrator_sees_opinions: bool,
}

impl fmt::Debug for Settings {
    /// Shows the settings without secrets: the SMTP and database passwords
    /// are masked, so settings may be logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen", &self.listen)
            .field("timezone", &self.timezone_name)
            .field("rules", &self.rules)
            .field("hospital_name", &self.hospital_name)
            .field("log_format", &self.log_format)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("occupational_physician_email", &self.occupational_physician_email)
            .field("base_url", &self.base_url)
            .field("daily_cron", &self.daily_cron)
            .field("monthly_cron", &self.monthly_cron)
            .field("outbox_cron", &self.outbox_cron)
            .field("recheck_cron", &self.recheck_cron)
            .field("purge_cron", &self.purge_cron)
            .field("accounts_cron", &self.accounts_cron)
            .field("accounts", &self.accounts)
            .field("sign_in_attempts_per_minute", &self.sign_in_attempts_per_minute)
            .field("http", &self.http)
            .field("intake", &self.intake)
            .field("audit_key_file", &self.audit_key_file)
            .field("administrator_sees_opinions", &self.administrator_sees_opinions)
            .finish()
    }
}

/// A URL with the password of its `user:password@` part masked.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl Settings {
    /// Reads defaults, then `file` (or config/local.toml if present), then
    /// the process environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Settings::load_with(file, &|k| std::env::var(k).ok())
    }

    /// As [`Settings::load`], with the environment given as a function.
    pub fn load_with(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let mut raw = RawSettings::from_toml(DEFAULTS, "config/default.toml")?;
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env("KINMU_CONFIG").map(Into::into))
            .or_else(|| Some(Path::new("config/local.toml").to_path_buf()).filter(|p| p.exists()));
        if let Some(path) = file {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Read {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            raw = raw.merge(RawSettings::from_toml(&text, &shown)?);
        }
        raw = raw.merge(RawSettings::from_env(env)?);
        Settings::validate(raw)
    }

    fn validate(mut raw: RawSettings) -> Result<Settings, ConfigError> {
        let bad = |key: &'static str, value: &str, expected: &'static str| ConfigError::Value {
            key,
            value: value.to_string(),
            expected,
        };
        let defaults = RuleConfig::default();
        let retention = retention::read(&raw)?;
        // The keys of rule book v2 (C.4): a RuleConfig whose other fields
        // are the defaults, completed below.
        let v2 = rules::read(&raw)?;
        let occupational_physician_email =
            rules::occupational_physician_email(raw.occupational_physician_email.take())?;
        let week = raw.week_start.unwrap_or_else(|| "sun".into());
        let week_start = parse_weekday(&week).ok_or_else(|| bad("week_start", &week, "sun..sat"))?;
        let start = raw.scheduled_start.unwrap_or_else(|| "08:30".into());
        let scheduled_start =
            NaiveTime::parse_from_str(start.trim(), "%H:%M").map_err(|_| bad("scheduled_start", &start, "HH:MM"))?;
        let non_negative = |key: &'static str, v: Option<i64>, default: i64| -> Result<i64, ConfigError> {
            let v = v.unwrap_or(default);
            if v < 0 {
                Err(bad(key, &v.to_string(), "0 以上 / zero or more"))
            } else {
                Ok(v)
            }
        };
        // Account settings: whole numbers from 1 up to a bound that keeps
        // the arithmetic on them safe.
        let positive = |key: &'static str, v: Option<i64>, default: i64| -> Result<i64, ConfigError> {
            let v = v.unwrap_or(default);
            if (1..=1_000_000).contains(&v) {
                Ok(v)
            } else {
                Err(bad(key, &v.to_string(), "1 以上 1000000 以下 / 1 to 1000000"))
            }
        };
        let p = AccountPolicy::default();
        let h = HttpLimits::default();
        let seconds =
            |key: &'static str, v: Option<i64>, default: Duration, min: i64| -> Result<Duration, ConfigError> {
                let v = v.unwrap_or(default.as_secs() as i64);
                if (min..=86_400).contains(&v) {
                    Ok(Duration::from_secs(v as u64))
                } else if min == 0 {
                    Err(bad(key, &v.to_string(), "0 以上 86400 以下 / 0 to 86400"))
                } else {
                    Err(bad(key, &v.to_string(), "1 以上 86400 以下 / 1 to 86400"))
                }
            };
        let tz_name = raw.timezone.unwrap_or_else(|| "Asia/Tokyo".into());
        let timezone = parse_timezone(&tz_name).ok_or_else(|| bad("timezone", &tz_name, "Asia/Tokyo, UTC, +09:00"))?;
        let log = raw.log_format.unwrap_or_else(|| "pretty".into());
        let log_format = match log.as_str() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            _ => return Err(bad("log_format", &log, "pretty | json")),
        };
        let rules = RuleConfig {
            week_start,
            watch_minutes: non_negative("watch_minutes", raw.watch_minutes, defaults.watch_minutes)?,
            discrepancy_minutes: non_negative(
                "discrepancy_minutes",
                raw.discrepancy_minutes,
                defaults.discrepancy_minutes,
            )?,
            scheduled_start,
            a_level_grace_days: non_negative(
                "a_level_grace_days",
                raw.a_level_grace_days,
                defaults.a_level_grace_days,
            )?,
            retention,
            ..v2
        };
        Ok(Settings {
            rules,
            occupational_physician_email,
            database_url: raw.database_url.unwrap_or_else(|| "sqlite://data/kinmu.db".into()),
            listen: raw.listen.unwrap_or_else(|| "127.0.0.1:8080".into()),
            timezone,
            timezone_name: tz_name,
            hospital_name: raw.hospital_name.unwrap_or_default(),
            log_format,
            smtp_url: raw.smtp_url.filter(|u| !u.trim().is_empty()),
            mail_from: raw.mail_from.unwrap_or_else(|| "kinmu <kinmu@localhost>".into()),
            base_url: raw
                .base_url
                .unwrap_or_else(|| "http://127.0.0.1:8080".into())
                .trim_end_matches('/')
                .to_string(),
            daily_cron: raw.daily_cron.unwrap_or_else(|| "0 0 5 * * *".into()),
            monthly_cron: raw.monthly_cron.unwrap_or_else(|| "0 30 5 1 * *".into()),
            outbox_cron: raw.outbox_cron.unwrap_or_else(|| "0 */5 * * * *".into()),
            recheck_cron: raw.recheck_cron.unwrap_or_else(|| "30 * * * * *".into()),
            purge_cron: raw.purge_cron.unwrap_or_else(|| "0 0 6 1 * *".into()),
            accounts_cron: raw.accounts_cron.unwrap_or_else(|| "0 15 5 * * *".into()),
            accounts: AccountPolicy {
                password_min_chars: positive(
                    "password_min_chars",
                    raw.password_min_chars,
                    p.password_min_chars as i64,
                )? as usize,
                lockout_failures: positive("lockout_failures", raw.lockout_failures, i64::from(p.lockout_failures))?
                    as i32,
                lockout_minutes: positive("lockout_minutes", raw.lockout_minutes, p.lockout_minutes)?,
                session_hours: positive("session_hours", raw.session_hours, p.session_hours)?,
                session_idle_minutes: positive(
                    "session_idle_minutes",
                    raw.session_idle_minutes,
                    p.session_idle_minutes,
                )?,
                unused_days: positive("unused_account_days", raw.unused_account_days, p.unused_days)?,
                password_min_score: p.password_min_score,
                demo_mode: false,
            },
            sign_in_attempts_per_minute: positive("sign_in_attempts_per_minute", raw.sign_in_attempts_per_minute, 10)?
                as u32,
            http: HttpLimits {
                header_timeout: seconds(
                    "http_header_timeout_seconds",
                    raw.http_header_timeout_seconds,
                    h.header_timeout,
                    1,
                )?,
                body_timeout: seconds(
                    "http_body_timeout_seconds",
                    raw.http_body_timeout_seconds,
                    h.body_timeout,
                    1,
                )?,
                keep_alive: seconds("http_keep_alive_seconds", raw.http_keep_alive_seconds, h.keep_alive, 0)?,
                disconnect_timeout: seconds(
                    "http_disconnect_timeout_seconds",
                    raw.http_disconnect_timeout_seconds,
                    h.disconnect_timeout,
                    1,
                )?,
                max_connections: positive(
                    "http_max_connections",
                    raw.http_max_connections,
                    h.max_connections as i64,
                )? as usize,
                max_connections_per_address: non_negative(
                    "http_max_connections_per_address",
                    raw.http_max_connections_per_address,
                    h.max_connections_per_address as i64,
                )? as usize,
            },
            audit_key_file: raw
                .audit_key_file
                .filter(|p| !p.trim().is_empty())
                .map(std::path::PathBuf::from),
            intake: intake::validate(
                raw.intake_dir,
                raw.intake_rules,
                raw.intake_settle_seconds,
                raw.intake_cron,
            )?,
            administrator_sees_opinions: raw
                .inspection
                .and_then(|i| i.administrator_sees_opinions)
                .unwrap_or(false),
        })
    }

    /// Today's date in the hospital's time zone.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.timezone).date_naive()
    }

    /// The week start, for callers that only need it.
    pub fn week_start(&self) -> Weekday {
        self.rules.week_start
    }
}

/// Reads the time zones kinmu supports without a time-zone database: Japan
/// (which has no daylight saving time), UTC, and fixed offsets.
fn parse_timezone(name: &str) -> Option<FixedOffset> {
    match name.trim() {
        "Asia/Tokyo" | "Japan" | "JST" => FixedOffset::east_opt(9 * 3600),
        "UTC" | "Etc/UTC" | "Z" => FixedOffset::east_opt(0),
        other => {
            let (sign, rest) = match other.as_bytes().first()? {
                b'+' => (1, &other[1..]),
                b'-' => (-1, &other[1..]),
                _ => return None,
            };
            let (h, m) = rest.split_once(':')?;
            let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
            if !(0..=14).contains(&h) || !(0..60).contains(&m) {
                return None;
            }
            FixedOffset::east_opt(sign * (h * 3600 + m * 60))
        }
    }
}

/// The account rules: password strength, lock-out, session lifetime and
/// when an unused account is disabled (settings; MHLW checklist 2-(5)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPolicy {
    /// The shortest password accepted (13: the MHLW guideline's length for
    /// passwords used without a second factor).
    pub password_min_chars: usize,
    /// Consecutive failed sign-ins that lock an account.
    pub lockout_failures: i32,
    /// How long a locked account stays locked.
    pub lockout_minutes: i64,
    /// How long a session lasts at most.
    pub session_hours: i64,
    /// A session not used for this long ends.
    pub session_idle_minutes: i64,
    /// An account not used for this many days is disabled by the daily job.
    pub unused_days: i64,
    /// The lowest zxcvbn score (0–4) a new password must reach: 4 means
    /// over 10^10 guesses (3, over 10^8, still lets `Welcome2024!!` and
    /// `Hospital#2024a` through).
    pub password_min_score: u8,
    /// `serve --demo`: the published demo password (`accounts::DEMO_PASSWORD`) is
    /// accepted. Never set from the configuration file.
    pub demo_mode: bool,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy {
            password_min_chars: 13,
            lockout_failures: 5,
            lockout_minutes: 15,
            session_hours: 12,
            session_idle_minutes: 30,
            unused_days: 90,
            password_min_score: 4,
            demo_mode: false,
        }
    }
}

#[cfg(test)]
mod tests;
