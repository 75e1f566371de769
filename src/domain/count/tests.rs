//! Cases of the engine beyond the worked examples: breaks across midnight,
//! weeks that start in the previous month, rounding, the reach minute.

use super::super::hours::RuleConfig;
use super::super::profile::{LegalHoliday, Profile, RosterView, StudyStatus};
use super::super::shift::{Kind, Shift};
use super::super::time::{ClockReading, Minutes, YearMonth};
use super::{count, Counted, Inputs, MonthFigures};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}
fn row(date: &str, clock_in: &str, clock_out: &str, brk: Minutes, kind: Kind) -> Shift {
    let c = |s: &str| ClockReading::parse(s).unwrap();
    Shift::from_written(d(date), c(clock_in), c(clock_out), None, brk, kind).unwrap()
}
fn work(date: &str, clock_in: &str, clock_out: &str, brk: Minutes) -> Shift {
    row(date, clock_in, clock_out, brk, Kind::Work)
}
fn june() -> YearMonth {
    YearMonth::parse("2024-06").unwrap()
}

/// Counts with the default profile (or `profile`), permits register off
/// when `register_off`.
fn counted_with(rows: &[Shift], profile: &Profile, register_off: bool) -> Counted {
    let roster = RosterView::default();
    count(
        Inputs {
            rows,
            profile,
            roster: &roster,
            published: &[],
            permitted: if register_off { None } else { Some(&[]) },
        },
        &RuleConfig::default(),
    )
}

fn month_of(rows: &[Shift], profile: &Profile, month: YearMonth) -> MonthFigures {
    counted_with(rows, profile, false).month(rows, profile, month, &RuleConfig::default().agreement)
}

fn june_of(rows: &[Shift]) -> MonthFigures {
    month_of(rows, &Profile::default(), june())
}

#[test]
fn a_break_longer_than_the_first_days_part_continues_into_the_next_day() {
    // Saturday 23:00 → Sunday 07:00 with a 90 min break: Saturday's part
    // is 60 min and takes 60 of the break; the other 30 come off Sunday.
    let f = june_of(&[work("2024-06-01", "23:00", "07:00", 90)]);
    assert_eq!(f.holiday_minutes, 420 - 30);
    assert_eq!(f.total_work_minutes, 390);
}

#[test]
fn a_doctor_whose_statutory_holiday_is_saturday_has_holiday_work_on_saturday_only() {
    let profile = Profile {
        legal_holiday: LegalHoliday::Fixed(Weekday::Sat),
        ..Profile::default()
    };
    let rows = [
        work("2024-06-01", "09:00", "18:00", 60),
        row("2024-06-02", "09:00", "18:00", 60, Kind::External),
    ];
    let f = month_of(&rows, &profile, june());
    assert_eq!(
        (f.holiday_minutes, f.overtime_minutes, f.external_minutes),
        (480, 0, 480)
    );
    assert_eq!((f.total_work_minutes, f.own_total_work_minutes), (960, 480));
}

#[test]
fn a_week_from_the_end_of_may_counts_its_may_days_toward_june_weekly_overtime() {
    // Mon–Fri 27–31 May: 660 each (180 daily overtime, May's), 480 regular
    // each → 2400 by Friday. Saturday 1 June 18:00 → 09:00 (90 break): 270
    // ordinary, all weekly overtime; 540 holiday on Sunday.
    let mut rows: Vec<Shift> = (27..=31)
        .map(|day| work(&format!("2024-05-{day}"), "08:00", "20:00", 60))
        .collect();
    rows.push(work("2024-06-01", "18:00", "33:00", 90));
    let f = june_of(&rows);
    assert_eq!((f.overtime_minutes, f.holiday_minutes), (270, 540));
    assert_eq!(f.weekly_overtime_minutes, 270);
    assert_eq!((f.overtime_holiday_minutes, f.total_work_minutes), (810, 810));
    let may = month_of(&rows, &Profile::default(), june().previous());
    assert_eq!(may.overtime_minutes, 5 * 180);
}

