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
    /// Held, or its date and time (予定日時) set; false for an open case
    /// nobody has arranged yet (the dashboard's 「面接未設定」).
    pub arranged: bool,
}

/// One line of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub m: DoctorMonth,
    pub department: String,
    pub state: State,
    pub interview: Option<InterviewRef>,
    /// The login of the doctor's manager (所属長), for the manager filter.
    #[serde(skip)]
    pub manager_login: Option<String>,
}

/// The dashboard's state filters (its chips), in their order. Unlike
/// [`State`] they overlap: 「100時間以上」 holds every month at 100 h or
/// more, those over 155 h included; 「155時間超」 is its subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chip {
    Watch,
    Projected,
    Over100,
    Over155,
    /// An interview case not held whose date nobody has set (面接未設定).
    Unarranged,
    /// An interview past its deadline, not held (期限超過).
    Overdue,
}

impl Chip {
    pub const ALL: [Chip; 6] = [
        Chip::Watch,
        Chip::Projected,
        Chip::Over100,
        Chip::Over155,
        Chip::Unarranged,
        Chip::Overdue,
    ];

    /// The code of the chip in a URL (`?state=over100`).
    pub fn code(self) -> &'static str {
        match self {
            Chip::Watch => "watch",
            Chip::Projected => "projected",
            Chip::Over100 => "over100",
            Chip::Over155 => "over155",
            Chip::Unarranged => "unarranged",
            Chip::Overdue => "overdue",
        }
    }

    pub fn parse(code: &str) -> Option<Chip> {
        Chip::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The chip's words (Japanese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Chip::Watch => ("注意（80時間）", "Watch (80 h)"),
            Chip::Projected => ("100時間到達見込み", "Projected ≥ 100 h"),
            Chip::Over100 => ("100時間以上", "≥ 100 h"),
            Chip::Over155 => ("155時間超", "> 155 h"),
            Chip::Unarranged => ("面接未設定", "Interview not arranged"),
            Chip::Overdue => ("期限超過", "Overdue"),
        }
    }

    pub fn matches(self, l: &Line) -> bool {
        let open = l.interview.as_ref().filter(|i| i.status != Status::Done);
        match self {
            Chip::Watch => l.state == State::Watch,
            Chip::Projected => l.state == State::Projected,
            Chip::Over100 => l.state >= State::Over100,
            Chip::Over155 => l.state == State::Over155,
            Chip::Unarranged => open.is_some_and(|i| !i.arranged),
            Chip::Overdue => open.is_some_and(|i| i.status == Status::Overdue),
        }
    }
}

impl State {
    /// The state in words (Japanese, English), shown beside its colour.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            State::Normal => ("通常", "normal"),
            State::Watch => Chip::Watch.label(),
            State::Projected => Chip::Projected.label(),
            State::Over100 => Chip::Over100.label(),
            State::Over155 => Chip::Over155.label(),
        }
    }
}

/// What to show: all lines the viewer may see, or those of one department,
/// level and/or manager, whose name or staff id holds `search`, and in one
/// state (`chip`).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub department: String,
    pub level: String,
    /// A manager's login (HR and admin choose one).
    pub manager: String,
    /// Part of a name or staff id: case, width (全角/半角) and spaces aside.
    pub search: String,
    pub chip: Option<Chip>,
}

/// `s` folded for search: full-width ASCII as half-width, lower case,
/// without spaces (「ＡＢ０１」 finds `ab01`, 「青木一郎」 finds 「青木 一郎」).
pub fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

impl Filter {
    /// Whether a line passes every filter but the state chip.
    fn passes(&self, l: &Line, search: &str) -> bool {
        (self.department.is_empty() || l.department == self.department)
            && (self.level.is_empty() || l.m.level == self.level)
            && (self.manager.is_empty() || l.manager_login.as_deref() == Some(self.manager.as_str()))
            && (search.is_empty() || fold(&l.m.name).contains(search) || fold(&l.m.staff_id).contains(search))
    }
}

