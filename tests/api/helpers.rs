//! Test harness: a fresh database per test on each backend, and helpers to
//! run imports and reports through the library or the real binary; the
//! service under test and its browser ([`test_app`]), the test hospital
//! ([`hospital`]), the screens' forms ([`forms`]), a real SMTP server to
//! read mails back from ([`smtp_sink`]) and golden files ([`snapshot`]).
//! Test files take their fixtures from here, never from each other.
//!
//! Every database test runs on SQLite (a temporary file) and on PostgreSQL
//! (a database created for the test and dropped after it). PostgreSQL is
//! reached through `KINMU_TEST_POSTGRES_URL` (default: the local server);
//! when it cannot be reached the PostgreSQL half is skipped with a warning,
//! unless `KINMU_TEST_REQUIRE_POSTGRES=1` (set by `.ci/run`) makes it fail.

mod forms;
mod hospital;
mod smtp_sink;
mod snapshot;
mod test_app;

pub use forms::*;
pub use hospital::*;
pub use smtp_sink::SmtpSink;
pub use snapshot::assert_snapshot;
pub use test_app::*;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use kinmu::db::{self, AnyConnection, DatabaseUrl, Pool};
use kinmu::domain::time::YearMonth;
use kinmu::domain::RuleConfig;
use kinmu::ingest::{self, ImportKind, ImportReport, ImportRequest};
use kinmu::month::MonthlyReport;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub pool: Pool,
    /// The access-log key file of this database (the process's test key,
    /// see [`test_key`]); for SQLite at the default place next to the file.
    pub key_file: PathBuf,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>, // (admin url, database name)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            if let Ok(mut c) = diesel::PgConnection::establish(admin) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("KINMU_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_string())
}

/// Whether PostgreSQL takes part in this run (checked once).
fn postgres_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let required = std::env::var("KINMU_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        match diesel::PgConnection::establish(&postgres_admin_url()) {
            Ok(_) => true,
            Err(e) if required => panic!("PostgreSQL is required (KINMU_TEST_REQUIRE_POSTGRES=1) but unreachable: {e}"),
            Err(e) => {
                eprintln!("warning: PostgreSQL unreachable ({e}); database tests run on SQLite only");
                false
            }
        }
    })
}

/// The backends this run covers.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if postgres_available() {
        b.push(Backend::Postgres);
    }
    b
}

/// The `kinmu` binary the tests run: `KINMU_TEST_BIN` when set, else the
/// one cargo built for this test binary. With a target directory shared by
/// several checkouts, `target/debug/kinmu` may be another checkout's build;
/// point `KINMU_TEST_BIN` at this checkout's binary
/// (`cargo build --message-format=json` names it) to be sure.
pub fn kinmu_bin() -> PathBuf {
    std::env::var_os("KINMU_TEST_BIN")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kinmu")), PathBuf::from)
}

/// The access-log key of every test database: made once per test process
/// and installed as the process's key, so every entry the tests write is
/// signed, and the binaries the tests run read it from [`TestDb::key_file`].
pub fn test_key() -> &'static kinmu::audit::key::AuditKey {
    static KEY: OnceLock<kinmu::audit::key::AuditKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = kinmu::audit::key::AuditKey::generate(None);
        kinmu::audit::key::install(key.clone()).unwrap();
        key
    })
}

/// Runs `test` once per backend, each time on a fresh database.
pub fn each_backend(test: impl Fn(&TestDb)) {
    for backend in backends() {
        let db = TestDb::new(backend);
        test(&db);
    }
}

