//! The doctor's own fatigue self-check in the JSON API (issue 13 items 8
//! and 9), as the `/me/selfcheck` screen: doctors only, their own.
//!
//! - `GET /api/v1/me/selfcheck` — the checklist asked now (its edition and
//!   items), the latest self-check and its judgement in words;
//! - `POST /api/v1/me/selfcheck` — the form's fields as a JSON object
//!   (`s1`…, `w1`…, or `symptom` and `score`; `sleep`; `wants_interview`
//!   `yes`/`no`); a refusal names the unanswered items. Asking for an
//!   interview tells the manager (once a month).

use super::auth::CurrentUser;
use super::{blocking, require, ApiError};
use crate::accounts::Role;
use crate::app::App;
use crate::db::interviews::recent_self_checks;
use crate::db::models::{Doctor, SelfCheck};
use crate::db::{queries, AnyConnection};
use crate::domain::fatigue;
use crate::domain::interview::Symptom;
use crate::domain::selfcheck::{explain, read_selfcheck, unanswered};
use crate::domain::text::Message;
use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use std::collections::HashMap;

/// The doctor of the token's doctor account (404 when it names none).
pub(super) fn own_doctor(conn: &mut AnyConnection, me: &CurrentUser) -> Result<Doctor, ApiError> {
    let staff = me.user.staff_id.as_deref().ok_or_else(ApiError::not_found)?;
    queries::doctor_by_staff_id(conn, staff)?.ok_or_else(ApiError::not_found)
}

#[derive(Debug, Serialize)]
struct Item {
    field: String,
    label: &'static str,
    choices: Vec<u32>,
}

#[derive(Debug, Serialize)]
struct Latest {
    month: String,
    checklist_version: String,
    symptom: String,
    score: i32,
    sleep_average_minutes: i32,
    wants_interview: bool,
    answers: Option<String>,
    judgement: Vec<Words>,
}

/// One line of the judgement, in both languages.
#[derive(Debug, Serialize)]
struct Words {
    ja: String,
    en: String,
}

impl Latest {
    fn of(s: SelfCheck) -> Latest {
        let symptom = Symptom::parse(&s.symptom).unwrap_or(Symptom::I);
        Latest {
            judgement: explain(
                symptom,
                i64::from(s.score),
                i64::from(s.sleep_average_minutes),
                s.wants_interview != 0,
            )
            .into_iter()
            .map(|(ja, en)| Words { ja, en })
            .collect(),
            month: s.month,
            checklist_version: s.checklist_version,
            symptom: s.symptom,
            score: s.score,
            sleep_average_minutes: s.sleep_average_minutes,
            wants_interview: s.wants_interview != 0,
            answers: s.answers,
        }
    }
}

#[derive(Debug, Serialize)]
struct SelfCheckOut {
    checklist_version: &'static str,
    items: Vec<Item>,
    latest: Option<Latest>,
}

#[get("/api/v1/me/selfcheck")]
async fn show(app: web::Data<App>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Doctor])?;
    let v = blocking(&app, move |c| {
        let d = own_doctor(c, &me)?;
        let latest = recent_self_checks(c, d.id, 1)?.into_iter().next().map(Latest::of);
        let cl = fatigue::CURRENT;
        let items = cl
            .symptoms
            .iter()
            .enumerate()
            .map(|(n, (ja, _))| Item {
                field: format!("s{}", n + 1),
                label: ja,
                choices: fatigue::SYMPTOM_ANSWERS.iter().map(|a| a.0).collect(),
            })
            .chain(cl.work.iter().enumerate().map(|(n, (ja, _, answers))| Item {
                field: format!("w{}", n + 1),
                label: ja,
                choices: answers.iter().map(|a| a.0).collect(),
            }))
            .collect();
        Ok(SelfCheckOut {
            checklist_version: cl.version,
            items,
            latest,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[post("/api/v1/me/selfcheck")]
async fn save(
    app: web::Data<App>,
    me: CurrentUser,
    body: web::Json<HashMap<String, serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Doctor])?;
    let form = super::form_fields(body.into_inner());
    let now = app.now();
    let settings = app.settings.clone();
    let v = blocking(&app, move |c| {
        let d = own_doctor(c, &me)?;
        let r = read_selfcheck(&form).map_err(|m| {
            let missing = unanswered(&form, &fatigue::CURRENT);
            let pair = Message::from_pair(m);
            let (ja, en) = if missing.is_empty() {
                (pair.ja, pair.en)
            } else {
                (
                    format!("{}: {}", pair.ja, missing.join(", ")),
                    format!("{}: {}", pair.en, missing.join(", ")),
                )
            };
            ApiError::bad_request("invalid", &ja, &en)
        })?;
        let mailed = crate::monitor::selfcheck::record(c, &settings, &d, &r, now).map_err(ApiError::internal)?;
        let latest = recent_self_checks(c, d.id, 1)?.into_iter().next().map(Latest::of);
        Ok(serde_json::json!({ "saved": latest, "mailed": mailed }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show).service(save);
}
