//! The dashboard's read model: every doctor's month as the monthly report
//! has it (`month::cache`, computed once for every reader), with the
//! doctor's department, the state the line is coloured by (rules §7) and the
//! month's interview. The screen (`web::ui::dashboard`) and the API
//! (`GET /api/v1/dashboard`) both render this; a manager sees their own
//! doctors (the access policy's rule, [`crate::policy::sees_dashboard_line`]).

use crate::db::{interviews as stored, queries, AnyConnection};
use crate::domain::interview::Status;
use crate::month::{DoctorMonth, MonthlyReport, ReportError};
use crate::policy::{self, Who};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// The state a doctor's month is coloured by (rules §7), strongest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Normal,
    Watch,
    Projected,
    Over100,
    Over155,
}

impl State {
    /// The state of a month: the strongest that applies.
    pub fn of(m: &DoctorMonth) -> State {
        if m.over_155 {
            State::Over155
        } else if m.over_100 {
            State::Over100
        } else if m.projected_over_100 {
            State::Projected
        } else if m.watch {
            State::Watch
        } else {
            State::Normal
        }
    }

    /// The stable code (the API's `state`, the screens' CSS class); empty
    /// for a month with nothing to watch.
    pub fn code(self) -> &'static str {
        match self {
            State::Normal => "",
            State::Watch => "watch",
            State::Projected => "projected",
            State::Over100 => "over100",
            State::Over155 => "over155",
        }
    }

    /// The states a dashboard counts, in the order of its chips.
    pub const COUNTED: [State; 4] = [State::Watch, State::Projected, State::Over100, State::Over155];
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The month's interview of a line's doctor.
#[derive(Debug, Clone, Serialize)]
pub struct InterviewRef {
    pub id: i64,
    pub status: Status,
    pub deadline: NaiveDate,
    /// Days it was held after its deadline, when held late.
    pub days_late: Option<i64>,
    /// Opened after its deadline (data came late): a violation.
    pub opened_late: bool,
    /// Held before the minute 100 h was reached (or within the A-level
    /// exception's deadline); null while the month is below 100 h.
    pub interview_in_time: Option<bool>,
}

/// One line of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub m: DoctorMonth,
    pub department: String,
    pub state: State,
    pub interview: Option<InterviewRef>,
}

/// What to show: all lines the viewer may see, or those of one department
/// and/or level.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub department: String,
    pub level: String,
}

/// The dashboard of a month.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The lines the viewer may see that pass the filter, in the report's
    /// (staff-id) order.
    pub lines: Vec<Line>,
    /// The departments of every line the viewer may see (for the filter).
    pub departments: Vec<String>,
}

impl Dashboard {
    /// How many lines are in `state`.
    pub fn count(&self, state: State) -> usize {
        self.lines.iter().filter(|l| l.state == state).count()
    }
}

