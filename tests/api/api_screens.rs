//! The JSON API of the screens (src/web/api.rs): uploads, the discrepancy
//! queue, a doctor's month, the dashboard and the print pack, with the
//! screens' role rules, on both backends.

use crate::helpers::*;
use actix_web::test;
use kinmu::ingest::ImportKind;
use serde_json::json;

/// A Shift_JIS timecard export with Japanese headers (of tests/api/imports.rs).
const JAPANESE_TIMECARD: &str = "職員番号,勤務日,出勤時刻,退勤時刻,休憩時間（分）,勤務区分,備考\r\n\
X1,2024/5/27,08:00,20:00,60,日勤,\r\n\
X1,2024/6/1,18:00,33:00,90,夜勤,当直明け\r\n\
X1,2024/6/10,13:00,23:00,0,通常,\r\n\
X2,2024/6/2,09:00,18:00,60,副業,他院外来\r\n";

/// D04's PC stays on for an hour past clock-out on 3 and 4 June.
const PC_LOG: &str = "staff_id,pc_name,logon,logoff\n\
D04,PC-7,2024-06-03 08:31:00,2024-06-03 18:30:00\n\
D04,PC-7,2024-06-04 08:35:00,2024-06-04 18:30:00\n";

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

pub(crate) fn upload(uri: &str, bytes: &[u8]) -> test::TestRequest {
    test::TestRequest::post()
        .uri(uri)
        .insert_header(("Content-Type", "text/csv"))
        .set_payload(bytes.to_vec())
}

fn resolve_req(day: &str, resolution: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/api/v1/discrepancies/resolve")
        .set_json(json!({
            "staff_id": "D04", "date": day, "resolution": resolution, "reason": "病棟対応のため残業（本人確認済み）"
        }))
}

