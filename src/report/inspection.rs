//! The inspector's print pack (立入検査, rules §12): what the prefecture's
//! checklist 「令和6年度 病院立入検査重点項目」 (医師の働き方改革) asks the
//! hospital to show, assembled from the stored rows and the rule book.
//!
//! - [`over_100_list`]: every doctor with a month ≥ 100 h in the twelve
//!   months ending a month, with the interview, the pre-check, the opinion
//!   and the measures of that month (rules §8, §10).
//! - [`checklist`]: the checklist's items of a fiscal year, filled in from
//!   the data (規則第61条〜第71条).
//! - [`documents`]: the five documents of the inspection day, (ア)〜(オ).
//!
//! Every figure is the monthly report's (`report::monthly`): the same rows,
//! the same rule book, each month as of its last day — or as of today for
//! the month that is not over yet. No HTTP here: the screens render it.
//!
//! Health data (the pre-check, the interview's check items, the opinion) is
//! only put in where the [`Scope`] may see it (the access policy,
//! [`crate::policy`], per interview); otherwise only whether it was
//! recorded.

use crate::accounts::Role;
use crate::db::models::{Doctor, Interview, Measure, PreCheck, User};
use crate::db::schema::{
    discrepancy_resolutions, import_batches, interviews, job_runs, measures, pc_sessions, prechecks, timecard_rows,
    users,
};
use crate::db::{queries, AnyConnection, MultiBackend};
use crate::domain::hours::RuleConfig;
use crate::domain::interview::{years_after, Status, HEALTH_RECORD_YEARS, WORK_RECORD_YEARS};
use crate::domain::interview::{MEASURES_AFTER_INTERVIEW, MEASURES_OVER_155, OVER_100};
use crate::domain::shift::Kind;
use crate::domain::time::wareki;
use crate::domain::time::{midnight, Minutes, YearMonth};
use crate::policy::{self, Pack, Who};
use crate::report::monthly::{compute, line, load_rows_of, DoctorMonth, ReportError};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

// ---------------------------------------------------------------------------
// Who the pack is for.
// ---------------------------------------------------------------------------

/// Which doctors the pack covers and what health data it may carry: the
/// access policy's print pack ([`policy::print_pack`]) for the one who
/// prints, and each interview's health data (with its pre-check) as
/// [`policy::interview`] allows it to them.
///
/// The hospital's pack (admin) covers every doctor without health data; a
/// manager's (所属長) covers their doctors with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    manager: Option<String>,
    pack: Pack,
    /// Who prints, as the policy asks about them (`None`: no one's health
    /// data).
    reader: Option<Reader>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Reader {
    role: Role,
    login: String,
    staff_id: Option<String>,
}

impl Scope {
    /// The pack `user` may print, if any.
    pub fn of(role: Role, user: &User) -> Option<Scope> {
        let pack = policy::print_pack(Who::of(role, user))?;
        Some(Scope {
            manager: (pack == Pack::Managed).then(|| user.login.clone()),
            pack,
            reader: Some(Reader {
                role,
                login: user.login.clone(),
                staff_id: user.staff_id.clone(),
            }),
        })
    }

    /// Every doctor of the hospital, without health data.
    pub fn hospital() -> Scope {
        Scope {
            manager: None,
            pack: Pack::Hospital,
            reader: None,
        }
    }

    /// Whether the health data of an interview of `d` whose physician is
    /// `physician_login` (and the pre-check of its month) may be shown.
    fn health_of(&self, d: &Doctor, physician_login: Option<&str>) -> bool {
        self.pack.health()
            && self.reader.as_ref().is_some_and(|r| {
                let who = Who {
                    role: r.role,
                    login: &r.login,
                    staff_id: r.staff_id.as_deref(),
                };
                policy::interview(who, d.into(), physician_login).health()
            })
    }

    pub fn includes(&self, d: &Doctor) -> bool {
        self.manager
            .as_deref()
            .is_none_or(|m| d.manager_login.as_deref() == Some(m))
    }

    /// Whether the pack may carry any health data at all.
    pub fn health(&self) -> bool {
        self.pack.health()
    }

    /// The manager whose doctors these are (`None`: the whole hospital).
    pub fn manager_login(&self) -> Option<&str> {
        self.manager.as_deref()
    }
}

/// The doctors in scope, and their ids as a query filter (`None`: all, so
/// the queries need no id list).
fn scoped(conn: &mut AnyConnection, scope: &Scope) -> QueryResult<(Vec<Doctor>, Option<Vec<i64>>)> {
    let all = queries::all_doctors(conn)?;
    if scope.manager.is_none() {
        return Ok((all, None));
    }
    let mine: Vec<Doctor> = all.into_iter().filter(|d| scope.includes(d)).collect();
    let ids = mine.iter().map(|d| d.id).collect();
    Ok((mine, Some(ids)))
}

// ---------------------------------------------------------------------------
// Calendar: fiscal years, 和暦, as-of dates.
// ---------------------------------------------------------------------------

/// The fiscal year (年度) a date falls in: April to March, named by its April.
pub fn fiscal_year_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// The twelve months of a fiscal year, April first.
pub fn fiscal_months(fiscal_year: i32) -> Vec<YearMonth> {
    let mut out = Vec::with_capacity(12);
    let mut m = YearMonth::new(fiscal_year, 4);
    while let Some(ym) = m {
        out.push(ym);
        if out.len() == 12 {
            break;
        }
        m = Some(ym.next());
    }
    out
}

/// The first and last day of a fiscal year.
pub fn fiscal_bounds(fiscal_year: i32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(fiscal_year, 4, 1)?;
    let last = NaiveDate::from_ymd_opt(fiscal_year + 1, 3, 31)?;
    Some((first, last))
}

/// The Japanese name of a fiscal year: `令和6年度`. A fiscal year takes the
/// era of its calendar year's end, so April 2019 – March 2020 is 令和元年度
/// (the era changed on 1 May 2019), as the ministries write it.
pub fn fiscal_year_ja(fiscal_year: i32) -> String {
    match NaiveDate::from_ymd_opt(fiscal_year, 12, 31) {
        Some(d) => {
            let w = wareki(d);
            match w.find('年') {
                Some(i) => format!("{}年度", &w[..i]),
                None => format!("{fiscal_year}年度"),
            }
        }
        None => format!("{fiscal_year}年度"),
    }
}

/// A month in 和暦: `令和6年6月`.
pub fn month_ja(month: YearMonth) -> String {
    let w = wareki(month.first_day());
    w.strip_suffix("1日").map(str::to_string).unwrap_or(w)
}

/// A month in both styles: `2024-06（令和6年6月）`.
pub fn month_both(month: YearMonth) -> String {
    format!("{month}（{}）", month_ja(month))
}

/// A date in both styles: `令和6年7月22日（2024-07-22）`.
pub fn date_both(d: NaiveDate) -> String {
    format!("{}（{}）", wareki(d), d.format("%Y-%m-%d"))
}

/// The date a month's figures are taken as of: its last day once it is
/// over, today while it runs, none before it starts.
pub fn as_of_for(month: YearMonth, today: NaiveDate) -> Option<NaiveDate> {
    (month.first_day() <= today).then(|| month.last_day().min(today))
}

/// The twelve months ending `to`, oldest first.
pub fn last_12_months(to: YearMonth) -> Vec<YearMonth> {
    let mut months = Vec::with_capacity(12);
    let mut m = to;
    for _ in 0..12 {
        months.push(m);
        m = m.previous();
    }
    months.reverse();
    months
}

