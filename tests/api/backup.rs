//! Backup and restore (checklist 3-(2)): a backup restores into a fresh
//! database of the same backend with every table equal row by row, also when
//! it was taken while another thread kept importing.

use crate::helpers::*;
use diesel::prelude::*;
use kinmu::backup::{self, BackupError};
use kinmu::db::{self, AnyConnection, DatabaseUrl};
use kinmu::ingest::ImportKind;
use std::collections::BTreeMap;
use std::fmt::Write;

const TABLES: &[&str] = &[
    "doctors",
    "import_batches",
    "timecard_rows",
    "roster_rows",
    "pc_sessions",
    "discrepancy_resolutions",
    "audit_log",
    "legal_holds",
    "write_lock",
    "users",
    "sessions",
    "interviews",
    "prechecks",
    "measures",
    "outbox",
    "job_runs",
    "self_checks",
    "demo_marker",
    "saved_layouts",
    "recheck_marks",
    "interview_schedules",
    "doctor_employers",
    "roster_ranges",
    "monthly_checks",
    "pc_review_resolutions",
    "permits",
];

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// Every table's rows, each rendered as text, ordered by id.
fn dump(conn: &mut AnyConnection) -> BTreeMap<&'static str, Vec<String>> {
    let mut out = BTreeMap::new();
    for table in TABLES {
        let columns_sql = match conn {
            AnyConnection::Sqlite(_) => format!("SELECT name AS t FROM pragma_table_info('{table}') ORDER BY cid"),
            AnyConnection::Postgresql(_) => format!(
                "SELECT CAST(column_name AS TEXT) AS t FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        let columns: Vec<String> = diesel::sql_query(columns_sql)
            .load::<Text>(conn)
            .unwrap()
            .into_iter()
            .map(|c| c.t)
            .collect();
        assert!(!columns.is_empty(), "{table} has no columns");
        let row = columns
            .iter()
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '<null>')"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        // In the order of the rows' text: not every table has an id.
        let rows = diesel::sql_query(format!("SELECT {row} AS t FROM {table} ORDER BY t"))
            .load::<Text>(conn)
            .unwrap()
            .into_iter()
            .map(|r| r.t)
            .collect();
        out.insert(*table, rows);
    }
    out
}

fn doctors_csv(n: usize) -> String {
    let mut s = String::from("staff_id,name,legal_holiday\n");
    for i in 0..n {
        writeln!(s, "D{i:03},Doctor {i},sun").unwrap();
    }
    s
}

/// One month of timecards for `n` doctors.
fn month_csv(n: usize, year: i32, month: u32) -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes,kind\n");
    for i in 0..n {
        for day in 1..=28 {
            writeln!(s, "D{i:03},{year}-{month:02}-{day:02},08:00,19:00,60,work").unwrap();
        }
    }
    s
}

fn fill(db: &TestDb) {
    db.import_ok(ImportKind::Doctors, doctors_csv(20).as_bytes());
    db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
    db.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
    db.import_ok(ImportKind::Timecard, month_csv(20, 2024, 5).as_bytes());
    // Rule book v2's inputs: other employers, and a roster with its range.
    db.import_ok(
        ImportKind::Employers,
        "staff_id,employer,contract_date,dispatched\nD001,B病院,2023-04-01,yes\n".as_bytes(),
    );
    db.import_ok(
        ImportKind::Roster,
        "staff_id,date,clock_in,clock_out\nD001,2024-06-03,08:30,17:15\nD002,2024-06-04,08:30,17:15\n".as_bytes(),
    );
    let mut conn = db.conn();
    kinmu::records::place_hold(&mut conn, "D001", "訴訟", Some("admin"), now()).unwrap();
    // A PC review resolution (rules §9), a working-time record.
    let d001 = kinmu::db::queries::doctor_by_staff_id(&mut conn, "D001")
        .unwrap()
        .unwrap();
    kinmu::db::pc_reviews::insert_review_resolution(
        &mut conn,
        &kinmu::db::pc_reviews::NewReviewResolution {
            doctor_id: d001.id,
            day: date("2024-05-07"),
            kind: "pc_during_self_study".into(),
            resolution: "self_study_confirmed".into(),
            reason: "文献検索".into(),
            resolved_by: Some("boss".into()),
            resolved_at: now(),
        },
    )
    .unwrap();
    // A saved layout, and the re-check's marks with the cases it opened.
    let own = String::from_utf8(read_sample("layouts/hospital-own.toml")).unwrap();
    kinmu::layouts::save(&mut conn, &own, Some("jinji"), now()).unwrap();
    let s = settings(db, None);
    let mailer = kinmu::monitor::mailer::Mailer::from_url(None, &s.mail_from).unwrap();
    kinmu::monitor::recheck::run(&mut conn, &s, &mailer, date("2024-06-20"), now()).unwrap();
    // A 予定日時 of one of the interviews it opened.
    drop(conn);
    let first = db.count_where("SELECT MIN(id) AS n FROM interviews");
    let at = now() + chrono::Duration::days(1);
    kinmu::monitor::worklist::schedule(&mut db.conn(), &s, first, at, "jinji", now()).unwrap();
}

