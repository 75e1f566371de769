//! `GET /interviews/{id}` and its forms: one interview as the viewer may
//! see it (rules §8), the manager's pre-check of its month (the page then
//! shows the deadline it gives: the A-level exception), the assigned
//! physician's record, and "another physician" for the doctor, their
//! manager or an admin.

use super::measures::MeasureView;
use super::prechecks::{prefill, PreCheckFields, PreCheckForm};
use super::{
    blocking, in_lang, person, reason_label, refusal, CsrfOnly, PageQuery, PreCheckView, Reply, SelfCheckView, Shown,
};
use crate::app::App;
use crate::db::interviews::self_checks_of;
use crate::db::models::{Doctor, Interview, Measure, PreCheck, User};
use crate::db::users::user_by_id;
use crate::db::AnyConnection;
use crate::domain::time::YearMonth;
use crate::monitor::records::{self, InterviewInput, RecordError};
use crate::policy::{self, Sight};
use crate::web::ui::{Lang, PageCtx, UiError, Viewer};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

/// An interview that the viewer may see, with what they may see of it.
struct Loaded {
    sight: Sight,
    i: Interview,
    d: Doctor,
    prechecks: Vec<PreCheck>,
    measures: Vec<Measure>,
    physician: Option<User>,
}

/// Loads an interview if `viewer` may see it at all; otherwise 404 (not
/// 403: the answer must not tell who has an interview).
fn load(conn: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Loaded, UiError> {
    let (i, d, prechecks, measures) = records::interview(conn, id).map_err(|e| match e {
        RecordError::NotFound => UiError::NotFound(viewer.lang),
        e => UiError::internal(e),
    })?;
    let physician: Option<User> = match i.physician_id {
        Some(p) => user_by_id(conn, p)?,
        None => None,
    };
    let sight = policy::interview(viewer.who(), (&d).into(), physician.as_ref().map(|u| u.login.as_str()));
    if sight == Sight::None {
        return Err(UiError::NotFound(viewer.lang));
    }
    Ok(Loaded {
        sight,
        i,
        d,
        prechecks,
        measures,
        physician,
    })
}

/// The interview record form's values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RecordForm {
    csrf: String,
    held_on: String,
    check_work: String,
    check_sleep: String,
    check_fatigue: String,
    check_mental_physical: String,
    opinion: String,
}

impl RecordForm {
    fn input(&self) -> Result<InterviewInput, &'static str> {
        let held_on = NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d")
            .map_err(|_| "実施日を YYYY-MM-DD の形で入力してください / held_on must be YYYY-MM-DD")?;
        Ok(InterviewInput {
            held_on,
            check_work: self.check_work.trim().to_string(),
            check_sleep: self.check_sleep.trim().to_string(),
            check_fatigue: self.check_fatigue.trim().to_string(),
            check_mental_physical: self.check_mental_physical.trim().to_string(),
            opinion: self.opinion.trim().to_string(),
        })
    }
}

#[derive(Template)]
#[template(path = "interview.html")]
struct DetailPage {
    ctx: PageCtx,
    i: Interview,
    d: Doctor,
    level: &'static str,
    reason: &'static str,
    status: &'static str,
    status_label: String,
    physician: String,
    /// The deadline is after the 100 h date: the A-level exception applies.
    a_level_exception: bool,
    grace_days: i64,
    health: bool,
    prechecks: Vec<PreCheckView>,
    self_checks: Vec<SelfCheckView>,
    measures: Vec<MeasureView>,
    can_precheck: bool,
    can_record: bool,
    can_reassign: bool,
    precheck_action: String,
    pf: PreCheckFields,
    rf: RecordForm,
    today: NaiveDate,
    saved: bool,
    error: Option<String>,
}