/// The months a period touches, in order.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<YearMonth> {
    let mut out = Vec::new();
    let mut m = YearMonth::of(from);
    let last = YearMonth::of(to);
    while m <= last {
        out.push(m);
        let next = m.next();
        if next == m {
            break;
        }
        m = next;
    }
    out
}

/// Where an interview stands, in Japanese.
pub fn status_ja(s: Status) -> &'static str {
    match s {
        Status::Scheduled => "予定",
        Status::Done => "実施済み",
        Status::Overdue => "期限超過（未実施）",
    }
}

/// Why an interview was opened, in Japanese.
pub fn interview_reason_ja(reason: &str) -> &'static str {
    if reason == OVER_100 {
        "100時間以上"
    } else {
        "100時間以上の見込み"
    }
}

/// Why a measures case was opened, in Japanese.
pub fn measure_reason_ja(reason: &str) -> &'static str {
    if reason == MEASURES_OVER_155 {
        "155時間超（労働時間短縮の措置）"
    } else {
        "面接指導後の就業上の措置"
    }
}

/// A discrepancy resolution (rules §9), in Japanese.
pub fn resolution_ja(code: &str) -> &str {
    match code {
        "work" => "労働時間",
        "self_study" => "自己研鑽",
        "not_work" => "労働時間外",
        other => other,
    }
}

// ---------------------------------------------------------------------------
// Records of interviews, pre-checks and measures.
// ---------------------------------------------------------------------------

/// A person named in the pack (the interview physician).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub login: String,
    pub name: String,
    pub trained_on: Option<NaiveDate>,
}

/// What the physician recorded (health data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewHealth {
    pub check_work: String,
    pub check_sleep: String,
    pub check_fatigue: String,
    pub check_mental_physical: String,
    pub opinion: String,
}

/// An interview (面接指導) as the pack shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewRecord {
    pub id: i64,
    pub month: String,
    pub reason: String,
    pub reach_100_date: NaiveDate,
    pub deadline: NaiveDate,
    pub held_on: Option<NaiveDate>,
    pub status: Status,
    pub physician: Option<PersonRef>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub retention_until: Option<NaiveDate>,
    /// Which of the check items ア〜エ were recorded (work, sleep, fatigue,
    /// other mental and physical state).
    pub checks_recorded: [bool; 4],
    pub opinion_recorded: bool,
    /// The check items and the opinion, when the scope may see health data.
    pub health: Option<InterviewHealth>,
}

fn filled(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|t| !t.trim().is_empty())
}

impl InterviewRecord {
    fn of(i: &Interview, people: &HashMap<i64, User>, today: NaiveDate, health: bool) -> InterviewRecord {
        let physician = i.physician_id.and_then(|p| people.get(&p)).map(|u| PersonRef {
            login: u.login.clone(),
            name: u.name.clone().unwrap_or_else(|| u.login.clone()),
            trained_on: u.trained_on,
        });
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        InterviewRecord {
            id: i.id,
            month: i.month.clone(),
            reason: i.reason.clone(),
            reach_100_date: i.reach_100_date,
            deadline: i.deadline,
            held_on: i.held_on,
            status: Status::of(i.deadline, i.held_on, today),
            physician,
            recorded_by: i.recorded_by.clone(),
            recorded_at: i.recorded_at,
            retention_until: i.retention_until,
            checks_recorded: [
                filled(&i.check_work),
                filled(&i.check_sleep),
                filled(&i.check_fatigue),
                filled(&i.check_mental_physical),
            ],
            opinion_recorded: filled(&i.opinion),
            health: health.then(|| InterviewHealth {
                check_work: text(&i.check_work),
                check_sleep: text(&i.check_sleep),
                check_fatigue: text(&i.check_fatigue),
                check_mental_physical: text(&i.check_mental_physical),
                opinion: text(&i.opinion),
            }),
        }
    }

    /// Held on or before its deadline (before reaching 100 h, or for the
    /// A-level exception without delay after it).
    pub fn in_time(&self) -> bool {
        self.held_on.is_some_and(|d| d <= self.deadline)
    }
}

/// The manager's latest pre-check (事前確認) of a doctor's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCheckRecord {
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<String>,
    /// Which of the items ア〜オ were recorded (work, sleep, fatigue, mental
    /// and physical state, the wish to be interviewed).
    pub items_recorded: [bool; 5],
    /// The pre-check itself, when the scope may see health data.
    pub facts: Option<PreCheck>,
}

impl PreCheckRecord {
    fn of(p: &PreCheck, health: bool) -> PreCheckRecord {
        PreCheckRecord {
            recorded_at: p.recorded_at,
            recorded_by: p.recorded_by.clone(),
            items_recorded: [
                !p.work_status.trim().is_empty(),
                // Sleep, fatigue and the wish are required fields of the form.
                true,
                !p.fatigue_symptom.trim().is_empty(),
                !p.mental_physical.trim().is_empty(),
                true,
            ],
            facts: health.then(|| p.clone()),
        }
    }
}

/// A measures case (就業上の措置) and what was recorded in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRecord {
    pub id: i64,
    pub month: String,
    pub reason: String,
    pub shorter_hours: bool,
    pub fewer_night_duties: bool,
    pub other: bool,
    pub other_text: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub retention_until: Option<NaiveDate>,
}

impl MeasureRecord {
    fn of(m: &Measure) -> MeasureRecord {
        MeasureRecord {
            id: m.id,
            month: m.month.clone(),
            reason: m.reason.clone(),
            shorter_hours: m.shorter_hours != 0,
            fewer_night_duties: m.fewer_night_duties != 0,
            other: m.other != 0,
            other_text: m.other_text.clone(),
            recorded_by: m.recorded_by.clone(),
            recorded_at: m.recorded_at,
            retention_until: m.retention_until,
        }
    }

    pub fn recorded(&self) -> bool {
        self.recorded_at.is_some()
    }

    /// The measures taken, in the checklist's words, or 未記録.
    pub fn taken_ja(&self) -> String {
        if !self.recorded() {
            return "未記録".into();
        }
        let mut parts = Vec::new();
        if self.shorter_hours {
            parts.push("労働時間の短縮".to_string());
        }
        if self.fewer_night_duties {
            parts.push("宿直回数の減少".to_string());
        }
        if self.other {
            parts.push(format!(
                "その他（{}）",
                self.other_text.as_deref().unwrap_or_default().trim()
            ));
        }
        parts.join("、")
    }
}

/// The interviews, latest pre-checks and measures of some months, and the
/// people they name — read in four queries whatever the number of doctors.
struct Records {
    interviews: HashMap<(i64, String), Interview>,
    prechecks: HashMap<(i64, String), PreCheck>,
    measures: HashMap<(i64, String), Vec<Measure>>,
    people: HashMap<i64, User>,
}