/// The dashboard of `report`'s month for `who`, interview statuses as of
/// `today` (the report's 基準日, so that figures and badges agree).
pub fn dashboard(
    conn: &mut AnyConnection,
    report: &MonthlyReport,
    who: Who<'_>,
    filter: &Filter,
    today: NaiveDate,
) -> Result<Dashboard, ReportError> {
    let doctors = queries::all_doctors(conn)?;
    let doctors: HashMap<&str, _> = doctors.iter().map(|d| (d.staff_id.as_str(), d)).collect();
    // Judged with the month as just computed (the minute 100 h was reached,
    // the exception), at the end of the 基準日.
    let computed: HashMap<&str, &DoctorMonth> = report.doctors.iter().map(|m| (m.staff_id.as_str(), m)).collect();
    let interviews: HashMap<String, InterviewRef> = stored::interviews_of_month(conn, &report.month)?
        .into_iter()
        .map(|(staff_id, i)| {
            let due = match computed.get(staff_id.as_str()) {
                Some(m) => i.due_as_computed(m.reach_100_at, m.a_level_exception),
                None => i.due(),
            };
            let r = InterviewRef {
                id: i.id,
                status: due.status(crate::domain::due::end_of(today)),
                deadline: i.deadline,
                days_late: due.days_late(),
                opened_late: i.opened_late(),
                interview_in_time: due.in_time(),
            };
            (staff_id, r)
        })
        .collect();
    let mut departments = BTreeSet::new();
    let mut lines = Vec::new();
    for m in &report.doctors {
        let Some(d) = doctors.get(m.staff_id.as_str()) else {
            continue;
        };
        if !policy::sees_dashboard_line(who, (*d).into()) {
            continue;
        }
        let department = d.department.clone().unwrap_or_default();
        if let Some(dep) = &d.department {
            departments.insert(dep.clone());
        }
        if (!filter.department.is_empty() && department != filter.department)
            || (!filter.level.is_empty() && m.level != filter.level)
        {
            continue;
        }
        lines.push(Line {
            state: State::of(m),
            interview: interviews.get(&m.staff_id).cloned(),
            department,
            m: m.clone(),
        });
    }
    Ok(Dashboard {
        lines,
        departments: departments.into_iter().collect(),
    })
}

/// A 安衛法 80 h notice that could not be mailed (the doctor has no
/// address, rules §16): HR tells the doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeNotSent {
    pub month: String,
    pub staff_id: String,
    pub name: String,
    pub excess_minutes: i64,
}

/// The 安衛法 80 h notices of `months` (`YYYY-MM`) not mailed, of the doctors
/// whose line `who` may see, by month and staff id.
pub fn anei_not_sent(
    conn: &mut AnyConnection,
    who: Who<'_>,
    months: &[String],
) -> Result<Vec<NoticeNotSent>, ReportError> {
    let mut out = Vec::new();
    for month in months {
        for (n, d) in crate::db::monthly::anei_notices_of_month(conn, month)? {
            if n.status == crate::db::monthly::NOTICE_NOT_SENT && policy::sees_dashboard_line(who, (&d).into()) {
                out.push(NoticeNotSent {
                    month: n.month,
                    staff_id: d.staff_id,
                    name: d.name,
                    excess_minutes: n.excess_minutes.into(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(oh: i64, projected: i64) -> DoctorMonth {
        let flags = crate::domain::projection::Flags::new(oh, projected, 4800);
        DoctorMonth {
            staff_id: "X".into(),
            name: "X".into(),
            level: "A".into(),
            total_work_minutes: 0,
            overtime_minutes: oh,
            holiday_minutes: 0,
            overtime_holiday_minutes: oh,
            projected_overtime_holiday_minutes: projected,
            self_study_minutes: 0,
            external_minutes: 0,
            duty_permitted_minutes: 0,
            over_100: flags.over_100,
            over_155: flags.over_155,
            projected_over_100: flags.projected_over_100,
            projected_over_155: flags.projected_over_155,
            watch: flags.watch,
            reach_100_date: None,
            reach_100_at: None,
            interview_deadline: None,
            a_level_exception: crate::domain::due::Exception::NotApplicable,
            interview_in_time: None,
            monthly_100h_violation_from: None,
            past_planning_deadline: false,
            open_discrepancies: 0,
            ..DoctorMonth::default()
        }
    }

    #[test]
    fn a_month_is_coloured_by_its_strongest_state() {
        assert_eq!(State::of(&month(1000, 2000)), State::Normal);
        assert_eq!(State::of(&month(1000, 4800)), State::Watch);
        assert_eq!(State::of(&month(3000, 6000)), State::Projected);
        assert_eq!(State::of(&month(6000, 6100)), State::Over100);
        assert_eq!(State::of(&month(9301, 9400)), State::Over155);
        assert_eq!(State::of(&month(6000, 9400)), State::Over100);
        assert_eq!(State::Over155.code(), "over155");
        assert_eq!(State::Normal.code(), "");
    }
}
