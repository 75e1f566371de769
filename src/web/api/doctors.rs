//! `GET /api/v1/doctors/{staff_id}/months/{month}`: a doctor's month as the
//! doctor page shows it (`report::doctor_month`), under the access policy.

use super::auth::CurrentUser;
use super::interviews::{InterviewOut, MeasureOut, Visible};
use super::{blocking, month_as_of};
use crate::app::App;
use crate::domain::time::Minutes;
use crate::report::dashboard::State;
use crate::report::doctor_month::{DoctorMonthError, DoctorMonthView};
use crate::web::ApiError;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
struct AsOf {
    as_of: Option<String>,
}

/// A timecard or roster row as the API shows it.
#[derive(Debug, Serialize)]
struct RowOut<T> {
    kind: &'static str,
    start: T,
    end: T,
    break_minutes: Minutes,
}

#[derive(Debug, Serialize)]
struct RunningDay {
    date: NaiveDate,
    actual: Option<Minutes>,
    projected: Option<Minutes>,
}

#[derive(Debug, Serialize)]
struct MonthTotal {
    month: String,
    overtime_holiday_minutes: Minutes,
}

#[derive(Debug, Serialize)]
struct PcOut {
    logon: chrono::NaiveDateTime,
    logoff: chrono::NaiveDateTime,
}

#[derive(Debug, Serialize)]
struct DoctorMonthOut {
    staff_id: String,
    name: String,
    department: Option<String>,
    level: &'static str,
    /// A C-1 clinical trainee (formats.md R.1).
    clinical_trainee: bool,
    month: String,
    as_of: NaiveDate,
    state: State,
    health_data: bool,
    figures: crate::month::DoctorMonth,
    projection_method: &'static str,
    running_total: Vec<RunningDay>,
    last_12_months: Vec<MonthTotal>,
    timecard: Vec<RowOut<chrono::NaiveDateTime>>,
    roster: Vec<RowOut<chrono::NaiveDateTime>>,
    pc_sessions: Vec<PcOut>,
    /// The interview API's shape of each interview, with `health_data`.
    interviews: Vec<InterviewOut>,
    measures: Vec<MeasureOut>,
}

fn row_out(s: &crate::domain::shift::Shift) -> RowOut<chrono::NaiveDateTime> {
    RowOut {
        kind: s.kind().code(),
        start: s.start(),
        end: s.end(),
        break_minutes: s.break_minutes(),
    }
}

impl DoctorMonthOut {
    fn of(v: DoctorMonthView, today: NaiveDate) -> DoctorMonthOut {
        let p = &v.computed.projection;
        let running_total = v
            .month
            .iter_days()
            .enumerate()
            .map(|(k, day)| RunningDay {
                date: day,
                actual: (day <= p.as_of).then(|| p.actual.running.get(k).copied()).flatten(),
                projected: p.running.get(k).copied(),
            })
            .collect();
        let interviews = v
            .interviews
            .iter()
            .map(|iv| {
                let visible = Visible {
                    sight: iv.sight,
                    interview: iv.i.clone(),
                    doctor: v.doctor.clone(),
                    prechecks: iv.prechecks.clone(),
                    measures: v.measures_of(&iv.i.month).cloned().collect(),
                    physician: iv.physician.clone(),
                };
                let mut j = InterviewOut::of(&visible, today);
                j.health_data = Some(iv.sight.health());
                j
            })
            .collect();
        DoctorMonthOut {
            staff_id: v.doctor.staff_id.clone(),
            name: v.doctor.name.clone(),
            department: v.doctor.department.clone(),
            level: v.doctor.level().code(),
            clinical_trainee: v.doctor.is_clinical_trainee(),
            month: v.month.to_string(),
            as_of: v.as_of,
            state: v.state,
            health_data: v.health,
            projection_method: v.method(),
            running_total,
            last_12_months: v
                .last_12_months
                .iter()
                .map(|(m, minutes)| MonthTotal {
                    month: m.to_string(),
                    overtime_holiday_minutes: *minutes,
                })
                .collect(),
            timecard: v.rows.timecard.iter().map(row_out).collect(),
            roster: v.rows.roster.iter().map(row_out).collect(),
            pc_sessions: v
                .rows
                .pc
                .iter()
                .map(|s| PcOut {
                    logon: s.logon,
                    logoff: s.logoff,
                })
                .collect(),
            interviews,
            measures: v.measures.iter().map(MeasureOut::from).collect(),
            figures: v.figures,
        }
    }
}

/// `GET /api/v1/doctors/{staff_id}/months/{month}`: what the doctor page
/// shows (`report::doctor_month`), under its rule (`crate::policy::doctor`,
/// and per interview `crate::policy::listed_interview`).
#[get("/api/v1/doctors/{staff_id}/months/{month}")]
pub(super) async fn doctor_month(
    app: web::Data<App>,
    me: CurrentUser,
    path: web::Path<(String, String)>,
    q: web::Query<AsOf>,
) -> Result<HttpResponse, ApiError> {
    let (staff_id, month) = path.into_inner();
    let (month, as_of) = month_as_of(&app, Some(&month), q.as_of.as_deref())?;
    let (rules, today) = (app.settings.rules.clone(), app.settings.today());
    let v = blocking(&app, move |c| {
        let who = crate::policy::Who::of(me.role, &me.user);
        crate::report::doctor_month::doctor_month(c, &rules, who, &staff_id, month, as_of, today).map_err(|e| match e {
            DoctorMonthError::NotFound => ApiError::not_found(),
            other => ApiError::internal(other),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(DoctorMonthOut::of(v, today)))
}
