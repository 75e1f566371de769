//! Authentication for the JSON API: `POST /api/v1/sessions` with a login
//! and password returns a bearer token; every protected handler takes a
//! [`CurrentUser`], which answers 401 without a valid token.

use super::ApiError;
use crate::accounts::{self, AccountError, Role};
use crate::app::App;
use crate::db::models::User;
use crate::web::limit::client_addr;
use actix_web::dev::Payload;
use actix_web::{delete, post, web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

/// The bearer token of a request, if any.
fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub role: Role,
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentUser, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let ext = req.clone();
        let app = req.app_data::<web::Data<App>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(app)) = (token, app) else {
                return Err(ApiError::unauthorized());
            };
            let now = app.now();
            let policy = app.settings.accounts.clone();
            let user = crate::web::blocking(&app, move |conn| -> Result<Option<User>, ApiError> {
                accounts::user_by_token(conn, &token, &policy, now)
                    .map(|u| u.map(|(u, _)| u))
                    .map_err(ApiError::internal)
            })
            .await?;
            let user = user.ok_or_else(ApiError::unauthorized)?;
            let role = user.role().ok_or_else(ApiError::unauthorized)?;
            crate::web::access::note_reader(&ext, &user);
            Ok(CurrentUser { user, role })
        })
    }
}

#[derive(Debug, Deserialize)]
struct SignIn {
    login: String,
    password: String,
}

/// A sign-in's answer: the bearer token and how long it lasts.
#[derive(Debug, serde::Serialize)]
struct SignedIn {
    token: String,
    login: String,
    role: String,
    expires_in_hours: i64,
    idle_minutes: i64,
}

#[post("/api/v1/sessions")]
pub(super) async fn sign_in(
    app: web::Data<App>,
    req: HttpRequest,
    body: web::Json<SignIn>,
) -> Result<HttpResponse, ApiError> {
    if let Err(wait) = app.sign_in_limiter.check(client_addr(&req), std::time::Instant::now()) {
        let mut resp = ApiError::too_many_sign_ins().error_response();
        resp.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(wait.as_secs().max(1)),
        );
        return Ok(resp);
    }
    let SignIn { login, password } = body.into_inner();
    let now = app.now();
    let policy = app.settings.accounts.clone();
    let (user, session) = crate::web::blocking(&app, move |conn| {
        accounts::sign_in(conn, &login, &password, &policy, now).map_err(|e| match e {
            // A locked account answers exactly like a wrong password or an
            // unknown login: the answer tells nobody whether it exists.
            AccountError::BadCredentials | AccountError::Locked(_) => ApiError::bad_credentials(&policy),
            other => ApiError::internal(other),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(SignedIn {
        token: session.token,
        login: user.login,
        role: user.role,
        expires_in_hours: app.settings.accounts.session_hours,
        idle_minutes: app.settings.accounts.session_idle_minutes,
    }))
}

/// Ends the caller's API session.
#[delete("/api/v1/sessions")]
pub(super) async fn sign_out(app: web::Data<App>, me: CurrentUser, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let token = bearer(&req).ok_or_else(ApiError::unauthorized)?;
    let now = app.now();
    crate::web::blocking(&app, move |conn| {
        accounts::sign_out(conn, &token, &me.user.login, now).map_err(ApiError::internal)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
