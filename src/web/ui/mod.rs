//! The screens: server-rendered Japanese pages (English switchable) for HR,
//! interview physicians, managers and doctors.
//!
//! Sign-in makes a session cookie (HttpOnly, SameSite=Strict, Secure when
//! kinmu is served over https); every form carries the session's CSRF token
//! and every POST checks it. Each handler states the roles it serves with
//! [`Viewer::require`]; `tests/api/screen_roles.rs` walks the whole route × role matrix.

mod accounts;
pub(crate) mod admin;
mod charts;
mod comp_rest;
pub(crate) mod confirm;
pub(crate) mod dashboard;
mod declarations;
pub(crate) mod discrepancies;
pub(crate) mod doctor;
pub(crate) mod imports;
mod interviews;
pub(crate) mod names;
pub(crate) mod print;
mod rest;
mod self_study;
mod session;
mod unreported;

pub use session::{Lang, Viewer};

use crate::accounts::Role;
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;

/// A form that carries nothing but its CSRF token. A missing token is an
/// empty one, refused with 403 like a wrong one (not a 400 of the parser).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct CsrfOnly {
    pub(crate) csrf: String,
}

/// What every page knows: who is looking, in which language, and the
/// token its forms must carry.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub csrf: String,
    pub hospital: String,
    /// The path of the page (for the language switch).
    pub path: String,
}

impl PageCtx {
    /// The label in the page's language.
    pub fn tr<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
    /// A reason written `日本語 / English` (an import's row and file
    /// errors), in the page's language only.
    pub fn said(&self, pair: &str) -> String {
        self.lang
            .pick(&crate::domain::text::Message::from_pair(pair))
            .to_string()
    }

    /// An interview's status in words, with the delay of one held late
    /// (「期限後実施（N日遅延）」).
    pub fn status_words(&self, status: &crate::domain::interview::Status, days_late: &Option<i64>) -> String {
        status.words(*days_late, self.lang == Lang::Ja)
    }

    /// The mark of a case opened after its deadline (a violation).
    pub fn found_late(&self) -> &'static str {
        self.tr("違反（期限後に判明）", "Violation (found late)")
    }

    pub fn is(&self, role: &str) -> bool {
        self.role.code() == role
    }
    pub fn role_label(&self) -> &'static str {
        match (self.role, self.lang) {
            (Role::Admin, Lang::Ja) => "システム管理者",
            (Role::Hr, Lang::Ja) => "人事",
            (Role::Manager, Lang::Ja) => "所属長",
            (Role::Physician, Lang::Ja) => "面接指導実施医師",
            (Role::Doctor, Lang::Ja) => "医師",
            (r, Lang::En) => r.code(),
        }
    }
}

/// Why a page is not shown.
#[derive(Debug)]
pub enum UiError {
    /// Not signed in: go to the sign-in page.
    SignIn(String),
    /// The session expired: go to the sign-in page, which says so.
    Expired(String),
    /// Signed in, but this page is not for this role.
    Forbidden(Lang),
    /// A form whose CSRF token is not the current one (a page of an
    /// earlier session, or the sign-in page opened again elsewhere):
    /// refused, with what to do.
    StaleForm(Lang),
    NotFound(Lang),
    BadRequest(Lang, String),
    Internal(String),
}

impl UiError {
    pub fn internal(e: impl std::fmt::Display) -> UiError {
        tracing::error!(error = %e, "page failed");
        UiError::Internal(e.to_string())
    }
}

crate::web::error::internal_from!(
    UiError,
    UiError::internal:
    diesel::result::Error,
    diesel::r2d2::PoolError,
    actix_web::error::BlockingError,
    crate::db::DbError,
    crate::month::ReportError,
    askama::Error,
    csv::Error,
    rust_xlsxwriter::XlsxError,
);

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    status: u16,
    title_ja: &'a str,
    title_en: &'a str,
    detail: &'a str,
}

impl ErrorPage<'_> {
    fn tr<'b>(&self, ja: &'b str, en: &'b str) -> &'b str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

impl actix_web::ResponseError for UiError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;
        match self {
            UiError::SignIn(_) | UiError::Expired(_) => StatusCode::SEE_OTHER,
            UiError::Forbidden(_) | UiError::StaleForm(_) => StatusCode::FORBIDDEN,
            UiError::NotFound(_) => StatusCode::NOT_FOUND,
            UiError::BadRequest(..) => StatusCode::BAD_REQUEST,
            UiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (lang, ja, en, detail) = match self {
            UiError::SignIn(next) => {
                let to = format!("/login?next={}", urlencode(next));
                return HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish();
            }
            UiError::Expired(next) => {
                let to = format!("/login?expired=1&next={}", urlencode(next));
                return HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish();
            }
            UiError::Forbidden(l) => (
                *l,
                "この画面を表示する権限がありません",
                "You may not see this page",
                "",
            ),
            UiError::StaleForm(l) => (
                *l,
                "画面の有効期限が切れました（別のタブで開き直したか、サインインし直す前の画面から送信されました）",
                "This page has expired (it was opened again elsewhere, or before you signed in again)",
                match l {
                    Lang::Ja => "何も保存していません。ブラウザの「戻る」で入力内容を控え、画面を開き直してから、もう一度送信してください。",
                    Lang::En => "Nothing was saved. Go back to copy what you typed, open the page again and send it once more.",
                },
            ),
            UiError::NotFound(l) => (*l, "見つかりません", "Not found", ""),
            UiError::BadRequest(l, d) => (*l, "入力が正しくありません", "Invalid input", d.as_str()),
            UiError::Internal(_) => (
                Lang::Ja,
                "サーバーでエラーが発生しました。管理者に連絡してください。",
                "Internal server error",
                "",
            ),
        };
        let page = ErrorPage {
            lang,
            status: self.status_code().as_u16(),
            title_ja: ja,
            title_en: en,
            detail,
        };
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(page.render().unwrap_or_else(|_| ja.to_string()))
    }
}

