//! Rest between shifts (rules §11) from stored data: the planned check
//! reads the roster as it stood before the work (§11.6), so a roster
//! re-imported after an emergency — to show it as planned work — does not
//! erase the 代償休息 owed (issue 15); the month's figures (formats.md R.7)
//! and `kinmu report rest` (R.8) show the same entry, on both backends.

use crate::helpers::*;
use chrono::NaiveDateTime;
use kinmu::domain::hours::RuleConfig;
use kinmu::domain::time::YearMonth;
use kinmu::ingest::{self, ImportKind, ImportRequest};

const DOCTORS: &str = "staff_id,name,level,department\nD101,内科 一郎,B,内科\nD103,内科 三郎,A,内科\n";

/// Rules example I1: planned 08:00–23:00 and 08:00–17:00; an emergency
/// 01:00–04:00 in between, inside the planned 9 h rest.
const ROSTER: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
D101,2024-06-10,08:00,23:00,60,work\n\
D101,2024-06-11,08:00,17:00,60,work\n";
const TIMECARD: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
D101,2024-06-10,08:00,23:00,60,work\n\
D101,2024-06-11,01:00,04:00,0,work\n\
D101,2024-06-11,08:00,17:00,60,work\n";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn import_at(db: &TestDb, kind: ImportKind, csv: &str, now: NaiveDateTime) {
    let r = ingest::run(
        &mut db.conn(),
        &ImportRequest {
            layout: None,
            period: None,
            published_at: None,
            kind,
            bytes: csv.as_bytes(),
            file_name: "rest.csv",
            skip_invalid: false,
            actor: Some("jinji"),
            now,
        },
    )
    .unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
}

fn rest_report(db: &TestDb) -> serde_json::Value {
    let r = kinmu::report::rest::report(
        &mut db.conn(),
        YearMonth::parse("2024-06").unwrap(),
        date("2024-06-30"),
        &RuleConfig::default(),
    )
    .unwrap();
    serde_json::to_value(r).unwrap()
}

/// The one 代償休息 entry of example I1 as `report rest` shows it.
fn assert_owed(report: &serde_json::Value) {
    let d = &report["doctors"][0];
    assert_eq!(d["staff_id"], "D101");
    assert_eq!(d["obligation"], "duty");
    assert_eq!(d["planned"], serde_json::json!([]));
    assert_contains(
        &d["actual"],
        &serde_json::json!([{
            "check": "actual", "window_start": "2024-06-10T08:00", "window_end": "2024-06-11T08:00",
            "rule": "std_9h_24h", "required_rest_minutes": 540, "longest_rest_minutes": 240,
            "work_span_minutes": 1200, "over_continuous_limit": true, "shortfall_minutes": 300,
            "severity": "info", "cause": "compensated", "open_end": false
        }]),
        "actual",
    );
    assert_contains(
        &d["comp_rest"],
        &serde_json::json!({
            "arose_minutes": 180, "granted_minutes": 0, "open_minutes": 180, "overdue_minutes": 0,
            "entries": [{
                "kind": "compensatory", "cause": "rest_intrusion", "minutes": 180,
                "arose_at": "2024-06-11T01:00", "ends_at": "2024-06-11T04:00", "due": "2024-07-31",
                "planned_rest_start": "2024-06-10T23:00", "planned_rest_end": "2024-06-11T08:00",
                "open_minutes": 180, "status": "open"
            }],
            "grants": []
        }),
        "comp_rest",
    );
}

