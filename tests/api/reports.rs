//! The monthly report from stored rows: projection by roster, discrepancies
//! from PC logs, as-of handling and every doctor listed.

use crate::helpers::*;
use kinmu::ingest::ImportKind;
use std::fmt::Write;

const DOCTORS: &str = "staff_id,name,pc_account\nA01,青木 一郎,aoki\nB02,馬場 二郎,\nC03,千葉 三郎,\n";

/// Weekdays of June 2024 up to `last`, 08:00–22:00 with 60 min break:
/// 300 minutes of daily overtime each.
fn long_days(staff_id: &str, days: impl Iterator<Item = u32>) -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in days {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 6, day).unwrap();
        if chrono::Datelike::weekday(&d).num_days_from_monday() < 5 {
            writeln!(s, "{staff_id},{d},08:00,22:00,60").unwrap();
        }
    }
    s
}

#[test]
fn every_doctor_is_listed_in_staff_id_order_even_without_rows() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let r = db.report("2024-06", "2024-06-15");
        let ids: Vec<&str> = r.doctors.iter().map(|d| d.staff_id.as_str()).collect();
        assert_eq!(ids, vec!["A01", "B02", "C03"]);
        assert!(r
            .doctors
            .iter()
            .all(|d| d.total_work_minutes == 0 && d.reach_100_date.is_none()));
    });
}

#[test]
fn the_projection_follows_the_roster_when_there_is_one_and_is_linear_otherwise() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        // Both doctors worked the same long weekdays through Fri 14 June.
        db.import_ok(ImportKind::Timecard, long_days("A01", 1..=14).as_bytes());
        db.import_ok(ImportKind::Timecard, long_days("B02", 1..=14).as_bytes());
        // Only A01 has a roster: long days to the 28th.
        db.import_ok(ImportKind::Roster, long_days("A01", 1..=30).as_bytes());
        let r = db.report("2024-06", "2024-06-14");
        assert_eq!(r.as_of, date("2024-06-14"));
        let a = doctor(&r, "A01");
        let b = doctor(&r, "B02");
        assert_eq!(a.overtime_holiday_minutes, 3000);
        assert_eq!(b.overtime_holiday_minutes, 3000);
        // Roster: 20 long weekdays in June = 6000, reached on Fri 28 June.
        assert_eq!(a.projected_overtime_holiday_minutes, 6000);
        assert!(a.projected_over_100 && !a.over_100 && a.watch);
        assert_eq!(a.reach_100_date, Some(date("2024-06-28")));
        assert_eq!(a.interview_deadline, Some(date("2024-06-27")));
        // Linear: 3000 × 30 ÷ 14 = 6428; run(k) = 3000k/14 ≥ 6000 at k = 28.
        assert_eq!(b.projected_overtime_holiday_minutes, 6428);
        assert_eq!(b.reach_100_date, Some(date("2024-06-28")));
    });
}

#[test]
fn rows_after_the_as_of_date_are_not_counted_and_as_of_is_clamped_into_the_month() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        db.import_ok(ImportKind::Timecard, long_days("A01", 1..=30).as_bytes());
        assert_eq!(
            doctor(&db.report("2024-06", "2024-06-04"), "A01").overtime_holiday_minutes,
            600
        );
        let late = db.report("2024-06", "2024-08-01");
        assert_eq!(late.as_of, date("2024-06-30"));
        let a = doctor(&late, "A01");
        assert_eq!(a.overtime_holiday_minutes, 6000);
        assert!(a.over_100 && !a.over_155);
        let early = db.report("2024-06", "2024-01-01");
        assert_eq!(early.as_of, date("2024-06-01"));
    });
}

#[test]
fn pc_use_beyond_the_timecard_is_counted_as_open_discrepancies_up_to_the_as_of_date() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        db.import_ok(
            ImportKind::Timecard,
            b"staff_id,date,clock_in,clock_out\nA01,2024-06-03,08:30,17:30\nA01,2024-06-04,08:30,17:30\nA01,2024-06-05,08:30,17:30\n",
        );
        // 3rd: 45 min after clock-out (a discrepancy); 4th: exactly 30 (not);
        // 5th: 60 min but after the as-of date; the account is the PC name.
        let log = "staff_id,logon,logoff\n\
aoki,2024-06-03 08:25,2024-06-03 18:15\n\
aoki,2024-06-04 17:00,2024-06-04 18:00\n\
A01,2024-06-05 17:00,2024-06-05 18:30\n";
        db.import_ok(ImportKind::Pclog, log.as_bytes());
        assert_eq!(doctor(&db.report("2024-06", "2024-06-04"), "A01").open_discrepancies, 1);
        assert_eq!(doctor(&db.report("2024-06", "2024-06-05"), "A01").open_discrepancies, 2);
        // Discrepancies never change the hour figures.
        assert_eq!(
            doctor(&db.report("2024-06", "2024-06-05"), "A01").total_work_minutes,
            3 * 540
        );
    });
}

#[test]
fn a_week_spanning_two_months_counts_the_previous_months_days() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        let may = db.report("2024-05", "2024-05-31");
        // 27–31 May: 660 a day, 180 daily overtime each.
        assert_eq!(doctor(&may, "X1").overtime_minutes, 900);
        assert_eq!(doctor(&may, "X1").total_work_minutes, 3300);
        // June's 1st is weekly overtime on top of those days (the sample).
        assert_eq!(doctor(&db.report("2024-06", "2024-06-01"), "X1").overtime_minutes, 270);
    });
}
