//! A doctor's page: the month's figures, a timeline of shifts, duties,
//! self-study, side jobs and PC sessions, the running total against the
//! 80 / 100 / 155 h lines with the projection, the last twelve months, and
//! the doctor's interviews and measures. Who sees the page and the health
//! data of each interview is the access policy's rule ([`crate::policy`]):
//! the doctor, their manager, and per interview its assigned physician.

use super::charts::{self, Span};
use super::dashboard::month_as_of;
use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::{Doctor, Measure};
use crate::domain::time::{format_hm, YearMonth};
use crate::month::DoctorMonth;
use crate::report::dashboard::State;
use crate::report::doctor_month::{doctor_month, DoctorMonthError, DoctorMonthView, InterviewView};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "doctor.html")]
struct DoctorPage {
    ctx: PageCtx,
    doctor: Doctor,
    month: String,
    previous: String,
    next: String,
    as_of: NaiveDate,
    m: DoctorMonth,
    state: State,
    /// Some health data is shown (of every interview, or of some).
    health: bool,
    method: &'static str,
    running_svg: String,
    months_svg: String,
    timeline_svg: String,
    interviews: Vec<InterviewView>,
    measures: Vec<Measure>,
    /// Rest between shifts and 代償休息 (rules §11), where they apply.
    rest: Option<super::rest::RestSection>,
}

impl DoctorPage {
    fn hm(&self, minutes: &i64) -> String {
        format_hm(*minutes)
    }
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    month: Option<String>,
    as_of: Option<String>,
}

/// A doctor's month as the access policy lets the viewer see it (404 for
/// no such doctor and for one the viewer may not see).
pub(crate) fn read(
    conn: &mut crate::db::AnyConnection,
    app: &App,
    viewer: &Viewer,
    staff_id: &str,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<DoctorMonthView, UiError> {
    doctor_month(
        conn,
        &app.settings.rules,
        viewer.who(),
        staff_id,
        month,
        as_of,
        app.settings.today(),
    )
    .map_err(|e| match e {
        DoctorMonthError::NotFound => UiError::NotFound(viewer.lang),
        other => UiError::internal(other),
    })
}

/// The page of a doctor's month: the read model with its charts.
fn page(app: &App, viewer: &Viewer, v: DoctorMonthView) -> DoctorPage {
    let c = &v.computed;
    // The as-of date's place in the (agreement) month, 1-based.
    let as_of_day = usize::try_from((c.projection.as_of - v.month.first_day()).num_days() + 1).unwrap_or(1);
    let running_svg = charts::running_total(
        &c.projection.actual.running,
        &c.projection.running,
        as_of_day,
        "時間外・休日労働の累計 / running total",
    );
    let bars: Vec<(String, i64)> = v.last_12_months.iter().map(|(m, x)| (m.to_string(), *x)).collect();
    let months_svg = charts::months(&bars, "直近12か月 / last 12 months");

    let mut spans: Vec<Span> = Vec::new();
    for s in &v.rows.timecard {
        spans.push(Span {
            start: s.start(),
            end: s.end(),
            class: s.kind().code(),
            label: format!(
                "{} {}–{}",
                s.kind().label_ja(),
                s.start().format("%m/%d %H:%M"),
                s.end().format("%m/%d %H:%M")
            ),
        });
    }
    for s in &v.rows.roster {
        spans.push(Span {
            start: s.start(),
            end: s.end(),
            class: "planned",
            label: format!(
                "予定 {}–{}",
                s.start().format("%m/%d %H:%M"),
                s.end().format("%m/%d %H:%M")
            ),
        });
    }
    for p in &v.rows.pc {
        spans.push(Span {
            start: p.logon,
            end: p.logoff,
            class: "pc",
            label: format!("PC {}–{}", p.logon.format("%H:%M"), p.logoff.format("%m/%d %H:%M")),
        });
    }
    let days: Vec<NaiveDate> = v.month.iter_days().collect();
    let timeline_svg = charts::timeline(&days, &spans, "勤務の記録 / timeline");
    let method = v.method();
    let rest = crate::report::rest::doctor_rest(&v.doctor, c).map(|r| super::rest::RestSection::of(&r));
    DoctorPage {
        rest,
        ctx: viewer.ctx(app),
        month: v.month.to_string(),
        previous: v.month.previous().to_string(),
        next: v.month.next().to_string(),
        as_of: v.as_of,
        state: v.state,
        method,
        m: v.figures,
        health: v.health,
        running_svg,
        months_svg,
        timeline_svg,
        interviews: v.interviews,
        measures: v.measures,
        doctor: v.doctor,
    }
}

#[get("/doctors/{staff_id}")]
async fn doctor_page(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let staff_id = staff_id.into_inner();
    let app2 = app.clone();
    let p = super::with_conn(&app, move |conn| {
        let v = read(conn, &app2, &viewer, &staff_id, month, as_of)?;
        Ok(page(&app2, &viewer, v))
    })
    .await?;
    html(&p)
}

/// A doctor's own page.
#[get("/me")]
async fn me(viewer: Viewer) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    let staff = viewer.user.staff_id.clone().unwrap_or_default();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/doctors/{}", super::urlencode(&staff))))
        .finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(doctor_page).service(me);
}
