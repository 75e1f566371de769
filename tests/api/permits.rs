//! The 宿日直許可 register end to end (rules §13, formats.md R.3, R.7): a
//! permits file through the real import, read by the monthly report; a bad
//! file refused with its line named and nothing stored.

use crate::helpers::*;
use kinmu::ingest::ImportKind;

const DOCTORS: &str = "staff_id,name,department,level\nD101,内科 一郎,内科,B\nD102,眼科 花子,眼科,B\n";

/// D1's rows (rules §13.2): a day shift, then permitted duty to 08:30.
const TIMECARD: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
                        D101,2024-06-03,08:30,17:15,45,work\n\
                        D101,2024-06-03,17:15,08:30,0,duty_permitted\n\
                        D102,2024-06-03,17:15,08:30,0,duty_permitted\n";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn doctor<'a>(report: &'a serde_json::Value, staff_id: &str) -> &'a serde_json::Value {
    report["doctors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["staff_id"] == staff_id)
        .unwrap()
}

#[test]
fn an_imported_permit_cuts_permitted_duty_in_the_monthly_report() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let dir = tempfile::tempdir().unwrap();
        // P-3 of D1 (内科, night, 22:00–07:00), written with Japanese headers.
        let permits = write(
            &dir,
            "permits.csv",
            "許可番号,許可年月日,種別,対象診療科,許可時間帯開始,許可時間帯終了,対象曜日\n\
             P-3,2023/10/01,宿直,内科,22:00,07:00,全日\n",
        );
        let out = db.kinmu(&["import", "permits", &permits]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let answer = stdout_json(&out);
        assert_eq!(
            (answer["kind"].as_str(), answer["inserted"].as_u64()),
            (Some("permits"), Some(1)),
            "{answer}"
        );
        let timecard = write(&dir, "timecard.csv", TIMECARD);
        let out = db.kinmu(&["import", "timecard", &timecard]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

        let month = [
            "report",
            "monthly",
            "--month",
            "2024-06",
            "--as-of",
            "2024-06-30",
            "--format",
            "json",
        ];
        let out = db.kinmu(&month);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v = stdout_json(&out);
        assert_eq!(v["permits_register"], "required");
        // [ex D1] 540 permitted, 375 working time on 2024-06-03: daily overtime 375.
        let d101 = doctor(&v, "D101");
        assert_eq!(
            (
                &d101["duty_permitted_minutes"],
                &d101["duty_outside_permit_minutes"],
                &d101["daily_overtime_minutes"]
            ),
            (
                &serde_json::json!(540),
                &serde_json::json!(375),
                &serde_json::json!(375)
            ),
            "{d101}"
        );
        assert_eq!(d101["permitted_night_duties"], 1, "{d101}");
        assert_eq!(d101["break_shortfalls"], 1, "{d101}");
        // The duties report (formats.md R.9) names the duty and its permit.
        let out = db.kinmu(&["report", "duties", "--month", "2024-06", "--as-of", "2024-06-30"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let duties = stdout_json(&out);
        assert_eq!(duties["permits_register"], "required");
        assert_eq!(
            duties["permits"],
            serde_json::json!([{"permit_no": "P-3", "kind": "night", "duties": 1, "duties_with_work": 0}])
        );
        let line = doctor(&duties, "D101");
        assert_eq!(
            line["duties"],
            serde_json::json!([{"date": "2024-06-03", "kind": "night", "permit_no": "P-3",
                                "permitted_minutes": 540, "work_minutes": 0}])
        );
        assert_eq!(line["duty_outside_permit_minutes"], 375);
        // [ex D5] 眼科 has no permit: the whole row is working time.
        let d102 = doctor(&v, "D102");
        assert_eq!(
            (&d102["duty_permitted_minutes"], &d102["duty_outside_permit_minutes"]),
            (&serde_json::json!(0), &serde_json::json!(915))
        );

        // With the register off every minute of permitted duty is permitted.
        let out = db.kinmu_env(&month, &[("KINMU_PERMITS_REGISTER", "off")]);
        let v = stdout_json(&out);
        assert_eq!(v["permits_register"], "off");
        let d101 = doctor(&v, "D101");
        assert_eq!(
            (&d101["duty_permitted_minutes"], &d101["duty_outside_permit_minutes"]),
            (&serde_json::json!(915), &serde_json::json!(0))
        );

        // A re-import of the permit number updates it, with an audit entry;
        // the same file again changes nothing.
        let changed = "permit_no,granted_on,kind,departments,band_start,band_end\n\
                       P-3,2023-10-01,night,内科,17:15,08:30\n";
        let r = db.import_ok(ImportKind::Permits, changed.as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 1, 0));
        let r = db.import_ok(ImportKind::Permits, changed.as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 0, 1));
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'update_permit' \
                 AND detail LIKE '%22:00%' AND detail LIKE '%17:15%'"
            ),
            1
        );
        let v = stdout_json(&db.kinmu(&month));
        let d101 = doctor(&v, "D101");
        assert_eq!(
            (&d101["duty_permitted_minutes"], &d101["duty_outside_permit_minutes"]),
            (&serde_json::json!(915), &serde_json::json!(0))
        );
    });
}

