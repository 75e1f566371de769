//! A doctor's page (issue 16 §2): it leads with what is wrong and what to
//! do next, the figures carry their state in words, and the timeline is in
//! the page's language with national holidays and the statutory holiday
//! marked in text — on both backends, through the real route.

use crate::helpers::*;
use chrono::{Datelike, NaiveDate};
use kinmu::ingest::ImportKind;
use std::fmt::Write;

/// E05 works 08:00–23:00 every day of May 2024: over 155 h, 100 h reached
/// mid-May, no interview ever arranged and no measures recorded.
fn e05_in_may(db: &TestDb) {
    db.import_ok(
        ImportKind::Doctors,
        "staff_id,name,department,level,manager_login\nE05,江藤 五郎,救急科,B,boss\n".as_bytes(),
    );
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in 1..=31 {
        let d = NaiveDate::from_ymd_opt(2024, 5, day).unwrap();
        writeln!(s, "E05,{d},08:00,23:00,60").unwrap();
    }
    db.import_ok(ImportKind::Timecard, s.as_bytes());
}

/// The text of the page's banner section.
fn banner(body: &str) -> &str {
    let start = body.find(r#"<section id="banner""#).expect("a banner");
    let end = start + body[start..].find("</section>").unwrap();
    &body[start..end]
}

#[actix_web::test]
async fn an_overdue_doctor_over_155_hours_without_an_interview_is_told_what_to_do_and_by_whom() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        e05_in_may(&db);
        let report = db.report("2024-05", "2024-05-31");
        let e05 = doctor(&report, "E05");
        assert!(
            e05.over_155,
            "the fixture is over 155 h: {}",
            e05.overtime_holiday_minutes
        );
        let service = db.spawn().await;
        for login in ["jinji", "boss"] {
            let mut b = service.signed_in(login).await;
            let page = b.get("/doctors/E05?month=2024-05&as_of=2024-05-31").await;
            assert_eq!(page.status, 200, "{login} on {backend:?}");
            let banner = banner(&page.body);
            // The state in words, with the figure.
            assert!(
                banner.contains(&format!(
                    "時間外・休日労働 {}（155時間超）",
                    kinmu::domain::time::format_hm(e05.overtime_holiday_minutes)
                )),
                "{banner}"
            );
            assert!(banner.contains(r#"role="alert""#), "a violation is announced");
            // The interview: never arranged, deadline passed.
            assert!(banner.contains(r#"data-alert="interview_overdue""#), "{banner}");
            assert!(banner.contains("面接指導が設定されないまま期限（") && banner.contains("期限超過"));
            assert!(banner.contains("面接指導を設定し") && banner.contains("<b class=\"owner\">人事</b>"));
            // Measures over 155 h: the manager's.
            assert!(banner.contains(r#"data-alert="measures_missing""#), "{banner}");
            assert!(banner.contains("就業上の措置") && banner.contains("<b class=\"owner\">所属長</b>"));
            assert!(banner.contains("違反"), "violations are said in words, not colour only");
            // Where it is done, for the one who may go there.
            if login == "jinji" {
                assert!(banner.contains(r#"href="/interviews/manage?month=2024-05""#));
                assert!(!banner.contains(r#"href="/measures"#), "HR does not record measures");
            } else {
                assert!(banner.contains(r#"href="/measures?month=2024-05""#));
            }
            // The figure cards carry their state in words too.
            assert!(page.body.contains(r#"class="st over155" id="oh-card""#));
            assert!(page.body.contains(r#"<small class="state">155時間超</small>"#));
            assert!(page.body.contains(r#"<small class="state">期限超過</small>"#));
            assert!(!page.body.contains("対応が必要な事項はありません"));
        }
        // English: the same banner, every word switched.
        let mut hr = service.signed_in("jinji").await;
        hr.get("/lang/en?next=/").await;
        let en = hr.get("/doctors/E05?month=2024-05&as_of=2024-05-31").await;
        let b = banner(&en.body);
        assert!(
            b.contains("(over 155 h)") && b.contains("overdue by") && b.contains("the manager"),
            "{b}"
        );
        assert!(!b.contains("所属長") && !b.contains("期限"), "{b}");
    }
}

#[actix_web::test]
async fn a_quiet_doctor_gets_a_calm_line() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/doctors/D04?month=2024-06&as_of=2024-06-14").await;
        assert_eq!(page.status, 200);
        let banner = banner(&page.body);
        assert!(banner.contains(r#"role="status""#) && !banner.contains(r#"role="alert""#));
        assert!(
            banner.contains(r#"<p id="calm">対応が必要な事項はありません。"#),
            "{banner}"
        );
        assert!(banner.contains("（80時間未満）"));
        assert!(!banner.contains("data-alert="));
        // A01 (projected over 100 h, deadline passed, no case opened) is not calm.
        let a01 = hr.get("/doctors/A01?month=2024-06&as_of=2024-06-14").await;
        assert!(banner_of_a01_needs_action(&a01.body), "{}", self::banner(&a01.body));
    }
}

fn banner_of_a01_needs_action(body: &str) -> bool {
    let b = banner(body);
    b.contains("data-alert=\"interview_") && !b.contains("id=\"calm\"")
}

#[actix_web::test]
async fn the_timeline_says_weekdays_holidays_and_the_statutory_holiday_in_the_pages_language() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        // June 2024: 3 June is a Monday, Sundays are the statutory holiday
        // (the default), no national holiday.
        let june = hr.get("/doctors/D04?month=2024-06&as_of=2024-06-14").await;
        let body = &june.body;
        assert!(
            body.contains(">06/03 月<") && body.contains(">06/08 土<"),
            "weekday letters"
        );
        assert!(body.contains(">06/09 日 法休<"), "the statutory holiday in words");
        assert!(!body.contains(" Mon") && !body.contains(" Sun<"), "no English weekdays");
        assert!(
            body.contains("法休 = 法定休日") && body.contains("祝 = 祝日"),
            "a legend"
        );
        // July 2024: 15 July is 海の日 (a Monday).
        let july = hr.get("/doctors/D04?month=2024-07&as_of=2024-07-31").await;
        assert!(
            july.body.contains("<title>海の日</title>07/15 月 祝<"),
            "the holiday marked and named"
        );
        assert!(july.body.contains("祝日: 07/15 海の日"), "the chart's summary names it");
        assert!(july.body.contains(">07/14 日 法休<"));
        // In English.
        hr.get("/lang/en?next=/").await;
        let en = hr.get("/doctors/D04?month=2024-07&as_of=2024-07-31").await;
        assert!(
            en.body.contains("<title>Marine Day</title>07/15 Mon hol.<"),
            "English weekday and holiday"
        );
        assert!(en.body.contains(">07/14 Sun stat.<"));
        assert!(!en.body.contains("07/15 月"));
        // The statutory holiday follows the doctor: a Saturday one.
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,level,legal_holiday\nS06,佐野 六郎,A,sat\n".as_bytes(),
        );
        let sat = hr.get("/doctors/S06?month=2024-06&as_of=2024-06-14").await;
        assert_eq!(sat.status, 200);
        assert!(
            sat.body.contains(">06/08 Sat stat.<") && sat.body.contains(">06/09 Sun<"),
            "Saturday it is"
        );
        let first = NaiveDate::from_ymd_opt(2024, 6, 8).unwrap();
        assert_eq!(first.weekday(), chrono::Weekday::Sat);
    }
}

#[actix_web::test]
async fn the_charts_carry_their_values_and_say_their_data_in_words() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        e05_in_may(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/doctors/E05?month=2024-05&as_of=2024-05-31").await;
        let body = &page.body;
        let oh = doctor(&db.report("2024-05", "2024-05-31"), "E05").overtime_holiday_minutes;
        // The 12 months: May's bar carries its hours, the summary its figure.
        assert!(body.contains(&format!(">{}</text>", oh / 60)), "the value on the bar");
        assert!(body.contains(&format!("2024-05 {}（155時間超）", kinmu::domain::time::format_hm(oh))));
        assert!(body.contains(r#"role="img" aria-label="直近12か月の時間外・休日労働: "#));
        // Axis values in hours, threshold lines named, nothing under 11 px.
        assert!(body.contains(">時間</text>") && body.contains(">155時間</text>"));
        assert!(!body.contains(r#"font-size="10""#) && !body.contains(r#"font-size="9""#));
        // Each chart scrolls in its own box instead of shrinking on a phone,
        // a box the keyboard can reach (focusable, named).
        assert_eq!(
            body.matches(r#"<div class="chartbox" tabindex="0" role="region" aria-label=""#)
                .count(),
            3
        );
    }
}
