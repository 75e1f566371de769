//! A doctor's 代償休息 page (rules §11.11–§11.12, formats.md R.4):
//! the ledger of a month as `month::compute_one` computed it (entries with
//! their status, grants with their counted minutes), a form to record one
//! grant — checked, then shown for confirmation, then written — and HR's
//! reason on each entry. HR and admins see every doctor's page, a manager
//! their own doctors' (`policy::may_record_comp_rest`); every form checks
//! CSRF. The writing is `crate::comp_rest`'s.

use super::dashboard::month_as_of;
use super::{html, with_conn, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::comp_rest::{self as service, Error, GrantInput};
use crate::db::models::Doctor;
use crate::domain::rest::{LedgerEntry, Reason, Words};
use crate::domain::time::{Minutes, YearMonth};
use crate::import::GrantMethod;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

const RECORDERS: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];

/// The reasons HR chooses from (rules §11.9): code and words.
fn reasons() -> Vec<(&'static str, Words)> {
    Reason::ALL.iter().map(|r| (r.code(), r.words())).collect()
}

/// One ledger entry as the page lists it.
struct EntryRow {
    kind: Words,
    cause: Words,
    cause_code: &'static str,
    arose_at: String,
    /// The entry's moment as the reason form sends it.
    arose_key: String,
    due: NaiveDate,
    minutes: Minutes,
    granted: Minutes,
    granted_late: Minutes,
    open: Minutes,
    status: Words,
    status_code: String,
    reason: &'static str,
}

fn entry_row(e: &LedgerEntry) -> EntryRow {
    EntryRow {
        kind: e.kind.words(),
        cause: e.cause.words(),
        cause_code: e.cause.code(),
        arose_at: e.arose_at.format("%Y-%m-%d %H:%M").to_string(),
        arose_key: e.arose_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        due: e.due,
        minutes: e.minutes,
        granted: e.granted_minutes,
        granted_late: e.granted_late_minutes,
        open: e.open_minutes,
        status: e.status.words(),
        status_code: serde_json::to_value(e.status)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        reason: e.reason.map(Reason::code).unwrap_or(""),
    }
}

/// One grant as the page lists it.
struct GrantRow {
    start: String,
    end: String,
    method: &'static str,
    note: String,
    recorded_by: String,
    recorded: Minutes,
    counted: Minutes,
    not_counted: Minutes,
    unmatched: Minutes,
}

/// The grant form as typed (shown again with the problems found).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct GrantForm {
    csrf: String,
    month: String,
    date: String,
    start: String,
    end: String,
    end_date: String,
    method: String,
    note: String,
    go: String,
}

