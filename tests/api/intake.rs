//! The intake folder (issue 12 §5): files dropped into `intake_dir` are
//! imported by `kinmu serve` by themselves, moved to done/ or failed/, and
//! HR is mailed about a refused one — end to end through the real binary,
//! a real SMTP server and both backends; and the job's edges (a file still
//! being written, hostile names, a file too large, no rule) through the
//! library.

use crate::helpers::*;
use kinmu::accounts::Role;
use kinmu::jobs::{Job, Outcome, Trigger};
use kinmu::monitor::intake::{IntakeSummary, Verdict};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DOCTORS: &str = "staff_id,name,level,email\nI01,井上 一郎,A,i01@example.org\nI02,今井 二郎,B,i02@example.org\n";
const TIMECARD: &str = "staff_id,date,clock_in,clock_out,break_minutes\n\
I01,2024-06-03,08:00,20:00,60\n\
I01,2024-06-04,08:00,19:00,60\n\
I02,2024-06-03,09:00,18:00,60\n";
/// Rows of doctors nobody imported: refused as a whole.
const UNKNOWN_DOCTORS: &str = "staff_id,date,clock_in,clock_out,break_minutes\n\
Z98,2024-06-03,08:00,20:00,60\n\
Z99,2024-06-03,08:00,20:00,60\n\
Z99,2024-06-04,08:00,20:00,60\n";

/// Puts `body` into `dir` as `name` in one step (written beside, then
/// renamed), as an exporter writing to a temporary name would.
fn drop_file(dir: &Path, name: &str, body: &[u8]) {
    let staging = dir.join(".staging");
    std::fs::create_dir_all(&staging).unwrap();
    let tmp = staging.join("x");
    std::fs::write(&tmp, body).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

/// The files (not the results) of a subfolder of the intake folder, by name.
fn files_in(dir: &Path, sub: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".result.json"))
        .collect();
    names.sort();
    names
}

