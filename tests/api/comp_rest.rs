//! 代償休息 grants as input (formats.md R.4, rules §11.11–§11.12): a grants
//! file through the real command line (new rows, a correction with its
//! audit entry, an overlap and an unknown doctor refused naming the line and
//! writing nothing), the doctor's 代償休息 screen (HR records a grant after a
//! confirmation, a manager of another department is refused, hostile text
//! is escaped), and one grant paying an intrusion into a planned rest in
//! `kinmu report rest`.

use crate::helpers::*;
use kinmu::ingest::ImportKind;

const DOCTORS: &str = "staff_id,name,department,level,manager_login\n\
                       D201,内科 一郎,内科,B,boss\n\
                       D202,外科 二郎,外科,B,other-boss\n";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// A form's fields as the browser helper takes them.
fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn grants(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants")
}

#[test]
fn a_grants_file_is_imported_corrected_and_refused_whole_on_an_overlap() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            &dir,
            "comp_rest.csv",
            "職員番号,付与日,代償休息開始,代償休息終了,付与方法,備考\n\
             D201,2024/06/04,13:00,17:15,時間休,午後休\n\
             D201,2024-06-05,22:00,07:00,interval_extension,\n\
             D202,2024-06-04,08:30,12:00,,\n",
        );
        let out = db.kinmu(&["import", "comp-rest", &file]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let answer = stdout_json(&out);
        assert_eq!(
            (answer["kind"].as_str(), answer["inserted"].as_u64()),
            (Some("comp_rest"), Some(3)),
            "{answer}"
        );
        assert_eq!(grants(db), 3);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM comp_rest_grants WHERE method = 'interval_extension' \
                 AND end_at > start_at AND note IS NULL"
            ),
            1,
            "the 22:00–07:00 grant ends the next day"
        );

        // The same file again changes nothing; a changed end is a
        // correction, kept in the audit log.
        let out = db.kinmu(&["import", "comp-rest", &file]);
        let again = stdout_json(&out);
        assert_eq!(
            (again["unchanged"].as_u64(), again["committed"].as_bool()),
            (Some(3), Some(false)),
            "{again}"
        );
        let changed = write(
            &dir,
            "comp_rest2.csv",
            "staff_id,date,start,end,method,note\nD201,2024-06-04,13:00,16:00,time_off,午後休\n",
        );
        let out = db.kinmu(&["import", "comp-rest", &changed]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let corrected = stdout_json(&out);
        assert_eq!(corrected["corrected"], 1, "{corrected}");
        assert_eq!(grants(db), 3);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'update_comp_rest_grant'"),
            1
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants WHERE note = '午後休' AND method = 'time_off'"),
            1
        );

        // An overlap — with a stored grant, and inside the file — and an
        // unknown doctor: the lines are named, nothing is written.
        let bad = write(
            &dir,
            "comp_rest3.csv",
            "staff_id,date,start,end\n\
             D202,2024-06-10,09:00,10:00\n\
             D202,2024-06-04,11:00,13:00\n\
             D202,2024-06-10,09:30,11:00\n\
             X999,2024-06-10,09:00,10:00\n",
        );
        let out = db.kinmu(&["import", "comp-rest", &bad]);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        let refused = stdout_json(&out);
        assert_eq!(refused["committed"], false, "{refused}");
        let lines: Vec<u64> = refused["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, vec![3, 4, 5], "{refused}");
        let reasons = refused["rejected"].to_string();
        assert!(reasons.contains("overlaps a stored grant"), "{reasons}");
        assert!(reasons.contains("overlaps the grant on line 2"), "{reasons}");
        assert!(reasons.contains("unknown doctor"), "{reasons}");
        assert_eq!(grants(db), 3, "nothing written");

        // With --skip-invalid the valid row alone is written.
        let out = db.kinmu(&["import", "comp-rest", &bad, "--skip-invalid"]);
        let partly = stdout_json(&out);
        assert_eq!(
            (partly["inserted"].as_u64(), partly["committed"].as_bool()),
            (Some(1), Some(true)),
            "{partly}"
        );
        assert_eq!(grants(db), 4);
    });
}

