//! Robustness of the imports: thousands of malformed files through the
//! library entry point the binary uses (`ingest::run`), and imports by the
//! real binary killed with SIGKILL at random moments.
//!
//! Both are deterministic given their seed (`KINMU_FUZZ_SEED`,
//! `KINMU_KILL_SEED`); a failure prints the seed, the kind and the case
//! index, and `KINMU_FUZZ_CASE=kind:index` replays one case on a fresh
//! database.

mod cases;
mod kill;

use crate::helpers::*;
use cases::{Case, Expect};
use kinmu::import::{decode, FileError};
use kinmu::ingest::{self, ImportError, ImportKind, ImportReport, ImportRequest};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Doctors last: their cases add doctors, and every other import loads
/// them all.
const KINDS: [ImportKind; 4] = [
    ImportKind::Timecard,
    ImportKind::Roster,
    ImportKind::Pclog,
    ImportKind::Doctors,
];

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

/// Whether the text before the first " / " (the Japanese half) has Japanese
/// in it, and an English half follows.
fn japanese_first(message: &str) -> bool {
    let Some((ja, en)) = message.split_once(" / ") else {
        return false;
    };
    let japanese = |c: char| matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}');
    ja.chars().any(japanese) && en.chars().any(|c| c.is_ascii_alphabetic())
}

/// The database the fuzz cases run against: the doctors and the stored base
/// files of every kind (so mutations meet corrections, duplicates and
/// overlaps with stored rows).
fn fuzz_db(backend: Backend) -> TestDb {
    let db = TestDb::new(backend);
    db.import_ok(ImportKind::Doctors, cases::setup_doctors().as_bytes());
    for kind in [ImportKind::Timecard, ImportKind::Roster, ImportKind::Pclog] {
        let r = db.import_ok(kind, cases::stored_base(kind).as_bytes());
        assert_eq!(r.inserted, 25, "{kind}");
    }
    db
}