/// Restores `file` into a fresh database of `db`'s backend; returns its dump.
fn restore_fresh(db: &TestDb, file: &std::path::Path) -> BTreeMap<&'static str, Vec<String>> {
    match db.backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = DatabaseUrl::Sqlite(dir.path().join("restored.db"));
            backup::restore(&url, file).unwrap();
            let pool = db::open(&url, 1).unwrap();
            let mut conn = pool.get().unwrap();
            dump(&mut conn)
        }
        Backend::Postgres => {
            let fresh = TestDb::new(Backend::Postgres);
            backup::restore(&DatabaseUrl::parse(&fresh.url).unwrap(), file).unwrap();
            let mut conn = fresh.conn();
            dump(&mut conn)
        }
    }
}

fn take_backup(db: &TestDb, file: &std::path::Path) -> Result<(), BackupError> {
    let mut conn = db.conn();
    backup::backup(&DatabaseUrl::parse(&db.url).unwrap(), &mut conn, file)
}

#[test]
fn a_backup_restores_into_a_fresh_database_with_every_table_equal() {
    each_backend(|db| {
        fill(db);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kinmu's backup.bak");
        take_backup(db, &file).unwrap();
        assert!(
            matches!(take_backup(db, &file), Err(BackupError::Exists(_))),
            "never overwrites a backup"
        );
        let original = dump(&mut db.conn());
        assert!(original["timecard_rows"].len() > 500);
        assert_eq!(original["saved_layouts"].len(), 1);
        // Import batches, discrepancy and PC review resolutions.
        assert_eq!(original["recheck_marks"].len(), 3);
        assert_eq!(original["pc_review_resolutions"].len(), 1);
        assert_eq!(original["interview_schedules"].len(), 1);
        assert_eq!(restore_fresh(db, &file), original);
    });
}

#[test]
fn a_backup_taken_during_imports_restores_cleanly_with_whole_batches() {
    each_backend(|db| {
        fill(db);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("during.bak");
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let writer = s.spawn(|| {
                let mut months = 0;
                for year in 2019..2024 {
                    for month in 1..=12 {
                        db.import_ok(ImportKind::Timecard, month_csv(20, year, month).as_bytes());
                        months += 1;
                        if done.load(std::sync::atomic::Ordering::SeqCst) && months >= 3 {
                            return months;
                        }
                    }
                }
                months
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            take_backup(db, &file).unwrap();
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            writer.join().unwrap();
        });
        let restored = restore_fresh(db, &file);
        let source = dump(&mut db.conn());
        // Imports only add rows: the restored tables are a consistent prefix.
        for table in TABLES.iter().filter(|t| **t != "write_lock") {
            let all: std::collections::HashSet<&String> = source[table].iter().collect();
            for row in &restored[table] {
                assert!(all.contains(row), "{table}: restored row not in the source: {row}");
            }
        }
        // Every import batch is whole: its rows equal its inserted count.
        let batches = restored["import_batches"].len();
        // fill() made six: two doctors lists, two timecards, the
        // employers and the roster.
        assert!(batches >= 6);
        let rows = restored["timecard_rows"].len();
        assert_eq!(rows, 11 + 20 * 28 * (batches - 6 + 1), "whole monthly batches only");
    });
}

#[test]
fn a_sqlite_restore_refuses_bad_files_and_a_database_in_use() {
    let db = TestDb::new(Backend::Sqlite);
    fill(&db);
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.bak");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let url = DatabaseUrl::parse(&db.url).unwrap();
    assert!(matches!(backup::restore(&url, &junk), Err(BackupError::NotABackup(..))));
    assert!(matches!(
        backup::restore(&url, &dir.path().join("missing.bak")),
        Err(BackupError::Missing(_))
    ));
    let file = dir.path().join("ok.bak");
    take_backup(&db, &file).unwrap();
    let _open = db.conn();
    let err = backup::restore(&url, &file).unwrap_err();
    assert!(matches!(err, BackupError::InUse(_)), "{err}");
    assert!(err.to_string().contains("stop the kinmu service"));
}

/// The mode bits of a file (unix).
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn the_database_its_wal_backups_and_restores_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/kinmu.db");
    let url = DatabaseUrl::Sqlite(path.clone());
    let pool = db::open(&url, 2).unwrap();
    let db_in = |p: &str| dir.path().join("data").join(p);
    {
        let mut conn = pool.get().unwrap();
        kinmu::audit::log(
            &mut conn,
            None,
            kinmu::audit::Category::System,
            "x",
            serde_json::json!({}),
            now(),
        )
        .unwrap();
        // The WAL and its index exist while a connection is open.
        assert!(db_in("kinmu.db-wal").exists());
        for file in ["kinmu.db", "kinmu.db-wal", "kinmu.db-shm"] {
            assert_eq!(mode(&db_in(file)), 0o600, "{file}");
        }
        assert_eq!(mode(&dir.path().join("data")), 0o700, "the directory kinmu made");
        let backup_file = dir.path().join("kinmu.bak");
        backup::backup(&url, &mut conn, &backup_file).unwrap();
        assert_eq!(mode(&backup_file), 0o600, "backup");
        // A restore from a copy others could read is private again.
        let shared = dir.path().join("shared.bak");
        std::fs::copy(&backup_file, &shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
        let target = dir.path().join("restored.db");
        backup::restore(&DatabaseUrl::Sqlite(target.clone()), &shared).unwrap();
        assert_eq!(mode(&target), 0o600, "restored database");
    }
    drop(pool);
    // A database an older kinmu made world-readable is tightened on open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let pool = db::open(&url, 1).unwrap();
    assert_eq!(mode(&path), 0o600);
    drop(pool);
}
