//! The monthly check of a closed agreement month (rules §19, formats.md
//! C.7): the count of doctors expected at ≥ 100 h is frozen by the first
//! check and reported again, with today's count and the doctors who reached
//! it late, by every later one and by the inspection pack's checklist.

use crate::helpers::*;
use chrono::{Datelike, NaiveDate};
use kinmu::domain::YearMonth;
use kinmu::ingest::ImportKind;
use kinmu::monitor::mailer::Mailer;
use kinmu::monitor::monthly;
use kinmu::report::inspection::{checklist, Scope};
use std::fmt::Write;

const DOCTORS: &str = "staff_id,name,level,email\n\
FZA,青木 一郎,B,fza@example.org\n\
FZB,馬場 二郎,B,fzb@example.org\n";

/// A works 08:00–23:00 on the weekdays through 12 June (360 min overtime
/// each, 2,880: projected past 100 h by the daily run of the 12th) and not
/// after; B works 08:00–21:55 every weekday of June (295 each: 5,900).
fn june() -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for d in YearMonth::parse("2024-06").unwrap().iter_days() {
        if d.weekday().num_days_from_monday() >= 5 {
            continue;
        }
        if d.day() <= 12 {
            writeln!(s, "FZA,{d},08:00,23:00,60").unwrap();
        }
        writeln!(s, "FZB,{d},08:00,21:55,60").unwrap();
    }
    s
}

fn at(d: &str, hm: (u32, u32)) -> chrono::NaiveDateTime {
    date(d).and_hms_opt(hm.0, hm.1, 0).unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fz_1_the_first_check_freezes_the_count_and_a_later_check_names_the_doctor_who_reached_it_late() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        // A only, through the 12th: the daily run of 06-12 opens A's
        // interview (projected_over_100).
        let a_rows: String = june()
            .lines()
            .filter(|l| !l.starts_with("FZB"))
            .map(|l| format!("{l}\n"))
            .collect();
        db.import_ok(ImportKind::Timecard, a_rows.as_bytes());
        let s = settings(db, None);
        let daily = run_daily(db, &s, "2024-06-12");
        assert_eq!(daily.interviews_scheduled, 1, "{daily:?}");
        // B's June arrives before the check: 5,900, no interview.
        let b_rows: String = june()
            .lines()
            .filter(|l| !l.starts_with("FZA"))
            .map(|l| format!("{l}\n"))
            .collect();
        db.import_ok(ImportKind::Timecard, b_rows.as_bytes());
        let r = db.report("2024-06", "2024-06-30");
        assert_eq!(doctor(&r, "FZB").overtime_holiday_minutes, 5900);
        assert!(doctor(&r, "FZA").overtime_holiday_minutes < 6000);

        let mailer = Mailer::from_url(None, &s.mail_from).unwrap();
        let june = YearMonth::parse("2024-06").unwrap();
        let first = monthly::run(&mut db.conn(), &s, &mailer, june, at("2024-07-01", (5, 30))).unwrap();
        assert_eq!(first.expected_100, vec!["FZA".to_string()]);
        assert_eq!(first.expected_100_count, 1);
        assert_eq!(first.expected_100_now, first.expected_100);
        assert!(first.reached_after_check.is_empty());
        assert_eq!(first.frozen_at, Some(at("2024-07-01", (5, 30))));
        assert_eq!(
            (first.month_first_day, first.month_last_day),
            (Some(date("2024-06-01")), Some(date("2024-06-30")))
        );

        // Late timecards: B worked Saturday the 29th too, 300 minutes of
        // weekly overtime — 6,200.
        db.import_ok(
            ImportKind::Timecard,
            b"staff_id,date,clock_in,clock_out,break_minutes\nFZB,2024-06-29,09:00,14:00,0\n",
        );
        assert_eq!(
            doctor(&db.report("2024-06", "2024-06-30"), "FZB").overtime_holiday_minutes,
            6200
        );

        // The second check, by the command: the frozen list stays, today's
        // list and the doctor who reached it late beside it (C.7).
        let out = db.kinmu(&["jobs", "monthly", "--month", "2024-06"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let j = stdout_json(&out);
        assert_eq!(j["month"], "2024-06");
        assert_eq!(j["month_first_day"], "2024-06-01");
        assert_eq!(j["month_last_day"], "2024-06-30");
        assert_eq!(strings(&j["expected_100"]), vec!["FZA"]);
        assert_eq!(j["expected_100_count"], 1);
        assert_eq!(j["frozen_at"], "2024-07-01T05:30");
        assert_eq!(strings(&j["expected_100_now"]), vec!["FZA", "FZB"]);
        assert_eq!(j["expected_100_count_now"], 2);
        assert_eq!(strings(&j["reached_after_check"]), vec!["FZB"]);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM monthly_checks WHERE month = '2024-06'"),
            1,
            "frozen once"
        );

        // The inspection pack's checklist 1.(4): the frozen count, today's
        // count and the late doctor beside it.
        let today = date("2024-07-11");
        let c = checklist(&mut db.conn(), &s.rules, 2024, today, &Scope::hospital()).unwrap();
        let row = c.rows().into_iter().find(|r| r.number == "1.(4)").unwrap();
        assert!(
            row.answer
                .contains("令和6年6月 1 人（現在 2 人、確定後に到達: 馬場 二郎（FZB））"),
            "{}",
            row.answer
        );
        assert!(
            row.basis.contains("令和6年6月: 2024-07-01 05:30 の月次確認で確定"),
            "{}",
            row.basis
        );
    });
}