impl TestDb {
    pub fn new(backend: Backend) -> TestDb {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("kinmu.db").display()), None),
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let base = admin
                    .rsplit('/')
                    .next()
                    .unwrap_or("postgres")
                    .split('?')
                    .next()
                    .unwrap_or("postgres");
                let n = COUNTER.fetch_add(1, Ordering::SeqCst);
                let name: String = format!("{}_t{}_{}", base, std::process::id(), n)
                    .chars()
                    .take(63)
                    .collect();
                let mut c = diesel::PgConnection::establish(&admin).unwrap();
                c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .unwrap();
                c.batch_execute(&format!("CREATE DATABASE \"{name}\"")).unwrap();
                let prefix = &admin[..admin.len() - admin.rsplit('/').next().unwrap_or("").len()];
                (format!("{prefix}{name}"), Some((admin.clone(), name)))
            }
        };
        let database = DatabaseUrl::parse(&url).unwrap();
        let pool = db::open(&database, 2).unwrap();
        let key_file = match backend {
            Backend::Sqlite => kinmu::audit::key::default_path(&database),
            Backend::Postgres => dir.path().join("audit.key"),
        };
        test_key().write_new(&key_file, now()).unwrap();
        TestDb {
            backend,
            url,
            pool,
            key_file,
            _dir: dir,
            pg,
        }
    }

    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().unwrap()
    }

    /// Imports bytes through the library.
    pub fn import(&self, kind: ImportKind, bytes: &[u8]) -> ImportReport {
        self.import_with(kind, bytes, false)
    }

    pub fn import_with(&self, kind: ImportKind, bytes: &[u8], skip_invalid: bool) -> ImportReport {
        let mut conn = self.conn();
        ingest::run(
            &mut conn,
            &ImportRequest {
                layout: None,
                period: None,
                published_at: None,
                kind,
                bytes,
                file_name: "test.csv",
                skip_invalid,
                actor: Some("test"),
                now: now(),
            },
        )
        .unwrap()
    }

    /// Imports and asserts nothing was rejected.
    pub fn import_ok(&self, kind: ImportKind, bytes: &[u8]) -> ImportReport {
        let r = self.import(kind, bytes);
        assert!(
            r.rejected.is_empty(),
            "{:?} import rejected rows on {:?}: {:#?}",
            kind,
            self.backend,
            r.rejected
        );
        r
    }

    pub fn report(&self, month: &str, as_of: &str) -> MonthlyReport {
        let mut conn = self.conn();
        kinmu::month::monthly(
            &mut conn,
            YearMonth::parse(month).unwrap(),
            date(as_of),
            &RuleConfig::default(),
        )
        .unwrap()
    }

    /// Row counts of every table: "nothing changed" means these are equal.
    pub fn counts(&self) -> Vec<(&'static str, i64)> {
        let mut conn = self.conn();
        kinmu::db::queries::table_counts(&mut conn).unwrap()
    }

    /// Row counts of the data tables, leaving out the access log (which a
    /// web request always adds to): "no data written" means these are equal.
    pub fn data_counts(&self) -> Vec<(&'static str, i64)> {
        self.counts().into_iter().filter(|(t, _)| *t != "audit_log").collect()
    }

    /// Drops the triggers that keep the access log append-only, as someone
    /// with the database's owner rights could: the tests that tamper with the
    /// log then show that `kinmu audit verify` still finds it.
    pub fn drop_audit_guard(&self) {
        use diesel::RunQueryDsl;
        let mut conn = self.conn();
        let conn: &mut AnyConnection = &mut conn;
        let statements: &[&str] = match self.backend {
            Backend::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
            Backend::Postgres => &[
                "DROP TRIGGER audit_log_append_only ON audit_log",
                "DROP TRIGGER audit_log_no_truncate ON audit_log",
            ],
        };
        for statement in statements {
            diesel::sql_query(*statement).execute(conn).unwrap();
        }
    }

    /// Runs the real binary against this database.
    pub fn kinmu(&self, args: &[&str]) -> Output {
        self.kinmu_env(args, &[])
    }

    /// Runs the real binary with settings in the environment (`KINMU_<KEY>`).
    pub fn kinmu_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(kinmu_bin())
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            // No RUST_LOG: commands must keep stderr quiet by default.
            .env_remove("RUST_LOG")
            .env_remove("DATABASE_URL")
            .env("KINMU_AUDIT_KEY_FILE", &self.key_file)
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    /// Runs the real binary with `input` on its standard input.
    pub fn kinmu_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = Command::new(kinmu_bin())
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .env_remove("RUST_LOG")
            .env_remove("DATABASE_URL")
            .env("KINMU_AUDIT_KEY_FILE", &self.key_file)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs a raw SQL query that returns one integer.
    pub fn count_where(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn();
        let conn: &mut AnyConnection = &mut conn;
        diesel::sql_query(sql).get_result::<N>(conn).unwrap().n
    }
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Inserts A01's declared self-study, `HH:MM`–`HH:MM` on each of `days`
/// (version 1, written by their account `aoki`), with `extras` (its status).
pub fn add_self_study(db: &TestDb, days: &[&str], (start, end): (&str, &str), extras: db::models::ShiftExtras) {
    let mut conn = db.conn();
    let a01 = db::queries::doctor_by_staff_id(&mut conn, "A01").unwrap().unwrap();
    let at = |d: &str, t: &str| NaiveDateTime::parse_from_str(&format!("{d} {t}"), "%Y-%m-%d %H:%M").unwrap();
    let rows: Vec<db::models::NewTimecardRow> = days
        .iter()
        .map(|d| db::models::NewTimecardRow {
            doctor_id: a01.id,
            kind: "self_study".into(),
            start_at: at(d, start),
            end_at: at(d, end),
            break_minutes: 0,
            version: 1,
            replaces_id: None,
            batch_id: None,
            source_line: None,
            correction_reason: None,
            created_by: Some("aoki".into()),
            created_at: now(),
            extras: extras.clone(),
        })
        .collect();
    db::queries::insert_timecard_rows(&mut conn, &rows).unwrap();
}

