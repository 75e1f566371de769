//! The access log of what people look at (checklist 2-(6)): every read of
//! personal data, export, print and change made through the screens or the
//! API is logged with user, time, category and operation; a read whose
//! entry cannot be written is not answered; the administrator reads and
//! exports the log and checks its chain. And records still in retention
//! cannot be deleted (rules §10).

use crate::helpers::*;
use actix_web::test as atest;
use diesel::prelude::*;
use kinmu::accounts::Role;
use kinmu::db::AnyConnection;

/// (actor, category, operation, detail) of every entry after `from`.
fn entries_after(db: &TestDb, from: i64) -> Vec<(Option<String>, String, String, String)> {
    use kinmu::db::schema::audit_log;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    audit_log::table
        .filter(audit_log::id.gt(from))
        .order(audit_log::id.asc())
        .select((
            audit_log::actor,
            audit_log::category,
            audit_log::operation,
            audit_log::detail,
        ))
        .load(conn)
        .unwrap()
}

fn last_id(db: &TestDb) -> i64 {
    use kinmu::db::schema::audit_log;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    audit_log::table
        .select(diesel::dsl::max(audit_log::id))
        .first::<Option<i64>>(conn)
        .unwrap()
        .unwrap_or(0)
}

#[test]
fn every_read_export_print_and_change_is_logged_with_who_what_and_when() {
    each_backend(|db| {
        hospital(db);
        db.add_user("admin", Role::Admin, None, None);
        actix_web::rt::System::new().block_on(async {
            let service = db.spawn().await;
            let mut hr = service.signed_in("jinji").await;
            let mut admin = service.signed_in("admin").await;
            let mut anonymous = service.browser();

            let mark = last_id(db);
            assert_eq!(hr.get("/doctors/A01?month=2024-06").await.status, 200);
            assert_eq!(hr.get("/?month=2024-06").await.status, 200);
            assert_eq!(admin.get("/print/pack?fy=2024").await.status, 200);
            assert_eq!(admin.get("/print/pack.xlsx?fy=2024").await.status, 200);
            assert_eq!(hr.get("/print").await.status, 200);
            let mut physician = service.signed_in("kato").await;
            // An interview physician prints the pack of their interviews.
            assert_eq!(physician.get("/print").await.status, 200);
            let mut doctor = service.signed_in("aoki").await;
            assert_eq!(doctor.get("/print").await.status, 403);
            // Nobody signed in: nothing personal is shown, nothing to log.
            assert_eq!(anonymous.get("/doctors/A01").await.status, 303);
            assert_eq!(anonymous.get("/static/style.css").await.status, 200);

            // The API, with a bearer token.
            let token = service.token("jinji").await;
            let get = |uri: &str| {
                atest::TestRequest::get()
                    .uri(uri)
                    .insert_header(("Authorization", format!("Bearer {token}")))
                    .to_request()
            };
            let month = atest::call_service(&service, get("/api/v1/doctors/A01/months/2024-06")).await;
            assert_eq!(month.status(), 200);
            let report = atest::call_service(&service, get("/api/v1/reports/monthly?month=2024-06&format=csv")).await;
            assert_eq!(report.status(), 200);

            let log = entries_after(db, mark);
            let find = |actor: &str, category: &str, operation: &str| {
                log.iter()
                    .find(|(a, c, o, _)| a.as_deref() == Some(actor) && c == category && o == operation)
                    .unwrap_or_else(|| panic!("{:?}: no {actor} {category} {operation} in {log:#?}", db.backend))
            };
            let read = find("jinji", "read", "GET /doctors/{staff_id}");
            let detail: serde_json::Value = serde_json::from_str(&read.3).unwrap();
            assert_eq!(detail["path"], "/doctors/A01");
            assert_eq!(detail["query"], "month=2024-06");
            assert_eq!(detail["status"], 200);
            find("jinji", "read", "GET /");
            find("admin", "print", "GET /print/pack");
            find("admin", "export", "GET /print/pack.xlsx");
            find("jinji", "print", "GET /print");
            find("kato", "print", "GET /print");
            let refused = find("aoki", "print", "GET /print");
            assert!(refused.3.contains("403"));
            find("jinji", "read", "GET /api/v1/doctors/{staff_id}/months/{month}");
            find("jinji", "export", "GET /api/v1/reports/monthly");
            find("jinji", "session", "sign_in");
            assert!(
                log.iter().all(|(a, _, _, _)| a.is_some()),
                "anonymous requests are not logged: {log:#?}"
            );
            assert!(!log.iter().any(|(_, _, _, d)| d.contains("/static/")));
            assert_eq!(
                log.iter()
                    .filter(|(a, c, _, _)| a.as_deref() == Some("jinji") && c == "session")
                    .count(),
                1
            );

            // A change through a screen: the request, and the change's own entry.
            let mark = last_id(db);
            let page = hr.get("/discrepancies?month=2024-06").await;
            assert_eq!(page.status, 200);
            let csrf = hidden(&page.body, "csrf");
            hr.post("/logout", &[("csrf", &csrf)]).await;
            let log = entries_after(db, mark);
            assert!(log
                .iter()
                .any(|(a, c, o, _)| a.as_deref() == Some("jinji") && c == "session" && o == "sign_out"));
            assert!(
                !log.iter().any(|(_, c, _, _)| c == "change"),
                "sign-out is logged once, as a session entry: {log:#?}"
            );
        });
        assert!(kinmu::audit::verify(&mut db.conn()).unwrap().ok);
    });
}

