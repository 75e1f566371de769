//! The real `kinmu` binary: the worked example end to end, exit codes and
//! the one-line error of formats.md.

use crate::helpers::*;

#[test]
fn the_worked_example_imported_by_the_binary_matches_its_expected_report() {
    each_backend(|db| {
        for (kind, file) in [("doctors", "worked-doctors.csv"), ("timecard", "worked-timecard.csv")] {
            let out = db.kinmu(&["import", kind, sample(file).to_str().unwrap()]);
            assert!(
                out.status.success(),
                "import {kind} on {:?}: {}",
                db.backend,
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(stdout_json(&out)["rejected"], serde_json::json!([]));
        }
        let out = db.kinmu(&[
            "report",
            "monthly",
            "--month",
            "2024-06",
            "--as-of",
            "2024-06-30",
            "--format",
            "json",
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let expected: serde_json::Value = serde_json::from_slice(&read_sample("worked-expected-2024-06.json")).unwrap();
        assert_contains(&stdout_json(&out), &expected, &format!("{:?}", db.backend));
    });
}

#[test]
fn the_csv_report_has_the_json_field_names_and_the_same_figures() {
    each_backend(|db| {
        db.import_ok(kinmu::ingest::ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(kinmu::ingest::ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        let out = db.kinmu(&[
            "report",
            "monthly",
            "--month",
            "2024-06",
            "--as-of",
            "2024-06-30",
            "--format",
            "csv",
        ]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header[0], "staff_id");
        assert_eq!(header.len(), kinmu::month::CSV_COLUMNS.len());
        assert!(header.contains(&"reach_100_at") && header.contains(&"a_level_exception"));
        let x1: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| x1[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(col("staff_id"), "X1");
        assert_eq!(col("overtime_holiday_minutes"), "1230");
        // The v2 figures and the flattened objects (formats.md C.6).
        assert_eq!(col("own_total_work_minutes"), "2370");
        assert_eq!(col("self_study_counted_minutes"), "180");
        assert_eq!(col("year_first_day"), "2024-04-01");
        assert_eq!(col("variable_period_valid"), "");
        assert_eq!(col("reach_100_date"), "");
        assert_eq!(col("over_100"), "false");
    });
}

#[test]
fn an_import_with_rejected_rows_exits_2_and_lists_them_as_json() {
    let db = TestDb::new(Backend::Sqlite);
    db.import_ok(kinmu::ingest::ImportKind::Doctors, &read_sample("worked-doctors.csv"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "staff_id,date,clock_in,clock_out\nX1,2024-06-03,08:30,17:30\nX9,2024-06-04,08:30,17:30\n",
    )
    .unwrap();
    let out = db.kinmu(&["import", "timecard", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let json = stdout_json(&out);
    assert_eq!(json["kind"], "timecard");
    assert_eq!(json["inserted"], 0);
    assert_eq!(json["rejected"][0]["line"], 3);
    assert!(json["rejected"][0]["reason"].as_str().unwrap().contains("X9"));
}

#[test]
fn a_file_that_cannot_be_read_exits_1_with_one_line_on_stderr() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nocols.csv");
    std::fs::write(&file, "staff_id,date\nX1,2024-06-03\n").unwrap();
    let out = db.kinmu(&["import", "timecard", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("出勤(clock_in)") && stderr.contains("missing required columns"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    let missing = db.kinmu(&["import", "timecard", "/nonexistent/file.csv"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn serve_answers_health_the_sign_in_page_and_guards_the_api_over_http() {
    use std::io::{Read, Write};
    let db = TestDb::new(Backend::Sqlite);
    db.import_ok(kinmu::ingest::ImportKind::Doctors, &read_sample("worked-doctors.csv"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(kinmu_bin())
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let get = |path: &str| -> Option<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        Some(body)
    };
    let mut health = None;
    for _ in 0..100 {
        health = get("/healthz");
        if health.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let api = get("/api/v1/reports/monthly?month=2024-06&as_of=2024-06-30");
    let login = get("/login");
    child.kill().unwrap();
    child.wait().unwrap();
    let health = health.expect("the server never answered");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""database":"sqlite""#), "{health}");
    // The API wants a sign-in; the sign-in page is there for people.
    let api = api.unwrap();
    assert!(api.starts_with("HTTP/1.1 401"), "{api}");
    let login = login.unwrap();
    assert!(
        login.starts_with("HTTP/1.1 200") && login.contains("ログイン"),
        "{login}"
    );
}

/// A short command exits with its own code, every time: the pool must not
/// leave a thread inside libpq when the process ends (it once kept one idle
/// connection, opened in the background after each checkout, and a third of
/// quick failing commands on PostgreSQL died of a segfault at exit).
#[test]
fn a_short_command_exits_with_its_code_every_time() {
    each_backend(|db| {
        for i in 0..20 {
            let out = db.kinmu(&["records", "delete", "--staff-id", "NOPE", "--through", "2020-01"]);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{:?}, run {i}: {}",
                db.backend,
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE"));
        }
    });
}

#[test]
fn the_payroll_export_carries_this_hospitals_premium_splits() {
    // rules §17 on the worked example: X1's own figures; late night is the
    // Saturday night 22:00–05:00 (420), the Sunday night (120 holiday + 300)
    // and Monday 22:00–23:00 (60).
    each_backend(|db| {
        db.import_ok(kinmu::ingest::ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(kinmu::ingest::ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        let out = db.kinmu(&["report", "payroll", "--month", "2024-06", "--as-of", "2024-06-30"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert_eq!(
            lines.next().unwrap(),
            "staff_id,month,own_total_work_minutes,own_overtime_minutes,overtime_over_60h_minutes,holiday_minutes,late_night_minutes,name"
        );
        assert_eq!(lines.next().unwrap(), "X1,2024-06,2370,510,0,720,900,テスト");
        // X2's side job is not ours: 480 own minutes, its holiday 480.
        assert_eq!(lines.next().unwrap(), "X2,2024-06,480,0,0,480,0,土曜休");
        let out = db.kinmu(&["report", "payroll", "--month", "2024-06", "--format", "xlsx"]);
        assert!(out.status.success());
        assert_eq!(&out.stdout[..2], b"PK");
    });
}

#[test]
fn st_1_the_staffing_report_of_the_reference_week() {
    // rules §18 [ex ST-1] through the binary: D = 2,325; two full-time
    // doctors count 1 each whatever they worked, a part-timer's 480 minutes
    // of work and a visiting doctor's 960-minute 当直 count 0.2 each.
    each_backend(|db| {
        db.import_ok(
            kinmu::ingest::ImportKind::Doctors,
            "staff_id,name,employment_type,main_employer\nF1,常勤 一,full_time,\nF2,常勤 二,常勤,\nP1,非常勤 一,part_time,\nV1,外勤 一,visiting,○○大学病院\nP9,非常勤 休,非常勤,\n".as_bytes(),
        );
        db.import_ok(
            kinmu::ingest::ImportKind::Timecard,
            "staff_id,date,clock_in,clock_out,break_minutes,kind\nF1,2024-07-22,08:00,16:00,0,work\nP1,2024-07-23,09:00,17:00,0,work\nV1,2024-07-24,17:00,09:00,0,duty\n".as_bytes(),
        );
        let out = db.kinmu_env(
            &["report", "staffing", "--from", "2024-07-22"],
            &[("KINMU_STAFFING_WEEKLY_MINUTES", "2325")],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v = stdout_json(&out);
        assert_eq!(v["denominator_minutes"], 2325);
        assert_eq!(
            (v["total_fte_tenths"].as_i64(), v["total_fte"].as_str()),
            (Some(24), Some("2.4"))
        );
        let fte: Vec<(String, i64)> = v["doctors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["staff_id"].as_str().unwrap().to_string(),
                    d["fte_hundredths"].as_i64().unwrap(),
                )
            })
            .collect();
        let want: Vec<(String, i64)> = [("F1", 100), ("F2", 100), ("P1", 20), ("V1", 20)]
            .iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect();
        assert_eq!(fte, want, "P9 did not work the week and is not listed");
        let out = db.kinmu(&["report", "staffing", "--from", "2024-07-22", "--format", "csv"]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.lines().last().unwrap().starts_with("TOTAL,"), "{text}");
    });
}

#[test]
fn e9_an_agreement_month_from_the_16th_through_the_binary() {
    // rules §6.1 [ex E9]: with month_start_day = 16, 2024-06 is 06-16 … 07-15;
    // 21 days of 14 h (300 overtime each) hold 6,300 and reach 100 h at
    // 2024-07-12 22:00, while neither calendar month does.
    each_backend(|db| {
        db.import_ok(
            kinmu::ingest::ImportKind::Doctors,
            "staff_id,name\nE9,十六日 始まり\n".as_bytes(),
        );
        let mut csv = String::from("staff_id,date,clock_in,clock_out,break_minutes,kind\n");
        for day in [
            "2024-06-17",
            "2024-06-18",
            "2024-06-19",
            "2024-06-20",
            "2024-06-21",
            "2024-06-24",
            "2024-06-25",
            "2024-06-26",
            "2024-06-27",
            "2024-06-28",
            "2024-07-01",
            "2024-07-02",
            "2024-07-03",
            "2024-07-04",
            "2024-07-05",
            "2024-07-08",
            "2024-07-09",
            "2024-07-10",
            "2024-07-11",
            "2024-07-12",
            "2024-07-15",
        ] {
            csv.push_str(&format!("E9,{day},08:00,22:00,60,work\n"));
        }
        db.import_ok(kinmu::ingest::ImportKind::Timecard, csv.as_bytes());
        let env = [("KINMU_MONTH_START_DAY", "16"), ("KINMU_YEAR_START", "04-16")];
        let out = db.kinmu_env(
            &["report", "monthly", "--month", "2024-06", "--as-of", "2024-07-15"],
            &env,
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v = stdout_json(&out);
        assert_eq!(
            (v["month_first_day"].as_str(), v["month_last_day"].as_str()),
            (Some("2024-06-16"), Some("2024-07-15"))
        );
        let e9 = &v["doctors"][0];
        assert_eq!(e9["overtime_holiday_minutes"], 6300);
        assert_eq!(e9["reach_100_at"], "2024-07-12T22:00");
        assert_eq!(e9["reach_100_date"], "2024-07-12");
        assert_eq!(e9["interview_deadline"], "2024-07-11");
        assert_eq!(e9["year"]["first_day"], "2024-04-16");
        // The calendar months (the default) hold 3,000 and 3,300.
        for (month, minutes) in [("2024-06", 3000), ("2024-07", 3300)] {
            let out = db.kinmu(&["report", "monthly", "--month", month, "--as-of", "2024-07-31"]);
            assert_eq!(
                stdout_json(&out)["doctors"][0]["overtime_holiday_minutes"],
                minutes,
                "{month}"
            );
        }
    });
}

#[test]
fn an_import_with_no_recheck_leaves_the_months_to_the_next_recheck() {
    let db = TestDb::new(Backend::Sqlite);
    let marked = |db: &TestDb| {
        db.count_where("SELECT COUNT(*) AS n FROM recheck_marks WHERE source = 'import_batches' AND last_id > 0")
    };
    let import = |db: &TestDb, args: &[&str]| {
        let out = db.kinmu(args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let doctors = sample("worked-doctors.csv");
    let timecard = sample("worked-timecard.csv");
    import(&db, &["import", "--no-recheck", "doctors", doctors.to_str().unwrap()]);
    import(&db, &["import", "timecard", "--no-recheck", timecard.to_str().unwrap()]);
    assert_eq!(marked(&db), 0, "nothing re-checked yet");
    import(&db, &["jobs", "recheck"]);
    assert_eq!(marked(&db), 1, "the re-check read both batches");

    // Without the switch, the import re-checks at once.
    let db = TestDb::new(Backend::Sqlite);
    import(&db, &["import", "doctors", doctors.to_str().unwrap()]);
    assert_eq!(marked(&db), 1);
}