#[actix_web::test]
async fn every_endpoint_answers_each_role_as_its_screen_does() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.add_user("admin", kinmu::accounts::Role::Admin, None, None);
        let s = settings(&db, None);
        run_daily(&db, &s, "2024-06-14");
        let svc = db.spawn().await;
        let routes = [
            "/api/v1/imports",
            "/api/v1/discrepancies?month=2024-06",
            "/api/v1/doctors/A01/months/2024-06",
            "/api/v1/doctors/D04/months/2024-06",
            "/api/v1/dashboard?month=2024-06",
            "/api/v1/inspection?fy=2024&from=2024-06-01&to=2024-06-30",
        ];
        let expected: [(&str, [u16; 6]); 7] = [
            ("admin", [200, 200, 200, 200, 200, 200]),
            ("jinji", [200, 200, 200, 200, 200, 200]),
            ("boss", [403, 403, 200, 404, 200, 200]),
            ("other-boss", [403, 403, 404, 200, 200, 200]),
            ("kato", [403, 403, 200, 404, 403, 200]),
            ("untrained", [403, 403, 404, 404, 403, 200]),
            ("aoki", [403, 403, 200, 404, 403, 403]),
        ];
        for route in routes {
            let (status, body) = svc.call(get(route), None).await;
            assert_eq!((status, body["error"].as_str()), (401, Some("unauthorized")), "{route}");
        }
        for (login, statuses) in expected {
            let t = svc.token(login).await;
            for (route, want) in routes.iter().zip(statuses) {
                let (status, body) = svc.call(get(route), Some(&t)).await;
                assert_eq!(status, want, "{login} {route} on {backend:?}: {body}");
                if status >= 400 {
                    assert!(body["message"].is_string() && body["message_en"].is_string(), "{body}");
                }
            }
            let (status, _) = svc
                .call(upload("/api/v1/imports/pclog", PC_LOG.as_bytes()), Some(&t))
                .await;
            assert_eq!(
                status,
                if matches!(login, "admin" | "jinji") { 200 } else { 403 },
                "{login} uploads"
            );
            let (status, _) = svc.call(resolve_req("2024-06-05", "work"), Some(&t)).await;
            // HR and admin are heard (5 June is no discrepancy day); others not.
            let want = if matches!(login, "admin" | "jinji") { 400 } else { 403 };
            assert_eq!(status, want, "{login} resolves");
        }
        let (status, _) = svc.call(upload("/api/v1/imports/pclog", PC_LOG.as_bytes()), None).await;
        assert_eq!(status, 401);

        // A manager's dashboard holds their doctors only.
        let t = svc.token("boss").await;
        let (_, body) = svc
            .call(get("/api/v1/dashboard?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        let ids: Vec<&str> = body["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["staff_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["A01", "B02", "C03"]);
        let a01 = &body["lines"][0];
        assert_eq!(a01["state"], "projected");
        // The status is as of the same 基準日 as the figures: on 14 June
        // A01's interview (due 27 June) is still ahead.
        assert_eq!(a01["interview"]["status"], "scheduled");
        assert_eq!(a01["interview"]["opened_late"], false);
        assert!(a01["interview"]["deadline"].is_string());
        let (_, body) = svc
            .call(
                get("/api/v1/dashboard?month=2024-06&as_of=2024-06-14&level=C-1"),
                Some(&t),
            )
            .await;
        assert_eq!(body["lines"].as_array().unwrap().len(), 1);
        assert_eq!(
            (&body["lines"][0]["staff_id"], &body["lines"][0]["projected_over_155"]),
            (&json!("C03"), &json!(true))
        );
        // The print pack: a manager's scope holds health data, the admin's not.
        let (_, body) = svc
            .call(
                get("/api/v1/inspection?fy=2024&from=2024-06-01&to=2024-06-30"),
                Some(&t),
            )
            .await;
        assert_eq!(
            (body["scope"].as_str(), body["health_data"].as_bool()),
            (Some("manager"), Some(true))
        );
        let keys: Vec<&str> = body["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, part_keys());
        let t = svc.token("admin").await;
        let (_, body) = svc
            .call(
                get("/api/v1/inspection?fy=2024&from=2024-06-01&to=2024-06-30"),
                Some(&t),
            )
            .await;
        assert_eq!(
            (body["scope"].as_str(), body["health_data"].as_bool()),
            (Some("hospital"), Some(false))
        );
        let (status, body) = svc
            .call(
                get("/api/v1/inspection?fy=2024&from=2024-06-30&to=2024-06-01"),
                Some(&t),
            )
            .await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_query")));
        let (status, body) = svc.call(get("/api/v1/dashboard?month=2024-13"), Some(&t)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_month")));
    }
}

#[actix_web::test]
async fn a_shift_jis_upload_answers_the_report_of_kinmu_import() {
    let (sjis, _, had_errors) = encoding_rs::SHIFT_JIS.encode(JAPANESE_TIMECARD);
    assert!(!had_errors);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("timecard-sjis.csv");
    std::fs::write(&file, &sjis).unwrap();
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let (status, body) = svc
            .call(
                upload("/api/v1/imports/timecard?file_name=timecard-sjis.csv", &sjis),
                Some(&t),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["encoding"], "shift_jis");

        let cli = TestDb::new(backend);
        cli.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        let out = cli.kinmu(&["import", "timecard", file.to_str().unwrap()]);
        assert_eq!(body, stdout_json(&out), "on {backend:?}");
        assert_eq!(db.report("2024-06", "2024-06-30"), cli.report("2024-06", "2024-06-30"));

        // The batch is listed, with its file name and who imported it.
        let (status, list) = svc.call(get("/api/v1/imports"), Some(&t)).await;
        assert_eq!(status, 200);
        let newest = &list["batches"][0];
        assert_eq!(
            (&newest["kind"], &newest["file_name"], &newest["imported_by"]),
            (&json!("timecard"), &json!("timecard-sjis.csv"), &json!("jinji"))
        );
    }
}

#[actix_web::test]
async fn a_bad_upload_is_refused_with_its_rejected_lines_and_nothing_written() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let counts = db.data_counts();
        let bad = "staff_id,date,clock_in,clock_out,break_minutes\n\
X1,2024-06-03,08:00,20:00,60\n\
NOBODY,2024-06-03,08:00,20:00,60\n\
X1,2024-06-04,08:00,25:99,60\n";
        let (status, body) = svc
            .call(upload("/api/v1/imports/timecard", bad.as_bytes()), Some(&t))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["committed"], false);
        let lines: Vec<u64> = body["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [3, 4], "{body}");
        assert_eq!(db.data_counts(), counts, "nothing written on {backend:?}");

        // A file that cannot be read at all: 400 with the Japanese message.
        let (status, body) = svc
            .call(upload("/api/v1/imports/timecard", b"foo,bar\n1,2\n"), Some(&t))
            .await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_file")), "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("必須の列がありません"),
            "{body}"
        );
        let (status, body) = svc.call(upload("/api/v1/imports/payroll", b"x\n"), Some(&t)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_kind")));
        assert_eq!(db.data_counts(), counts);

        // With skip_invalid the good row is written; the answer is still 422.
        let (status, body) = svc
            .call(
                upload("/api/v1/imports/timecard?skip_invalid=true", bad.as_bytes()),
                Some(&t),
            )
            .await;
        assert_eq!(
            (status, body["inserted"].as_u64(), body["committed"].as_bool()),
            (422, Some(1), Some(true))
        );
    }
}

