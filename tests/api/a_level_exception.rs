//! The A-level exception as the law has it (issue 13 §2, rules §8.2–§8.5):
//! only a pre-check recorded before the running total reached 100 h grants
//! it; one recorded after changes nothing; "in time" is judged on the
//! minute 100 h was reached, and the interview list, the monthly report and
//! the stored case agree, on both backends.

use crate::helpers::*;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use kinmu::db::queries::doctor_by_staff_id;
use kinmu::domain::due::Exception;
use kinmu::domain::interview::Status;
use kinmu::domain::YearMonth;
use kinmu::ingest::ImportKind;
use kinmu::monitor::records::{self, InterviewInput, InterviewLine, PreCheckInput};
use std::fmt::Write;

/// A01 (A) and B02 (B) from 15 to 30 June, as the test hospital's first
/// half (08:00–22:00 on weekdays, 300 minutes of overtime each): the 20th
/// weekday, 28 June, ends the 6,000th minute at 22:00.
fn rest_of_june() -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in 15..=30 {
        let d = NaiveDate::from_ymd_opt(2024, 6, day).unwrap();
        if d.weekday().num_days_from_monday() < 5 {
            writeln!(s, "A01,{d},08:00,22:00,60").unwrap();
            writeln!(s, "B02,{d},08:00,22:00,60").unwrap();
        }
    }
    s
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

fn june() -> YearMonth {
    YearMonth::parse("2024-06").unwrap()
}

/// A pre-check that records no risk factor.
fn calm() -> PreCheckInput {
    PreCheckInput {
        work_status: "通常どおり".into(),
        sleep_average_minutes: 420,
        fatigue_symptom: "II".into(),
        fatigue_score: 2,
        mental_physical: "特記なし".into(),
        doctor_requests_interview: false,
    }
}

fn precheck(db: &TestDb, staff_id: &str, input: &PreCheckInput, when: &str) {
    let s = settings(db, None);
    let mut conn = db.conn();
    let d = doctor_by_staff_id(&mut conn, staff_id).unwrap().unwrap();
    records::record_precheck(&mut conn, &s, &d, june(), input, "boss", at(when)).unwrap();
}

fn line(db: &TestDb, staff_id: &str, as_of: &str) -> InterviewLine {
    records::list_interviews(&mut db.conn(), june(), date(as_of))
        .unwrap()
        .into_iter()
        .find(|l| l.staff_id == staff_id)
        .unwrap_or_else(|| panic!("no interview of {staff_id}"))
}

fn report_line(db: &TestDb, staff_id: &str, as_of: &str) -> serde_json::Value {
    let s = settings(db, None);
    let report = kinmu::month::monthly(&mut db.conn(), june(), date(as_of), &s.rules).unwrap();
    let d = report.doctors.iter().find(|d| d.staff_id == staff_id).unwrap();
    serde_json::to_value(d).unwrap()
}

fn recheck(db: &TestDb, when: &str) {
    let s = settings(db, None);
    let mailer = kinmu::monitor::mailer::Mailer::from_url(None, &s.mail_from).unwrap();
    let now = at(when);
    kinmu::monitor::recheck::run(&mut db.conn(), &s, &mailer, now.date(), now).unwrap();
}

fn hold(db: &TestDb, id: i64, on: &str) {
    let input = InterviewInput {
        held_on: Some(date(on)),
        check_work: "外来".into(),
        check_sleep: "6時間".into(),
        check_fatigue: "II".into(),
        check_mental_physical: "良好".into(),
        opinion: "就業上の措置は不要".into(),
        ..Default::default()
    };
    records::record_interview(&mut db.conn(), id, &input, "kato", at(&format!("{on}T17:00"))).unwrap();
}

#[actix_web::test]
async fn a_pre_check_after_100_hours_grants_nothing_and_the_case_is_a_violation() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.import_ok(ImportKind::Timecard, rest_of_june().as_bytes());
        let s = settings(&db, None);
        run_daily(&db, &s, "2024-06-30");

        let opened = line(&db, "A01", "2024-06-30");
        assert_eq!(opened.reach_100_at, Some(at("2024-06-28T22:00")), "{opened:?}");
        assert_eq!(opened.a_level_exception, Exception::None);
        assert_eq!(opened.deadline, date("2024-06-27"));

        // The manager checks on the 30th, after 100 h: no risk found, yet
        // the deadline does not move (告示: 管理者が「事前に」確認).
        precheck(&db, "A01", &calm(), "2024-06-30T09:00");
        let after = line(&db, "A01", "2024-06-30");
        assert_eq!(after.a_level_exception, Exception::None, "{after:?}");
        assert_eq!(after.deadline, date("2024-06-27"));
        assert_eq!(after.status, Status::Overdue);
        assert_eq!(after.interview_in_time, Some(false));
        // The re-check of the closed month keeps it so.
        recheck(&db, "2024-07-01T09:00");
        let again = line(&db, "A01", "2024-07-01");
        assert_eq!(
            (again.a_level_exception, again.deadline),
            (Exception::None, date("2024-06-27"))
        );

        let r = report_line(&db, "A01", "2024-06-30");
        assert_eq!(r["reach_100_at"], "2024-06-28T22:00");
        assert_eq!(r["a_level_exception"], "none");
        assert_eq!(r["interview_deadline"], "2024-06-27");
        assert_eq!(r["interview_in_time"], false);
        assert_eq!(r["monthly_100h_violation_from"], "2024-06-28");
    }
}

