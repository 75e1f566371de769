//! Holiday work, day attribution, overtime and the month's figures
//! (rules §2–§6).
//!
//! A doctor's working rows are cut into pieces at every midnight and at every
//! scheduled start (所定始業) after the row's start day. The break is taken
//! from the pieces in time order (§3). A piece on the doctor's statutory
//! holiday (法定休日) is holiday work of that calendar day (§4); any other
//! piece is attributed to a day (§5): the row's start day until the next
//! day's scheduled start, then the next day, and so on — or, for a row that
//! starts on the statutory holiday, the day after the holiday. Daily and
//! weekly overtime are then counted per attributed day.

use super::agreement::{AgreementCalendar, AgreementLimits, Designation};
use super::profile::{HolidayStartTail, WeekdaySet};
use super::shift::{Kind, Shift};
use super::time::{midnight, minutes_between, Minutes, YearMonth};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// 8 hours: the daily limit of 労基法32条.
pub const DAILY_LIMIT: Minutes = 480;
/// 40 hours: the weekly limit of 労基法32条.
pub const WEEKLY_LIMIT: Minutes = 2400;

/// Hospital-wide settings the rules depend on (config file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleConfig {
    /// First day of the calendar week for weekly overtime (default Sunday).
    pub week_start: Weekday,
    /// Early-warning level on overtime + holiday minutes (default 4800 = 80 h).
    pub watch_minutes: Minutes,
    /// Uncovered PC minutes a day above which the day is a discrepancy (default 30).
    pub discrepancy_minutes: Minutes,
    /// The hospital's scheduled start (所定始業, default 08:30).
    pub scheduled_start: NaiveTime,
    /// A-level grace after reaching 100 h, in days (default 7).
    pub a_level_grace_days: i64,
    /// How long working-time records are kept (rules §10).
    pub retention: super::retention::WorkRetention,
    /// The default schedule's end (所定終業, default 17:15; rules §2.1).
    pub scheduled_end: NaiveTime,
    /// The default schedule's days (default Monday to Friday; §2.1).
    pub scheduled_days: WeekdaySet,
    /// Dates on which the default schedule has no work (祝日, 年末年始; §2.1).
    pub scheduled_closed_dates: BTreeSet<NaiveDate>,
    /// How a holiday-started 勤務's own tail is counted (§5.1).
    pub holiday_start_tail: HolidayStartTail,
    /// Where agreement months and years start (§6.1).
    pub calendar: AgreementCalendar,
    /// 特定労務管理対象機関 designations (§7.2).
    pub designated_levels: Vec<Designation>,
    /// The 36協定's figures (§7.3–§7.5).
    pub agreement: AgreementLimits,
    /// PC minutes a day inside 研鑽 or permitted duty above which the day is
    /// a review item (default 30; §9).
    pub pc_review_minutes: Minutes,
    /// The hospital's normal weekly hours for doctors (default 2400; §18).
    pub staffing_weekly_minutes: Minutes,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            week_start: Weekday::Sun,
            watch_minutes: 4800,
            discrepancy_minutes: 30,
            scheduled_start: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN),
            a_level_grace_days: 7,
            retention: super::retention::WorkRetention::default(),
            scheduled_end: NaiveTime::from_hms_opt(17, 15, 0).unwrap_or(NaiveTime::MIN),
            scheduled_days: WeekdaySet::MON_FRI,
            scheduled_closed_dates: BTreeSet::new(),
            holiday_start_tail: HolidayStartTail::Separate,
            calendar: AgreementCalendar::default(),
            designated_levels: Vec::new(),
            agreement: AgreementLimits::default(),
            pc_review_minutes: 30,
            staffing_weekly_minutes: 2400,
        }
    }
}

/// What the rules need to know about one doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoctorRules {
    /// The statutory holiday weekday (法定休日), default Sunday.
    pub legal_holiday: Weekday,
    /// The doctor's scheduled start (所定始業).
    pub scheduled_start: NaiveTime,
}

impl DoctorRules {
    /// A doctor with the hospital's defaults, optionally overridden.
    pub fn new(cfg: &RuleConfig, legal_holiday: Weekday, scheduled_start: Option<NaiveTime>) -> Self {
        DoctorRules {
            legal_holiday,
            scheduled_start: scheduled_start.unwrap_or(cfg.scheduled_start),
        }
    }

    fn is_holiday(&self, d: NaiveDate) -> bool {
        d.weekday() == self.legal_holiday
    }
}

