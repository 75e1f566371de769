//! When an interview is due and whether it was in time (rules §8.3–§8.5).
//!
//! Two dates and one instant decide everything:
//! - `reach_100_date`, the day the running total reaches 100 h (actual or
//!   projected), gives the **planning deadline**, the date people schedule
//!   against and the mails name;
//! - `reach_100_at`, the minute the *actual* month reached 100 h, decides
//!   whether an interview was **in time** (「百時間に達するまでの間に」 is a
//!   moment, not a day);
//! - the pre-checks' `recorded_at` instants decide the A-level exception:
//!   only a pre-check recorded before that minute can grant it (告示: 管理者
//!   が「事前に」確認), and a later one can shorten the deadline, never
//!   lengthen it.

use super::interview::Status;
use super::text::Label;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

/// The last second of a day.
pub fn end_of(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(23, 59, 59)
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN))
}

/// A minute as formats.md writes it: `YYYY-MM-DDTHH:MM`, or null.
pub fn minute<S: serde::Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => s.serialize_str(&at.format("%Y-%m-%dT%H:%M").to_string()),
        None => s.serialize_none(),
    }
}

/// A pre-check as the exception sees it: when it was saved and whether it
/// records a risk factor (rules §8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreCheckMark {
    pub recorded_at: NaiveDateTime,
    pub risk: bool,
}

/// The A-level exception's state (rules §8.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exception {
    #[default]
    /// The doctor's level is not A.
    NotApplicable,
    /// No pre-check before 100 h, or the one before records a risk factor.
    None,
    /// 100 h not reached yet; the latest pre-check records no risk factor.
    Provisional,
    /// A pre-check before 100 h found no risk, and none since found one.
    Established,
    /// Established, then a pre-check at or after 100 h found a risk factor:
    /// the interview is due on that pre-check's day.
    DueNow,
}

impl Exception {
    pub const ALL: [Exception; 5] = [
        Exception::NotApplicable,
        Exception::None,
        Exception::Provisional,
        Exception::Established,
        Exception::DueNow,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Exception::NotApplicable => "not_applicable",
            Exception::None => "none",
            Exception::Provisional => "provisional",
            Exception::Established => "established",
            Exception::DueNow => "due_now",
        }
    }

    pub fn parse(code: &str) -> Option<Exception> {
        Exception::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The one label table of the exception's states (screens, print).
    pub fn label(self) -> Label {
        match self {
            Exception::NotApplicable => Label::new("対象外（A水準以外）", "not applicable (not level A)"),
            Exception::None => Label::new("なし", "none"),
            Exception::Provisional => Label::new("事前確認済み（100時間到達前）", "pre-checked (before 100 h)"),
            Exception::Established => {
                Label::new("適用（事前確認で疲労の蓄積なし）", "applies (pre-checked, no fatigue)")
            }
            Exception::DueNow => Label::new("適用後にリスク判明（直ちに実施）", "risk found after (due now)"),
        }
    }

    /// Whether the deadline is the grace deadline after 100 h: the only
    /// case in which a deadline may move later.
    pub fn grants_grace(self) -> bool {
        matches!(
            self,
            Exception::Provisional | Exception::Established | Exception::DueNow
        )
    }
}

/// The A-level exception of a doctor's month (rules §8.4) and, when it is
/// `DueNow`, the day the risk factor was recorded.
///
/// `reach_100_at` is `None` while the actual month is below 6000; `now`
/// bounds the pre-checks taken into account then. Once it is reached, every
/// pre-check recorded after it counts, whenever recorded: a risk found
/// after 100 h makes the interview due on that day.
pub fn exception(
    level_a: bool,
    reach_100_at: Option<NaiveDateTime>,
    prechecks: &[PreCheckMark],
    now: NaiveDateTime,
) -> (Exception, Option<NaiveDate>) {
    if !level_a {
        return (Exception::NotApplicable, None);
    }
    // Before the minute 100 h was reached; while it is not, up to now.
    let counts = |p: &&PreCheckMark| match reach_100_at {
        Some(r) => p.recorded_at < r,
        None => p.recorded_at <= now,
    };
    let latest_before = prechecks.iter().filter(counts).max_by_key(|p| p.recorded_at);
    match (latest_before, reach_100_at) {
        (None, _) => (Exception::None, None),
        (Some(p), _) if p.risk => (Exception::None, None),
        (Some(_), None) => (Exception::Provisional, None),
        (Some(_), Some(r)) => {
            let risk_after = prechecks
                .iter()
                .filter(|p| p.recorded_at >= r && p.risk)
                .map(|p| p.recorded_at.date())
                .min();
            match risk_after {
                Some(day) => (Exception::DueNow, Some(day)),
                None => (Exception::Established, None),
            }
        }
    }
}