/// A manager of some of the doctors the viewer sees (the manager filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manager {
    pub login: String,
    /// The account's name; the login when the account has none (or none
    /// exists yet).
    pub name: String,
}

/// The dashboard of a month.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The lines the viewer may see that pass the filter, in the report's
    /// (staff-id) order.
    pub lines: Vec<Line>,
    /// The departments of every line the viewer may see (for the filter).
    pub departments: Vec<String>,
    /// The managers of every line the viewer may see, by name.
    pub managers: Vec<Manager>,
    /// How many lines pass every filter but the state chip, in each chip
    /// ([`Chip::ALL`]'s order): the chips' counts.
    pub counts: [usize; 6],
}

impl Dashboard {
    /// How many lines are in `state` (before the state chip's filter).
    pub fn count(&self, chip: Chip) -> usize {
        Chip::ALL.iter().position(|c| *c == chip).map_or(0, |i| self.counts[i])
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
                arranged: i.held_on.is_some() || i.held_at.is_some() || i.scheduled_at.is_some(),
            };
            (staff_id, r)
        })
        .collect();
    let search = fold(&filter.search);
    let mut departments = BTreeSet::new();
    let mut managers = BTreeSet::new();
    let mut counts = [0; 6];
    let mut lines = Vec::new();
    for m in &report.doctors {
        let Some(d) = doctors.get(m.staff_id.as_str()) else {
            continue;
        };
        if !policy::sees_dashboard_line(who, (*d).into()) {
            continue;
        }
        if let Some(dep) = &d.department {
            departments.insert(dep.clone());
        }
        if let Some(login) = &d.manager_login {
            managers.insert(login.clone());
        }
        let line = Line {
            state: State::of(m),
            interview: interviews.get(&m.staff_id).cloned(),
            department: d.department.clone().unwrap_or_default(),
            manager_login: d.manager_login.clone(),
            m: m.clone(),
        };
        if !filter.passes(&line, &search) {
            continue;
        }
        for (n, chip) in counts.iter_mut().zip(Chip::ALL) {
            *n += usize::from(chip.matches(&line));
        }
        if filter.chip.is_none_or(|c| c.matches(&line)) {
            lines.push(line);
        }
    }
    let names = if managers.is_empty() {
        HashMap::new()
    } else {
        crate::db::users::names_by_login(conn)?
    };
    let mut managers: Vec<Manager> = managers
        .into_iter()
        .map(|login| Manager {
            name: names.get(&login).cloned().unwrap_or_else(|| login.clone()),
            login,
        })
        .collect();
    managers.sort_by(|a, b| (&a.name, &a.login).cmp(&(&b.name, &b.login)));
    Ok(Dashboard {
        lines,
        departments: departments.into_iter().collect(),
        managers,
        counts,
    })
}

/// The columns the dashboard sorts by (`?sort=`); anything else sorts by
/// staff id.
pub const SORT_KEYS: [&str; 13] = [
    "staff_id",
    "name",
    "department",
    "state",
    "total",
    "overtime",
    "holiday",
    "oh",
    "projected",
    "reach",
    "discrepancies",
    "year",
    "rest",
];