#[test]
fn a_bad_permits_file_is_refused_with_its_line_named_and_nothing_stored() {
    each_backend(|db| {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            &dir,
            "permits.csv",
            "permit_no,granted_on,kind,departments,band_start,band_end,weekdays\n\
             H-1,2023-10-01,night,\"内科、外科\",17:15,08:30,\n\
             H-2,2023-10-01,evening,内科,08:30,17:15,土日\n",
        );
        let before = db.data_counts();
        let out = db.kinmu(&["import", "permits", &file]);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        let answer = stdout_json(&out);
        assert_eq!(answer["kind"], "permits");
        assert_eq!(answer["inserted"], 0);
        assert_eq!(answer["rejected"][0]["line"], 3, "{answer}");
        assert_eq!(answer["rejected"][0]["column"], "kind", "{answer}");
        assert!(answer["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown kind"));
        assert_eq!(db.data_counts(), before);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM permits"), 0);
        // With --skip-invalid the valid permit is stored.
        let out = db.kinmu(&["import", "permits", &file, "--skip-invalid"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stdout_json(&out)["inserted"], 1);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM permits"), 1);
    });
}

#[actix_web::test]
async fn the_import_api_takes_the_permits_kind_and_refuses_a_bad_file_whole() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let post = |uri: &str, bytes: &[u8]| {
            actix_web::test::TestRequest::post()
                .uri(uri)
                .insert_header(("Content-Type", "text/csv"))
                .set_payload(bytes.to_vec())
        };
        let bad = "permit_no,granted_on,kind,band_start,band_end\nH-1,2023-10-01,night,17:15,08:30\nH-2,2023-10-01,day,8時半,17:15\n";
        let (status, body) = svc
            .call(post("/api/v1/imports/permits", bad.as_bytes()), Some(&t))
            .await;
        assert_eq!((status, body["kind"].as_str()), (422, Some("permits")), "{body}");
        assert_eq!(
            (body["rejected"][0]["line"].as_u64(), body["committed"].as_bool()),
            (Some(3), Some(false))
        );
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM permits"), 0);
        let good = "permit_no,granted_on,kind,band_start,band_end\nH-1,2023-10-01,night,17:15,08:30\n";
        let (status, body) = svc
            .call(post("/api/v1/imports/permits", good.as_bytes()), Some(&t))
            .await;
        assert_eq!((status, body["inserted"].as_u64()), (200, Some(1)), "{body}");
        // The upload screen offers the kind.
        let mut b = svc.signed_in("jinji").await;
        let page = b.get("/imports").await;
        assert!(
            page.body.contains("value=\"permits\"") && page.body.contains("宿日直許可"),
            "{}",
            page.body
        );
    }
}

#[actix_web::test]
async fn the_dashboard_and_the_doctor_page_say_plainly_that_duty_outside_a_permit_is_working_time() {
    use kinmu::domain::time::format_hm;
    for backend in backends() {
        let db = TestDb::new(backend);
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        db.import_ok(
            ImportKind::Doctors,
            format!("{DOCTORS}D103,内科 三郎,内科,A\n").as_bytes(),
        );
        db.import_ok(
            ImportKind::Permits,
            "permit_no,granted_on,kind,departments,band_start,band_end\nP-3,2023-10-01,night,内科,22:00,07:00\n"
                .as_bytes(),
        );
        db.import_ok(
            ImportKind::Timecard,
            format!("{TIMECARD}D103,2024-06-03,08:30,17:15,45,work\n").as_bytes(),
        );
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        // [ex D1] D101: 375 minutes outside P-3; [ex D5] D102 (眼科): 915.
        let page = hr.get("/?month=2024-06").await;
        assert_eq!(page.status, 200, "on {backend:?}");
        for minutes in [375, 915] {
            let text = format!("許可の範囲外の宿日直 {}（労働時間として計算）", format_hm(minutes));
            assert!(page.body.contains(&text), "{text} on the dashboard");
        }
        assert_eq!(page.body.matches("許可の範囲外の宿日直 ").count(), 2, "D103 has none");
        let page = hr.get("/doctors/D102?month=2024-06").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!(
            r#"<div id="outside-permit">許可の範囲外の宿日直<b>{}</b><small class="muted">労働時間として計算しています。"#,
            format_hm(915)
        )));
        let page = hr.get("/doctors/D103?month=2024-06").await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("outside-permit"),
            "no duty outside a permit, no line"
        );
    }
}
