//! The five documents of the inspection day (立入検査, rules §12), (ア)〜(オ):
//! timecards and PC use by day, the monthly figures, the doctors subject
//! to an interview, the interviews' results and the measures.

use super::dates::{as_of_for, months_between};
use super::figures::{month_lines, MonthLine};
use super::labels::{correction_reason_ja, resolution_ja};
use super::records::{InterviewRecord, MeasureRecord, PreCheckRecord, Records};
use super::scope::{scoped, Scope};
use crate::db::models::Doctor;
use crate::db::{queries, AnyConnection};
use crate::domain::hours::RuleConfig;
use crate::domain::shift::Kind;
use crate::domain::time::{midnight, Minutes, YearMonth};
use crate::month::{DoctorMonth, ReportError};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, HashMap};

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
/// (ア) by day (only `with_work_status`: the raw records are an attachment
/// of the printed pack, see [`work_status`]), (イ)〜(オ) by the months the
/// period touches.
pub fn documents(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
    scope: &Scope,
    with_work_status: bool,
) -> Result<Documents, ReportError> {
    let (doctors, ids) = scoped(conn, scope)?;

    // (ア) Timecard rows, PC sessions and resolutions by doctor and day.
    let work_status = if with_work_status {
        work_status_of(conn, &doctors, ids.as_deref(), from, to)?
    } else {
        Vec::new()
    };

    // (イ) Each month the period touches, as the monthly report has it.
    let months = months_between(rules.calendar, from, to);
    let mut working_hours = Vec::new();
    let mut minutes_of: HashMap<(i64, YearMonth), (Minutes, NaiveDate)> = HashMap::new();
    let mut computed: HashMap<(i64, YearMonth), DoctorMonth> = HashMap::new();
    for month in &months {
        let Some(as_of) = as_of_for(*month, today) else {
            continue;
        };
        for l in month_lines(conn, rules, *month, as_of, scope, ids.as_deref())? {
            minutes_of.insert((l.doctor_id, *month), (l.m.overtime_holiday_minutes, l.as_of));
            computed.insert((l.doctor_id, *month), l.m.clone());
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
            let interview = records.interview(d, &code, today, scope, computed.get(&(d.id, *month)));
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
            {
                for m in records.all_measures(d.id, &code) {
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
        work_status,
        working_hours,
        subjects,
        results,
        measures: measures_out,
    })
}

/// (ア) alone, the raw records (rules §12): every day of `[from, to]` of
/// the doctors in `scope` — or of the one doctor `staff_id` among them —
/// with its timecard rows, PC sessions and discrepancy resolution.
pub fn work_status(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
    scope: &Scope,
    staff_id: Option<&str>,
) -> Result<Vec<WorkStatusDay>, ReportError> {
    let (mut doctors, mut ids) = scoped(conn, scope)?;
    if let Some(staff) = staff_id {
        doctors.retain(|d| d.staff_id == staff);
        if doctors.is_empty() {
            return Ok(Vec::new());
        }
        ids = Some(doctors.iter().map(|d| d.id).collect());
    }
    Ok(work_status_of(conn, &doctors, ids.as_deref(), from, to)?)
}

fn work_status_of(
    conn: &mut AnyConnection,
    doctors: &[Doctor],
    ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
) -> diesel::QueryResult<Vec<WorkStatusDay>> {
    let by_id: HashMap<i64, &Doctor> = doctors.iter().map(|d| (d.id, d)).collect();
    let (start, end) = (midnight(from), midnight(to + Duration::days(1)));
    let cards = queries::current_timecard(conn, ids, start, end)?;
    let pcs = queries::pc_sessions_between(conn, ids, start, end)?;
    let resolved = crate::db::discrepancies::resolutions_with_reasons_between(conn, from, to)?;
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
                correction_reason: reason.as_deref().map(correction_reason_ja),
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
    Ok(days.into_values().collect())
}
