//! The manager's measures (就業上の措置, rules §8, §10): `GET /measures`,
//! their doctors' cases of a month with a form per open case, and
//! `POST /measures/{id}`; and a case as the interview page shows it too.

use super::record::{addendum_options, addendum_views, AddendumForm, AddendumView, FieldErrors, Opt};
use super::{blocking, parse_month, reason_label, refusal, PageQuery, Reply};
use crate::accounts::Role;
use crate::app::App;
use crate::db::interviews::{measure_with_doctor, opinion_and_physician};
use crate::db::models::{Doctor, Measure};
use crate::db::opinions::addenda_of;
use crate::db::users::login_of;
use crate::db::AnyConnection;
use crate::domain::interview::MeasureReason;
use crate::domain::opinion::RecordKind;
use crate::domain::time::YearMonth;
use crate::monitor::records::{self, MeasureInput};
use crate::policy;
use crate::web::ui::{Lang, PageCtx, UiError, Viewer};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

/// A measures case as the interview page and the measures page show it.
pub(super) struct MeasureView {
    pub(super) m: Measure,
    pub(super) staff_id: String,
    pub(super) name: String,
    pub(super) reason: String,
    pub(super) mandatory: bool,
    pub(super) recorded: bool,
    /// The physician's opinion the measures answer (only for who may see it).
    pub(super) opinion: Option<String>,
    pub(super) form: MeasureFields,
    pub(super) error: Option<String>,
    /// The confirmation step of `form`.
    pub(super) confirm: bool,
    /// The dated addenda (追記) of a recorded case.
    pub(super) addenda: Vec<AddendumView>,
    pub(super) af: AddendumForm,
    pub(super) aerr: FieldErrors,
}

impl MeasureView {
    pub(super) fn of(lang: Lang, m: Measure, d: &Doctor) -> MeasureView {
        MeasureView {
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
            reason: match &m.extra_reason {
                Some(x) => format!("{}・{}", reason_label(lang, &m.reason), reason_label(lang, x)),
                None => reason_label(lang, &m.reason).to_string(),
            },
            mandatory: m.has_reason(MeasureReason::Over155.code()),
            recorded: m.recorded_at.is_some(),
            opinion: None,
            form: MeasureFields::default(),
            error: None,
            confirm: false,
            addenda: Vec::new(),
            af: AddendumForm::default(),
            aerr: FieldErrors::default(),
            m,
        }
    }
}

/// The measures form's values (checkboxes are absent when not ticked).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct MeasureForm {
    csrf: String,
    /// `confirm` (「確認」, the default), `save` (「確定」) or `edit`.
    step: String,
    shorter_hours: Option<String>,
    fewer_night_duties: Option<String>,
    other: Option<String>,
    other_text: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct MeasureFields {
    pub(super) shorter_hours: bool,
    pub(super) fewer_night_duties: bool,
    pub(super) other: bool,
    pub(super) other_text: String,
}

impl MeasureForm {
    fn fields(&self) -> MeasureFields {
        MeasureFields {
            shorter_hours: self.shorter_hours.is_some(),
            fewer_night_duties: self.fewer_night_duties.is_some(),
            other: self.other.is_some(),
            other_text: self.other_text.clone(),
        }
    }

    fn input(&self) -> MeasureInput {
        let f = self.fields();
        MeasureInput {
            shorter_hours: f.shorter_hours,
            fewer_night_duties: f.fewer_night_duties,
            other: f.other,
            other_text: Some(f.other_text),
        }
    }
}

#[derive(Template)]
#[template(path = "measures.html")]
struct MeasuresPage {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    cases: Vec<MeasureView>,
    saved: bool,
    addendum_opts: Vec<Opt>,
}

/// A measures form shown again: the case, its message (none: the
/// confirmation step) and what was ticked; or a refused addendum.
struct MeasureRefusal {
    id: i64,
    message: Option<String>,
    fields: MeasureFields,
    addendum: Option<(AddendumForm, FieldErrors)>,
    confirm: bool,
}