impl Records {
    fn load(conn: &mut AnyConnection, months: &[YearMonth]) -> QueryResult<Records> {
        let codes: Vec<String> = months.iter().map(ToString::to_string).collect();
        let found: Vec<Interview> = interviews::table
            .filter(interviews::month.eq_any(codes.clone()))
            .order(interviews::id)
            .select(Interview::as_select())
            .load(conn)?;
        let checks: Vec<PreCheck> = prechecks::table
            .filter(prechecks::month.eq_any(codes.clone()))
            .order(prechecks::id)
            .select(PreCheck::as_select())
            .load(conn)?;
        let cases: Vec<Measure> = measures::table
            .filter(measures::month.eq_any(codes))
            .order(measures::id)
            .select(Measure::as_select())
            .load(conn)?;
        let people: Vec<User> = users::table.select(User::as_select()).load(conn)?;
        let mut measures_by: HashMap<(i64, String), Vec<Measure>> = HashMap::new();
        for m in cases {
            measures_by.entry((m.doctor_id, m.month.clone())).or_default().push(m);
        }
        Ok(Records {
            interviews: found.into_iter().map(|i| ((i.doctor_id, i.month.clone()), i)).collect(),
            // In id order, so the last one written is the one kept: the latest.
            prechecks: checks
                .into_iter()
                .map(|p| ((p.doctor_id, p.month.clone()), p))
                .collect(),
            measures: measures_by,
            people: people.into_iter().map(|u| (u.id, u)).collect(),
        })
    }

    /// The login of the physician assigned to `d`'s interview of `month`.
    fn physician_of(&self, d: &Doctor, month: &str) -> Option<&str> {
        self.interviews
            .get(&(d.id, month.to_string()))
            .and_then(|i| i.physician_id)
            .and_then(|p| self.people.get(&p))
            .map(|u| u.login.as_str())
    }

    fn interview(&self, d: &Doctor, month: &str, today: NaiveDate, scope: &Scope) -> Option<InterviewRecord> {
        let health = scope.health_of(d, self.physician_of(d, month));
        self.interviews
            .get(&(d.id, month.to_string()))
            .map(|i| InterviewRecord::of(i, &self.people, today, health))
    }

    /// The pre-check of a doctor-month is health data of that month's
    /// interview (none open yet: of the doctor and their manager only).
    fn precheck(&self, d: &Doctor, month: &str, scope: &Scope) -> Option<PreCheckRecord> {
        let health = scope.health_of(d, self.physician_of(d, month));
        self.prechecks
            .get(&(d.id, month.to_string()))
            .map(|p| PreCheckRecord::of(p, health))
    }