/// The planning deadline (rules §8.3): the day before `reach_100_date`;
/// with the exception, `grace_days` after it; due now, the day the risk
/// was recorded — never later than the exception's own deadline (a later
/// pre-check shortens the deadline, never lengthens it).
pub fn planning_deadline(
    reach_100_date: NaiveDate,
    exception: Exception,
    due_on: Option<NaiveDate>,
    grace_days: i64,
) -> NaiveDate {
    let grace = reach_100_date + Duration::days(grace_days);
    match (exception, due_on) {
        (Exception::DueNow, Some(day)) => day.min(grace),
        (e, _) if e.grants_grace() => grace,
        _ => reach_100_date - Duration::days(1),
    }
}

/// The instant an interview counts as held: `held_at`, or 24:00 of
/// `held_on` for a record with a date only (rules §8.3, protective).
pub fn held_instant(held_at: Option<NaiveDateTime>, held_on: Option<NaiveDate>) -> Option<NaiveDateTime> {
    held_at.or_else(|| held_on.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)))
}

/// One interview case, as stored, to be judged at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The planning deadline.
    pub deadline: NaiveDate,
    /// The minute the actual month reached 100 h, once it has.
    pub reach_100_at: Option<NaiveDateTime>,
    pub exception: Exception,
    /// The day the interview was held.
    pub held_on: Option<NaiveDate>,
    /// The minute it was held, when recorded to the minute.
    pub held_at: Option<NaiveDateTime>,
}

impl Due {
    /// When the interview counts as held (see [`held_instant`]).
    pub fn held(&self) -> Option<NaiveDateTime> {
        held_instant(self.held_at, self.held_on)
    }

    /// Whether the interview was in time (rules §8.3): `None` while the
    /// actual month is below 100 h; with the exception established (or due
    /// now), held on or before the deadline; otherwise held strictly before
    /// the minute 100 h was reached.
    pub fn in_time(&self) -> Option<bool> {
        let reach = self.reach_100_at?;
        Some(match (self.exception, self.held_on, self.held()) {
            (Exception::Established | Exception::DueNow, Some(day), _) => day <= self.deadline,
            (_, _, Some(h)) => h < reach,
            _ => false,
        })
    }

    /// The status at `now` (rules §8.5).
    pub fn status(&self, now: NaiveDateTime) -> Status {
        // Done once held; a record with a date only is done on its day
        // (its 24:00 reading is for "in time", not for the badge).
        let held = match (self.held_at, self.held_on) {
            (Some(at), _) => at <= now,
            (None, Some(on)) => on <= now.date(),
            (None, None) => false,
        };
        if held {
            return Status::Done;
        }
        let today = now.date();
        let overdue = match self.exception {
            Exception::Established | Exception::DueNow => today > self.deadline,
            Exception::None | Exception::NotApplicable => self.reach_100_at.is_some_and(|r| now >= r),
            Exception::Provisional => false,
        };
        if overdue {
            Status::Overdue
        } else if self.exception == Exception::DueNow && today == self.deadline {
            Status::DueNow
        } else {
            Status::Scheduled
        }
    }

    /// The planning deadline has passed while the actual month is still
    /// below 100 h (the interview is not late yet; the reminder goes out).
    pub fn past_planning_deadline(&self, now: NaiveDateTime) -> bool {
        self.reach_100_at.is_none() && self.held().is_none_or(|h| h > now) && now.date() > self.deadline
    }

