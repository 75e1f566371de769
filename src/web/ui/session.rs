//! Sign-in, sign-out and the language of the screens.

use super::{html, PageCtx, UiError};
use crate::accounts::{self, AccountError, Role};
use crate::app::App;
use crate::db::models::User;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

pub const SESSION_COOKIE: &str = "kinmu_session";
pub const LANG_COOKIE: &str = "kinmu_lang";
/// The double-submit token of the sign-in form (there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "kinmu_login_csrf";

/// The language of the screens: Japanese first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn of(req: &HttpRequest) -> Lang {
        match req.cookie(LANG_COOKIE).as_ref().map(Cookie::value) {
            Some("en") => Lang::En,
            _ => Lang::Ja,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// A message in this language.
    pub fn pick(self, m: &crate::domain::text::Message) -> &str {
        match self {
            Lang::Ja => &m.ja,
            Lang::En => &m.en,
        }
    }

    /// A label in this language.
    pub fn label(self, l: crate::domain::text::Label) -> &'static str {
        match self {
            Lang::Ja => l.ja,
            Lang::En => l.en,
        }
    }
}

/// The signed-in user of a screen request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub role: Role,
    pub csrf: String,
    pub lang: Lang,
    pub(crate) path: String,
}

impl Viewer {
    /// The viewer as the access policy ([`crate::policy`]) asks about them.
    pub fn who(&self) -> crate::policy::Who<'_> {
        crate::policy::Who::of(self.role, &self.user)
    }

    /// Refuses the page unless the viewer has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), UiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(UiError::Forbidden(self.lang))
        }
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), UiError> {
        if !token.is_empty() && constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(UiError::StaleForm(self.lang))
        }
    }

    /// The page context for templates.
    pub fn ctx(&self, app: &App) -> PageCtx {
        PageCtx {
            lang: self.lang,
            login: self.user.login.clone(),
            display_name: self.user.name.clone().unwrap_or_else(|| self.user.login.clone()),
            role: self.role,
            csrf: self.csrf.clone(),
            hospital: app.settings.hospital_name.clone(),
            path: self.path.clone(),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequest for Viewer {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Viewer, UiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let app = req.app_data::<web::Data<App>>().cloned();
        let lang = Lang::of(req);
        let path = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        let req = req.clone();
        Box::pin(async move {
            let Some(app) = app else {
                return Err(UiError::SignIn(path));
            };
            // A cookie that no longer opens a session: it expired (or was
            // signed out elsewhere); the sign-in page says so.
            let Some(token) = token else {
                return Err(UiError::SignIn(path));
            };
            let now = app.now();
            let policy = app.settings.accounts.clone();
            let found = crate::web::blocking(&app, move |conn| {
                accounts::user_by_token(conn, &token, &policy, now).map_err(UiError::internal)
            })
            .await?;
            let Some((user, csrf)) = found else {
                return Err(UiError::Expired(path));
            };
            let role = user.role().ok_or_else(|| UiError::SignIn(path.clone()))?;
            crate::web::access::note_reader(&req, &user);
            Ok(Viewer {
                user,
                role,
                csrf,
                lang,
                path,
            })
        })
    }
}

/// A path to return to after sign-in or a language switch: only a path of
/// this site. Anything else (another site, `//host`, a backslash) returns
/// to the start page; a control character or a space is refused (400):
/// browsers drop a TAB or a newline from a URL, so `/\t/evil.example` would
/// become `//evil.example`, another site.
fn safe_next(next: Option<&str>, lang: Lang) -> Result<String, UiError> {
    let Some(n) = next else {
        return Ok("/".to_string());
    };
    if n.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(UiError::BadRequest(
            lang,
            "戻り先（next）に使えない文字が含まれています / the return path (next) contains a character that is not allowed"
                .to_string(),
        ));
    }
    let own_path =
        n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.bytes().all(|b| b.is_ascii_graphic());
    Ok(if own_path { n.to_string() } else { "/".to_string() })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    next: String,
    csrf: String,
    notice: Option<Notice>,
    hospital: String,
    lockout_failures: i32,
    lockout_minutes: i64,
    /// The demo accounts, listed only by `serve --demo` on a demo database.
    demo: Vec<crate::demo::SignInHint>,
    demo_password: &'static str,
}

