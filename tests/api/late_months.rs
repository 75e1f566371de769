//! Every month whose data changed is re-checked (issue 13 §1): a month
//! imported after it closed opens its interviews and measures cases — as
//! violations where the deadline had passed — the manager and HR hear what
//! happened, the manager's list shows it, and nothing opens or mails twice,
//! on both backends.

use crate::helpers::*;
use chrono::{Datelike, NaiveDate};
use kinmu::ingest::ImportKind;
use kinmu::monitor::mailer::Mailer;
use kinmu::monitor::recheck::{self, RecheckSummary};
use std::fmt::Write;

/// July 2024 in full, exported after the month closed: A01 (A) works
/// 08:00–22:00 on weekdays (about 115 h of overtime: over 100 h around the
/// 22nd), C03 (C-1) 08:00–23:00 every day (far over 155 h), D04 normal days.
fn july() -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in 1..=31 {
        let d = NaiveDate::from_ymd_opt(2024, 7, day).unwrap();
        if d.weekday().num_days_from_monday() < 5 {
            writeln!(s, "A01,{d},08:00,22:00,60").unwrap();
            writeln!(s, "D04,{d},08:30,17:30,60").unwrap();
        }
        writeln!(s, "C03,{d},08:00,23:00,60").unwrap();
    }
    s
}

fn recheck_on(db: &TestDb, today: &str) -> RecheckSummary {
    let s = settings(db, None);
    let mailer = Mailer::from_url(None, &s.mail_from).unwrap();
    recheck::run(
        &mut db.conn(),
        &s,
        &mailer,
        date(today),
        date(today).and_hms_opt(9, 0, 0).unwrap(),
    )
    .unwrap()
}

fn count(db: &TestDb, sql: &str) -> i64 {
    db.count_where(sql)
}

#[actix_web::test]
async fn a_month_imported_after_it_closed_opens_its_cases_as_violations_once() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.import_ok(ImportKind::Timecard, july().as_bytes());

        // Nothing opened yet: no daily job ran in July.
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM interviews WHERE month = '2024-07'"),
            0
        );
        let first = recheck_on(&db, "2024-08-20");
        // June and July have rows; August (today's) and July because the
        // doctors list was imported (levels and managers may have changed).
        assert_eq!(first.months, ["2024-06", "2024-07", "2024-08"], "{first:?}");
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM interviews WHERE month = '2024-07'"),
            2,
            "A01 and C03"
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM measures WHERE month = '2024-07'"),
            1,
            "C03"
        );
        let opened = kinmu::db::interviews::interviews_in_month(&mut db.conn(), "2024-07").unwrap();
        assert!(opened.iter().all(|i| i.opened_late()), "{opened:?}");
        assert!(
            first.interviews_opened_late >= 2 && first.measures_opened_late == 1,
            "{first:?}"
        );

        // The manager and HR are told what happened, once each.
        let late = |to: &str| {
            count(
                &db,
                &format!(
                    "SELECT COUNT(*) AS n FROM outbox WHERE reason = 'interview_found_late' AND month = '2024-07' AND recipient = '{to}'"
                ),
            )
        };
        assert_eq!(late("boss@example.org"), 2);
        assert_eq!(late("jinji@example.org"), 2);
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM outbox WHERE reason = 'measures_found_late' AND recipient = 'boss@example.org'"),
            1
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) AS n FROM outbox WHERE reason = 'precheck_needed' AND month = '2024-07'"
            ),
            0,
            "no pre-check is asked for in a closed month"
        );

        // Nothing changed since: nothing to do.
        assert!(recheck_on(&db, "2024-08-20").months.is_empty());
        // Even read again from the start (a lost mark, a second instance),
        // nothing opens or mails twice.
        let (cases, mails) = (
            count(&db, "SELECT COUNT(*) AS n FROM interviews") + count(&db, "SELECT COUNT(*) AS n FROM measures"),
            count(&db, "SELECT COUNT(*) AS n FROM outbox"),
        );
        diesel::RunQueryDsl::execute(diesel::sql_query("DELETE FROM recheck_marks"), &mut db.conn()).unwrap();
        let again = recheck_on(&db, "2024-08-20");
        assert_eq!(again.months, ["2024-06", "2024-07", "2024-08"]);
        assert_eq!(
            (again.interviews_scheduled, again.measures_opened, again.alerts_queued),
            (0, 0, 0)
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM interviews") + count(&db, "SELECT COUNT(*) AS n FROM measures"),
            cases
        );
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM outbox"), mails);

        // A re-export of one July week re-checks July only.
        let week: String = july()
            .lines()
            .filter(|l| l.starts_with("staff_id") || (l.starts_with("D04") && l.contains("2024-07-0")))
            .map(|l| format!("{}\n", l.replace("17:30", "18:00")))
            .collect();
        db.import_ok(ImportKind::Timecard, week.as_bytes());
        assert_eq!(recheck_on(&db, "2024-08-20").months, ["2024-07"]);

        // The manager's list says so.
        let service = db.spawn().await;
        let mut boss = service.signed_in("boss").await;
        let list = boss.get("/interviews?month=2024-07").await;
        assert_eq!(list.status, 200);
        assert_eq!(
            list.body.matches(r#"data-violation="found-late""#).count(),
            2,
            "{}",
            list.body
        );
        // And so does the inspector's (ウ): the two doctors, as violations.
        let c = boss.get("/print/c.csv?fy=2024&from=2024-07-01&to=2024-07-31").await;
        assert_eq!(c.status, 200, "{}", c.body);
        let late: Vec<&str> = c.body.lines().filter(|l| l.contains("違反（期限後に判明）")).collect();
        assert_eq!(late.len(), 2, "{}", c.body);
        assert!(late.iter().any(|l| l.contains("A01")) && late.iter().any(|l| l.contains("C03")));
    }
}

