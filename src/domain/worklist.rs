//! The 面接指導管理 work list of HR and the administrator (issue 13 item 7):
//! which interview and measures cases a filter keeps, and when a 予定日時
//! may be set. Pure: the status is [`Status`]'s, the violation the record's
//! (opened late, held late, or past its deadline without the interview).

use super::due::{end_of, Due};
use super::interview::Status;
use super::text::Label;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// A filter of the work list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// 期限超過: an interview past its deadline, not held.
    Overdue,
    /// 今週期限: an interview not held, due from today to this week's Sunday.
    DueThisWeek,
    /// 未割当: an interview not held without a physician.
    Unassigned,
    /// 予定未設定: an interview not held without a 予定日時.
    Unscheduled,
    /// 実施済・意見待ち: held, the physician's opinion not recorded.
    AwaitingOpinion,
    /// 措置未記録: a measures case whose measures are not recorded.
    MeasuresUnrecorded,
    /// 違反: a case opened after its deadline, an interview held late or
    /// past its deadline without being held.
    Violation,
}

impl Filter {
    pub const ALL: [Filter; 7] = [
        Filter::Overdue,
        Filter::DueThisWeek,
        Filter::Unassigned,
        Filter::Unscheduled,
        Filter::AwaitingOpinion,
        Filter::MeasuresUnrecorded,
        Filter::Violation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Filter::Overdue => "overdue",
            Filter::DueThisWeek => "due_this_week",
            Filter::Unassigned => "unassigned",
            Filter::Unscheduled => "unscheduled",
            Filter::AwaitingOpinion => "awaiting_opinion",
            Filter::MeasuresUnrecorded => "measures_unrecorded",
            Filter::Violation => "violation",
        }
    }

    pub fn parse(code: &str) -> Option<Filter> {
        Filter::ALL.into_iter().find(|f| f.code() == code.trim())
    }

    pub fn label(self) -> Label {
        match self {
            Filter::Overdue => Label::new("期限超過", "overdue"),
            Filter::DueThisWeek => Label::new("今週期限", "due this week"),
            Filter::Unassigned => Label::new("未割当", "no physician"),
            Filter::Unscheduled => Label::new("予定未設定", "not scheduled"),
            Filter::AwaitingOpinion => Label::new("実施済・意見待ち", "held, opinion pending"),
            Filter::MeasuresUnrecorded => Label::new("措置未記録", "measures not recorded"),
            Filter::Violation => Label::new("違反", "violation"),
        }
    }
}

/// What the work list knows of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Interview {
        /// The case as rules §8.2–§8.5 judge it.
        due: Due,
        has_physician: bool,
        scheduled: bool,
        has_opinion: bool,
        opened_late: bool,
    },
    Measures {
        recorded: bool,
        opened_late: bool,
    },
}

impl Case {
    /// Whether the case is a violation as of `today`.
    pub fn violation(&self, today: NaiveDate) -> bool {
        match *self {
            // Late data, a late interview, or 100 h reached without it
            // (from the day rules §8.5 gives, not before).
            Case::Interview { due, opened_late, .. } => {
                opened_late || due.violation_from().is_some_and(|from| from <= today)
            }
            Case::Measures { opened_late, .. } => opened_late,
        }
    }

    /// Whether the case is still to be acted on (shown from earlier months).
    pub fn open(&self) -> bool {
        match *self {
            Case::Interview { due, has_opinion, .. } => due.held_on.is_none() || !has_opinion,
            Case::Measures { recorded, .. } => !recorded,
        }
    }

    /// Whether `filter` keeps the case, as of `today`.
    pub fn matches(&self, filter: Filter, today: NaiveDate) -> bool {
        if filter == Filter::Violation {
            return self.violation(today);
        }
        match *self {
            Case::Interview {
                due,
                has_physician,
                scheduled,
                has_opinion,
                ..
            } => {
                let not_held = due.held_on.is_none();
                let deadline = due.deadline;
                match filter {
                    Filter::Overdue => due.status(end_of(today)) == Status::Overdue,
                    Filter::DueThisWeek => not_held && deadline >= today && deadline <= end_of_week(today),
                    Filter::Unassigned => not_held && !has_physician,
                    Filter::Unscheduled => not_held && !scheduled,
                    Filter::AwaitingOpinion => !not_held && !has_opinion,
                    Filter::MeasuresUnrecorded | Filter::Violation => false,
                }
            }
            Case::Measures { recorded, .. } => filter == Filter::MeasuresUnrecorded && !recorded,
        }
    }
}

/// The Sunday ending `today`'s week (Monday to Sunday).
pub fn end_of_week(today: NaiveDate) -> NaiveDate {
    today + Duration::days(6 - i64::from(today.weekday().num_days_from_monday()))
}