#[test]
fn without_a_month_the_command_checks_the_last_agreement_month_that_ended_before_today() {
    each_backend(|db| {
        let out = db.kinmu(&["jobs", "monthly"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let j = stdout_json(&out);
        let today = settings(db, None).today();
        let last = YearMonth::of(today).previous();
        assert_eq!(j["month"], last.to_string());
        assert_eq!(j["month_last_day"], last.last_day().to_string());
        assert!(NaiveDate::parse_from_str(j["month_last_day"].as_str().unwrap(), "%Y-%m-%d").unwrap() < today);
        assert_eq!(j["expected_100_count"], 0);
    });
}

/// N (with an address) and M (without) work 08:00–22:00 every weekday of
/// June: 15,600 minutes, 5,315 beyond 40 h a week (rules §16: 88:35, over
/// the 80 h line); U works ordinary days (9,600: none).
const ANEI_DOCTORS: &str = "staff_id,name,level,email\n\
ANN,野村 直子,B,ann@example.org\n\
ANM,<b>森 正</b>,B,\n\
ANU,上野 歩,A,anu@example.org\n";

fn anei_june() -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for d in YearMonth::parse("2024-06").unwrap().iter_days() {
        if d.weekday().num_days_from_monday() < 5 {
            writeln!(s, "ANN,{d},08:00,22:00,60").unwrap();
            writeln!(s, "ANM,{d},08:00,22:00,60").unwrap();
            writeln!(s, "ANU,{d},08:30,17:30,60").unwrap();
        }
    }
    s
}

#[actix_web::test]
async fn the_80_hour_notice_goes_to_the_doctor_once_and_one_without_an_address_is_shown_to_hr() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, ANEI_DOCTORS.as_bytes());
        db.import_ok(ImportKind::Timecard, anei_june().as_bytes());
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        let r = db.report("2024-06", "2024-06-30");
        assert!(doctor(&r, "ANN").anei_over_80 && doctor(&r, "ANM").anei_over_80);
        assert!(!doctor(&r, "ANU").anei_over_80);
        let excess = doctor(&r, "ANN").anei_excess_minutes;
        assert!(excess > 4800, "{excess}");

        let sink = SmtpSink::start();
        let mut s = settings(&db, Some(&sink));
        s.occupational_physician_email = Some("sangyoi@example.org".into());
        let app = kinmu::app::App::open(s).unwrap();
        let service = spawn_with(app).await;
        let june = Some(YearMonth::parse("2024-06").unwrap());
        let check = || match service.run_job(kinmu::jobs::Job::Monthly { month: june }) {
            kinmu::jobs::Outcome::Monthly(c) => c,
            other => panic!("{other:?}"),
        };
        let first = check();
        assert_eq!(first.anei_over_80, vec!["ANM".to_string(), "ANN".into()]);
        assert_eq!(
            first.anei_notices_queued, 2,
            "N's mail and the 産業医's list: {first:?}"
        );
        assert_eq!(first.anei_not_sent, vec!["ANM".to_string()]);
        let second = check();
        assert_eq!(second.anei_over_80, first.anei_over_80);
        assert_eq!(second.anei_notices_queued, 0, "never twice: {second:?}");
        assert_eq!(second.anei_not_sent, vec!["ANM".to_string()]);

        let to = |addr: &str| {
            sink.messages()
                .into_iter()
                .filter(|m| m.to == [addr])
                .collect::<Vec<_>>()
        };
        let to_n = to("ann@example.org");
        assert_eq!(to_n.len(), 1, "one notice to N across two checks on {backend:?}");
        let text = to_n[0].text().unwrap();
        assert!(text.contains("野村 直子 先生"), "{text}");
        assert!(
            text.contains(&format!(
                "80時間を超えた時間：{}",
                kinmu::domain::time::format_hm(excess)
            )),
            "{text}"
        );
        assert!(text.contains("第66条の8"), "{text}");
        let lists = to("sangyoi@example.org");
        assert_eq!(lists.len(), 1, "one list to the 産業医");
        let list = lists[0].text().unwrap();
        assert!(
            list.contains("野村 直子（職員番号 ANN）") && list.contains("<b>森 正</b>（職員番号 ANM）"),
            "{list}"
        );
        assert!(!lists[0].html().unwrap().contains("<b>森"), "escaped in HTML");
        assert!(to("anu@example.org").is_empty());
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM anei_notices WHERE month = '2024-06' AND status = 'not_sent'"),
            1
        );
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM anei_notices"), 2);

        // HR sees the doctor who could not be told, escaped.
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/?month=2024-07").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("id=\"anei-not-sent\""), "{}", page.body);
        assert!(
            page.body
                .contains("&#60;b&#62;森 正&#60;/b&#62;（ANM）超えた時間 88:35"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("<b>森"));

        // Once M has an address, the next check mails M's notice — once.
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,level,email\nANM,<b>森 正</b>,B,anm@example.org\n".as_bytes(),
        );
        let third = check();
        assert_eq!(third.anei_notices_queued, 1, "{third:?}");
        assert!(third.anei_not_sent.is_empty());
        check();
        assert_eq!(to("anm@example.org").len(), 1);
        assert_eq!(to("sangyoi@example.org").len(), 1, "M was listed already");
    }
}

