//! What people type and what they get back (issue 10, findings 3, 8 and 13):
//! every CSV export writes formula-like cells as text, an import's answer
//! stays small however many rows it refuses and refuses huge cells, and
//! dates far in the past or future or a huge sleep are refused everywhere,
//! never stored. On both backends.

use crate::helpers::*;
use actix_web::test as atest;
use kinmu::accounts::{self, NewAccount, Role};
use kinmu::ingest::ImportKind;
use serde_json::{json, Value};

const HYPERLINK: &str = r#"=HYPERLINK("http://x")"#;

/// The cells of a CSV (after a BOM, if any), header included.
fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// No cell of a CSV starts like a formula (OWASP: `=`, `+`, `-`, `@`, tab,
/// carriage return), plain negative numbers aside.
fn assert_no_formula(what: &str, bytes: &[u8]) {
    for row in cells(bytes) {
        for cell in row {
            let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
            assert!(!formula, "{what}: a cell starts a formula: {cell:?}");
        }
    }
}

fn add_account(db: &TestDb, login: &str, role: Role, name: &str, department: &str) {
    let mut conn = db.conn();
    let account = NewAccount {
        login: login.into(),
        role,
        name: Some(name.into()),
        staff_id: None,
        email: Some(format!("{login}@example.org")),
        department: Some(department.into()),
        trained_on: None,
        is_administrator: false,
        password: PASSWORD.into(),
    };
    accounts::add_user(&mut conn, &account, &Default::default(), None, now()).unwrap();
}

// ---------------------------------------------------------------------------
// Finding 3: formula injection in CSV exports.