    /// The day the month became a violation of the 100 h rule (rules §8.5):
    /// the day of the 100 h minute, or with the exception the day after
    /// the deadline; `None` while not reached or when in time.
    pub fn violation_from(&self) -> Option<NaiveDate> {
        let reach = self.reach_100_at?;
        if self.in_time() == Some(true) {
            return None;
        }
        Some(match self.exception {
            Exception::Established | Exception::DueNow => self.deadline + Duration::days(1),
            // The minute's own day: its end at 24:00 is still that day.
            _ => (reach - Duration::minutes(1)).date(),
        })
    }

    /// Days a late interview was held after its deadline (at least one):
    /// `None` in time, not held, or while 100 h is not reached.
    pub fn days_late(&self) -> Option<i64> {
        if self.in_time() != Some(false) {
            return None;
        }
        let day = self.held_on.or_else(|| self.held_at.map(|h| h.date()))?;
        Some((day - self.deadline).num_days().max(1))
    }
}

/// A doctor's month as the report shows its interview's timeliness
/// (`report monthly`, rules §8.3–§8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthDue {
    pub a_level_exception: Exception,
    /// With the exception due now, the day the risk factor was recorded.
    #[serde(skip)]
    pub due_on: Option<NaiveDate>,
    /// The planning deadline, while a reach date is known.
    pub interview_deadline: Option<NaiveDate>,
    pub interview_in_time: Option<bool>,
    pub monthly_100h_violation_from: Option<NaiveDate>,
    pub past_planning_deadline: bool,
}

/// What rules §8 make of a doctor's month as of `now` (the end of the as-of
/// day): `reach_100_date` from the running total (actual or projected),
/// `reach_100_at` from the actual rows, the pre-checks and the interview
/// recorded by then.
pub fn of_month(
    level_a: bool,
    reach_100_date: Option<NaiveDate>,
    reach_100_at: Option<NaiveDateTime>,
    prechecks: &[PreCheckMark],
    held: Option<(NaiveDate, Option<NaiveDateTime>)>,
    now: NaiveDateTime,
    grace_days: i64,
) -> MonthDue {
    let (exception, due_on) = exception(level_a, reach_100_at, prechecks, now);
    let due = reach_100_date.map(|reach| Due {
        deadline: planning_deadline(reach, exception, due_on, grace_days),
        reach_100_at,
        exception,
        held_on: held.map(|h| h.0),
        held_at: held.and_then(|h| h.1),
    });
    MonthDue {
        a_level_exception: exception,
        due_on,
        interview_deadline: due.map(|d| d.deadline),
        interview_in_time: due.and_then(|d| d.in_time()),
        monthly_100h_violation_from: due.and_then(|d| d.violation_from()),
        past_planning_deadline: due.is_some_and(|d| d.past_planning_deadline(now)),
    }
}

