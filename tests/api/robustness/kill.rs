//! `kinmu import` (the real binary) killed with SIGKILL at random moments:
//! the database must open cleanly afterwards and hold every file tried so
//! far either completely or not at all, with its batch and audit entry.

use super::cases::Rng;
use crate::helpers::*;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use kinmu::db::{self, AnyConnection, DatabaseUrl};
use kinmu::ingest::ImportKind;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Doctors imported first; a try uses the first `doctors` of them.
const DOCTORS: usize = 1000;
/// What one uncut import should take, roughly.
const TARGET: Duration = Duration::from_millis(1000);

/// One file imported (or tried): all its rows are in one month of its own.
struct Try {
    file_name: String,
    path: PathBuf,
    month: (i32, u32),
    rows: usize,
    /// How the run ended, for the summary.
    killed: bool,
    delay: Option<Duration>,
    /// The full run's duration as estimated when this try ran.
    estimate: Duration,
}

fn doctors_file() -> String {
    let mut s = String::from("staff_id,name\n");
    for i in 1..=DOCTORS {
        writeln!(s, "K{i:04},医師{i}").unwrap();
    }
    s
}

/// Try `index`'s month: 2031-01 for 0, then one month each.
fn month_of(index: usize) -> (i32, u32) {
    (2031 + (index / 12) as i32, (index % 12) as u32 + 1)
}

/// A timecard of `doctors` doctors × 28 days of `month`.
fn write_try(dir: &Path, index: usize, doctors: usize) -> Try {
    let month = month_of(index);
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes,kind\n");
    for d in 1..=doctors {
        for day in 1..=28 {
            let (cin, cout) = if (d + day) % 7 == 0 {
                ("17:00", "32:00")
            } else {
                ("08:30", "17:30")
            };
            writeln!(s, "K{d:04},{}-{:02}-{day:02},{cin},{cout},60,work", month.0, month.1).unwrap();
        }
    }
    let file_name = format!("try-{index:03}.csv");
    let path = dir.join(&file_name);
    std::fs::write(&path, s).unwrap();
    Try {
        file_name,
        path,
        month,
        rows: doctors * 28,
        killed: false,
        delay: None,
        estimate: Duration::ZERO,
    }
}