/// Sorts `lines` by `key` (see [`SORT_KEYS`]), ties by staff id so that
/// pages do not shift between requests.
pub fn sort(lines: &mut [Line], key: &str, desc: bool) {
    lines.sort_by(|a, b| {
        let ord = match key {
            "name" => a.m.name.cmp(&b.m.name),
            "department" => a.department.cmp(&b.department),
            "state" => a.state.cmp(&b.state),
            "total" => a.m.total_work_minutes.cmp(&b.m.total_work_minutes),
            "overtime" => a.m.overtime_minutes.cmp(&b.m.overtime_minutes),
            "holiday" => a.m.holiday_minutes.cmp(&b.m.holiday_minutes),
            "oh" => a.m.overtime_holiday_minutes.cmp(&b.m.overtime_holiday_minutes),
            "projected" => {
                a.m.projected_overtime_holiday_minutes
                    .cmp(&b.m.projected_overtime_holiday_minutes)
            }
            "reach" => a.m.reach_100_date.cmp(&b.m.reach_100_date),
            "discrepancies" => a.m.open_discrepancies.cmp(&b.m.open_discrepancies),
            "year" => {
                a.m.year
                    .overtime_holiday_minutes
                    .cmp(&b.m.year.overtime_holiday_minutes)
            }
            "rest" => (
                a.m.rest_planned_shortfalls + a.m.rest_actual_shortfalls,
                a.m.comp_rest_overdue_minutes,
            )
                .cmp(&(
                    b.m.rest_planned_shortfalls + b.m.rest_actual_shortfalls,
                    b.m.comp_rest_overdue_minutes,
                )),
            _ => std::cmp::Ordering::Equal,
        };
        let ord = if desc { ord.reverse() } else { ord };
        ord.then_with(|| {
            let by_id = a.m.staff_id.cmp(&b.m.staff_id);
            if desc && !SORT_KEYS[1..].contains(&key) {
                by_id.reverse()
            } else {
                by_id
            }
        })
    });
}

/// The dashboard's export (`/dashboard.csv`, `/dashboard.xlsx`): its
/// headers (Japanese, English) column for column; hours as H:MM, as shown.
pub const EXPORT_COLUMNS: [(&str, &str); 18] = [
    ("職員番号", "Staff ID"),
    ("氏名", "Name"),
    ("診療科", "Department"),
    ("水準", "Level"),
    ("状態", "State"),
    ("総労働", "Total"),
    ("時間外", "Overtime"),
    ("休日", "Holiday"),
    ("時間外・休日", "OT + holiday"),
    ("月末見込み", "Projected"),
    ("100時間到達見込日", "Reaches 100 h"),
    ("面接指導", "Interview"),
    ("面接指導の期限", "Interview deadline"),
    ("未処理の乖離", "Open discrepancies"),
    ("年度累計", "Year to date"),
    ("年度上限", "Year cap"),
    ("年度末見込み", "Projected year end"),
    ("年度上限の超過（見込み）日", "Year cap passed (projected) on"),
];

/// The export's header and rows of `lines`, in their order.
pub fn export_table(lines: &[Line], ja: bool) -> (Vec<&'static str>, Vec<Vec<String>>) {
    use crate::domain::time::format_hm;
    let pick = |(j, e): (&'static str, &'static str)| if ja { j } else { e };
    let header = EXPORT_COLUMNS.iter().map(|c| pick(*c)).collect();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows = lines
        .iter()
        .map(|l| {
            let m = &l.m;
            let (interview, deadline) = match &l.interview {
                Some(i) => {
                    let mut words = i.status.words(i.days_late, ja);
                    if i.status != Status::Done && !i.arranged {
                        words.push_str(pick(("・面接未設定", ", not arranged")));
                    }
                    (words, i.deadline.to_string())
                }
                None => (String::new(), String::new()),
            };
            let cap_passed = if m.year.cap_exceeded {
                pick(("超過", "passed")).to_string()
            } else {
                date(m.year.cap_exceed_date)
            };
            vec![
                m.staff_id.clone(),
                m.name.clone(),
                l.department.clone(),
                m.level.clone(),
                pick(l.state.label()).to_string(),
                format_hm(m.total_work_minutes),
                format_hm(m.overtime_minutes),
                format_hm(m.holiday_minutes),
                format_hm(m.overtime_holiday_minutes),
                format_hm(m.projected_overtime_holiday_minutes),
                date(m.reach_100_date),
                interview,
                deadline,
                m.open_discrepancies.to_string(),
                format_hm(m.year.overtime_holiday_minutes),
                format_hm(m.year.cap_minutes),
                format_hm(m.year.projected_overtime_holiday_minutes),
                cap_passed,
            ]
        })
        .collect();
    (header, rows)
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