    fn measures(&self, doctor: i64, month: &str, reason: &str) -> Vec<MeasureRecord> {
        self.measures
            .get(&(doctor, month.to_string()))
            .map(|ms| {
                ms.iter()
                    .filter(|m| m.reason == reason)
                    .map(MeasureRecord::of)
                    .collect()
            })
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------
// Month figures: the monthly report's lines.
// ---------------------------------------------------------------------------

/// One doctor's month as the monthly report computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub month: YearMonth,
    pub as_of: NaiveDate,
    pub doctor_id: i64,
    pub department: Option<String>,
    /// Days with working time on the timecard (勤務日), up to `as_of`.
    pub work_days: usize,
    pub m: DoctorMonth,
}

/// Every in-scope doctor's line of `month` as of `as_of`: one `load_rows`
/// for all of them, then the rule book per doctor.
fn month_lines(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
    scope: &Scope,
    ids: Option<&[i64]>,
) -> Result<Vec<MonthLine>, ReportError> {
    let (doctors, mut rows) = load_rows_of(conn, ids, month, as_of, rules)?;
    let mut out = Vec::new();
    for d in doctors.iter().filter(|d| scope.includes(d)) {
        let r = rows.remove(&d.id).unwrap_or_default();
        let c = compute(&r, d, month, as_of, rules);
        let work_days: BTreeSet<NaiveDate> = r
            .timecard
            .iter()
            .filter(|s| s.kind().is_working() && month.contains(s.start_date()) && s.start_date() <= as_of)
            .map(|s| s.start_date())
            .collect();
        out.push(MonthLine {
            month,
            as_of: c.projection.as_of,
            doctor_id: d.id,
            department: d.department.clone(),
            work_days: work_days.len(),
            m: line(d, &c),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The list of doctors at ≥ 100 h.
// ---------------------------------------------------------------------------

/// A doctor's month at or over 100 h, with what followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Over100Line {
    pub month: YearMonth,
    pub as_of: NaiveDate,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    /// 時間外・休日労働 of the month (`overtime_holiday_minutes`).
    pub minutes: Minutes,
    pub over_155: bool,
    pub interview: Option<InterviewRecord>,
    pub precheck: Option<PreCheckRecord>,
    /// The measures on the interview's opinion.
    pub measures: Vec<MeasureRecord>,
    /// The > 155 h measures (規則第70条).
    pub over_155_measures: Vec<MeasureRecord>,
}

/// Every doctor with a month ≥ 100 h (`over_100`) in the twelve months
/// ending `to`, oldest month first, by staff id within a month. Months not
/// begun by `today` are left out.
pub fn over_100_list(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    to: YearMonth,
    today: NaiveDate,
    scope: &Scope,
) -> Result<Vec<Over100Line>, ReportError> {
    let (doctors, ids) = scoped(conn, scope)?;
    let by_id: HashMap<i64, &Doctor> = doctors.iter().map(|d| (d.id, d)).collect();
    let months: Vec<(YearMonth, NaiveDate)> = last_12_months(to)
        .into_iter()
        .filter_map(|m| as_of_for(m, today).map(|t| (m, t)))
        .collect();
    let ym: Vec<YearMonth> = months.iter().map(|(m, _)| *m).collect();
    let records = Records::load(conn, &ym)?;
    let mut out = Vec::new();
    for (month, as_of) in months {
        let code = month.to_string();
        for l in month_lines(conn, rules, month, as_of, scope, ids.as_deref())? {
            if !l.m.over_100 {
                continue;
            }
            let Some(d) = by_id.get(&l.doctor_id).copied() else {
                continue;
            };
            out.push(Over100Line {
                month,
                as_of: l.as_of,
                interview: records.interview(d, &code, today, scope),
                precheck: records.precheck(d, &code, scope),
                measures: records.measures(l.doctor_id, &code, MEASURES_AFTER_INTERVIEW),
                over_155_measures: records.measures(l.doctor_id, &code, MEASURES_OVER_155),
                minutes: l.m.overtime_holiday_minutes,
                over_155: l.m.over_155,
                department: l.department,
                staff_id: l.m.staff_id,
                name: l.m.name,
                level: l.m.level,
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The checklist.
// ---------------------------------------------------------------------------

/// Doctors expected at ≥ 100 h in a month (checklist 1.(4)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedCount {
    pub month: YearMonth,
    /// `None`: the month has not begun.
    pub as_of: Option<NaiveDate>,
    /// Doctors at or projected at ≥ 100 h as of `as_of`.
    pub doctors: Option<usize>,
    /// Doctors for whom an interview was opened in the month (each was
    /// projected at ≥ 100 h on some day of it).
    pub interviews_opened: usize,
}

/// Interview counts of a fiscal year (checklist 2.).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewCounts {
    pub total: usize,
    /// Interviews whose month has a pre-check.
    pub with_precheck: usize,
    /// Pre-checks recording each of ア〜オ.
    pub precheck_items: [usize; 5],
    pub held: usize,
    pub held_in_time: usize,
    pub overdue: usize,
    /// Held interviews recording each of ア〜エ.
    pub checks: [usize; 4],
    pub opinions: usize,
    /// Held interviews kept at least five years from the interview.
    pub kept_5_years: usize,
    pub latest_held: Option<NaiveDate>,
}

/// An interview physician (面接指導実施医師) and their training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhysicianLine {
    pub login: String,
    pub name: String,
    pub trained_on: Option<NaiveDate>,
    pub active: bool,
    pub is_administrator: bool,
    /// Interviews of the fiscal year (in scope) assigned to them.
    pub interviews: usize,
}

/// Measures counts of a fiscal year (checklist 3. and 4.).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureCounts {
    pub total: usize,
    pub recorded: usize,
    pub shorter_hours: usize,
    pub fewer_night_duties: usize,
    pub other: usize,
    pub other_texts: Vec<String>,
    /// Recorded measures kept at least five years from their record.
    pub kept_5_years: usize,
}

/// The checklist 「病院立入検査重点項目」 of a fiscal year, from the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub fiscal_year: i32,
    pub today: NaiveDate,
    pub whole_hospital: bool,
    pub doctors: usize,
    /// Current timecard rows starting in the fiscal year.
    pub timecard_rows: i64,
    /// PC sessions logged on in the fiscal year.
    pub pc_sessions: i64,
    pub last_timecard_import: Option<NaiveDateTime>,
    pub last_pclog_import: Option<NaiveDateTime>,
    /// The oldest stored timecard row (kinmu never deletes them).
    pub oldest_record: Option<NaiveDate>,
    /// The closed months of the fiscal year and the day each was checked
    /// by the monthly job (`None`: not checked).
    pub monthly_checks: Vec<(YearMonth, Option<NaiveDate>)>,
    /// Runs of the daily job in the fiscal year.
    pub daily_runs: i64,
    /// April, May and June.
    pub expected_100: Vec<ExpectedCount>,
    pub interviews: InterviewCounts,
    pub physicians: Vec<PhysicianLine>,
    pub measures: MeasureCounts,
    pub over_155: MeasureCounts,
}

fn count_measures(cases: &[&Measure]) -> MeasureCounts {
    let mut c = MeasureCounts {
        total: cases.len(),
        ..MeasureCounts::default()
    };
    for m in cases {
        let Some(at) = m.recorded_at else { continue };
        c.recorded += 1;
        c.shorter_hours += usize::from(m.shorter_hours != 0);
        c.fewer_night_duties += usize::from(m.fewer_night_duties != 0);
        if m.other != 0 {
            c.other += 1;
            if let Some(t) = m.other_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                if !c.other_texts.iter().any(|x| x == t) {
                    c.other_texts.push(t.to_string());
                }
            }
        }
        if m.retention_until
            .is_some_and(|u| u >= years_after(at.date(), HEALTH_RECORD_YEARS))
        {
            c.kept_5_years += 1;
        }
    }
    c
}

/// Fills the checklist of `fiscal_year` from the data.
pub fn checklist(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    fiscal_year: i32,
    today: NaiveDate,
    scope: &Scope,
) -> Result<Checklist, ReportError> {
    let (doctors, ids) = scoped(conn, scope)?;
    let in_scope: BTreeSet<i64> = doctors.iter().map(|d| d.id).collect();
    let months = fiscal_months(fiscal_year);
    // A year chrono cannot name has no months: an empty checklist.
    let (fy_first, fy_last) = fiscal_bounds(fiscal_year).unwrap_or((today, today - Duration::days(1)));
    let (from, to) = (midnight(fy_first), midnight(fy_last + Duration::days(1)));

    // 1.(1) How working time is known: timecards and PC logs.
    let mut q = timecard_rows::table
        .filter(timecard_rows::superseded_at.is_null())
        .filter(timecard_rows::start_at.ge(from))
        .filter(timecard_rows::start_at.lt(to))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = &ids {
        q = q.filter(timecard_rows::doctor_id.eq_any(ids.clone()));
    }
    let timecard: i64 = q.count().get_result(conn)?;
    let mut q = pc_sessions::table
        .filter(pc_sessions::logon_at.ge(from))
        .filter(pc_sessions::logon_at.lt(to))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = &ids {
        q = q.filter(pc_sessions::doctor_id.eq_any(ids.clone()));
    }
    let pc: i64 = q.count().get_result(conn)?;
    let last_import = |conn: &mut AnyConnection, kind: &str| -> QueryResult<Option<NaiveDateTime>> {
        import_batches::table
            .filter(import_batches::kind.eq(kind))
            .select(diesel::dsl::max(import_batches::imported_at))
            .first(conn)
    };
    let last_timecard_import = last_import(conn, "timecard")?;
    let last_pclog_import = last_import(conn, "pclog")?;

    // 1.(2) Records kept three years: the oldest row still stored,
    // superseded versions included.
    let mut q = timecard_rows::table
        .select(diesel::dsl::min(timecard_rows::start_at))
        .into_boxed::<MultiBackend>();
    if let Some(ids) = &ids {
        q = q.filter(timecard_rows::doctor_id.eq_any(ids.clone()));
    }
    let oldest: Option<NaiveDateTime> = q.first(conn)?;

    // 1.(3) The monthly check of each closed month.
    let codes: Vec<String> = months.iter().map(ToString::to_string).collect();
    let runs: Vec<(String, NaiveDateTime)> = job_runs::table
        .filter(job_runs::job.eq("monthly"))
        .filter(job_runs::month.eq_any(codes))
        .select((job_runs::month, job_runs::finished_at))
        .order(job_runs::finished_at)
        .load(conn)?;
    let monthly_checks = months
        .iter()
        .filter(|m| m.last_day() < today)
        .map(|m| {
            let code = m.to_string();
            (*m, runs.iter().find(|(c, _)| *c == code).map(|(_, at)| at.date()))
        })
        .collect();
    let daily_runs: i64 = job_runs::table
        .filter(job_runs::job.eq("daily"))
        .filter(job_runs::as_of.ge(fy_first))
        .filter(job_runs::as_of.le(fy_last))
        .count()
        .get_result(conn)?;

    // 2.–4. Interviews, pre-checks and measures of the fiscal year.
    let records = Records::load(conn, &months)?;

    // 1.(4) April, May and June.
    let mut expected_100 = Vec::with_capacity(3);
    for month in months.iter().take(3).copied() {
        let code = month.to_string();
        let opened = records
            .interviews
            .keys()
            .filter(|(d, m)| *m == code && in_scope.contains(d))
            .count();
        let (as_of, count) = match as_of_for(month, today) {
            Some(t) => {
                let lines = month_lines(conn, rules, month, t, scope, ids.as_deref())?;
                let n = lines.iter().filter(|l| l.m.over_100 || l.m.projected_over_100).count();
                (Some(t), Some(n))
            }
            None => (None, None),
        };
        expected_100.push(ExpectedCount {
            month,
            as_of,
            doctors: count,
            interviews_opened: opened,
        });
    }

    let mut ic = InterviewCounts::default();
    let mut assigned: HashMap<i64, usize> = HashMap::new();
    for ((doctor, month), i) in &records.interviews {
        if !in_scope.contains(doctor) {
            continue;
        }
        ic.total += 1;
        if let Some(p) = i.physician_id {
            *assigned.entry(p).or_default() += 1;
        }
        // Counts only: no health data is read out.
        if let Some(p) = records
            .prechecks
            .get(&(*doctor, month.clone()))
            .map(|p| PreCheckRecord::of(p, false))
        {
            ic.with_precheck += 1;
            for (n, item) in ic.precheck_items.iter_mut().zip(p.items_recorded) {
                *n += usize::from(item);
            }
        }
        let r = InterviewRecord::of(i, &records.people, today, false);
        match r.held_on {
            Some(held) => {
                ic.held += 1;
                ic.held_in_time += usize::from(r.in_time());
                for (n, item) in ic.checks.iter_mut().zip(r.checks_recorded) {
                    *n += usize::from(item);
                }
                ic.opinions += usize::from(r.opinion_recorded);
                if r.retention_until
                    .is_some_and(|u| u >= years_after(held, HEALTH_RECORD_YEARS))
                {
                    ic.kept_5_years += 1;
                }
                ic.latest_held = ic.latest_held.max(Some(held));
            }
            None if r.status == Status::Overdue => ic.overdue += 1,
            None => {}
        }
    }

    let mut physicians: Vec<PhysicianLine> = records
        .people
        .values()
        .filter(|u| u.role == crate::accounts::Role::Physician.code())
        .map(|u| PhysicianLine {
            login: u.login.clone(),
            name: u.name.clone().unwrap_or_else(|| u.login.clone()),
            trained_on: u.trained_on,
            active: u.is_active(),
            is_administrator: u.is_administrator != 0,
            interviews: assigned.get(&u.id).copied().unwrap_or(0),
        })
        .filter(|p| p.active || p.interviews > 0)
        .collect();
    physicians.sort_by(|a, b| a.login.cmp(&b.login));

    let cases: Vec<&Measure> = records
        .measures
        .iter()
        .filter(|((d, _), _)| in_scope.contains(d))
        .flat_map(|(_, ms)| ms.iter())
        .collect();
    let after_interview: Vec<&Measure> = cases
        .iter()
        .copied()
        .filter(|m| m.reason == MEASURES_AFTER_INTERVIEW)
        .collect();
    let over_155: Vec<&Measure> = cases
        .iter()
        .copied()
        .filter(|m| m.reason == MEASURES_OVER_155)
        .collect();

    Ok(Checklist {
        fiscal_year,
        today,
        whole_hospital: scope.manager.is_none(),
        doctors: doctors.len(),
        timecard_rows: timecard,
        pc_sessions: pc,
        last_timecard_import,
        last_pclog_import,
        oldest_record: oldest.map(|t| t.date()),
        monthly_checks,
        daily_runs,
        expected_100,
        interviews: ic,
        physicians,
        measures: count_measures(&after_interview),
        over_155: count_measures(&over_155),
    })
}

/// One line of the printed checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistRow {
    /// The checklist's numbering: `1.(1)`.
    pub number: &'static str,
    /// The item in the checklist's words.
    pub item: String,
    /// ☑ done, □ not shown by the data, — not applicable / a figure.
    pub mark: &'static str,
    /// What to write in the form.
    pub answer: String,
    /// What in kinmu's records shows it.
    pub basis: String,
}

pub const CHECKED: &str = "☑";
pub const UNCHECKED: &str = "□";
pub const NOT_APPLICABLE: &str = "—";

fn mark(ok: bool) -> &'static str {
    if ok {
        CHECKED
    } else {
        UNCHECKED
    }
}

fn opt_time(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "なし".into())
}

