//! The 面接指導管理 screen of HR and the administrator (issue 13 item 7) and
//! the interview's arrangements — its 予定日時 and its physician:
//!
//! - `GET /interviews/manage?month=&filter=` — every interview and measures
//!   case of the month and the open ones of earlier months, case facts
//!   only (no opinion, no check items: `policy::sees_worklist`), with the
//!   filters 期限超過 / 今週期限 / 未割当 / 予定未設定 / 実施済・意見待ち /
//!   措置未記録 / 違反;
//! - `GET /interviews/{id}/arrange` — the forms below, for whoever may use
//!   one of them;
//! - `POST /interviews/{id}/schedule` — the 予定日時, by the assigned
//!   physician or HR (`policy::may_schedule`); the invitation is re-sent;
//! - `POST /interviews/{id}/assign` — a physician chosen among the eligible
//!   ones (`policy::may_choose_physician`).

use super::{blocking, parse_month, reason_label, refusal, Reply};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::{Doctor, Interview, User};
use crate::db::users::user_by_id;
use crate::db::AnyConnection;
use crate::domain::time::YearMonth;
use crate::domain::worklist::{parse_datetime, Filter};
use crate::monitor::records::{self, RecordError};
use crate::monitor::worklist::{self, WorkLine};
use crate::policy::{self, Sight};
use crate::web::ui::{Lang, PageCtx, UiError, Viewer};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

// ---------------------------------------------------------------------------
// GET /interviews/manage

/// One line as the screen shows it.
struct Line {
    l: WorkLine,
    kind_label: &'static str,
    reason: &'static str,
    status_code: &'static str,
    status_label: String,
    scheduled: String,
    physician: String,
}

impl Line {
    fn of(lang: Lang, l: WorkLine) -> Line {
        let (status_code, status_label) = match (l.status, l.recorded) {
            (Some(s), _) => (s.code(), s.words(l.days_late, lang == Lang::Ja)),
            (None, Some(true)) => ("done", tr(lang, "措置記録済", "measures recorded").to_string()),
            (None, _) => ("open", tr(lang, "措置未記録", "measures not recorded").to_string()),
        };
        Line {
            kind_label: if l.kind == "interview" {
                tr(lang, "面接指導", "Interview")
            } else {
                tr(lang, "就業上の措置", "Measures")
            },
            reason: reason_label(lang, &l.reason),
            status_code,
            status_label,
            scheduled: l
                .scheduled_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            physician: match (&l.physician_name, &l.physician_login) {
                (Some(n), Some(login)) if n != login => format!("{n}（{login}）"),
                (_, Some(login)) => login.clone(),
                _ => String::new(),
            },
            l,
        }
    }
}