/// A working row on the minute grid, after the overlap rule of §2.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: NaiveDateTime,
    end: NaiveDateTime,
    break_minutes: Minutes,
}

/// The working rows of one doctor on the minute grid, in time order.
///
/// Where rounding (§1) makes a row's end pass the next row's start, the
/// later row starts at the earlier row's rounded end, so a shared minute
/// counts once (§2). Input overlap is refused at import; when a projection
/// puts an actual row beside a planned one that overlaps it, the same rule
/// keeps the overlapping minutes from being counted twice.
fn working_spans(shifts: &[Shift]) -> Vec<Span> {
    let mut rows: Vec<&Shift> = shifts.iter().filter(|s| s.kind().is_working()).collect();
    rows.sort_by_key(|s| (s.start(), s.end()));
    let mut spans = Vec::with_capacity(rows.len());
    let mut covered_until: Option<NaiveDateTime> = None;
    for s in rows {
        let end = s.rounded_end();
        let start = match covered_until {
            Some(c) if s.rounded_start() < c => c.min(end),
            _ => s.rounded_start(),
        };
        covered_until = Some(covered_until.map_or(end, |c| c.max(end)));
        if start < end {
            spans.push(Span {
                start,
                end,
                break_minutes: s.break_minutes(),
            });
        }
    }
    spans
}

/// A doctor's working minutes, day by day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayLedger {
    /// `R(d)`: non-holiday working minutes attributed to day `d` (§5).
    attributed: BTreeMap<NaiveDate, Minutes>,
    /// Holiday minutes falling inside the statutory holiday `d` (§4).
    holiday: BTreeMap<NaiveDate, Minutes>,
}

impl DayLedger {
    /// Builds the ledger of a doctor's rows (non-working kinds are ignored).
    pub fn new(shifts: &[Shift], doctor: &DoctorRules) -> DayLedger {
        let mut ledger = DayLedger::default();
        for_each_piece(shifts, doctor, |p| ledger.add(p));
        ledger
    }

    /// `R(d)`.
    pub fn attributed(&self, d: NaiveDate) -> Minutes {
        self.attributed.get(&d).copied().unwrap_or(0)
    }

    /// Holiday minutes of calendar day `d`.
    pub fn holiday(&self, d: NaiveDate) -> Minutes {
        self.holiday.get(&d).copied().unwrap_or(0)
    }

    fn add(&mut self, piece: Piece) {
        let minutes = minutes_between(piece.start, piece.end);
        let book = if piece.holiday {
            &mut self.holiday
        } else {
            &mut self.attributed
        };
        *book.entry(piece.day).or_default() += minutes;
    }
}

/// Worked minutes of one row between two cuts, after the break (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The worked minutes `start..end`: the break is taken from a piece's
    /// first minutes (§3: from the row's parts in time order).
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The calendar day of holiday work, else the attributed day (§5).
    pub day: NaiveDate,
    /// Holiday work (the piece lies in the statutory holiday, §4).
    pub holiday: bool,
}

/// Every worked piece of a doctor's rows, in time order (non-working kinds
/// are ignored). The ledger sums them; the minute 100 h is reached (§8.2)
/// walks them.
pub(crate) fn for_each_piece(shifts: &[Shift], doctor: &DoctorRules, mut f: impl FnMut(Piece)) {
    for span in working_spans(shifts) {
        span_pieces(span, doctor, &mut f);
    }
}

fn span_pieces(span: Span, doctor: &DoctorRules, f: &mut impl FnMut(Piece)) {
    let start_day = span.start.date();
    let from_holiday = doctor.is_holiday(start_day);
    let mut cuts: Vec<NaiveDateTime> = Vec::with_capacity(8);
    let mut day = start_day;
    while midnight(day) < span.end {
        let next = day + Duration::days(1);
        cuts.push(midnight(next));
        cuts.push(next.and_time(doctor.scheduled_start));
        day = next;
    }
    cuts.retain(|c| span.start < *c && *c < span.end);
    cuts.push(span.end);
    cuts.sort_unstable();
    cuts.dedup();

    let mut break_left = span.break_minutes;
    let mut piece_start = span.start;
    for piece_end in cuts {
        let length = minutes_between(piece_start, piece_end);
        let taken = break_left.min(length);
        break_left -= taken;
        if length > taken {
            let calendar_day = piece_start.date();
            let holiday = doctor.is_holiday(calendar_day);
            let day = if holiday {
                calendar_day
            } else if from_holiday {
                start_day + Duration::days(1)
            } else {
                attributed_day(start_day, piece_start, doctor.scheduled_start)
            };
            f(Piece {
                start: piece_start + Duration::minutes(taken),
                end: piece_end,
                day,
                holiday,
            });
        }
        piece_start = piece_end;
    }
}

