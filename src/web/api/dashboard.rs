//! `GET /api/v1/dashboard`: the dashboard's lines (`report::dashboard`), and
//! `GET /api/v1/reports/monthly`: the monthly report of formats.md, both
//! from the cached month (`month::cache`).

use super::auth::CurrentUser;
use super::{month_and_as_of, month_as_of, require, DASHBOARD};
use crate::app::App;
use crate::report::dashboard::{Chip, Filter, Line};
use crate::web::ApiError;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
struct DashboardQuery {
    month: Option<String>,
    as_of: Option<String>,
    department: Option<String>,
    level: Option<String>,
    /// A manager's login (HR and admin; a manager sees their own doctors).
    manager: Option<String>,
    /// Part of a name or staff id.
    q: Option<String>,
    /// A state filter's code (`Chip`).
    state: Option<String>,
}

#[derive(Debug, Serialize)]
struct DashboardOut {
    month: String,
    as_of: NaiveDate,
    lines: Vec<Line>,
    /// How many lines pass every filter but `state`, in each state filter
    /// (`over100` holds the months over 155 h too).
    counts: std::collections::BTreeMap<&'static str, usize>,
}

/// `GET /api/v1/dashboard`: the dashboard's lines (`report::dashboard`) —
/// the monthly report's figures with department, state and interview.
#[get("/api/v1/dashboard")]
pub(super) async fn dashboard(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let (month, as_of) = month_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let q = q.into_inner();
    let chip = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(Chip::parse(code).ok_or_else(|| {
            ApiError::bad_request(
                "bad_state",
                "state は watch, projected, over100, over155, unarranged, overdue のいずれかです",
                "state must be one of watch, projected, over100, over155, unarranged, overdue",
            )
        })?),
    };
    let filter = Filter {
        department: q.department.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
        manager: q.manager.unwrap_or_default(),
        search: q.q.unwrap_or_default(),
        chip,
    };
    let a = app.clone();
    // The cached report first, without a connection held while another
    // request may be computing it; then one connection for the rest.
    let out = web::block(move || -> Result<DashboardOut, ApiError> {
        let cached = a.reports.report(&a.pool, month, as_of, &a.settings.rules)?;
        let who = crate::policy::Who::of(me.role, &me.user);
        // Statuses as of the same day as the figures (基準日).
        let board = crate::report::dashboard::dashboard(&mut *a.pool.get()?, &cached.report, who, &filter, as_of)?;
        Ok(DashboardOut {
            month: cached.report.month.clone(),
            as_of: cached.report.as_of,
            counts: Chip::ALL.iter().map(|c| (c.code(), board.count(*c))).collect(),
            lines: board.lines,
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize)]
struct MonthlyQuery {
    month: Option<String>,
    as_of: Option<String>,
}

/// The monthly report (formats.md) for HR and admin; a manager gets the
/// lines of their own doctors.
#[get("/api/v1/reports/monthly")]
pub(super) async fn monthly_report(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthlyQuery>,
) -> Result<HttpResponse, ApiError> {
    use crate::accounts::Role;
    if !matches!(me.role, Role::Admin | Role::Hr | Role::Manager) {
        return Err(ApiError::forbidden(
            "月次報告は人事・所属長・管理者が見られます / the monthly report is for HR, managers and admins",
        ));
    }
    let (month, as_of) = month_and_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let a = app.clone();
    let (cached, mine) = web::block(move || -> Result<_, ApiError> {
        let cached = a.reports.report(&a.pool, month, as_of, &a.settings.rules)?;
        if me.role != Role::Manager {
            return Ok((cached, None));
        }
        // A manager's lines, by the dashboard's rule.
        let mut conn = a.pool.get()?;
        let who = crate::policy::Who::of(me.role, &me.user);
        let mine: std::collections::HashSet<String> = crate::db::queries::all_doctors(&mut conn)?
            .into_iter()
            .filter(|d| crate::policy::sees_dashboard_line(who, d.into()))
            .map(|d| d.staff_id)
            .collect();
        Ok((cached, Some(mine)))
    })
    .await??;
    let Some(mine) = mine else {
        return Ok(HttpResponse::Ok().content_type("application/json").body(cached.json));
    };
    let mut report = (*cached.report).clone();
    report.doctors.retain(|d| mine.contains(&d.staff_id));
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize)]
struct PayrollQuery {
    month: Option<String>,
    as_of: Option<String>,
    format: Option<String>,
}

/// The payroll export of rules §17 (HR and admin): `format=csv` (default)
/// or `format=xlsx`.
#[get("/api/v1/reports/payroll")]
pub(super) async fn payroll_report(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<PayrollQuery>,
) -> Result<HttpResponse, ApiError> {
    use crate::accounts::Role;
    if !matches!(me.role, Role::Admin | Role::Hr) {
        return Err(ApiError::forbidden(
            "給与計算用の出力は人事・管理者が使えます / the payroll export is for HR and admins",
        ));
    }
    let xlsx = match q.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "xlsx" => true,
        _ => {
            return Err(ApiError::bad_request(
                "bad_format",
                "format は csv か xlsx です",
                "format must be csv or xlsx",
            ))
        }
    };
    let (month, as_of) = month_and_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let a = app.clone();
    let cached = web::block(move || a.reports.report(&a.pool, month, as_of, &a.settings.rules)).await??;
    let stem = format!("payroll-{month}");
    let (bytes, mime, ext) = if xlsx {
        (
            crate::report::payroll::xlsx(&cached.report).map_err(ApiError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            crate::report::payroll::csv(&cached.report).map_err(ApiError::internal)?,
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{stem}.{ext}\"")))
        .body(bytes))
}
