//! `GET /api/v1/reports/rest` and `GET /api/v1/reports/duties`: the JSON of
//! `kinmu report rest` (formats.md R.8) and `kinmu report duties` (R.9) —
//! every doctor for HR and admins, a manager's own doctors for a manager.

use super::auth::CurrentUser;
use super::month_and_as_of;
use crate::accounts::Role;
use crate::app::App;
use crate::web::ApiError;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Debug, Deserialize)]
struct MonthQuery {
    month: Option<String>,
    as_of: Option<String>,
}

/// The staff ids the user sees the lines of: `None` for all (HR, admin).
fn visible(conn: &mut crate::db::AnyConnection, me: &CurrentUser) -> Result<Option<HashSet<String>>, ApiError> {
    match me.role {
        Role::Admin | Role::Hr => Ok(None),
        Role::Manager => {
            let who = crate::policy::Who::of(me.role, &me.user);
            Ok(Some(
                crate::db::queries::all_doctors(conn)?
                    .into_iter()
                    .filter(|d| crate::policy::sees_dashboard_line(who, d.into()))
                    .map(|d| d.staff_id)
                    .collect(),
            ))
        }
        _ => Err(ApiError::forbidden(
            "この報告は人事・所属長・管理者が見られます / this report is for HR, managers and admins",
        )),
    }
}

/// A month's report (`report rest`, `report duties`) as the user may see
/// it: built off the async threads, its doctors kept to the user's.
async fn month_report<R: serde::Serialize + Send + 'static>(
    app: web::Data<App>,
    me: CurrentUser,
    q: &MonthQuery,
    build: fn(
        &mut crate::db::AnyConnection,
        crate::domain::time::YearMonth,
        chrono::NaiveDate,
        &crate::domain::hours::RuleConfig,
    ) -> Result<R, crate::month::ReportError>,
    keep: fn(&mut R, &HashSet<String>),
) -> Result<HttpResponse, ApiError> {
    let (month, as_of) = month_and_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let a = app.clone();
    let report = web::block(move || -> Result<R, ApiError> {
        let mut conn = a.pool.get()?;
        let mine = visible(&mut conn, &me)?;
        let mut r = build(&mut conn, month, as_of, &a.settings.rules)?;
        if let Some(mine) = mine {
            keep(&mut r, &mine);
        }
        Ok(r)
    })
    .await??;
    Ok(HttpResponse::Ok().json(report))
}

/// Rest between shifts of a month (formats.md R.8).
#[get("/api/v1/reports/rest")]
pub(super) async fn rest_report(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, ApiError> {
    month_report(app, me, &q, crate::report::rest::report, |r, mine| {
        r.doctors.retain(|d| mine.contains(&d.staff_id))
    })
    .await
}

/// Permitted 宿直・日直 of a month (formats.md R.9).
#[get("/api/v1/reports/duties")]
pub(super) async fn duties_report(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, ApiError> {
    month_report(app, me, &q, crate::report::duties::report, |r, mine| {
        r.doctors.retain(|d| mine.contains(&d.staff_id))
    })
    .await
}
