//! The administrator's screens (MHLW checklist 2-(4) to 2-(6)): the user
//! ledger (利用者ID台帳) with each account's state and the actions on it
//! (disable, enable, leaving date), the access log with filters and its
//! chain check, both exportable as CSV; and every user's own password
//! change.

use super::{html, with_conn, PageCtx, UiError, Viewer};
use crate::accounts::{self, AccountError, LedgerLine, Role};
use crate::app::App;
use crate::audit::{self, Filter, VerifyReport};
use crate::db::models::AuditEntry;
use crate::domain::text::Label;
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

const ADMIN: [Role; 1] = [Role::Admin];
/// Log entries per page on the screen.
const PAGE: i64 = 100;
/// The last page the log screen shows (10^8 entries back).
const MAX_PAGE: i64 = 1_000_000;
/// The most entries one CSV export holds (narrow the filter for more).
const EXPORT_MAX: i64 = 100_000;

fn csv_download(bytes: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

fn back_to(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

// ---------------------------------------------------------------------------
// The user ledger.
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    ctx: PageCtx,
    lines: Vec<LedgerLine>,
    unused_days: i64,
    message: String,
}

impl UsersPage {
    fn state_label(&self, l: &LedgerLine) -> String {
        match self.ctx.lang {
            super::Lang::Ja => l.state_label.clone(),
            super::Lang::En => l.state.label_en(),
        }
    }
    fn role_label(&self, l: &LedgerLine) -> &'static str {
        match self.ctx.lang {
            super::Lang::Ja => l.role_label,
            super::Lang::En => l.role.code(),
        }
    }
    fn time(&self, t: &Option<chrono::NaiveDateTime>) -> String {
        t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "—".into())
    }
}

#[derive(Debug, Deserialize)]
struct MessageQuery {
    done: Option<String>,
}

#[get("/admin/users")]
async fn users_page(app: web::Data<App>, viewer: Viewer, q: web::Query<MessageQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    let now = app.now();
    let lines = with_conn(&app, move |conn| accounts::ledger(conn, now).map_err(UiError::internal)).await?;
    let message = match q.done.as_deref() {
        Some("disable") => viewer
            .ctx(&app)
            .tr(
                "アカウントを停止しました。このアカウントではログインできません。再び使うには一覧の「有効化」を押してください。",
                "The account was disabled: it cannot sign in. To use it again, press Enable in the list.",
            ),
        Some("enable") => viewer
            .ctx(&app)
            .tr(
                "アカウントを有効にしました。ロックも解除され、すぐにログインできます。",
                "The account was enabled (and unlocked): it can sign in now.",
            ),
        Some("leave") => viewer
            .ctx(&app)
            .tr("退職日を記録しました。", "The leaving date was recorded."),
        Some("create") => viewer
            .ctx(&app)
            .tr("アカウントを追加しました。", "The account was added."),
        Some("password") => viewer.ctx(&app).tr(
            "パスワードを再設定しました（ログイン中のセッションは終了しました）。",
            "The password was reset (its sessions were ended).",
        ),
        _ => "",
    }
    .to_string();
    html(&UsersPage {
        ctx: viewer.ctx(&app),
        lines,
        unused_days: app.settings.accounts.unused_days,
        message,
    })
}

#[get("/admin/users/export.csv")]
async fn users_csv(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    let now = app.now();
    let bytes = with_conn(&app, move |conn| {
        let lines = accounts::ledger(conn, now)?;
        accounts::ledger_csv(&lines).map_err(UiError::internal)
    })
    .await?;
    Ok(csv_download(bytes, &format!("users-{}.csv", now.date())))
}

#[derive(Debug, Deserialize)]
struct AccountAction {
    csrf: String,
    /// For the leaving date: `YYYY-MM-DD`, or empty to clear it.
    leaves_on: Option<String>,
    /// `1` when sent from the confirmation page (disabling asks first).
    go: Option<String>,
}

fn account_error(viewer: &Viewer, e: AccountError) -> UiError {
    match e {
        AccountError::NoSuchUser(_) => UiError::NotFound(viewer.lang),
        AccountError::Db(e) => UiError::internal(e),
        other => UiError::BadRequest(viewer.lang, other.to_string()),
    }
}

