//! The month at a glance: every doctor's figures, projection, reach date,
//! interview status and open discrepancies, coloured by state, sortable and
//! filterable by department and level (HR, admin; a manager sees their
//! doctors).

use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::{format_hm, YearMonth};
use crate::monitor::records;
use crate::report::monthly::{compute, line, load_rows, DoctorMonth, DoctorRows};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// One line of the dashboard.
pub struct Line {
    pub m: DoctorMonth,
    pub department: String,
    pub state: &'static str,
    pub interview: Option<(String, NaiveDate)>,
}

impl Line {
    pub fn hm(&self, minutes: &i64) -> String {
        format_hm(*minutes)
    }
}

/// The colour class of a doctor's month (rules §7), strongest first.
pub fn state_of(m: &DoctorMonth) -> &'static str {
    if m.over_155 {
        "over155"
    } else if m.over_100 {
        "over100"
    } else if m.projected_over_100 {
        "projected"
    } else if m.watch {
        "watch"
    } else {
        ""
    }
}

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
}

impl Dashboard {
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
        None => YearMonth::of(today),
    };
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
    let rules = app.settings.rules.clone();
    let today = app.settings.today();
    let pool = app.pool.clone();
    let manager = (viewer.role == Role::Manager).then(|| viewer.user.login.clone());
    let (mut lines, departments) = web::block(move || -> Result<(Vec<Line>, Vec<String>), UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        let (doctors, rows) = load_rows(&mut conn, month, as_of, &rules).map_err(UiError::internal)?;
        let interviews: HashMap<String, (String, NaiveDate)> = records::list_interviews(&mut conn, month, today)
            .map_err(UiError::internal)?
            .into_iter()
            .map(|l| (l.staff_id, (l.status.code().to_string(), l.deadline)))
            .collect();
        let empty = DoctorRows::default();
        let visible: Vec<_> = doctors
            .iter()
            .filter(|d| manager.as_deref().is_none_or(|m| d.manager_login.as_deref() == Some(m)))
            .collect();
        let departments: BTreeSet<String> = visible.iter().filter_map(|d| d.department.clone()).collect();
        let lines = visible
            .into_iter()
            .map(|d| {
                let m = line(d, &compute(rows.get(&d.id).unwrap_or(&empty), d, month, as_of, &rules));
                Line {
                    state: state_of(&m),
                    interview: interviews.get(&d.staff_id).cloned(),
                    department: d.department.clone().unwrap_or_default(),
                    m,
                }
            })
            .collect();
        Ok((lines, departments.into_iter().collect()))
    })
    .await
    .map_err(UiError::internal)??;

    let department = q.department.clone().unwrap_or_default();
    let level = q.level.clone().unwrap_or_default();
    lines.retain(|l| (department.is_empty() || l.department == department) && (level.is_empty() || l.m.level == level));
    let sort = q.sort.clone().unwrap_or_else(|| "staff_id".into());
    let desc = q.desc.unwrap_or(false);
    sort_lines(&mut lines, &sort, desc);
    let counts = [
        lines.iter().filter(|l| l.state == "watch").count(),
        lines.iter().filter(|l| l.state == "projected").count(),
        lines.iter().filter(|l| l.state == "over100").count(),
        lines.iter().filter(|l| l.state == "over155").count(),
    ];
    html(&Dashboard {
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of,
        lines,
        departments,
        department,
        level,
        sort,
        desc,
        counts,
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

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(oh: i64, projected: i64) -> DoctorMonth {
        let flags = crate::domain::projection::Flags::new(oh, projected, 4800);
        DoctorMonth {
            staff_id: "X".into(),
            name: "X".into(),
            level: "A".into(),
            total_work_minutes: 0,
            overtime_minutes: oh,
            holiday_minutes: 0,
            overtime_holiday_minutes: oh,
            projected_overtime_holiday_minutes: projected,
            self_study_minutes: 0,
            external_minutes: 0,
            duty_permitted_minutes: 0,
            over_100: flags.over_100,
            over_155: flags.over_155,
            projected_over_100: flags.projected_over_100,
            projected_over_155: flags.projected_over_155,
            watch: flags.watch,
            reach_100_date: None,
            interview_deadline: None,
            open_discrepancies: 0,
        }
    }

    #[test]
    fn a_month_is_coloured_by_its_strongest_state() {
        assert_eq!(state_of(&month(1000, 2000)), "");
        assert_eq!(state_of(&month(1000, 4800)), "watch");
        assert_eq!(state_of(&month(3000, 6000)), "projected");
        assert_eq!(state_of(&month(6000, 6100)), "over100");
        assert_eq!(state_of(&month(9301, 9400)), "over155");
        assert_eq!(state_of(&month(6000, 9400)), "over100");
    }
}
