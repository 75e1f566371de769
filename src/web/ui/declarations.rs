//! `/me/declarations`: the doctor's own declarations on their phone — 自己研鑽
//! (rules §2.3) and the hours at another hospital or side job (§5b.2) —
//! and the month's list of them with their status, each still
//! unconfirmed one correctable or withdrawable. Only a doctor's account,
//! for its own doctor record; every form checks CSRF. The rule itself is
//! [`crate::declarations`].

use super::dashboard::month_as_of;
use super::{blocking, in_lang, own_doctor, Lang, PageCtx, Reply, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::Doctor;
use crate::declarations::{self, Declaration, DeclareError, DeclareRequest, FieldError, Form};
use crate::domain::time::{format_hm, YearMonth};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

/// One of the two forms as shown: its values and its refusals.
struct FormView {
    f: Form,
    errors: Vec<FieldError>,
    /// The declaration this form corrects.
    replaces: Option<i64>,
}

impl FormView {
    fn blank(kind: &str) -> FormView {
        FormView {
            f: Form {
                kind: kind.into(),
                schedule_class: "scheduled".into(),
                ..Form::default()
            },
            errors: Vec::new(),
            replaces: None,
        }
    }

    /// The refusal of `field`, if any (already in the page's language).
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "declarations.html")]
struct Page {
    ctx: PageCtx,
    d: Doctor,
    month: String,
    previous: String,
    next: String,
    rows: Vec<Declaration>,
    study: FormView,
    external: FormView,
    /// The doctor's employers to choose from (main employer, employers file,
    /// those declared before).
    employers: Vec<String>,
    done: Option<&'static str>,
    error: Option<String>,
}

impl Page {
    fn hm(&self, minutes: &i64) -> String {
        format_hm(*minutes)
    }
    fn class_label(&self, code: &str) -> &'static str {
        match code {
            "extra" => self.ctx.tr("所定外", "extra"),
            _ => self.ctx.tr("所定", "scheduled"),
        }
    }
}

/// What a request puts on the page: the two forms (self-study, external),
/// what was done, and what was refused.
struct Shown {
    forms: (FormView, FormView),
    done: Option<&'static str>,
    error: Option<String>,
}

impl Shown {
    fn blank() -> Shown {
        Shown {
            forms: (FormView::blank("self_study"), FormView::blank("external")),
            done: None,
            error: None,
        }
    }
}