#[test]
fn the_monthly_report_csv_writes_formula_like_names_as_text() {
    each_backend(|db| {
        let doctors = format!(
            "staff_id,name\n+D1,\"{}\"\nD2,@SUM(1)\nD3,-cmd\n",
            HYPERLINK.replace('"', "\"\"")
        );
        db.import_ok(ImportKind::Doctors, doctors.as_bytes());
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
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let rows = cells(&out.stdout);
        let names: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
        assert_eq!(
            names,
            [
                ("'+D1", r#"'=HYPERLINK("http://x")"#),
                ("D2", "'@SUM(1)"),
                ("D3", "'-cmd")
            ]
        );
        assert_no_formula("report monthly --format csv", &out.stdout);
    });
}

#[actix_web::test]
async fn the_ledger_and_the_access_log_exports_write_formula_like_names_as_text() {
    for backend in backends() {
        let db = TestDb::new(backend);
        add_account(&db, "admin", Role::Admin, "@SUM(1)", "+cmd");
        add_account(&db, "jinji", Role::Hr, HYPERLINK, "-2+3");
        let service = db.spawn().await;
        let mut admin = service.signed_in("admin").await;

        let ledger = admin.get("/admin/users/export.csv").await;
        assert_eq!(ledger.status, 200);
        let rows = cells(ledger.body.as_bytes());
        let admin_row = rows.iter().find(|r| r[3] == "admin").unwrap();
        assert_eq!((admin_row[1].as_str(), admin_row[2].as_str()), ("'+cmd", "'@SUM(1)"));
        let jinji_row = rows.iter().find(|r| r[3] == "jinji").unwrap();
        assert_eq!(
            (jinji_row[1].as_str(), jinji_row[2].as_str()),
            ("'-2+3", r#"'=HYPERLINK("http://x")"#)
        );
        assert_no_formula("/admin/users/export.csv", ledger.body.as_bytes());

        let log = admin.get("/admin/audit/export.csv").await;
        assert_eq!(log.status, 200);
        let rows = cells(log.body.as_bytes());
        assert!(
            rows.iter().any(|r| r[1] == "admin" && r[2] == "'@SUM(1)"),
            "{}",
            log.body
        );
        assert_no_formula("/admin/audit/export.csv", log.body.as_bytes());
    }
}

#[actix_web::test]
async fn the_print_pack_csv_writes_a_formula_like_doctor_name_as_text() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        // B02 (over 100 h in June) renamed as an attacker would.
        let renamed = format!(
            "staff_id,name,level,email,manager_login\nB02,\"{}\",B,b02@example.org,boss\n",
            HYPERLINK.replace('"', "\"\"")
        );
        db.import_ok(ImportKind::Doctors, renamed.as_bytes());
        let app = kinmu::app::App::open(s.clone()).unwrap();
        let (_, session) =
            accounts::sign_in(&mut db.conn(), "admin", PASSWORD, &app.settings.accounts, app.now()).unwrap();
        let service = spawn_with(app).await;
        let query = "fy=2024&from=2024-06-01&to=2024-06-30";
        for part in part_keys() {
            let (status, _, _, bytes) = service.raw(&session.token, &format!("/print/{part}.csv?{query}")).await;
            assert_eq!(status, 200, "{part}");
            assert_no_formula(part, &bytes);
        }
        let (_, _, _, bytes) = service
            .raw(&session.token, &format!("/print/over100.csv?{query}"))
            .await;
        assert!(
            cells(&bytes)
                .iter()
                .flatten()
                .any(|c| c == r#"'=HYPERLINK("http://x")"#),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

// ---------------------------------------------------------------------------
// Finding 8: output amplification.

const BAD_ROWS: usize = 50_000;

/// A timecard of `BAD_ROWS` rows, each with an unreadable date.
fn bad_timecard() -> Vec<u8> {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for i in 0..BAD_ROWS {
        s.push_str(&format!("D{i:05},2024-06-xx,08:00,17:00,60\n"));
    }
    s.into_bytes()
}

/// The answer lists the first problems and counts all of them.
fn assert_bounded(report: &Value, size: usize) {
    assert!(size < 400_000, "the answer is {size} bytes");
    assert_eq!(report["rejected"].as_array().unwrap().len(), kinmu::import::MAX_LISTED);
    assert_eq!(report["rejected"][0]["line"], 2);
    assert_eq!(report["rejected_total"], BAD_ROWS);
    assert_eq!(report["rejected_rows"], BAD_ROWS);
    assert_eq!(report["rejected_omitted"], BAD_ROWS - kinmu::import::MAX_LISTED);
    let reasons = report["rejected_reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0]["count"], BAD_ROWS);
    assert_eq!(reasons[0]["column"], "date");
    assert_eq!(reasons[0]["first_line"], 2);
    assert_eq!(report["committed"], false);
}

#[test]
fn fifty_thousand_bad_rows_give_a_bounded_answer_that_counts_them_all() {
    let file = bad_timecard();
    each_backend(|db| {
        let before = db.data_counts();
        let r = db.import(ImportKind::Timecard, &file);
        let json = serde_json::to_vec(&r).unwrap();
        assert_bounded(&serde_json::from_slice(&json).unwrap(), json.len());
        assert_eq!(db.data_counts(), before, "nothing written");

        // `kinmu import`: the same answer, exit 2.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, &file).unwrap();
        let out = db.kinmu(&["import", "timecard", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert_bounded(&stdout_json(&out), out.stdout.len());
    });
}

#[actix_web::test]
async fn fifty_thousand_bad_rows_make_a_bounded_api_answer_page_and_download() {
    let file = bad_timecard();
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;

        let token = service.token("jinji").await;
        let req = atest::TestRequest::post()
            .uri("/api/v1/imports/timecard")
            .insert_header(("Content-Type", "text/csv"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .set_payload(file.clone())
            .to_request();
        let resp = atest::call_service(&service, req).await;
        assert_eq!(resp.status().as_u16(), 422);
        let body = atest::read_body(resp).await;
        assert_bounded(&serde_json::from_slice(&body).unwrap(), body.len());

        let mut hr = service.signed_in("jinji").await;
        let csrf = hidden(&hr.get("/imports").await.body, "csrf");
        let preview = upload(&mut hr, &csrf, "timecard", "bad.csv", &file).await;
        assert_eq!(preview.status, 200);
        assert!(
            preview.body.len() < 200_000,
            "the preview is {} bytes",
            preview.body.len()
        );
        let upload = hidden(&preview.body, "token");
        let result = import(&mut hr, &preview).await;
        assert_eq!(result.status, 200);
        assert!(
            result.body.len() < 600_000,
            "the result page is {} bytes",
            result.body.len()
        );
        assert!(
            result
                .body
                .contains(&format!(r#"<b id="rejected-count">{BAD_ROWS}</b>"#)),
            "the page counts every problem"
        );
        assert!(result.body.contains(r#"id="rejected-omitted""#) && result.body.contains("49000"));
        assert!(result.body.contains(r#"id="reasons""#));

        let csv = hr.get(&format!("/imports/result/{upload}/rejected.csv")).await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.len() < 400_000, "the download is {} bytes", csv.body.len());
        let rows = cells(csv.body.as_bytes());
        assert_eq!(
            rows.len(),
            1 + kinmu::import::MAX_LISTED + 1,
            "header, the listed, and the rest counted"
        );
        assert!(
            rows.last().unwrap()[2].contains("ほか49000件は省略"),
            "{:?}",
            rows.last()
        );
    }
}

#[test]
fn a_megabyte_name_is_refused_with_a_row_error_naming_the_line_and_field() {
    let name = "山".repeat(1 << 20);
    let file = format!("staff_id,name,department\nD001,山田,内科\nD002,{name},内科\n");
    each_backend(|db| {
        let before = db.data_counts();
        let r = db.import(ImportKind::Doctors, file.as_bytes());
        assert_eq!(r.rejected.len(), 1, "{:?}", r.rejected);
        let e = &r.rejected[0];
        assert_eq!((e.line, e.column.as_deref()), (3, Some("name")));
        assert_eq!(
            e.reason,
            "氏名(name)が長すぎます（200文字まで、この値は1048576文字） / name is too long (at most 200 characters, this one has 1048576)"
        );
        assert!(serde_json::to_vec(&r).unwrap().len() < 2_000);
        assert_eq!(db.data_counts(), before, "all or nothing: nothing written");
    });
}

// ---------------------------------------------------------------------------
// Finding 13: dates far off, huge numbers.

#[actix_web::test]
async fn an_interview_held_on_0001_01_01_or_9999_12_31_is_refused_by_the_api_and_the_screen() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        let token = service.token("kato").await;
        for held_on in ["0001-01-01", "9999-12-31", "1999-12-31"] {
            let req = atest::TestRequest::post()
                .uri(&format!("/api/v1/interviews/{a01}/record"))
                .set_json(json!({
                    "held_on": held_on, "check_work": "当直が多い", "check_sleep": "6時間",
                    "check_fatigue": "II", "check_mental_physical": "なし", "opinion": "意見",
                }));
            let (status, body) = service.call(req, Some(&token)).await;
            assert!(matches!(status, 400 | 422), "{held_on}: {status} {body}");
            assert!(body.to_string().contains("held_on"), "{held_on}: {body}");
        }

        let mut kato = service.signed_in("kato").await;
        let csrf = kato.csrf("kato").await;
        for held_on in ["0001-01-01", "9999-12-31"] {
            let page = kato
                .post(&format!("/interviews/{a01}/record"), &held(&csrf, "意見", held_on))
                .await;
            assert!(matches!(page.status, 400 | 422), "{held_on}: {}", page.status);
        }
        let (i, _, _, _) = kinmu::monitor::records::interview(&mut db.conn(), a01).unwrap();
        assert_eq!(i.held_on, None, "nothing stored");
    }
}

#[actix_web::test]
async fn a_huge_sleep_is_refused_by_the_screens_and_the_api_never_stored_as_44_minutes() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        let huge = "307445734561825861:00";

        let mut aoki = service.signed_in("aoki").await;
        let csrf = aoki.csrf("aoki").await;
        let page = aoki
            .post(
                "/me/selfcheck",
                &[
                    ("csrf", csrf.as_str()),
                    ("symptom", "I"),
                    ("score", "0"),
                    ("sleep", huge),
                    ("wants_interview", "no"),
                ],
            )
            .await;
        assert_eq!(page.status, 400, "{}", &page.body[..page.body.len().min(300)]);
        assert!(page.body.contains("0:00〜24:00"));

        let mut boss = service.signed_in("boss").await;
        let csrf = boss.csrf("boss").await;
        let mut form = calm(&csrf);
        form.retain(|(k, _)| *k != "sleep");
        form.push(("sleep", huge));
        let page = boss.post(&format!("/interviews/{a01}/precheck"), &form).await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("0:00〜24:00"));

        let token = service.token("boss").await;
        let req = atest::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/precheck"))
            .set_json(json!({
                "work_status": "外来", "sleep_average_minutes": 307_445_734_561_825_861_i64,
                "fatigue_symptom": "II", "fatigue_score": 2, "mental_physical": "なし",
                "doctor_requests_interview": false,
            }));
        let (status, body) = service.call(req, Some(&token)).await;
        assert!(matches!(status, 400 | 422), "{status} {body}");

        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM self_checks"), 0);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM prechecks"), 0);
    }
}

#[actix_web::test]
async fn dates_far_off_are_refused_in_imports_leaving_dates_queries_and_commands() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.add_user("admin", Role::Admin, None, None);

        // An import file.
        let file = "staff_id,date,clock_in,clock_out\nA01,0001-01-01,08:00,17:00\nA01,9999/12/31,08:00,17:00\n";
        let r = db.import(ImportKind::Timecard, file.as_bytes());
        let refused: Vec<(usize, Option<&str>)> = r.rejected.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(refused, [(2, Some("date")), (3, Some("date"))]);
        assert!(r.rejected[0]
            .reason
            .contains("date out of range (2000-01-01 to 2099-12-31)"));

        // A leaving date, on the screen and through the library.
        let service = db.spawn().await;
        let mut admin = service.signed_in("admin").await;
        let csrf = hidden(&admin.get("/admin/users").await.body, "csrf");
        for leaves_on in ["0001-01-01", "9999-12-31"] {
            let page = admin
                .post(
                    "/admin/users/jinji/leave",
                    &[("csrf", csrf.as_str()), ("leaves_on", leaves_on)],
                )
                .await;
            assert_eq!(page.status, 400, "{leaves_on}");
            assert!(
                page.body.contains("退職日は"),
                "{}",
                &page.body[..page.body.len().min(300)]
            );
        }
        let err =
            accounts::set_leaving_date(&mut db.conn(), "jinji", Some(date("9999-12-31")), None, now()).unwrap_err();
        assert!(
            err.to_string()
                .contains("leaves_on must be a date from 2000-01-01 to 2034-07-01"),
            "{err}"
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM users WHERE leaves_on IS NOT NULL"),
            0
        );

        // Query parameters of the screens and the API.
        assert_eq!(admin.get("/?as_of=0001-01-01").await.status, 400);
        assert_eq!(admin.get("/?month=9999-12").await.status, 400);
        assert_eq!(admin.get("/admin/audit?from=0001-01-01").await.status, 400);
        let token = service.token("jinji").await;
        for q in ["as_of=9999-12-31", "month=0001-01"] {
            let req = atest::TestRequest::get().uri(&format!("/api/v1/reports/monthly?{q}"));
            let (status, body) = service.call(req, Some(&token)).await;
            assert_eq!(status, 400, "{q}: {body}");
        }

        // Command options.
        for args in [
            ["report", "monthly", "--month", "0001-01"],
            ["report", "monthly", "--as-of", "9999-12-31"],
            ["purge", "--dry-run", "--as-of", "0001-01-01"],
        ] {
            let mut args = args.to_vec();
            if args[0] == "report" && !args.contains(&"--month") {
                args.extend(["--month", "2024-06"]);
            }
            let out = db.kinmu(&args);
            assert_ne!(out.status.code(), Some(0), "{args:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("2000-01") && stderr.contains("2099-12"),
                "{args:?}: {stderr}"
            );
        }
    }
}

#[test]
fn a_header_of_millions_of_columns_or_a_padded_duplicate_gives_a_short_file_error() {
    let mut wide = String::from("staff_id,date,clock_in,clock_out");
    wide.push_str(&",a".repeat(2_000_000));
    wide.push_str("\nD001,2024-06-03,08:30,17:30\n");
    let padded = format!(
        "staff_id,date,clock_in,clock_out,{}staff_id\nD001,2024-06-03,08:30,17:30,D001\n",
        " ".repeat(1 << 20)
    );
    each_backend(|db| {
        let before = db.data_counts();
        for (file, says) in [(wide.as_bytes(), "列が多すぎます"), (padded.as_bytes(), "同じ項目の列")] {
            let e = kinmu::ingest::run(
                &mut db.conn(),
                &kinmu::ingest::ImportRequest {
                    layout: None,
                    period: None,
                    published_at: None,
                    kind: ImportKind::Timecard,
                    bytes: file,
                    file_name: "wide.csv",
                    skip_invalid: false,
                    actor: None,
                    now: now(),
                },
            )
            .unwrap_err()
            .to_string();
            assert!(e.contains(says), "{e:.300}");
            assert!(e.len() < 1_000, "a short message: {} bytes", e.len());
        }
        assert_eq!(db.data_counts(), before);
    });
}