/// What the sign-in page tells the person.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Notice {
    /// Wrong login or password. A disabled or locked account and an
    /// unknown login answer exactly the same, so nobody learns from the
    /// sign-in page whether an account exists.
    Wrong,
    TooMany,
    Expired,
}

impl LoginPage {
    fn notice_text(&self) -> String {
        let Some(n) = &self.notice else {
            return String::new();
        };
        match (n, self.lang) {
            (Notice::Wrong, Lang::Ja) => format!(
                "ログインIDまたはパスワードが違います。続けて{}回間違えると、アカウントは{}分間ロックされます（ロック中は正しいパスワードでもログインできません。お急ぎの場合はシステム管理者へ）。",
                self.lockout_failures, self.lockout_minutes
            ),
            (Notice::Wrong, Lang::En) => format!(
                "Wrong login or password. After {} wrong passwords in a row the account is locked for {} minutes (even the right password is refused then; ask the system administrator if urgent).",
                self.lockout_failures, self.lockout_minutes
            ),
            (Notice::TooMany, Lang::Ja) => "ログインの試行が多すぎます。1分ほど待ってから再度お試しください。".into(),
            (Notice::TooMany, Lang::En) => "Too many sign-in attempts. Wait a minute and try again.".into(),
            (Notice::Expired, Lang::Ja) => "セッションの有効期限が切れました。もう一度ログインしてください。".into(),
            (Notice::Expired, Lang::En) => "Your session has expired. Please sign in again.".into(),
        }
    }
    fn notice_is_error(&self) -> bool {
        !matches!(self.notice, None | Some(Notice::Expired))
    }
}

impl LoginPage {
    fn role_label(&self, account: &crate::demo::SignInHint) -> &'static str {
        let role = account.role;
        match self.lang {
            Lang::Ja => role.label_ja(),
            Lang::En => role.code(),
        }
    }
    fn tr<'a>(&self, ja: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
    expired: Option<String>,
}

fn secure(app: &App) -> bool {
    app.settings.base_url.starts_with("https://")
}

/// The demo accounts for the sign-in page: only when the server runs with
/// `--demo` AND the database carries the demo's mark, never on a real
/// database (whose accounts' password is not the demo's).
async fn demo_hints(app: &App) -> Result<Vec<crate::demo::SignInHint>, UiError> {
    if !app.settings.accounts.demo_mode {
        return Ok(Vec::new());
    }
    let today = app.settings.today();
    crate::web::blocking(app, move |conn| {
        let demo = crate::demo::is_demo_database(conn).map_err(UiError::internal)?;
        Ok(if demo {
            crate::demo::sign_in_hints(today)
        } else {
            Vec::new()
        })
    })
    .await
}

async fn login_page(app: &App, lang: Lang, next: String, notice: Option<Notice>) -> Result<HttpResponse, UiError> {
    use actix_web::http::StatusCode;
    let csrf = accounts::random_token();
    let status = match notice {
        Some(Notice::Wrong) => StatusCode::UNAUTHORIZED,
        Some(Notice::TooMany) => StatusCode::TOO_MANY_REQUESTS,
        Some(Notice::Expired) | None => StatusCode::OK,
    };
    let page = LoginPage {
        lang,
        next,
        csrf: csrf.clone(),
        notice,
        hospital: app.settings.hospital_name.clone(),
        lockout_failures: app.settings.accounts.lockout_failures,
        lockout_minutes: app.settings.accounts.lockout_minutes,
        demo: demo_hints(app).await?,
        demo_password: crate::demo::DEMO_PASSWORD,
    };
    let mut resp = html(&page)?;
    *resp.status_mut() = status;
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, csrf)
        .path("/login")
        .http_only(true)
        .secure(secure(app))
        .same_site(SameSite::Strict)
        .finish();
    resp.add_cookie(&cookie).map_err(UiError::internal)?;
    Ok(resp)
}

