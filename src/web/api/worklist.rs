//! The 面接指導管理 work list and the interview's arrangements in the JSON
//! API (issue 13 items 7 and 9), with the screens' role rules:
//!
//! - `GET /api/v1/worklist?month=&filter=` — HR and admin
//!   (`policy::sees_worklist`): case facts only, never health data;
//! - `GET /api/v1/interviews/{id}/physicians` — the physicians the
//!   interview may be given to (`policy::may_choose_physician`);
//! - `POST /api/v1/interviews/{id}/assign` `{"physician": login}`;
//! - `POST /api/v1/interviews/{id}/schedule` `{"scheduled_at":
//!   "YYYY-MM-DDTHH:MM"}` — the assigned physician or HR
//!   (`policy::may_schedule`); the invitation is re-sent.

use super::auth::CurrentUser;
use super::{blocking, ApiError};
use crate::app::App;
use crate::db::models::{Doctor, Interview};
use crate::db::{users, AnyConnection};
use crate::domain::text::Message;
use crate::domain::time::YearMonth;
use crate::domain::worklist::Filter;
use crate::monitor::records::{self, RecordError};
use crate::monitor::worklist::{self, WorkLine};
use crate::policy::{self, Sight, Who};
use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

fn who(me: &CurrentUser) -> Who<'_> {
    Who::of(me.role, &me.user)
}

fn record_error(e: RecordError) -> ApiError {
    match e {
        RecordError::NotFound => ApiError::not_found(),
        RecordError::Invalid(m) => {
            let pair = Message::from_pair(&m);
            ApiError::bad_request("invalid", &pair.ja, &pair.en)
        }
        RecordError::AlreadyDone => ApiError::conflict("already_done", &e.to_string()),
        RecordError::NoPhysician => ApiError::conflict("no_physician", &e.to_string()),
        other => ApiError::internal(other),
    }
}

#[derive(Debug, Deserialize)]
struct WorklistQuery {
    month: Option<String>,
    filter: Option<String>,
}

#[derive(Debug, Serialize)]
struct FilterCount {
    filter: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Debug, Serialize)]
struct Worklist {
    month: String,
    today: NaiveDate,
    filter: Option<&'static str>,
    counts: Vec<FilterCount>,
    cases: Vec<WorkLine>,
}

#[get("/api/v1/worklist")]
async fn worklist_list(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<WorklistQuery>,
) -> Result<HttpResponse, ApiError> {
    if !policy::sees_worklist(who(&me)) {
        return Err(ApiError::forbidden(
            "面接指導管理は人事・管理者が使えます / the work list is for HR and admin",
        ));
    }
    let today = app.settings.today();
    let month = match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => YearMonth::parse(m).ok_or_else(|| {
            ApiError::bad_request(
                "bad_month",
                "month は YYYY-MM で指定してください",
                "month must be YYYY-MM",
            )
        })?,
        None => YearMonth::of(today),
    };
    let filter = match q.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => Some(Filter::parse(f).ok_or_else(|| {
            ApiError::bad_request(
                "bad_filter",
                "filter は overdue, due_this_week, unassigned, unscheduled, awaiting_opinion, measures_unrecorded, violation のいずれかです",
                "filter must be one of overdue, due_this_week, unassigned, unscheduled, awaiting_opinion, measures_unrecorded, violation",
            )
        })?),
        None => None,
    };
    let all = blocking(&app, move |c| {
        worklist::worklist(c, month, today).map_err(ApiError::internal)
    })
    .await?;
    let counts = Filter::ALL
        .into_iter()
        .map(|f| FilterCount {
            filter: f.code(),
            label: f.label().ja,
            count: all.iter().filter(|l| l.matches(f)).count(),
        })
        .collect();
    let cases = all
        .into_iter()
        .filter(|l| filter.is_none_or(|f| l.matches(f)))
        .collect();
    Ok(HttpResponse::Ok().json(Worklist {
        month: month.to_string(),
        today,
        filter: filter.map(Filter::code),
        counts,
        cases,
    }))
}

/// An interview the caller sees, with what they may do with it.
struct Loaded {
    i: Interview,
    d: Doctor,
    physician: Option<String>,
    may_schedule: bool,
    may_choose: bool,
}