/// The result kept next to a file put away.
fn result_of(dir: &Path, sub: &str, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(sub).join(format!("{name}.result.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `kinmu serve` over `db`, watching `intake` every 2 seconds (files
/// settle for 1 second), mailing through `smtp`.
fn serve(db: &TestDb, intake: &Path, smtp: &SmtpSink, log: &Path) -> std::process::Child {
    Command::new(kinmu_bin())
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
        ])
        .env_remove("DATABASE_URL")
        .env("KINMU_AUDIT_KEY_FILE", &db.key_file)
        .env("KINMU_INTAKE_DIR", intake)
        .env("KINMU_INTAKE_CRON", "*/2 * * * * *")
        .env("KINMU_INTAKE_SETTLE_SECONDS", "1")
        .env("KINMU_SMTP_URL", smtp.url())
        .env("KINMU_HOSPITAL_NAME", "取込テスト病院")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

#[test]
fn kinmu_serve_imports_dropped_files_within_a_minute_and_mails_hr_about_a_refused_one() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let sink = SmtpSink::start();
        let work = tempfile::tempdir().unwrap();
        let intake = work.path().join("intake");
        std::fs::create_dir(&intake).unwrap();
        let log = work.path().join("serve.log");
        let mut child = serve(db, &intake, &sink, &log);

        drop_file(&intake, "doctors_2024-06.csv", DOCTORS.as_bytes());
        drop_file(&intake, "timecard_2024-06.csv", TIMECARD.as_bytes());
        drop_file(&intake, "timecard_zz_unknown.csv", UNKNOWN_DOCTORS.as_bytes());
        let dropped = Instant::now();
        let settled = || {
            files_in(&intake, "done").len() == 2
                && files_in(&intake, "failed").len() == 1
                && !sink.messages().is_empty()
        };
        while !settled() && dropped.elapsed() < Duration::from_secs(60) {
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "kinmu serve ended: {status}: {}",
                    std::fs::read_to_string(&log).unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        let took = dropped.elapsed();
        // A moment for a second mail, if one were (wrongly) coming.
        std::thread::sleep(Duration::from_secs(3));
        child.kill().unwrap();
        child.wait().unwrap();
        let log = std::fs::read_to_string(&log).unwrap();
        assert!(
            settled(),
            "{:?}: not done within a minute: done {:?}, failed {:?}, {} mail(s); log:\n{log}",
            db.backend,
            files_in(&intake, "done"),
            files_in(&intake, "failed"),
            sink.messages().len()
        );
        assert!(took < Duration::from_secs(60), "{took:?}");

        // The good files are in done/, the rows stored, by "intake".
        let done = files_in(&intake, "done");
        assert!(done[0].ends_with("_doctors_2024-06.csv"), "{done:?}");
        assert!(done[1].ends_with("_timecard_2024-06.csv"), "{done:?}");
        assert_eq!(result_of(&intake, "done", &done[1])["verdict"], "imported");
        assert_eq!(result_of(&intake, "done", &done[1])["report"]["inserted"], 3);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM doctors"), 2);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows t JOIN doctors d ON d.id = t.doctor_id WHERE d.staff_id IN ('I01', 'I02')"
            ),
            3
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM import_batches WHERE imported_by = 'intake'"),
            2
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE actor = 'intake' AND category = 'import'"),
            2
        );

        // The refused one is in failed/ with its answer; nothing of it stored.
        let failed = files_in(&intake, "failed");
        assert!(failed[0].ends_with("_timecard_zz_unknown.csv"), "{failed:?}");
        let result = result_of(&intake, "failed", &failed[0]);
        assert_eq!(result["verdict"], "failed");
        assert_eq!(result["report"]["rejected_rows"], 3);
        assert_eq!(result["report"]["committed"], false);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), 3);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM import_batches"), 2);

        // The intake folder is empty again, nothing left in processing/.
        assert!(files_in(&intake, ".")
            .iter()
            .all(|n| n == ".staging" || n == "done" || n == "failed" || n == "processing"));
        assert!(files_in(&intake, "processing").is_empty());

        // One mail, to HR, naming the file and the grouped reason.
        let messages = sink.messages();
        assert_eq!(messages.len(), 1, "{messages:#?}");
        let mail = &messages[0];
        assert_eq!(mail.to, ["jinji@example.org"]);
        let subject = mail.subject_decoded();
        assert!(subject.contains("timecard_zz_unknown.csv"), "{subject}");
        let text = mail.text().unwrap();
        for part in [
            "timecard_zz_unknown.csv",
            "医師が登録されていません",
            "3件",
            "2行目",
            "取込テスト病院",
            &failed[0],
        ] {
            assert!(text.contains(part), "{part:?} not in:\n{text}");
        }
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM outbox WHERE reason = 'intake_rejected'"),
            1
        );
    });
}

/// The application over `db` watching `intake` with `settle` seconds, no
/// mail relay (mails stay queued in the outbox).
fn app_with_intake(db: &TestDb, intake: &Path, settle: u64) -> kinmu::app::App {
    let mut app = db.app();
    app.settings.intake.dir = Some(intake.to_path_buf());
    app.settings.intake.settle = Duration::from_secs(settle);
    app.settings.smtp_url = None;
    app
}