#[test]
fn the_running_month_is_opened_in_time_by_the_same_recheck() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    // As of 14 June, June is running: its cases are not late.
    let s = recheck_on(&db, "2024-06-14");
    assert_eq!(
        s.months,
        ["2024-05", "2024-06"],
        "June's rows, May for the doctors list"
    );
    assert_eq!(s.interviews_scheduled, 3, "{s:?}");
    // C03 had passed 100 h before kinmu first looked (a violation); A01
    // and B02 are found before their deadline.
    assert_eq!((s.interviews_opened_late, s.measures_opened_late), (1, 0), "{s:?}");
    let june = kinmu::db::interviews::interviews_in_month(&mut db.conn(), "2024-06").unwrap();
    assert_eq!(june.iter().filter(|i| i.opened_late()).count(), 1);
    assert_eq!(
        db.count_where("SELECT COUNT(*) AS n FROM outbox WHERE reason = 'interview_found_late'"),
        0,
        "a running month's late case is an overdue notice, as before"
    );
    // The daily job of the same day finds them open already.
    assert_eq!(
        run_daily(&db, &settings(&db, None), "2024-06-14").interviews_scheduled,
        0
    );
}

#[actix_web::test]
async fn the_dashboard_says_what_its_figures_rest_on_and_when_a_month_has_no_data() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let service = db.spawn().await;
    let mut hr = service.signed_in("jinji").await;
    let june = hr.get("/?month=2024-06").await;
    assert_eq!(june.status, 200);
    let freshness = june
        .body
        .split(r#"id="freshness""#)
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        freshness.contains(r#"data-source="timecard">タイムカード"#) && freshness.contains("2024-06-14まで"),
        "{freshness}"
    );
    assert!(
        freshness.contains("PCログ") && freshness.contains("未取込"),
        "{freshness}"
    );
    assert!(!june.body.contains(r#"id="no-data""#));
    // July has nothing yet: its 0:00 is missing data, and the page says so.
    let july = hr.get("/?month=2024-07").await;
    assert!(july.body.contains(r#"id="no-data""#), "{}", july.body);
}

/// The freshness line reads the latest end by the start index, within
/// MAX_SHIFT (48 h) of the latest start: a 46.5-hour row that starts first
/// but ends last still sets the timecard's "through" day; a PC session
/// ending after a later one sets the PC log's; a month without rows says so.
#[test]
fn the_latest_end_is_found_when_an_earlier_row_ends_last() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(
            ImportKind::Doctors,
            b"staff_id,name,level,email,manager_login\nX01,X 1,A,x01@example.org,boss\nX02,X 2,A,x02@example.org,boss\n",
        );
        db.import_ok(
            ImportKind::Timecard,
            b"staff_id,date,clock_in,clock_out,break_minutes\nX01,2024-06-11,00:30,47:00,60\nX02,2024-06-11,08:00,17:00,60\n",
        );
        db.import_ok(
            ImportKind::Pclog,
            b"account,pc_name,logon,logoff\nX01,,2024-06-08T09:00,2024-06-12T07:00\nX02,,2024-06-11T09:00,2024-06-11T10:00\n",
        );
        let mut conn = db.conn();
        let june =
            kinmu::report::freshness::of_month(&mut conn, kinmu::domain::time::YearMonth::parse("2024-06").unwrap())
                .unwrap();
        let through: Vec<(&str, Option<NaiveDate>, bool)> =
            june.sources.iter().map(|s| (s.kind, s.through, s.in_month)).collect();
        assert_eq!(
            through,
            vec![
                ("timecard", Some(date("2024-06-12")), true),
                ("roster", None, false),
                ("pclog", Some(date("2024-06-12")), true),
            ],
            "{backend:?}"
        );
        let july =
            kinmu::report::freshness::of_month(&mut conn, kinmu::domain::time::YearMonth::parse("2024-07").unwrap())
                .unwrap();
        assert!(
            july.no_timecards() && july.sources.iter().all(|s| !s.in_month),
            "{backend:?}"
        );
    }
}