impl Checklist {
    /// Whether any doctor was expected at ≥ 100 h in April–June (if none,
    /// the checklist says sections 2. onwards need not be checked).
    pub fn anyone_expected(&self) -> bool {
        self.expected_100
            .iter()
            .any(|e| e.doctors.unwrap_or(0) > 0 || e.interviews_opened > 0)
            || self.interviews.total > 0
    }

    /// The checklist's items in its order, each filled from the data.
    pub fn rows(&self) -> Vec<ChecklistRow> {
        let mut rows = Vec::new();
        let mut push = |number: &'static str, item: &str, mark: &'static str, answer: String, basis: String| {
            rows.push(ChecklistRow {
                number,
                item: item.to_string(),
                mark,
                answer,
                basis,
            })
        };
        let fy = fiscal_year_ja(self.fiscal_year);
        let who = if self.whole_hospital {
            format!("全医師 {} 人", self.doctors)
        } else {
            format!("担当医師 {} 人", self.doctors)
        };

        // 1.(1)
        let recorded = self.timecard_rows > 0 || self.pc_sessions > 0;
        push(
            "1.(1)",
            "医師の労働時間の把握（医療法施行規則第61条第1項）: 下記のいずれかの方法で医師の労働時間を把握している",
            mark(recorded),
            String::new(),
            format!("{fy}の記録（{who}）"),
        );
        push(
            "1.(1)",
            "タイムカード",
            mark(self.timecard_rows > 0),
            format!("{fy}の打刻記録 {} 件", self.timecard_rows),
            format!("勤怠データの最終取込: {}", opt_time(self.last_timecard_import)),
        );
        push(
            "1.(1)",
            "パーソナルコンピュータ等の使用時間の記録",
            mark(self.pc_sessions > 0),
            format!("{fy}のPCログオン・ログオフ記録 {} 件", self.pc_sessions),
            format!(
                "PCログの最終取込: {}（打刻との乖離は日ごとに確認）",
                opt_time(self.last_pclog_import)
            ),
        );
        push(
            "1.(1)",
            "その他（　）",
            NOT_APPLICABLE,
            String::new(),
            "kinmu はタイムカードとPCログのみを記録します".into(),
        );

        // 1.(2)
        push(
            "1.(2)",
            "労働時間の状況の記録（医療法施行規則第61条第2項）: 労働時間記録を作成している（大学病院等の派遣医師を含む）",
            mark(self.timecard_rows > 0),
            format!("医師ごと・月ごとの労働時間記録を作成（(イ)）: {who}"),
            "派遣医師を含むかは医師名簿への登録による（kinmu は派遣の別を記録していません）".into(),
        );
        let required_from = years_after(self.today, -WORK_RECORD_YEARS);
        let (kept, kept_answer) = match self.oldest_record {
            Some(d) if d <= required_from => (true, format!("{} 以降の記録を保管（3年以上）", date_both(d))),
            Some(d) => (true, format!("{} 以降の記録を保管中（3年保管予定）", date_both(d))),
            None => (false, "記録なし".into()),
        };
        push(
            "1.(2)",
            "作成した記録は3年保管している（※保管予定含む）",
            mark(kept),
            kept_answer,
            format!(
                "kinmu は勤務記録を削除せず、修正は新しい版として残します（旧版も保管）。3年前: {}",
                date_both(required_from)
            ),
        );

        // 1.(3)
        let checked: Vec<String> = self
            .monthly_checks
            .iter()
            .map(|(m, d)| match d {
                Some(d) => format!("{}: {} 確認", month_ja(*m), d.format("%Y-%m-%d")),
                None => format!("{}: 未実施", month_ja(*m)),
            })
            .collect();
        let all_checked = !self.monthly_checks.is_empty() && self.monthly_checks.iter().all(|(_, d)| d.is_some());
        push(
            "1.(3)",
            "労働時間、面接指導及び労働時間短縮などの措置の対象医師（規則第61条第1項・第3項、第62条第1項）: 労働時間記録で措置の対象となる医師を毎月定期的に確認している",
            if self.monthly_checks.is_empty() {
                NOT_APPLICABLE
            } else {
                mark(all_checked)
            },
            if checked.is_empty() {
                "締まった月はまだありません".into()
            } else {
                checked.join("、")
            },
            format!("月次確認（毎月1日に前月を確認）。日次の確認 {} 回", self.daily_runs),
        );

        // 1.(4)
        let counts: Vec<String> = self
            .expected_100
            .iter()
            .map(|e| match e.doctors {
                Some(n) => format!("{} {} 人", month_ja(e.month), n),
                None => format!("{} （未到来）", month_ja(e.month)),
            })
            .collect();
        let basis: Vec<String> = self
            .expected_100
            .iter()
            .map(|e| {
                let at = e
                    .as_of
                    .map(|t| format!("{}時点", t.format("%Y-%m-%d")))
                    .unwrap_or_else(|| "—".into());
                format!(
                    "{}: {at}、月中に見込みとなり面接指導を設定 {} 人",
                    month_ja(e.month),
                    e.interviews_opened
                )
            })
            .collect();
        push(
            "1.(4)",
            "時間外・休日労働が1月に100時間以上と見込まれる医師数",
            NOT_APPLICABLE,
            counts.join("、"),
            format!(
                "各月末時点（当月は本日時点）の実績または月末見込みが100時間以上の医師。{}",
                basis.join("。")
            ),
        );

        let i = &self.interviews;
        let needed = self.anyone_expected();
        let of_total = |n: usize, total: usize, what: &str| format!("{what} {n} / {total} 件");
        // 2.
        push(
            "2.",
            "面接指導の実施方法等: 時間外・休日労働時間が1箇月について100時間に達するまでの間に面接指導を行っている",
            if needed {
                mark(i.total > 0 && i.held_in_time == i.total)
            } else {
                NOT_APPLICABLE
            },
            format!(
                "{fy}の面接指導 {} 件: 期限内に実施 {} 件、実施 {} 件、期限超過 {} 件",
                i.total, i.held_in_time, i.held, i.overdue
            ),
            if needed {
                "期限は100時間到達日の前日（A水準で事前確認に疲労等の所見がない場合は到達後遅滞なく）".into()
            } else {
                "100時間以上と見込まれる医師がいないため、2.以下の確認は不要です".into()
            },
        );
        // 2.(1)
        let pre_items = [
            "ア 面接指導対象医師の勤務の状況",
            "イ 面接指導対象医師の睡眠の状況",
            "ウ 面接指導対象医師の疲労の蓄積の状況",
            "エ 面接指導対象医師の心身の状況",
            "オ 面接指導対象医師の面接指導を受ける意思の有無",
        ];
        push(
            "2.(1)",
            "管理者は、面接指導実施医師に対して、以下の項目を確認している（医療法施行規則第63条）",
            NOT_APPLICABLE,
            of_total(i.with_precheck, i.total, "事前確認の記録"),
            "所属長の事前確認（勤務の状況・睡眠・疲労蓄積度チェックリスト・心身の状況・面接指導の希望）".into(),
        );
        for (item, n) in pre_items.iter().zip(i.precheck_items) {
            push(
                "2.(1)",
                item,
                if i.total == 0 {
                    NOT_APPLICABLE
                } else {
                    mark(n == i.total)
                },
                of_total(n, i.total, "記録"),
                String::new(),
            );
        }
        // 2.(2)
        let check_items = [
            "ア 面接指導対象医師の勤務の状況",
            "イ 面接指導対象医師の睡眠の状況",
            "ウ 面接指導対象医師の疲労の蓄積の状況",
            "エ その他面接指導対象医師の心身の状況",
        ];
        push(
            "2.(2)",
            "面接指導実施医師は、面接指導対象医師に対して、以下の項目を確認し、記録を保管している（医療法施行規則第64条、第71条）",
            NOT_APPLICABLE,
            of_total(i.held, i.total, "面接指導の実施"),
            format!("意見の記録 {} / {} 件", i.opinions, i.held),
        );
        for (item, n) in check_items.iter().zip(i.checks) {
            push(
                "2.(2)",
                item,
                if i.held == 0 { NOT_APPLICABLE } else { mark(n == i.held) },
                of_total(n, i.held, "記録"),
                String::new(),
            );
        }
        push(
            "2.(2)",
            "ア～エの面接指導した記録は、5年間保管している（※保管予定含む）",
            if i.held == 0 {
                NOT_APPLICABLE
            } else {
                mark(i.kept_5_years == i.held)
            },
            of_total(i.kept_5_years, i.held, "実施日から5年の保管期限を記録"),
            "kinmu は面接指導の記録を書き換えず、保管期限まで保管します".into(),
        );
        push(
            "2.(2)",
            "面接指導年月日（直近の実施年月日）",
            NOT_APPLICABLE,
            i.latest_held.map(date_both).unwrap_or_else(|| "実施なし".into()),
            String::new(),
        );
        // 2.(3)
        let working: Vec<&PhysicianLine> = self.physicians.iter().filter(|p| p.interviews > 0).collect();
        let shown: Vec<&PhysicianLine> = if working.is_empty() {
            self.physicians.iter().collect()
        } else {
            working
        };
        let trained = !shown.is_empty() && shown.iter().all(|p| p.trained_on.is_some_and(|d| d <= self.today));
        let names: Vec<String> = shown
            .iter()
            .map(|p| {
                let on = p.trained_on.map(date_both).unwrap_or_else(|| "受講日の登録なし".into());
                format!("{}（{}）: {on}、面接指導 {} 件", p.name, p.login, p.interviews)
            })
            .collect();
        push(
            "2.(3)",
            "面接指導実施医師は、医師の健康管理を行うのに必要な知識を習得させるための講習（面接指導実施医師養成講習会）を受講している（医療法施行規則第64条）: 受講済み（受講年月日）",
            mark(trained),
            if names.is_empty() {
                "面接指導実施医師の登録なし".into()
            } else {
                names.join("\n")
            },
            "受講日は利用者登録（trained_on）による。受講前の医師・管理者には面接指導を割り当てません".into(),
        );
        // 3.(1)
        let m = &self.measures;
        push(
            "3.(1)",
            "管理者は、面接指導実施医師の意見を勘案し、その必要があると認めるときは、面接指導対象医師の実情を考慮し必要な措置を講じている（医療法施行規則第69条第1項、第71条）",
            NOT_APPLICABLE,
            of_total(m.recorded, m.total, "措置の記録"),
            "面接指導の後、所属長が講じた措置を記録".into(),
        );
        push(
            "3.(1)",
            "労働時間の短縮",
            mark(m.shorter_hours > 0),
            format!("{} 件", m.shorter_hours),
            String::new(),
        );
        push(
            "3.(1)",
            "宿直回数の減少",
            mark(m.fewer_night_duties > 0),
            format!("{} 件", m.fewer_night_duties),
            String::new(),
        );
        push(
            "3.(1)",
            "その他適切な措置（　）",
            mark(m.other > 0),
            if m.other_texts.is_empty() {
                format!("{} 件", m.other)
            } else {
                format!("{} 件: {}", m.other, m.other_texts.join("、"))
            },
            String::new(),
        );
        push(
            "3.(1)",
            "必要な措置の記録を5年間保管している（※保管予定含む）",
            if m.recorded == 0 {
                NOT_APPLICABLE
            } else {
                mark(m.kept_5_years == m.recorded)
            },
            of_total(m.kept_5_years, m.recorded, "5年の保管期限を記録"),
            if m.total > m.recorded {
                format!("未記録の措置 {} 件", m.total - m.recorded)
            } else {
                String::new()
            },
        );
        // 4.(1)
        let o = &self.over_155;
        let mut taken = Vec::new();
        if o.shorter_hours > 0 {
            taken.push(format!("労働時間の短縮 {} 件", o.shorter_hours));
        }
        if o.fewer_night_duties > 0 {
            taken.push(format!("宿直回数の減少 {} 件", o.fewer_night_duties));
        }
        if o.other > 0 {
            taken.push(format!("その他 {} 件（{}）", o.other, o.other_texts.join("、")));
        }
        push(
            "4.(1)",
            "労働時間が特に長時間である医師に講ずべき措置: 面接指導対象医師の労働時間が155時間/月を超える場合、労働時間短縮のための必要な措置を講じ、記録を保管している（医療法施行規則第70条第1項、第71条）",
            NOT_APPLICABLE,
            of_total(o.recorded, o.total, "155時間超の措置の記録"),
            "155時間超（実績または見込み）で措置の記録を開始。労働時間を短縮する措置が必須".into(),
        );
        push(
            "4.(1)",
            "必要な措置（　）",
            if o.total == 0 {
                NOT_APPLICABLE
            } else {
                mark(o.recorded == o.total)
            },
            if o.total == 0 {
                "155時間を超えた医師なし".into()
            } else if taken.is_empty() {
                "未記録".into()
            } else {
                taken.join("、")
            },
            String::new(),
        );
        push(
            "4.(1)",
            "記録を5年間保管している（※保管予定含む）",
            if o.recorded == 0 {
                NOT_APPLICABLE
            } else {
                mark(o.kept_5_years == o.recorded)
            },
            of_total(o.kept_5_years, o.recorded, "5年の保管期限を記録"),
            String::new(),
        );
        rows
    }
}