#[actix_web::test]
async fn hr_records_a_grant_on_the_screen_after_a_confirmation() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/doctors/B02/comp-rest?month=2024-06").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("代償休息の付与を記録する"), "{}", page.body);
        let csrf = hidden(&page.body, "csrf");
        let hostile = "<script>alert(1)</script>";
        let form = |go: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("month", "2024-06".to_string()),
                ("date", "2024-06-17".to_string()),
                ("start", "13:00".to_string()),
                ("end", "17:00".to_string()),
                ("end_date", String::new()),
                ("method", "time_off".to_string()),
                ("note", hostile.to_string()),
                ("go", go.to_string()),
            ]
        };
        let confirm = hr.post("/doctors/B02/comp-rest", &pairs(&form(""))).await;
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        assert!(confirm.body.contains("2024-06-17 13:00"), "{}", confirm.body);
        assert!(confirm.body.contains("240"), "the minutes: {}", confirm.body);
        assert!(!confirm.body.contains(hostile), "escaped: {}", confirm.body);
        assert!(confirm.body.contains("&#60;script&#62;"), "{}", confirm.body);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants"),
            0,
            "nothing before the confirmation"
        );
        let go = form("1");
        let done = hr.post("/doctors/B02/comp-rest", &pairs(&go)).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants"), 1);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'record_comp_rest_grant'"),
            1
        );
        let page = hr.get(done.location.as_deref().unwrap()).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("記録しました"), "{}", page.body);
        assert!(page.body.contains("2024-06-17 13:00"), "{}", page.body);
        assert!(!page.body.contains(hostile), "escaped on the list: {}", page.body);
        assert!(page.body.contains("&#60;script&#62;"), "{}", page.body);

        // The same grant again overlaps: refused with the reason, nothing stored.
        let again = hr.post("/doctors/B02/comp-rest", &pairs(&go)).await;
        assert_eq!(again.status, 409, "{}", again.body);
        assert!(again.body.contains("重なっています"), "{}", again.body);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants"), 1);

        // A bad time is named in Japanese.
        let mut bad = form("");
        bad[3].1 = "25:00".into();
        let refused = hr.post("/doctors/B02/comp-rest", &pairs(&bad)).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains("時刻が読めません"), "{}", refused.body);

        // A forged token is refused.
        let mut forged = form("1");
        forged[0].1 = "forged".into();
        assert_eq!(hr.post("/doctors/B02/comp-rest", &pairs(&forged)).await.status, 403);

        // B02's manager may; another department's manager may not; a doctor never.
        let mut boss = service.signed_in("boss").await;
        assert_eq!(boss.get("/doctors/B02/comp-rest?month=2024-06").await.status, 200);
        let mut other = service.signed_in("other-boss").await;
        assert_eq!(other.get("/doctors/B02/comp-rest?month=2024-06").await.status, 403);
        assert_eq!(other.get("/doctors/D04/comp-rest?month=2024-06").await.status, 200);
        let other_csrf = other.csrf("other-boss").await;
        let mut theirs = form("1");
        theirs[0].1 = other_csrf;
        theirs[2].1 = "2024-06-18".into();
        assert_eq!(other.post("/doctors/B02/comp-rest", &pairs(&theirs)).await.status, 403);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants"), 1);
        let mut doctor = service.signed_in("aoki").await;
        assert_eq!(doctor.get("/doctors/A01/comp-rest?month=2024-06").await.status, 403);

        // The JSON API records the same way.
        let token = service.token("jinji").await;
        let req = actix_web::test::TestRequest::post()
            .uri("/api/v1/doctors/B02/comp-rest-grants")
            .set_json(
                serde_json::json!({"start": "2024-06-18T13:00", "end": "2024-06-18T15:00", "method": "time_off"}),
            );
        let (status, body) = service.call(req, Some(&token)).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["start"], "2024-06-18T13:00:00");
        let req = actix_web::test::TestRequest::post()
            .uri("/api/v1/doctors/B02/comp-rest-grants")
            .set_json(serde_json::json!({"start": "2024-06-18T14:00", "end": "2024-06-18T16:00"}));
        let (status, body) = service.call(req, Some(&token)).await;
        assert_eq!((status, body["error"].as_str()), (409, Some("overlap")), "{body}");
        let other_token = service.token("other-boss").await;
        let req = actix_web::test::TestRequest::post()
            .uri("/api/v1/doctors/B02/comp-rest-grants")
            .set_json(serde_json::json!({"start": "2024-06-19T13:00", "end": "2024-06-19T15:00"}));
        let (status, _) = service.call(req, Some(&other_token)).await;
        assert_eq!(status, 403);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM comp_rest_grants"), 2);
    }
}