fn detail_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    v: Loaded,
    shown: Shown,
) -> Result<DetailPage, UiError> {
    let lang = viewer.lang;
    let today = app.settings.today();
    let Loaded {
        sight,
        i,
        d,
        prechecks,
        measures,
        physician,
    } = v;
    let health = sight.health();
    let held = i.held_on.is_some();
    let can_precheck = policy::is_manager(viewer.who(), (&d).into());
    let can_record = !held && policy::is_assigned_physician(viewer.who(), physician.as_ref().map(|u| u.login.as_str()));
    let can_reassign = !held && policy::may_reassign(viewer.who(), sight);
    // Health data is not even read for a status-only viewer.
    let (self_checks, pf) = if health {
        let selfs = self_checks_of(conn, d.id, &i.month)?;
        let pf = match shown.pf {
            Some(pf) => pf,
            None => prefill(lang, selfs.first(), prechecks.last()),
        };
        (selfs, pf)
    } else {
        (Vec::new(), PreCheckFields::default())
    };
    let state = i.due().status(crate::domain::due::end_of(today));
    let status = state.code();
    let measures = measures.into_iter().map(|m| MeasureView::of(lang, m, &d)).collect();
    Ok(DetailPage {
        ctx: viewer.ctx(app),
        level: d.level().code(),
        reason: reason_label(lang, &i.reason),
        status,
        status_label: state.words(i.due().days_late(), lang == Lang::Ja),
        physician: physician.as_ref().map(person).unwrap_or_else(|| {
            match lang {
                Lang::Ja => "未割当",
                Lang::En => "not assigned",
            }
            .into()
        }),
        a_level_exception: i.deadline > i.reach_100_date,
        grace_days: app.settings.rules.a_level_grace_days,
        health,
        prechecks: if health {
            prechecks.into_iter().map(|p| PreCheckView::of(lang, p)).collect()
        } else {
            Vec::new()
        },
        self_checks: self_checks.into_iter().map(|s| SelfCheckView::of(lang, s)).collect(),
        measures,
        can_precheck,
        can_record,
        can_reassign,
        precheck_action: format!("/interviews/{}/precheck", i.id),
        pf,
        rf: shown.rf.unwrap_or_else(|| RecordForm {
            held_on: today.to_string(),
            ..RecordForm::default()
        }),
        today,
        saved: shown.saved,
        error: shown.error,
        i,
        d,
    })
}

#[get("/interviews/{id}")]
pub(super) async fn interview_page(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    let id = id.into_inner();
    let saved = q.saved();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        let shown = Shown {
            saved,
            ..Shown::default()
        };
        Reply::page(StatusCode::OK, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// The manager's pre-check of the interview's doctor and month; the page
/// then shows the deadline it gives (the A-level exception).
#[post("/interviews/{id}/precheck")]
pub(super) async fn interview_precheck(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<PreCheckForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        if !policy::is_manager(viewer.who(), (&v.d).into()) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let month = YearMonth::parse(&v.i.month).ok_or(UiError::NotFound(viewer.lang))?;
        let refused = match form.input() {
            Err(msg) => (StatusCode::BAD_REQUEST, in_lang(viewer.lang, msg)),
            Ok(input) => {
                match records::record_precheck(c, &app.settings, &v.d, month, &input, &viewer.user.login, now) {
                    Ok(_) => return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1"))),
                    Err(e) => refusal(viewer.lang, e)?,
                }
            }
        };
        let shown = Shown {
            error: Some(refused.1),
            pf: Some(form.fields()),
            ..Shown::default()
        };
        Reply::page(refused.0, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// The assigned physician's record of the interview as held.
#[post("/interviews/{id}/record")]
pub(super) async fn interview_record(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<RecordForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        let physician = v.physician.as_ref().map(|u| u.login.as_str());
        if !policy::is_assigned_physician(viewer.who(), physician) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let refused = match form.input() {
            Err(msg) => (StatusCode::BAD_REQUEST, in_lang(viewer.lang, msg)),
            Ok(input) => match records::record_interview(c, id, &input, &viewer.user.login, now) {
                Ok(_) => return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1"))),
                Err(e) => refusal(viewer.lang, e)?,
            },
        };
        // Reload: a refusal may come from a record written meanwhile.
        let v = load(c, &viewer, id)?;
        let shown = Shown {
            error: Some(refused.1),
            rf: Some(form),
            ..Shown::default()
        };
        Reply::page(refused.0, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// Another interview physician, asked for by the doctor or their manager
/// (or an admin), as the API allows.
#[post("/interviews/{id}/reassign")]
pub(super) async fn interview_reassign(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        if !policy::may_reassign(viewer.who(), v.sight) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let (status, message) = match records::reassign(c, &app.settings, id, now) {
            Ok(_) => {
                // Back to the interview: those who may reassign (doctor,
                // manager, admin) still see it under its new physician.
                return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1")));
            }
            Err(e) => refusal(viewer.lang, e)?,
        };
        let v = load(c, &viewer, id)?;
        let shown = Shown {
            error: Some(message),
            ..Shown::default()
        };
        Reply::page(status, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}