#[test]
fn weekly_overtime_counts_only_the_regular_hours_beyond_forty() {
    // Mon–Sat 3–8 June, 9 h a day with no break: 60 daily overtime each;
    // Saturday's 480 regular minutes are all weekly overtime.
    let rows: Vec<Shift> = (3..=8)
        .map(|day| work(&format!("2024-06-0{day}"), "08:00", "17:00", 0))
        .collect();
    let c = counted_with(&rows, &Profile::default(), false);
    let by_day = c.by_day();
    assert_eq!(by_day[&d("2024-06-07")].overtime, 60);
    assert_eq!(by_day[&d("2024-06-08")].overtime, 60 + 480);
    let f = june_of(&rows);
    assert_eq!((f.daily_overtime_minutes, f.weekly_overtime_minutes), (360, 480));
}

#[test]
fn permitted_duty_and_confirmed_self_study_outside_the_schedule_are_listed_but_not_working_time() {
    // With the permits register off (v1's reading): permitted duty 17:00 →
    // 08:30, a confirmed 研鑽 18:00–20:00 after the schedule, a side job 4 h
    // on Wednesday evening after an 8 h day here.
    let rows = [
        work("2024-06-04", "08:30", "17:00", 30),
        row("2024-06-04", "17:00", "08:30", 0, Kind::DutyPermitted),
        row("2024-06-05", "18:00", "20:00", 0, Kind::SelfStudy).with_study(StudyStatus::Confirmed),
        work("2024-06-05", "08:30", "17:30", 60),
        row("2024-06-05", "20:30", "24:30", 0, Kind::External),
    ];
    let profile = Profile::default();
    let f = counted_with(&rows, &profile, true).month(&rows, &profile, june(), &RuleConfig::default().agreement);
    assert_eq!((f.duty_permitted_minutes, f.duty_outside_permit_minutes), (930, 0));
    assert_eq!((f.self_study_minutes, f.self_study_excluded_minutes), (120, 120));
    assert_eq!(f.external_minutes, 240);
    assert_eq!(f.total_work_minutes, 480 + 720);
    // The week has external minutes (§5b.4): our 所定 465 and the side
    // job's 所定 240 make 705 on Wednesday, so 225 of the side job are its
    // overtime; our 15 minutes after 17:15 (所定外) come last: ours.
    assert_eq!(
        (f.overtime_minutes, f.external_overtime_minutes, f.own_overtime_minutes),
        (240, 225, 15)
    );
}

#[test]
fn permitted_duty_without_a_recorded_permit_is_working_time() {
    // rules §13.2: with the register required and no permit, the whole row
    // is duty: 17:00 → 08:30 = 930, its 08:30 end the next day's start.
    let rows = [row("2024-06-04", "17:00", "08:30", 0, Kind::DutyPermitted)];
    let f = june_of(&rows);
    assert_eq!((f.duty_permitted_minutes, f.duty_outside_permit_minutes), (0, 930));
    assert_eq!((f.total_work_minutes, f.overtime_minutes), (930, 450));
}

#[test]
fn d1_a_permit_covers_only_its_band() {
    // rules §13.2 D1: permit 22:00–07:00; 08:30–17:15 work and 17:15 →
    // 08:30 permitted duty: 540 permitted, 375 working, 375 daily overtime.
    let rows = [
        work("2024-06-03", "08:30", "17:15", 45),
        row("2024-06-03", "17:15", "08:30", 0, Kind::DutyPermitted),
    ];
    let permit = [(at("2024-06-03T22:00"), at("2024-06-04T07:00"))];
    let profile = Profile::default();
    let roster = RosterView::default();
    let c = count(
        Inputs {
            rows: &rows,
            profile: &profile,
            roster: &roster,
            published: &[],
            permitted: Some(&permit),
        },
        &RuleConfig::default(),
    );
    let f = c.month(&rows, &profile, june(), &RuleConfig::default().agreement);
    assert_eq!((f.duty_permitted_minutes, f.duty_outside_permit_minutes), (540, 375));
    assert_eq!(c.by_day()[&d("2024-06-03")].ordinary, 855);
    assert_eq!(f.daily_overtime_minutes, 375);
}

#[test]
fn seconds_are_rounded_and_a_minute_shared_by_rounding_counts_once() {
    // 08:00:30 → 12:00:20 and 12:00:40 → 17:00:10: rounded 08:00 → 12:01
    // and 12:00 → 17:01; the later row starts at 12:01: 541 minutes.
    let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
    let a = Shift::new(t("2024-06-04 08:00:30"), t("2024-06-04 12:00:20"), 0, Kind::Work).unwrap();
    let b = Shift::new(t("2024-06-04 12:00:40"), t("2024-06-04 17:00:10"), 0, Kind::Work).unwrap();
    assert!(!a.overlaps(&b));
    let f = june_of(&[a, b]);
    assert_eq!((f.total_work_minutes, f.overtime_minutes), (541, 61));
}

