//! The print pack's list of doctors with a month ≥ 100 h in the twelve
//! months ending a month, with the interview, the pre-check, the opinion
//! and the measures of that month (rules §8, §10, §12).

use super::dates::{as_of_for, last_12_months};
use super::figures::month_lines;
use super::records::{InterviewRecord, MeasureRecord, PreCheckRecord, Records};
use super::scope::{scoped, Scope};
use crate::db::models::Doctor;
use crate::db::AnyConnection;
use crate::domain::hours::RuleConfig;
use crate::domain::interview::MeasureReason;
use crate::domain::profile::EmploymentType;
use crate::domain::time::{Minutes, YearMonth};
use crate::month::ReportError;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A doctor's month at or over 100 h, with what followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Over100Line {
    pub month: YearMonth,
    pub as_of: NaiveDate,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    /// 時間外・休日労働 of the month, combined with other employers'
    /// (`overtime_holiday_minutes`, rules §5b.5).
    pub minutes: Minutes,
    /// This hospital's part (`own_overtime_holiday_minutes`).
    pub own_minutes: Minutes,
    /// 常勤・非常勤・外勤受入 (rules §12).
    pub employment_type: &'static str,
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
                interview: records.interview(d, &code, today, scope, Some(&l.m)),
                precheck: records.precheck(d, &code, scope),
                measures: records.measures(l.doctor_id, &code, MeasureReason::Interview.code()),
                over_155_measures: records.measures(l.doctor_id, &code, MeasureReason::Over155.code()),
                minutes: l.m.overtime_holiday_minutes,
                own_minutes: l.m.own_overtime_holiday_minutes,
                employment_type: EmploymentType::parse(l.m.employment_type)
                    .unwrap_or_default()
                    .label_ja(),
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
