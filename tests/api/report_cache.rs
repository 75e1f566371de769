//! The monthly report API, the dashboard and the jobs answer from one cache
//! of the month (month::cache) while the data is unchanged,
//! and never a stale report after an import, a resolution or a deletion.

use crate::helpers::*;
use actix_web::test as atest;
use kinmu::accounts::Role;
use kinmu::ingest::ImportKind;

#[test]
fn the_cached_report_follows_every_change_of_the_data() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        db.add_user("jinji", Role::Hr, None, None);
        actix_web::rt::System::new().block_on(async {
            let service = db.spawn().await;
            let token = service.token("jinji").await;
            let get = || {
                atest::TestRequest::get()
                    .uri("/api/v1/reports/monthly?month=2024-06&as_of=2024-06-30")
                    .insert_header(("Authorization", format!("Bearer {token}")))
                    .to_request()
            };
            let first: serde_json::Value = atest::call_and_read_body_json(&service, get()).await;
            let again: serde_json::Value = atest::call_and_read_body_json(&service, get()).await;
            assert_eq!(first, again);
            let expected = db.report("2024-06", "2024-06-30");
            assert_eq!(first, serde_json::to_value(&expected).unwrap(), "{:?}", db.backend);

            // An import changes the figures: the next answer has them.
            let before = first["doctors"][0]["total_work_minutes"].as_i64().unwrap();
            db.import_ok(
                ImportKind::Timecard,
                b"staff_id,date,clock_in,clock_out,break_minutes,kind\nX1,2024-06-29,09:00,12:00,0,work\n",
            );
            let after: serde_json::Value = atest::call_and_read_body_json(&service, get()).await;
            let x1 = after["doctors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["staff_id"] == "X1")
                .unwrap();
            let x1_before = first["doctors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["staff_id"] == "X1")
                .unwrap();
            assert_eq!(
                x1["total_work_minutes"].as_i64().unwrap(),
                x1_before["total_work_minutes"].as_i64().unwrap() + 180,
                "{:?}: before {before}",
                db.backend
            );
            assert_eq!(after, serde_json::to_value(db.report("2024-06", "2024-06-30")).unwrap());
        });
    });
}

#[test]
fn the_daily_job_and_the_dashboard_share_one_computation_of_the_month() {
    each_backend(|db| {
        hospital(db);
        db.add_user("admin", Role::Admin, None, None);
        actix_web::rt::System::new().block_on(async {
            let service = db.spawn().await;
            let june = kinmu::domain::YearMonth::parse("2024-06").unwrap();
            let version = kinmu::db::data_version(&mut db.conn()).unwrap();
            assert!(service.app.reports.get(june, date("2024-06-14"), version).is_none());
            let outcome = service.run_job(kinmu::jobs::Job::Daily {
                as_of: Some(date("2024-06-14")),
            });
            let kinmu::jobs::Outcome::Daily(summary) = outcome else {
                panic!("not the daily job's outcome");
            };
            assert_eq!(summary.interviews_scheduled, 3, "A01, B02 and C03, as ever");
            // The job left the month it computed in the cache, and the
            // dashboard's answer is made of the same lines.
            let version = kinmu::db::data_version(&mut db.conn()).unwrap();
            let cached = service
                .app
                .reports
                .get(june, date("2024-06-14"), version)
                .expect("the daily job's month is cached");
            assert_eq!(cached.computed.len(), 4);
            let token = service.token("admin").await;
            let (status, board) = service
                .get_json("/api/v1/dashboard?month=2024-06&as_of=2024-06-14", Some(&token))
                .await;
            assert_eq!(status, 200);
            for (line, m) in board["lines"].as_array().unwrap().iter().zip(&cached.report.doctors) {
                assert_eq!(line["staff_id"], m.staff_id.as_str());
                assert_eq!(line["overtime_holiday_minutes"], m.overtime_holiday_minutes);
            }
        });
    });
}