fn tr(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// A filter link with its count.
struct Chip {
    code: &'static str,
    label: &'static str,
    count: usize,
    active: bool,
}

#[derive(Template)]
#[template(path = "interviews_manage.html")]
struct ManagePage {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    filter: String,
    filter_label: &'static str,
    chips: Vec<Chip>,
    total: usize,
    lines: Vec<Line>,
    hr: bool,
}

#[derive(Debug, Deserialize)]
struct ManageQuery {
    month: Option<String>,
    filter: Option<String>,
}

/// A filter parameter: empty means every case.
fn parse_filter(viewer: &Viewer, f: Option<&str>) -> Result<Option<Filter>, UiError> {
    match f.map(str::trim).filter(|f| !f.is_empty()) {
        Some(code) => Filter::parse(code)
            .map(Some)
            .ok_or_else(|| UiError::BadRequest(viewer.lang, format!("filter: {code}"))),
        None => Ok(None),
    }
}

#[get("/interviews/manage")]
async fn manage_page(app: web::Data<App>, viewer: Viewer, q: web::Query<ManageQuery>) -> Result<HttpResponse, UiError> {
    if !policy::sees_worklist(viewer.who()) {
        return Err(UiError::Forbidden(viewer.lang));
    }
    let month = parse_month(&viewer, q.month.as_deref())?;
    let filter = parse_filter(&viewer, q.filter.as_deref())?;
    blocking(&app, move |c, app| {
        let today = app.settings.today();
        let month = month.unwrap_or_else(|| YearMonth::of(today));
        let all = worklist::worklist(c, month, today)?;
        let lang = viewer.lang;
        let chips = Filter::ALL
            .into_iter()
            .map(|f| Chip {
                code: f.code(),
                label: lang.label(f.label()),
                count: all.iter().filter(|l| l.matches(f)).count(),
                active: Some(f) == filter,
            })
            .collect();
        let total = all.len();
        let lines = all
            .into_iter()
            .filter(|l| filter.is_none_or(|f| l.matches(f)))
            .map(|l| Line::of(lang, l))
            .collect();
        let page = ManagePage {
            ctx: viewer.ctx(app),
            month: month.to_string(),
            previous: month.previous().to_string(),
            next: month.next().to_string(),
            filter: filter.map(|f| f.code().to_string()).unwrap_or_default(),
            filter_label: filter.map(|f| lang.label(f.label())).unwrap_or(""),
            chips,
            total,
            lines,
            hr: viewer.role == Role::Hr,
        };
        Reply::page(StatusCode::OK, &page)
    })
    .await
}

// ---------------------------------------------------------------------------
// GET /interviews/{id}/arrange and its forms

/// An interview as its arrangements need it, with what the viewer may do.
struct Arranged {
    i: Interview,
    d: Doctor,
    physician: Option<User>,
    may_schedule: bool,
    may_choose: bool,
}

/// Loads the interview if the viewer sees it (404 otherwise) and may set
/// its time or choose its physician (403 otherwise).
fn load(conn: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Arranged, UiError> {
    let (i, d, _, _) = records::interview(conn, id).map_err(|e| match e {
        RecordError::NotFound => UiError::NotFound(viewer.lang),
        e => UiError::internal(e),
    })?;
    let physician = match i.physician_id {
        Some(p) => user_by_id(conn, p)?,
        None => None,
    };
    let login = physician.as_ref().map(|u| u.login.as_str());
    let sight = policy::interview(viewer.who(), (&d).into(), login);
    if sight == Sight::None {
        return Err(UiError::NotFound(viewer.lang));
    }
    let may_schedule = policy::may_schedule(viewer.who(), login);
    let may_choose = policy::may_choose_physician(viewer.who(), sight);
    if !may_schedule && !may_choose {
        return Err(UiError::Forbidden(viewer.lang));
    }
    Ok(Arranged {
        i,
        d,
        physician,
        may_schedule,
        may_choose,
    })
}

/// A physician to choose.
struct PhysicianChoice {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "interview_arrange.html")]
struct ArrangePage {
    ctx: PageCtx,
    id: i64,
    month: String,
    staff_id: String,
    name: String,
    department: String,
    reason: &'static str,
    deadline: String,
    status_label: String,
    held: bool,
    physician: String,
    scheduled: String,
    scheduled_value: String,
    may_schedule: bool,
    may_choose: bool,
    choices: Vec<PhysicianChoice>,
    saved: bool,
    schedule_error: Option<String>,
    assign_error: Option<String>,
}

#[derive(Default)]
struct Shown {
    saved: bool,
    schedule_error: Option<String>,
    assign_error: Option<String>,
    value: Option<String>,
}

fn arrange_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    a: Arranged,
    shown: Shown,
) -> Result<ArrangePage, UiError> {
    let lang = viewer.lang;
    let today = app.settings.today();
    let choices = if a.may_choose && a.i.held_on.is_none() {
        worklist::eligible_physicians(conn, &a.i, today)?
            .into_iter()
            .map(|(p, name)| PhysicianChoice {
                id: p.id,
                label: format!(
                    "{}（{}）{} {}",
                    name.unwrap_or_else(|| p.login.clone()),
                    p.login,
                    tr(lang, "担当中", "open"),
                    p.open_interviews
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    let scheduled = a.i.scheduled_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string());
    Ok(ArrangePage {
        ctx: viewer.ctx(app),
        id: a.i.id,
        month: a.i.month.clone(),
        staff_id: a.d.staff_id.clone(),
        name: a.d.name.clone(),
        department: a.d.department.clone().unwrap_or_default(),
        reason: reason_label(lang, &a.i.reason),
        deadline: a.i.deadline.to_string(),
        status_label: {
            let due = a.i.due();
            due.status(crate::domain::due::end_of(today))
                .words(due.days_late(), lang == Lang::Ja)
        },
        held: a.i.held_on.is_some(),
        physician: a
            .physician
            .as_ref()
            .map(super::person)
            .unwrap_or_else(|| tr(lang, "未割当", "none").to_string()),
        scheduled: scheduled.clone().map(|s| s.replace('T', " ")).unwrap_or_default(),
        scheduled_value: shown.value.or(scheduled).unwrap_or_default(),
        may_schedule: a.may_schedule,
        may_choose: a.may_choose,
        choices,
        saved: shown.saved,
        schedule_error: shown.schedule_error,
        assign_error: shown.assign_error,
    })
}

#[derive(Debug, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[get("/interviews/{id}/arrange")]
async fn arrange(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<SavedQuery>,
) -> Result<HttpResponse, UiError> {
    let id = id.into_inner();
    let saved = q.saved.as_deref().is_some_and(|s| !s.is_empty());
    blocking(&app, move |c, app| {
        let a = load(c, &viewer, id)?;
        let shown = Shown {
            saved,
            ..Shown::default()
        };
        Reply::page(StatusCode::OK, &arrange_page(c, app, &viewer, a, shown)?)
    })
    .await
}

#[derive(Debug, Deserialize)]
struct ScheduleForm {
    csrf: String,
    #[serde(default)]
    scheduled_at: String,
}

const BAD_DATETIME: &str = "予定日時を YYYY-MM-DDTHH:MM の形で入力してください / scheduled_at must be YYYY-MM-DDTHH:MM";

#[post("/interviews/{id}/schedule")]
async fn schedule(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<ScheduleForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let now = app.now();
    let value = form.scheduled_at.clone();
    blocking(&app, move |c, app| {
        let a = load(c, &viewer, id)?;
        if !a.may_schedule {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let result = match parse_datetime(&value) {
            Some(at) => worklist::schedule(c, &app.settings, id, at, &viewer.user.login, now).map(|_| ()),
            None => Err(RecordError::Invalid(BAD_DATETIME.into())),
        };
        let (status, message) = match result {
            Ok(()) => return Ok(Reply::Redirect(format!("/interviews/{id}/arrange?saved=1"))),
            Err(e) => refusal(viewer.lang, e)?,
        };
        let a = load(c, &viewer, id)?;
        let shown = Shown {
            schedule_error: Some(message),
            value: Some(value),
            ..Shown::default()
        };
        Reply::page(status, &arrange_page(c, app, &viewer, a, shown)?)
    })
    .await
}

#[derive(Debug, Deserialize)]
struct AssignForm {
    csrf: String,
    #[serde(default)]
    physician: String,
}

#[post("/interviews/{id}/assign")]
async fn assign(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let now = app.now();
    let chosen = form.physician.trim().parse::<i64>().ok();
    blocking(&app, move |c, app| {
        let a = load(c, &viewer, id)?;
        if !a.may_choose {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let result = match chosen {
            Some(p) => worklist::assign(c, &app.settings, id, p, &viewer.user.login, now).map(|_| ()),
            None => Err(RecordError::Invalid(
                "面接指導実施医師を選んでください / choose a physician".into(),
            )),
        };
        let (status, message) = match result {
            Ok(()) => {
                // The one who chose may not see the interview any more (a
                // physician never chooses; the others still do).
                return Ok(Reply::Redirect(format!("/interviews/{id}/arrange?saved=1")));
            }
            Err(e) => refusal(viewer.lang, e)?,
        };
        let a = load(c, &viewer, id)?;
        let shown = Shown {
            assign_error: Some(message),
            ..Shown::default()
        };
        Reply::page(status, &arrange_page(c, app, &viewer, a, shown)?)
    })
    .await
}

/// Registers the screens of this file — before `/interviews/{id}`, which
/// would take `manage` for an id.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(manage_page)
        .service(arrange)
        .service(schedule)
        .service(assign);
}