#[test]
fn an_agreement_month_starting_on_the_16th_is_checked_over_its_own_days() {
    each_backend(|db| {
        // FZI works long weekdays 16 June – 15 July (the agreement month
        // 2024-06 of month_start_day 16), FZO the same hours 1–15 June
        // (the agreement month 2024-05): only FZI is expected in 2024-06.
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,level\nFZI,内田 一,B\nFZO,小田 二,B\n".as_bytes(),
        );
        let mut rows = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
        let (from, to) = (date("2024-06-01"), date("2024-07-15"));
        for d in from.iter_days().take_while(|d| *d <= to) {
            if d.weekday().num_days_from_monday() < 5 {
                let who = if d < date("2024-06-16") { "FZO" } else { "FZI" };
                writeln!(rows, "{who},{d},08:00,23:00,60").unwrap();
            }
        }
        db.import_ok(ImportKind::Timecard, rows.as_bytes());
        let mut s = settings(db, None);
        s.rules.calendar = kinmu::domain::agreement::AgreementCalendar::new(16, "04-16").unwrap();
        let mailer = Mailer::from_url(None, &s.mail_from).unwrap();
        let named = YearMonth::parse("2024-06").unwrap();
        let check = monthly::run(&mut db.conn(), &s, &mailer, named, at("2024-07-16", (5, 30))).unwrap();
        assert_eq!(check.month, "2024-06");
        assert_eq!(
            (check.month_first_day, check.month_last_day),
            (Some(date("2024-06-16")), Some(date("2024-07-15")))
        );
        assert_eq!(check.expected_100, vec!["FZI".to_string()]);
    });
}