fn spawn(db: &TestDb, path: &Path) -> std::process::Child {
    Command::new(kinmu_bin())
        .arg("--database-url")
        .arg(&db.url)
        .env("KINMU_AUDIT_KEY_FILE", &db.key_file)
        .args(["import", "timecard"])
        .arg(path)
        .env_remove("RUST_LOG")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs an import to its end, returning how long it took.
fn run_uncut(db: &TestDb, path: &Path) -> Duration {
    let started = Instant::now();
    let out = spawn(db, path).wait_with_output().unwrap();
    let took = started.elapsed();
    let head = |b: &[u8]| String::from_utf8_lossy(b).chars().take(2000).collect::<String>();
    assert!(
        out.status.success(),
        "{}: {}\n{}",
        path.display(),
        head(&out.stdout),
        head(&out.stderr)
    );
    took
}

#[derive(QueryableByName)]
struct Batch {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    file_name: String,
    #[diesel(sql_type = Integer)]
    inserted: i32,
}

#[derive(QueryableByName)]
struct Group {
    #[diesel(sql_type = Nullable<BigInt>)]
    batch_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Timestamp)]
    first: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    last: NaiveDateTime,
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Opens the database afresh with the library and checks it; returns, per
/// try, whether its rows are there (all of them; none is the alternative).
fn verify(url: &str, tries: &[Try], ctx: &str) -> Vec<bool> {
    let url = DatabaseUrl::parse(url).unwrap();
    let pool = db::open(&url, 1).unwrap_or_else(|e| panic!("{ctx}: the database does not open: {e}"));
    let mut pooled = pool.get().unwrap();
    let conn: &mut AnyConnection = &mut pooled;
    if !url.is_postgres() {
        let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(conn).unwrap();
        let check: Vec<&str> = check.iter().map(|c| c.integrity_check.as_str()).collect();
        assert_eq!(check, vec!["ok"], "{ctx}: integrity_check");
        let fk: N = diesel::sql_query("SELECT COUNT(*) AS n FROM pragma_foreign_key_check")
            .get_result(conn)
            .unwrap();
        assert_eq!(fk.n, 0, "{ctx}: foreign_key_check");
    }
    let batches: Vec<Batch> =
        diesel::sql_query("SELECT id, file_name, inserted FROM import_batches WHERE kind = 'timecard' ORDER BY id")
            .load(conn)
            .unwrap();
    let groups: Vec<Group> = diesel::sql_query(
        "SELECT batch_id, COUNT(*) AS n, MIN(start_at) AS first, MAX(start_at) AS last \
         FROM timecard_rows GROUP BY batch_id",
    )
    .load(conn)
    .unwrap();
    let audits: N =
        diesel::sql_query("SELECT COUNT(*) AS n FROM audit_log WHERE category = 'import' AND operation = 'timecard'")
            .get_result(conn)
            .unwrap();
    let chain = kinmu::audit::verify(conn).unwrap();
    assert!(chain.ok, "{ctx}: the audit chain is broken: {chain:?}");

    // Every row belongs to a recorded batch, every batch has its rows.
    for g in &groups {
        let batch = g.batch_id.and_then(|id| batches.iter().find(|b| b.id == id));
        let Some(batch) = batch else {
            panic!(
                "{ctx}: {} timecard rows without a recorded batch ({:?})",
                g.n, g.batch_id
            )
        };
        assert_eq!(
            g.n, batch.inserted as i64,
            "{ctx}: batch {} ({}) recorded {} rows but has {}",
            batch.id, batch.file_name, batch.inserted, g.n
        );
    }
    assert_eq!(groups.len(), batches.len(), "{ctx}: a recorded batch without rows");
    assert_eq!(
        audits.n,
        batches.len() as i64,
        "{ctx}: import audit entries and batches disagree"
    );
    tries
        .iter()
        .map(|t| {
            let mine: Vec<&Batch> = batches.iter().filter(|b| b.file_name == t.file_name).collect();
            assert!(mine.len() <= 1, "{ctx}: {} imported twice", t.file_name);
            let Some(batch) = mine.first() else {
                return false;
            };
            let g = groups.iter().find(|g| g.batch_id == Some(batch.id)).unwrap();
            assert_eq!(g.n as usize, t.rows, "{ctx}: {} is partly there", t.file_name);
            let first_day = chrono::NaiveDate::from_ymd_opt(t.month.0, t.month.1, 1).unwrap();
            assert!(
                g.first >= first_day.and_hms_opt(0, 0, 0).unwrap()
                    && g.last < first_day.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::days(28),
                "{ctx}: {} rows outside its month: {} .. {}",
                t.file_name,
                g.first,
                g.last
            );
            true
        })
        .collect()
}

fn describe(status: &ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit {code}"),
        None => "killed".into(),
    }
}