#[actix_web::test]
async fn a_read_whose_log_entry_cannot_be_written_is_not_answered() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let service = db.spawn().await;
    let mut hr = service.signed_in("jinji").await;
    assert_eq!(hr.get("/doctors/A01?month=2024-06").await.status, 200);
    {
        // The log becomes unwritable (a full disk, a broken table…).
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        diesel::sql_query("ALTER TABLE audit_log RENAME TO audit_log_gone")
            .execute(conn)
            .unwrap();
    }
    let page = hr.get("/doctors/A01?month=2024-06").await;
    assert_eq!(page.status, 500);
    assert!(page.body.contains("アクセスログを記録できない"), "{}", page.body);
    assert!(
        !page.body.contains("A01"),
        "no personal data without a log entry: {}",
        page.body
    );
}

#[actix_web::test]
async fn the_administrator_reads_filters_exports_and_checks_the_log() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    db.add_user("admin", Role::Admin, None, None);
    let service = db.spawn().await;
    let mut hr = service.signed_in("jinji").await;
    hr.get("/doctors/A01?month=2024-06").await;
    let mut admin = service.signed_in("admin").await;

    let page = admin.get("/admin/audit?actor=jinji&category=read").await;
    assert_eq!(page.status, 200);
    // The operation and its detail in words; the stored code kept as the title.
    assert!(page.body.contains("医師の個人ページの閲覧"), "{}", page.body);
    assert!(page.body.contains("title=\"GET /doctors/{staff_id}\""), "{}", page.body);
    assert!(page.body.contains("画面: /doctors/A01"), "{}", page.body);
    assert!(page.body.contains("結果: 200（完了）"), "{}", page.body);
    assert!(
        page.body.contains("jinji 先生"),
        "the name beside the login: {}",
        page.body
    );
    assert!(page.body.contains("閲覧"));
    assert!(
        !page.body.contains("ログイン・ログアウト</td>"),
        "filtered to reads: {}",
        page.body
    );

    let checked = admin.get("/admin/audit?verify=1").await;
    assert!(
        checked.body.contains("改ざんは見つかりませんでした"),
        "{}",
        checked.body
    );

    let csv = admin.get("/admin/audit/export.csv?actor=jinji").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .starts_with("\u{feff}No,ユーザーID,氏名,時刻,カテゴリ,操作情報,詳細,前のハッシュ,ハッシュ"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("jinji,jinji 先生,"));
    assert!(!csv.body.lines().skip(1).any(|l| l.split(',').nth(1) == Some("admin")));
    assert_eq!(admin.get("/admin/audit?from=2024-13-01").await.status, 400);

    // The same through the API.
    let token = service.token("admin").await;
    let req = atest::TestRequest::get()
        .uri("/api/v1/audit?actor=jinji&category=read&limit=5")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    let body: serde_json::Value = atest::call_and_read_body_json(&service, req).await;
    let entries = body["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["actor"] == "jinji" && e["category"] == "read"));
    assert_eq!(entries[0]["detail"]["path"], "/doctors/A01");
    let req = atest::TestRequest::get()
        .uri("/api/v1/users")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    let body: serde_json::Value = atest::call_and_read_body_json(&service, req).await;
    assert!(body["users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["login"] == "jinji" && u["state"] == "active"));
}

#[test]
fn records_still_in_retention_cannot_be_deleted_and_the_refusal_is_logged() {
    each_backend(|db| {
        hospital(db);
        let rows = |db: &TestDb| {
            db.data_counts()
                .into_iter()
                .find(|(t, _)| *t == "timecard_rows")
                .unwrap()
                .1
        };
        let before = rows(db);
        assert!(before > 0);
        // June 2024's working-time records (paid 2024-07-25) are kept
        // through 2029-07-25 (rules §10, the defaults).
        let early = db.kinmu(&[
            "records",
            "delete",
            "--staff-id",
            "A01",
            "--through",
            "2024-06",
            "--as-of",
            "2029-07-25",
        ]);
        assert_eq!(
            early.status.code(),
            Some(1),
            "{:?}: {}",
            db.backend,
            String::from_utf8_lossy(&early.stderr)
        );
        let message = String::from_utf8_lossy(&early.stderr);
        assert!(message.contains("2029-07-25 まで保存が必要"), "{message}");
        assert_eq!(rows(db), before);

        let mut conn = db.conn();
        kinmu::records::place_hold(&mut conn, "A01", "労働審判", None, now()).unwrap();
        drop(conn);
        let held = db.kinmu(&[
            "records",
            "delete",
            "--staff-id",
            "A01",
            "--through",
            "2024-06",
            "--as-of",
            "2029-07-26",
        ]);
        assert_eq!(held.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&held.stderr).contains("訴訟ホールド"));
        let mut conn = db.conn();
        kinmu::records::release_hold(&mut conn, "A01", None, now()).unwrap();
        drop(conn);

        let done = db.kinmu(&[
            "records",
            "delete",
            "--staff-id",
            "A01",
            "--through",
            "2024-06",
            "--as-of",
            "2029-07-26",
        ]);
        assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
        let report = stdout_json(&done);
        assert!(report["timecard_rows"].as_u64().unwrap() > 0);
        assert_eq!(rows(db), before - report["timecard_rows"].as_i64().unwrap());
        let log = entries_after(db, 0);
        let refusals = log
            .iter()
            .filter(|(_, c, o, _)| c == "purge" && o == "delete_refused")
            .count();
        assert_eq!(refusals, 2, "{log:#?}");
        assert!(log
            .iter()
            .any(|(a, c, o, _)| c == "purge" && o == "delete" && a.as_deref().is_some_and(|a| a.starts_with("cli:"))));
    });
}

#[actix_web::test]
async fn the_api_refuses_an_early_delete_with_the_date_to_keep_until() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    db.add_user("admin", Role::Admin, None, None);
    let service = db.spawn().await;
    let admin = service.token("admin").await;
    let hr = service.token("jinji").await;
    let delete = |t: &str, uri: &str| {
        atest::TestRequest::delete()
            .uri(uri)
            .insert_header(("Authorization", format!("Bearer {t}")))
            .to_request()
    };
    let before = db.data_counts();
    let resp = atest::call_service(
        &service,
        delete(&hr, "/api/v1/doctors/A01/work-records?through=2024-06"),
    )
    .await;
    assert_eq!(resp.status(), 403);
    // Today (the real clock) is before 2029-07-26: June 2024 must be kept.
    let resp = atest::call_service(
        &service,
        delete(&admin, "/api/v1/doctors/A01/work-records?through=2024-06"),
    )
    .await;
    let today = chrono::Local::now().date_naive();
    if today <= date("2029-07-25") {
        assert_eq!(resp.status(), 409);
        let body: serde_json::Value = atest::read_body_json(resp).await;
        assert_eq!(body["error"], "still_retained");
        assert!(
            body["message"].as_str().unwrap().contains("2029-07-25 まで保存が必要"),
            "{body}"
        );
        assert_eq!(db.data_counts(), before);
    }
    let resp = atest::call_service(
        &service,
        delete(&admin, "/api/v1/doctors/NOPE/work-records?through=2020-01"),
    )
    .await;
    assert_eq!(resp.status(), 404);
    let resp = atest::call_service(
        &service,
        delete(&admin, "/api/v1/doctors/A01/work-records?through=June"),
    )
    .await;
    assert_eq!(resp.status(), 400);
}