#[derive(Template)]
#[template(path = "comp_rest.html")]
struct Page {
    ctx: PageCtx,
    doctor: Doctor,
    month: String,
    previous: String,
    next: String,
    as_of: NaiveDate,
    /// Whether §11 applies to the doctor this month.
    applies: bool,
    entries: Vec<EntryRow>,
    grants: Vec<GrantRow>,
    form: GrantForm,
    errors: Vec<String>,
    done: Option<&'static str>,
    methods: [GrantMethod; 2],
    reasons: Vec<(&'static str, Words)>,
}

#[derive(Template)]
#[template(path = "comp_rest_confirm.html")]
struct ConfirmPage {
    ctx: PageCtx,
    doctor: Doctor,
    form: GrantForm,
    start: String,
    end: String,
    minutes: i64,
    method: &'static str,
    note: String,
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    month: Option<String>,
    as_of: Option<String>,
    done: Option<String>,
}

/// A refusal of the service as the screen answers it.
fn refusal(viewer: &Viewer, e: Error) -> UiError {
    match e {
        Error::NotFound | Error::NoEntry => UiError::NotFound(viewer.lang),
        Error::NotAllowed => UiError::Forbidden(viewer.lang),
        e if e.is_user_error() => UiError::BadRequest(viewer.lang, super::in_lang(viewer.lang, &e.to_string())),
        e => UiError::internal(e),
    }
}

/// The page of `staff_id`'s month, with the form and its problems.
#[allow(clippy::too_many_arguments)]
async fn render(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: String,
    month: YearMonth,
    as_of: NaiveDate,
    form: GrantForm,
    errors: Vec<String>,
    done: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, UiError> {
    let (a, v) = (app.clone(), viewer.clone());
    let (doctor, entries, grants, applies) = with_conn(&app, move |conn| {
        let d = service::doctor_for(conn, v.who(), &staff_id).map_err(|e| refusal(&v, e))?;
        let (_, c) = crate::month::compute_one(conn, &a.settings.rules, &d, month, as_of)?;
        let Some(r) = crate::report::rest::doctor_rest(&d, &c) else {
            return Ok((d, Vec::new(), Vec::new(), false));
        };
        let names = super::names::Names::load(conn)?;
        let stored: HashMap<i64, crate::db::comp_rest::StoredGrant> =
            crate::db::comp_rest::grants_of_doctor(conn, d.id)?
                .into_iter()
                .map(|mut g| {
                    names.put(&mut g.recorded_by);
                    (g.id, g)
                })
                .collect();
        let entries = r
            .comp_rest
            .entries
            .iter()
            .chain(&r.consideration.entries)
            .map(entry_row)
            .collect();
        let grants = r
            .comp_rest
            .grants
            .iter()
            .map(|g| {
                let s = stored.get(&g.id);
                GrantRow {
                    start: g.start.format("%Y-%m-%d %H:%M").to_string(),
                    end: g.end.format("%Y-%m-%d %H:%M").to_string(),
                    method: s
                        .and_then(|s| s.method.as_deref())
                        .and_then(GrantMethod::parse)
                        .map_or("", GrantMethod::label_ja),
                    note: s.and_then(|s| s.note.clone()).unwrap_or_default(),
                    recorded_by: s.map(|s| s.recorded_by.clone()).unwrap_or_default(),
                    recorded: g.recorded_minutes,
                    counted: g.counted_minutes,
                    not_counted: g.not_counted_minutes,
                    unmatched: g.unmatched_minutes,
                }
            })
            .collect();
        Ok((d, entries, grants, true))
    })
    .await?;
    let mut resp = html(&Page {
        ctx: viewer.ctx(&app),
        doctor,
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of,
        applies,
        entries,
        grants,
        form,
        errors,
        done,
        methods: GrantMethod::ALL,
        reasons: reasons(),
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

#[get("/doctors/{staff_id}/comp-rest")]
async fn page(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&RECORDERS)?;
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    // Only a known code is echoed, never free text.
    let done = match q.done.as_deref() {
        Some("grant") => Some("代償休息の付与を記録しました。"),
        Some("reason") => Some("理由を記録しました。"),
        _ => None,
    };
    let form = GrantForm::default();
    render(
        app,
        viewer,
        staff_id.into_inner(),
        month,
        as_of,
        form,
        Vec::new(),
        done,
        StatusCode::OK,
    )
    .await
}

fn redirect(to: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// `POST /doctors/{staff_id}/comp-rest`: a grant checked and shown for
/// confirmation, then (`go=1`) recorded.
#[post("/doctors/{staff_id}/comp-rest")]
async fn record(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    form: web::Form<GrantForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&RECORDERS)?;
    viewer.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let staff_id = staff_id.into_inner();
    let (month, as_of) = month_as_of(&app, &viewer, Some(&form.month), None)?;
    let input = service::read_form(
        &form.date,
        &form.start,
        &form.end,
        &form.end_date,
        &form.method,
        &form.note,
    );
    let input: GrantInput = match input {
        Ok(g) => g,
        Err(Error::Invalid(errors)) => {
            let errors = errors.iter().map(|m| super::in_lang(viewer.lang, m)).collect();
            return render(
                app,
                viewer,
                staff_id,
                month,
                as_of,
                form,
                errors,
                None,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(e) => return Err(refusal(&viewer, e)),
    };
    let go = form.go == "1";
    let (v, id, g, now) = (viewer.clone(), staff_id.clone(), input.clone(), app.now());
    let checked = with_conn(&app, move |conn| {
        Ok(if go {
            service::record(conn, v.who(), &id, &g, now).map(|_| None)
        } else {
            service::check(conn, v.who(), &id, &g).map(Some)
        })
    })
    .await?;
    match checked {
        Ok(None) => Ok(redirect(format!(
            "/doctors/{}/comp-rest?month={month}&done=grant",
            super::urlencode(&staff_id)
        ))),
        Ok(Some(doctor)) => html(&ConfirmPage {
            ctx: viewer.ctx(&app),
            doctor,
            start: input.start.format("%Y-%m-%d %H:%M").to_string(),
            end: input.end.format("%Y-%m-%d %H:%M").to_string(),
            minutes: (input.end - input.start).num_minutes(),
            method: input.method.map_or("", GrantMethod::label_ja),
            note: input.note.clone().unwrap_or_default(),
            form,
        }),
        Err(e @ Error::Overlap(..)) => {
            let errors = vec![super::in_lang(viewer.lang, &e.to_string())];
            render(
                app,
                viewer,
                staff_id,
                month,
                as_of,
                form,
                errors,
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(refusal(&viewer, e)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReasonForm {
    csrf: String,
    month: String,
    cause: String,
    arose_at: String,
    reason: String,
}

/// `POST /doctors/{staff_id}/comp-rest/reason`: HR's reason on an entry.
#[post("/doctors/{staff_id}/comp-rest/reason")]
async fn reason(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&RECORDERS)?;
    viewer.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let staff_id = staff_id.into_inner();
    let (month, _) = month_as_of(&app, &viewer, Some(&form.month), None)?;
    let Some(arose_at) = service::parse_instant(&form.arose_at) else {
        return Err(UiError::BadRequest(
            viewer.lang,
            "日時が読めません / unreadable time".into(),
        ));
    };
    let (v, id, a) = (viewer.clone(), staff_id.clone(), app.clone());
    let (today, now) = (app.settings.today(), app.now());
    let done = with_conn(&app, move |conn| {
        Ok(service::set_reason(
            conn,
            &a.settings.rules,
            v.who(),
            &id,
            &form.cause,
            arose_at,
            &form.reason,
            today,
            now,
        ))
    })
    .await?;
    match done {
        Ok(()) => Ok(redirect(format!(
            "/doctors/{}/comp-rest?month={month}&done=reason",
            super::urlencode(&staff_id)
        ))),
        Err(e) => Err(refusal(&viewer, e)),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page).service(record).service(reason);
}
