//! `GET /interviews/{id}` and its forms: one interview as the viewer may
//! see it (rules §8), the manager's pre-check of its month (the page then
//! shows the deadline it gives: the A-level exception), the assigned
//! physician's record, and "another physician" for the doctor, their
//! manager or an admin.

use super::measures::MeasureView;
use super::prechecks::{prefill, PreCheckFields, PreCheckForm};
use super::record::{
    addendum_options, addendum_views, confirm_rows, guidance_options, opinion_rows, work_class_options, AddendumForm,
    AddendumView, FieldErrors, Opt, RecordForm, Row,
};
use super::{blocking, in_lang, person, reason_label, refusal, PageQuery, PreCheckView, Reply, SelfCheckView, Shown};
use crate::app::App;
use crate::db::interviews::self_checks_of;
use crate::db::models::{Doctor, Interview, Measure, PreCheck, User};
use crate::db::opinions::{addenda_of, opinion_of};
use crate::db::users::user_by_id;
use crate::db::AnyConnection;
use crate::domain::opinion::RecordKind;
use crate::domain::time::format_hm;
use crate::domain::time::YearMonth;
use crate::monitor::records::{self, RecordError};
use crate::policy::{self, Sight};
use crate::web::ui::{confirm, Lang, PageCtx, UiError, Viewer};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

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
    /// The exception's state in words (rules §8.4).
    exception_label: &'static str,
    /// The minute the actual month reached 100 h (rules §8.2), if it has.
    reach_100_at: Option<String>,
    /// 期限内 / 期限内でない, once 100 h is reached (rules §8.3).
    in_time: Option<bool>,
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
    saved: bool,
    error: Option<String>,
    /// The doctor's figures of the month, beside the record form.
    figures: Option<Figures>,
    /// The latest minute the record form accepts (now).
    now_minute: String,
    rerr: FieldErrors,
    /// The confirmation step: what will be saved.
    confirm: Option<Vec<Row>>,
    hidden: Vec<(&'static str, String)>,
    guidance_opts: Vec<Opt>,
    work_class_opts: Vec<Opt>,
    /// The saved 意見書 (structured opinion) and who wrote it.
    opinion: Vec<Row>,
    opinion_by: Option<String>,
    addenda: Vec<AddendumView>,
    can_addend: bool,
    af: AddendumForm,
    aerr: FieldErrors,
    addendum_opts: Vec<Opt>,
}

/// The doctor's hours of the interview's month, as of today (or the
/// month's end).
pub(super) struct Figures {
    pub(super) as_of: NaiveDate,
    pub(super) actual: String,
    pub(super) projected: String,
    pub(super) reach_100: Option<NaiveDate>,
}