#[test]
fn downloads_from_print_screens_are_exports_and_a_refused_change_is_a_read() {
    each_backend(|db| {
        hospital(db);
        db.add_user("admin", Role::Admin, None, None);
        actix_web::rt::System::new().block_on(async {
            let service = db.spawn().await;
            let mut admin = service.signed_in("admin").await;
            let mut hr = service.signed_in("jinji").await;
            let page = hr.get("/discrepancies?month=2024-06").await;
            assert_eq!(page.status, 200);
            let csrf = hidden(&page.body, "csrf");

            let mark = last_id(db);
            let query = "fy=2024&from=2024-06-01&to=2024-06-30";
            assert_eq!(admin.get(&format!("/print/over100.csv?{query}")).await.status, 200);
            assert_eq!(admin.get(&format!("/print/pack?{query}")).await.status, 200);
            // A decision without a choice: refused, the queue shown again.
            let refused = hr
                .post(
                    "/discrepancies/resolve",
                    &[
                        ("csrf", &csrf),
                        ("staff_id", "A01"),
                        ("day", "2024-06-03"),
                        ("reason", ""),
                        ("month", "2024-06"),
                    ],
                )
                .await;
            assert_eq!(refused.status, 400);
            let log = entries_after(db, mark);
            let category = |actor: &str, operation: &str| -> String {
                log.iter()
                    .find(|(a, _, o, _)| a.as_deref() == Some(actor) && o == operation)
                    .unwrap_or_else(|| panic!("{:?}: no {actor} {operation} in {log:#?}", db.backend))
                    .1
                    .clone()
            };
            assert_eq!(category("admin", "GET /print/{part}.csv"), "export");
            assert_eq!(category("admin", "GET /print/pack"), "print");
            assert_eq!(category("jinji", "POST /discrepancies/resolve"), "read");
            assert!(
                !log.iter().any(|(_, c, _, _)| c == "change"),
                "nothing was changed: {log:#?}"
            );
        });
    });
}