pub fn now() -> NaiveDateTime {
    date("2024-07-01").and_hms_opt(9, 0, 0).unwrap()
}

/// The shared worked example (../shared/samples), copied into tests/data.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

pub fn read_sample(name: &str) -> Vec<u8> {
    std::fs::read(sample(name)).unwrap()
}

/// The JSON the binary printed on stdout.
pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A doctor's line of a report by staff id.
pub fn doctor<'a>(r: &'a MonthlyReport, staff_id: &str) -> &'a kinmu::month::DoctorMonth {
    r.doctors
        .iter()
        .find(|d| d.staff_id == staff_id)
        .unwrap_or_else(|| panic!("{staff_id} not in report"))
}

/// The password of every test account.
pub const PASSWORD: &str = "correct-horse-battery-7";

impl TestDb {
    /// Adds an account (mail `{login}@example.org`, password [`PASSWORD`]).
    pub fn add_user(&self, login: &str, role: kinmu::accounts::Role, staff_id: Option<&str>, trained_on: Option<&str>) {
        let mut conn = self.conn();
        let account = kinmu::accounts::NewAccount {
            login: login.into(),
            role,
            name: Some(format!("{login} 先生")),
            staff_id: staff_id.map(Into::into),
            email: Some(format!("{login}@example.org")),
            department: None,
            trained_on: trained_on.map(date),
            is_administrator: false,
            password: PASSWORD.into(),
        };
        kinmu::accounts::add_user(&mut conn, &account, &Default::default(), None, now()).unwrap();
    }

    /// The application (settings + pool) over this database.
    pub fn app(&self) -> kinmu::app::App {
        let mut settings = kinmu::config::Settings::load_with(None, &|_| None).unwrap();
        settings.database_url = self.url.clone();
        // Tests sign in many times from one address; the limit itself is
        // tested with its own settings.
        settings.sign_in_attempts_per_minute = 10_000;
        kinmu::app::App::open(settings).unwrap()
    }
}

/// Asserts that `actual` holds every field of `expected` with its value:
/// objects key by key (extra fields in `actual` are allowed), arrays item
/// by item and of the same length, anything else equal. The shared
/// sample lists rule book v1's fields; the v2 fields are pinned by their
/// own examples (samples/README.md).
pub fn assert_contains(actual: &serde_json::Value, expected: &serde_json::Value, path: &str) {
    match (actual, expected) {
        (serde_json::Value::Object(a), serde_json::Value::Object(e)) => {
            for (k, v) in e {
                let got = a.get(k).unwrap_or_else(|| panic!("{path}.{k} missing"));
                assert_contains(got, v, &format!("{path}.{k}"));
            }
        }
        (serde_json::Value::Array(a), serde_json::Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: length");
            for (i, (x, y)) in a.iter().zip(e).enumerate() {
                assert_contains(x, y, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// The print pack's part keys, in the pack's order (`kinmu::report::pack::PARTS`).
pub fn part_keys() -> Vec<&'static str> {
    kinmu::report::pack::PARTS.iter().map(|(k, _)| *k).collect()
}