fn figures(conn: &mut AnyConnection, app: &App, d: &Doctor, month: &str) -> Result<Option<Figures>, UiError> {
    let Some(m) = YearMonth::parse(month) else {
        return Ok(None);
    };
    let as_of = m.clamp(app.settings.today());
    let (_, c) = crate::month::compute_one(conn, &app.settings.rules, d, m, as_of).map_err(UiError::internal)?;
    let l = crate::month::line(d, &c);
    Ok(Some(Figures {
        as_of,
        actual: format_hm(l.overtime_holiday_minutes),
        projected: format_hm(l.projected_overtime_holiday_minutes),
        reach_100: l.reach_100_date,
    }))
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
    let physician_login = physician.as_ref().map(|u| u.login.as_str());
    let can_addend = held && health && policy::is_assigned_physician(viewer.who(), physician_login);
    // Who recorded what, by name (the records keep logins).
    let names = crate::web::ui::names::Names::load(conn)?;
    let mut i = i;
    names.put_opt(&mut i.recorded_by);
    let (opinion, opinion_by, addenda) = if health && held {
        let o = opinion_of(conn, i.id)?;
        let addenda = addendum_views(
            lang,
            RecordKind::Interview,
            addenda_of(conn, RecordKind::Interview.code(), i.id)?,
            &names,
        );
        match o {
            Some(o) => (opinion_rows(lang, &o), Some(o.physician_name.clone()), addenda),
            None => (Vec::new(), None, addenda),
        }
    } else {
        (Vec::new(), None, Vec::new())
    };
    let figures = figures(conn, app, &d, &i.month)?;
    let now = app.now();
    let rf = shown.rf.unwrap_or_else(|| RecordForm {
        held_at: now.format("%Y-%m-%dT%H:%M").to_string(),
        ..RecordForm::default()
    });
    let confirm = if shown.confirm {
        rf.input(now).ok().map(|input| confirm_rows(lang, &input))
    } else {
        None
    };
    let af = shown.af.unwrap_or_default();
    let due = i.due();
    let state = due.status(crate::domain::due::end_of(today));
    let status = state.code();
    let exception_label = {
        let l = due.exception.label();
        match lang {
            Lang::Ja => l.ja,
            Lang::En => l.en,
        }
    };
    let measures = measures.into_iter().map(|m| MeasureView::of(lang, m, &d)).collect();
    Ok(DetailPage {
        ctx: viewer.ctx(app),
        level: d.level().code(),
        reason: reason_label(lang, &i.reason),
        status,
        status_label: state.words(due.days_late(), lang == Lang::Ja),
        physician: physician.as_ref().map(person).unwrap_or_else(|| {
            match lang {
                Lang::Ja => "未割当",
                Lang::En => "not assigned",
            }
            .into()
        }),
        a_level_exception: i.deadline > i.reach_100_date,
        exception_label,
        reach_100_at: i.reach_100_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        in_time: due.in_time(),
        grace_days: app.settings.rules.a_level_grace_days,
        health,
        prechecks: if health {
            prechecks
                .into_iter()
                .map(|p| PreCheckView::of(lang, p, &names))
                .collect()
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
        hidden: rf.pairs(),
        guidance_opts: guidance_options(lang, &rf.guidance),
        work_class_opts: work_class_options(lang, &rf.work_class),
        rf,
        saved: shown.saved,
        error: shown.error,
        figures,
        now_minute: now.format("%Y-%m-%dT%H:%M").to_string(),
        rerr: shown.rerr,
        confirm,
        opinion,
        opinion_by,
        addenda,
        can_addend,
        addendum_opts: addendum_options(lang, RecordKind::Interview, &af.field),
        af,
        aerr: shown.aerr,
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

/// The assigned physician's record of the interview as held: 「確認」
/// (`step=confirm`, the default) shows what will be saved; 「確定」
/// (`step=save`) saves; `step=edit` goes back to the form.
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
        let lang = viewer.lang;
        let (status, shown) = match form.input(now) {
            Err(errors) => {
                let rerr = FieldErrors::of(lang, &errors);
                let shown = Shown {
                    error: Some(rerr.all()),
                    rerr,
                    rf: Some(form),
                    ..Shown::default()
                };
                (StatusCode::BAD_REQUEST, shown)
            }
            Ok(_) if form.step == "edit" => (
                StatusCode::OK,
                Shown {
                    rf: Some(form),
                    ..Shown::default()
                },
            ),
            Ok(_) if form.confirming() => (
                StatusCode::OK,
                Shown {
                    confirm: true,
                    rf: Some(form),
                    ..Shown::default()
                },
            ),
            Ok(input) => match records::record_interview(c, id, &input, &viewer.user.login, now) {
                Ok(_) => return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1"))),
                Err(e) => {
                    let (status, message) = refusal(lang, e)?;
                    let shown = Shown {
                        error: Some(message),
                        rf: Some(form),
                        ..Shown::default()
                    };
                    (status, shown)
                }
            },
        };
        // Reload: a refusal may come from a record written meanwhile.
        let v = load(c, &viewer, id)?;
        Reply::page(status, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// A dated addendum (追記) to the held interview's record, by its
/// physician: the original stays as written.
#[post("/interviews/{id}/addenda")]
pub(super) async fn interview_addendum(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<AddendumForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        let physician = v.physician.as_ref().map(|u| u.login.as_str());
        if !policy::is_assigned_physician(viewer.who(), physician) || !v.sight.health() {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let lang = viewer.lang;
        let (status, shown) = match form.input().check(RecordKind::Interview) {
            Err(errors) => {
                let aerr = FieldErrors::of(lang, &errors);
                (
                    StatusCode::BAD_REQUEST,
                    Shown {
                        error: Some(aerr.all()),
                        aerr,
                        af: Some(form),
                        ..Shown::default()
                    },
                )
            }
            Ok(_) if !form.confirmed() => {
                let whose = format!("{}（{}） {}", v.d.name, v.d.staff_id, v.i.month);
                let c = form.confirmation(
                    &viewer.ctx(app),
                    RecordKind::Interview,
                    whose,
                    format!("/interviews/{id}/addenda"),
                    format!("/interviews/{id}#addenda"),
                );
                return confirm::reply(viewer.ctx(app), c);
            }
            Ok(_) => match crate::monitor::records::add_addendum(
                c,
                RecordKind::Interview,
                id,
                &form.input(),
                &viewer.user.login,
                now,
            ) {
                Ok(_) => return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1#addenda"))),
                Err(e) => {
                    let (status, message) = refusal(lang, e)?;
                    (
                        status,
                        Shown {
                            error: Some(message),
                            af: Some(form),
                            ..Shown::default()
                        },
                    )
                }
            },
        };
        let v = load(c, &viewer, id)?;
        Reply::page(status, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// The reassign form: its first POST asks (what changes, who is told).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct ReassignForm {
    csrf: String,
    go: Option<String>,
}

/// What asking for another physician will do, shown before it is done.
fn confirm_reassign(app: &App, viewer: &Viewer, v: &Loaded) -> Result<Reply, UiError> {
    let ctx = viewer.ctx(app);
    let t = |ja: &str, en: &str| ctx.tr(ja, en).to_string();
    let current = v
        .physician
        .as_ref()
        .map(crate::monitor::directory::display_name)
        .unwrap_or_else(|| t("（未割当）", "(none)"));
    let c = confirm::Confirmation {
        title: t("面接指導実施医師の変更の確認", "Ask for another interview physician?"),
        summary: t(
            "この面接指導の担当医師の変更を依頼します。依頼は監査ログに記録されます。",
            "Another physician will be assigned to this interview; the access log records it.",
        ),
        rows: vec![
            (t("医師", "Doctor"), format!("{}（{}）", v.d.name, v.d.staff_id)),
            (t("対象月", "Month"), v.i.month.clone()),
            (t("現在の担当医師", "Current physician"), current),
            (t("面接指導の期限", "Deadline"), v.i.deadline.to_string()),
        ],
        then: t(
            "研修を修了した別の面接指導実施医師を、担当件数の少ない順に自動で選び、新しい担当医師にメールで知らせます。期限は変わりません。元の医師には戻せません（もう一度変更を依頼することはできます）。",
            "A different trained physician with the fewest cases is chosen and told by mail. The deadline stays. This cannot be undone (you may ask again).",
        ),
        action: format!("/interviews/{}/reassign", v.i.id),
        hidden: Vec::new(),
        button: t("変更を依頼する", "Ask for another physician"),
        back: format!("/interviews/{}", v.i.id),
    };
    confirm::reply(ctx, c)
}

/// Another interview physician, asked for by the doctor or their manager
/// (or an admin), as the API allows.
#[post("/interviews/{id}/reassign")]
pub(super) async fn interview_reassign(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<ReassignForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let now = app.now();
    let go = confirm::confirmed(form.go.as_deref());
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        if !policy::may_reassign(viewer.who(), v.sight) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        if !go {
            return confirm_reassign(app, &viewer, &v);
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