fn measures_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    month: YearMonth,
    saved: bool,
    refused: Option<MeasureRefusal>,
) -> Result<MeasuresPage, UiError> {
    let lang = viewer.lang;
    let mut cases: Vec<MeasureView> = Vec::new();
    let names = crate::web::ui::names::Names::load(conn)?;
    for (m, d) in records::list_measures(conn, month)? {
        if !policy::sees_measures(viewer.who(), (&d).into()) {
            continue;
        }
        // The opinion the measures answer: health data, shown when the
        // viewer may see the interview's health data (its manager does).
        let opinion = match m.interview_id {
            Some(iid) => {
                let found = opinion_and_physician(conn, iid)?;
                match found {
                    Some((opinion, physician_id)) => {
                        let physician: Option<String> = match physician_id {
                            Some(p) => login_of(conn, p)?,
                            None => None,
                        };
                        let sight = policy::interview(viewer.who(), (&d).into(), physician.as_deref());
                        opinion.filter(|_| sight.health())
                    }
                    None => None,
                }
            }
            None => None,
        };
        let mut m = m;
        names.put_opt(&mut m.recorded_by);
        let mut v = MeasureView::of(lang, m, &d);
        v.opinion = opinion;
        if v.recorded {
            v.addenda = addendum_views(
                lang,
                RecordKind::Measure,
                addenda_of(conn, RecordKind::Measure.code(), v.m.id)?,
                &names,
            );
        }
        if let Some(r) = refused.as_ref().filter(|r| r.id == v.m.id) {
            v.error = r.message.clone();
            v.confirm = r.confirm;
            v.form = r.fields.clone();
            if let Some((af, aerr)) = &r.addendum {
                v.af = af.clone();
                v.aerr = aerr.clone();
            }
        }
        cases.push(v);
    }
    // Open cases first (the over-155 ones on top: they are mandatory), then
    // the recorded ones; the list is already in staff-id order.
    cases.sort_by_key(|v| (v.recorded, !v.mandatory));
    Ok(MeasuresPage {
        ctx: viewer.ctx(app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        cases,
        saved,
        addendum_opts: addendum_options(lang, RecordKind::Measure, ""),
    })
}

/// Managers: their doctors' measures cases of a month, with a form per
/// open case. (HR and admin read measures on the dashboard and the API.)
#[get("/measures")]
pub(super) async fn measures_list(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    let month = parse_month(&viewer, q.month.as_deref())?.unwrap_or_else(|| YearMonth::of(app.settings.today()));
    let saved = q.saved();
    blocking(&app, move |c, app| {
        Reply::page(StatusCode::OK, &measures_page(c, app, &viewer, month, saved, None)?)
    })
    .await
}

/// The measures case `id` of one of the viewer's doctors, with its month.
/// Another manager's case does not exist for this one: 404, as on the
/// measures list where it is not shown.
fn managers_case(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<(Measure, YearMonth), UiError> {
    let (m, _) = measure_with_doctor(c, id)?
        .filter(|(_, d)| policy::is_manager(viewer.who(), d.into()))
        .ok_or(UiError::NotFound(viewer.lang))?;
    let month = YearMonth::parse(&m.month).ok_or(UiError::NotFound(viewer.lang))?;
    Ok((m, month))
}

#[post("/measures/{id}")]
pub(super) async fn measures_save(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<MeasureForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let (m, month) = managers_case(c, &viewer, id)?;
        let input = form.input();
        // 「確認」: the checks, then what will be saved; 「確定」 saves.
        if form.step != "save" {
            let shown = match records::check_measures(&m, &input) {
                Ok(_) => MeasureRefusal {
                    id,
                    message: None,
                    fields: form.fields(),
                    addendum: None,
                    confirm: form.step != "edit",
                },
                Err(e) => {
                    let (status, message) = refusal(viewer.lang, e)?;
                    let r = MeasureRefusal {
                        id,
                        message: Some(message),
                        fields: form.fields(),
                        addendum: None,
                        confirm: false,
                    };
                    return Reply::page(status, &measures_page(c, app, &viewer, month, false, Some(r))?);
                }
            };
            return Reply::page(
                StatusCode::OK,
                &measures_page(c, app, &viewer, month, false, Some(shown))?,
            );
        }
        let (status, message) = match records::record_measures(c, id, &input, &viewer.user.login, now) {
            Ok(m) => {
                return Ok(Reply::Redirect(format!(
                    "/measures?month={}&saved=1#measure-{}",
                    m.month, m.id
                )))
            }
            Err(e) => refusal(viewer.lang, e)?,
        };
        let refused = MeasureRefusal {
            id,
            message: Some(message),
            fields: form.fields(),
            addendum: None,
            confirm: false,
        };
        Reply::page(status, &measures_page(c, app, &viewer, month, false, Some(refused))?)
    })
    .await
}

/// A dated addendum (追記) to a recorded measures case, by the doctor's
/// manager: the original stays as written.
#[post("/measures/{id}/addenda")]
pub(super) async fn measures_addendum(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<AddendumForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let (m, month) = managers_case(c, &viewer, id)?;
        let lang = viewer.lang;
        let (status, message, aerr) = match form.input().check(RecordKind::Measure) {
            Err(errors) => {
                let aerr = FieldErrors::of(lang, &errors);
                (StatusCode::BAD_REQUEST, aerr.all(), aerr)
            }
            Ok(_) if !form.confirmed() => {
                let c = form.confirmation(
                    &viewer.ctx(app),
                    RecordKind::Measure,
                    m.month.clone(),
                    format!("/measures/{id}/addenda"),
                    format!("/measures?month={}#measure-{id}", m.month),
                );
                return crate::web::ui::confirm::reply(viewer.ctx(app), c);
            }
            Ok(_) => match crate::monitor::records::add_addendum(
                c,
                RecordKind::Measure,
                id,
                &form.input(),
                &viewer.user.login,
                now,
            ) {
                Ok(_) => {
                    return Ok(Reply::Redirect(format!(
                        "/measures?month={}&saved=1#measure-{id}",
                        m.month
                    )))
                }
                Err(e) => {
                    let (status, message) = refusal(lang, e)?;
                    (status, message, FieldErrors::default())
                }
            },
        };
        let r = MeasureRefusal {
            id,
            message: Some(message),
            fields: MeasureFields::default(),
            addendum: Some((form, aerr)),
            confirm: false,
        };
        Reply::page(status, &measures_page(c, app, &viewer, month, false, Some(r))?)
    })
    .await
}