#[actix_web::test]
async fn resolving_through_the_api_closes_the_day_in_the_report_and_a_second_time_is_409() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.import_ok(ImportKind::Pclog, PC_LOG.as_bytes());
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let (status, queue) = svc
            .call(get("/api/v1/discrepancies?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!(status, 200);
        let open = queue["open"].as_array().unwrap();
        assert_eq!(open.len(), 2, "{queue}");
        assert_eq!(
            (&open[0]["staff_id"], &open[0]["date"]),
            (&json!("D04"), &json!("2024-06-03"))
        );
        assert_eq!(open[0]["uncovered_minutes"], 60);
        assert_eq!(open[0]["pc_sessions"][0]["pc_name"], "PC-7");
        assert_eq!(open[0]["timecard"][0]["kind"], "work");
        assert_eq!(open[0]["uncovered"], json!(["17:30–18:30"]));

        let before = doctor(&db.report("2024-06", "2024-06-14"), "D04").clone();
        assert_eq!(before.open_discrepancies, 2);
        let (status, body) = svc.call(resolve_req("2024-06-03", "work"), Some(&t)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (&body["resolution"], &body["uncovered_minutes"]),
            (&json!("work"), &json!(60))
        );
        let after = db.report("2024-06", "2024-06-14");
        let a = doctor(&after, "D04");
        assert_eq!(a.open_discrepancies, 1);
        assert_eq!(a.total_work_minutes, before.total_work_minutes + 60);

        let (status, body) = svc.call(resolve_req("2024-06-03", "not_work"), Some(&t)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (409, Some("already_resolved")),
            "{body}"
        );
        let (status, body) = svc.call(resolve_req("2024-06-04", "maybe"), Some(&t)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")));
        let (status, body) = svc.call(resolve_req("2024-06-10", "work"), Some(&t)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid")),
            "not a discrepancy day"
        );

        let (_, queue) = svc
            .call(get("/api/v1/discrepancies?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!(queue["open"].as_array().unwrap().len(), 1);
        assert_eq!(queue["resolved"][0]["resolved_by"], "jinji");
    }
}

#[actix_web::test]
async fn a_doctors_month_is_the_report_line_with_health_data_only_for_those_who_may_see_it() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let s = settings(&db, None);
        run_daily(&db, &s, "2024-06-14");
        let svc = db.spawn().await;
        let uri = "/api/v1/doctors/A01/months/2024-06?as_of=2024-06-14";
        let line = serde_json::to_value(doctor(&db.report("2024-06", "2024-06-14"), "A01")).unwrap();
        let mut seen = Vec::new();
        for login in ["jinji", "boss", "kato", "aoki"] {
            let t = svc.token(login).await;
            let (status, body) = svc.call(get(uri), Some(&t)).await;
            assert_eq!(status, 200, "{login}: {body}");
            assert_eq!(body["figures"], line, "{login} on {backend:?}");
            assert_eq!(body["projection_method"], "linear");
            assert_eq!(body["state"], "projected");
            assert_eq!(body["running_total"].as_array().unwrap().len(), 30);
            assert_eq!(body["running_total"][13]["actual"], line["overtime_holiday_minutes"]);
            assert!(body["running_total"][14]["actual"].is_null());
            assert_eq!(
                body["running_total"][29]["projected"],
                line["projected_overtime_holiday_minutes"]
            );
            let months = body["last_12_months"].as_array().unwrap();
            assert_eq!(months.len(), 12);
            assert_eq!(months[11]["month"], "2024-06");
            assert_eq!(months[11]["overtime_holiday_minutes"], line["overtime_holiday_minutes"]);
            assert!(!body["timecard"].as_array().unwrap().is_empty());
            let interview = &body["interviews"][0];
            assert_eq!(
                (&interview["month"], &interview["physician_login"]),
                (&json!("2024-06"), &json!("kato"))
            );
            seen.push((login, body));
        }
        for (login, body) in &seen {
            let i = &body["interviews"][0];
            let health = *login != "jinji";
            assert_eq!(body["health_data"], health, "{login}");
            for field in ["prechecks", "check", "opinion"] {
                assert_eq!(i.get(field).is_some(), health, "{login} {field} on {backend:?}");
            }
        }
        // Not their doctor: not found; a month that is no month: 400.
        let t = svc.token("other-boss").await;
        let (status, _) = svc.call(get(uri), Some(&t)).await;
        assert_eq!(status, 404);
        let (status, body) = svc.call(get("/api/v1/doctors/A01/months/June"), Some(&t)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_month")));
        let (status, _) = svc.call(get("/api/v1/doctors/NOBODY/months/2024-06"), Some(&t)).await;
        assert_eq!(status, 404);
    }
}
