//! The settings' tests: defaults, overrides, and refusals naming the key.

use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k| map.get(k).cloned()
}

#[test]
fn defaults_follow_the_rule_book() {
    let s = Settings::load_with(None, &env(&[])).unwrap();
    assert_eq!(s.rules, RuleConfig::default());
    assert_eq!(s.timezone.local_minus_utc(), 9 * 3600);
    assert_eq!(s.database_url, "sqlite://data/kinmu.db");
}

#[test]
fn the_environment_wins_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kinmu.toml");
    std::fs::write(
        &file,
        "week_start = \"sat\"\nwatch_minutes = 4000\nlisten = \"0.0.0.0:9000\"\n",
    )
    .unwrap();
    let s = Settings::load_with(
        Some(&file),
        &env(&[("KINMU_WEEK_START", "mon"), ("KINMU_SCHEDULED_START", "09:00")]),
    )
    .unwrap();
    assert_eq!(s.rules.week_start, Weekday::Mon);
    assert_eq!(s.rules.watch_minutes, 4000);
    assert_eq!(s.rules.scheduled_start, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    assert_eq!(s.listen, "0.0.0.0:9000");
}

#[test]
fn a_bad_value_is_refused_with_its_key() {
    let err = Settings::load_with(None, &env(&[("KINMU_WEEK_START", "someday")])).unwrap_err();
    assert!(err.to_string().contains("week_start"), "{err}");
    let err = Settings::load_with(None, &env(&[("KINMU_WATCH_MINUTES", "eighty")])).unwrap_err();
    assert!(err.to_string().contains("watch_minutes"), "{err}");
    let err = Settings::load_with(None, &env(&[("KINMU_TIMEZONE", "Mars/Olympus")])).unwrap_err();
    assert!(err.to_string().contains("timezone"), "{err}");
    // Fewer than 3 years is below the law's minimum (附則143条).
    let err = Settings::load_with(None, &env(&[("KINMU_WORK_RECORDS_RETENTION_YEARS", "2")])).unwrap_err();
    assert!(err.to_string().contains("work_records_retention_years"), "{err}");
    let ok = Settings::load_with(None, &env(&[("KINMU_WAGE_PAYMENT_DAY", "31")])).unwrap();
    assert_eq!(ok.rules.retention.wage_payment_day, 31);
    assert_eq!(ok.rules.retention.years, 5);
}

#[test]
fn an_unknown_key_in_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kinmu.toml");
    std::fs::write(&file, "week_strat = \"mon\"\n").unwrap();
    assert!(matches!(
        Settings::load_with(Some(&file), &env(&[])),
        Err(ConfigError::Parse { .. })
    ));
}

#[test]
fn passwords_in_urls_never_reach_a_log() {
    assert_eq!(
        redact_url("smtp://kinmu:s3cret@relay.example:587"),
        "smtp://kinmu:***@relay.example:587"
    );
    assert_eq!(
        redact_url("postgres://app:p%40ss@db.example/kinmu?sslmode=require"),
        "postgres://app:***@db.example/kinmu?sslmode=require"
    );
    assert_eq!(redact_url("sqlite://data/kinmu.db"), "sqlite://data/kinmu.db");
    let s = Settings::load_with(
        None,
        &env(&[
            ("KINMU_SMTP_URL", "smtp://kinmu:s3cret@relay.example:587"),
            ("KINMU_DATABASE_URL", "postgres://app:hunter2@db/kinmu"),
        ]),
    )
    .unwrap();
    let shown = format!("{s:?}");
    assert!(!shown.contains("s3cret") && !shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("relay.example"));
}

#[test]
fn account_settings_are_read_and_bounded() {
    let s = Settings::load_with(None, &env(&[])).unwrap();
    assert_eq!(s.accounts, AccountPolicy::default());
    assert_eq!(s.accounts.unused_days, 90);
    let s = Settings::load_with(None, &env(&[("KINMU_UNUSED_ACCOUNT_DAYS", "30")])).unwrap();
    assert_eq!(s.accounts.unused_days, 30);
    let err = Settings::load_with(None, &env(&[("KINMU_LOCKOUT_FAILURES", "0")])).unwrap_err();
    assert!(err.to_string().contains("lockout_failures"), "{err}");
}