#[test]
fn a_roster_reimported_after_the_work_keeps_the_comp_rest_owed() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        import_at(db, ImportKind::Roster, ROSTER, at("2024-05-25 10:00"));
        import_at(db, ImportKind::Timecard, TIMECARD, at("2024-06-12 08:00"));
        let before = rest_report(db);
        assert_owed(&before);
        // The level-A doctor with no rows is listed too (rest_a_level_warnings).
        assert_eq!(before["doctors"][1]["staff_id"], "D103");
        assert_eq!(before["doctors"][1]["obligation"], "effort");

        // HR re-imports the roster after the emergency, now showing it as
        // planned work.
        let replanned = format!("{ROSTER}D101,2024-06-11,01:00,04:00,0,work\n");
        import_at(db, ImportKind::Roster, &replanned, at("2024-06-12 09:00"));
        let after = rest_report(db);
        assert_owed(&after);
        assert_eq!(before, after, "the re-import changed nothing of §11");

        // The monthly report carries the same figures (formats.md R.7).
        let m = db.report("2024-06", "2024-06-30");
        let line = doctor(&m, "D101");
        assert_eq!(
            (
                line.comp_rest_arose_minutes,
                line.comp_rest_open_minutes,
                line.comp_rest_overdue_minutes,
                line.rest_planned_shortfalls,
                line.rest_actual_shortfalls,
            ),
            (180, 180, 0, 0, 0)
        );
        // Past its due date the same debt is overdue.
        let m = db.report("2024-08", "2024-08-05");
        assert_eq!(doctor(&m, "D101").comp_rest_overdue_minutes, 180);
        assert_eq!(doctor(&m, "D101").comp_rest_arose_minutes, 0);
    });
}

#[test]
fn the_rest_rules_leave_level_a_out_when_configured_and_start_on_their_date() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        import_at(db, ImportKind::Roster, ROSTER, at("2024-05-25 10:00"));
        import_at(db, ImportKind::Timecard, TIMECARD, at("2024-06-12 08:00"));
        let mut cfg = RuleConfig::default();
        cfg.rest.rest_a_level_warnings = false;
        cfg.rest.rest_rules_from = date("2024-06-12");
        let r = kinmu::report::rest::report(
            &mut db.conn(),
            YearMonth::parse("2024-06").unwrap(),
            date("2024-06-30"),
            &cfg,
        )
        .unwrap();
        let ids: Vec<&str> = r.doctors.iter().map(|d| d.staff_id.as_str()).collect();
        assert_eq!(ids, ["D101"], "level A left out");
        // The windows of 06-10 and 06-11 start before the rules do: not
        // judged, and the work of 06-11 creates no entry.
        assert!(r.doctors[0].actual.is_empty());
        assert!(r.doctors[0].comp_rest.entries.is_empty());
    });
}

/// The manager's mails of rules §11.12: `comp_rest_due` within seven days
/// of the due date, `comp_rest_overdue` after it, each once per entry.
#[test]
fn the_daily_job_reminds_the_manager_once_before_and_once_after_the_due_date() {
    each_backend(|db| {
        let doctors = "staff_id,name,level,department,manager_login\nD101,内科 一郎,B,内科,boss\n";
        db.import_ok(ImportKind::Doctors, doctors.as_bytes());
        add_people(db, &[person("boss", kinmu::accounts::Role::Manager)]);
        import_at(db, ImportKind::Roster, ROSTER, at("2024-05-25 10:00"));
        import_at(db, ImportKind::Timecard, TIMECARD, at("2024-06-12 08:00"));
        let s = settings(db, None);
        let mails = |reason: &str| {
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM outbox WHERE reason = '{reason}' AND recipient = 'boss@example.org'"
            ))
        };
        // Due 2024-07-31: eight days before, nothing yet.
        run_daily(db, &s, "2024-07-23");
        assert_eq!((mails("comp_rest_due"), mails("comp_rest_overdue")), (0, 0));
        run_daily(db, &s, "2024-07-24");
        run_daily(db, &s, "2024-07-30");
        assert_eq!((mails("comp_rest_due"), mails("comp_rest_overdue")), (1, 0));
        run_daily(db, &s, "2024-08-01");
        run_daily(db, &s, "2024-08-02");
        assert_eq!((mails("comp_rest_due"), mails("comp_rest_overdue")), (1, 1));
    });
}

