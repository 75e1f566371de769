//! `/external-unreported`: 他院勤務時間の未報告 — the agreement month's
//! doctors who work elsewhere and reported no hours there, so every
//! combined figure of theirs is too low (rules §5b.5
//! `external_not_reported`: visiting doctors and doctors with a main
//! employer elsewhere; the dashboard's badge links here). Doctors whose
//! only other work is a side job in the employers file (formats.md C.3)
//! are listed too, marked as such: a side job need not be worked every
//! month, so they are not counted by §5b.5 nor by the badge. HR and admins
//! see every doctor, a manager their own doctors (the dashboard's policy).

use super::dashboard::month_as_of;
use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::profile::EmploymentType;
use crate::report::dashboard::{self as model, Filter};
use actix_web::{get, web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

/// One doctor of the list.
struct Line {
    staff_id: String,
    name: String,
    department: String,
    employment_type: &'static str,
    main_employer: Option<String>,
    /// The other employers of the employers file.
    side_jobs: Vec<String>,
    /// Counted by §5b.5 (visiting or a main employer elsewhere); else a
    /// side job only.
    counted: bool,
}

#[derive(Template)]
#[template(path = "external_unreported.html")]
struct Page {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    lines: Vec<Line>,
}

impl Page {
    fn employment(&self, code: &str) -> &'static str {
        let t = EmploymentType::parse(code).unwrap_or(EmploymentType::FullTime);
        match self.ctx.lang {
            super::Lang::Ja => t.label_ja(),
            super::Lang::En => t.code(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Query {
    month: Option<String>,
}

#[get("/external-unreported")]
async fn list(app: web::Data<App>, viewer: Viewer, q: web::Query<Query>) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Admin, Role::Hr, Role::Manager])?;
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), None)?;
    let (app2, viewer2) = (app.clone(), viewer.clone());
    let lines = web::block(move || -> Result<Vec<Line>, UiError> {
        let cached = app2.reports.report(&app2.pool, month, as_of, &app2.settings.rules)?;
        let mut conn = app2.pool.get()?;
        let board = model::dashboard(&mut conn, &cached.report, viewer2.who(), &Filter::default(), as_of)?;
        let ids: HashMap<String, i64> = crate::db::queries::all_doctors(&mut conn)?
            .into_iter()
            .map(|d| (d.staff_id, d.id))
            .collect();
        let employers = crate::db::employers::employers_of(&mut conn, None)?;
        let mut out = Vec::new();
        for l in board.lines {
            let side_jobs: Vec<String> = ids
                .get(&l.m.staff_id)
                .and_then(|id| employers.get(id))
                .map(|es| es.iter().map(|e| e.name.clone()).collect())
                .unwrap_or_default();
            let counted = l.m.external_not_reported;
            if !(counted || (l.m.external_minutes == 0 && !side_jobs.is_empty())) {
                continue;
            }
            out.push(Line {
                staff_id: l.m.staff_id,
                name: l.m.name,
                department: l.department,
                employment_type: l.m.employment_type,
                main_employer: l.m.main_employer,
                side_jobs,
                counted,
            });
        }
        Ok(out)
    })
    .await??;
    html(&Page {
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        lines,
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}