/// The day a minute at `at` of a row started on `start_day` belongs to: the
/// start day until the next day's scheduled start, then each following day
/// from its own scheduled start (§5).
fn attributed_day(start_day: NaiveDate, at: NaiveDateTime, scheduled_start: NaiveTime) -> NaiveDate {
    let mut day = start_day;
    while at >= (day + Duration::days(1)).and_time(scheduled_start) {
        day += Duration::days(1);
    }
    day
}

/// The first day of the calendar week that contains `d`.
pub fn week_start_of(d: NaiveDate, week_start: Weekday) -> NaiveDate {
    let back = (7 + d.weekday().num_days_from_sunday() - week_start.num_days_from_sunday()) % 7;
    d - Duration::days(i64::from(back))
}

/// The overtime of each day from `from` to `to` (§5): daily overtime beyond
/// 8 h plus weekly overtime beyond 40 h, walking each calendar week from its
/// first day (so a week that starts in the previous month counts its days).
pub fn overtime_by_day(
    ledger: &DayLedger,
    from: NaiveDate,
    to: NaiveDate,
    week_start: Weekday,
) -> BTreeMap<NaiveDate, Minutes> {
    let mut out = BTreeMap::new();
    let mut cum = 0;
    for d in week_start_of(from, week_start).iter_days().take_while(|d| *d <= to) {
        if d.weekday() == week_start {
            cum = 0;
        }
        let r = ledger.attributed(d);
        let reg = r.min(DAILY_LIMIT);
        let daily = (r - DAILY_LIMIT).max(0);
        let weekly = reg.min(cum + reg - WEEKLY_LIMIT).max(0);
        cum += reg;
        if d >= from {
            out.insert(d, daily + weekly);
        }
    }
    out
}

/// A doctor's figures for one month (§6). All values are minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    pub total_work_minutes: Minutes,
    pub overtime_minutes: Minutes,
    pub holiday_minutes: Minutes,
    /// 時間外・休日労働時間: the figure every threshold uses.
    pub overtime_holiday_minutes: Minutes,
    pub self_study_minutes: Minutes,
    pub external_minutes: Minutes,
    pub duty_permitted_minutes: Minutes,
    /// `run(k)`: overtime + holiday minutes over days 1..=k, index k−1 (§8).
    #[serde(skip)]
    pub running: Vec<Minutes>,
}

/// Computes the month's figures from every row that can touch the month.
///
/// `shifts` must include the rows of the days before the month that share
/// its first calendar week (and up to two days before, for long rows), and
/// only rows that are to be counted (the caller filters by as-of date).
pub fn month_figures(shifts: &[Shift], doctor: &DoctorRules, month: YearMonth, week_start: Weekday) -> MonthFigures {
    let ledger = DayLedger::new(shifts, doctor);
    let overtime = overtime_by_day(&ledger, month.first_day(), month.last_day(), week_start);
    let mut f = MonthFigures::default();
    let mut run = 0;
    for d in month.iter_days() {
        let ot = overtime.get(&d).copied().unwrap_or(0);
        let hol = ledger.holiday(d);
        f.overtime_minutes += ot;
        f.holiday_minutes += hol;
        f.total_work_minutes += ledger.attributed(d) + hol;
        run += ot + hol;
        f.running.push(run);
    }
    f.overtime_holiday_minutes = f.overtime_minutes + f.holiday_minutes;
    for s in shifts.iter().filter(|s| month.contains(s.start_date())) {
        match s.kind() {
            Kind::SelfStudy => f.self_study_minutes += s.minutes(),
            Kind::External => f.external_minutes += s.minutes(),
            Kind::DutyPermitted => f.duty_permitted_minutes += s.minutes(),
            Kind::Work | Kind::Duty => {}
        }
    }
    f
}