/// The doctor's page shows the month's rest records and the ledger in words
/// (formats.md R.8's figures); the rest API gives a manager their own
/// doctors only.
#[actix_web::test]
async fn the_doctor_page_and_the_api_show_the_ledger() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let doctors = "staff_id,name,level,department,manager_login\n\
A01,青木 一郎,A,外科,other-boss\nD101,内科 一郎,B,内科,boss\nD201,外科 二郎,B,外科,other-boss\n";
        db.import_ok(ImportKind::Doctors, doctors.as_bytes());
        add_people(&db, &STAFF);
        import_at(&db, ImportKind::Roster, ROSTER, at("2024-05-25 10:00"));
        import_at(&db, ImportKind::Timecard, TIMECARD, at("2024-06-12 08:00"));
        db.add_user("kanri", kinmu::accounts::Role::Admin, None, None);
        let service = db.spawn().await;
        // The print pack's rest parts carry the same entry, in words.
        let mut admin = service.signed_in("kanri").await;
        let query = "fy=2024&from=2024-06-01&to=2024-06-30";
        let csv = admin.get(&format!("/print/comp_rest.csv?{query}")).await;
        assert_eq!(csv.status, 200);
        let line = csv
            .body
            .lines()
            .find(|l| l.contains("D101"))
            .expect("D101's entry in the pack");
        for words in [
            "代償休息",
            "2024-06-11 01:00",
            "予定された休息中の業務",
            "3:00",
            "未付与",
        ] {
            assert!(line.contains(words), "{words} missing from {line}");
        }
        let csv = admin.get(&format!("/print/rest.csv?{query}")).await;
        assert!(
            csv.body.contains("D101"),
            "the compensated window is recorded: {}",
            csv.body
        );
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/doctors/D101?month=2024-06&as_of=2024-06-30").await;
        assert_eq!(page.status, 200);
        let ledger = page
            .body
            .split(r#"id="comp-rest-entries""#)
            .nth(1)
            .expect("the ledger table");
        for words in [
            "予定された休息中の業務",
            "2024-06-11 01:00",
            "3:00",
            "2024-07-31",
            "未付与",
        ] {
            assert!(ledger.contains(words), "{words} missing from the ledger on {backend:?}");
        }
        assert!(page.body.contains("連携B・B・C水準"), "the duty is stated");

        // The dashboard counts the doctor's short rests and open rest.
        let board = hr.get("/?month=2024-06&as_of=2024-06-30").await;
        let row = board
            .body
            .split("data-staff-id=\"D101\"")
            .nth(1)
            .expect("D101 on the dashboard");
        let row = row.split("</tr>").next().unwrap();
        assert!(row.contains("代償休息 未付与 3:00"), "{row}");

        // The manager's list of doctors needing action names the debt.
        let mut boss = service.signed_in("boss").await;
        let list = boss.get("/interviews?month=2024-07").await;
        assert_eq!(list.status, 200);
        let action = list
            .body
            .split("data-action=\"comp_rest_")
            .nth(1)
            .expect("a 代償休息 action for the manager");
        assert!(action.contains("data-staff-id=\"D101\""), "{action}");
        assert!(action.contains("3:00") && action.contains("2024-07-31"), "{action}");

        let token = service.token("boss").await;
        let (status, json) = service
            .get_json("/api/v1/reports/rest?month=2024-06&as_of=2024-06-30", Some(&token))
            .await;
        assert_eq!(status, 200);
        let ids: Vec<&str> = json["doctors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["staff_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["D101"], "a manager sees their own doctors");
        assert_eq!(json["doctors"][0]["comp_rest"]["open_minutes"], 180);
        let token = service.token("aoki").await;
        let (status, _) = service
            .get_json("/api/v1/reports/rest?month=2024-06", Some(&token))
            .await;
        assert_eq!(status, 403, "a doctor does not read the hospital's report");
    }
}
