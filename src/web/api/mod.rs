//! The JSON API (docs/api.md, docs/openapi.yaml) of what the screens show,
//! for scripts: sign-in, interviews, uploads,
//! the discrepancy queue and its resolution, the PC review items and theirs,
//! a doctor's month, the dashboard
//! and the inspector's print pack.
//!
//! Every handler takes the bearer [`CurrentUser`] and answers with the data
//! the matching screen renders: the same read models (`report::*`) and write
//! functions (`ingest`, `discrepancies`), asked with the token's user as
//! `policy::Who`, serialised through typed response structs. This module and
//! the screens (`web::ui`) are siblings: neither uses the other. Errors are
//! the API's (`{"error","message","message_en"}`, docs/api.md).

mod auth;
mod comp_rest;
mod dashboard;
mod declarations;
mod discrepancies;
mod doctors;
mod imports;
mod inspection;
pub(super) mod interviews;
mod opinions;
mod pc_reviews;
mod records;
mod reports;
mod roster_check;
mod selfcheck;
mod worklist;

pub(super) use auth::CurrentUser;

use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::YearMonth;
use crate::web::ApiError;
use actix_web::web;
use chrono::NaiveDate;
use serde::Deserialize;

/// Runs a request's database work on the blocking pool (`web::blocking`,
/// the web's one helper, with the API's error).
pub(super) async fn blocking<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&mut crate::db::AnyConnection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    crate::web::blocking(app, f).await
}

/// A JSON object of a screen's form fields as the screen would send them:
/// strings as they are, numbers and booleans as written, `null` left out.
pub(super) fn form_fields(
    body: std::collections::HashMap<String, serde_json::Value>,
) -> std::collections::HashMap<String, String> {
    body.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect()
}

pub(super) const HR: [Role; 2] = [Role::Admin, Role::Hr];
pub(super) const DASHBOARD: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];
/// Past imports listed, as on the uploads screen.
pub(super) const RECENT_BATCHES: i64 = 50;

pub(super) fn require(me: &CurrentUser, roles: &[Role]) -> Result<(), ApiError> {
    if roles.contains(&me.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "この操作の権限がありません / not allowed for this role",
        ))
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct MonthAsOf {
    pub(super) month: Option<String>,
    pub(super) as_of: Option<String>,
}

/// The month (default this month) and the as-of date (default today),
/// clamped into the month as the screens do.
pub(super) fn month_as_of(
    app: &App,
    month: Option<&str>,
    as_of: Option<&str>,
) -> Result<(YearMonth, NaiveDate), ApiError> {
    let (month, as_of) = month_and_as_of(app, month, as_of)?;
    Ok((month, month.clamp(as_of)))
}

/// The month and as-of date of a request, defaulting to today's month.
pub(super) fn month_and_as_of(
    app: &App,
    month: Option<&str>,
    as_of: Option<&str>,
) -> Result<(YearMonth, NaiveDate), ApiError> {
    let today = app.settings.today();
    let month = match month {
        Some(m) => YearMonth::parse(m).ok_or_else(|| {
            ApiError::bad_request(
                "bad_month",
                &format!("month は YYYY-MM で指定してください: {m:?}"),
                "month must be YYYY-MM",
            )
        })?,
        None => app.settings.rules.calendar.month_of(today),
    };
    // The agreement month of that name (rules §6.1).
    let month = app.settings.rules.calendar.month(month);
    let as_of = match as_of {
        Some(d) => crate::domain::input::parse_date(("as_of", "as_of"), d).map_err(|e| {
            let m = crate::domain::text::Message::from_pair(&e.0);
            ApiError::bad_request("bad_as_of", &e.0, &m.en)
        })?,
        None => today,
    };
    Ok((month, as_of))
}

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(auth::sign_in)
        .service(auth::sign_out)
        .configure(worklist::configure)
        .configure(selfcheck::configure)
        .configure(declarations::configure)
        .configure(interviews::configure)
        .service(dashboard::monthly_report)
        .service(dashboard::payroll_report)
        .service(reports::rest_report)
        .service(reports::duties_report)
        .service(records::user_ledger)
        .service(records::audit_entries)
        .service(records::delete_work_records)
        .service(imports::import)
        .service(imports::batches)
        .service(roster_check::roster_check_file)
        .service(discrepancies::discrepancy_queue)
        .service(discrepancies::resolve)
        .service(pc_reviews::review_queue)
        .service(pc_reviews::resolve)
        .service(doctors::doctor_month)
        .service(comp_rest::record_grant)
        .service(dashboard::dashboard)
        .service(inspection::inspection);
}