#[test]
fn huge_or_negative_paging_on_the_audit_screen_and_api_is_clamped() {
    each_backend(|db| {
        db.add_user("admin", Role::Admin, None, None);
        actix_web::rt::System::new().block_on(async {
            let service = db.spawn().await;
            let mut admin = service.signed_in("admin").await;
            for page in ["9223372036854775807", "-9223372036854775808", "1000001", "-1"] {
                let shown = admin.get(&format!("/admin/audit?page={page}")).await;
                assert_eq!(shown.status, 200, "{:?}: page={page}", db.backend);
            }
            // The first page still lists entries.
            let first = admin.get("/admin/audit?page=0").await;
            assert!(first.body.contains("sign_in"), "{:?}", db.backend);
            let token = service.token("admin").await;
            for query in [
                "offset=9223372036854775807",
                "offset=-9223372036854775808",
                "limit=9223372036854775807&offset=9223372036854775807",
                "limit=-9223372036854775808",
            ] {
                let req = atest::TestRequest::get()
                    .uri(&format!("/api/v1/audit?{query}"))
                    .insert_header(("Authorization", format!("Bearer {token}")))
                    .to_request();
                let resp = atest::call_service(&service, req).await;
                assert_eq!(resp.status(), 200, "{:?}: {query}", db.backend);
            }
        });
        // The library clamps too, whoever calls it.
        let all = kinmu::audit::entries(&mut db.conn(), &Default::default(), i64::MAX, i64::MIN).unwrap();
        assert!(!all.is_empty());
        let none = kinmu::audit::entries(&mut db.conn(), &Default::default(), 10, i64::MAX).unwrap();
        assert!(none.is_empty());
    });
}

/// Runs the binary as the operating-system user `user`.
fn kinmu_as(db: &TestDb, user: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(kinmu_bin())
        .arg("--database-url")
        .arg(&db.url)
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("DATABASE_URL")
        .env("KINMU_AUDIT_KEY_FILE", &db.key_file)
        .env("USER", user)
        .output()
        .unwrap()
}

#[test]
fn commands_that_print_personal_data_are_logged_as_the_os_user() {
    each_backend(|db| {
        hospital(db);
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("kinmu.bak");
        let backup = backup.to_str().unwrap();
        let runs: [(&[&str], &str, &str); 5] = [
            (
                &["report", "monthly", "--month", "2024-06", "--as-of", "2024-06-14"],
                "read",
                "report monthly",
            ),
            (
                &[
                    "report",
                    "monthly",
                    "--month",
                    "2024-06",
                    "--as-of",
                    "2024-06-14",
                    "--format",
                    "csv",
                ],
                "export",
                "report monthly",
            ),
            (&["interviews", "list", "--month", "2024-06"], "read", "interviews list"),
            (&["jobs", "monthly", "--month", "2024-06"], "read", "jobs monthly"),
            (&["backup", backup], "export", "backup"),
        ];
        for (args, category, operation) in runs {
            if args[0] == "backup" && db.backend == Backend::Postgres && which_pg_dump().is_none() {
                continue;
            }
            let mark = last_id(db);
            let out = kinmu_as(db, "tanaka", args);
            assert!(
                out.status.success(),
                "{:?} {args:?}: {}",
                db.backend,
                String::from_utf8_lossy(&out.stderr)
            );
            let log = entries_after(db, mark);
            assert!(
                log.iter()
                    .any(|(a, c, o, _)| a.as_deref() == Some("cli:tanaka") && c == category && o == operation),
                "{:?} {args:?}: no cli:tanaka {category} {operation} in {log:#?}",
                db.backend
            );
        }
        assert!(kinmu::audit::verify(&mut db.conn()).unwrap().ok);
    });
}

fn which_pg_dump() -> Option<()> {
    std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(drop)
}