#[actix_web::test]
async fn a_pre_check_before_100_hours_moves_the_deadline_for_level_a_only() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let s = settings(&db, None);
        // On the 14th both are projected to reach 100 h on the 28th.
        run_daily(&db, &s, "2024-06-14");
        assert_eq!(line(&db, "A01", "2024-06-14").deadline, date("2024-06-27"));

        // The manager checks both on the 16th, before 100 h: no risk.
        precheck(&db, "A01", &calm(), "2024-06-16T09:00");
        precheck(&db, "B02", &calm(), "2024-06-16T09:05");
        let a = line(&db, "A01", "2024-06-16");
        assert_eq!(a.a_level_exception, Exception::Provisional, "{a:?}");
        assert_eq!(a.deadline, date("2024-07-05"), "reach + 7 days (a_level_grace_days)");
        assert_eq!(a.status, Status::Scheduled);
        let b = line(&db, "B02", "2024-06-16");
        assert_eq!(b.a_level_exception, Exception::NotApplicable, "{b:?}");
        assert_eq!(b.deadline, date("2024-06-27"), "never for level B");

        // The rest of June comes in; 100 h is reached on the 28th at 22:00.
        db.import_ok(ImportKind::Timecard, rest_of_june().as_bytes());
        run_daily(&db, &s, "2024-06-30");
        let a = line(&db, "A01", "2024-06-30");
        assert_eq!(a.a_level_exception, Exception::Established, "{a:?}");
        assert_eq!(a.reach_100_at, Some(at("2024-06-28T22:00")));
        assert_eq!(a.deadline, date("2024-07-05"));
        assert_eq!(a.status, Status::Scheduled);
        let b = line(&db, "B02", "2024-06-30");
        assert_eq!(b.status, Status::Overdue, "B02 reached 100 h without the interview");

        // Held on 3 July, five days after reaching 100 h: in time.
        hold(&db, a.id, "2024-07-03");
        let a = line(&db, "A01", "2024-07-10");
        assert_eq!(a.status, Status::Done);
        assert_eq!(a.interview_in_time, Some(true), "{a:?}");
        assert_eq!(a.days_after_reach, Some(5));
        assert_eq!(a.days_late, None);
        // The interview's page says so to the manager.
        let service = db.spawn().await;
        let page = service
            .signed_in("boss")
            .await
            .get(&format!("/interviews/{}", a.id))
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("適用（事前確認で疲労の蓄積なし）"), "{}", page.body);
        assert!(page.body.contains(r#"data-in-time="true""#));
        assert!(page.body.contains("2024-06-28 22:00"));
        let r = report_line(&db, "A01", "2024-06-30");
        assert_eq!(r["a_level_exception"], "established");
        assert_eq!(r["interview_deadline"], "2024-07-05");
        assert_eq!(r["monthly_100h_violation_from"], serde_json::Value::Null);
        let r = report_line(&db, "B02", "2024-06-30");
        assert_eq!(r["a_level_exception"], "not_applicable");
        assert_eq!(r["monthly_100h_violation_from"], "2024-06-28");
    }
}

#[actix_web::test]
async fn a_risk_found_after_the_exception_makes_the_interview_due_that_day() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let s = settings(&db, None);
        run_daily(&db, &s, "2024-06-14");
        precheck(&db, "A01", &calm(), "2024-06-16T09:00");
        db.import_ok(ImportKind::Timecard, rest_of_june().as_bytes());
        run_daily(&db, &s, "2024-06-29");
        assert_eq!(line(&db, "A01", "2024-06-29").a_level_exception, Exception::Established);

        let tired = PreCheckInput {
            sleep_average_minutes: 330,
            ..calm()
        };
        precheck(&db, "A01", &tired, "2024-07-01T10:00");
        let a = line(&db, "A01", "2024-07-01");
        assert_eq!(a.a_level_exception, Exception::DueNow, "{a:?}");
        assert_eq!(a.deadline, date("2024-07-01"));
        assert_eq!(a.status, Status::DueNow);
        assert_eq!(line(&db, "A01", "2024-07-02").status, Status::Overdue);
        // The re-check of June (a closed month, after the risk was found)
        // keeps the shortened deadline.
        recheck(&db, "2024-07-02T09:00");
        let a = line(&db, "A01", "2024-07-02");
        assert_eq!(
            (a.a_level_exception, a.deadline),
            (Exception::DueNow, date("2024-07-01"))
        );
    }
}