/// Why a 予定日時 is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleProblem {
    /// Before today.
    Past,
    /// The interview was held already.
    Held,
}

impl ScheduleProblem {
    pub fn message(self) -> &'static str {
        match self {
            ScheduleProblem::Past => {
                "予定日時に過去の日付は指定できません（今日以降を指定してください） / the scheduled date must be today or later"
            }
            ScheduleProblem::Held => "実施済みの面接指導の予定は変更できません / the interview was held already",
        }
    }
}

/// Checks a 予定日時: not on a day before `today` (earlier today is taken,
/// a time set after the fact the same day), not for a held interview.
pub fn check_schedule(at: NaiveDateTime, today: NaiveDate, held: bool) -> Result<(), ScheduleProblem> {
    if held {
        Err(ScheduleProblem::Held)
    } else if at.date() < today {
        Err(ScheduleProblem::Past)
    } else {
        Ok(())
    }
}

/// A 予定日時 as typed: `YYYY-MM-DDTHH:MM` (a datetime-local field),
/// `YYYY-MM-DD HH:MM`, or with seconds.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A case whose doctor reached 100 h just after its deadline day.
    fn due(deadline: &str, held: Option<&str>) -> Due {
        Due {
            deadline: d(deadline),
            reach_100_at: d(deadline).succ_opt().and_then(|r| r.and_hms_opt(0, 1, 0)),
            exception: crate::domain::due::Exception::None,
            held_on: held.map(d),
            held_at: None,
        }
    }

    fn interview(deadline: &str, held: Option<&str>) -> Case {
        Case::Interview {
            due: due(deadline, held),
            has_physician: true,
            scheduled: true,
            has_opinion: held.is_some(),
            opened_late: false,
        }
    }

    #[test]
    fn each_filter_keeps_what_it_says() {
        // Wednesday 2024-06-19; the week ends Sunday 2024-06-23.
        let today = d("2024-06-19");
        assert_eq!(end_of_week(today), d("2024-06-23"));
        assert_eq!(end_of_week(d("2024-06-23")), d("2024-06-23"));
        let overdue = interview("2024-06-18", None);
        let this_week = interview("2024-06-23", None);
        let next_week = interview("2024-06-24", None);
        assert!(overdue.matches(Filter::Overdue, today) && overdue.matches(Filter::Violation, today));
        assert!(!overdue.matches(Filter::DueThisWeek, today));
        assert!(this_week.matches(Filter::DueThisWeek, today) && !this_week.matches(Filter::Overdue, today));
        assert!(!next_week.matches(Filter::DueThisWeek, today) && !next_week.matches(Filter::Violation, today));
        let unassigned = Case::Interview {
            due: due("2024-06-30", None),
            has_physician: false,
            scheduled: false,
            has_opinion: false,
            opened_late: false,
        };
        assert!(unassigned.matches(Filter::Unassigned, today) && unassigned.matches(Filter::Unscheduled, today));
        assert!(!this_week.matches(Filter::Unassigned, today) && !this_week.matches(Filter::Unscheduled, today));
        let held_no_opinion = Case::Interview {
            due: due("2024-06-30", Some("2024-06-10")),
            has_physician: true,
            scheduled: false,
            has_opinion: false,
            opened_late: false,
        };
        assert!(held_no_opinion.matches(Filter::AwaitingOpinion, today));
        assert!(!held_no_opinion.matches(Filter::Unscheduled, today) && held_no_opinion.open());
        let late_held = interview("2024-06-01", Some("2024-06-05"));
        assert!(late_held.matches(Filter::Violation, today) && !late_held.matches(Filter::Overdue, today));
        assert!(!late_held.open());
        let opened_late = Case::Measures {
            recorded: false,
            opened_late: true,
        };
        assert!(
            opened_late.matches(Filter::MeasuresUnrecorded, today) && opened_late.matches(Filter::Violation, today)
        );
        let recorded = Case::Measures {
            recorded: true,
            opened_late: false,
        };
        for f in Filter::ALL {
            assert!(!recorded.matches(f, today), "{f:?}");
            assert_eq!(Filter::parse(f.code()), Some(f));
        }
    }

    #[test]
    fn a_schedule_is_today_or_later_and_only_before_the_interview() {
        let today = d("2024-06-19");
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
        assert_eq!(
            check_schedule(at("2024-06-18T23:59"), today, false),
            Err(ScheduleProblem::Past)
        );
        assert_eq!(check_schedule(at("2024-06-19T08:00"), today, false), Ok(()));
        assert_eq!(check_schedule(at("2024-07-01T14:30"), today, false), Ok(()));
        assert_eq!(
            check_schedule(at("2024-07-01T14:30"), today, true),
            Err(ScheduleProblem::Held)
        );
    }
}
