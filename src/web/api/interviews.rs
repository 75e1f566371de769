//! The interviews and measures API, behind sign-in and the access policy
//! ([`crate::policy`]): a physician sees the interviews assigned to them, a
//! manager those of their doctors, a doctor only their own; HR and admin see
//! who needs an interview and its status, never health data (pre-check,
//! check items, opinion), which only the doctor, their manager and the
//! interview's physician see.

use super::auth::CurrentUser;
use super::{blocking, ApiError};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::{Doctor, Interview, Measure, PreCheck};
use crate::db::{interviews, users, AnyConnection};
use crate::domain::interview::Status;
use crate::domain::time::YearMonth;
use crate::monitor::records::{self, InterviewInput, InterviewLine, MeasureInput, PreCheckInput, RecordError};
use crate::policy::{self, Sight, Who, Whose};
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};

pub(super) fn who(me: &CurrentUser) -> Who<'_> {
    Who::of(me.role, &me.user)
}

pub(super) fn record_error(e: RecordError) -> ApiError {
    match e {
        RecordError::NotFound => ApiError::not_found(),
        RecordError::Invalid(m) => ApiError::bad_request_pair("invalid", &m),
        RecordError::AlreadyDone => ApiError::conflict("already_done", &e.to_string()),
        RecordError::NoPhysician => ApiError::conflict("no_physician", &e.to_string()),
        other => ApiError::internal(other),
    }
}

#[derive(Debug, Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

fn month_of(app: &App, q: &MonthQuery) -> Result<YearMonth, ApiError> {
    match q.month.as_deref() {
        Some(m) => YearMonth::parse(m).ok_or_else(|| {
            ApiError::bad_request(
                "bad_month",
                "month は YYYY-MM で指定してください",
                "month must be YYYY-MM",
            )
        }),
        None => Ok(YearMonth::of(app.settings.today())),
    }
}

#[derive(Debug, Serialize)]
struct InterviewList<'a> {
    month: String,
    interviews: Vec<&'a InterviewLine>,
}

#[get("/api/v1/interviews")]
async fn list(app: web::Data<App>, me: CurrentUser, q: web::Query<MonthQuery>) -> Result<HttpResponse, ApiError> {
    let month = month_of(&app, &q)?;
    let today = app.settings.today();
    let lines: Vec<InterviewLine> = blocking(&app, move |c| {
        records::list_interviews(c, month, today).map_err(ApiError::internal)
    })
    .await?;
    let visible: Vec<&InterviewLine> = lines
        .iter()
        .filter(|l| {
            let whose = Whose {
                staff_id: &l.staff_id,
                manager_login: l.manager_login.as_deref(),
            };
            policy::interview(who(&me), whose, l.physician_login.as_deref()) != Sight::None
        })
        .collect();
    Ok(HttpResponse::Ok().json(InterviewList {
        month: month.to_string(),
        interviews: visible,
    }))
}

/// An interview as one user may see it.
pub(super) struct Visible {
    pub(super) sight: Sight,
    pub(super) interview: Interview,
    pub(super) doctor: Doctor,
    pub(super) prechecks: Vec<PreCheck>,
    pub(super) measures: Vec<Measure>,
    pub(super) physician: Option<String>,
}

/// The interview with its doctor, records and physician's login, if `me`
/// may see it at all.
pub(super) fn load_visible(conn: &mut AnyConnection, me: &CurrentUser, id: i64) -> Result<Visible, ApiError> {
    let (interview, doctor, prechecks, measures) = records::interview(conn, id).map_err(record_error)?;
    let physician: Option<String> = match interview.physician_id {
        Some(p) => users::login_of(conn, p)?,
        None => None,
    };
    let sight = policy::interview(who(me), (&doctor).into(), physician.as_deref());
    if sight == Sight::None {
        // Not found rather than forbidden: do not reveal who has an interview.
        return Err(ApiError::not_found());
    }
    Ok(Visible {
        sight,
        interview,
        doctor,
        prechecks,
        measures,
        physician,
    })
}