/// The page: the month's declarations and the employers to choose from,
/// with what the request shows.
fn page(
    conn: &mut crate::db::AnyConnection,
    app: &App,
    viewer: &Viewer,
    d: Doctor,
    month: YearMonth,
    shown: Shown,
) -> Result<Page, UiError> {
    let Shown { forms, done, error } = shown;
    let login = viewer.user.login.as_str();
    let rows = declarations::of_doctor(conn, &d, login, Some(month)).map_err(UiError::internal)?;
    let mut employers: Vec<String> = d.main_employer.iter().cloned().collect();
    for e in crate::db::employers::stored(conn, Some(&[d.id]))? {
        employers.push(e.employer);
    }
    for r in declarations::of_doctor(conn, &d, login, None).map_err(UiError::internal)? {
        employers.extend(r.employer);
    }
    let mut seen = std::collections::HashSet::new();
    employers.retain(|e| seen.insert(e.clone()));
    let (mut study, mut external) = forms;
    for e in study.errors.iter_mut().chain(external.errors.iter_mut()) {
        e.message = in_lang(viewer.lang, &e.message);
    }
    Ok(Page {
        ctx: viewer.ctx(app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        rows,
        study,
        external,
        employers,
        done,
        error,
        d,
    })
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    month: Option<String>,
    /// The id of a declaration to correct.
    edit: Option<i64>,
    done: Option<String>,
}

#[get("/me/declarations")]
async fn show(app: web::Data<App>, viewer: Viewer, q: web::Query<PageQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    let (month, _) = month_as_of(&app, &viewer, q.month.as_deref(), None)?;
    // Only a known code is echoed, never free text.
    let done = match q.done.as_deref() {
        Some("declared") => Some("declared"),
        Some("corrected") => Some("corrected"),
        Some("withdrawn") => Some("withdrawn"),
        _ => None,
    };
    let edit = q.edit;
    blocking(&app, move |conn, app| {
        let d = own_doctor(conn, &viewer)?;
        let mut shown = Shown { done, ..Shown::blank() };
        if let Some(id) = edit {
            let all = declarations::of_doctor(conn, &d, &viewer.user.login, None).map_err(UiError::internal)?;
            let r = all
                .into_iter()
                .find(|r| r.id == id && r.changeable)
                .ok_or(UiError::NotFound(viewer.lang))?;
            let view = FormView {
                f: Form {
                    kind: r.kind.into(),
                    date: r.start.date().to_string(),
                    start: r.start.format("%H:%M").to_string(),
                    end: r.end.format("%H:%M").to_string(),
                    end_date: if r.end.date() == r.start.date() {
                        String::new()
                    } else {
                        r.end.date().to_string()
                    },
                    break_minutes: r.break_minutes.to_string(),
                    note: r.note.clone().unwrap_or_default(),
                    employer: r.employer.clone().unwrap_or_default(),
                    employer_choice: String::new(),
                    schedule_class: r.schedule_class.into(),
                },
                errors: Vec::new(),
                replaces: Some(id),
            };
            if r.is_self_study() {
                shown.forms.0 = view;
            } else {
                shown.forms.1 = view;
            }
        }
        Reply::page(StatusCode::OK, &page(conn, app, &viewer, d, month, shown)?)
    })
    .await
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", String::as_str)
}

/// The page again after a refusal: 400 with the fields named, 404 for a
/// declaration that is not the doctor's, 409 for one no longer theirs to
/// change.
fn refused(
    conn: &mut crate::db::AnyConnection,
    app: &App,
    viewer: &Viewer,
    d: Doctor,
    month: YearMonth,
    form: Option<(Form, Option<i64>)>,
    e: DeclareError,
) -> Result<Reply, UiError> {
    let (status, errors, message) = match e {
        DeclareError::Invalid(errors) => (StatusCode::BAD_REQUEST, errors, None),
        DeclareError::NotFound => return Err(UiError::NotFound(viewer.lang)),
        DeclareError::Locked | DeclareError::Outdated => (
            StatusCode::CONFLICT,
            Vec::new(),
            Some(in_lang(viewer.lang, &e.to_string())),
        ),
        other => return Err(UiError::internal(other)),
    };
    let mut shown = Shown::blank();
    if let Some((f, replaces)) = form {
        let view = FormView {
            errors,
            replaces,
            f: f.clone(),
        };
        if f.kind == "external" {
            shown.forms.1 = view;
        } else {
            shown.forms.0 = view;
        }
    }
    shown.error = message.or_else(|| {
        Some(match viewer.lang {
            Lang::Ja => "入力に誤りがあります。赤字の項目を直してください。何も保存していません。".to_string(),
            Lang::En => "Some fields are not right (in red). Nothing was saved.".to_string(),
        })
    });
    Reply::page(status, &page(conn, app, viewer, d, month, shown)?)
}

/// `POST /me/declarations`: a new declaration, or (`replaces`) the
/// correction of one.
#[post("/me/declarations")]
async fn declare(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    let form = form.into_inner();
    viewer.check_csrf(field(&form, "csrf"))?;
    let replaces = match field(&form, "replaces").trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| UiError::NotFound(viewer.lang))?),
    };
    let typed = Form::of(&form);
    let (now, today) = (app.now(), app.settings.today());
    blocking(&app, move |conn, app| {
        let d = own_doctor(conn, &viewer)?;
        let read = declarations::read(&typed, today);
        // The month the page returns to: the declared date's, else this one.
        let month_of = |date: chrono::NaiveDate| app.settings.rules.calendar.month_of(date);
        let (declared, month) = match read {
            Ok(declared) => {
                let month = month_of(declared.shift.start_date());
                (declared, month)
            }
            Err(errors) => {
                let month = month_of(today);
                let e = DeclareError::Invalid(errors);
                return refused(conn, app, &viewer, d, month, Some((typed, replaces)), e);
            }
        };
        let outcome = declarations::declare(
            conn,
            &DeclareRequest {
                doctor: &d,
                login: &viewer.user.login,
                declared: &declared,
                replaces,
                now,
            },
        );
        match outcome {
            Ok(_) => {
                let done = if replaces.is_some() { "corrected" } else { "declared" };
                Ok(Reply::Redirect(format!("/me/declarations?month={month}&done={done}")))
            }
            Err(e) => refused(conn, app, &viewer, d, month, Some((typed, replaces)), e),
        }
    })
    .await
}

/// `POST /me/declarations/withdraw`: the declaration `row` withdrawn.
#[post("/me/declarations/withdraw")]
async fn withdraw(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    viewer.check_csrf(field(&form, "csrf"))?;
    let id: i64 = field(&form, "row")
        .trim()
        .parse()
        .map_err(|_| UiError::NotFound(viewer.lang))?;
    let (month, _) = month_as_of(&app, &viewer, Some(field(&form, "month")), None)?;
    let now = app.now();
    blocking(&app, move |conn, app| {
        let d = own_doctor(conn, &viewer)?;
        match declarations::withdraw(conn, &d, &viewer.user.login, id, now) {
            Ok(()) => Ok(Reply::Redirect(format!(
                "/me/declarations?month={month}&done=withdrawn"
            ))),
            Err(e) => refused(conn, app, &viewer, d, month, None, e),
        }
    })
    .await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show).service(declare).service(withdraw);
}
