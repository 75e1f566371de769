//! The prefecture's checklist 「病院立入検査重点項目」 (医師の働き方改革,
//! rules §12) of a fiscal year, filled in from the data (規則第61条〜第71条):
//! the counts and dates its items ask about. `checklist_rows.rs` words them
//! as the printed form's lines.

use super::dates::{as_of_for, fiscal_bounds, fiscal_months};
use super::figures::month_lines;
use super::records::{InterviewRecord, PreCheckRecord, Records};
use super::scope::{scoped, Scope};
use crate::db::inspection as db;
use crate::db::models::Measure;
use crate::db::monthly::frozen_checks_of;
use crate::db::AnyConnection;
use crate::domain::frozen::{expected_100, interview_counts, reached_after_check};
use crate::domain::hours::RuleConfig;
use crate::domain::interview::MeasureReason;
use crate::domain::interview::{years_after, Status, HEALTH_RECORD_YEARS};
use crate::domain::time::{midnight, YearMonth};
use crate::month::{DoctorMonth, ReportError};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::{BTreeSet, HashMap};

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
    /// The count frozen by the month's first monthly check (rules §19);
    /// `None` while the month has not been checked.
    pub frozen: Option<FrozenCount>,
}

/// A month's count of doctors expected at ≥ 100 h as frozen by its first
/// monthly check (rules §19), beside the same computation on today's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrozenCount {
    /// The frozen count (of the doctors in scope).
    pub count: usize,
    pub frozen_at: NaiveDateTime,
    /// The same computation now: an interview case of the month, or the
    /// month's actual figure at 6000 or more.
    pub now: usize,
    /// The doctors now in the list who were not in the frozen one (late
    /// data), as `name（staff id）`.
    pub late: Vec<String>,
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