/// A pre-check as the API shows it (health data).
#[derive(Debug, Serialize)]
pub(super) struct PreCheckOut {
    work_status: String,
    previous_month_minutes: i32,
    sleep_average_minutes: i32,
    fatigue_symptom: String,
    fatigue_score: i32,
    mental_physical: String,
    doctor_requests_interview: bool,
    recorded_by: Option<String>,
    recorded_at: chrono::NaiveDateTime,
}

/// The physician's check items (health data).
#[derive(Debug, Serialize)]
pub(super) struct CheckOut {
    work: Option<String>,
    sleep: Option<String>,
    fatigue: Option<String>,
    mental_physical: Option<String>,
}

/// A measures case (就業上の措置) as the API shows it.
#[derive(Debug, Serialize)]
pub(super) struct MeasureOut {
    id: i64,
    month: String,
    reason: String,
    /// The second reason of a case both reasons call for (one case per
    /// doctor-month).
    extra_reason: Option<String>,
    interview_id: Option<i64>,
    shorter_hours: bool,
    fewer_night_duties: bool,
    other: bool,
    other_text: Option<String>,
    recorded: bool,
    recorded_by: Option<String>,
    recorded_at: Option<chrono::NaiveDateTime>,
    retention_until: Option<chrono::NaiveDate>,
}

impl From<&Measure> for MeasureOut {
    fn from(m: &Measure) -> MeasureOut {
        MeasureOut {
            id: m.id,
            month: m.month.clone(),
            reason: m.reason.clone(),
            extra_reason: m.extra_reason.clone(),
            interview_id: m.interview_id,
            shorter_hours: m.shorter_hours != 0,
            fewer_night_duties: m.fewer_night_duties != 0,
            other: m.other != 0,
            other_text: m.other_text.clone(),
            recorded: m.recorded_at.is_some(),
            recorded_by: m.recorded_by.clone(),
            recorded_at: m.recorded_at,
            retention_until: m.retention_until,
        }
    }
}

/// One interview as one user may see it: the pre-checks, check items and
/// opinion only with health data (`policy::interview`).
#[derive(Debug, Serialize)]
pub(super) struct InterviewOut {
    id: i64,
    staff_id: String,
    name: String,
    department: Option<String>,
    level: &'static str,
    month: String,
    reason: String,
    reach_100_date: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
    physician_login: Option<String>,
    held_on: Option<chrono::NaiveDate>,
    /// The minute it was held (rules §8.3), when recorded so.
    #[serde(serialize_with = "crate::domain::due::minute")]
    held_at: Option<chrono::NaiveDateTime>,
    /// The minute the actual month reached 100 h (rules §8.2).
    #[serde(serialize_with = "crate::domain::due::minute")]
    reach_100_at: Option<chrono::NaiveDateTime>,
    status: Status,
    interview_in_time: Option<bool>,
    a_level_exception: crate::domain::due::Exception,
    past_planning_deadline: bool,
    opened_late: bool,
    days_late: Option<i64>,
    retention_until: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prechecks: Option<Vec<PreCheckOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<CheckOut>,
    /// Present (possibly null) only with health data.
    #[serde(skip_serializing_if = "Option::is_none")]
    opinion: Option<Option<String>>,
    measures: Vec<MeasureOut>,
    /// The structured opinion (意見書), with health data, when recorded on
    /// the form (`GET /api/v1/interviews/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) opinion_form: Option<Option<super::opinions::OpinionOut>>,
    /// The dated addenda (追記) of the record, with health data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) addenda: Option<Vec<super::opinions::AddendumOut>>,
    /// Set where the interview is listed on a doctor's month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) health_data: Option<bool>,
}