/// How a form body kinmu cannot read is answered (the screens' `Form`
/// extractor): a page saying what happened, in Japanese with English, and
/// that nothing was saved — not the framework's English one-liner.
pub(crate) fn form_body_error(e: actix_web::error::UrlencodedError, _: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError as E;
    use actix_web::http::StatusCode;
    let (status, ja, en) = match &e {
        E::Overflow { .. } | E::UnknownLength => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "送信された内容が大きすぎます。メモなどを短くして、もう一度送信してください",
            "What was sent is too large: shorten the notes and send it again",
        ),
        E::ContentType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "フォームの形式ではない送信です。画面から送信してください",
            "Not a form: send it from the page",
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "送信された内容を読めません。画面を開き直して、もう一度送信してください",
            "What was sent cannot be read: open the page again and send it once more",
        ),
    };
    let page = ErrorPage {
        lang: Lang::Ja,
        status: status.as_u16(),
        title_ja: ja,
        title_en: en,
        detail: "何も保存していません。 / Nothing was saved.",
    };
    let response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render().unwrap_or_else(|_| ja.to_string()));
    actix_web::error::InternalError::from_response(e, response).into()
}

/// Renders a template as an HTML response.
pub fn html(t: &impl Template) -> Result<HttpResponse, UiError> {
    let body = t.render()?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body))
}

/// Runs `f` with a connection on the blocking pool (database work never
/// runs on the async workers): the web's one helper, for a screen.
pub(crate) async fn with_conn<T: Send + 'static>(
    app: &crate::app::App,
    f: impl FnOnce(&mut crate::db::AnyConnection) -> Result<T, UiError> + Send + 'static,
) -> Result<T, UiError> {
    crate::web::blocking(app, f).await
}

/// Percent-encodes a path for a query parameter.
/// What a handler's database work ends in. Built inside `web::block` (an
/// `HttpResponse` cannot cross threads), answered outside.
pub(crate) enum Reply {
    /// 303 to a page of this site.
    Redirect(String),
    /// A rendered page with its status.
    Html(actix_web::http::StatusCode, String),
}

impl Reply {
    pub(crate) fn page(status: actix_web::http::StatusCode, t: &impl Template) -> Result<Reply, UiError> {
        Ok(Reply::Html(status, t.render()?))
    }

    pub(crate) fn respond(self) -> HttpResponse {
        match self {
            Reply::Redirect(to) => HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish(),
            Reply::Html(status, body) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(body),
        }
    }
}

/// Runs a handler's database work on the blocking pool.
pub(crate) async fn blocking(
    app: &web::Data<crate::app::App>,
    f: impl FnOnce(&mut crate::db::AnyConnection, &crate::app::App) -> Result<Reply, UiError> + Send + 'static,
) -> Result<HttpResponse, UiError> {
    let a = app.clone().into_inner();
    let reply = crate::web::blocking(app, move |conn| f(conn, &a)).await?;
    Ok(reply.respond())
}

/// page's language.
pub(crate) fn in_lang(lang: Lang, msg: &str) -> String {
    lang.pick(&crate::domain::text::Message::from_pair(msg)).to_string()
}

/// The doctor of the signed-in doctor account; 404 when the account names
/// no known doctor.
pub(crate) fn own_doctor(
    conn: &mut crate::db::AnyConnection,
    viewer: &Viewer,
) -> Result<crate::db::models::Doctor, UiError> {
    let staff = viewer.user.staff_id.as_deref().ok_or(UiError::NotFound(viewer.lang))?;
    crate::db::queries::doctor_by_staff_id(conn, staff)?.ok_or(UiError::NotFound(viewer.lang))
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const STYLE: &str = include_str!("../../../static/style.css");

#[get("/static/style.css")]
async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLE)
}

/// Registers the screens.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(style)
        .configure(session::configure)
        .configure(dashboard::configure)
        .configure(doctor::configure)
        .configure(comp_rest::configure)
        .configure(imports::configure)
        .configure(discrepancies::configure)
        .configure(self_study::configure)
        .configure(declarations::configure)
        .configure(unreported::configure)
        .configure(interviews::configure)
        .configure(print::configure)
        .configure(accounts::configure)
        .configure(admin::configure);
}
