//! The 面接指導 record's structured opinion (意見書) and the dated addenda
//! (追記) of interview and measures records in the API (issue 13 §5-6),
//! with the screens' role rules: the opinion and the addenda of an
//! interview are health data (the doctor, their manager, the assigned
//! physician); the assigned physician adds an interview's addenda, the
//! doctor's manager a measures case's.

use super::auth::CurrentUser;
use super::interviews::{load_visible, record_error, who, InterviewOut};
use super::{blocking, ApiError};
use crate::app::App;
use crate::db::models::{InterviewOpinion, RecordAddendum};
use crate::db::opinions::{addenda_of, opinion_of};
use crate::db::{interviews, AnyConnection};
use crate::domain::opinion::{AddendumInput, RecordKind};
use crate::monitor::records::add_addendum;
use crate::policy;
use actix_web::{post, web, HttpResponse};
use serde::Serialize;

/// The structured opinion as the API shows it (codes as stored).
#[derive(Debug, Serialize)]
pub(super) struct OpinionOut {
    guidance: String,
    reinterview_when: Option<String>,
    work_class: String,
    overtime_limit_hours: Option<i32>,
    overtime_forbidden: bool,
    night_duty_limit: Option<i32>,
    change_workplace: bool,
    change_work: bool,
    fewer_late_night: bool,
    day_shift: bool,
    other_measure: Option<String>,
    period_from: Option<chrono::NaiveDate>,
    period_until: Option<chrono::NaiveDate>,
    environment: Option<String>,
    medical_care: Option<String>,
    physician_login: String,
    physician_name: String,
    recorded_at: chrono::NaiveDateTime,
    retention_until: chrono::NaiveDate,
}

impl From<InterviewOpinion> for OpinionOut {
    fn from(o: InterviewOpinion) -> OpinionOut {
        OpinionOut {
            guidance: o.guidance,
            reinterview_when: o.reinterview_when,
            work_class: o.work_class,
            overtime_limit_hours: o.overtime_limit_hours,
            overtime_forbidden: o.overtime_forbidden != 0,
            night_duty_limit: o.night_duty_limit,
            change_workplace: o.change_workplace != 0,
            change_work: o.change_work != 0,
            fewer_late_night: o.fewer_late_night != 0,
            day_shift: o.day_shift != 0,
            other_measure: o.other_measure,
            period_from: o.period_from,
            period_until: o.period_until,
            environment: o.environment,
            medical_care: o.medical_care,
            physician_login: o.physician_login,
            physician_name: o.physician_name,
            recorded_at: o.recorded_at,
            retention_until: o.retention_until,
        }
    }
}

/// An addendum as the API shows it.
#[derive(Debug, Serialize)]
pub(super) struct AddendumOut {
    id: i64,
    record_kind: String,
    record_id: i64,
    field: String,
    old_value: Option<String>,
    new_value: String,
    reason: String,
    written_by: String,
    written_at: chrono::NaiveDateTime,
    retention_until: chrono::NaiveDate,
}

impl From<RecordAddendum> for AddendumOut {
    fn from(a: RecordAddendum) -> AddendumOut {
        AddendumOut {
            id: a.id,
            record_kind: a.record_kind,
            record_id: a.record_id,
            field: a.field,
            old_value: a.old_value,
            new_value: a.new_value,
            reason: a.reason,
            written_by: a.written_by,
            written_at: a.written_at,
            retention_until: a.retention_until,
        }
    }
}

/// Adds the opinion and the addenda to an interview shown with health data.
pub(super) fn add_opinion(conn: &mut AnyConnection, out: &mut InterviewOut, id: i64) -> Result<(), ApiError> {
    out.opinion_form = Some(opinion_of(conn, id)?.map(OpinionOut::from));
    out.addenda = Some(
        addenda_of(conn, RecordKind::Interview.code(), id)?
            .into_iter()
            .map(AddendumOut::from)
            .collect(),
    );
    Ok(())
}

/// An addendum to a held interview's record, by its assigned physician.
#[post("/api/v1/interviews/{id}/addenda")]
pub(super) async fn interview_addendum(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<AddendumInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let now = app.now();
    let v = blocking(&app, move |c| {
        let v = load_visible(c, &me, id)?;
        if !v.sight.health() || !policy::is_assigned_physician(who(&me), v.physician.as_deref()) {
            return Err(ApiError::forbidden(
                "面接指導の記録への追記は担当の面接指導実施医師が行います / only the assigned physician adds to the interview's record",
            ));
        }
        let a = add_addendum(c, RecordKind::Interview, id, &input, &me.user.login, now).map_err(record_error)?;
        Ok(AddendumOut::from(a))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// An addendum to a recorded measures case, by the doctor's manager.
#[post("/api/v1/measures/{id}/addenda")]
pub(super) async fn measures_addendum(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<AddendumInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let now = app.now();
    let v = blocking(&app, move |c| {
        let d = interviews::doctor_of_measure(c, id)?.ok_or_else(ApiError::not_found)?;
        if !policy::is_manager(who(&me), (&d).into()) {
            return Err(ApiError::forbidden(
                "措置の記録への追記は所属長が行います / only the doctor's manager adds to the measures record",
            ));
        }
        let a = add_addendum(c, RecordKind::Measure, id, &input, &me.user.login, now).map_err(record_error)?;
        Ok(AddendumOut::from(a))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}