fn load(conn: &mut AnyConnection, me: &CurrentUser, id: i64) -> Result<Loaded, ApiError> {
    let (i, d, _, _) = records::interview(conn, id).map_err(record_error)?;
    let physician: Option<String> = match i.physician_id {
        Some(p) => users::login_of(conn, p)?,
        None => None,
    };
    let sight = policy::interview(who(me), (&d).into(), physician.as_deref());
    if sight == Sight::None {
        return Err(ApiError::not_found());
    }
    Ok(Loaded {
        may_schedule: policy::may_schedule(who(me), physician.as_deref()),
        may_choose: policy::may_choose_physician(who(me), sight),
        i,
        d,
        physician,
    })
}

#[derive(Debug, Serialize)]
struct Choice {
    login: String,
    name: Option<String>,
    open_interviews: usize,
}

#[get("/api/v1/interviews/{id}/physicians")]
async fn physicians(app: web::Data<App>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = app.settings.today();
    let v = blocking(&app, move |c| {
        let l = load(c, &me, id)?;
        if !l.may_choose {
            return Err(ApiError::forbidden(
                "担当医師を選べるのは人事・本人・所属長・管理者です / only HR, the doctor, their manager or an admin choose the physician",
            ));
        }
        Ok(worklist::eligible_physicians(c, &l.i, today)?
            .into_iter()
            .map(|(p, name)| Choice {
                login: p.login,
                name,
                open_interviews: p.open_interviews,
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "interview_id": id, "physicians": v })))
}

#[derive(Debug, Deserialize)]
struct AssignBody {
    physician: String,
}

#[derive(Debug, Serialize)]
struct Arranged {
    id: i64,
    staff_id: String,
    month: String,
    physician_login: Option<String>,
    scheduled_at: Option<NaiveDateTime>,
    /// The invitation's SEQUENCE after a schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence: Option<i64>,
}

#[post("/api/v1/interviews/{id}/assign")]
async fn assign(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<AssignBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = app.now();
    let settings = app.settings.clone();
    let v = blocking(&app, move |c| {
        let l = load(c, &me, id)?;
        if !l.may_choose {
            return Err(ApiError::forbidden(
                "担当医師を選べるのは人事・本人・所属長・管理者です / only HR, the doctor, their manager or an admin choose the physician",
            ));
        }
        let target = users::user_by_login(c, body.physician.trim())?;
        // An unknown login is as ineligible as any other: the same answer.
        let chosen = target.map(|u| u.id).unwrap_or(-1);
        let i = worklist::assign(c, &settings, id, chosen, &me.user.login, now).map_err(record_error)?;
        let login = match i.physician_id {
            Some(p) => users::login_of(c, p)?,
            None => None,
        };
        Ok(Arranged {
            id: i.id,
            staff_id: l.d.staff_id,
            month: i.month,
            physician_login: login,
            scheduled_at: i.scheduled_at,
            sequence: None,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Debug, Deserialize)]
struct ScheduleBody {
    scheduled_at: String,
}

#[post("/api/v1/interviews/{id}/schedule")]
async fn schedule(
    app: web::Data<App>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: web::Json<ScheduleBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = app.now();
    let settings = app.settings.clone();
    let at = crate::domain::worklist::parse_datetime(&body.scheduled_at).ok_or_else(|| {
        ApiError::bad_request(
            "bad_scheduled_at",
            "予定日時を YYYY-MM-DDTHH:MM の形で入力してください",
            "scheduled_at must be YYYY-MM-DDTHH:MM",
        )
    })?;
    let v = blocking(&app, move |c| {
        let l = load(c, &me, id)?;
        if !l.may_schedule {
            return Err(ApiError::forbidden(
                "予定日時は担当の面接指導実施医師または人事が設定します / only the assigned physician or HR set the time",
            ));
        }
        let (i, sequence) = worklist::schedule(c, &settings, id, at, &me.user.login, now).map_err(record_error)?;
        Ok(Arranged {
            id: i.id,
            staff_id: l.d.staff_id,
            month: i.month,
            physician_login: l.physician,
            scheduled_at: i.scheduled_at,
            sequence: Some(sequence),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(worklist_list)
        .service(physicians)
        .service(assign)
        .service(schedule);
}