fn run_intake(app: &kinmu::app::App) -> IntakeSummary {
    match Job::Intake.run(app, None, Trigger::Schedule).unwrap() {
        Outcome::Intake(s) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_still_being_written_waits_and_is_taken_once_it_has_rested() {
    let db = TestDb::new(Backend::Sqlite);
    let work = tempfile::tempdir().unwrap();
    let intake = work.path().to_path_buf();
    std::fs::write(intake.join("doctors.csv"), DOCTORS).unwrap();
    let summary = run_intake(&app_with_intake(&db, &intake, 60));
    assert_eq!((summary.waiting, summary.files.len()), (1, 0));
    assert!(intake.join("doctors.csv").exists());
    assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM doctors"), 0);
    let summary = run_intake(&app_with_intake(&db, &intake, 0));
    assert_eq!((summary.waiting, summary.imported), (0, 1));
    assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM doctors"), 2);
    // The same file again: nothing new, still done/, no second batch.
    std::fs::write(intake.join("doctors.csv"), DOCTORS).unwrap();
    let summary = run_intake(&app_with_intake(&db, &intake, 0));
    assert_eq!(summary.files[0].verdict, Verdict::Unchanged);
    assert_eq!(files_in(&intake, "done").len(), 2);
    assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM import_batches"), 1);
}

#[test]
fn hostile_names_huge_files_and_files_no_rule_names_fail_with_one_clear_mail_each() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let work = tempfile::tempdir().unwrap();
        let intake: PathBuf = work.path().to_path_buf();
        let hostile = format!(
            "timecard<img src=x onerror=alert(1)>\nBcc: x@evil{}.csv",
            "長".repeat(60)
        );
        std::fs::write(intake.join(&hostile), UNKNOWN_DOCTORS).unwrap();
        let huge = std::fs::File::create(intake.join("timecard_huge.csv")).unwrap();
        huge.set_len(kinmu::ingest::MAX_UPLOAD_BYTES as u64 + 1).unwrap();
        std::fs::write(intake.join("payroll_2024-06.csv"), TIMECARD).unwrap();
        std::fs::write(intake.join("timecard.csv.part"), TIMECARD).unwrap();
        let app = app_with_intake(db, &intake, 0);
        let summary = run_intake(&app);
        assert_eq!(
            (summary.failed, summary.imported, summary.mails_queued),
            (3, 0, 3),
            "{summary:#?}"
        );
        // The unfinished download is left alone.
        assert!(intake.join("timecard.csv.part").exists());
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM import_batches"), 0);

        let failed = files_in(&intake, "failed");
        assert_eq!(failed.len(), 3, "{failed:?}");
        assert!(failed.iter().all(|n| !n.contains('\n') && n.len() < 200), "{failed:?}");
        let problem = |suffix: &str| {
            let name = failed.iter().find(|n| n.ends_with(suffix)).unwrap();
            result_of(&intake, "failed", name)["problem"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert!(problem("timecard_huge.csv").contains("大きすぎます"));
        assert!(problem("payroll_2024-06.csv").contains("取込ルール"));

        #[derive(diesel::QueryableByName)]
        struct Queued {
            #[diesel(sql_type = diesel::sql_types::Text)]
            subject: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            body_text: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            body_html: String,
        }
        let mut conn = db.conn();
        let conn: &mut kinmu::db::AnyConnection = &mut conn;
        let queued: Vec<Queued> = diesel::RunQueryDsl::load(
            diesel::sql_query("SELECT subject, body_text, body_html FROM outbox WHERE reason = 'intake_rejected'"),
            conn,
        )
        .unwrap();
        assert_eq!(queued.len(), 3);
        for m in &queued {
            assert!(
                !m.subject.contains('\n') && m.subject.chars().count() < 100,
                "{}",
                m.subject
            );
            assert!(!m.body_html.contains("<img"), "{}", m.body_html);
            assert!(!m.body_text.contains("\nBcc:"), "{}", m.body_text);
        }
        assert!(queued.iter().any(|m| m.body_text.contains("大きすぎます")));
        assert!(queued.iter().any(|m| m.body_text.contains("医師が登録されていません")));

        // A second run finds nothing new and mails nobody again.
        let again = run_intake(&app);
        assert!(again.files.is_empty());
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM outbox"), 3);
    });
}

#[test]
fn kinmu_jobs_intake_prints_what_it_took_and_refuses_to_run_without_a_folder() {
    let db = TestDb::new(Backend::Sqlite);
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("doctors_06.csv"), DOCTORS).unwrap();
    let run = |dir: Option<&Path>| {
        let mut cmd = Command::new(kinmu_bin());
        cmd.args(["--database-url", &db.url, "jobs", "intake"])
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env("KINMU_AUDIT_KEY_FILE", &db.key_file)
            .env("KINMU_INTAKE_SETTLE_SECONDS", "0");
        if let Some(dir) = dir {
            cmd.env("KINMU_INTAKE_DIR", dir);
        }
        cmd.output().unwrap()
    };
    let out = run(Some(work.path()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = stdout_json(&out);
    assert_eq!(summary["imported"], 1);
    assert_eq!(summary["files"][0]["file"], "doctors_06.csv");
    assert_eq!(summary["files"][0]["kind"], "doctors");
    assert!(summary["files"][0]["stored_as"].as_str().unwrap().starts_with("done/"));
    let out = run(None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("intake_dir"));
}