#[post("/admin/users/{login}/{action}")]
async fn account_action(
    app: web::Data<App>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    form: web::Form<AccountAction>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    viewer.check_csrf(&form.csrf)?;
    let (login, action) = path.into_inner();
    let leaves_on = match form.leaves_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            UiError::BadRequest(
                viewer.lang,
                format!("退職日は YYYY-MM-DD で入力してください: {d:?} / the leaving date must be YYYY-MM-DD"),
            )
        })?),
        // Its range is accounts::set_leaving_date's rule.
    };
    if action == "disable" && login == viewer.user.login {
        return Err(UiError::BadRequest(
            viewer.lang,
            "自分自身のアカウントは停止できません / you cannot disable your own account".into(),
        ));
    }
    let now = app.now();
    if action == "disable" && !super::confirm::confirmed(form.go.as_deref()) {
        return confirm_disable(&app, &viewer, login, now).await;
    }
    let actor = viewer.user.login.clone();
    let v = viewer.clone();
    let act = action.clone();
    with_conn(&app, move |conn| {
        let done = match act.as_str() {
            "disable" => accounts::disable(conn, &login, Some(&actor), now),
            "enable" => accounts::enable(conn, &login, Some(&actor), now),
            "leave" => accounts::set_leaving_date(conn, &login, leaves_on, Some(&actor), now),
            _ => return Err(UiError::NotFound(v.lang)),
        };
        done.map_err(|e| account_error(&v, e))
    })
    .await?;
    Ok(back_to(&format!("/admin/users?done={action}")))
}

/// What disabling `login` will record, asked before it is done.
async fn confirm_disable(
    app: &web::Data<App>,
    viewer: &Viewer,
    login: String,
    now: chrono::NaiveDateTime,
) -> Result<HttpResponse, UiError> {
    let wanted = login.clone();
    let line = with_conn(app, move |conn| accounts::ledger(conn, now).map_err(UiError::internal))
        .await?
        .into_iter()
        .find(|l| l.login == wanted)
        .ok_or(UiError::NotFound(viewer.lang))?;
    let ctx = viewer.ctx(app);
    let t = |ja: &str, en: &str| ctx.tr(ja, en).to_string();
    let none = || t("（未登録）", "(none)");
    let c = super::confirm::Confirmation {
        title: t("アカウントの停止の確認", "Disable this account?"),
        summary: t(
            "次のアカウントを停止します。停止は監査ログに記録されます。",
            "This account will be disabled; the access log records it.",
        ),
        rows: vec![
            (t("氏名", "Name"), line.name.clone().unwrap_or_else(none)),
            (t("ログインID", "Login"), line.login.clone()),
            (
                t("役割", "Role"),
                match ctx.lang {
                    super::Lang::Ja => line.role_label.to_string(),
                    super::Lang::En => line.role.code().to_string(),
                },
            ),
            (t("所属", "Department"), line.department.clone().unwrap_or_else(none)),
            (
                t("最終ログイン", "Last sign-in"),
                line.last_sign_in_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "—".into()),
            ),
        ],
        then: t(
            "停止すると、このアカウントではログインできなくなり、ログイン中の画面もすぐに使えなくなります。記録（面接指導・措置など）は消えません。再び使うには、この一覧で「有効化」を押してください。",
            "Once disabled, the account cannot sign in and its open sessions end at once. Its records (interviews, measures…) stay. To use it again, press Enable in this list.",
        ),
        action: format!("/admin/users/{}/disable", super::urlencode(&line.login)),
        hidden: Vec::new(),
        button: t("停止する", "Disable"),
        back: "/admin/users".into(),
    };
    super::confirm::page(ctx, c)
}

// ---------------------------------------------------------------------------
// The access log.
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct LogQuery {
    from: Option<String>,
    to: Option<String>,
    actor: Option<String>,
    category: Option<String>,
    page: Option<i64>,
    verify: Option<String>,
}

impl LogQuery {
    fn filter(&self, viewer: &Viewer) -> Result<Filter, UiError> {
        let date = |v: &Option<String>, what: &'static str| -> Result<Option<NaiveDate>, UiError> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(d) => crate::domain::input::parse_date((what, "date"), d)
                    .map(Some)
                    .map_err(|e| UiError::BadRequest(viewer.lang, e.0)),
            }
        };
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        Ok(Filter {
            from: date(&self.from, "開始日")?,
            to: date(&self.to, "終了日")?,
            actor: text(&self.actor),
            category: text(&self.category),
        })
    }

    /// The filter as a query string (for paging and the export link).
    fn query(&self) -> String {
        let part = |k: &str, v: &Option<String>| {
            v.as_deref()
                .filter(|s| !s.is_empty())
                .map(|v| format!("{k}={}&", super::urlencode(v)))
                .unwrap_or_default()
        };
        format!(
            "{}{}{}{}",
            part("from", &self.from),
            part("to", &self.to),
            part("actor", &self.actor),
            part("category", &self.category)
        )
    }
}

/// One line of the log screen.
struct LogLine {
    e: AuditEntry,
    name: String,
    /// The operation in words (`None`: shown as stored).
    op: Option<(Label, Option<Label>)>,
    /// The detail as labelled items (`None`: shown as stored).
    items: Option<Vec<audit::words::Item>>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    ctx: PageCtx,
    lines: Vec<LogLine>,
    from: String,
    to: String,
    actor: String,
    category: String,
    categories: Vec<(&'static str, Label)>,
    page: i64,
    more: bool,
    query: String,
    verify: Option<VerifyReport>,
}

impl AuditPage {
    fn word(&self, l: &Label) -> &'static str {
        self.ctx.lang.label(*l)
    }
    fn category_label<'a>(&self, c: &'a str) -> &'a str {
        match audit::Category::parse(c) {
            Some(c) => self.ctx.lang.label(c.label()),
            None => c,
        }
    }
}

