//! The administrator adds accounts and resets passwords on screen (issue 13
//! item 7), with the functions `kinmu users add` and `kinmu users password`
//! use ([`accounts::add_user`], [`accounts::set_password`] with
//! [`accounts::PasswordChange::Reset`]): the same login and password
//! rules, the same roles, the same access-log entries, and a reset ends
//! every session of the account. A refused form is shown again with the
//! message next to its field, nothing written.
//!
//! - `GET|POST /admin/users/new`
//! - `GET|POST /admin/users/{login}/password`

use super::{html, with_conn, PageCtx, UiError, Viewer};
use crate::accounts::{self, AccountError, NewAccount, Role};
use crate::app::App;
use crate::domain::text::Message;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

const ADMIN: [Role; 1] = [Role::Admin];
const ROLES: [Role; 5] = [Role::Admin, Role::Hr, Role::Manager, Role::Physician, Role::Doctor];

/// The new-account form's values (the password is never shown again).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct NewForm {
    csrf: String,
    login: String,
    role: String,
    name: String,
    staff_id: String,
    email: String,
    department: String,
    trained_on: String,
    administrator: String,
    password: String,
    confirm: String,
}

/// An option of the role select.
struct RoleChoice {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

/// Which field a message belongs next to.
#[derive(Debug, Default)]
struct FieldErrors {
    login: String,
    role: String,
    staff_id: String,
    trained_on: String,
    password: String,
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewPage {
    ctx: PageCtx,
    f: NewForm,
    roles: Vec<RoleChoice>,
    e: FieldErrors,
    min_chars: usize,
}

fn new_page(app: &App, viewer: &Viewer, f: NewForm, e: FieldErrors) -> NewPage {
    let lang = viewer.lang;
    let roles = ROLES
        .iter()
        .map(|r| RoleChoice {
            code: r.code(),
            label: match lang {
                super::Lang::Ja => r.label_ja(),
                super::Lang::En => r.code(),
            },
            selected: f.role == r.code(),
        })
        .collect();
    NewPage {
        ctx: viewer.ctx(app),
        f: NewForm {
            password: String::new(),
            confirm: String::new(),
            ..f
        },
        roles,
        e,
        min_chars: app.settings.accounts.password_min_chars,
    }
}

fn shown(viewer: &Viewer, m: &str) -> String {
    viewer.lang.pick(&Message::from_pair(m)).to_string()
}

fn refused(t: &impl Template) -> Result<HttpResponse, UiError> {
    let mut resp = html(t)?;
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

fn back_to(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

#[get("/admin/users/new")]
async fn new_account_form(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    html(&new_page(&app, &viewer, NewForm::default(), FieldErrors::default()))
}

fn text(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

#[post("/admin/users/new")]
async fn new_account(app: web::Data<App>, viewer: Viewer, form: web::Form<NewForm>) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    viewer.check_csrf(&form.csrf)?;
    let f = form.into_inner();
    let mut e = FieldErrors::default();
    let role = f.role.parse::<Role>();
    if let Err(err) = &role {
        e.role = shown(&viewer, &err.to_string());
    }
    let trained_on = match text(&f.trained_on) {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                e.trained_on = shown(
                    &viewer,
                    "研修修了日は YYYY-MM-DD で入力してください / trained_on must be YYYY-MM-DD",
                );
                None
            }
        },
    };
    if f.password != f.confirm {
        e.password = shown(&viewer, "パスワードが確認欄と一致しません / the passwords do not match");
    }
    let (Ok(role), true) = (role, e.trained_on.is_empty() && e.password.is_empty()) else {
        return refused(&new_page(&app, &viewer, f, e));
    };
    let account = NewAccount {
        login: f.login.trim().to_string(),
        role,
        name: text(&f.name),
        staff_id: text(&f.staff_id),
        email: text(&f.email),
        department: text(&f.department),
        trained_on,
        is_administrator: !f.administrator.is_empty(),
        password: f.password.clone(),
    };
    let now = app.now();
    let policy = app.settings.accounts.clone();
    let actor = viewer.user.login.clone();
    let result = with_conn(&app, move |conn| {
        match accounts::add_user(conn, &account, &policy, Some(&actor), now) {
            Ok(_) => Ok(Ok(())),
            Err(AccountError::Db(e)) => Err(UiError::internal(e)),
            Err(e) => Ok(Err(e)),
        }
    })
    .await?;
    match result {
        Ok(()) => Ok(back_to("/admin/users?done=create")),
        Err(err) => {
            let m = shown(&viewer, &err.to_string());
            match err {
                AccountError::BadLogin(_) | AccountError::LoginTaken(_) => e.login = m,
                AccountError::UnknownStaffId(_) => e.staff_id = m,
                AccountError::Input(_) => e.trained_on = m,
                AccountError::BadRole(_) => e.role = m,
                _ => e.password = m,
            }
            refused(&new_page(&app, &viewer, f, e))
        }
    }
}

#[derive(Template)]
#[template(path = "admin_user_password.html")]
struct ResetPage {
    ctx: PageCtx,
    login: String,
    name: String,
    error: String,
    min_chars: usize,
}

async fn reset_page(app: &web::Data<App>, viewer: &Viewer, login: String, error: String) -> Result<ResetPage, UiError> {
    let l = login.clone();
    let lang = viewer.lang;
    let user = with_conn(app, move |conn| Ok(accounts::user_by_login(conn, &l)?)).await?;
    let Some(user) = user else {
        return Err(UiError::NotFound(lang));
    };
    Ok(ResetPage {
        ctx: viewer.ctx(app),
        name: user.name.unwrap_or_default(),
        login,
        error,
        min_chars: app.settings.accounts.password_min_chars,
    })
}

#[get("/admin/users/{login}/password")]
async fn reset_form(app: web::Data<App>, viewer: Viewer, login: web::Path<String>) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    html(&reset_page(&app, &viewer, login.into_inner(), String::new()).await?)
}

#[derive(Debug, Deserialize)]
struct ResetForm {
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

#[post("/admin/users/{login}/password")]
async fn reset(
    app: web::Data<App>,
    viewer: Viewer,
    login: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    viewer.check_csrf(&form.csrf)?;
    let login = login.into_inner();
    if form.password != form.confirm {
        let m = shown(&viewer, "パスワードが確認欄と一致しません / the passwords do not match");
        return refused(&reset_page(&app, &viewer, login, m).await?);
    }
    let now = app.now();
    let policy = app.settings.accounts.clone();
    let actor = viewer.user.login.clone();
    let (l, password) = (login.clone(), form.password.clone());
    let lang = viewer.lang;
    let result = with_conn(&app, move |conn| {
        match accounts::set_password(
            conn,
            &l,
            accounts::PasswordChange::Reset,
            &password,
            &policy,
            Some(&actor),
            now,
        ) {
            Ok(()) => Ok(Ok(())),
            Err(AccountError::NoSuchUser(_)) => Err(UiError::NotFound(lang)),
            Err(AccountError::Db(e)) => Err(UiError::internal(e)),
            Err(e) => Ok(Err(e.to_string())),
        }
    })
    .await?;
    match result {
        Ok(()) => Ok(back_to("/admin/users?done=password")),
        Err(m) => {
            let m = shown(&viewer, &m);
            refused(&reset_page(&app, &viewer, login, m).await?)
        }
    }
}

/// Registers the screens — before the ledger's `/admin/users/{login}/{action}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(new_account_form)
        .service(new_account)
        .service(reset_form)
        .service(reset);
}