/// A month's frozen count (rules §19) for the doctors in scope, beside the
/// same computation on today's data (`lines`: the month's figures as of its
/// last day, or today while it runs).
fn frozen_count(
    f: &crate::db::monthly::FrozenCheck,
    code: &str,
    doctors: &[crate::db::models::Doctor],
    records: &Records,
    lines: &HashMap<(i64, String), DoctorMonth>,
    whole_hospital: bool,
) -> FrozenCount {
    let staff: HashMap<i64, &crate::db::models::Doctor> = doctors.iter().map(|d| (d.id, d)).collect();
    let frozen: Vec<String> = f
        .staff_ids()
        .into_iter()
        .filter(|s| whole_hospital || doctors.iter().any(|d| d.staff_id == *s))
        .collect();
    let interviewed = records
        .interviews
        .iter()
        .filter(|((_, m), i)| m == code && interview_counts(&i.reason))
        .filter_map(|((d, _), _)| staff.get(d).map(|d| d.staff_id.as_str()));
    let reached = lines
        .iter()
        .filter(|((d, m), l)| m == code && l.over_100 && staff.contains_key(d))
        .map(|(_, l)| l.staff_id.as_str());
    let now = expected_100(interviewed, reached);
    let late = reached_after_check(&frozen, &now)
        .into_iter()
        .map(|s| match doctors.iter().find(|d| d.staff_id == s) {
            Some(d) => format!("{}（{}）", d.name, d.staff_id),
            None => s,
        })
        .collect();
    FrozenCount {
        count: if whole_hospital {
            usize::try_from(f.expected_100_count).unwrap_or(0)
        } else {
            frozen.len()
        },
        frozen_at: f.frozen_at,
        now: now.len(),
        late,
    }
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
    // The fiscal year's months as agreement months (rules §6.1: with
    // `month_start_day = 16`, April is 04-16 … 05-15).
    let months: Vec<YearMonth> = fiscal_months(fiscal_year)
        .into_iter()
        .map(|m| rules.calendar.month(m))
        .collect();
    // A year chrono cannot name has no months: an empty checklist.
    let (fy_first, fy_last) = fiscal_bounds(fiscal_year).unwrap_or((today, today - Duration::days(1)));
    let (from, to) = (midnight(fy_first), midnight(fy_last + Duration::days(1)));

    // 1.(1) How working time is known: timecards and PC logs.
    let timecard = db::current_timecard_count(conn, ids.as_deref(), from, to)?;
    let pc = db::pc_session_count(conn, ids.as_deref(), from, to)?;
    let last_timecard_import = db::last_import_at(conn, "timecard")?;
    let last_pclog_import = db::last_import_at(conn, "pclog")?;

    // 1.(2) Records kept three years: the oldest row still stored,
    // superseded versions included.
    let oldest = db::oldest_timecard_start(conn, ids.as_deref())?;

    // 1.(3) The monthly check of each closed month.
    let codes: Vec<String> = months.iter().map(ToString::to_string).collect();
    let runs = db::monthly_runs_of(conn, &codes)?;
    let monthly_checks = months
        .iter()
        .filter(|m| m.last_day() < today)
        .map(|m| {
            let code = m.to_string();
            (*m, runs.iter().find(|(c, _)| *c == code).map(|(_, at)| at.date()))
        })
        .collect();
    let daily_runs = db::daily_run_count(conn, fy_first, fy_last)?;

    // 2.–4. Interviews, pre-checks and measures of the fiscal year.
    let records = Records::load(conn, &months)?;

    // Each month of the year begun by today, computed once: the counts of
    // 1.(4) and the interviews' timeliness (the minute 100 h was reached).
    let mut computed: HashMap<(i64, String), DoctorMonth> = HashMap::new();
    let mut expected_count: HashMap<YearMonth, (NaiveDate, usize)> = HashMap::new();
    for month in months.iter().copied() {
        let Some(t) = as_of_for(month, today) else {
            continue;
        };
        let lines = month_lines(conn, rules, month, t, scope, ids.as_deref())?;
        let n = lines.iter().filter(|l| l.m.over_100 || l.m.projected_over_100).count();
        expected_count.insert(month, (t, n));
        let code = month.to_string();
        computed.extend(lines.into_iter().map(|l| ((l.doctor_id, code.clone()), l.m)));
    }

    // 1.(4) April, May and June: the counts frozen by each month's first
    // monthly check (rules §19), the live count before it.
    let frozen_checks = frozen_checks_of(conn, &codes)?;
    let mut expected = Vec::with_capacity(3);
    for month in months.iter().take(3).copied() {
        let code = month.to_string();
        let opened = records
            .interviews
            .keys()
            .filter(|(d, m)| *m == code && in_scope.contains(d))
            .count();
        let (as_of, count) = match expected_count.get(&month) {
            Some((t, n)) => (Some(*t), Some(*n)),
            None => (None, None),
        };
        let frozen = frozen_checks
            .iter()
            .find(|f| f.month == code)
            .map(|f| frozen_count(f, &code, &doctors, &records, &computed, scope.whole_hospital()));
        expected.push(ExpectedCount {
            month,
            as_of,
            doctors: count,
            interviews_opened: opened,
            frozen,
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
        let line = computed.get(&(*doctor, month.clone()));
        let r = InterviewRecord::of(i, &records.people, today, false, line);
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
        .filter(|m| m.has_reason(MeasureReason::Interview.code()))
        .collect();
    let over_155: Vec<&Measure> = cases
        .iter()
        .copied()
        .filter(|m| m.has_reason(MeasureReason::Over155.code()))
        .collect();

    Ok(Checklist {
        fiscal_year,
        today,
        whole_hospital: scope.whole_hospital(),
        doctors: doctors.len(),
        timecard_rows: timecard,
        pc_sessions: pc,
        last_timecard_import,
        last_pclog_import,
        oldest_record: oldest.map(|t| t.date()),
        monthly_checks,
        daily_runs,
        expected_100: expected,
        interviews: ic,
        physicians,
        measures: count_measures(&after_interview),
        over_155: count_measures(&over_155),
    })
}

#[cfg(test)]
mod tests {
    use super::super::records::MeasureRecord;
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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
            extra_reason: None,
        }
    }

    #[test]
    fn measures_are_named_in_the_checklists_words_and_counted_when_recorded() {
        let done = MeasureRecord::of(&measure(MeasureReason::Over155.code(), true));
        // The kinds taken, then what was done.
        assert_eq!(done.taken_ja(), "労働時間の短縮、その他：外来の削減");
        assert_eq!(
            MeasureRecord::of(&measure(MeasureReason::Over155.code(), false)).taken_ja(),
            "未記録"
        );
        let a = measure(MeasureReason::Interview.code(), true);
        let b = measure(MeasureReason::Interview.code(), false);
        let c = count_measures(&[&a, &b]);
        assert_eq!((c.total, c.recorded, c.shorter_hours, c.other), (2, 1, 1, 1));
        assert_eq!(c.other_texts, vec!["外来の削減".to_string()]);
        assert_eq!(c.kept_5_years, 1);
    }
}