fn names(conn: &mut crate::db::AnyConnection) -> Result<HashMap<String, String>, UiError> {
    Ok(crate::db::users::names_by_login(conn)?)
}

#[get("/admin/audit")]
async fn audit_page(app: web::Data<App>, viewer: Viewer, q: web::Query<LogQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    let q = q.into_inner();
    let filter = q.filter(&viewer)?;
    // A page past the log's end simply shows nothing; a huge one must not
    // overflow the offset (PostgreSQL refused it with a 500).
    let page = q.page.unwrap_or(0).clamp(0, MAX_PAGE);
    let verify = q.verify.is_some();
    let key = app.audit_key();
    let (entries, names, report) = with_conn(&app, move |conn| {
        let entries = audit::entries(conn, &filter, PAGE + 1, page * PAGE)?;
        let report = if verify {
            Some(audit::verify_with(conn, key.as_deref())?)
        } else {
            None
        };
        Ok((entries, names(conn)?, report))
    })
    .await?;
    let more = entries.len() as i64 > PAGE;
    let lines = entries
        .into_iter()
        .take(PAGE as usize)
        .map(|e| LogLine {
            name: e.actor.as_ref().and_then(|a| names.get(a)).cloned().unwrap_or_default(),
            op: audit::words::operation(&e.category, &e.operation),
            items: audit::words::detail(&e.detail),
            e,
        })
        .collect();
    let categories = audit::Category::ALL.iter().map(|c| (c.code(), c.label())).collect();
    html(&AuditPage {
        ctx: viewer.ctx(&app),
        lines,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        actor: q.actor.clone().unwrap_or_default(),
        category: q.category.clone().unwrap_or_default(),
        categories,
        page,
        more,
        query: q.query(),
        verify: report,
    })
}

#[get("/admin/audit/export.csv")]
async fn audit_csv(app: web::Data<App>, viewer: Viewer, q: web::Query<LogQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&ADMIN)?;
    let filter = q.filter(&viewer)?;
    let bytes = with_conn(&app, move |conn| {
        let entries = audit::entries(conn, &filter, EXPORT_MAX, 0)?;
        audit::to_csv(&entries, &names(conn)?).map_err(UiError::internal)
    })
    .await?;
    Ok(csv_download(bytes, &format!("access-log-{}.csv", app.now().date())))
}

// ---------------------------------------------------------------------------
// One's own password.
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    ctx: PageCtx,
    error: String,
    done: bool,
    min_chars: usize,
}

#[derive(Debug, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

#[get("/account/password")]
async fn password_page(app: web::Data<App>, viewer: Viewer, q: web::Query<DoneQuery>) -> Result<HttpResponse, UiError> {
    html(&PasswordPage {
        ctx: viewer.ctx(&app),
        error: String::new(),
        done: q.done.is_some(),
        min_chars: app.settings.accounts.password_min_chars,
    })
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    csrf: String,
    current: String,
    new_password: String,
    confirm: String,
}

#[post("/account/password")]
async fn change_password(
    app: web::Data<App>,
    viewer: Viewer,
    req: actix_web::HttpRequest,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let this_session = req
        .cookie(super::session::SESSION_COOKIE)
        .map(|c| c.value().to_string());
    let form = form.into_inner();
    let page = |error: String| {
        let mut resp = html(&PasswordPage {
            ctx: viewer.ctx(&app),
            error,
            done: false,
            min_chars: app.settings.accounts.password_min_chars,
        })?;
        *resp.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
        Ok(resp)
    };
    if form.new_password != form.confirm {
        return page(
            viewer
                .ctx(&app)
                .tr(
                    "新しいパスワードが確認欄と一致しません。",
                    "The new passwords do not match.",
                )
                .into(),
        );
    }
    let now = app.now();
    let policy = app.settings.accounts.clone();
    let login = viewer.user.login.clone();
    let result = with_conn(&app, move |conn| {
        match accounts::set_password(
            conn,
            &login,
            accounts::PasswordChange::Own {
                current: &form.current,
                keep_session: this_session.as_deref(),
            },
            &form.new_password,
            &policy,
            Some(&login),
            now,
        ) {
            Ok(()) => Ok(Ok(())),
            Err(AccountError::Db(e)) => Err(UiError::internal(e)),
            Err(e) => Ok(Err(e.to_string())),
        }
    })
    .await?;
    match result {
        Ok(()) => Ok(back_to("/account/password?done=1")),
        Err(message) => {
            let shown = viewer
                .lang
                .pick(&crate::domain::text::Message::from_pair(&message))
                .to_string();
            page(shown)
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(users_page)
        .service(users_csv)
        .service(account_action)
        .service(audit_page)
        .service(audit_csv)
        .service(password_page)
        .service(change_password);
}
