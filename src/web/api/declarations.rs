//! A doctor's own declarations in the JSON API, as the `/me/declarations`
//! screen (rules §2.3, §5b.2; [`crate::declarations`]): doctors only, for
//! themself.
//!
//! - `GET /api/v1/me/declarations?month=YYYY-MM` — the month's
//!   declarations with their status;
//! - `POST /api/v1/me/declarations` — the form's fields as a JSON object
//!   (`kind` `self_study`/`external`, `date`, `start`, `end`, `end_date`,
//!   `break_minutes`, `note`, `employer`, `schedule_class`; `replaces` to
//!   correct one); a refusal names each field;
//! - `POST /api/v1/me/declarations/{id}/withdraw` — withdraws one.

use super::auth::CurrentUser;
use super::selfcheck::own_doctor;
use super::{blocking, form_fields, month_as_of, require, ApiError};
use crate::accounts::Role;
use crate::app::App;
use crate::declarations::{self, DeclareError, DeclareRequest, Form};
use crate::domain::text::Message;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use std::collections::HashMap;

fn refusal(e: DeclareError) -> ApiError {
    match e {
        DeclareError::Invalid(errors) => {
            let (mut ja, mut en) = (Vec::new(), Vec::new());
            for f in errors {
                let m = Message::from_pair(&f.message);
                ja.push(format!("{}: {}", f.field, m.ja));
                en.push(format!("{}: {}", f.field, m.en));
            }
            ApiError::bad_request("invalid", &ja.join("; "), &en.join("; "))
        }
        DeclareError::NotFound => ApiError::not_found(),
        DeclareError::Locked => ApiError::conflict("locked", &e.to_string()),
        DeclareError::Outdated => ApiError::conflict("outdated", &e.to_string()),
        other => ApiError::internal(other),
    }
}

#[derive(Debug, Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

#[get("/api/v1/me/declarations")]
async fn list(app: web::Data<App>, me: CurrentUser, q: web::Query<MonthQuery>) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Doctor])?;
    let (month, _) = month_as_of(&app, q.month.as_deref(), None)?;
    let v = blocking(&app, move |c| {
        let d = own_doctor(c, &me)?;
        let rows = declarations::of_doctor(c, &d, &me.user.login, Some(month)).map_err(refusal)?;
        Ok(serde_json::json!({ "month": month.to_string(), "declarations": rows }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[post("/api/v1/me/declarations")]
async fn declare(
    app: web::Data<App>,
    me: CurrentUser,
    body: web::Json<HashMap<String, serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Doctor])?;
    let fields = form_fields(body.into_inner());
    let replaces = match fields.get("replaces").map(|s| s.trim()) {
        None | Some("") => None,
        Some(id) => Some(id.parse::<i64>().map_err(|_| ApiError::not_found())?),
    };
    let (now, today) = (app.now(), app.settings.today());
    let v = blocking(&app, move |c| {
        let d = own_doctor(c, &me)?;
        let declared = declarations::read(&Form::of(&fields), today).map_err(|e| refusal(DeclareError::Invalid(e)))?;
        let id = declarations::declare(
            c,
            &DeclareRequest {
                doctor: &d,
                login: &me.user.login,
                declared: &declared,
                replaces,
                now,
            },
        )
        .map_err(refusal)?;
        Ok(serde_json::json!({ "id": id, "replaces": replaces }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[post("/api/v1/me/declarations/{id}/withdraw")]
async fn withdraw(app: web::Data<App>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Doctor])?;
    let id = id.into_inner();
    let now = app.now();
    let v = blocking(&app, move |c| {
        let d = own_doctor(c, &me)?;
        declarations::withdraw(c, &d, &me.user.login, id, now).map_err(refusal)?;
        Ok(serde_json::json!({ "withdrawn": id }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(declare).service(withdraw);
}
