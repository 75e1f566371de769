//! The month at a glance: every doctor's figures, projection, reach date,
//! interview status and open discrepancies, coloured by state, sortable and
//! filterable by department and level (HR, admin; a manager sees their
//! doctors).

use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::{format_hm, YearMonth};
use crate::report::dashboard::{self as model, Filter, Line, State};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    as_of: NaiveDate,
    lines: Vec<Line>,
    departments: Vec<String>,
    department: String,
    level: String,
    sort: String,
    desc: bool,
    counts: [usize; 4],
    /// The 安衛法 80 h notices of this month and the one before that could
    /// not be mailed (rules §16): HR tells the doctors.
    not_sent: Vec<model::NoticeNotSent>,
    /// What the figures rest on: each source's last day and import.
    freshness: crate::report::freshness::Freshness,
}

impl Dashboard {
    fn hm(&self, minutes: &i64) -> String {
        format_hm(*minutes)
    }

    /// A column header link that sorts by `key` (toggling the direction).
    fn sort_href(&self, key: &str) -> String {
        let desc = if self.sort == key { !self.desc } else { true };
        format!(
            "/?month={}&department={}&level={}&sort={}&desc={}",
            self.month,
            super::urlencode(&self.department),
            super::urlencode(&self.level),
            key,
            desc
        )
    }
    fn arrow(&self, key: &str) -> &'static str {
        match (self.sort == key, self.desc) {
            (true, true) => " ▼",
            (true, false) => " ▲",
            _ => "",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    month: Option<String>,
    as_of: Option<String>,
    department: Option<String>,
    level: Option<String>,
    sort: Option<String>,
    desc: Option<bool>,
}

/// The month of a query (default: this month) and its as-of date (default:
/// today, clamped into the month).
pub fn month_as_of(
    app: &App,
    viewer: &Viewer,
    month: Option<&str>,
    as_of: Option<&str>,
) -> Result<(YearMonth, NaiveDate), UiError> {
    let today = app.settings.today();
    let month = match month.filter(|m| !m.is_empty()) {
        Some(m) => YearMonth::parse(m).ok_or_else(|| {
            UiError::BadRequest(
                viewer.lang,
                format!("月は YYYY-MM（2000-01〜2099-12）で指定してください: {m:?} / month must be YYYY-MM (2000-01 to 2099-12)"),
            )
        })?,
        None => app.settings.rules.calendar.month_of(today),
    };
    // The agreement month of that name (rules §6.1).
    let month = app.settings.rules.calendar.month(month);
    let as_of = match as_of.filter(|d| !d.is_empty()) {
        Some(d) => crate::domain::input::parse_date(("基準日", "as_of"), d)
            .map_err(|e| UiError::BadRequest(viewer.lang, e.0))?,
        None => today,
    };
    Ok((month, month.clamp(as_of)))
}

#[get("/")]
async fn dashboard(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, UiError> {
    match viewer.role {
        Role::Physician => return Ok(redirect("/interviews")),
        Role::Doctor => return Ok(redirect("/me")),
        _ => viewer.require(&[Role::Admin, Role::Hr, Role::Manager])?,
    }
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let filter = Filter {
        department: q.department.clone().unwrap_or_default(),
        level: q.level.clone().unwrap_or_default(),
    };
    let (app2, viewer2, filter2) = (app.clone(), viewer.clone(), filter.clone());
    // The cached report first, without a connection held while another
    // request may be computing it; then one connection for the rest.
    let (board, freshness, not_sent) = web::block(move || -> Result<_, UiError> {
        let cached = app2.reports.report(&app2.pool, month, as_of, &app2.settings.rules)?;
        let mut conn = app2.pool.get()?;
        // Statuses as of the same day as the figures (基準日).
        let board = model::dashboard(&mut conn, &cached.report, viewer2.who(), &filter2, as_of)?;
        let freshness = crate::report::freshness::of_month(&mut conn, month).map_err(UiError::internal)?;
        let months = [month.previous().to_string(), month.to_string()];
        let not_sent = model::anei_not_sent(&mut conn, viewer2.who(), &months)?;
        Ok((board, freshness, not_sent))
    })
    .await??;
    let counts = State::COUNTED.map(|s| board.count(s));
    let mut lines = board.lines;
    let sort = q.sort.clone().unwrap_or_else(|| "staff_id".into());
    let desc = q.desc.unwrap_or(false);
    sort_lines(&mut lines, &sort, desc);
    html(&Dashboard {
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of,
        lines,
        departments: board.departments,
        department: filter.department,
        level: filter.level,
        sort,
        desc,
        counts,
        not_sent,
        freshness,
    })
}

fn sort_lines(lines: &mut [Line], key: &str, desc: bool) {
    lines.sort_by(|a, b| {
        let ord = match key {
            "name" => a.m.name.cmp(&b.m.name),
            "department" => a.department.cmp(&b.department),
            "total" => a.m.total_work_minutes.cmp(&b.m.total_work_minutes),
            "overtime" => a.m.overtime_minutes.cmp(&b.m.overtime_minutes),
            "holiday" => a.m.holiday_minutes.cmp(&b.m.holiday_minutes),
            "oh" => a.m.overtime_holiday_minutes.cmp(&b.m.overtime_holiday_minutes),
            "projected" => {
                a.m.projected_overtime_holiday_minutes
                    .cmp(&b.m.projected_overtime_holiday_minutes)
            }
            "reach" => a.m.reach_100_date.cmp(&b.m.reach_100_date),
            "discrepancies" => a.m.open_discrepancies.cmp(&b.m.open_discrepancies),
            "rest" => (
                a.m.rest_planned_shortfalls + a.m.rest_actual_shortfalls,
                a.m.comp_rest_overdue_minutes,
            )
                .cmp(&(
                    b.m.rest_planned_shortfalls + b.m.rest_actual_shortfalls,
                    b.m.comp_rest_overdue_minutes,
                )),
            _ => a.m.staff_id.cmp(&b.m.staff_id),
        };
        if desc {
            ord.reverse()
        } else {
            ord
        }
    });
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

#[derive(Debug, Deserialize)]
struct PayrollQuery {
    month: Option<String>,
    as_of: Option<String>,
}

/// The payroll export of rules §17 for HR and admins: `/payroll.csv`,
/// `/payroll.xlsx` (this hospital's figures of every doctor's month).
#[get("/payroll.{ext}")]
async fn payroll(
    app: web::Data<App>,
    viewer: Viewer,
    ext: web::Path<String>,
    q: web::Query<PayrollQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Admin, Role::Hr])?;
    let xlsx = match ext.as_str() {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(UiError::NotFound(viewer.lang)),
    };
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let a = app.clone();
    let cached = web::block(move || a.reports.report(&a.pool, month, as_of, &a.settings.rules)).await??;
    let (bytes, mime) = if xlsx {
        (
            crate::report::payroll::xlsx(&cached.report).map_err(|e| UiError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        (
            crate::report::payroll::csv(&cached.report).map_err(|e| UiError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
        )
    };
    Ok(super::print::attachment(
        mime,
        &format!("kinmu-payroll-{month}.{ext}"),
        bytes,
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard).service(payroll);
}