// ---------------------------------------------------------------------------
// The five documents of the inspection day.
// ---------------------------------------------------------------------------

/// A timecard row of (ア).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimecardEntry {
    pub kind: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub break_minutes: i64,
    /// Versions after the first are corrections (the earlier ones are kept).
    pub version: i32,
    pub correction_reason: Option<String>,
}

/// A PC session of (ア).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcEntry {
    pub pc_name: String,
    pub logon: NaiveDateTime,
    pub logoff: NaiveDateTime,
}

/// (ア) One doctor's day: the timecard and the PC use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkStatusDay {
    pub date: NaiveDate,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub timecard: Vec<TimecardEntry>,
    pub pc: Vec<PcEntry>,
    /// HR's resolution of a discrepancy between them (resolution, reason).
    pub resolution: Option<(String, String)>,
}

/// (ウ) A doctor subject to an interview, and the month's hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectLine {
    pub month: YearMonth,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    /// The month's overtime + holiday minutes as of `as_of`.
    pub minutes: Option<Minutes>,
    pub as_of: Option<NaiveDate>,
    pub interview: InterviewRecord,
}

/// (エ) A held interview with the manager's pre-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewResult {
    pub month: YearMonth,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub interview: InterviewRecord,
    pub precheck: Option<PreCheckRecord>,
}