#[test]
fn http_limits_have_defaults_env_overrides_and_bounds() {
    let s = Settings::load_with(None, &env(&[])).unwrap();
    assert_eq!(s.http, HttpLimits::default());
    let s = Settings::load_with(
        None,
        &env(&[
            ("KINMU_HTTP_BODY_TIMEOUT_SECONDS", "30"),
            ("KINMU_HTTP_KEEP_ALIVE_SECONDS", "0"),
            ("KINMU_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0"),
            ("KINMU_HTTP_MAX_CONNECTIONS", "500"),
        ]),
    )
    .unwrap();
    assert_eq!(s.http.body_timeout, Duration::from_secs(30));
    assert_eq!(s.http.keep_alive, Duration::ZERO);
    assert_eq!(s.http.max_connections_per_address, 0);
    assert_eq!(s.http.max_connections, 500);
    for (key, value) in [
        ("KINMU_HTTP_HEADER_TIMEOUT_SECONDS", "0"),
        ("KINMU_HTTP_BODY_TIMEOUT_SECONDS", "-1"),
        ("KINMU_HTTP_MAX_CONNECTIONS", "0"),
        ("KINMU_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "-5"),
    ] {
        let err = Settings::load_with(None, &env(&[(key, value)])).unwrap_err();
        assert!(
            err.to_string().contains(&key["KINMU_".len()..].to_ascii_lowercase()),
            "{err}"
        );
    }
}

#[test]
fn intake_is_off_by_default_and_its_rules_come_from_a_file_or_the_environment() {
    let s = Settings::load_with(None, &env(&[])).unwrap();
    assert_eq!(s.intake.dir, None);
    assert!(s
        .intake
        .rules
        .iter()
        .any(|r| r.kind == "timecard" && r.matches("timecard_06.csv")));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kinmu.toml");
    std::fs::write(
        &file,
        "intake_dir = \"/srv/intake\"\nintake_rules = [\"kot_*.csv=timecard:kingoftime-daily\"]\n",
    )
    .unwrap();
    let s = Settings::load_with(Some(&file), &env(&[])).unwrap();
    assert_eq!(s.intake.dir.as_deref(), Some(Path::new("/srv/intake")));
    assert_eq!(s.intake.rules.len(), 1);
    assert_eq!(s.intake.rules[0].layout.as_deref(), Some("kingoftime-daily"));
    let s = Settings::load_with(
        Some(&file),
        &env(&[
            ("KINMU_INTAKE_RULES", "doctors*=doctors;pc_*.csv=pclog"),
            ("KINMU_INTAKE_SETTLE_SECONDS", "3"),
        ]),
    )
    .unwrap();
    let kinds: Vec<&str> = s.intake.rules.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["doctors", "pclog"]);
    assert_eq!(s.intake.settle, Duration::from_secs(3));
    let err = Settings::load_with(None, &env(&[("KINMU_INTAKE_RULES", "x.csv=payroll")])).unwrap_err();
    assert!(err.to_string().contains("intake_rules"), "{err}");
    let err = Settings::load_with(None, &env(&[("KINMU_INTAKE_SETTLE_SECONDS", "-1")])).unwrap_err();
    assert!(err.to_string().contains("intake_settle_seconds"), "{err}");
}

#[test]
fn fixed_offsets_are_read() {
    assert_eq!(parse_timezone("+05:30").unwrap().local_minus_utc(), 5 * 3600 + 30 * 60);
    assert_eq!(parse_timezone("-03:00").unwrap().local_minus_utc(), -3 * 3600);
    assert!(parse_timezone("+15:00").is_none());
}

#[test]
fn the_rest_keys_are_read_from_the_file_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kinmu.toml");
    std::fs::write(
        &file,
        "rest_rules_from = \"2024-06-01\"\nrest_a_level_warnings = false\ncomp_rest_reminder_days = 3\n",
    )
    .unwrap();
    let s = Settings::load_with(Some(&file), &|_| None).unwrap();
    assert_eq!(
        s.rules.rest.rest_rules_from,
        chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    );
    assert!(!s.rules.rest.rest_a_level_warnings);
    assert_eq!(s.rules.comp_rest_reminder_days, 3);
    let env = |k: &str| (k == "KINMU_REST_A_LEVEL_WARNINGS").then(|| "1".to_string());
    assert!(
        Settings::load_with(None, &env)
            .unwrap()
            .rules
            .rest
            .rest_a_level_warnings
    );
    for (key, value) in [
        ("KINMU_REST_RULES_FROM", "2024/06/01"),
        ("KINMU_REST_A_LEVEL_WARNINGS", "maybe"),
        ("KINMU_COMP_REST_REMINDER_DAYS", "61"),
    ] {
        let env = |k: &str| (k == key).then(|| value.to_string());
        let e = Settings::load_with(None, &env).unwrap_err().to_string();
        assert!(e.contains(&key["KINMU_".len()..].to_lowercase()), "{key}: {e}");
    }
}