/// D201's June: planned 08:30–17:15 on the 3rd and 4th (published in May),
/// worked 08:30–01:00 on the 3rd — an intrusion into the planned rest —
/// and 08:30–13:00 on the 4th.
fn late_night(db: &TestDb, dir: &tempfile::TempDir) {
    db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
    let roster = write(
        dir,
        "roster.csv",
        "staff_id,date,clock_in,clock_out,break_minutes
         D201,2024-06-03,08:30,17:15,45
         D201,2024-06-04,08:30,17:15,45
",
    );
    let out = db.kinmu(&["import", "roster", &roster, "--published-at", "2024-05-25T12:00"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let timecard = write(
        dir,
        "timecard.csv",
        "staff_id,date,clock_in,clock_out,break_minutes
         D201,2024-06-03,08:30,01:00,45
         D201,2024-06-04,08:30,13:00,0
",
    );
    let out = db.kinmu(&["import", "timecard", &timecard]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[actix_web::test]
async fn hr_sets_the_reason_of_an_entry_on_the_screen() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let dir = tempfile::tempdir().unwrap();
        late_night(&db, &dir);
        add_people(&db, &[person("jinji", kinmu::accounts::Role::Hr)]);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/doctors/D201/comp-rest?month=2024-06&as_of=2024-06-30").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("未付与") || page.body.contains("期限超過"),
            "{}",
            page.body
        );
        let (csrf, cause, arose_at) = (
            hidden(&page.body, "csrf"),
            hidden(&page.body, "cause"),
            hidden(&page.body, "arose_at"),
        );
        let form = |reason: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("month", "2024-06".to_string()),
                ("cause", cause.clone()),
                ("arose_at", arose_at.clone()),
                ("reason", reason.to_string()),
            ]
        };
        let bad = hr.post("/doctors/D201/comp-rest/reason", &pairs(&form("nap"))).await;
        assert_eq!(bad.status, 400, "{}", bad.body);
        let done = hr
            .post("/doctors/D201/comp-rest/reason", &pairs(&form("emergency")))
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'set_comp_rest_reason'"),
            1
        );
        let rest = rest_of(&db, "D201");
        assert_eq!(rest["comp_rest"]["entries"][0]["reason"], "emergency", "{rest}");
        // An entry that is not the doctor's is not found.
        let mut other = form("other");
        other[3].1 = "2024-06-05T03:00:00".into();
        let missing = hr.post("/doctors/D201/comp-rest/reason", &pairs(&other)).await;
        assert_eq!(missing.status, 404, "{}", missing.body);
    }
}

/// The doctor's comp-rest entries and grants of `kinmu report rest`.
fn rest_of(db: &TestDb, staff_id: &str) -> serde_json::Value {
    let out = db.kinmu(&[
        "report",
        "rest",
        "--month",
        "2024-06",
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = stdout_json(&out);
    v["doctors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["staff_id"] == staff_id)
        .unwrap_or_else(|| panic!("{staff_id} not in {v}"))
        .clone()
}

#[test]
fn a_recorded_grant_pays_the_rest_a_late_night_took() {
    each_backend(|db| {
        let dir = tempfile::tempdir().unwrap();
        late_night(db, &dir);

        let before = rest_of(db, "D201");
        let owed = before["comp_rest"]["open_minutes"].as_i64().unwrap();
        assert!(owed > 0, "{before}");
        assert_eq!(before["comp_rest"]["granted_minutes"], 0, "{before}");
        let status_before = before["comp_rest"]["entries"][0]["status"].clone();

        // The afternoon of the 4th off: inside the schedule, after the work.
        let file = write(
            &dir,
            "comp_rest.csv",
            "staff_id,date,start,end,method\nD201,2024-06-04,13:00,17:15,time_off\n",
        );
        let out = db.kinmu(&["import", "comp-rest", &file]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

        let after = rest_of(db, "D201");
        let granted = after["comp_rest"]["granted_minutes"].as_i64().unwrap();
        assert!(granted > 0, "{after}");
        let grant = &after["comp_rest"]["grants"][0];
        assert_eq!(grant["counted_minutes"], 255, "{after}");
        assert!(after["comp_rest"]["open_minutes"].as_i64().unwrap() < owed, "{after}");
        assert_ne!(after["comp_rest"]["entries"][0]["status"], status_before, "{after}");
    });
}

#[actix_web::test]
async fn the_import_api_takes_the_comp_rest_kind() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        db.add_user("boss", kinmu::accounts::Role::Manager, None, None);
        let svc = db.spawn().await;
        let post = |bytes: &[u8]| {
            actix_web::test::TestRequest::post()
                .uri("/api/v1/imports/comp-rest")
                .insert_header(("Content-Type", "text/csv"))
                .set_payload(bytes.to_vec())
        };
        let file = "staff_id,date,start,end\nD201,2024-06-04,13:00,17:15\nD201,2024-06-04,17:00,18:00\n";
        let boss = svc.token("boss").await;
        let (status, _) = svc.call(post(file.as_bytes()), Some(&boss)).await;
        assert_eq!(status, 403, "imports are HR's");
        let t = svc.token("jinji").await;
        let (status, body) = svc.call(post(file.as_bytes()), Some(&t)).await;
        assert_eq!((status, body["kind"].as_str()), (422, Some("comp_rest")), "{body}");
        assert_eq!(
            (body["rejected"][0]["line"].as_u64(), body["committed"].as_bool()),
            (Some(3), Some(false)),
            "{body}"
        );
        assert_eq!(grants(&db), 0);
        let good = "staff_id,date,start,end\nD201,2024-06-04,13:00,17:15\n";
        let (status, body) = svc.call(post(good.as_bytes()), Some(&t)).await;
        assert_eq!((status, body["inserted"].as_u64()), (200, Some(1)), "{body}");
    }
}