/// `tries` imports of fresh files, each killed after a random delay (but
/// every tenth, from the first, runs to its end to measure a full run).
pub fn run(backend: Backend, tries: usize, seed: u64) {
    let started = Instant::now();
    let db = TestDb::new(backend);
    let dir = tempfile::tempdir().unwrap();
    db.import_ok(ImportKind::Doctors, doctors_file().as_bytes());
    let url = db.url.clone();

    // Calibrate: the start-up cost (a header-only file) and one full run.
    let header_only = dir.path().join("header-only.csv");
    std::fs::write(&header_only, "staff_id,date,clock_in,clock_out\n").unwrap();
    let startup = run_uncut(&db, &header_only);
    let mut files = vec![write_try(dir.path(), 0, 100)];
    let first = run_uncut(&db, &files[0].path);
    let per_row = first.saturating_sub(startup).as_secs_f64() / files[0].rows as f64;
    let doctors = if per_row > 0.0 {
        let rows = TARGET.saturating_sub(startup).as_secs_f64().max(0.3) / per_row;
        ((rows / 28.0) as usize).clamp(50, DOCTORS)
    } else {
        DOCTORS
    };
    let mut full = startup + Duration::from_secs_f64(per_row * (doctors * 28) as f64);
    eprintln!(
        "kill test on {backend:?}: start-up {startup:.2?}, 2800 rows {first:.2?}; tries of {} rows (~{full:.2?})",
        doctors * 28
    );
    let parse = {
        let t = write_try(dir.path(), 9999, doctors);
        let bytes = std::fs::read(&t.path).unwrap();
        let p = Instant::now();
        kinmu::import::parse_shifts(&bytes).unwrap();
        p.elapsed()
    };
    assert_eq!(verify(&url, &files, "after calibration"), vec![true]);

    let mut before = vec![true];
    let mut rng = Rng::new(seed ^ backend as u64);
    for index in 1..=tries {
        let mut t = write_try(dir.path(), index, doctors);
        let ctx = format!("{backend:?} try {index} (KINMU_KILL_SEED={seed:#x})");
        // Try 1 measures a full run at this size; later ones follow drift.
        let uncut = index % 10 == 1;
        let mut child = spawn(&db, &t.path);
        let launched = Instant::now();
        if uncut {
            let status = child.wait().unwrap();
            assert!(status.success(), "{ctx}: {status}");
            // Imports slow down a little as the tables grow: recalibrate.
            full = launched.elapsed();
        } else {
            let delay = full.mul_f64(rng.below(1201) as f64 / 1000.0);
            std::thread::sleep(delay);
            let _ = child.kill();
            t.delay = Some(delay);
        }
        t.estimate = full;
        let out = child.wait_with_output().unwrap();
        t.killed = out.status.code().is_none();
        files.push(t);
        let present = verify(&url, &files, &ctx);
        let t = files.last().unwrap();
        if !t.killed {
            // It finished before the kill: it must have said so and written all.
            assert!(
                out.status.success() && present[index],
                "{ctx}: {} but rows present: {}\n{}{}",
                describe(&out.status),
                present[index],
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(json["inserted"], t.rows, "{ctx}");
        }
        // Earlier tries never change (every file has its own month).
        assert_eq!(present[..before.len()], before[..], "{ctx}: an earlier file changed");
        before = present;
    }

    // Whatever was killed, the database still takes imports: the first file
    // left out goes in now, completely.
    let present = verify(&url, &files, "before re-import");
    let missing = files.iter().zip(&present).position(|(_, p)| !p);
    if let Some(i) = missing {
        run_uncut(&db, &files[i].path);
        let after = verify(&url, &files, "after re-import");
        assert!(after[i], "re-importing {} after the kills", files[i].file_name);
    }

    // Where the kills landed, and what they left.
    let mut table: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for (t, p) in files.iter().zip(&present).skip(1) {
        let when = match t.delay {
            None => "not killed",
            Some(d) if d < startup => "during start-up",
            Some(d) if d < startup + parse => "while parsing",
            Some(d) if d < t.estimate => "while writing",
            Some(_) => "after the end",
        };
        let what = match (t.killed, p) {
            (false, _) => "finished: all rows",
            (true, true) => "killed: all rows",
            (true, false) => "killed: no rows",
        };
        *table.entry((when, what)).or_default() += 1;
    }
    eprintln!(
        "kill test on {backend:?}: {tries} tries in {:.1?} (full run ~{full:.2?}, start-up {startup:.2?}, parse ~{parse:.2?})",
        started.elapsed()
    );
    for ((when, what), n) in &table {
        eprintln!("  {when:<16} {what:<20} {n}");
    }
    // The kills were spread over the whole run: some left the file out, some
    // came after parsing (while writing), some came too late to stop it.
    let killed_none = files.iter().zip(&present).filter(|(t, p)| t.killed && !**p).count();
    let killed_late = files
        .iter()
        .filter(|t| t.killed && t.delay.is_some_and(|d| d > startup + parse))
        .count();
    let too_late = files
        .iter()
        .zip(&present)
        .filter(|(t, p)| t.delay.is_some() && **p)
        .count();
    if tries >= 10 {
        assert!(killed_none > 0, "no kill left a file out: the kills came too late");
        assert!(
            killed_late > 0,
            "no kill landed after parsing, while the import was writing"
        );
    }
    if tries >= 30 {
        assert!(too_late > 0, "every kill stopped its import: the kills came too early");
    }
}