/// (オ) A measures case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureLine {
    pub month: YearMonth,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub interview_held_on: Option<NaiveDate>,
    pub measure: MeasureRecord,
}

/// The five documents (ア)〜(オ) of a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documents {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// (ア) 医師の勤務状況がわかる書類（タイムカード、PCの利用状況）.
    pub work_status: Vec<WorkStatusDay>,
    /// (イ) 労働時間が把握できる書類: the monthly report's lines of each
    /// month the period touches.
    pub working_hours: Vec<MonthLine>,
    /// (ウ) 面接指導対象医師の一覧表.
    pub subjects: Vec<SubjectLine>,
    /// (エ) 長時間労働医師面接指導結果及び意見書.
    pub results: Vec<InterviewResult>,
    /// (オ) 労働時間短縮のために必要な措置の内容の記録.
    pub measures: Vec<MeasureLine>,
}

/// Assembles the five documents of the inspection day for `[from, to]`:
/// (ア) by day, (イ)〜(オ) by the months the period touches.
pub fn documents(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    scope: &Scope,
) -> Result<Documents, ReportError> {
    let (doctors, ids) = scoped(conn, scope)?;
    let by_id: HashMap<i64, &Doctor> = doctors.iter().map(|d| (d.id, d)).collect();
    let (start, end) = (midnight(from), midnight(to + Duration::days(1)));

    // (ア) Timecard rows, PC sessions and resolutions by doctor and day.
    let cards = queries::current_timecard(conn, ids.as_deref(), start, end)?;
    let pcs = queries::pc_sessions_between(conn, ids.as_deref(), start, end)?;
    let resolved: Vec<(i64, NaiveDate, String, String)> = discrepancy_resolutions::table
        .filter(discrepancy_resolutions::day.ge(from))
        .filter(discrepancy_resolutions::day.le(to))
        .select((
            discrepancy_resolutions::doctor_id,
            discrepancy_resolutions::day,
            discrepancy_resolutions::resolution,
            discrepancy_resolutions::reason,
        ))
        .load(conn)?;
    let mut days: BTreeMap<(String, NaiveDate), WorkStatusDay> = BTreeMap::new();
    fn day_of<'a>(
        days: &'a mut BTreeMap<(String, NaiveDate), WorkStatusDay>,
        by_id: &HashMap<i64, &Doctor>,
        doctor: i64,
        date: NaiveDate,
    ) -> Option<&'a mut WorkStatusDay> {
        let d = by_id.get(&doctor)?;
        Some(days.entry((d.staff_id.clone(), date)).or_insert_with(|| WorkStatusDay {
            date,
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
            department: d.department.clone(),
            timecard: Vec::new(),
            pc: Vec::new(),
            resolution: None,
        }))
    }
    for (shift, version, reason) in cards {
        let crate::db::models::StoredShift {
            doctor_id: doctor,
            kind,
            start_at: s,
            end_at: e,
            break_minutes: brk,
            ..
        } = shift;
        if let Some(day) = day_of(&mut days, &by_id, doctor, s.date()) {
            day.timecard.push(TimecardEntry {
                kind: Kind::parse(&kind).map(|k| k.label_ja().to_string()).unwrap_or(kind),
                start: s,
                end: e,
                break_minutes: i64::from(brk),
                version,
                correction_reason: reason,
            });
        }
    }
    for p in pcs {
        if let Some(day) = day_of(&mut days, &by_id, p.doctor_id, p.logon_at.date()) {
            day.pc.push(PcEntry {
                pc_name: p.pc_name,
                logon: p.logon_at,
                logoff: p.logoff_at,
            });
        }
    }
    for (doctor, date, resolution, reason) in resolved {
        if let Some(day) = day_of(&mut days, &by_id, doctor, date) {
            day.resolution = Some((resolution_ja(&resolution).to_string(), reason));
        }
    }

    // (イ) Each month the period touches, as the monthly report has it.
    let months = months_between(from, to);
    let mut working_hours = Vec::new();
    let mut minutes_of: HashMap<(i64, YearMonth), (Minutes, NaiveDate)> = HashMap::new();
    for month in &months {
        let Some(as_of) = as_of_for(*month, today) else {
            continue;
        };
        for l in month_lines(conn, rules, *month, as_of, scope, ids.as_deref())? {
            minutes_of.insert((l.doctor_id, *month), (l.m.overtime_holiday_minutes, l.as_of));
            working_hours.push(l);
        }
    }

    // (ウ)〜(オ) The interviews and measures of those months.
    let records = Records::load(conn, &months)?;
    let mut subjects = Vec::new();
    let mut results = Vec::new();
    let mut measures_out = Vec::new();
    for month in &months {
        let code = month.to_string();
        for d in &doctors {
            let interview = records.interview(d, &code, today, scope);
            if let Some(i) = &interview {
                let figures = minutes_of.get(&(d.id, *month));
                subjects.push(SubjectLine {
                    month: *month,
                    staff_id: d.staff_id.clone(),
                    name: d.name.clone(),
                    department: d.department.clone(),
                    level: d.level().code().to_string(),
                    minutes: figures.map(|(m, _)| *m),
                    as_of: figures.map(|(_, t)| *t),
                    interview: i.clone(),
                });
                if i.held_on.is_some() {
                    results.push(InterviewResult {
                        month: *month,
                        staff_id: d.staff_id.clone(),
                        name: d.name.clone(),
                        department: d.department.clone(),
                        interview: i.clone(),
                        precheck: records.precheck(d, &code, scope),
                    });
                }
            }
            for reason in [MEASURES_AFTER_INTERVIEW, MEASURES_OVER_155] {
                for m in records.measures(d.id, &code, reason) {
                    measures_out.push(MeasureLine {
                        month: *month,
                        staff_id: d.staff_id.clone(),
                        name: d.name.clone(),
                        department: d.department.clone(),
                        interview_held_on: interview.as_ref().and_then(|i| i.held_on),
                        measure: m,
                    });
                }
            }
        }
    }

    Ok(Documents {
        from,
        to,
        work_status: days.into_values().collect(),
        working_hours,
        subjects,
        results,
        measures: measures_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    #[test]
    fn a_fiscal_year_runs_from_april_to_march() {
        assert_eq!(fiscal_year_of(d("2024-04-01")), 2024);
        assert_eq!(fiscal_year_of(d("2025-03-31")), 2024);
        assert_eq!(fiscal_year_of(d("2024-03-31")), 2023);
        let months = fiscal_months(2024);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], ym("2024-04"));
        assert_eq!(months[2], ym("2024-06"));
        assert_eq!(months[11], ym("2025-03"));
        assert_eq!(fiscal_bounds(2024), Some((d("2024-04-01"), d("2025-03-31"))));
    }

    #[test]
    fn a_fiscal_year_is_named_in_wareki_by_the_era_of_its_december() {
        assert_eq!(fiscal_year_ja(2024), "令和6年度");
        assert_eq!(fiscal_year_ja(2019), "令和元年度");
        assert_eq!(fiscal_year_ja(2018), "平成30年度");
        assert_eq!(month_ja(ym("2024-06")), "令和6年6月");
        assert_eq!(month_ja(ym("2019-04")), "平成31年4月");
        assert_eq!(month_both(ym("2024-06")), "2024-06（令和6年6月）");
        assert_eq!(date_both(d("2024-07-22")), "令和6年7月22日（2024-07-22）");
    }

    #[test]
    fn a_month_is_taken_as_of_its_end_or_today_and_not_before_it_begins() {
        let today = d("2024-06-14");
        assert_eq!(as_of_for(ym("2024-05"), today), Some(d("2024-05-31")));
        assert_eq!(as_of_for(ym("2024-06"), today), Some(today));
        assert_eq!(as_of_for(ym("2024-07"), today), None);
    }

    #[test]
    fn the_last_twelve_months_end_with_the_given_month() {
        let months = last_12_months(ym("2024-06"));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], ym("2023-07"));
        assert_eq!(months[11], ym("2024-06"));
        assert_eq!(
            months_between(d("2024-05-20"), d("2024-07-01")),
            vec![ym("2024-05"), ym("2024-06"), ym("2024-07")]
        );
        assert_eq!(months_between(d("2024-06-01"), d("2024-06-30")), vec![ym("2024-06")]);
    }

    fn measure(reason: &str, recorded: bool) -> Measure {
        Measure {
            id: 1,
            doctor_id: 1,
            month: "2024-06".into(),
            reason: reason.into(),
            interview_id: None,
            shorter_hours: 1,
            fewer_night_duties: 0,
            other: 1,
            other_text: Some(" 外来の削減 ".into()),
            recorded_by: recorded.then(|| "boss".into()),
            recorded_at: recorded.then(|| d("2024-07-01").and_hms_opt(9, 0, 0).unwrap()),
            retention_until: recorded.then(|| d("2029-07-01")),
            created_at: d("2024-06-20").and_hms_opt(5, 0, 0).unwrap(),
        }
    }

    #[test]
    fn measures_are_named_in_the_checklists_words_and_counted_when_recorded() {
        let done = MeasureRecord::of(&measure(MEASURES_OVER_155, true));
        assert_eq!(done.taken_ja(), "労働時間の短縮、その他（外来の削減）");
        assert_eq!(
            MeasureRecord::of(&measure(MEASURES_OVER_155, false)).taken_ja(),
            "未記録"
        );
        let a = measure(MEASURES_AFTER_INTERVIEW, true);
        let b = measure(MEASURES_AFTER_INTERVIEW, false);
        let c = count_measures(&[&a, &b]);
        assert_eq!((c.total, c.recorded, c.shorter_hours, c.other), (2, 1, 1, 1));
        assert_eq!(c.other_texts, vec!["外来の削減".to_string()]);
        assert_eq!(c.kept_5_years, 1);
    }

    fn empty_checklist() -> Checklist {
        Checklist {
            fiscal_year: 2024,
            today: d("2024-07-22"),
            whole_hospital: true,
            doctors: 0,
            timecard_rows: 0,
            pc_sessions: 0,
            last_timecard_import: None,
            last_pclog_import: None,
            oldest_record: None,
            monthly_checks: vec![],
            daily_runs: 0,
            expected_100: vec![],
            interviews: InterviewCounts::default(),
            physicians: vec![],
            measures: MeasureCounts::default(),
            over_155: MeasureCounts::default(),
        }
    }

    #[test]
    fn the_checklist_follows_the_prefectures_order_and_leaves_unshown_items_unchecked() {
        let mut c = empty_checklist();
        let numbers: Vec<&str> = c.rows().iter().map(|r| r.number).collect();
        let mut order = numbers.clone();
        order.dedup();
        assert_eq!(
            order,
            vec!["1.(1)", "1.(2)", "1.(3)", "1.(4)", "2.", "2.(1)", "2.(2)", "2.(3)", "3.(1)", "4.(1)"]
        );
        assert!(
            c.rows().iter().all(|r| r.mark != CHECKED),
            "nothing recorded, nothing ticked"
        );
        let section_2 = c.rows().into_iter().find(|r| r.number == "2.").unwrap();
        assert!(section_2.basis.contains("2.以下の確認は不要"), "{section_2:?}");

        c.timecard_rows = 120;
        c.oldest_record = Some(d("2024-04-01"));
        c.monthly_checks = vec![(ym("2024-04"), Some(d("2024-05-01"))), (ym("2024-05"), None)];
        c.interviews = InterviewCounts {
            total: 2,
            held: 2,
            held_in_time: 2,
            checks: [2, 2, 2, 1],
            kept_5_years: 2,
            latest_held: Some(d("2024-06-20")),
            ..InterviewCounts::default()
        };
        let rows = c.rows();
        let row = |item: &str| rows.iter().find(|r| r.item.starts_with(item)).unwrap();
        assert_eq!(row("タイムカード").mark, CHECKED);
        assert_eq!(row("パーソナルコンピュータ").mark, UNCHECKED);
        assert_eq!(row("作成した記録は3年保管").mark, CHECKED);
        assert!(row("作成した記録は3年保管")
            .answer
            .contains("令和6年4月1日（2024-04-01）"));
        let monthly = rows.iter().find(|r| r.number == "1.(3)").unwrap();
        assert_eq!(monthly.mark, UNCHECKED, "May was not checked");
        assert!(monthly.answer.contains("令和6年5月: 未実施"));
        let checks: Vec<&ChecklistRow> = rows.iter().filter(|r| r.number == "2.(2)").collect();
        assert_eq!(checks[1].mark, CHECKED);
        assert_eq!(checks[4].mark, UNCHECKED, "one interview lacks エ");
        assert!(row("面接指導年月日").answer.starts_with("令和6年6月20日"));
    }
}
