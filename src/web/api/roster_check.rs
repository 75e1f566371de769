//! `POST /api/v1/roster-check?month=YYYY-MM[&as_of=YYYY-MM-DD]` (rules §15):
//! the body is a roster file, the answer the JSON of §15.4; nothing is
//! stored, the run is logged. Admin and HR check every doctor; a manager
//! checks their own doctors, and the rows of other doctors are **left
//! out** (counted in `left_out_rows`, never named). A file with rejected
//! rows is answered 422 with the rows as an import lists them, unless
//! `skip_invalid=true` (then 422 with the check and its `rejected`).

use super::auth::CurrentUser;
use super::{blocking, month_and_as_of, require, DASHBOARD};
use crate::app::App;
use crate::report::roster_check::{check, CheckError, Outcome, Request};
use crate::web::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct CheckQuery {
    month: Option<String>,
    as_of: Option<String>,
    skip_invalid: Option<bool>,
}

/// An error of the check as the API answers it.
pub(super) fn api_error(e: CheckError) -> ApiError {
    match e {
        CheckError::Import(crate::ingest::ImportError::File(f)) => {
            let m = f.to_string();
            let pair = crate::domain::text::Message::from_pair(&m);
            ApiError::bad_request("bad_file", &m, &pair.en)
        }
        CheckError::Request(m) => {
            let pair = crate::domain::text::Message::from_pair(&m);
            ApiError::bad_request("bad_query", &pair.ja, &pair.en)
        }
        other => ApiError::internal(crate::web::error::chain(&other)),
    }
}

/// `POST /api/v1/roster-check`.
#[post("/api/v1/roster-check")]
pub(super) async fn roster_check_file(
    app: web::Data<App>,
    me: CurrentUser,
    req: HttpRequest,
    q: web::Query<CheckQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let month_given = q.month.is_some();
    let (month, as_of) = month_and_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/") || content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::bad_request(
            "bad_body",
            "ファイルの中身をそのまま送ってください（Content-Type: text/csv）",
            "send the file's bytes as the body (Content-Type: text/csv), not a form",
        ));
    }
    let limit = crate::ingest::MAX_UPLOAD_BYTES;
    let bytes = match payload.to_bytes_limited(limit).await {
        Ok(read) => read.map_err(|e| ApiError::bad_request("bad_body", &e.to_string(), &e.to_string()))?,
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "ファイルが大きすぎます",
                "the file is too large",
            ))
        }
    };
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "bad_file",
            "空のファイルは確認できません",
            "an empty file cannot be checked",
        ));
    }
    let skip_invalid = q.skip_invalid.unwrap_or(false);
    let a = app.clone();
    let outcome = blocking(&app, move |c| {
        let who = crate::policy::Who::of(me.role, &me.user);
        let scope = |d: &crate::db::models::Doctor| crate::policy::sees_dashboard_line(who, d.into());
        let outcome = check(
            c,
            &Request {
                bytes: &bytes,
                layout: None,
                month: month_given.then_some(month),
                as_of,
                skip_invalid,
                scope: &scope,
            },
            &a.settings.rules,
        )
        .map_err(api_error)?;
        let (doctors, rejected) = match &outcome {
            Outcome::Checked(r, refused) => (r.doctors.len(), refused.rejected_total),
            Outcome::NotChecked(n) => (0, n.refused.rejected_total),
        };
        crate::audit::log(
            c,
            Some(&me.user.login),
            crate::audit::Category::Read,
            "check roster",
            serde_json::json!({"month": month_given.then(|| month.to_string()), "as_of": as_of,
                               "doctors": doctors, "rejected": rejected}),
            a.now(),
        )?;
        Ok(outcome)
    })
    .await?;
    Ok(match outcome {
        Outcome::NotChecked(n) => HttpResponse::UnprocessableEntity().json(n),
        Outcome::Checked(r, refused) if refused.rejected_total > 0 => HttpResponse::UnprocessableEntity().json(r),
        Outcome::Checked(r, _) => HttpResponse::Ok().json(r),
    })
}