/// Outcomes per kind and expectation class, printed at the end.
#[derive(Default)]
struct Stats {
    by_class: BTreeMap<(String, &'static str), [usize; 4]>,
    time: BTreeMap<(String, &'static str), Duration>,
    slowest: (Duration, String),
    cases: usize,
}

impl Stats {
    fn record(&mut self, kind: ImportKind, expect: &Expect, outcome: usize, elapsed: Duration, ctx: &str) {
        let class = match expect {
            Expect::Valid { .. } => "valid",
            Expect::Noop => "header only",
            Expect::FileError { .. } => "file error",
            Expect::RejectsLine(_) => "bad row",
            Expect::Fails => "must fail",
            Expect::Any => "mutated",
        };
        self.by_class.entry((kind.to_string(), class)).or_default()[outcome] += 1;
        *self.time.entry((kind.to_string(), class)).or_default() += elapsed;
        if elapsed > self.slowest.0 {
            self.slowest = (elapsed, ctx.to_string());
        }
        self.cases += 1;
    }

    fn print(&self, backend: Backend, total: Duration) {
        eprintln!(
            "fuzz on {backend:?}: {} cases in {:.1?}; slowest {:.1?} ({})",
            self.cases, total, self.slowest.0, self.slowest.1
        );
        eprintln!(
            "  {:<10} {:<12} {:>6} {:>9} {:>9} {:>6} {:>8}",
            "kind", "class", "Err", "rejected", "committed", "no-op", "time"
        );
        for ((kind, class), n) in &self.by_class {
            let time = self.time.get(&(kind.clone(), *class)).copied().unwrap_or_default();
            eprintln!(
                "  {:<10} {:<12} {:>6} {:>9} {:>9} {:>6} {:>8.1?}",
                kind, class, n[0], n[1], n[2], n[3], time
            );
        }
    }
}

/// Imports one case and checks every invariant; panics with `ctx` on the
/// first violation. `counts` is the row counts before, updated to after.
fn check_case(
    db: &TestDb,
    kind: ImportKind,
    (case, index): (&Case, usize),
    ctx: &str,
    counts: &mut Vec<(&'static str, i64)>,
) -> usize {
    let save = || {
        let path = std::env::temp_dir().join(format!("kinmu-fuzz-{kind}-{index}.csv"));
        let _ = std::fs::write(&path, &case.bytes);
        path.display().to_string()
    };
    macro_rules! fail {
        ($($what:tt)*) => {
            panic!("{ctx} [{}]: {}\n(input saved to {})", case.label, format!($($what)*), save())
        };
    }

    let before = counts.clone();
    let result = {
        let mut conn = db.conn();
        let req = ImportRequest {
            layout: None,
            period: None,
            published_at: None,
            kind,
            bytes: &case.bytes,
            file_name: "fuzz.csv",
            skip_invalid: case.skip_invalid,
            actor: Some("fuzz"),
            now: now(),
        };
        match catch_unwind(AssertUnwindSafe(|| ingest::run(&mut conn, &req))) {
            Ok(r) => r,
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                fail!("the import panicked: {msg}")
            }
        }
    };
    *counts = db.counts();
    let count = |c: &[(&'static str, i64)], table: &str| c.iter().find(|(t, _)| *t == table).map_or(0, |(_, n)| *n);
    let delta = |table: &str| count(counts, table) - count(&before, table);
    // The last physical line of the file: no line beyond it can be named.
    let last_line = decode(&case.bytes)
        .map(|d| cases::line_at(d.text.as_bytes(), d.text.len()))
        .unwrap_or(0);

    let outcome = match &result {
        Err(e) => {
            let msg = e.to_string();
            if msg.trim().is_empty() || !japanese_first(&msg) {
                fail!("the error is not Japanese first, then English: {msg:?}");
            }
            if let ImportError::File(FileError::Csv { line, .. }) = e {
                if *line == 0 || *line > last_line.max(1) {
                    fail!("a CSV error names line {line} of a {last_line}-line file");
                }
            }
            if !matches!(e, ImportError::File(_)) {
                fail!("not a file error: {e}");
            }
            if *counts != before {
                fail!("a failed import changed the database: {before:?} → {counts:?}");
            }
            0
        }
        Ok(r) => {
            if let Err(what) = check_report(r, kind, case, last_line) {
                fail!("{what}");
            }
            if r.committed {
                let Some(batch) = r.batch_id else {
                    fail!("committed without a batch id")
                };
                let rows = match kind {
                    ImportKind::Doctors => ("doctors", r.inserted),
                    ImportKind::Timecard => ("timecard_rows", r.inserted + r.corrected),
                    ImportKind::Roster => ("roster_rows", r.inserted),
                    ImportKind::Pclog => ("pc_sessions", r.inserted),
                    ImportKind::Employers => ("doctor_employers", r.inserted),
                    ImportKind::Permits => ("permits", r.inserted),
                    ImportKind::CompRest => ("comp_rest_grants", r.inserted),
                };
                let audits = 1 + if kind == ImportKind::Doctors { r.corrected } else { 0 };
                // A roster import records the dates it replaced, one range
                // per doctor it names: at least each doctor whose rows it
                // wrote or withdrew.
                let ranges = db.count_where(&format!(
                    "SELECT COUNT(*) AS n FROM roster_ranges WHERE batch_id = {batch}"
                ));
                let touched = db.count_where(&format!(
                    "SELECT COUNT(DISTINCT doctor_id) AS n FROM roster_rows WHERE batch_id = {batch} OR superseded_batch_id = {batch}"
                ));
                if ranges < touched {
                    fail!("batch {batch} recorded {ranges} roster ranges for {touched} doctors it changed");
                }
                for (table, _) in counts.iter() {
                    let expected = match *table {
                        "import_batches" => 1,
                        "audit_log" => audits as i64,
                        "roster_ranges" => ranges,
                        t if t == rows.0 => rows.1 as i64,
                        _ => 0,
                    };
                    if delta(table) != expected {
                        fail!(
                            "{table} grew by {} but the report ({} inserted, {} corrected) says {expected}",
                            delta(table),
                            r.inserted,
                            r.corrected
                        );
                    }
                }
                let stored = db.count_where(&format!(
                    "SELECT COUNT(*) AS n FROM import_batches WHERE id = {batch} AND kind = '{kind}' \
                     AND inserted = {} AND corrected = {} AND unchanged = {} AND rejected = {}",
                    r.inserted,
                    r.corrected,
                    r.unchanged,
                    r.rejected.len()
                ));
                if stored != 1 {
                    fail!("the stored batch {batch} does not match the report {r:?}");
                }
                if kind != ImportKind::Doctors {
                    let written = db.count_where(&format!(
                        "SELECT COUNT(*) AS n FROM {} WHERE batch_id = {batch}",
                        rows.0
                    ));
                    if written != rows.1 as i64 {
                        fail!("{written} rows carry batch {batch}, the report says {}", rows.1);
                    }
                }
                2
            } else {
                if r.batch_id.is_some() {
                    fail!("a batch id without a commit");
                }
                if *counts != before {
                    fail!("an import that did not commit changed the database: {before:?} → {counts:?} ({r:?})");
                }
                if r.rejected.is_empty() {
                    3
                } else {
                    1
                }
            }
        }
    };

    match (&case.expect, &result) {
        (Expect::Valid { rows, shift_jis }, Ok(r)) => {
            if !r.rejected.is_empty() || !r.committed || r.inserted != *rows {
                fail!("a valid file of {rows} rows did not import cleanly: {r:?}");
            }
            let encoding = if *shift_jis { "shift_jis" } else { "utf-8" };
            if r.encoding != encoding {
                fail!("read as {}, written as {encoding}", r.encoding);
            }
        }
        (Expect::Valid { .. }, Err(e)) => fail!("a valid file failed: {e}"),
        (Expect::Noop, Ok(r))
            if r.rejected.is_empty() && !r.committed && r.inserted + r.corrected + r.superseded == 0 => {}
        (Expect::Noop, r) => fail!("a header-only file did something: {r:?}"),
        (Expect::FileError { mentions }, Err(e)) => {
            if let Some(m) = mentions {
                if !e.to_string().contains(m.as_str()) {
                    fail!("the error does not mention {m:?}: {e}");
                }
            }
        }
        (Expect::FileError { .. }, Ok(r)) => fail!("a broken file was read: {r:?}"),
        (Expect::RejectsLine(line), Ok(r)) => {
            if !r.rejected.iter().any(|e| e.line == *line) {
                fail!("line {line} is not among the rejected rows: {:#?}", r.rejected);
            }
        }
        (Expect::RejectsLine(line), Err(e)) => fail!("a bad row (line {line}) failed the whole file: {e}"),
        (Expect::Fails, Ok(r)) if r.rejected.is_empty() => fail!("a malformed file was accepted: {r:?}"),
        (Expect::Fails | Expect::Any, _) => {}
    }
    outcome
}

/// The report's own consistency, and its row errors' messages and lines.
fn check_report(r: &ImportReport, kind: ImportKind, case: &Case, last_line: usize) -> Result<(), String> {
    if r.kind != kind {
        return Err(format!("a {kind} import reported {}", r.kind));
    }
    if !r.rejected.is_empty()
        && !case.skip_invalid
        && (r.committed || r.inserted + r.corrected + r.superseded + r.unchanged != 0)
    {
        return Err(format!(
            "rows were rejected, yet the import counts or commits rows: {r:?}"
        ));
    }
    if r.committed && r.inserted + r.corrected + r.superseded == 0 {
        return Err(format!("committed nothing: {r:?}"));
    }
    if !r.committed && r.rejected.is_empty() && r.inserted + r.corrected + r.superseded != 0 {
        return Err(format!("new rows, nothing rejected, yet not committed: {r:?}"));
    }
    for e in &r.rejected {
        if e.line == 0 || e.line > last_line {
            return Err(format!(
                "a rejected row names line {} of a {last_line}-line file: {e:?}",
                e.line
            ));
        }
        if e.reason.trim().is_empty() || !japanese_first(&e.reason) {
            return Err(format!("the reason is not Japanese first, then English: {e:?}"));
        }
        if e.column.as_deref().is_some_and(|c| c.trim().is_empty()) {
            return Err(format!("a blank column name: {e:?}"));
        }
    }
    if r.rejected.windows(2).any(|w| w[0].line > w[1].line) {
        return Err("rejected rows are not in line order".into());
    }
    Ok(())
}

/// Runs `n` cases of every kind on `backend`.
fn fuzz(backend: Backend, seed: u64, n: usize) {
    let only = std::env::var("KINMU_FUZZ_CASE").ok();
    let db = fuzz_db(backend);
    let mut counts = db.counts();
    let mut stats = Stats::default();
    let started = Instant::now();
    for kind in KINDS {
        for index in 0..n {
            if let Some(only) = &only {
                if *only != format!("{kind}:{index}") {
                    continue;
                }
            }
            let case = cases::generate(seed, kind, index);
            let ctx = format!("seed={seed:#x} {kind}:{index} on {backend:?} (KINMU_FUZZ_SEED={seed:#x} KINMU_FUZZ_CASE={kind}:{index})");
            let t = Instant::now();
            let outcome = check_case(&db, kind, (&case, index), &ctx, &mut counts);
            stats.record(kind, &case.expect, outcome, t.elapsed(), &ctx);
        }
    }
    stats.print(backend, started.elapsed());
    if only.is_none() && n >= 200 {
        // The generator is not only producing files refused at the header:
        // every class happened, and mutations were sometimes accepted.
        for kind in KINDS {
            for class in ["valid", "header only", "file error", "bad row", "mutated"] {
                let n = stats
                    .by_class
                    .get(&(kind.to_string(), class))
                    .map_or(0, |n| n.iter().sum());
                assert!(n > 0, "no {class} case of {kind} was generated");
            }
            let mutated = stats
                .by_class
                .get(&(kind.to_string(), "mutated"))
                .copied()
                .unwrap_or_default();
            assert!(mutated[1] > 0 && mutated[2] + mutated[3] > 0, "{kind}: {mutated:?}");
        }
    }
}

#[test]
fn thousands_of_malformed_files_never_panic_never_half_write_and_name_their_lines() {
    let seed = env_number("KINMU_FUZZ_SEED").unwrap_or(0x6b69_6e6d_7521);
    let n = env_number("KINMU_FUZZ_CASES").map_or(2000, |n| n as usize);
    for backend in backends() {
        // PostgreSQL: the first eighth of the same cases.
        let n = if backend == Backend::Postgres {
            (n / 8).max(1)
        } else {
            n
        };
        fuzz(backend, seed, n);
    }
}

#[test]
fn an_import_killed_at_any_moment_leaves_all_or_none_of_its_rows() {
    let seed = env_number("KINMU_KILL_SEED").unwrap_or(0x6b69_6c6c);
    let tries = env_number("KINMU_KILL_TRIES").map(|n| n as usize);
    for backend in backends() {
        let tries = tries.unwrap_or(if backend == Backend::Sqlite { 50 } else { 20 });
        kill::run(backend, tries, seed);
    }
}
