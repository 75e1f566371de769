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