impl InterviewOut {
    /// The interview as `v.sight` lets it be seen, its status as of `today`.
    pub(super) fn of(v: &Visible, today: chrono::NaiveDate) -> InterviewOut {
        let (i, d) = (&v.interview, &v.doctor);
        let health = v.sight.health();
        let due = i.due();
        let at = crate::domain::due::end_of(today);
        InterviewOut {
            id: i.id,
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
            department: d.department.clone(),
            level: d.level().code(),
            month: i.month.clone(),
            reason: i.reason.clone(),
            reach_100_date: i.reach_100_date,
            deadline: i.deadline,
            physician_login: v.physician.clone(),
            held_on: i.held_on,
            held_at: i.held_at,
            reach_100_at: i.reach_100_at,
            status: due.status(at),
            interview_in_time: due.in_time(),
            a_level_exception: due.exception,
            past_planning_deadline: due.past_planning_deadline(at),
            opened_late: i.opened_late(),
            days_late: due.days_late(),
            retention_until: i.retention_until,
            prechecks: health.then(|| {
                v.prechecks
                    .iter()
                    .map(|p| PreCheckOut {
                        work_status: p.work_status.clone(),
                        previous_month_minutes: p.previous_month_minutes,
                        sleep_average_minutes: p.sleep_average_minutes,
                        fatigue_symptom: p.fatigue_symptom.clone(),
                        fatigue_score: p.fatigue_score,
                        mental_physical: p.mental_physical.clone(),
                        doctor_requests_interview: p.doctor_requests_interview != 0,
                        recorded_by: p.recorded_by.clone(),
                        recorded_at: p.recorded_at,
                    })
                    .collect()
            }),
            check: health.then(|| CheckOut {
                work: i.check_work.clone(),
                sleep: i.check_sleep.clone(),
                fatigue: i.check_fatigue.clone(),
                mental_physical: i.check_mental_physical.clone(),
            }),
            opinion: health.then(|| i.opinion.clone()),
            // Measures taken are employment measures, not health data: HR
            // and admin see them here as they do in the measures list.
            measures: v.measures.iter().map(MeasureOut::from).collect(),
            opinion_form: None,
            addenda: None,
            health_data: None,
        }
    }
}