#[get("/login")]
async fn login_form(app: web::Data<App>, req: HttpRequest, q: web::Query<NextQuery>) -> Result<HttpResponse, UiError> {
    let notice = q.expired.is_some().then_some(Notice::Expired);
    let lang = Lang::of(&req);
    login_page(&app, lang, safe_next(q.next.as_deref(), lang)?, notice).await
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
    csrf: String,
}

#[post("/login")]
async fn login(app: web::Data<App>, req: HttpRequest, form: web::Form<LoginForm>) -> Result<HttpResponse, UiError> {
    let lang = Lang::of(&req);
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref(), lang)?;
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(UiError::StaleForm(lang));
    }
    if app
        .sign_in_limiter
        .check(crate::web::limit::client_addr(&req), std::time::Instant::now())
        .is_err()
    {
        return login_page(&app, lang, next, Some(Notice::TooMany)).await;
    }
    let now = app.now();
    let policy = app.settings.accounts.clone();
    let (login, password) = (form.login, form.password);
    let result = crate::web::blocking(&app, move |conn| {
        match accounts::sign_in(conn, &login, &password, &policy, now) {
            Ok((_, session)) => Ok(Ok(session)),
            Err(AccountError::BadCredentials | AccountError::Locked(_)) => Ok(Err(Notice::Wrong)),
            Err(e) => Err(UiError::internal(e)),
        }
    })
    .await?;
    let session = match result {
        Ok(session) => session,
        Err(notice) => {
            // Never the text typed as the login: it may be a password.
            tracing::info!("sign-in refused");
            return login_page(&app, lang, next, Some(notice)).await;
        }
    };
    let cookie = Cookie::build(SESSION_COOKIE, session.token)
        .path("/")
        .http_only(true)
        .secure(secure(&app))
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::hours(app.settings.accounts.session_hours))
        .finish();
    let mut clear = Cookie::build(LOGIN_CSRF_COOKIE, "").path("/login").finish();
    clear.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(cookie)
        .cookie(clear)
        .finish())
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

#[post("/logout")]
async fn logout(
    app: web::Data<App>,
    viewer: Viewer,
    req: HttpRequest,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) {
        let now = app.now();
        crate::web::blocking(&app, move |conn| {
            accounts::sign_out(conn, &token, &viewer.user.login, now).map_err(UiError::internal)
        })
        .await?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .cookie(gone)
        .finish())
}

#[derive(Debug, Deserialize)]
struct LangQuery {
    next: Option<String>,
}

/// Switches the language (a cookie; Japanese is the default).
#[get("/lang/{code}")]
async fn switch_lang(
    req: HttpRequest,
    code: web::Path<String>,
    q: web::Query<LangQuery>,
) -> Result<HttpResponse, UiError> {
    let next = safe_next(q.next.as_deref(), Lang::of(&req))?;
    let value = if code.as_str() == "en" { "en" } else { "ja" };
    let cookie = Cookie::build(LANG_COOKIE, value)
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(cookie)
        .finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form)
        .service(login)
        .service(logout)
        .service(switch_lang);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        let next = |n: Option<&str>| safe_next(n, Lang::Ja).ok();
        assert_eq!(
            next(Some("/doctors/D001?month=2024-06")).as_deref(),
            Some("/doctors/D001?month=2024-06")
        );
        assert_eq!(next(Some("//evil.example/")).as_deref(), Some("/"));
        assert_eq!(next(Some("https://evil.example/")).as_deref(), Some("/"));
        assert_eq!(next(Some("/\\evil")).as_deref(), Some("/"));
        assert_eq!(next(Some("/%09/evil.example")).as_deref(), Some("/%09/evil.example"));
        assert_eq!(next(None).as_deref(), Some("/"));
        // Browsers drop TAB, CR and LF from URLs: `/\t/evil` is `//evil`.
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/x",
            "/ /evil",
            "/\u{0}x",
            "/\u{85}/x",
        ] {
            assert!(next(Some(bad)).is_none(), "{bad:?}");
        }
        assert_eq!(
            next(Some("/患者")).as_deref(),
            Some("/"),
            "only ASCII, as a request path is"
        );
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