/// The earliest row start that can change a month's figures: two days
/// (the longest row is 48 h) before the first day of the month's first week.
pub fn earliest_relevant_start(month: YearMonth, week_start: Weekday) -> NaiveDateTime {
    midnight(week_start_of(month.first_day(), week_start) - Duration::days(2))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::time::ClockReading;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }
    /// A row as an export writes it: date, clock in, clock out, break, kind.
    pub(crate) fn row(date: &str, clock_in: &str, clock_out: &str, brk: Minutes, kind: Kind) -> Shift {
        Shift::from_written(
            d(date),
            ClockReading::parse(clock_in).unwrap(),
            ClockReading::parse(clock_out).unwrap(),
            None,
            brk,
            kind,
        )
        .unwrap()
    }
    fn work(date: &str, clock_in: &str, clock_out: &str, brk: Minutes) -> Shift {
        row(date, clock_in, clock_out, brk, Kind::Work)
    }
    fn sunday_doctor() -> DoctorRules {
        DoctorRules::new(&RuleConfig::default(), Weekday::Sun, None)
    }
    fn june() -> YearMonth {
        YearMonth::parse("2024-06").unwrap()
    }

    #[test]
    fn a_saturday_night_shift_into_sunday_splits_at_midnight_for_a_sunday_holiday_doctor() {
        // 2024-06-01 is a Saturday. 18:00 → 09:00, 90 min break.
        // Saturday part 18:00–24:00 = 360, less the whole break = 270 ordinary.
        // Sunday part 00:00–09:00 = 540 holiday minutes.
        let ledger = DayLedger::new(&[work("2024-06-01", "18:00", "33:00", 90)], &sunday_doctor());
        assert_eq!(ledger.attributed(d("2024-06-01")), 270);
        assert_eq!(ledger.holiday(d("2024-06-02")), 540);
        assert_eq!(ledger.attributed(d("2024-06-02")), 0);
    }

    #[test]
    fn a_sunday_night_shift_into_monday_counts_only_sunday_as_holiday_and_gives_monday_the_rest() {
        // 2024-06-09 is a Sunday. 20:00 → 10:00, 60 min break from Sunday's part.
        // Sunday 20:00–24:00 = 240 − 60 = 180 holiday; Monday 00:00–10:00 = 600,
        // all attributed to Monday (the day after the holiday) even past 08:30.
        let ledger = DayLedger::new(&[work("2024-06-09", "20:00", "10:00", 60)], &sunday_doctor());
        assert_eq!(ledger.holiday(d("2024-06-09")), 180);
        assert_eq!(ledger.attributed(d("2024-06-10")), 600);
        assert_eq!(ledger.attributed(d("2024-06-09")), 0);
    }

    #[test]
    fn a_long_shift_belongs_to_its_start_day_until_the_next_scheduled_start() {
        // rules §5 example: 09:00 → next day 12:00, 3 h break, scheduled 09:00:
        // 21 h on day 1 (13 h overtime), 3 h ordinary on day 2.
        let doctor = DoctorRules::new(&RuleConfig::default(), Weekday::Sun, Some(t("09:00")));
        let nine = ClockReading::parse("09:00").unwrap();
        let noon = ClockReading::parse("12:00").unwrap();
        let shifts =
            [Shift::from_written(d("2024-06-04"), nine, noon, Some(d("2024-06-05")), 180, Kind::Work).unwrap()];
        let ledger = DayLedger::new(&shifts, &doctor);
        assert_eq!(ledger.attributed(d("2024-06-04")), 21 * 60);
        assert_eq!(ledger.attributed(d("2024-06-05")), 3 * 60);
        let ot = overtime_by_day(&ledger, d("2024-06-04"), d("2024-06-05"), Weekday::Sun);
        assert_eq!(ot[&d("2024-06-04")], 13 * 60);
        assert_eq!(ot[&d("2024-06-05")], 0);
    }

    #[test]
    fn minutes_before_the_scheduled_start_of_the_next_day_stay_on_the_start_day() {
        // Tuesday 17:00 → Wednesday 10:00, no break, scheduled start 08:30:
        // 17:00–08:30 (930) on Tuesday, 08:30–10:00 (90) on Wednesday.
        let ledger = DayLedger::new(&[work("2024-06-04", "17:00", "10:00", 0)], &sunday_doctor());
        assert_eq!(ledger.attributed(d("2024-06-04")), 930);
        assert_eq!(ledger.attributed(d("2024-06-05")), 90);
    }

    #[test]
    fn work_on_a_national_holiday_is_ordinary_time() {
        // 2024-07-15 (Mon) is 海の日, a 祝日 but not the statutory holiday:
        // 08:00–19:00 with 60 min break = 600, of which 120 is daily overtime.
        let ledger = DayLedger::new(&[work("2024-07-15", "08:00", "19:00", 60)], &sunday_doctor());
        assert_eq!(ledger.holiday(d("2024-07-15")), 0);
        assert_eq!(ledger.attributed(d("2024-07-15")), 600);
        let ot = overtime_by_day(&ledger, d("2024-07-15"), d("2024-07-15"), Weekday::Sun);
        assert_eq!(ot[&d("2024-07-15")], 120);
    }

    #[test]
    fn a_break_longer_than_the_first_days_part_continues_into_the_next_day() {
        // Saturday 23:00 → Sunday 07:00 with a 90 min break: Saturday's part
        // is 60 min and takes 60 of the break; the other 30 come off Sunday.
        let ledger = DayLedger::new(&[work("2024-06-01", "23:00", "07:00", 90)], &sunday_doctor());
        assert_eq!(ledger.attributed(d("2024-06-01")), 0);
        assert_eq!(ledger.holiday(d("2024-06-02")), 420 - 30);
    }

    #[test]
    fn a_doctor_whose_statutory_holiday_is_saturday_has_holiday_work_on_saturday_only() {
        let doctor = DoctorRules::new(&RuleConfig::default(), Weekday::Sat, None);
        let shifts = [
            work("2024-06-01", "09:00", "18:00", 60),
            row("2024-06-02", "09:00", "18:00", 60, Kind::External),
        ];
        let f = month_figures(&shifts, &doctor, june(), Weekday::Sun);
        assert_eq!(f.holiday_minutes, 480);
        assert_eq!(f.overtime_minutes, 0);
        assert_eq!(f.external_minutes, 480);
        assert_eq!(f.total_work_minutes, 960);
    }

    #[test]
    fn a_week_from_the_end_of_may_counts_its_may_days_toward_june_weekly_overtime() {
        // Week Sun 26 May – Sat 1 June. Mon–Fri 27–31 May: 660 each (180 daily
        // overtime each, all in May), 480 regular each → 2400 by Friday.
        // Saturday 1 June 18:00 → 09:00 (90 break): 270 ordinary, all weekly
        // overtime because the week already holds 40 h; 540 holiday on Sunday.
        let mut shifts: Vec<Shift> = (27..=31)
            .map(|day| work(&format!("2024-05-{day}"), "08:00", "20:00", 60))
            .collect();
        shifts.push(work("2024-06-01", "18:00", "33:00", 90));
        let f = month_figures(&shifts, &sunday_doctor(), june(), Weekday::Sun);
        assert_eq!(f.overtime_minutes, 270);
        assert_eq!(f.holiday_minutes, 540);
        assert_eq!(f.overtime_holiday_minutes, 810);
        assert_eq!(f.total_work_minutes, 810);
        // The May days themselves are not June's.
        let may = month_figures(&shifts, &sunday_doctor(), june().previous(), Weekday::Sun);
        assert_eq!(may.overtime_minutes, 5 * 180);
    }

    #[test]
    fn weekly_overtime_counts_only_the_regular_hours_beyond_forty() {
        // Mon–Sat 3–8 June, 9 h a day with no break: 60 daily overtime each;
        // regular 480 each, so Saturday's 480 are all weekly overtime.
        let shifts: Vec<Shift> = (3..=8)
            .map(|day| work(&format!("2024-06-0{day}"), "08:00", "17:00", 0))
            .collect();
        let ledger = DayLedger::new(&shifts, &sunday_doctor());
        let ot = overtime_by_day(&ledger, d("2024-06-03"), d("2024-06-08"), Weekday::Sun);
        assert_eq!(ot[&d("2024-06-07")], 60);
        assert_eq!(ot[&d("2024-06-08")], 60 + 480);
        // With weeks starting on Monday the result is the same here, but the
        // Sunday before no longer belongs to this week.
        let ot_mon = overtime_by_day(&ledger, d("2024-06-03"), d("2024-06-08"), Weekday::Mon);
        assert_eq!(ot_mon.values().sum::<Minutes>(), 6 * 60 + 480);
    }

    #[test]
    fn permitted_duty_and_self_study_are_listed_but_not_working_time_while_a_side_job_is() {
        // Tuesday: permitted duty 17:00 → 08:30 (no work in it), self-study 2 h,
        // a side job 4 h on Wednesday evening after an 8 h day here.
        let shifts = [
            work("2024-06-04", "08:30", "17:00", 30),
            row("2024-06-04", "17:00", "08:30", 0, Kind::DutyPermitted),
            row("2024-06-05", "18:00", "20:00", 0, Kind::SelfStudy),
            work("2024-06-05", "08:30", "17:30", 60),
            row("2024-06-05", "20:30", "24:30", 0, Kind::External),
        ];
        let f = month_figures(&shifts, &sunday_doctor(), june(), Weekday::Sun);
        assert_eq!(f.duty_permitted_minutes, 930);
        assert_eq!(f.self_study_minutes, 120);
        assert_eq!(f.external_minutes, 240);
        // Working: Tue 480, Wed 480 + 240 (the side job is added up: 労基法38条).
        assert_eq!(f.total_work_minutes, 480 + 720);
        assert_eq!(f.overtime_minutes, 240);
    }

    #[test]
    fn an_unpermitted_duty_is_working_time() {
        let shifts = [row("2024-06-04", "17:00", "08:30", 0, Kind::Duty)];
        let f = month_figures(&shifts, &sunday_doctor(), june(), Weekday::Sun);
        assert_eq!(f.total_work_minutes, 930);
        assert_eq!(f.overtime_minutes, 930 - 480);
    }

    #[test]
    fn seconds_are_rounded_and_a_minute_shared_by_rounding_counts_once() {
        // 08:00:30 → 12:00:20 and 12:00:40 → 17:00:10, as written no overlap.
        // Rounded: 08:00 → 12:01 and 12:00 → 17:01; the later row starts at
        // 12:01, so 08:00 → 17:01 = 541 minutes in all, 61 of them overtime.
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let a = Shift::new(at("2024-06-04 08:00:30"), at("2024-06-04 12:00:20"), 0, Kind::Work).unwrap();
        let b = Shift::new(at("2024-06-04 12:00:40"), at("2024-06-04 17:00:10"), 0, Kind::Work).unwrap();
        assert!(!a.overlaps(&b));
        let ledger = DayLedger::new(&[a, b], &sunday_doctor());
        assert_eq!(ledger.attributed(d("2024-06-04")), 541);
    }

    #[test]
    fn holiday_minutes_of_a_row_started_in_the_previous_month_fall_in_the_month() {
        // Sat 2024-08-31 20:00 → Sun 2024-09-01 08:00: the Sunday part is
        // September's holiday work; the Saturday part is August's.
        let shifts = [work("2024-08-31", "20:00", "08:00", 0)];
        let sept = month_figures(
            &shifts,
            &sunday_doctor(),
            YearMonth::parse("2024-09").unwrap(),
            Weekday::Sun,
        );
        assert_eq!(sept.holiday_minutes, 480);
        assert_eq!(sept.total_work_minutes, 480);
        let aug = month_figures(
            &shifts,
            &sunday_doctor(),
            YearMonth::parse("2024-08").unwrap(),
            Weekday::Sun,
        );
        assert_eq!(aug.total_work_minutes, 240);
        assert_eq!(aug.holiday_minutes, 0);
    }

    #[test]
    fn the_running_total_adds_each_days_overtime_and_holiday_minutes() {
        let shifts = [
            work("2024-06-03", "08:00", "20:00", 60),
            work("2024-06-09", "08:00", "12:00", 0),
        ];
        let f = month_figures(&shifts, &sunday_doctor(), june(), Weekday::Sun);
        assert_eq!(f.running.len(), 30);
        assert_eq!(f.running[1], 0); // 2 June
        assert_eq!(f.running[2], 180); // 3 June: 11 h worked
        assert_eq!(f.running[8], 180 + 240); // 9 June: a Sunday
        assert_eq!(*f.running.last().unwrap(), f.overtime_holiday_minutes);
    }

    #[test]
    fn the_relevant_window_reaches_back_to_the_first_weeks_start_and_two_days_more() {
        // June 2024 starts on a Saturday; its week began on Sunday 26 May.
        assert_eq!(earliest_relevant_start(june(), Weekday::Sun), midnight(d("2024-05-24")));
        assert_eq!(week_start_of(d("2024-06-01"), Weekday::Mon), d("2024-05-27"));
        assert_eq!(week_start_of(d("2024-06-02"), Weekday::Sun), d("2024-06-02"));
    }
}
