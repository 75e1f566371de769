//! `POST /api/v1/doctors/{staff_id}/comp-rest-grants`: one 代償休息 grant
//! recorded as the doctor's 代償休息 screen records it (formats.md R.4,
//! [`crate::comp_rest`]): HR and admins for every doctor, a manager for
//! their own doctors. The body is JSON: `start`, `end`
//! (`YYYY-MM-DDTHH:MM[:SS]`), `method` (`time_off` or
//! `interval_extension`, optional), `note` (optional). 201 with the grant;
//! 400 a bad field, 403 not this user's doctor, 404 no such doctor, 409 an
//! overlap with a recorded grant.

use super::auth::CurrentUser;
use super::{blocking, require, ApiError, DASHBOARD};
use crate::app::App;
use crate::comp_rest::{self as service, Error};
use crate::domain::text::Message;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct GrantBody {
    start: String,
    end: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

fn refusal(e: Error) -> ApiError {
    match e {
        Error::NotFound | Error::NoEntry => ApiError::not_found(),
        Error::NotAllowed => ApiError::forbidden(&e.to_string()),
        Error::Overlap(..) => ApiError::conflict("overlap", &e.to_string()),
        Error::Invalid(errors) => {
            let (ja, en): (Vec<String>, Vec<String>) = errors
                .iter()
                .map(|m| {
                    let m = Message::from_pair(m);
                    (m.ja, m.en)
                })
                .unzip();
            ApiError::bad_request("bad_grant", &ja.join("; "), &en.join("; "))
        }
        e => ApiError::internal(e),
    }
}

#[post("/api/v1/doctors/{staff_id}/comp-rest-grants")]
pub(super) async fn record_grant(
    app: web::Data<App>,
    me: CurrentUser,
    staff_id: web::Path<String>,
    body: web::Json<GrantBody>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let body = body.into_inner();
    let instant = |field: &str, s: &str| {
        service::parse_instant(s).ok_or_else(|| {
            ApiError::bad_request(
                "bad_grant",
                &format!("{field} は YYYY-MM-DDTHH:MM で指定してください: {s:?}"),
                &format!("{field} must be YYYY-MM-DDTHH:MM"),
            )
        })
    };
    let (start, end) = (instant("start", &body.start)?, instant("end", &body.end)?);
    let input = service::read_form(
        &start.date().to_string(),
        &start.format("%H:%M:%S").to_string(),
        &end.format("%H:%M:%S").to_string(),
        &end.date().to_string(),
        body.method.as_deref().unwrap_or(""),
        body.note.as_deref().unwrap_or(""),
    )
    .map_err(refusal)?;
    let now = app.now();
    let staff_id = staff_id.into_inner();
    let v = blocking(&app, move |c| {
        let who = crate::policy::Who::of(me.role, &me.user);
        let id = service::record(c, who, &staff_id, &input, now).map_err(refusal)?;
        Ok(serde_json::json!({
            "id": id,
            "staff_id": staff_id,
            "start": input.start.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "end": input.end.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "method": input.method.map(|m| m.code()),
            "note": input.note,
        }))
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}