#[test]
fn holiday_minutes_of_a_row_started_in_the_previous_month_fall_in_the_month() {
    let rows = [work("2024-08-31", "20:00", "08:00", 0)];
    let sept = month_of(&rows, &Profile::default(), YearMonth::parse("2024-09").unwrap());
    assert_eq!((sept.holiday_minutes, sept.total_work_minutes), (480, 480));
    let aug = month_of(&rows, &Profile::default(), YearMonth::parse("2024-08").unwrap());
    assert_eq!((aug.total_work_minutes, aug.holiday_minutes), (240, 0));
}

#[test]
fn a_long_shift_belongs_to_its_start_day_until_the_next_scheduled_start() {
    // 09:00 → next day 12:00, 3 h break, scheduled 09:00: 21 h on day 1
    // (13 h overtime), 3 h ordinary on day 2.
    let profile = Profile {
        scheduled_start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        ..Profile::default()
    };
    let nine = ClockReading::parse("09:00").unwrap();
    let noon = ClockReading::parse("12:00").unwrap();
    let rows = [Shift::from_written(d("2024-06-04"), nine, noon, Some(d("2024-06-05")), 180, Kind::Work).unwrap()];
    let by_day = counted_with(&rows, &profile, false).by_day();
    assert_eq!(
        (by_day[&d("2024-06-04")].ordinary, by_day[&d("2024-06-04")].overtime),
        (1260, 780)
    );
    assert_eq!(
        (by_day[&d("2024-06-05")].ordinary, by_day[&d("2024-06-05")].overtime),
        (180, 0)
    );
}

/// Weekdays 08:00–22:00 with a 60-minute break: 300 minutes of overtime
/// each, worked 17:00–22:00 (the break is the first hour).
fn long_weekdays(month: YearMonth) -> Vec<Shift> {
    month
        .iter_days()
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .map(|d| work(&d.to_string(), "08:00", "22:00", 60))
        .collect()
}

fn reach(rows: &[Shift], line: Minutes) -> Option<NaiveDateTime> {
    counted_with(rows, &Profile::default(), false).reach(june(), line)
}

#[test]
fn the_6000th_minute_ends_at_the_days_last_overtime_minute() {
    // 300 a weekday: the 20th weekday (2024-06-28) ends the 6,000th at 22:00.
    let rows = long_weekdays(june());
    assert_eq!(june_of(&rows).overtime_holiday_minutes, 6000);
    assert_eq!(june_of(&rows).reach_100_at, Some(at("2024-06-28T22:00")));
    assert_eq!(reach(&rows, 6001), None);
    // The 120th minute of the 28th's overtime ends at 19:00.
    assert_eq!(reach(&rows, 5700 + 120), Some(at("2024-06-28T19:00")));
}

#[test]
fn weekly_overtime_minutes_are_the_weeks_last_in_time_order() {
    // Six 8-hour days Monday–Saturday: Saturday 09:00–17:00 is weekly overtime.
    let rows: Vec<Shift> = ["03", "04", "05", "06", "07", "08"]
        .iter()
        .map(|day| work(&format!("2024-06-{day}"), "09:00", "17:00", 0))
        .collect();
    assert_eq!(reach(&rows, 60), Some(at("2024-06-08T10:00")));
    assert_eq!(reach(&rows, 480), Some(at("2024-06-08T17:00")));
    assert_eq!(reach(&rows, 481), None);
}

#[test]
fn holiday_minutes_count_at_the_instant_they_were_worked() {
    let rows = vec![
        work("2024-06-02", "09:00", "12:00", 0),
        work("2024-06-03", "09:00", "19:00", 0),
    ];
    assert_eq!(reach(&rows, 180), Some(at("2024-06-02T12:00")));
    assert_eq!(reach(&rows, 181), Some(at("2024-06-03T17:01")));
    assert_eq!(reach(&rows, 300), Some(at("2024-06-03T19:00")));
    assert_eq!(reach(&rows, 301), None);
}
