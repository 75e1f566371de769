//! A doctor's page: the month's figures, a timeline of shifts, duties,
//! self-study, side jobs and PC sessions, the running total against the
//! 80 / 100 / 155 h lines with the projection, the last twelve months, and
//! the doctor's interviews and measures. Who sees the page and the health
//! data of each interview is the access policy's rule ([`crate::policy`]):
//! the doctor, their manager, and per interview its assigned physician.

use super::charts::{self, Span};
use super::dashboard::{month_as_of, state_of};
use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::{Doctor, Interview, Measure, PreCheck};
use crate::db::schema::{interviews, measures, prechecks, users};
use crate::db::{queries, AnyConnection};
use crate::domain::interview::Status;
use crate::domain::time::{format_hm, YearMonth};
use crate::policy::{self, Sight};
use crate::report::monthly::{compute, line, load_rows_of, DoctorMonth, DoctorRows};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

/// An interview as the page shows it.
pub struct InterviewView {
    pub i: Interview,
    pub status: &'static str,
    pub physician: String,
    /// What the viewer sees of this interview on this page (at least its
    /// status); its pre-checks and opinion only when `Health`.
    pub sight: Sight,
    /// Whether the viewer may open the interview's own page.
    pub linked: bool,
    pub prechecks: Vec<PreCheck>,
}

#[derive(Template)]
#[template(path = "doctor.html")]
pub(crate) struct DoctorPage {
    ctx: PageCtx,
    pub(crate) doctor: Doctor,
    month: String,
    previous: String,
    next: String,
    pub(crate) as_of: NaiveDate,
    pub(crate) m: DoctorMonth,
    pub(crate) state: &'static str,
    /// Some health data is shown (of every interview, or of some).
    pub(crate) health: bool,
    pub(crate) method: &'static str,
    running_svg: String,
    months_svg: String,
    /// The last twelve months (month, overtime + holiday minutes), oldest first.
    pub(crate) last_12_months: Vec<(String, crate::domain::time::Minutes)>,
    timeline_svg: String,
    pub(crate) interviews: Vec<InterviewView>,
    pub(crate) measures: Vec<Measure>,
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

/// The rows of one doctor for a month, computed.
pub(crate) fn month_of(
    conn: &mut AnyConnection,
    app: &App,
    d: &Doctor,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<(DoctorRows, crate::report::monthly::DoctorComputation), UiError> {
    let (_, mut rows) =
        load_rows_of(conn, Some(&[d.id]), month, as_of, &app.settings.rules).map_err(UiError::internal)?;
    let rows = rows.remove(&d.id).unwrap_or_default();
    let c = compute(&rows, d, month, as_of, &app.settings.rules);
    Ok((rows, c))
}

pub(crate) fn page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    staff_id: &str,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<DoctorPage, UiError> {
    let d = queries::doctor_by_staff_id(conn, staff_id)
        .map_err(UiError::internal)?
        .ok_or(UiError::NotFound(viewer.lang))?;
    // The interviews and their physicians first: a physician sees the page
    // while assigned to one of them.
    let found: Vec<Interview> = interviews::table
        .filter(interviews::doctor_id.eq(d.id))
        .order(interviews::month.desc())
        .select(Interview::as_select())
        .load(conn)
        .map_err(UiError::internal)?;
    let mut physicians: Vec<Option<String>> = Vec::with_capacity(found.len());
    for i in &found {
        physicians.push(match i.physician_id {
            Some(p) => users::table
                .find(p)
                .select(users::login)
                .first(conn)
                .optional()
                .map_err(UiError::internal)?,
            None => None,
        });
    }
    let who = viewer.who();
    let sight = policy::doctor(who, (&d).into(), physicians.iter().map(Option::as_deref));
    if sight == Sight::None {
        return Err(UiError::NotFound(viewer.lang));
    }
    let (rows, c) = month_of(conn, app, &d, month, as_of)?;
    let m = line(&d, &c);
    let as_of_day = usize::try_from(chrono::Datelike::day(&c.projection.as_of)).unwrap_or(1);
    let running_svg = charts::running_total(
        &c.projection.actual.running,
        &c.projection.running,
        as_of_day,
        "時間外・休日労働の累計 / running total",
    );

    // The last twelve months, each as of its end (this month as of the date).
    let mut bars = Vec::with_capacity(12);
    let mut ym = month;
    for _ in 0..11 {
        ym = ym.previous();
    }
    for _ in 0..12 {
        let at = if ym == month { as_of } else { ym.last_day() };
        let (_, c) = month_of(conn, app, &d, ym, at)?;
        bars.push((ym.to_string(), c.projection.actual.overtime_holiday_minutes));
        ym = ym.next();
    }
    let months_svg = charts::months(&bars, "直近12か月 / last 12 months");

    let mut spans: Vec<Span> = Vec::new();
    for s in &rows.timecard {
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
    for s in &rows.roster {
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
    for p in &rows.pc {
        spans.push(Span {
            start: p.logon,
            end: p.logoff,
            class: "pc",
            label: format!("PC {}–{}", p.logon.format("%H:%M"), p.logoff.format("%m/%d %H:%M")),
        });
    }
    let days: Vec<NaiveDate> = month.iter_days().collect();
    let timeline_svg = charts::timeline(&days, &spans, "勤務の記録 / timeline");

    let today = app.settings.today();
    let mut views = Vec::with_capacity(found.len());
    for (i, physician) in found.into_iter().zip(physicians) {
        let own = policy::interview(who, (&d).into(), physician.as_deref());
        let shown = policy::listed_interview(sight, own);
        // Health data is not even read where it is not shown.
        let checks = if shown.health() {
            prechecks::table
                .filter(prechecks::doctor_id.eq(d.id))
                .filter(prechecks::month.eq(&i.month))
                .order(prechecks::id)
                .select(PreCheck::as_select())
                .load(conn)
                .map_err(UiError::internal)?
        } else {
            Vec::new()
        };
        // Nor are the physician's check items and opinion kept to render.
        let i = if shown.health() {
            i
        } else {
            Interview {
                check_work: None,
                check_sleep: None,
                check_fatigue: None,
                check_mental_physical: None,
                opinion: None,
                ..i
            }
        };
        views.push(InterviewView {
            status: Status::of(i.deadline, i.held_on, today).code(),
            physician: physician.unwrap_or_else(|| "—".into()),
            sight: shown,
            linked: own != Sight::None,
            prechecks: checks,
            i,
        });
    }
    // Measures cases (with the manager's text) by the same rule as the
    // measures lists: not for physicians.
    let measures: Vec<Measure> = if crate::policy::sees_measures(viewer.who(), crate::policy::Whose::from(&d)) {
        measures::table
            .filter(measures::doctor_id.eq(d.id))
            .order(measures::month.desc())
            .select(Measure::as_select())
            .load(conn)
            .map_err(UiError::internal)?
    } else {
        Vec::new()
    };
    Ok(DoctorPage {
        ctx: viewer.ctx(app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of: c.projection.as_of,
        state: state_of(&m),
        method: match c.projection.method {
            crate::domain::projection::Method::Roster => "roster",
            crate::domain::projection::Method::Linear => "linear",
        },
        m,
        health: sight.health() || views.iter().any(|v| v.sight.health()),
        running_svg,
        months_svg,
        last_12_months: bars,
        timeline_svg,
        interviews: views,
        measures,
        doctor: d,
    })
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
    let p = web::block(move || {
        let mut conn = app2.pool.get().map_err(UiError::internal)?;
        page(&mut conn, &app2, &viewer, &staff_id, month, as_of)
    })
    .await
    .map_err(UiError::internal)??;
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