/// Days from reaching 100 h to the interview (inspection pack, exception
/// cases): `held_on − reach_100_date`.
pub fn days_after_reach(reach_100_date: NaiveDate, held_on: Option<NaiveDate>) -> Option<i64> {
    held_on.map(|h| (h - reach_100_date).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }
    fn check(recorded_at: &str, risk: bool) -> PreCheckMark {
        PreCheckMark {
            recorded_at: at(recorded_at),
            risk,
        }
    }
    /// The case of a §8 worked example: its exception, deadline and `Due`.
    fn case(
        level_a: bool,
        reach_date: &str,
        reach_at: Option<&str>,
        prechecks: &[PreCheckMark],
        held: Option<&str>,
        now: &str,
    ) -> (Exception, Due) {
        let reach_100_at = reach_at.map(at);
        let (e, due_on) = exception(level_a, reach_100_at, prechecks, at(now));
        let due = Due {
            deadline: planning_deadline(d(reach_date), e, due_on, 7),
            reach_100_at,
            exception: e,
            held_on: held.map(|h| at(h).date()),
            held_at: held.map(at),
        };
        (e, due)
    }

    #[test]
    fn e1_a_a_pre_check_after_100_hours_grants_nothing() {
        let checks = [check("2024-06-21T10:00", false)];
        let (e, due) = case(
            true,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &checks,
            Some("2024-06-24T10:00"),
            "2024-06-19T20:00",
        );
        assert_eq!(e, Exception::None);
        assert_eq!(due.deadline, d("2024-06-18"));
        let not_yet_held = Due {
            held_on: None,
            held_at: None,
            ..due
        };
        assert_eq!(not_yet_held.status(at("2024-06-19T20:00")), Status::Overdue);
        assert_eq!(due.in_time(), Some(false));
        assert_eq!(due.violation_from(), Some(d("2024-06-19")));
    }

    #[test]
    fn e1_b_a_pre_check_before_100_hours_without_risk_establishes_the_exception() {
        let checks = [check("2024-06-17T10:00", false)];
        let (e, due) = case(
            true,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &checks,
            Some("2024-06-24T10:00"),
            "2024-06-30T00:00",
        );
        assert_eq!(e, Exception::Established);
        assert_eq!(due.deadline, d("2024-06-26"));
        assert_eq!(due.in_time(), Some(true));
        assert_eq!(days_after_reach(d("2024-06-19"), Some(d("2024-06-24"))), Some(5));
        assert_eq!(due.violation_from(), None);
        assert_eq!(due.days_late(), None);
    }

    #[test]
    fn e1_c_a_risk_found_after_the_exception_makes_the_interview_due_now() {
        let checks = [check("2024-06-17T10:00", false), check("2024-06-21T10:00", true)];
        let (e, due) = case(
            true,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &checks,
            None,
            "2024-06-21T12:00",
        );
        assert_eq!(e, Exception::DueNow);
        assert_eq!(due.deadline, d("2024-06-21"));
        assert_eq!(due.status(at("2024-06-21T12:00")), Status::DueNow);
        assert_eq!(due.status(at("2024-06-22T09:00")), Status::Overdue);
        assert_eq!(due.violation_from(), Some(d("2024-06-22")));
        // The day before the risk was found the interview was not yet due.
        assert_eq!(due.status(at("2024-06-20T12:00")), Status::Scheduled);
    }

    #[test]
    fn a_risk_found_after_the_grace_deadline_does_not_put_the_deadline_back() {
        let checks = [check("2024-06-17T10:00", false), check("2024-06-30T10:00", true)];
        let (e, due) = case(
            true,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &checks,
            None,
            "2024-06-30T12:00",
        );
        assert_eq!(e, Exception::DueNow);
        assert_eq!(due.deadline, d("2024-06-26"), "shortened, never lengthened");
    }

    /// [ex K6] level B reaching 100 h at 2024-06-20 19:00 with no interview:
    /// a violation from that day, overdue the next morning.
    #[test]
    fn k6_reaching_100_hours_without_an_interview_is_a_violation_from_that_day() {
        let (e, due) = case(
            false,
            "2024-06-20",
            Some("2024-06-20T19:00"),
            &[],
            None,
            "2024-06-21T09:00",
        );
        assert_eq!(e, Exception::NotApplicable);
        assert_eq!(due.violation_from(), Some(d("2024-06-20")));
        assert_eq!(due.status(at("2024-06-21T09:00")), Status::Overdue);
    }

    #[test]
    fn e10_in_time_is_judged_on_the_minute_not_the_day() {
        let (e, due) = case(
            false,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &[],
            Some("2024-06-19T10:00"),
            "2024-06-30T00:00",
        );
        assert_eq!(e, Exception::NotApplicable);
        assert_eq!(due.deadline, d("2024-06-18"));
        assert_eq!(due.in_time(), Some(true));
        assert_eq!(due.violation_from(), None);
        assert_eq!(
            due.days_late(),
            None,
            "held the day after the planning deadline, yet in time"
        );
        // Held at the very minute 100 h was reached is not before it.
        let at_the_minute = Due {
            held_at: Some(at("2024-06-19T18:00")),
            ..due
        };
        assert_eq!(at_the_minute.in_time(), Some(false));
        assert_eq!(at_the_minute.days_late(), Some(1));
    }

    #[test]
    fn i_1_a_pre_check_the_same_day_before_the_minute_establishes_the_exception() {
        let checks = [check("2024-06-19T12:00", false)];
        let (e, due) = case(
            true,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &checks,
            None,
            "2024-06-20T00:00",
        );
        assert_eq!(e, Exception::Established);
        assert_eq!(due.deadline, d("2024-06-26"));
        // At the minute itself it is too late to grant it.
        let late = [check("2024-06-19T18:00", false)];
        let (e, _) = case(
            true,
            "2024-06-19",
            Some("2024-06-19T18:00"),
            &late,
            None,
            "2024-06-20T00:00",
        );
        assert_eq!(e, Exception::None);
    }

    #[test]
    fn i_2_an_interview_recorded_with_a_date_only_is_held_at_the_end_of_that_day() {
        let reach = Some(at("2024-06-19T18:00"));
        let judged = |held_on: &str| {
            Due {
                deadline: d("2024-06-18"),
                reach_100_at: reach,
                exception: Exception::NotApplicable,
                held_on: Some(d(held_on)),
                held_at: None,
            }
            .in_time()
        };
        assert_eq!(judged("2024-06-19"), Some(false));
        assert_eq!(judged("2024-06-18"), Some(true));
        assert_eq!(
            held_instant(Some(at("2024-06-18T09:30")), Some(d("2024-06-18"))),
            Some(at("2024-06-18T09:30"))
        );
    }

    #[test]
    fn i_3_before_100_hours_a_calm_pre_check_makes_the_exception_provisional() {
        let checks = [check("2024-06-14T09:00", false)];
        let (e, due) = case(true, "2024-06-25", None, &checks, None, "2024-06-15T09:00");
        assert_eq!(e, Exception::Provisional);
        assert_eq!(due.deadline, d("2024-07-02"));
        assert_eq!(due.status(at("2024-06-15T09:00")), Status::Scheduled);
        assert_eq!(due.in_time(), None);
        assert_eq!(due.violation_from(), None);
    }

    #[test]
    fn a_planning_deadline_passed_below_100_hours_is_a_reminder_not_a_violation() {
        let (_, due) = case(false, "2024-06-25", None, &[], None, "2024-06-26T09:00");
        assert_eq!(due.deadline, d("2024-06-24"));
        assert_eq!(due.status(at("2024-06-26T09:00")), Status::Scheduled);
        assert!(due.past_planning_deadline(at("2024-06-26T09:00")));
        assert!(!due.past_planning_deadline(at("2024-06-24T09:00")));
    }

    #[test]
    fn a_later_risky_pre_check_before_100_hours_withdraws_the_provisional_exception() {
        let checks = [check("2024-06-10T09:00", false), check("2024-06-14T09:00", true)];
        let (e, due) = case(true, "2024-06-25", None, &checks, None, "2024-06-15T09:00");
        assert_eq!(e, Exception::None);
        assert_eq!(due.deadline, d("2024-06-24"));
    }

    #[test]
    fn the_violation_day_of_a_minute_ending_at_midnight_is_the_day_it_was_worked() {
        let due = Due {
            deadline: d("2024-06-18"),
            reach_100_at: Some(at("2024-06-20T00:00")),
            exception: Exception::None,
            held_on: None,
            held_at: None,
        };
        assert_eq!(due.violation_from(), Some(d("2024-06-19")));
    }

    #[test]
    fn the_status_is_judged_on_the_day_asked_and_a_late_interview_says_how_late() {
        let due = Due {
            deadline: d("2024-06-18"),
            reach_100_at: d("2024-06-19").and_hms_opt(9, 0, 0),
            exception: Exception::None,
            held_on: Some(d("2024-07-11")),
            held_at: None,
        };
        // As of a 基準日 before it was held, it was overdue, not done.
        assert_eq!(due.status(end_of(d("2024-06-30"))), Status::Overdue);
        assert_eq!(due.status(end_of(d("2024-06-10"))), Status::Scheduled);
        assert_eq!(due.status(end_of(d("2024-07-11"))), Status::Done);
        assert_eq!(due.days_late(), Some(23));
        assert_eq!(Status::Done.words(Some(23), true), "期限後実施（23日遅延）");
        assert_eq!(Status::Done.words(Some(23), false), "held late (23 days)");
        // In time: plainly done.
        let in_time = Due {
            held_on: Some(d("2024-06-18")),
            ..due
        };
        assert_eq!(in_time.days_late(), None);
        assert_eq!(Status::Done.words(None, true), "実施済み");
    }

    #[test]
    fn every_exception_code_reads_back() {
        for e in Exception::ALL {
            assert_eq!(Exception::parse(e.code()), Some(e));
            assert!(!e.label().ja.is_empty());
        }
        assert_eq!(Exception::parse("grace"), None);
    }
}