#[get("/api/v1/interviews/{id}")]
async fn show(app: web::Data<App>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = app.settings.today();
    let v = blocking(&app, move |c| {
        let v = load_visible(c, &me, id)?;
        let mut out = InterviewOut::of(&v, today);
        if v.sight.health() {
            super::opinions::add_opinion(c, &mut out, id)?;
        }
        Ok(out)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Records a pre-check for `doctor`'s `month` if `me` is their manager.
fn precheck_as_manager(
    c: &mut AnyConnection,
    settings: &crate::config::Settings,
    me: &CurrentUser,
    d: &Doctor,
    month: YearMonth,
    input: &PreCheckInput,
    now: chrono::NaiveDateTime,
) -> Result<PreCheckRecorded, ApiError> {
    if !policy::is_manager(who(me), d.into()) {
        return Err(ApiError::forbidden(
            "事前確認は所属長が記録します / only the doctor's manager records the pre-check",
        ));
    }
    let (p, deadline) =
        records::record_precheck(c, settings, d, month, input, &me.user.login, now).map_err(record_error)?;
    Ok(PreCheckRecorded {
        id: p.id,
        staff_id: d.staff_id.clone(),
        month: p.month,
        previous_month_minutes: p.previous_month_minutes,
        deadline,
    })
}

/// The pre-check of a doctor's month, for the interview it belongs to.
#[post("/api/v1/interviews/{id}/precheck")]
async fn precheck(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<PreCheckInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let now = app.now();
    let settings = app.settings.clone();
    let v = blocking(&app, move |c| {
        let v = load_visible(c, &me, id)?;
        let month = YearMonth::parse(&v.interview.month).ok_or_else(ApiError::not_found)?;
        precheck_as_manager(c, &settings, &me, &v.doctor, month, &input, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Debug, Deserialize)]
struct DoctorPreCheck {
    staff_id: String,
    month: String,
    #[serde(flatten)]
    input: PreCheckInput,
}

/// The pre-check of a doctor's month before any interview is opened (the
/// manager is asked for it once the doctor passes 80 h).
#[post("/api/v1/prechecks")]
async fn precheck_for_doctor(
    app: web::Data<App>,
    me: CurrentUser,
    body: web::Json<DoctorPreCheck>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let month = YearMonth::parse(&body.month).ok_or_else(|| {
        ApiError::bad_request(
            "bad_month",
            "month は YYYY-MM で指定してください",
            "month must be YYYY-MM",
        )
    })?;
    if me.role != Role::Manager {
        return Err(ApiError::forbidden(
            "事前確認は所属長が記録します / only the doctor's manager records the pre-check",
        ));
    }
    let now = app.now();
    let settings = app.settings.clone();
    let v = blocking(&app, move |c| {
        let d = crate::db::queries::doctor_by_staff_id(c, &body.staff_id)?.ok_or_else(ApiError::not_found)?;
        precheck_as_manager(c, &settings, &me, &d, month, &body.input, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[post("/api/v1/interviews/{id}/record")]
async fn record(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<InterviewInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let now = app.now();
    let v = blocking(&app, move |c| {
        let physician = load_visible(c, &me, id)?.physician;
        if !policy::is_assigned_physician(who(&me), physician.as_deref()) {
            return Err(ApiError::forbidden(
                "面接指導は担当の面接指導実施医師が記録します / only the assigned physician records the interview",
            ));
        }
        let i = records::record_interview(c, id, &input, &me.user.login, now).map_err(record_error)?;
        Ok(InterviewRecorded {
            id: i.id,
            held_on: i.held_on,
            held_at: i.held_at,
            retention_until: i.retention_until,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[post("/api/v1/interviews/{id}/reassign")]
async fn reassign(app: web::Data<App>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = app.now();
    let settings = app.settings.clone();
    let v = blocking(&app, move |c| {
        let Visible { sight, doctor: d, .. } = load_visible(c, &me, id)?;
        if !policy::may_reassign(who(&me), sight) {
            return Err(ApiError::forbidden("担当医師の変更は本人・所属長・管理者が行えます / only the doctor, their manager or an admin may ask for another physician"));
        }
        let i = records::reassign(c, &settings, id, now).map_err(record_error)?;
        let login: Option<String> = match i.physician_id {
            Some(p) => users::login_of(c, p)?,
            None => None,
        };
        Ok(Reassigned {
            id: i.id,
            staff_id: d.staff_id,
            physician_login: login,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// A measures case in the month's list, with its doctor.
#[derive(Debug, Serialize)]
struct MeasureLineOut {
    #[serde(flatten)]
    m: MeasureOut,
    staff_id: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct MeasureList {
    month: String,
    measures: Vec<MeasureLineOut>,
}

/// A pre-check as recorded, with the deadline it gives.
#[derive(Debug, Serialize)]
struct PreCheckRecorded {
    id: i64,
    staff_id: String,
    month: String,
    previous_month_minutes: i32,
    /// The interview's deadline, when an interview of the month is open.
    deadline: Option<chrono::NaiveDate>,
}

#[derive(Debug, Serialize)]
struct InterviewRecorded {
    id: i64,
    held_on: Option<chrono::NaiveDate>,
    held_at: Option<chrono::NaiveDateTime>,
    retention_until: Option<chrono::NaiveDate>,
}

#[derive(Debug, Serialize)]
struct Reassigned {
    id: i64,
    staff_id: String,
    physician_login: Option<String>,
}

#[get("/api/v1/measures")]
async fn list_measures(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, ApiError> {
    let month = month_of(&app, &q)?;
    let rows: Vec<(Measure, Doctor)> = blocking(&app, move |c| {
        records::list_measures(c, month).map_err(ApiError::internal)
    })
    .await?;
    let visible: Vec<MeasureLineOut> = rows
        .iter()
        .filter(|(_, d)| policy::sees_measures(who(&me), d.into()))
        .map(|(m, d)| MeasureLineOut {
            m: m.into(),
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(MeasureList {
        month: month.to_string(),
        measures: visible,
    }))
}

#[post("/api/v1/measures/{id}")]
async fn record_measures(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<MeasureInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let now = app.now();
    let v = blocking(&app, move |c| {
        let doctor: Option<Doctor> = interviews::doctor_of_measure(c, id)?;
        let d = doctor.ok_or_else(ApiError::not_found)?;
        if !policy::is_manager(who(&me), (&d).into()) {
            return Err(ApiError::forbidden(
                "措置は所属長が記録します / only the doctor's manager records measures",
            ));
        }
        let m = records::record_measures(c, id, &input, &me.user.login, now).map_err(record_error)?;
        Ok(MeasureOut::from(&m))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(show)
        .service(precheck)
        .service(precheck_for_doctor)
        .service(record)
        .service(reassign)
        .service(list_measures)
        .service(record_measures)
        .service(super::opinions::interview_addendum)
        .service(super::opinions::measures_addendum);
}
